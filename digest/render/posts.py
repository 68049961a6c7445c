"""content/*.md → Posts: the entries as the site shows them, each with its URL.

An entry that cannot be shown (no front matter, no title, no readable time) is skipped with a
warning naming the file and line; the rest of the site is built.

Each entry is grouped from what it says as it is read (digest/group/): its themes from its headline
and text, unless its front matter holds themes set by hand (judge); its story over all entries
(group_stories).
"""
import hashlib
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter
from datetime import date, datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from slugify import slugify

from ..content import EntryError, Store, entry_names, id_of, parse
from ..group import Item, Stories
from ..group.stories import IDF_DOCUMENTS, basis, lede_of
from ..group.themes import classifier
from ..parallel import fork_map
from ..text import one_line
from .markup import Renderer, key, plain_paragraphs


@dataclass(slots=True)     # slots: the build walks every post several times a save; a dict per post
class Post:                # (over 30 fields, so not shared) makes each of those walks miss the CPU's caches
    id: str
    title: str
    published: datetime             # aware; shown in the site's zone
    precision: str                  # minute, hour or day
    basis: str                      # stated, relative or capture
    body: str                       # Markdown
    file: str                       # the entry file, relative to the site, for messages
    path: str                       # URL path below base_url, e.g. 2025/07/12/some-headline/
    day: date                       # the day it is filed under (site zone; as written for day precision)
    source: str | None = None
    credit: str | None = None
    author: str | None = None
    dateline: str | None = None
    captured: datetime | None = None
    updated: datetime | None = None         # set by an editor who changed the entry; never by the machine
    themes: list[str] = field(default_factory=list)
    story: str | None = None
    themes_by_hand: bool = False    # the front matter names them, and not as the build wrote them: kept
    story_by_hand: bool = False
    declared: dict = field(default_factory=dict)    # `themes` and `story` as the front matter holds them
    found_themes: list[str] = field(default_factory=list)   # those the rules find in the text
    summary: str | None = None
    image_caption: str | None = None
    seen_in: list[str] = field(default_factory=list)
    url: str | None = None          # the article's own address (http or https only), where a page or feed gave it
    summary_only: bool = False      # the body is a feed's summary, not the article's text
    html: str = ""                  # the body, rendered and sanitized (set by derive)
    html_key: str = ""              # the Markdown cache's key for the body (set with html)
    group_key: str = ""             # the cache's key for its lede and themes (set by derive)
    grouped: tuple = ()             # (lede, themes found from the rules or None), as cached
    others: list["Post"] = field(default_factory=list)     # other reports of the same story, newest first
    digest: str = ""                # hash of the entry file's text: what the post was made from
    own_path: str = ""              # path as the file alone decides it (a clash may lengthen `path`)
    unknown_themes: list[str] = field(default_factory=list)     # listed, but not in site.yaml: left out
    order: tuple = ()               # sort key: newest first, then by id
    iso: str = ""                   # the time for <time datetime> and the sitemap, to the precision known
    plain: tuple[str, ...] | None = None    # the body as plain text, a paragraph a string (see text)
    lede: str = ""                  # its first sentences (stories compare them)
    # Worked out by the build when it needs them (unset until then: getattr(post, name, None)).
    fp: tuple = field(init=False, repr=False, compare=False)      # what its pages see of it (the engine's)
    _item: tuple = field(init=False, repr=False, compare=False)   # (paragraphs?, its story Item)
    _feed_item: tuple = field(init=False, repr=False, compare=False)    # (site, path and themes, its feed Item)
    _judged: bool = field(init=False, repr=False, compare=False)  # --watch: its themes and story judged


# The years a time in an entry may have. Beyond them it is a typo or a stand-in ("9999-12-31" for
# "never"), and near datetime's own limits (years 1 and 9999) converting it to UTC or the site's zone
# overflows. Inside them every step after (zones, timestamps, RFC 822 dates, the archive's days)
# has centuries to spare.
YEARS = (1900, 2200)


def _plain_text(post: "Post") -> tuple[str, ...]:
    """The body as a reader reads it, a string per paragraph (what grouping reads), worked out from
    the HTML the first time it is asked for."""
    if post.plain is None:
        post.plain = plain_paragraphs(post.html)
    return post.plain


Post.text = property(_plain_text)


