"""Which pages the site has and what each one lists, decided before anything is rendered (Listing:
build after build, making again only the lists whose entries changed)."""
import dataclasses
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from operator import attrgetter, itemgetter

from slugify import slugify

from .chart import coverage_chart
from .posts import Post

TOP_STORIES = 8
TOP_STORY_WINDOW = timedelta(days=3)    # top stories are drawn from the newest entries' last days
THEME_SECTION = 5
CHART_DAYS = 30
UNKNOWN = "Unknown outlet"     # the outlet of an entry that names none
SITEMAPS = "sitemaps/"       # the sitemap's parts; sitemap.xml is their index
SITEMAP_URLS = 50_000       # the most a sitemap may list (sitemaps.org)
OTHERS = 10         # other reports of its story an entry page shows; its story's page lists them all


def sitemap_parts(urls: list[tuple[str, str | None]]) -> dict[str, list]:
    """The site's (URL, last change) pairs, sorted, cut into sitemaps: the dated pages (entries,
    days) by month (`2025-07`), the others by their folder (`themes`, `stories`, `site` for those at
    the top), so that an entry added or changed rewrites its month's sitemap only; a part over
    the sitemaps' limit of 50,000 URLs goes on in `-2`, `-3`…"""
    parts: dict[str, list] = defaultdict(list)
    for pair in urls:
        url = pair[0]
        if url[4:5] == "/" and url[7:8] == "/" and url[:4].isdigit() and url[5:7].isdigit():
            parts[f"{url[:4]}-{url[5:7]}"].append(pair)
        else:       # the site's own folders (themes, sources, stories…), whose names are slugs already
            folder = url.split("/", 1)[0] if "/" in url else ""
            parts[folder or "site"].append(pair)
    cut = {}
    for name in sorted(parts):
        members = parts[name]
        for n in range(0, len(members), SITEMAP_URLS):
            cut[name if n == 0 else f"{name}-{n // SITEMAP_URLS + 1}"] = members[n:n + SITEMAP_URLS]
    return cut


@dataclass(slots=True)     # every page is looked at on every --watch save: fields, not a dict each
class Page:
    out: str                    # file below output/, e.g. themes/japan/index.html
    template: str
    context: dict = field(default_factory=dict)
    url: str | None = None      # path below base_url; None for files outside the sitemap
    fp: tuple | None = field(default=None, compare=False, repr=False)   # the engine's fingerprint of it


@dataclass
class Source:
    name: str
    slug: str
    posts: list[Post]


@dataclass(frozen=True)
class Outlet:
    """A line of the sources page: no entries in it, so editing one does not change the page."""
    name: str
    slug: str
    count: int | None           # None on its months' pages: they do not show it


@dataclass(frozen=True)
class Story:
    """A story of two reports or more, as pages link to it: no entries in it, so it is compared by
    value (a page showing it changes only when its URL or count does)."""
    id: str
    path: str                   # its page below base_url: stories/<slug>/
    count: int | None           # its reports (None on its months' pages: they do not show it)


def link_stories(posts: list[Post]) -> dict[str, list[Post]]:
    """Each post learns the other reports of its story that its page shows, newest first: all of
    them in a story of up to OTHERS + 1, else the OTHERS / 2 just before and after it in time (a
    story of thousands would otherwise put thousands on every one of its pages). Symmetric: when
    A's page shows B, B's shows A (--watch re-renders an edited report's page and those it shows).
    Returns story id → its reports, newest first (posts are newest first)."""
    stories: dict[str, list[Post]] = defaultdict(list)
    for post in posts:
        if post.others:
            post.others = []
        if post.story:
            stories[post.story].append(post)
    for members in stories.values():
        reach = len(members) if len(members) <= OTHERS + 1 else OTHERS // 2
        for k, post in enumerate(members):
            post.others = members[max(0, k - reach):k] + members[k + 1:k + 1 + reach]
    return stories


