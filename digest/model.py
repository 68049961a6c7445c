"""The plain data that flows through the pipeline."""
import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from .text import shingle_hashes, tokens

if TYPE_CHECKING:
    import numpy as np


OPENING_WORDS = 50


@dataclass(frozen=True)
class Relative:
    """A relative time shown with an article ("6 hours ago")."""
    text: str
    delta: timedelta
    precision: str


@dataclass(frozen=True)
class Stamp:
    """A date or time an article states."""
    when: datetime          # aware
    precision: str          # minute or day
    start: int              # offset in the text it was found in
    end: int      # of an article's text, in its entry id


@dataclass
class Article:
    """One article as cut from one dump, before merging."""
    dump: str                   # file name of the dump (a text dump, a saved HTML page or a feed)
    line: int                   # 1-based line where the article starts in the dump (a feed: its item's line)
    kind: str                   # primary, related, page (a saved page, as text or HTML), item (of a feed)
    title: str
    body: list[str]             # paragraphs, text as in the dump
    source: str | None = None   # outlet shown with the article
    credit: str | None = None   # rights holder named by a copyright or credit line
    author: str | None = None
    dateline: str | None = None
    image_caption: str | None = None
    relative: Relative | None = None    # "6 hours ago" shown with it
    stamp: Stamp | None = None          # a date the article itself states
    stamp_is_published: bool = False    # the stamp is the page's own publication time
    url: str | None = None              # the article's address, where a saved page or a feed states it
    is_summary: bool = False            # the body is a feed item's summary, not the article's text
    # Derived from the body when the article is built (in the worker that reads its dump).
    text_key: str = field(init=False)   # hash of the text as words: equal for identical or re-flowed copies
    word_count: int = field(init=False)
    # Its word 5-grams hashed (merge.py) and its opening words (entries.entry_id), computed once,
    # here: in the worker that reads the dump.
    grams: "np.ndarray" = field(init=False, repr=False, compare=False)
    opening: str = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        words = tokens(self.text)
        # A text with no word at all (never seen) is keyed by its characters: all such texts
        # sharing one key would merge different articles.
        key = " ".join(words) if words else "\0" + " ".join(self.text.split())
        self.text_key = hashlib.sha1(key.encode()).hexdigest()
        self.word_count = len(words)
        self.grams = shingle_hashes(words)
        self.opening = " ".join(words[:OPENING_WORDS])

    @property
    def text(self) -> str:
        return "\n".join(self.body)


@dataclass(frozen=True)
class Rules:
    """A theme's rules, from site.yaml: weighted terms, phrases to ignore, a threshold."""
    slug: str
    threshold: float
    terms: tuple[tuple[str, float], ...]      # (term as written in site.yaml, weight)
    ignore: tuple[str, ...] = ()


@dataclass
class Sighting:
    """Where an article was seen, and the time that sighting gives it."""
    dump: str
    published: datetime
    precision: str
    basis: str                  # stated, relative, capture
    captured: datetime


@dataclass
class Entry:
    """One article after merging every sighting of it: what content/ holds."""
    id: str
    title: str
    source: str | None
    credit: str | None
    author: str | None
    dateline: str | None
    published: str
    published_precision: str
    published_basis: str
    captured: str
    summary: str | None
    image_caption: str | None
    seen_in: list[str]
    body: list[str]
    fingerprint: list[int] = field(default_factory=list)   # a sample of the text's 5-grams; not written
    url: str | None = None              # written only when known (a saved page or a feed states it)
    body_basis: str | None = None       # "summary" when the body is a feed's summary; written only then
    # What the build last found for them (the store's record): written again with the entry, so that
    # rewriting an entry keeps them; the build works them out from content/ (digest/group/).
    grouped: dict = field(default_factory=dict)     # "themes", "story"

    @property
    def text(self) -> str:
        return "\n".join(self.body)
