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


def link_stories(posts: list[Post]):
    """Each post learns the other reports of its story (posts are newest first)."""
    stories: dict[str, list[Post]] = defaultdict(list)
    for post in posts:
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


def pages(site, posts: list[Post]) -> list[Page]:
    link_stories(posts)
    themes = {t.slug: t for t in site.themes}
    by_theme = {slug: [p for p in posts if slug in p.themes] for slug in themes}
    by_day: dict = defaultdict(list)
    for post in posts:
        by_day[post.day].append(post)
    days = sorted(by_day, reverse=True)
    outlets = sources(posts)
    out: list[Page] = []

    top = top_stories(posts)
    sections = [(themes[slug], by_theme[slug][:THEME_SECTION], len(by_theme[slug])) for slug in themes]
    chart = coverage_chart(site.themes, by_theme, days[0] if days else None, CHART_DAYS)
    out.append(Page("index.html", "index.html", {"top": top, "sections": sections, "chart": chart,
                                                 "latest": posts[:20] if not site.themes else []},
                    ""))

    size = site.page_size
    for slug, theme in themes.items():
        members = by_theme[slug]
        count = max(1, -(-len(members) // size))
        for n in range(1, count + 1):
            url = f"themes/{slug}/" + (f"page/{n}/" if n > 1 else "")
            chunk = members[(n - 1) * size: n * size]
            pager = {"number": n, "count": count,
                     "prev": (f"themes/{slug}/" + (f"page/{n - 1}/" if n > 2 else "")) if n > 1 else None,
                     "next": f"themes/{slug}/page/{n + 1}/" if n < count else None}
            out.append(Page(url + "index.html", "theme.html",
                            {"theme": theme, "posts": chunk, "pager": pager, "total": len(members)},
                            url))

    for post in posts:
        out.append(Page(post.path + "index.html", "entry.html", {"post": post},
                        post.path))

    out.append(Page("archive/index.html", "archive.html",
                    {"days": [(d, len(by_day[d])) for d in days]}, "archive/"))
    for d in days:
        url = f"{d:%Y/%m/%d}/"
        out.append(Page(url + "index.html", "day.html", {"day": d, "posts": by_day[d]}, url))
    out.append(Page("sources/index.html", "sources.html", {"sources": outlets}, "sources/"))
    for source in outlets:
        url = f"sources/{source.slug}/"
        out.append(Page(url + "index.html", "source.html", {"source": source}, url))
    out.append(Page("feeds/index.html", "feeds.html", {}, "feeds/"))
    if site.search:
        out.append(Page("search/index.html", "search.html", {}, "search/"))
    out.append(Page("404.html", "404.html", {}))
    urls = [(p.url, None) for p in out if p.url is not None and p.template != "entry.html"]
    urls += [(p.path, p) for p in posts]
    out.append(Page("sitemap.xml", "sitemap.xml", {"urls": sorted(urls, key=lambda u: u[0])}))
    out.append(Page("robots.txt", "robots.txt", {}))
    return out
