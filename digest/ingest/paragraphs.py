"""Readable bodies: a photo caption fused to the front of the text, and paragraphs that arrive as
one long line.

Aggregators and copied pages often hand over a whole article as a single line, sometimes with the
photo's caption run into its first sentence. `readable` takes the caption off (it becomes the
entry's image caption) and cuts an over-long paragraph into paragraphs of a few sentences.

The sizes: a paragraph longer than LONG characters is cut; the paragraphs cut from it hold up to
SENTENCES sentences and, where the sentences allow, up to TARGET characters. News paragraphs are one
to three sentences and rarely pass 700 characters (in the dev sets 99 % of the expected paragraphs
are under 800 characters, the longest 1,743), so a paragraph of normal length is left as it is, and
what is cut reads like a news paragraph. Characters of scripts written without spaces (Japanese,
Chinese) count as WIDE characters each: one carries about as much as two or three letters, and
their paragraphs are short in characters.

A paragraph is never cut inside a quotation: not while a double quote (" “ „ « 「 『) is open. A
quote that is never closed in the paragraph is treated as no quote at all (a stray or mismatched
mark must not glue the rest of the text together); a quote left open at the end of a sentence and
opened again by the next one is a quotation that runs over several paragraphs, as newspapers print
them, and may be cut where it is opened again. Sentences are found by `digest.text.sentences`
(abbreviations, initials, Japanese 。).

Everything here goes by the shape of the text: credit forms, caption cues, lengths. Nothing names a
site, an outlet or a person.
"""
import re

from ..text import sentences
from .lines import words

LONG = 1000
TARGET = 600
SENTENCES = 3
WIDE = 2.5
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uff00-\uffef]")


def readable(body: list[str], caption: str | None) -> tuple[list[str], str | None]:
    """The body with a fused caption taken off the front and long paragraphs cut; the caption (the
    one already found, else the fused one)."""
    body, fused = _take_caption(body)
    out = []
    for paragraph in body:
        out.extend(split_paragraph(paragraph))
    return out, caption or fused


def width(text: str) -> float:
    if len(text) * WIDE <= LONG:        # short whatever its script: no need to count
        return len(text)
    return len(text) + (WIDE - 1) * len(_CJK.findall(text))


# --- paragraphs --------------------------------------------------------------------------------

def split_paragraph(paragraph: str) -> list[str]:
    """A paragraph of normal length as it is; a longer one as paragraphs of a few sentences."""
    if len(paragraph) <= LONG / WIDE or width(paragraph) <= LONG:
        return [paragraph]
    parts = sentences(paragraph)
    if len(parts) < 2:
        return [paragraph]
    starts, ends, at = [], [], 0
    for part in parts:
        at = paragraph.index(part, at)
        starts.append(at)
        at += len(part)
        ends.append(at)
    size = width if _CJK.search(paragraph) else len
    quoted = iter(_quoted_spans(paragraph))
    span = next(quoted, None)
    # Paragraphs as (first, last) sentence: a new one starts before sentence n when the current one
    # is full and no quotation spans that point.
    groups, first = [], 0
    for n in range(1, len(parts)):
        while span and span[1] <= starts[n]:
            span = next(quoted, None)
        if span and span[0] < starts[n]:
            continue                                    # inside a quotation
        if n - first >= SENTENCES or size(paragraph[starts[first]:ends[n]]) > TARGET:
            groups.append((first, n - 1))
            first = n
    groups.append((first, len(parts) - 1))
    # A last paragraph of one short sentence joins the one before when that stays short enough.
    if len(groups) > 1 and groups[-1][0] == groups[-1][1] and size(parts[-1]) < 150 and \
            size(paragraph[starts[groups[-2][0]]:ends[-1]]) <= TARGET + 150:
        groups[-2:] = [(groups[-2][0], len(parts) - 1)]
    # Each paragraph as the text has it from its first to its last sentence (no space is added
    # between Japanese sentences, none is lost between English ones).
    return [paragraph[starts[a]:ends[b]] for a, b in groups]


