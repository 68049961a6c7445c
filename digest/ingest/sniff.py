"""What a file in seeds/ is, from its first bytes: a text dump, an HTML page, an RSS/Atom feed or a
JSON Feed. Files are what they contain: a page saved with a .txt name is read as a page, and a .xml
that is no feed is skipped. The name only settles what the bytes leave open (a fragment of HTML
without a doctype, a .txt that happens to open with "{").

Pure and light (no parser is imported here): the build sniffs every file before it knows which
readers it needs.
"""
import re
import zlib
from dataclasses import dataclass

from .read import MAX_DUMP_BYTES

TEXT, HTML, FEED, JSON_FEED, SKIP = "text", "html", "feed", "json-feed", "skip"

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
FEED_SUFFIXES = (".xml", ".rss", ".atom", ".rdf")
JSON_SUFFIXES = (".json",)
TEXT_SUFFIXES = (".txt",)
# Every name the build reads in seeds/, and each gzip-compressed ("page.html.gz").
SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + FEED_SUFFIXES + JSON_SUFFIXES

_FEED_ROOTS = {"rss", "feed", "rdf"}
_JSON_FEED = re.compile(rb'"version"\s*:\s*"https?://jsonfeed\.org/version/')
_NAME = re.compile(r"[A-Za-z_][\w.:-]*")
_HEAD = 131072          # bytes read to tell what a file is (all of it when its DOCTYPE is longer)


@dataclass
class Sniffed:
    kind: str                   # text, html, feed, json-feed or skip
    data: bytes                 # the file's bytes, decompressed
    warning: str | None = None  # why it is skipped (kind skip), or what needed guessing


def base_name(name: str) -> str:
    """The name without a .gz ending: what the file holds is named by the rest."""
    return name[:-3] if name.lower().endswith(".gz") else name


def is_dump_name(name: str) -> bool:
    """A file name the build reads from seeds/ (by its ending; what it holds decides how)."""
    return base_name(name).lower().endswith(SUFFIXES)


def gunzip(data: bytes) -> tuple[bytes | None, str | None]:
    """A gzip file's contents, at most MAX_DUMP_BYTES of them (a small file can inflate to gigabytes:
    it is never inflated further than the limit)."""
    out = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        text = out.decompress(data, MAX_DUMP_BYTES + 1)
    except zlib.error as err:
        return None, f"not a readable gzip file ({err}); skipped"
    if len(text) > MAX_DUMP_BYTES:
        return None, (f"inflates to more than the {MAX_DUMP_BYTES // (1024 * 1024)} MB a saved page or feed "
                      "can be; skipped")
    return text, None


def sniff(name: str, data: bytes) -> Sniffed:
    if data[:2] == b"\x1f\x8b":
        inflated, warning = gunzip(data)
        if inflated is None:
            return Sniffed(SKIP, b"", warning)
        data = inflated
    low = base_name(name).lower()
    head = _head_text(data)
    lead = head.lstrip()
    if lead.startswith("{"):
        if _JSON_FEED.search(data[:65536]):
            return Sniffed(JSON_FEED, data)
        if low.endswith(JSON_SUFFIXES):
            return Sniffed(SKIP, data, "a JSON file, but not a JSON Feed (no \"version\": "
                                       "\"https://jsonfeed.org/version/...\"); skipped")
        return Sniffed(TEXT, data)
    if lead.startswith("<"):
        root, declaration, doctype = prolog(lead)
        if root is None and doctype and len(data) > _HEAD:
            # A DOCTYPE longer than the opening read (a large internal subset): read all of it.
            root, declaration, doctype = prolog(_head_text(data, len(data)).lstrip())
        if root == "html" or doctype.lower().startswith("<!doctype html"):
            return Sniffed(HTML, data)
        if root and root.split(":")[-1].lower() in _FEED_ROOTS:
            return Sniffed(FEED, data)
        if declaration:
            what = f"its root element is <{root}>" if root else "no root element found"
            return Sniffed(SKIP, data, f"an XML file, but not an RSS, Atom or RDF feed ({what}); skipped")
        if root and low.endswith(HTML_SUFFIXES):
            return Sniffed(HTML, data)      # a fragment of a page, without <html>
    if low.endswith(TEXT_SUFFIXES):
        return Sniffed(TEXT, data)          # read.py warns about binary and empty files, as always
    if not data.strip():
        return Sniffed(SKIP, data, "the file is empty; nothing to normalize")
    kind = "HTML page" if low.endswith(HTML_SUFFIXES) else "JSON Feed" if low.endswith(JSON_SUFFIXES) else "feed"
    return Sniffed(SKIP, data, f"named as a {kind}, but it is not an HTML page, an RSS/Atom feed or a JSON Feed "
                               "(nor text saved as .txt); skipped")


def _head_text(data: bytes, size: int = 0) -> str:
    """The file's opening as characters, enough to read its markers: UTF-16 by its BOM, anything
    else byte for byte (every marker is ASCII)."""
    size = size or _HEAD
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data[:size].decode("utf-16", errors="ignore")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data[:size].decode("latin-1")


def prolog(text: str) -> tuple[str | None, bool, str]:
    """(root element's name, whether an XML declaration opens the file, the DOCTYPE declaration with
    its internal subset), skipping comments and processing instructions as an XML parser would."""
    pos, declaration, doctype = 0, False, ""
    n = len(text)
    while pos < n:
        while pos < n and text[pos].isspace():
            pos += 1
        if text.startswith("<?", pos):
            end = text.find("?>", pos)
            if end < 0:
                return None, declaration, doctype
            declaration = declaration or text.startswith("<?xml", pos)
            pos = end + 2
        elif text.startswith("<!--", pos):
            end = text.find("-->", pos + 4)
            if end < 0:
                return None, declaration, doctype
            pos = end + 3
        elif text[pos:pos + 9].lower() == "<!doctype":
            end = _doctype_end(text, pos)
            doctype = text[pos:end]
            if end >= n:
                return None, declaration, doctype
            pos = end
        elif text.startswith("<", pos):
            m = _NAME.match(text, pos + 1)
            return (m.group(0) if m else None), declaration, doctype
        else:
            return None, declaration, doctype
    return None, declaration, doctype


def _doctype_end(text: str, pos: int) -> int:
    """Just after the DOCTYPE declaration starting at pos, internal subset and quoted strings
    included (a '>' inside them does not end it)."""
    n, depth, quote = len(text), 0, None
    i = pos + 9
    while i < n:
        c = text[i]
        if quote:
            if c == quote:
                quote = None
        elif c in "\"'":
            quote = c
        elif c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
        elif c == ">" and depth <= 0:
            return i + 1
        i += 1
    return n


def declares_entities(data: bytes) -> bool:
    """Does the document's DOCTYPE declare entities (<!ENTITY ...>)? Feeds never need them; they
    are how an "entity bomb" (a few hundred bytes that expand to gigabytes) and an external entity
    (reading a local file such as /etc/passwd) are written."""
    text = data.decode("utf-16", errors="ignore") if data.startswith((b"\xff\xfe", b"\xfe\xff")) else \
        data.decode("latin-1")
    _root, _decl, doctype = prolog(text.removeprefix("\xef\xbb\xbf").removeprefix("\ufeff"))
    return "<!ENTITY" in doctype.upper()

