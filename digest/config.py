"""site.yaml → a validated Site. Every error names the file, the line and what to write instead."""
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from .model import Rules


# RFC 4151's taggingEntity: a DNS name or e-mail address, a comma, a date (year, month or day).
TAG_AUTHORITY = re.compile(r"(?:[\w.+-]+@)?[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?,\d{4}(?:-\d{2}(?:-\d{2})?)?",
                           re.ASCII)


class ConfigError(Exception):
    """A problem in site.yaml the user must fix; str() is the message to print."""


@dataclass(frozen=True)
class Theme:
    slug: str
    name: str
    description: str = ""
    rules: Rules | None = None


@dataclass
class Site:
    root: Path
    title: str = "News Digest"
    base_url: str = "http://localhost:8000/"
    language: str = "en"
    timezone: str = "UTC"
    seeds_dir: Path = Path("seeds")
    content_dir: Path = Path("content")
    output_dir: Path = Path("output")
    default_timezone: str = "UTC"            # for stamps printed without a zone
    furniture_lines: list[str] = field(default_factory=list)
    furniture_patterns: list[str] = field(default_factory=list)
    captured: dict[str, datetime] = field(default_factory=dict)   # dump name → pinned capture time
    themes: list[Theme] = field(default_factory=list)
    feed_items: int = 50
    feed_ttl: int = 60                       # minutes a reader may cache a feed
    # The tag: URI authority of feed item ids: a domain (or e-mail) you own and a date. Set once and
    # never changed: readers know entries by it. Not taken from base_url, so moving the site keeps ids.
    feed_id_authority: str = "localhost,2025"
    description: str = ""
    page_size: int = 20                      # entries per page of a theme page
    search: bool = True                      # build the Pagefind search index and page
    templates_dir: Path = Path("templates")

    @property
    def base_path(self) -> str:
        """The path part of base_url ("/" or "/news/"): every link in the site starts with it."""
        return "/" + self.base_url.split("://", 1)[1].partition("/")[2]


class _Doc:
    """The parsed YAML with the line of every key, for messages."""

    def __init__(self, path: Path, text: str):
        self.path = path
        try:
            self.node = yaml.compose(text, Loader=yaml.SafeLoader)
            self.data = yaml.safe_load(text) if self.node is not None else {}
        except yaml.YAMLError as err:
            # The context mark is where the faulty construct starts; the problem mark is where the
            # parser gave up, often a line later.
            mark = getattr(err, "context_mark", None) or getattr(err, "problem_mark", None)
            where = f"{path}:{mark.line + 1}" if mark else str(path)
            problem = getattr(err, "problem", None) or str(err)
            raise ConfigError(f"{where}: {problem}. Check the indentation and quoting on that line.") from None
        if self.data is None:
            self.data = {}
        if not isinstance(self.data, dict):
            raise ConfigError(f"{path}:1: site.yaml must be a mapping of settings (key: value), "
                              f"not a {type(self.data).__name__}")

    def line(self, *keys) -> str:
        node = self.node
        for key in keys:
            if not isinstance(node, yaml.MappingNode):
                break
            match = next((v for k, v in node.value if k.value == key), None)
            if match is None:
                break
            node = match
        return f"{self.path}:{node.start_mark.line + 1}" if node is not None else str(self.path)

    def get(self, *keys, default=None, kind=None, what=""):
        value = self.data
        for key in keys:
            if not isinstance(value, dict) or key not in value:
                return default
            value = value[key]
        if value is None:
            return default
        if kind is not None and not isinstance(value, kind):
            names = " or ".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
            raise ConfigError(f"{self.line(*keys)}: '{'.'.join(keys)}' must be {what or names}, "
                              f"not {value!r}")
        return value


def _zone(doc: _Doc, keys, value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{doc.line(*keys)}: unknown time zone {value!r}; use an IANA name such as "
                          "'UTC', 'Asia/Tokyo' or 'Europe/London'") from None
    return value


def _rules(doc: _Doc, raw: dict) -> Rules:
    """A theme's `match:` block: terms with weights, phrases to ignore, a threshold."""
    where = f"{doc.line('themes')}: theme '{raw['slug']}'"
    match = raw.get("match") or {}
    if not isinstance(match, dict):
        raise ConfigError(f"{where}: 'match' must be a mapping with terms, ignore and threshold")
    terms = match.get("terms") or {}
    if not isinstance(terms, dict) or not all(isinstance(w, (int, float)) and w > 0 for w in terms.values()):
        raise ConfigError(f"{where}: 'match.terms' must map each term to a weight above 0, "
                          "e.g. \"tariff*\": 1")
    ignore = match.get("ignore") or []
    if not isinstance(ignore, list):
        raise ConfigError(f"{where}: 'match.ignore' must be a list of phrases")
    threshold = match.get("threshold", 3)
    if not isinstance(threshold, (int, float)) or threshold <= 0:
        raise ConfigError(f"{where}: 'match.threshold' must be a number above 0, not {threshold!r}")
    return Rules(str(raw["slug"]), float(threshold), tuple((str(t), float(w)) for t, w in terms.items()),
                 tuple(str(p) for p in ignore))