# Quote marks: which open, which close; the straight " is told by its neighbours.
_OPENERS = {"“": "”", "„": "“", "«": "»", "「": "」", "『": "』"}
_CLOSERS = {"”", "»", "」", "』"}
_QUOTE_CHARS = re.compile(r"[\"“”„«»「」『』]")


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each quotation that is closed in the text, or opened again by the next
    sentence (a quotation running over several paragraphs)."""
    spans, open_at, open_char = [], None, None
    for m in _QUOTE_CHARS.finditer(text):
        c, i = m.group(), m.start()
        if open_at is not None and (c in _CLOSERS or c == _OPENERS.get(open_char) or
                                    c == '"' and open_char == '"' and not _opens(text, i)):
            spans.append((open_at, i + 1))
            open_at = open_char = None
            continue
        if c in _CLOSERS or c == '"' and not _opens(text, i):
            continue                                # a closing mark with nothing open: stray
        if open_at is not None and _starts_sentence(text, i) and _starts_sentence(text, open_at) and \
                not _MANGLED_CLOSE.search(text, open_at, i):
            spans.append((open_at, i))              # opened again: the same quotation goes on
        open_at, open_char = i, c
    return spans


_MANGLED_CLOSE = re.compile(r"\w[,.!?]?['’][,.!?]?\s")    # "... square one,' said": a quote closed by '


def _opens(text: str, i: int) -> bool:
    """A straight double quote opens a quotation where a space or the start stands before it."""
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if before.isspace() or before in "([{—–-:" or not i:
        return not after.isspace()
    return False


def _starts_sentence(text: str, i: int) -> bool:
    before = text[:i].rstrip()
    return not before or before[-1] in ".!?。！？\"”'’"


# --- a caption fused to the front of the body --------------------------------------------------

# Agencies that credit photos (kept here, apart from lines.py's list, so that the two can change
# independently; the full names come first so that "(Kyodo News)" is read whole).
_AGENCY = (r"Kyodo News|Jiji Press|Getty Images|AP|Reuters|REUTERS|AFP|EPA-EFE|EPA|Getty|Xinhua|Kyodo|KYODO|"
           r"Yonhap|YONHAP|Bloomberg|Pool|Shutterstock|Anadolu|UPI|Jiji|Sputnik|TASS|NurPhoto|Alamy|iStock")
_NAME = r"[A-Z][\w'’.-]+(?:\s[A-Z][\w'’.-]+)?"       # a photographer: one or two capitalised words
# A credit that closes a caption: what follows it is the article. Three forms, each looked for only
# where its mark is in the text (the patterns are costly on every first paragraph).
_CREDIT_FORMS = (
    (("(",), re.compile(                                            # (AP Photo/Name), (Kyodo)
        r"\((?:[^()]{0,80}?(?:\bPhoto\b|\bphoto\b|/|\bvia\b|\bFile\b|\bfile\b)[^()]{0,80}|" + _AGENCY + r")\)")),
    (("/",), re.compile(                                            # REUTERS/Name, Name/Getty Images
        r"(?:" + _AGENCY + r")\s?/\s?" + _NAME + r"(?:/(?:File(?: Photo)?|Pool|Handout)(?: Photo)?)?"
        r"|" + _NAME + r"\s?/\s?(?:AFP via Getty Images|" + _AGENCY + r")(?:/(?:File|Pool)(?: Photo)?)?")),
    (("Photo", "Image", "Picture"), re.compile(                     # Photo: Name, Photo by Name/AFP
        r"\|?\s*(?:Photo|Image|Photograph|Picture)s?(?:\s+by|:)\s+" + _NAME + r"(?:\s?/\s?(?:" + _AGENCY + r"))?"
        r"|(?:Photo|Image|Photograph)s?\s*courtesy of\s+" + _NAME)),
)


def _credits(head: str) -> list[re.Match]:
    found = [m for marks, pattern in _CREDIT_FORMS if any(mark in head for mark in marks)
             for m in pattern.finditer(head)]
    return sorted(found, key=lambda m: m.start())


# Caption cues without a credit: where people stand in the picture, "(not pictured)", "in this
# photo". (A caption's full date, "Thursday, July 10, 2025.", is no cue: ledes print it too.)
# A bare "(R)" or "(D)" is a US politician's party, not a place in the picture; "(2nd R)" is one.
_POSITION = (r"\d(?:st|nd|rd|th) (?:L|R|C|left|right|from left|from right)|L|C|L-R|R-L|L to R|left|right|"
             r"centre|center|front|back|top|bottom|from left|from right|second from (?:left|right)")
_CUE = re.compile(
    r"\((?:not pictured|" + _POSITION + r")\)"
    r"|^(?:In this|This) (?:undated |handout |file |aerial |combination |)(?:photo|picture|image|handout|"
    r"screenshot|frame grab|video grab)\b|\b(?:File|Handout) (?:photo|picture|image)\b"
    r"|\((?:[Ff]ile|[Hh]andout) (?:photo|picture)|(?:^|\()(?:Photo|Picture) taken\b")
_LONGEST_CAPTION = 500      # characters before the article starts
_CAPTION_SENTENCES = 2


def _take_caption(body: list[str]) -> tuple[list[str], str | None]:
    """(body, caption) with a caption that opens the first paragraph taken off: the sentences up to
    a photo credit, or a first sentence or two with a caption's cue, followed by the article."""
    if not body:
        return body, None
    first = body[0]
    head = first[:_LONGEST_CAPTION + 200]
    for m in _credits(head):
        if m.end() > _LONGEST_CAPTION:
            break
        if not _is_caption_text(first[:m.start()].strip(), m.group().startswith("(")):
            continue
        for cut in _cuts(m):
            rest = first[cut:].lstrip(" |")
            if _article_starts(rest, body[1:]):
                return ([rest] if rest else []) + body[1:], first[:cut].strip()
    if not _CUE.search(head):
        return body, None
    at = 0
    for part in sentences(head)[:_CAPTION_SENTENCES]:
        at = first.index(part, at) + len(part)
        if at > _LONGEST_CAPTION:
            break
        if _CUE.search(part):
            rest = first[at:].strip()
            if _article_starts(rest, body[1:]):
                return ([rest] if rest else []) + body[1:], first[:at].strip()
            break
    return body, None


