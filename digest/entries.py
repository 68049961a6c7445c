"""A group of sightings of one article → the Entry written to content/."""
import hashlib

from .capture import best_sighting
from .ingest.dates import to_utc_text
from .ingest.extract import summary_of
from .merge import fingerprint, representative, shingles
from .model import Article, Entry, Sighting
from .text import tokens


def entry_id(article: Article) -> str:
    """Stable across runs and machines: derived from the headline and the opening words, never
    from a path. (content.py keeps an id once given, even if a fuller capture arrives later.)"""
    key = " ".join(tokens(article.title or "")) + "|" + " ".join(tokens(article.text)[:50])
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def _first(members: list[Article], attr: str):
    return next((getattr(a, attr) for a in members if getattr(a, attr)), None)


def build_entry(members: list[Article], sightings: list[Sighting]) -> Entry:
    rep = representative(members)
    ordered = [rep] + [a for a in members if a is not rep]
    best = best_sighting(sightings)
    return Entry(
        id=entry_id(rep),
        title=rep.title or _first(ordered, "title") or "",
        source=_first(ordered, "source"),
        credit=_first(ordered, "credit"),
        author=_first(ordered, "author"),
        dateline=_first(ordered, "dateline"),
        published=to_utc_text(best.published),
        published_precision=best.precision,
        published_basis=best.basis,
        captured=to_utc_text(best.captured),
        summary=summary_of(rep.body[0]) if rep.body else None,
        image_caption=_first(ordered, "image_caption"),
        seen_in=sorted({a.dump for a in members}),
        body=list(rep.body),
        fingerprint=sorted(fingerprint(shingles(rep.text))),
    )
