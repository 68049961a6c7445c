"""Cut a dump into article blocks.

Aggregator dumps hang every article on a relative-time line (the anchor): "Japan Today2 days ago",
"time6 hours ago", "an hour ago". Around it sit the article's header lines, in one of a few orders:

    headline, headline, outlet, time, • outlet, headline, body     (related, layout A)
    outlet, time, - outlet, headline, body                         (related, layout B)
    time, headline, body                                           (related, outlet missing)
    headline, headline, outlet+time glued, caption, byline, body   (primary, layout A)

Whatever comes before the first anchor's header is a block of its own with no anchor: the primary
article of layout B, a clean copy of one article, or a saved publisher page. Its headline is found
later, from the shape of its lines (extract.py).
"""
import re
from dataclasses import dataclass, field

from ..text import ascii_words
from .boilerplate import Furniture
from .lines import BULLET, anchor, is_prose, is_title_like, words

Line = tuple[int, str]      # (1-based line number, stripped text)


@dataclass
class Block:
    kind: str                       # primary, related, page
    start_line: int
    lines: list[Line]               # the lines after the header: body, and what fields.py reads
    title: str | None = None
    source: str | None = None
    relative: str | None = None
    notes: list[str] = field(default_factory=list)


def _same(a: str, b: str) -> bool:
    return _letters(a) == _letters(b)


def _letters(text: str) -> str:
    if text.isascii():
        return "".join(ascii_words(text)).lower()
    return re.sub(r"\W+", "", text).lower()


def _is_outlet_line(text: str) -> bool:
    return 1 <= len(words(text)) <= 8 and not is_prose(text) and len(text) <= 80


@dataclass
class _Header:
    start: int          # index in the non-blank lines where the block begins
    body: int           # index where its body begins
    title: str | None
    source: str | None
    relative: str
    aggregator_shape: bool  # the outlet repeated by a bullet, or glued to the time: an aggregator's own line


def _header(nb: list[Line], i: int, floor: int) -> _Header:
    """Read the header lines around the anchor at nb[i]; never reach below index floor."""
    glued, rel = anchor(nb[i][1])
    n = len(nb)
    j = i + 1
    bullet = None
    if j < n:
        m = BULLET.match(nb[j][1])
        if m and _is_outlet_line(m["text"]):
            bullet = m["text"].strip()
            j += 1
    source = glued or bullet
    start = i
    # The outlet on its own line just before the time, repeated by the bullet after it.
    if bullet and i - 1 >= floor and _same(nb[i - 1][1], bullet):
        start = i - 1
    title = None
    k = start - 1
    if k - 1 >= floor and _same(nb[k][1], nb[k - 1][1]) and is_title_like(nb[k][1]):
        title, start = nb[k][1], k - 1                      # headline printed twice before
    elif k >= floor and j < n and _same(nb[k][1], nb[j][1]) and is_title_like(nb[k][1]):
        title, start = nb[k][1], k                          # once before, once after
    if j < n and title is not None and _same(nb[j][1], title):
        j += 1                                              # the headline again after the outlet
    elif title is None and not glued and j + 1 < n and len(nb[j][1]) <= 250:
        title = nb[j][1]                                    # time, then headline, then body
        j += 1
    glued_tight = bool(glued) and not re.search(r"\s\d*$", nb[i][1][: len(nb[i][1]) - len(rel)])
    return _Header(start, j, title, source, rel, bool(bullet) or glued_tight)


def cut(text: str, furniture: Furniture) -> list[Block]:
    raw = text.split("\n")
    nb: list[Line] = [(no, s.strip()) for no, s in enumerate(raw, 1) if s.strip()]
    anchors = [i for i, (_, s) in enumerate(nb) if anchor(s) is not None]
    headers: list[_Header] = []
    floor = 0
    for i in anchors:
        if i < floor:
            continue        # already read as part of the previous header
        h = _header(nb, i, floor)
        headers.append(h)
        floor = h.body
    # A relative time under a byline, in a comment thread or in a "more stories" list is the page's
    # own: only a dump that shows an aggregator's header shape somewhere is cut at its times.
    if not any(h.aggregator_shape for h in headers):
        headers = []
    blocks = []
    has_anchors = bool(headers)
    first = headers[0].start if headers else len(nb)
    lead = nb[:first]
    if any(not (furniture.is_aggregator(s) or furniture.is_site(s)) for _, s in lead):
        end = _end_of_article(lead, furniture) if has_anchors else len(lead)
        kind = "primary" if has_anchors else "page"
        blocks.append(Block(kind, lead[0][0], lead[:end]))
    for n, h in enumerate(headers):
        stop = headers[n + 1].start if n + 1 < len(headers) else len(nb)
        body = nb[h.body:stop]
        body = body[:_end_of_article(body, furniture)]
        primary = n == 0 and not blocks
        block = Block("primary" if primary else "related", nb[h.start][0], body, h.title, h.source, h.relative)
        if not body:
            block.notes.append(f"line {nb[h.start][0]}: an article block with no text after its header "
                               "(cut off mid-way?); skipped")
        blocks.append(block)
    return blocks


def _end_of_article(lines: list[Line], furniture: Furniture) -> int:
    """Where an aggregator article's text ends: at the aggregator's own furniture ("Related Articles",
    the app footer). A site's own furniture lines are not an end: they are dropped where they stand."""
    for n, (_, s) in enumerate(lines):
        if n > 0 and furniture.is_aggregator(s):
            return n
    return len(lines)