def _cuts(m: re.Match) -> list[int]:
    """Where the article may start after a credit: after it, or, when the credit ends in a
    photographer's two-word name, after the first word ("REUTERS/Kato Japan's exports ...")."""
    cuts = [m.end()]
    if not m.group().endswith((")", "Images")) and " " in m.group():
        cuts.append(m.start() + m.group().rindex(" "))
    return cuts


def _is_caption_text(text: str, parenthesized: bool) -> bool:
    """What stands before a credit: a sentence or two describing the picture. A credit in brackets
    follows the caption's full stop ("... July 10, 2025. (AP Photo/Name)")."""
    text = text.rstrip(" |—–-")
    if len(words(text)) < 4 or len(sentences(text)) > _CAPTION_SENTENCES + 1:
        return False
    ends = text[-1] in ".!?\"”’"
    return ends or not parenthesized and len(words(text)) <= 40


def _article_starts(rest: str, more: list[str]) -> bool:
    """What follows the caption is running text: a sentence that begins with a capital, a digit or
    a quote, or (when the caption was the whole first paragraph) the paragraphs after it."""
    if not rest:
        return bool(more) and len(words(more[0])) >= 8
    return (rest[:1].isupper() or rest[:1].isdigit() or rest[:1] in "\"“‘") and len(words(rest)) >= 8
