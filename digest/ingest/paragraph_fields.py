"""The project's field rules on paragraphs that an extractor already took out of markup (a saved
HTML page's text by trafilatura, a feed item's content): what stands above the running text (a
byline, a date, a photo caption or credit, page chrome) is read and left out, a copyright line
below it gives the credit, the first paragraph's dateline the place and agency; then the body is
made readable as dump bodies are (a fused caption off the front, long paragraphs cut).
"""
from dataclasses import dataclass
from datetime import tzinfo

from .boilerplate import Furniture
from .dates import Stamp, find_stamps
from .extract import _norm, _tag, place_and_agency
from .lines import byline, credit_of
from .paragraphs import readable

# What a line above the running text can be that is not text (extract._tag's reading of it).
HEADER_NOT_TEXT = ("byline", "stamp", "credit", "caption", "chrome", "copyright", "marker")


@dataclass
class Fields:
    body: list[str]
    caption: str | None
    author: str | None
    credit: str | None
    dateline: str | None
    stamp: Stamp | None         # a date line above the text ("Published: 14 Jul. 2025, 19:40")


def from_paragraphs(lines: list[str], furniture: Furniture, default_tz: tzinfo, caption: str | None = None,
                    title: str | None = None) -> Fields | None:
    """The fields of an article whose paragraphs are `lines`; None when no text is left. `caption`:
    a caption already known (its copy in the text is left out); `title`: the headline (a copy of it
    opening the text is left out)."""
    key = _norm(title) if title else None
    while lines and key and _norm(lines[0]) == key:
        lines = lines[1:]
    if caption:
        lines = [line for line in lines if _norm(line) != _norm(caption)]
    tags = [_tag(line, furniture) for line in lines]
    first = next((n for n, tag in enumerate(tags) if tag == "prose"), 0)
    header = [(line, tag) for line, tag in zip(lines[:first], tags[:first]) if tag in HEADER_NOT_TEXT]
    author = next((found for found in (byline(line) for line, tag in header if tag == "byline") if found), None)
    caption = caption or next((line for line, tag in header if tag == "caption"), None)
    stamp = next((found[0] for found in (find_stamps(line, default_tz) for line, tag in header if tag == "stamp")
                  if found), None)
    kept = [(line, tag) for line, tag in zip(lines[:first], tags[:first]) if tag not in HEADER_NOT_TEXT]
    kept += list(zip(lines[first:], tags[first:]))
    # A copyright line below the last running text credits the article and is not its text.
    last = max((n for n, (_, tag) in enumerate(kept) if tag == "prose"), default=len(kept) - 1)
    credits = [line for line, tag in kept[last + 1:] if tag == "copyright"]
    body = [line for line, _ in kept[:last + 1]] + [line for line, tag in kept[last + 1:] if tag != "copyright"]
    if not body:
        return None
    body, caption = readable(body, caption)
    credit = next((found for found in map(credit_of, credits) if found), None)
    place, agency = place_and_agency(body)
    return Fields(body, caption, author, credit or agency, place, stamp)