def _time(value, default_zone) -> tuple[datetime, bool] | None:
    """(aware time, is a bare date) from what YAML gives for a time field."""
    if isinstance(value, datetime):
        when = value
    elif isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=default_zone), True
    elif isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            d = date.fromisoformat(text)
            return datetime(d.year, d.month, d.day, tzinfo=default_zone), True
        try:
            when = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=default_zone)), False


def _text(meta: dict, key: str) -> str | None:
    value = meta.get(key)
    if value is None or isinstance(value, (dict, list)):
        return None
    value = str(value).strip()
    return value or None


def _web_address(url: str | None) -> str | None:
    """An http or https address, or None: a link a page shows may never run script (javascript:)."""
    return url if url and re.match(r"https?://[^\s<>\"']+$", url, re.I) else None


def _line(text: str, key: str) -> int:
    m = re.search(rf"^{re.escape(key)}:", text, re.M)
    return text.count("\n", 0, m.start()) + 1 if m else 1


def _when(meta: dict, key: str, text: str, rel: str, default_zone, example: str) -> tuple[datetime, bool] | None:
    """_time of a time field, None when it is absent; EntryError (file, line, what to write) when it
    is not a time, or not in YEARS."""
    value = meta.get(key)
    if value is None:
        return None
    when = _time(value, default_zone)
    if when is None:
        raise EntryError(f"{rel}:{_line(text, key)}: '{key}' must be a time such as {example} or a date "
                         f"such as 2025-07-12, not {value!r}")
    if not YEARS[0] <= when[0].year <= YEARS[1]:
        raise EntryError(f"{rel}:{_line(text, key)}: '{key}' ({value}) is not between the years {YEARS[0]} "
                         f"and {YEARS[1]}; write the real time, such as {example}, or a date such as 2025-07-12")
    return when


def read_post(path: Path, rel: str, site) -> Post:
    """One entry file as a Post; EntryError names the file and line of what is wrong."""
    text = path.read_text(encoding="utf-8")
    meta, body = parse(text, Path(rel))
    zone = ZoneInfo(site.timezone)
    default_zone = ZoneInfo(site.default_timezone)
    title = one_line(_text(meta, "title") or "")    # an editor's too: no bidi override reaches a page or feed
    if not title:
        raise EntryError(f"{rel}:{_line(text, 'title')}: the entry has no title; add a line 'title: ...' "
                         "to its front matter")
    entry_id = id_of(meta, site.content_dir, path) or rel
    basis = _text(meta, "published_basis")
    if meta.get("published") is None:       # an editor's own entry: the file's date, marked as such
        try:
            mtime = datetime.fromtimestamp(path.stat().st_mtime, default_zone)
        except (OverflowError, OSError, ValueError):
            mtime = datetime.max        # refused below, as a file time out of YEARS is
        if not YEARS[0] <= mtime.year <= YEARS[1]:
            raise EntryError(f"{rel}:1: the entry has no 'published' and its file's date is not between the years "
                             f"{YEARS[0]} and {YEARS[1]}; add a line 'published: 2025-07-12' to its front matter")
        meta["published"], basis = mtime.date().isoformat(), basis or "file"
    published, bare_date = _when(meta, "published", text, rel, default_zone, "2025-07-12T09:30:00+00:00")
    precision = _text(meta, "published_precision") or ("day" if bare_date else "minute")
    if precision not in ("minute", "hour", "day"):
        raise EntryError(f"{rel}:{_line(text, 'published_precision')}: published_precision must be minute, "
                         f"hour or day, not {precision!r}")
    # A day-precision time is a calendar day: file it under the day as written, in any zone.
    day = published.date() if precision == "day" else published.astimezone(zone).date()
    captured = _when(meta, "captured", text, rel, default_zone, "2025-07-12T09:30:00+00:00")
    updated = None
    if meta.get("updated") is not None:
        when = _when(meta, "updated", text, rel, default_zone, "2025-07-13T10:00:00+00:00")
        updated = when[0].astimezone(timezone.utc)
        if updated < published:
            raise EntryError(f"{rel}:{_line(text, 'updated')}: 'updated' ({meta['updated']}) is before "
                             f"'published' ({meta.get('published')}); an entry is changed after it is published")
    slug = slugify(str(meta.get("slug") or path.stem), max_length=80, word_boundary=True) or "entry"
    declared = {}
    if "themes" in meta:
        themes = meta["themes"] or []
        declared["themes"] = list(dict.fromkeys(str(t) for t in themes)) if isinstance(themes, list) else [str(themes)]
    if "story" in meta:
        declared["story"] = _text(meta, "story")
    seen_in = meta.get("seen_in") or []
    url_path = f"{day:%Y/%m/%d}/{slug}/"
    return Post(
        id=entry_id, title=title, published=published.astimezone(timezone.utc), precision=precision,
        basis=basis or "stated", body=body.strip("\n"), file=rel,
        path=url_path, own_path=url_path, day=day,
        source=_text(meta, "source"), credit=_text(meta, "credit"), author=_text(meta, "author"),
        dateline=_text(meta, "dateline"), captured=captured[0].astimezone(timezone.utc) if captured else None,
        updated=updated,
        declared=declared,
        order=(-published.timestamp(), entry_id),
        iso=day.isoformat() if precision == "day" else published.astimezone(zone).isoformat(timespec="minutes"),
        summary=_text(meta, "summary"), image_caption=_text(meta, "image_caption"),
        seen_in=[str(s) for s in seen_in] if isinstance(seen_in, list) else [str(seen_in)],
        url=_web_address(_text(meta, "url")), summary_only=_text(meta, "body_basis") == "summary",
        digest=hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest())