def story_pages(stories: dict[str, list[Post]]) -> dict[str, Story]:
    """story id → its Story, for each story of two reports or more. Its URL is its id slugified (an
    editor's id may hold any characters); ids that are slugs already (the machine's) keep theirs,
    and a slug another id took is lengthened with a hash of the id, so URLs are unique."""
    slugs = {sid: _slug(sid) for sid, members in stories.items() if len(members) > 1}
    out, taken = {}, set()
    for sid in sorted(slugs, key=lambda s: (slugs[s] != s, s)):
        base = slug = slugs[sid]
        if slug in taken:
            base = slug = f"{slug}-{hashlib.blake2b(sid.encode('utf-8'), digest_size=4).hexdigest()}"
        n = 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        out[sid] = Story(sid, f"stories/{slug}/", len(stories[sid]))
    return out


@lru_cache(maxsize=1 << 16)     # --watch lists the stories on every save
def _slug(sid: str) -> str:
    return slugify(sid, max_length=80, word_boundary=True) or "story"


def links(posts, stories: dict[str, Story]) -> dict[str, Story]:
    """The Stories of these posts, for their cards ("N reports", linking the story's page): a page
    holds only its own, so it changes only when one of them does."""
    return {p.story: stories[p.story] for p in posts if p.story in stories}


def top_stories(posts: list[Post], stories: dict[str, Story]) -> list[Post]:
    """The lead report of each of the top stories: several reports rank higher, then newer first."""
    if not posts:
        return []
    since = posts[0].published - TOP_STORY_WINDOW
    leads, seen = [], set()
    for post in posts:
        if post.published < since:
            break
        key = post.story or post.id
        if key not in seen:
            seen.add(key)
            leads.append(post)      # the newest report leads its story
    leads.sort(key=lambda p: (-(stories[p.story].count if p.story in stories else 1),
                              -p.published.timestamp(), p.id))
    return leads[:TOP_STORIES]


def sources(by_name: dict[str, list[Post]]) -> list[Source]:
    """The outlets, from their names' entries, each with its slug."""
    result, slugs = [], set()
    for name in sorted(by_name, key=str.casefold):
        slug = slugify(name) or "outlet"
        while slug in slugs:
            slug += "-x"
        slugs.add(slug)
        result.append(Source(name, slug, by_name[name]))
    return result


@dataclass(frozen=True)
class Month:
    """A month of a list, as its pages link it: compared by value."""
    path: str                   # its page below base_url: themes/japan/2025/07/
    start: date                 # its first day


def _recent(by_day: dict, days: list[date], themes: dict) -> dict[str, list[Post]]:
    """Each theme's entries of the chart's days (the chart counts no others)."""
    since = days[0] - timedelta(days=CHART_DAYS - 1) if days else None
    recent: dict[str, list[Post]] = {slug: [] for slug in themes}
    for day in days:
        if day < since:
            break
        for post in by_day[day]:
            for slug in post.themes:
                recent[slug].append(post)
    return recent


def _lists(post: Post) -> list:
    """The names of the lists a post is in (Listing's)."""
    return [f"themes/{slug}/" for slug in post.themes] + [
        f"{post.day:%Y/%m/%d}/", ("source", post.source or UNKNOWN), ("story", post.story)]


