"""site.yaml → a validated Site.

Every setting is one row of SCHEMA: its dotted key, its kind (type and check), its default and its
meaning. The rows validate the file, fill in the defaults, make the Site class and write the README's
reference table (`python -m digest.config --table`). Every error names the file, the line and what
to write instead; a key no row knows is a warning naming the nearest known one.
"""
import copy
import difflib
import re
import sys
from dataclasses import dataclass, field, make_dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from .model import Rules


# RFC 4151's taggingEntity: a DNS name or e-mail address, a comma, a date (year, month or day).
TAG_AUTHORITY = re.compile(r"(?:[\w.+-]+@)?[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?,\d{4}(?:-\d{2}(?:-\d{2})?)?",
                           re.ASCII)
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
ITEM = "themes[]."          # the keys of each theme in the list under `themes`


class ConfigError(Exception):
    """A problem in site.yaml the user must fix; str() is the message to print."""


@dataclass(frozen=True)
class Theme:
    slug: str
    name: str
    description: str = ""
    rules: Rules | None = None


@dataclass
class Field:
    """One value of site.yaml as the checks see it: where it stands and how messages name it."""
    doc: "_Doc"
    key: str                        # as written in the schema, without the theme prefix
    node: yaml.Node | None          # None: the default
    theme: str | None = None        # the theme's slug, for a theme's own keys

    @property
    def where(self) -> str:
        at = self.doc.line(self.node)
        return f"{at}: theme '{self.theme}'" if self.theme else at

    @property
    def said(self) -> str:
        """The key as messages say it: page_size; a theme's 'match.threshold'."""
        return f"'{self.key}'" if self.theme else self.key

    def at(self, key) -> str:
        """file:line of `key` inside this value (a mapping), else of the value."""
        for k, v in getattr(self.node, "value", None) or ():
            if isinstance(k, yaml.ScalarNode) and k.value == str(key):
                return Field(self.doc, self.key, v, self.theme).where
        return self.where

    def fail(self, text: str, where: str | None = None):
        raise ConfigError(f"{where or self.where}: {text}")


@dataclass(frozen=True)
class Kind:
    """A type of setting: its name in the README, what a wrong value is told it must be, the YAML
    values it takes, and the check that turns one into the Site's value (or fails with a message)."""
    name: str
    what: str
    takes: tuple[type, ...]
    check: Callable[[object, Field], object] = lambda value, f: value
    type: object = object           # the Site attribute's annotation


@dataclass(frozen=True)
class Key:
    """One setting: a row of the README's reference table."""
    key: str                        # dotted; ITEM starts a theme's own keys
    kind: Kind
    default: object
    meaning: str
    attr: str = ""                  # the Site attribute it sets (a theme's keys: the Theme's)
    shown: str = ""                 # the default as the README shows it, when not the value itself


# --- kinds ---------------------------------------------------------------------------------------

def _url(value, f):
    if not re.match(r"^https?://", value):
        f.fail(f"{f.said} must start with http:// or https://, not {value!r}")
    return value if value.endswith("/") else value + "/"


def _zone(value, f):
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        f.fail(f"unknown time zone {value!r}; use an IANA name such as 'UTC', 'Asia/Tokyo' or 'Europe/London'")
    return value


def _at_least_1(unit=""):
    def check(value, f):
        if value < 1:
            f.fail(f"{f.said} must be at least 1{unit}, not {value}")
        return value
    return check


def _patterns(value, f):
    for pattern in value:
        try:
            re.compile(str(pattern))
        except re.error as err:
            f.fail(f"the pattern {pattern!r} is not a valid regular expression ({err})")
    return [str(p) for p in value]


def _times(value, f):
    pinned = {}
    for name, written in value.items():
        when = written if isinstance(written, datetime) else None
        if when is None:
            try:
                when = datetime.fromisoformat(str(written))
            except ValueError:
                f.fail(f"the capture time of {name!r} must be an ISO 8601 time such as 2025-07-12T09:30:00+00:00, "
                       f"not {written!r}", f.at(name))
        pinned[str(name)] = when if when.tzinfo else when.replace(tzinfo=timezone.utc)
    return pinned


