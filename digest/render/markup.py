"""Markdown → safe HTML. Editors' Markdown is rendered by Python-Markdown and then sanitized by nh3,
so whatever an entry holds (raw HTML, javascript: links, event handlers) reaches the page inert.
Rendering is the expensive part of a build, so results are cached by the hash of the Markdown."""
import hashlib
import pickle

import markdown
import nh3

from ..files import write_atomic

TAGS = {"p", "a", "em", "strong", "b", "i", "blockquote", "ul", "ol", "li", "code", "pre", "h2", "h3", "h4",
        "h5", "h6", "hr", "br", "sub", "sup", "abbr", "q", "cite", "figure", "figcaption", "table", "thead",
        "tbody", "tr", "th", "td"}
ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener"


class Renderer:
    def __init__(self):
        self._md = markdown.Markdown(extensions=["sane_lists"], output_format="html")

    def __call__(self, text: str) -> str:
        html = self._md.reset().convert(text)
        html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")    # the page's h1 is the headline
        return nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES, link_rel=LINK_REL)


def key(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


class Cache:
    """Rendered HTML by Markdown hash, kept between builds in one pickle file."""

    def __init__(self, path):
        self.path = path
        try:
            with open(path, "rb") as f:
                self.data = pickle.load(f)
        except (OSError, pickle.PickleError, EOFError, ValueError, AttributeError):
            self.data = {}          # a missing or damaged cache only costs time
        self.used: set[str] = set()
        self.dirty = False

    def get(self, k: str) -> str | None:
        self.used.add(k)
        return self.data.get(k)

    def put(self, k: str, html: str):
        self.used.add(k)
        self.data[k] = html
        self.dirty = True

    def save(self):
        """Keep what this build used, drop the rest (deleted or changed entries)."""
        if not self.dirty and len(self.used) == len(self.data):
            return
        self.data = {k: v for k, v in self.data.items() if k in self.used}
        write_atomic(self.path, pickle.dumps(self.data, protocol=pickle.HIGHEST_PROTOCOL))
