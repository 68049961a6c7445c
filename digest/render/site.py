"""Render: content/ + site.yaml + templates/ → output/."""
import hashlib
import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import feeds, html, search, sitemap
from .markup import Cache, Renderer, key
from .output import Output, write_new
from ..parallel import fork_map
from .posts import load_posts
from ..uptodate import CACHE_DIR, template_folders

log = logging.getLogger("digest")
STATIC = "static"           # templates/static/** is copied to output/ as is


@dataclass
class RenderReport:
    entries: int = 0
    pages: int = 0
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    files: list[str] = field(default_factory=list)     # every file of output/ this build made
    warnings: list[str] = field(default_factory=list)


class BuildError(Exception):
    """The site could not be rendered; output/ was left as it was. str() names the file and line."""


class Stopwatch:
    """Time per stage, in the -v log."""

    def __init__(self, unit: str = "s"):
        self.last = time.perf_counter()
        self.unit = unit

    def lap(self, what: str):
        now = time.perf_counter()
        if self.unit == "ms":
            log.debug("  %s: %.1f ms", what, (now - self.last) * 1000)
        else:
            log.debug("  %s: %.2f s", what, now - self.last)
        self.last = now


def static_files(site) -> dict[str, bytes]:
    """templates/static/**, the site's files over the shipped ones of the same name."""
    files = {}
    for folder in reversed([f / STATIC for f in template_folders(site)]):
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file() and not path.name.startswith("."):
                    files[path.relative_to(folder).as_posix()] = path.read_bytes()
    return files


def markdown_in(cache: Cache):
    """load_posts' prepare step: a post's body as safe HTML, from the cache or rendered."""
    renderer = Renderer()

    def prepare(post):
        post.html_key = key(post.body)
        post.html = cache.get(post.html_key) or renderer(post.body)
        post.body = ""          # not needed any more: the workers send each post back, the lighter the better
    return prepare


def keep_markdown(posts, cache: Cache):
    """What the workers rendered goes into the cache (they worked on copies of it)."""
    for post in posts:
        if cache.get(post.html_key) is None:
            cache.put(post.html_key, post.html)


def shared_context(site, statics: dict[str, bytes], feed_sets) -> dict:
    """What every template sees besides its page's own context. It holds no entry, so an edited
    entry changes only the pages that show it."""
    return {"site": site, "themes": site.themes, "theme_by_slug": {t.slug: t for t in site.themes},
            "assets": {name: hashlib.sha256(data).hexdigest()[:10] for name, data in statics.items()},
            "feeds": feed_sets, "site_feed": feed_sets[0], "feed_by_slug": {f.slug: f for f in feed_sets if f.slug}}


_render_job: dict = {}


def _pages(pages) -> list[tuple[str, bytes | None]]:
    env, common, folder = _render_job["env"], _render_job["common"], _render_job["write_to"]
    out = []
    for page in pages:
        data = html.render(env, page.template, {**common, **page.context, "page": page}).encode("utf-8")
        if folder is None:
            out.append((page.out, data))
        else:                   # a first build: the worker writes the page itself, as soon as it has it
            write_new(folder, page.out, data)
            out.append((page.out, None))
    return out


def render_pages(env, common: dict, pages, meanwhile=None, write_to: Path | None = None
                 ) -> list[tuple[str, bytes | None]]:
    """(file, bytes) of each page, rendered on all cores when there are many; `meanwhile()` runs
    here while they render. With `write_to` (a first build's staging folder) each page is written
    there instead, and comes back as (file, None). TemplateError names the template and line of the
    first that fails."""
    _render_job.update(env=env, common=common, write_to=write_to)
    env.globals["once"].clear()         # what was made for the last render may show old entries
    try:
        return fork_map(_pages, pages, meanwhile=meanwhile)
    finally:
        _render_job.clear()


def build(site) -> RenderReport:
    clock = Stopwatch()
    report = RenderReport()
    cache_dir = site.root / CACHE_DIR
    cache = Cache(cache_dir / "html.pickle")
    env = html.environment(site)
    # The templates compile here while the workers read the entries, so the render's workers
    # share them; the feeds are made here while the workers render.
    posts, report.warnings = load_posts(site, prepare=markdown_in(cache), meanwhile=lambda: html.compile_all(env))
    keep_markdown(posts, cache)
    report.entries = len(posts)
    clock.lap("read entries and markdown")
    indexer = search.Indexer(posts, site, cache_dir) if site.search else None
    starter = None
    if indexer:
        # Writing Pagefind's input (a folder per entry; on disk when there is no RAM disk) and
        # Pagefind itself, in its own process, both go on while the pages render.
        starter = threading.Thread(target=indexer.start, name="search index")
        starter.start()
    clock.lap("search index started")

    statics = static_files(site)
    feed_sets = feeds.feed_sets(site)
    pages = sitemap.pages(site, posts)
    feed_files = {}
    out = Output(site.output_dir, cache_dir)
    try:
        rendered = render_pages(env, shared_context(site, statics, feed_sets), pages, write_to=out.stage(),
                                meanwhile=lambda: feed_files.update(feeds.files(site, feed_sets, posts)))
        clock.lap("pages and feeds")
        for name, data in rendered:
            if data is None:
                out.add_written(name)
            else:
                out.add(name, data)
        for name, data in (feed_files | statics).items():
            out.add(name, data)
        if indexer:
            starter.join()
            for name, source in indexer.files().items():
                out.add_file(name, source)
            clock.lap("search index")
            if indexer.error:
                report.warnings.append(f"search: {indexer.error}")
        report.pages = len(pages)
        report.written, report.unchanged, report.removed = out.commit()
    except BaseException as err:        # Ctrl-C too: nothing half-made is left behind
        out.discard()
        if indexer:
            starter.join()
            indexer.stop()
        if isinstance(err, html.TemplateError):
            raise BuildError(str(err)) from None
        raise
    report.files = sorted(out.files)
    clock.lap("write")
    cache.save()
    return report