def _authority(value, f):
    if not TAG_AUTHORITY.fullmatch(value):
        f.fail(f"{f.said} must be a domain you own and a date, such as example.org,2025 or "
               f"you@example.org,2025-07-01; not {value!r}")
    return value


def _terms(value, f):
    for term, weight in value.items():
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight <= 0:
            f.fail(f"{f.said} must map each term to a weight above 0, e.g. \"tariff*\": 1; "
                   f"not {term!r}: {weight!r}", f.at(term))
    return tuple((str(t), float(w)) for t, w in value.items())


def _above_0(value, f):
    if value <= 0:
        f.fail(f"{f.said} must be a number above 0, not {value!r}")
    return float(value)


def _written(value, f) -> str:
    """Text as written: `1.10` stays 1.10 (YAML reads a float), `2025-07-12` stays as it is."""
    return f.node.value if isinstance(f.node, yaml.ScalarNode) else str(value)


SCALAR = (str, int, float, date)    # what YAML may read text as (a bare 2025 or 2025-07-12)
TEXT = Kind("text", "text", SCALAR, _written, str)
URL = Kind("URL", "a URL starting with http:// or https://", (str,), _url, str)
ZONE = Kind("time zone", "an IANA time zone name such as 'Asia/Tokyo'", (str,), _zone, str)
# Relative to site.yaml's folder; an absolute path stays as it is.
FOLDER = Kind("folder", "a folder name or path", SCALAR, lambda v, f: f.doc.root / _written(v, f), Path)
FLAG = Kind("true or false", "true or false", (bool,), type=bool)
COUNT = Kind("whole number ≥ 1", "a whole number", (int,), _at_least_1(), int)
MINUTES = Kind("minutes ≥ 1", "a whole number of minutes", (int,), _at_least_1(" (minutes)"), int)
LINES = Kind("list of text", "a list of lines", (list,), lambda v, f: [str(x) for x in v], list[str])
PATTERNS = Kind("list of regular expressions", "a list of regular expressions", (list,), _patterns, list[str])
TIMES = Kind("file name: time", "a mapping of dump file names to times", (dict,), _times, dict[str, datetime])
AUTHORITY = Kind("tag authority", "a domain and a date such as example.org,2025", (str,), _authority, str)
THEMES = Kind("list of themes", "a list of themes", (list,), lambda v, f: _themes(f), list[Theme])
SLUG_TEXT = Kind("slug", "lowercase letters, digits and hyphens", SCALAR, _written, str)
TERMS = Kind("term: weight", "a mapping of terms to weights above 0, e.g. \"tariff*\": 1", (dict,), _terms)
PHRASES = Kind("list of text", "a list of phrases", (list,), lambda v, f: tuple(str(p) for p in v))
NUMBER = Kind("number > 0", "a number above 0", (int, float), _above_0, float)


# --- the schema: every key of site.yaml, in the README's order --------------------------------------

