"""Which pages the site has and what each one lists, decided before anything is rendered."""
import hashlib
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
OTHERS = 10         # other reports of its story an entry page shows; its story's page lists them all


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


@dataclass(frozen=True)
class Story:
    """A story of two reports or more, as pages link to it: no entries in it, so it is compared by
    value (a page showing it changes only when its URL or count does)."""
    id: str
    path: str                   # its page below base_url: stories/<slug>/
    count: int                  # its reports


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
    slugs = {sid: slugify(sid, max_length=80, word_boundary=True) or "story"
             for sid, members in stories.items() if len(members) > 1}
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


def paged(folder: str, members: list[Post], size: int, template: str, context: dict,
          stories: dict[str, Story]) -> list[Page]:
    """A list in pages of `size` entries: folder/, folder/page/2/, ... (one empty page for none),
    each with the Stories of its entries."""
    count = max(1, -(-len(members) // size))
    out = []
    for n in range(1, count + 1):
        url = folder + (f"page/{n}/" if n > 1 else "")
        pager = {"number": n, "count": count,
                 "prev": (folder + (f"page/{n - 1}/" if n > 2 else "")) if n > 1 else None,
                 "next": f"{folder}page/{n + 1}/" if n < count else None}
        shown = members[(n - 1) * size: n * size]
        out.append(Page(url + "index.html", template,
                        {**context, "posts": shown, "pager": pager, "total": len(members),
                         "stories": links(shown, stories)}, url))
    return out


def pages(site, posts: list[Post]) -> list[Page]:
    by_story = link_stories(posts)
    stories = story_pages(by_story)
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

    top = top_stories(posts, stories)
    sections = [(themes[slug], by_theme[slug][:THEME_SECTION], len(by_theme[slug])) for slug in themes]
    chart = coverage_chart(site.themes, by_theme, days[0] if days else None, CHART_DAYS)
    latest = posts[:20] if not site.themes else []
    out.append(Page("index.html", "index.html",
                    {"top": top, "sections": sections, "chart": chart, "latest": latest,
                     "stories": links(top + [p for _, shown, _ in sections for p in shown] + latest, stories)},
                    ""))

    for slug, theme in themes.items():
        out += paged(f"themes/{slug}/", by_theme[slug], site.page_size, "theme.html", {"theme": theme}, stories)

    for post in posts:
        out.append(Page(post.path + "index.html", "entry.html", {"post": post, "story": stories.get(post.story)},
                        post.path))
    # A story's page lists all its reports; its cards need no "N reports" of their own.
    for sid, story in stories.items():
        out += paged(story.path, by_story[sid], site.page_size, "story.html",
                     {"story": story, "lead": by_story[sid][0]}, {})

    out.append(Page("archive/index.html", "archive.html",
                    {"days": [(d, len(by_day[d])) for d in days]}, "archive/"))
    for d in days:
        url = f"{d:%Y/%m/%d}/"
        out.append(Page(url + "index.html", "day.html",
                        {"day": d, "posts": by_day[d], "stories": links(by_day[d], stories)}, url))
    out.append(Page("sources/index.html", "sources.html",
                    {"sources": [Outlet(s.name, s.slug, len(s.posts)) for s in outlets]}, "sources/"))
    for source in outlets:
        out += paged(f"sources/{source.slug}/", source.posts, site.page_size, "source.html",
                     {"source": Outlet(source.name, source.slug, len(source.posts))}, stories)
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
