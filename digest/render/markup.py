"""Markdown → safe HTML. An entry's Markdown is rendered as CommonMark by cmark-gfm (GitHub's C
implementation, the one PyPI renders READMEs with) and then sanitized by nh3, so whatever an entry
holds (raw HTML, javascript: links, event handlers) reaches the page inert. Results are cached by the
hash of the Markdown: an unchanged entry is never rendered twice."""
import hashlib
import pickle
import re
from html import unescape
from pathlib import Path

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options

from ..files import write_atomic
from ..uptodate import code_version

TAGS = {"p", "a", "em", "strong", "b", "i", "blockquote", "ul", "ol", "li", "code", "pre", "h2", "h3", "h4",
        "h5", "h6", "hr", "br", "sub", "sup", "abbr", "q", "cite", "figure", "figcaption", "table", "thead",
        "tbody", "tr", "th", "td"}
ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener"
# Raw HTML is let through cmark and then cleaned by nh3 (an editor's <sup> or <abbr> survives; a
# <script> does not). Plain CommonMark: no autolinking, so a URL in a dump's text stays text.
CMARK_OPTIONS = Options.CMARK_OPT_UNSAFE
# What the cached HTML depends on besides the Markdown: the code that renders it (this file's
# options, allow-list and steps among it) and the versions of cmark-gfm and nh3. The fingerprint of
# the package and its libraries covers all of them.
ENGINE = code_version()


class Renderer:
    def __call__(self, text: str) -> str:
        html = cmarkgfm.markdown_to_html(text, options=CMARK_OPTIONS)
        html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")    # the page's h1 is the headline
        return nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES, link_rel=LINK_REL)


# The end of each block a reader sees as a paragraph of its own.
_BLOCK_END = re.compile(r"</(?:p|h[1-6]|li|blockquote|pre|figcaption|td|th)>|<hr\s*/?>")
_TAG = re.compile(r"<[^>]*>")


def plain_paragraphs(html: str) -> tuple[str, ...]:
    """The text of the page's body as a reader sees it: one string per paragraph, heading or list
    item, without markup or escapes (what themes and stories read). For HTML this module made."""
    found = []
    for part in _BLOCK_END.split(html):
        text = unescape(_TAG.sub("", part)).replace("\n", " ").strip()
        if text:
            found.append(text)
    return tuple(found)


def key(text: str) -> str:
    """The cache key of a body: its hash, and the code's (new code renders everything anew)."""
    return hashlib.blake2b(f"{ENGINE}\0{text}".encode("utf-8"), digest_size=16).hexdigest()


class Cache:
    """Rendered HTML (and what is read of it) by hash, kept between builds in a folder of up to 256
    pickle files, by the keys' first two hex digits: a build that changed a few entries writes the
    few files that hold them, not the whole cache (30 MB at 10,000 entries)."""

    def __init__(self, path):
        self.path = Path(path)
        self.data: dict = {}
        self.dirty: set[str] = set()            # shards with new entries
        for shard in self.path.glob("??.pickle") if self.path.is_dir() else ():
            try:
                with open(shard, "rb") as f:
                    self.data.update(pickle.load(f))
            except (OSError, pickle.PickleError, EOFError, ValueError, AttributeError):
                pass                # a missing or damaged shard only costs time
        self.used: set[str] = set()

    def get(self, k: str) -> str | None:
        self.used.add(k)
        return self.data.get(k)

    def put(self, k: str, html):
        self.used.add(k)
        self.data[k] = html
        self.dirty.add(k[:2])

    def save(self):
        """Keep what this build used, drop the rest (deleted or changed entries): the shards that
        gained or lost entries are written again."""
        gone = {k[:2] for k in self.data if k not in self.used}
        todo = self.dirty | gone
        if not todo:
            return
        self.data = {k: v for k, v in self.data.items() if k in self.used}
        shards: dict[str, dict] = {name: {} for name in todo}
        for k, v in self.data.items():
            if k[:2] in shards:
                shards[k[:2]][k] = v
        for name, part in sorted(shards.items()):
            target = self.path / f"{name}.pickle"
            if part:
                write_atomic(target, pickle.dumps(part, protocol=pickle.HIGHEST_PROTOCOL))
            else:
                target.unlink(missing_ok=True)
        self.dirty = set()
        (self.path.parent / "html.pickle").unlink(missing_ok=True)     # the one file of earlier versions