SCHEMA: tuple[Key, ...] = (
    Key("title", TEXT, "News Digest", "The site's name.", "title"),
    Key("base_url", URL, "http://localhost:8000/",
        "Where the site is served; must start with `http://` or `https://` (a final `/` is added).", "base_url"),
    Key("language", TEXT, "en", "The site's language.", "language"),
    Key("timezone", ZONE, "UTC", "IANA zone times are shown to readers in (e.g. `Asia/Tokyo`).", "timezone"),
    Key("description", TEXT, "", "The site's description, for search engines and link previews.", "description"),
    Key("output", FOLDER, "output",
        "Folder the site is built into. A build writes over files of the same name there and removes the "
        "pages it no longer makes, so it may not be, hold or lie inside the seeds, content or templates "
        "folder, nor be or hold the site's folder (where site.yaml is); elsewhere is fine (`../public`, "
        "an absolute path).", "output_dir"),
    Key("templates", FOLDER, "templates",
        "The site's templates folder; files it lacks come from the shipped ones.", "templates_dir"),
    Key("page_size", COUNT, 20, "Entries on the first page of a theme, an outlet or a story (its newest), and "
        "the most on a page of one of its months: a busier month is cut into parts of this many, counted from "
        "its oldest entry.", "page_size"),
    Key("search", FLAG, True, "Build the search index and page (Pagefind).", "search"),
    Key("normalize.seeds", FOLDER, "seeds", "Folder of raw dumps (`.txt`), saved pages (`.html`, `.htm`) and feeds "
        "(`.xml`, `.rss`, `.atom`, `.json`), each also as `.gz`; read only.", "seeds_dir"),
    Key("normalize.content", FOLDER, "content", "Folder of entries.", "content_dir"),
    Key("normalize.default_timezone", ZONE, "UTC",
        "Zone for stamps a page prints without one; a date without a time is that day in this zone.",
        "default_timezone"),
    Key("normalize.furniture.lines", LINES, [],
        "Extra lines of page furniture to drop, literally (case and spacing ignored), wherever they stand: "
        "unlike the aggregator's own lines (\"Related Articles\", the app footer), they never end an article.",
        "furniture_lines"),
    Key("normalize.furniture.patterns", PATTERNS, [],
        "Extra furniture as regular expressions matching a whole line.", "furniture_patterns"),
    Key("normalize.captured", TIMES, {},
        "Pin dumps' capture times: `file name: 2025-07-12T09:00:00+00:00`.", "captured"),
    Key("themes", THEMES, [],
        "The themes, each a mapping of the `themes[].` keys below (the shipped site.yaml has four). "
        "Without any, the site has no theme pages.", "themes"),
    Key(ITEM + "slug", SLUG_TEXT, None,
        "The theme's id and URL part: lowercase letters, digits and hyphens (`russia-ukraine`); "
        "each theme its own.", "slug", shown="required"),
    Key(ITEM + "name", TEXT, None, "The theme's name, as pages show it.", "name", shown="the slug"),
    Key(ITEM + "description", TEXT, "", "One line saying what the theme covers.", "description"),
    Key(ITEM + "match.terms", TERMS, {},
        "Terms with their weights (`\"tariff*\": 1`); `word*` matches any ending, case is ignored."),
    Key(ITEM + "match.ignore", PHRASES, [],
        "Phrases that do not count (an outlet's name such as \"Japan Times\")."),
    Key(ITEM + "match.threshold", NUMBER, 3, "Points at which an entry is in the theme (see Themes and stories)."),
    Key("feeds.items", COUNT, 50, "Items per feed.", "feed_items"),
    Key("feeds.ttl", MINUTES, 60, "Minutes a feed reader may wait before fetching a feed again.", "feed_ttl"),
    Key("feeds.id_authority", AUTHORITY, "localhost,2025",
        "The `tag:` authority of item ids: a domain you own (or an e-mail address) and a date. "
        "Set it once and never change it: readers know entries by it.", "feed_id_authority"),
)
TOP = {k.key: k for k in SCHEMA if not k.key.startswith(ITEM)}
THEME_KEYS = {k.key[len(ITEM):]: k for k in SCHEMA if k.key.startswith(ITEM)}


def _base_path(self) -> str:
    """The path part of base_url ("/" or "/news/"): every link in the site starts with it."""
    return "/" + self.base_url.split("://", 1)[1].partition("/")[2]


# The Site's attributes are the schema's, plus the folder of site.yaml and the file's warnings
# (unknown keys), which cli.py prints and counts.
Site = make_dataclass("Site", [("root", Path)] + [(k.attr, k.kind.type) for k in TOP.values()]
                      + [("warnings", list[str], field(default_factory=list))],
                      namespace={"base_path": property(_base_path)})
Site.__module__ = __name__          # make_dataclass would leave it in `types` (pickling, repr)
Site.__doc__ = "The site's settings, validated: one attribute per row of SCHEMA (see `attr`)."


# --- reading ---------------------------------------------------------------------------------------

def _is_null(node) -> bool:
    return node is None or node.tag == "tag:yaml.org,2002:null"


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


