"""Which pages the site has and what each one lists, decided before anything is rendered."""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from slugify import slugify

from .chart import coverage_chart
from .posts import Post

TOP_STORIES = 8
TOP_STORY_WINDOW = timedelta(days=3)    # top stories are drawn from the newest entries' last days
THEME_SECTION = 5
CHART_DAYS = 30


@dataclass
class Page:
    out: str                    # file below output/, e.g. themes/japan/index.html
    template: str
    context: dict = field(default_factory=dict)
    url: str | None = None      # path below base_url; None for files outside the sitemap


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
    count: int


def link_stories(posts: list[Post]):
    """Each post learns the other reports of its story (posts are newest first)."""
    stories: dict[str, list[Post]] = defaultdict(list)
    for post in posts:
        if post.others:
            post.others = []
        if post.story:
            stories[post.story].append(post)
    for members in stories.values():
        for post in members:
            post.others = [p for p in members if p is not post]


def top_stories(posts: list[Post]) -> list[Post]:
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
    leads.sort(key=lambda p: (-len(p.others), -p.published.timestamp(), p.id))
    return leads[:TOP_STORIES]


def sources(posts: list[Post]) -> list[Source]:
    by_name: dict[str, list[Post]] = defaultdict(list)
    for post in posts:
        by_name[post.source or "Unknown outlet"].append(post)
    result, slugs = [], set()
    for name in sorted(by_name, key=str.casefold):
        slug = slugify(name) or "outlet"
        while slug in slugs:
            slug += "-x"
        slugs.add(slug)
        result.append(Source(name, slug, by_name[name]))
    return result


def paged(folder: str, members: list[Post], size: int, template: str, context: dict) -> list[Page]:
    """A list in pages of `size` entries: folder/, folder/page/2/, ... (one empty page for none)."""
    count = max(1, -(-len(members) // size))
    out = []
    for n in range(1, count + 1):
        url = folder + (f"page/{n}/" if n > 1 else "")
        pager = {"number": n, "count": count,
                 "prev": (folder + (f"page/{n - 1}/" if n > 2 else "")) if n > 1 else None,
                 "next": f"{folder}page/{n + 1}/" if n < count else None}
        out.append(Page(url + "index.html", template,
                        {**context, "posts": members[(n - 1) * size: n * size], "pager": pager,
                         "total": len(members)}, url))
    return out


def pages(site, posts: list[Post]) -> list[Page]:
    link_stories(posts)
    themes = {t.slug: t for t in site.themes}
    by_theme: dict[str, list[Post]] = {slug: [] for slug in themes}
    by_day: dict = defaultdict(list)
    for post in posts:
        by_day[post.day].append(post)
        for slug in post.themes:
            by_theme[slug].append(post)
    days = sorted(by_day, reverse=True)
    outlets = sources(posts)
    out: list[Page] = []

    top = top_stories(posts)
    sections = [(themes[slug], by_theme[slug][:THEME_SECTION], len(by_theme[slug])) for slug in themes]
    chart = coverage_chart(site.themes, by_theme, days[0] if days else None, CHART_DAYS)
    out.append(Page("index.html", "index.html", {"top": top, "sections": sections, "chart": chart,
                                                 "latest": posts[:20] if not site.themes else []},
                    ""))

    for slug, theme in themes.items():
        out += paged(f"themes/{slug}/", by_theme[slug], site.page_size, "theme.html", {"theme": theme})

    for post in posts:
        out.append(Page(post.path + "index.html", "entry.html", {"post": post},
                        post.path))

    out.append(Page("archive/index.html", "archive.html",
                    {"days": [(d, len(by_day[d])) for d in days]}, "archive/"))
    for d in days:
        url = f"{d:%Y/%m/%d}/"
        out.append(Page(url + "index.html", "day.html", {"day": d, "posts": by_day[d]}, url))
    out.append(Page("sources/index.html", "sources.html",
                    {"sources": [Outlet(s.name, s.slug, len(s.posts)) for s in outlets]}, "sources/"))
    for source in outlets:
        out += paged(f"sources/{source.slug}/", source.posts, site.page_size, "source.html",
                     {"source": Outlet(source.name, source.slug, len(source.posts))})
    out.append(Page("feeds/index.html", "feeds.html", {}, "feeds/"))
    if site.search:
        out.append(Page("search/index.html", "search.html", {}, "search/"))
    out.append(Page("404.html", "404.html", {}))
    # (URL, last change) for the sitemap; the entries' times as their pages show them.
    urls = [(p.url, None) for p in out if p.url is not None and p.template != "entry.html"]
    urls += [(p.path, p.iso) for p in posts]
    out.append(Page("sitemap.xml", "sitemap.xml", {"urls": sorted(urls, key=lambda u: u[0])}))
    out.append(Page("robots.txt", "robots.txt", {}))
    return out