def paged(folder: str, members: list[Post], size: int, template: str, context: dict,
          stories: dict[str, Story], month_context: dict | None = None) -> list[Page]:
    """A list's pages, made so that a new entry changes only the pages that show it.

    folder/ shows the newest `size` entries and, when there are more, an index of the months. Each
    month with entries then has its page, folder/YYYY/MM/, listing that month's entries newest
    first; a month of more than `size` is cut into parts of `size` counted from its oldest entry
    (folder/YYYY/MM/part/N/, part 1 the oldest; the month's page holds the newest part), so a new
    entry shifts only the parts newer than itself, within its month. Pages of a month are given
    nothing that changes when the list grows elsewhere (`month_context`, not `context`: no totals)."""
    total = len(members)
    by_month: dict[tuple[int, int], list[Post]] = defaultdict(list)
    if total > size:            # a list that fits on its first page needs no months
        for post in members:
            by_month[post.day.year, post.day.month].append(post)
    keys = sorted(by_month, reverse=True)
    months = [Month(f"{folder}{y:04d}/{m:02d}/", date(y, m, 1)) for y, m in keys]
    shown = members[:size]
    out = [Page(folder + "index.html", template,
                {**context, "posts": shown, "total": total, "list_path": folder, "month": None,
                 "months": [(month, len(by_month[key])) for month, key in zip(months, keys)],
                 "stories": links(shown, stories)}, folder)]
    for i, (key, month) in enumerate(zip(keys, months)):
        entries = by_month[key]
        n = len(entries)
        # (number, URL, first day, last day, entries newest first), oldest part first
        parts = []
        for j in range(-(-n // size)):
            shown = entries[max(0, n - (j + 1) * size): n - j * size]
            days = [p.day for p in shown]
            parts.append((j + 1, f"{month.path}part/{j + 1}/", min(days), max(days), shown))
        parts[-1] = (parts[-1][0], month.path) + parts[-1][2:]         # the month's page: its newest part
        for j, (number, url, first, last, shown) in enumerate(parts):
            newest = j == len(parts) - 1
            out.append(Page(url + "index.html", template,
                            {**(month_context if month_context is not None else context),
                             "posts": shown, "list_path": folder, "month": month,
                             "part": number if len(parts) > 1 else None, "days": (first, last),
                             # what changes with every entry of the month goes on its page alone
                             "count": n if newest else None,
                             "parts": [part[:4] for part in reversed(parts[:-1])] if newest else [],
                             "newer": parts[j + 1][1] if not newest else None,
                             "older": parts[j - 1][1] if j > 0 else None,
                             "newer_month": months[i - 1] if i > 0 else None,
                             "older_month": months[i + 1] if i + 1 < len(months) else None,
                             "stories": links(shown, stories)}, url))
    return out


_story_of = attrgetter("story")


class Listing:
    """The site's pages, listed build after build (--watch keeps one): a list none of whose entries
    changed keeps its pages, the same objects, so the engine fingerprints only the pages made again
    (a save moves an entry in a few lists). An entry is unchanged when it is the same object, shows
    the same (`shows(post)`: the engine's fingerprint, asked once stories are linked, the same
    object while it is the same) and links the same Story: then it is in the same lists, in the
    same order among the other unchanged ones."""

    def __init__(self, shows):
        self.shows = shows
        self.kept: dict = {}        # a list's name → its pages
        self.made: dict = {}
        self.entries: dict = {}     # (id(post), id(what it shows), id(its Story)) → (its page, its lists' names)
        self.stories: dict[str, Story] = {}     # the last listing's: an equal Story is that same object
        self.slugs: dict[str, str] = {}         # outlet → its slug, as last listed
        self.dirty: set = set()     # the names of the lists that held or hold an entry that changed
        # The posts, what they showed and the Stories the last listing's ids stand for, alive until
        # it is replaced (so no new object takes the place of one while they are compared).
        self.held: tuple = ()

    def pages(self, site, posts: list[Post], by_story: dict[str, list[Post]]) -> list[Page]:
        """Every page of the site, from its posts (newest first) linked into stories (link_stories)."""
        self.made = {}
        out = self._pages(site, posts, by_story)
        self.kept = self.made           # lists gone are forgotten
        return out

    def _list(self, name, make) -> list[Page]:
        made = self.kept.get(name) if name not in self.dirty else None
        self.made[name] = made = made if made is not None else make()
        return made

    def _same_stories(self, stories: dict[str, Story]) -> dict[str, Story]:
        """The stories, each an object of the last listing where it equals that one."""
        last = self.stories
        self.stories = {sid: last[sid] if last.get(sid) == story else story for sid, story in stories.items()}
        return self.stories

    def _entry_pages(self, posts: list[Post], stories: dict[str, Story]) -> list[Page]:
        """Each post's page, the last listing's for an unchanged post; self.dirty: the lists of the
        posts that changed, as they were and as they are."""
        # In C, not a loop: this runs over every post on every save.
        shows = list(map(self.shows, posts))
        keys = list(zip(map(id, posts), map(id, shows), map(id, map(stories.get, map(_story_of, posts)))))
        found = list(map(self.entries.get, keys))
        self.dirty = dirty = set()
        for n in [n for n, known in enumerate(found) if known is None]:
            post = posts[n]
            page = Page(post.path + "index.html", "entry.html", {"post": post, "story": stories.get(post.story)},
                        post.path)
            found[n] = page, _lists(post)
            dirty.update(found[n][1])
        entries = dict(zip(keys, found))
        for key in self.entries.keys() - entries.keys():     # gone, or changed
            dirty.update(self.entries[key][1])
        self.entries = entries
        self.held = posts, shows, stories
        return [page for page, _ in found]

    def _sources(self, by_name: dict[str, list[Post]]) -> list[Source]:
        """sources(), with the outlets whose slug changed among the lists to make again."""
        outlets = sources(by_name)
        slugs = {source.name: source.slug for source in outlets}
        self.dirty.update(("source", name) for name, slug in slugs.items() if self.slugs.get(name) != slug)
        self.slugs = slugs
        return outlets

    def _pages(self, site, posts: list[Post], by_story: dict[str, list[Post]]) -> list[Page]:
        stories = self._same_stories(story_pages(by_story))
        themes = {t.slug: t for t in site.themes}
        by_theme: dict[str, list[Post]] = {slug: [] for slug in themes}
        by_day: dict = defaultdict(list)
        by_source: dict[str, list[Post]] = defaultdict(list)
        for post in posts:
            by_day[post.day].append(post)
            by_source[post.source or UNKNOWN].append(post)
            for slug in post.themes:
                by_theme[slug].append(post)
        days = sorted(by_day, reverse=True)
        entry_pages = self._entry_pages(posts, stories)
        outlets = self._sources(by_source)
        out: list[Page] = []
        size = site.page_size

        top = top_stories(posts, stories)
        sections = [(themes[slug], by_theme[slug][:THEME_SECTION], len(by_theme[slug])) for slug in themes]
        chart = coverage_chart(site.themes, _recent(by_day, days, themes), days[0] if days else None, CHART_DAYS)
        latest = posts[:20] if not site.themes else []
        out.append(Page("index.html", "index.html",
                        {"top": top, "sections": sections, "chart": chart, "latest": latest,
                         "stories": links(top + [p for _, shown, _ in sections for p in shown] + latest, stories)},
                        ""))

        for slug, theme in themes.items():
            folder, members = f"themes/{slug}/", by_theme[slug]
            out += self._list(folder, lambda: paged(folder, members, size, "theme.html", {"theme": theme}, stories))

        out += entry_pages
        # A story's page lists all its reports; its cards need no "N reports" of their own.
        for sid, story in stories.items():
            members = by_story[sid]
            out += self._list(("story", sid), lambda: paged(story.path, members, size, "story.html",
                                                            {"story": story, "lead": members[0]}, {},
                                                            {"story": dataclasses.replace(story, count=None)}))

        out.append(Page("archive/index.html", "archive.html",
                        {"days": [(d, len(by_day[d])) for d in days]}, "archive/"))
        for d in days:
            url, members = f"{d:%Y/%m/%d}/", by_day[d]
            out += self._list(url, lambda: [Page(url + "index.html", "day.html",
                                                 {"day": d, "posts": members, "stories": links(members, stories)},
                                                 url)])
        out.append(Page("sources/index.html", "sources.html",
                        {"sources": [Outlet(s.name, s.slug, len(s.posts)) for s in outlets]}, "sources/"))
        for source in outlets:
            folder = f"sources/{source.slug}/"
            out += self._list(("source", source.name), lambda: paged(
                folder, source.posts, size, "source.html", {"source": Outlet(source.name, source.slug, len(source.posts))},
                stories, {"source": Outlet(source.name, source.slug, None)}))
        out.append(Page("feeds/index.html", "feeds.html", {}, "feeds/"))
        if site.search:
            out.append(Page("search/index.html", "search.html", {}, "search/"))
        out.append(Page("404.html", "404.html", {}))
        # (URL, last change) for the sitemap; the entries' times as their pages show them.
        urls = [(p.url, None) for p in out if p.url is not None and p.template != "entry.html"]
        urls += zip(map(attrgetter("path"), posts), map(attrgetter("iso"), posts))
        urls.sort(key=itemgetter(0))
        parts = sitemap_parts(urls)
        for name, part in parts.items():
            rel = f"{SITEMAPS}{name}.xml"
            if rel not in self.kept or self.kept[rel][0].context["urls"] != part:
                self.dirty.add(rel)
            out += self._list(rel, lambda: [Page(rel, "sitemap.xml", {"urls": part})])
        out.append(Page("sitemap.xml", "sitemap-index.xml", {"sitemaps": [f"{SITEMAPS}{n}.xml" for n in parts]}))
        out.append(Page("robots.txt", "robots.txt", {}))
        return out