def load(path: Path) -> Site:
    path = Path(path)
    root = path.parent.resolve()
    if not path.exists():
        raise ConfigError(f"{path}: not found. Run the build from the site's folder, or pass --config PATH.")
    doc = _Doc(path, path.read_text(encoding="utf-8-sig"))
    site = Site(root=root)
    site.title = str(doc.get("title", default=site.title))
    site.base_url = str(doc.get("base_url", default=site.base_url))
    if not re.match(r"^https?://", site.base_url):
        raise ConfigError(f"{doc.line('base_url')}: base_url must start with http:// or https://, "
                          f"not {site.base_url!r}")
    if not site.base_url.endswith("/"):
        site.base_url += "/"
    site.description = str(doc.get("description", default=""))
    site.language = str(doc.get("language", default=site.language))
    site.timezone = _zone(doc, ("timezone",), str(doc.get("timezone", default=site.timezone)))

    norm = doc.get("normalize", default={}, kind=dict, what="a mapping")
    site.seeds_dir = root / str(norm.get("seeds", "seeds"))
    site.content_dir = root / str(norm.get("content", "content"))
    site.output_dir = root / str(doc.get("output", default="output"))
    site.templates_dir = root / str(doc.get("templates", default="templates"))
    site.search = doc.get("search", default=True, kind=bool, what="true or false")
    site.page_size = doc.get("page_size", default=20, kind=int, what="a whole number")
    if site.page_size < 1:
        raise ConfigError(f"{doc.line('page_size')}: page_size must be at least 1, not {site.page_size}")
    site.default_timezone = _zone(doc, ("normalize", "default_timezone"),
                                  str(norm.get("default_timezone", "UTC")))
    doc.get("normalize", "furniture", default={}, kind=dict, what="a mapping with lines and patterns")
    site.furniture_lines = [str(x) for x in doc.get("normalize", "furniture", "lines", default=[], kind=list)]
    site.furniture_patterns = []
    for pattern in doc.get("normalize", "furniture", "patterns", default=[], kind=list):
        try:
            re.compile(str(pattern))
        except re.error as err:
            raise ConfigError(f"{doc.line('normalize', 'furniture', 'patterns')}: the pattern {pattern!r} is not a "
                              f"valid regular expression ({err})") from None
        site.furniture_patterns.append(str(pattern))
    for name, value in doc.get("normalize", "captured", default={}, kind=dict, what="a mapping of dump file "
                               "names to times").items():
        when = value if isinstance(value, datetime) else None
        if when is None:
            try:
                when = datetime.fromisoformat(str(value))
            except ValueError:
                when = None
        if when is None:
            raise ConfigError(f"{doc.line('normalize', 'captured', name)}: the capture time of {name!r} must be "
                              f"an ISO 8601 time such as 2025-07-12T09:30:00+00:00, not {value!r}")
        site.captured[str(name)] = when if when.tzinfo else when.replace(tzinfo=timezone.utc)

    for n, raw in enumerate(doc.get("themes", default=[], kind=list, what="a list of themes")):
        if not isinstance(raw, dict) or not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", str(raw.get("slug", ""))):
            raise ConfigError(f"{doc.line('themes')}: theme #{n + 1} needs a 'slug' of lowercase letters, "
                              "digits and hyphens (e.g. slug: russia-ukraine)")
        site.themes.append(Theme(raw["slug"], str(raw.get("name", raw["slug"])), str(raw.get("description", "")),
                                 _rules(doc, raw)))
    slugs = [t.slug for t in site.themes]
    if len(set(slugs)) != len(slugs):
        raise ConfigError(f"{doc.line('themes')}: two themes share the slug "
                          f"{next(x for x in slugs if slugs.count(x) > 1)!r}; each needs its own")
    items = doc.get("feeds", "items", default=50, kind=int, what="a whole number")
    if items < 1:
        raise ConfigError(f"{doc.line('feeds', 'items')}: feeds.items must be at least 1, not {items}")
    site.feed_items = items
    ttl = doc.get("feeds", "ttl", default=60, kind=int, what="a whole number of minutes")
    if ttl < 1:
        raise ConfigError(f"{doc.line('feeds', 'ttl')}: feeds.ttl must be at least 1 (minutes), not {ttl}")
    site.feed_ttl = ttl
    authority = str(doc.get("feeds", "id_authority", default=site.feed_id_authority))
    if not TAG_AUTHORITY.fullmatch(authority):
        raise ConfigError(f"{doc.line('feeds', 'id_authority')}: feeds.id_authority must be a domain you own "
                          f"and a date, such as example.org,2025 or you@example.org,2025-07-01; not {authority!r}")
    site.feed_id_authority = authority
    return site
