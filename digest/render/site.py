"""Render: content/ + site.yaml + templates/ → output/."""
import hashlib
import logging
from dataclasses import dataclass, field

from . import html, search, sitemap
from .markup import Cache, Renderer, key
from .output import Output
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


def static_files(site) -> dict[str, bytes]:
    """templates/static/**, the site's files over the shipped ones of the same name."""
    files = {}
    for folder in reversed([f / STATIC for f in template_folders(site)]):
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file() and not path.name.startswith("."):
                    files[path.relative_to(folder).as_posix()] = path.read_bytes()
    return files


def render_markdown(posts, cache: Cache):
    renderer = None
    for post in posts:
        k = key(post.body)
        post.html = cache.get(k)
        if post.html is None:
            renderer = renderer or Renderer()
            post.html = renderer(post.body)
            cache.put(k, post.html)


def build(site) -> RenderReport:
    report = RenderReport()
    cache_dir = site.root / CACHE_DIR
    posts, report.warnings = load_posts(site)
    report.entries = len(posts)
    cache = Cache(cache_dir / "html.pickle")
    render_markdown(posts, cache)

    env = html.environment(site)
    statics = static_files(site)
    common = {"site": site, "themes": site.themes, "theme_by_slug": {t.slug: t for t in site.themes},
              "assets": {name: hashlib.sha256(data).hexdigest()[:10]
                                                              for name, data in statics.items()}}
    out = Output(site.output_dir, cache_dir)
    pages = sitemap.pages(site, posts)
    for page in pages:
        try:
            text = html.render(env, page.template, {**common, **page.context, "page": page})
        except html.TemplateError as err:
            raise BuildError(str(err)) from None
        out.add(page.out, text.encode("utf-8"))
    for name, data in statics.items():
        out.add(name, data)
    for name, data in search.bundle(posts, site, cache_dir).items():
        out.add(name, data)
    report.pages = len(pages)
    report.written, report.unchanged, report.removed = out.commit()
    report.files = sorted(out.files)
    cache.save()
    return report