class _Doc:
    """The parsed YAML, kept as nodes: each value read with its line, for messages."""

    def __init__(self, path: Path, text: str):
        self.path, self.root = path, path.parent.resolve()
        self.warnings: list[str] = []
        self.loader = yaml.SafeLoader("")           # turns one node at a time into its value
        try:
            # libyaml's parser where PyYAML has it (the same nodes and marks, several times faster)
            self.node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
            data = (yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
                    if self.node is not None else {})   # every value constructs
        except yaml.YAMLError as err:
            # The context mark is where the faulty construct starts; the problem mark is where the
            # parser gave up, often a line later.
            mark = getattr(err, "context_mark", None) or getattr(err, "problem_mark", None)
            where = f"{path}:{mark.line + 1}" if mark else str(path)
            problem = getattr(err, "problem", None) or str(err)
            raise ConfigError(f"{where}: {problem}. Check the indentation and quoting on that line.") from None
        if data is not None and not isinstance(data, dict):
            raise ConfigError(f"{path}:1: site.yaml must be a mapping of settings (key: value), "
                              f"not a {type(data).__name__}")

    def line(self, node) -> str:
        return f"{self.path}:{node.start_mark.line + 1}" if node is not None else str(self.path)

    def value(self, node):
        return self.loader.construct_object(node, deep=True)

    def find(self, node, keys: dict[str, Key], theme=None, prefix="", found=None) -> dict[str, yaml.Node]:
        """The value node of each key of `keys` set in a mapping node; a key none of them starts
        with is warned about, with the nearest known key."""
        found = {} if found is None else found
        if _is_null(node):
            return found
        self.loader.flatten_mapping(node)           # `<<: *defaults` merges, as safe_load does
        label = f" theme '{theme}':" if theme else ""
        for k, v in node.value:
            key = prefix + str(k.value)
            inside = [name[len(key) + 1:].split(".")[0] for name in keys if name.startswith(key + ".")]
            if key in keys:
                found[key] = v
            elif inside:
                if _is_null(v):
                    continue
                if not isinstance(v, yaml.MappingNode):
                    raise ConfigError(f"{self.line(v)}:{label} '{key}' must be a mapping with "
                                      f"{_and(list(dict.fromkeys(inside)))}, not {self.value(v)!r}")
                self.find(v, keys, theme, key + ".", found)
            else:
                self.warnings.append(f"{self.line(k)}:{label} unknown key '{key}'; {_nearest(key, prefix, keys)}")
        return found

    def read(self, node, keys: dict[str, Key], theme=None) -> tuple[dict[str, object], dict[str, yaml.Node]]:
        """Every key's value, checked (the default when it is not set or null), by key; and the
        nodes of the keys that are set."""
        found = self.find(node, keys, theme)
        return {key: self.check(row, Field(self, key, found.get(key), theme)) for key, row in keys.items()}, found

    def check(self, row: Key, f: Field):
        if _is_null(f.node):
            value = copy.deepcopy(row.default)
            return None if value is None else row.kind.check(value, f)
        value = self.value(f.node)
        kind = row.kind
        if not isinstance(value, kind.takes) or (isinstance(value, bool) and bool not in kind.takes):
            hint = ""
            if isinstance(value, bool) and str in kind.takes:   # YAML 1.1 reads no, off, yes as booleans
                hint = f"; to mean the text, put it in quotes: {row.key.rsplit('.', 1)[-1]}: \"{f.node.value}\""
            f.fail(f"'{f.key}' must be {kind.what}, not {value!r}{hint}")
        return kind.check(value, f)


def _nearest(key: str, prefix: str, keys) -> str:
    """'did you mean ...?' for an unknown key: a known key of that very name elsewhere (`items` at
    the top for `feeds.items`), else a close name beside it, else a close name elsewhere."""
    name = key[len(prefix):]
    by_last = {k.rsplit(".", 1)[-1]: k for k in keys}
    if name in by_last:
        return f"did you mean '{by_last[name]}'?"
    beside = list(dict.fromkeys(k[len(prefix):].split(".")[0] for k in keys if k.startswith(prefix)))
    close = difflib.get_close_matches(name, beside, n=1)
    if close:
        return f"did you mean '{prefix + close[0]}'?"
    close = difflib.get_close_matches(name, list(by_last), n=1)
    if close:
        return f"did you mean '{by_last[close[0]]}'?"
    return "it is no setting (see \"site.yaml reference\" in README.md) and is ignored"