def read_entry(path: Path, rel: str, site, cache=None) -> "Post | str":
    """One entry file as a Post with what the site reads of its text (see derive), or the message
    that says why it cannot be shown, naming the file (and line)."""
    try:
        post = read_post(path, rel, site)
    except EntryError as err:
        return str(err)
    except (OSError, UnicodeDecodeError) as err:
        return f"{rel}: cannot be read ({err})"
    derive(post, site, cache)
    return post


_RENDER = Renderer()


def derive(post: Post, site, cache=None):
    """What the site reads of an entry's text: its Markdown as safe HTML, that HTML's text as
    paragraphs, its lede and the themes the rules find in it (whose themes count, the rules' or the
    front matter's, judge says once all entries are read). From `cache` (markup.Cache) where it
    has them: the HTML by the body's hash, lede and themes by the hash of the headline, the body and
    the rules. The body itself is dropped (nothing needs it once it is HTML, and the read workers
    send each post back: the lighter the better)."""
    post.html_key = key(post.body)
    post.html = (cache and cache.get(post.html_key)) or _RENDER(post.body)
    post.group_key = key(f"{_rules_key(site)}\0{post.title}\0{post.body}")
    post.body = ""
    found = cache and cache.get(post.group_key)
    if found is None:
        found = lede_of(list(post.text)), theme_rules(site).classify(post.title, post.text)
    post.grouped = found
    post.lede, post.found_themes = found


def machine_groups(site) -> dict[str, dict]:
    """id → the themes and story the build last wrote into each entry the normalizer wrote (the
    content store's record; see judge)."""
    return Store(site.content_dir, (site.root,), scan=False).machine_groups()


def judge(post: Post, site, machine: dict | None = None):
    """Whose are the post's themes and story: the front matter's where it holds them and they are
    not what the build last wrote there (`machine`: the content store's record of it, for the
    entries the normalizer wrote: id → {"themes": …, "story": …}), else the build's. Sets the
    themes (those site.yaml knows; the others are named in a warning), and the story when it is
    set by hand (the others are found over all entries: group_stories)."""
    written = (machine or {}).get(post.id)
    declared = post.declared

    def by_hand(key):
        return key in declared and (written is None or key not in written or written[key] != declared[key])

    post.themes_by_hand, post.story_by_hand = by_hand("themes"), by_hand("story")
    themes = declared["themes"] if post.themes_by_hand else post.found_themes
    known = {t.slug for t in site.themes}
    post.themes = [t for t in themes if t in known]
    post.unknown_themes = [t for t in themes if t not in known]
    post.story = declared.get("story") if post.story_by_hand else None


def keep_derived(posts, cache):
    """What the read workers worked out goes into the cache (they worked on copies of it)."""
    for post in posts:
        if cache.get(post.html_key) is None:
            cache.put(post.html_key, post.html)
        if cache.get(post.group_key) is None:
            cache.put(post.group_key, post.grouped)


def _rules_key(site) -> str:
    return _rules_digest(tuple(t.rules for t in site.themes if t.rules))


@lru_cache(maxsize=8)
def _rules_digest(rules: tuple) -> str:
    return key(repr(rules))


def theme_rules(site):
    """The site's theme classifier (made once per process; workers forked after share it)."""
    return classifier(tuple(t.rules for t in site.themes if t.rules))


