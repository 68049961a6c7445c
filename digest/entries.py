"""A group of sightings of one article → the Entry written to content/."""
import hashlib
import re
from collections import defaultdict

from .capture import best_sighting
from .ingest.dates import to_stored_text, to_utc_text
from .ingest.extract import summary_of
from .ingest.lines import DATELINE
from .merge import fingerprint, representative
from .model import Article, Entry, Sighting
from .text import one_line, sentences, tokens, without_tags

STAND_IN_LENGTH = 90            # characters, the ellipsis included


def entry_id(article: Article) -> str:
    """Stable across runs and machines: derived from the headline and the opening words, never
    from a path. (content.py keeps an id once given, even if a fuller capture arrives later.) Two
    different articles can share these (pages with no headline and the same banner): unique_ids
    then tells them apart."""
    key = " ".join(tokens(article.title or "")) + "|" + article.opening
    return _sha(key)


def _sha(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def unique_ids(entries: list[Entry]) -> None:
    """No two entries share an id. Entries whose headline and opening words give the same id are
    different articles (the merge put them apart), so each gets an id derived from that id and its
    whole text instead: from the texts alone, so the same for any order of the dumps."""
    by_id: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_id[entry.id].append(entry)
    used = {i for i, same in by_id.items() if len(same) == 1}
    for base in sorted(i for i, same in by_id.items() if len(same) > 1):
        keyed = sorted((" ".join(tokens(e.text)), e.text, e.seen_in, n) for n, e in enumerate(by_id[base]))
        for words, text, _seen, n in keyed:
            new, salt = _sha(f"{base}|{words or text}"), 0
            while new in used:      # the same words in two entries (never seen): the order above decides
                salt += 1
                new = _sha(f"{base}|{salt}|{words or text}")
            used.add(new)
            by_id[base][n].id = new


def headline(text: str | None) -> str:
    """A headline from a dump as the site shows it: one line of visible characters (no bidi
    overrides, zero-width spaces or controls), without the HTML tags a page left in it."""
    return without_tags(one_line(text or ""))


def stand_in_title(body: list[str], dump: str) -> str:
    """What stands in for the headline of a page that shows none (the site needs one): the body's
    first sentence, without its dateline, shortened at a word boundary to STAND_IN_LENGTH
    characters with an ellipsis. Never empty."""
    text = next(filter(None, map(headline, body)), "")
    m = DATELINE.match(text)
    if m and text[m.end():].strip():
        text = text[m.end():].strip()
    first = (sentences(text) or [text])[0]
    first = re.split(r"(?<=[。！？])", first, maxsplit=1)[0]     # Chinese and Japanese full stops
    if first.endswith(("。", ".")) and not first.endswith(".."):
        first = first[:-1]          # a headline has no full stop
    title = _shorten(first.strip(), STAND_IN_LENGTH)
    return title or f"Untitled ({one_line(dump)})"


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:     # at a word boundary; text without spaces is cut between characters
        cut = cut[:space]
    return cut.rstrip(" ,;:–—-(\"“‘'、，") + "…"


def _first_title(members: list[Article]) -> str | None:
    """The first headline with any text once cleaned (headline): the renderer refuses a blank one."""
    return next(filter(None, (headline(a.title) for a in members)), None)


def _first(members: list[Article], attr: str):
    return next((getattr(a, attr) for a in members if getattr(a, attr)), None)


def build_entry(members: list[Article], sightings: list[Sighting]) -> Entry:
    rep = representative(members)
    ordered = [rep] + [a for a in members if a is not rep]
    best = best_sighting(sightings)
    return Entry(
        id=entry_id(rep),
        title=_first_title(ordered) or stand_in_title(rep.body, rep.dump),
        source=_first(ordered, "source"),
        credit=_first(ordered, "credit"),
        author=_first(ordered, "author"),
        dateline=_first(ordered, "dateline"),
        published=to_stored_text(best.published, best.precision),
        published_precision=best.precision,
        published_basis=best.basis,
        captured=to_utc_text(best.captured),
        summary=summary_of(rep.body[0]) if rep.body else None,
        image_caption=_first(ordered, "image_caption"),
        seen_in=sorted({a.dump for a in members}),
        body=list(rep.body),
        fingerprint=fingerprint(rep.grams),
        url=_first(ordered, "url"),
        body_basis="summary" if rep.is_summary else None,
    )