def _themes(f: Field) -> list[Theme]:
    """The list under `themes`: each item read with the `themes[].` keys."""
    themes, lines = [], {}
    for n, item in enumerate(f.node.value if f.node is not None else (), 1):
        slug_node = next((v for k, v in getattr(item, "value", ()) if getattr(k, "value", None) == "slug"), None)
        slug = slug_node.value if isinstance(item, yaml.MappingNode) and isinstance(slug_node, yaml.ScalarNode) else ""
        if not SLUG.fullmatch(slug):
            raise ConfigError(f"{f.doc.line(item)}: theme #{n} needs a 'slug' of lowercase letters, "
                              "digits and hyphens (e.g. slug: russia-ukraine)")
        if slug in lines:
            raise ConfigError(f"{f.doc.line(item)}: two themes share the slug {slug!r} (the other is at line "
                              f"{lines[slug]}); each needs its own")
        lines[slug] = item.start_mark.line + 1
        got, _ = f.doc.read(item, THEME_KEYS, theme=slug)
        rules = Rules(slug, got["match.threshold"], got["match.terms"], got["match.ignore"])
        themes.append(Theme(slug, got["name"] or slug, got["description"], rules))
    return themes


def _check_output(site, doc: _Doc, found: dict[str, yaml.Node]):
    """Refuse an output folder that would be built over the user's own files: a build writes over
    files of the same name in output/, and removes the ones it made before and no longer makes."""
    out = site.output_dir.resolve()
    clash = None
    if site.root.is_relative_to(out):
        clash = "output", ("is the site's own folder (where site.yaml is)" if out == site.root
                           else f"holds the site's folder ({site.root})")
    for key, folder in (("normalize.seeds", site.seeds_dir), ("normalize.content", site.content_dir),
                        ("templates", site.templates_dir)):
        folder, name = folder.resolve(), key.rsplit(".", 1)[-1]
        if clash is None and (out == folder or folder.is_relative_to(out) or out.is_relative_to(folder)):
            clash = key, (f"is the {name} folder" if out == folder else
                          f"holds the {name} folder ({folder})" if folder.is_relative_to(out) else
                          f"lies inside the {name} folder ({folder})")
    if clash is None:
        return
    key, problem = clash
    written = doc.value(found["output"]) if not _is_null(found.get("output")) else TOP["output"].default
    where = doc.line(found.get("output") if "output" in found else found.get(key))
    raise ConfigError(f"{where}: the output folder {str(written)!r} {problem}; a build writes over files there "
                      "and removes the pages it no longer makes, so your own files would be lost. Give the site "
                      "a folder of its own, e.g. output: output (inside the site's folder) or output: ../public")


def load(path: Path) -> Site:
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"{path}: not found. Run the build from the site's folder, or pass --config PATH.")
    doc = _Doc(path, path.read_text(encoding="utf-8-sig"))
    values, found = doc.read(doc.node, TOP)
    site = Site(root=doc.root, warnings=doc.warnings, **{TOP[key].attr: value for key, value in values.items()})
    _check_output(site, doc, found)
    return site


# --- the README's reference table ----------------------------------------------------------------

def _shown(row: Key) -> str:
    if row.shown:
        return row.shown
    value = row.default
    if value == "":
        return "empty"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    return f"`{value}`"


def reference_table() -> str:
    """The README's "site.yaml reference" table, made from SCHEMA (a test compares the two)."""
    lines = ["| key | type | default | meaning |", "|---|---|---|---|"]
    lines += [f"| `{row.key}` | {row.kind.name} | {_shown(row)} | {row.meaning} |" for row in SCHEMA]
    return "\n".join(lines)


if __name__ == "__main__":
    if sys.argv[1:] != ["--table"]:
        sys.exit("usage: python -m digest.config --table   (prints the README's site.yaml reference table)")
    print(reference_table())