def group_stories(stories: Stories, posts: list[Post]) -> dict[str, str | None]:
    """Every post's story: the one its front matter names, else the one the clustering of the
    others finds (with ids kept from the last build). id → story."""
    grouped = [p for p in posts if not p.story_by_hand]
    # Paragraphs count only where word rarity is learnt from them (sites under IDF_DOCUMENTS reports):
    # working each post's text out of its HTML costs more than the grouping itself.
    paragraphs = IDF_DOCUMENTS - basis(len(grouped)) > 0
    found = stories.assign([_item(p, paragraphs) for p in grouped])
    for post in posts:
        if not post.story_by_hand:
            post.story = found[post.id]
    return {p.id: p.story for p in posts}


def story_features(post: Post) -> tuple:
    """What group_stories reads of a post (its text by the hash of its body): equal features, the
    same stories."""
    return (post.id, post.title, post.lede, post.published, post.basis, post.html_key, post.story_by_hand,
            post.story if post.story_by_hand else None)


def _item(post: Post, paragraphs: bool) -> Item:
    """The post as the story grouping sees it: made once for the post (a post stays the same
    object while its file does: --watch regroups each save with the items it has)."""
    made = getattr(post, "_item", None)
    if made is None or made[0] != paragraphs:
        made = post._item = paragraphs, Item(
            post.id, post.title, post.lede, post.published, post.text if paragraphs else (), post.basis == "capture")
    return made[1]


def entry_files(site, skipped: list | None = None) -> list[tuple[str, str]]:
    """(path, path relative to the site) of every entry file in content/, sorted, both strings. A
    link that leads out of the project is not followed: its message goes into `skipped`."""
    inside = str(site.root).rstrip(os.sep) + os.sep
    out_links: list[Path] = []
    files = [(name, name[len(inside):].replace(os.sep, "/") if name.startswith(inside) else name)
             for name in entry_names(site.content_dir, (site.root,), out_links)]
    if skipped is not None:
        skipped += [f"{link.relative_to(site.root) if link.is_relative_to(site.root) else link}: a link to "
                    f"{os.path.realpath(link)}, outside the project; not read. Copy the file into the project "
                    "instead." for link in out_links]
    return files


def reader(site, cache=None):
    """fork_map's job: entry files → Posts, or the message saying why a file cannot be shown."""
    def read(files: list[tuple[str, str]]) -> list["Post | str"]:
        return [read_entry(Path(path), rel, site, cache) for path, rel in files]
    return read


def load_posts(site) -> tuple[list[Post], list[str]]:
    """Every entry in content/, newest first, grouped into themes and stories, and the warnings for
    those that cannot be shown, as the build engine reads them (for tools and tests)."""
    theme_rules(site)           # made before the workers fork, so they share it
    skipped: list[str] = []
    read = fork_map(reader(site), entry_files(site, skipped))
    warnings = skipped + [f"{r}; the entry is left out of the site" for r in read if isinstance(r, str)]
    machine = machine_groups(site)
    for post in read:
        if not isinstance(post, str):
            judge(post, site, machine)
    posts, more = assemble(site, [r for r in read if not isinstance(r, str)])
    stories = Stories(site.content_dir)
    group_stories(stories, posts)
    return posts, warnings + more + stories.warnings


def assemble(site, read: list[Post]) -> tuple[list[Post], list[str]]:
    """The site's posts from the posts read (in file order), newest first: a second file with an id
    is left out, clashing paths are told apart. Only `path` is changed, from what the file said, so
    a post can be assembled again after edits."""
    posts, warnings, seen_ids, seen_paths = [], [], {}, {}
    for post in read:
        if post.path is not post.own_path:
            post.path = post.own_path
        rel = post.file
        if post.id in seen_ids:
            warnings.append(f"{rel}: id {post.id} is also used by {seen_ids[post.id]}; this file is left out "
                            "of the site. Give each entry its own id.")
            continue
        seen_ids[post.id] = rel
        if post.path in seen_paths:     # two headlines with one slug on one day
            post.path = f"{post.path[:-1]}-{post.id[:8]}/"
        seen_paths[post.path] = rel
        posts.append(post)
        if post.unknown_themes:
            warnings.append(f"{rel}: theme {post.unknown_themes[0]!r} is not defined in site.yaml; add it under "
                            "themes, or remove it from the entry")
    posts.sort(key=attrgetter("order"))
    return posts, warnings
