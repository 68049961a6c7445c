"""One article block → an Article: headline, byline, dateline, credit, caption, stated time, body.

A block's lines fall in three zones. The header zone runs up to the first line of running text
(prose that is not a caption): there sit the headline, byline, stamps, section labels and share
buttons. The body zone runs from there to a copyright line or the end. The trailer is whatever
follows the last prose line: related lists, tags, newsletter prompts. Only the body zone's running
text (and short subheads between its paragraphs) becomes the body.
"""
import re
from collections import Counter
from functools import lru_cache
from datetime import tzinfo

from ..model import Article
from ..text import ascii_words, sentences as split_sentences
from .boilerplate import Furniture
from .dates import Stamp, find_stamps, parse_relative
from .layouts import Block
from .roles import PageRoles, page_roles
from .lines import (AGENCY_END, AGENCY_PAREN, DATELINE, bare_name, byline, credit_of, dateline, is_byline_shape, is_caption,
                    is_copyright, is_photo_credit_only, is_prose, is_stamp_line, is_title_like,
                    stamp_label_relative, words)
from .paragraphs import readable

# Lines that introduce a list of other articles: what follows them, up to the next paragraph of
# running text, is that list.
_LIST_MARKER = re.compile(r"^(?:related(?: \w+)?|also read|read (?:more|also|next)|more (?:from|on|stories)\b.*|"
                          r"trending(?: \w+)?|recommended(?: \w+)*|see also|you (?:may|might) also like|"
                          r"most (?:read|popular|viewed)|top stories|latest(?: news)?|more news)\s*:?$", re.I)
# Chrome that only a whole sentence gives away: reach-me lines, follow-us links, newsletter promises.
_CHROME_SENTENCE = re.compile(r"https?://|www\.|\bcan be reached at\b|@\w+\.\w+|\[email|\b(?:to|in) your inbox\b", re.I)
_PUBLISHED_LABEL = re.compile(r"\b(?:published|posted|created|first published)\b", re.I)
_GLUED_LABEL = re.compile(r"^[A-Za-z]{2,12}:(?=[A-Z\"“‘'])")   # "NextImg:Trump says ..." -> "Trump says ..."
_INLINE_COPYRIGHT = re.compile(r"\s*(?:\[\s*copyright\b|©|\(c\)\s|copyright\s+\d{4}\b|all rights reserved|"
                               r"this (?:article|story) (?:originally )?(?:appeared|was (?:first )?published) in\b).*$",
                               re.I)
# What a line must hold for the two searches above to find anything, lowercased: a cheap test first,
# for ASCII text (case-insensitive matching has more to it outside ASCII; other text is searched).
_CHROME_HINTS = ("http", "www.", "can be reached at", "@", "[email", "your inbox")
_COPYRIGHT_HINTS = ("copyright", "(c)", "all rights reserved", "this article", "this story")
# Furniture, bylines, stamps and captions are short; a longer line can only be running text,
# and matching every rule against it would cost more than the rest of the work.
_LONGEST_LABEL = 400
# How far into a saved page's text a byline or a date may still stand.
_HEADER_REACH = 8


def _tag(text: str, furniture: Furniture) -> str:
    if len(text) > _LONGEST_LABEL:
        return "prose"
    if _LIST_MARKER.match(text):
        return "marker"
    if furniture.is_chrome(text):
        return "chrome"
    if is_byline_shape(text):
        return "byline"
    if is_copyright(text):
        return "copyright"
    if is_photo_credit_only(text):
        return "credit"
    if is_caption(text):
        return "caption"
    if is_stamp_line(text) or stamp_label_relative(text):
        return "stamp"
    if _search(_CHROME_SENTENCE, text, _CHROME_HINTS) and len(words(text)) <= 25:
        return "chrome"
    return "prose" if is_prose(text) else "short"


def _search(pattern: re.Pattern, text: str, hints: tuple[str, ...]) -> re.Match | None:
    if text.isascii():
        low = text.lower()
        if not any(hint in low for hint in hints):
            return None
    return pattern.search(text)


def tag_lines(lines: list[tuple[int, str]], furniture: Furniture, title_key: str | None = None) -> list[str]:
    """The rule layer's reading of each line (the line-role model's lexical cues). A line a page
    prints twice is a caption, alt text, a headline or an author box: "dup"."""
    keys = [_norm(s) for _, s in lines]
    counts = Counter(keys)
    return ["dup" if counts[k] > 1 and k != title_key else _tag(s, furniture) for (_, s), k in zip(lines, keys)]


@lru_cache(maxsize=8192)
def _norm(text: str) -> str:
    text = _GLUED_LABEL.sub("", text.strip())
    if text.isascii():
        return " ".join(ascii_words(text)).lower()
    return re.sub(r"\W+", " ", text).strip().lower()


def _choose_title(header: list[tuple[int, str, str]], counts: dict) -> str | None:
    """The headline among the header lines: title-shaped, repeated by the page, followed by a
    byline or a date."""
    best, best_score = None, None
    for n, (_, text, tag) in enumerate(header):
        text = _GLUED_LABEL.sub("", text)
        if tag not in ("short", "prose", "dup") or not is_title_like(text) or bare_name(text) or is_caption(text):
            continue
        score = 2 if 5 <= len(words(text)) <= 25 else 1
        score += 2 if counts.get(_norm(text), 0) > 1 else 0
        if n + 1 < len(header) and header[n + 1][2] in ("byline", "stamp", "caption", "credit"):
            score += 1
        if text.isupper():
            score -= 3
        if best_score is None or score > best_score:
            best, best_score = text, score
    return best


def summary_of(paragraph: str) -> str | None:
    """The lede as plain text: one sentence, or two when the first is short."""
    if not paragraph:
        return None
    m = _dateline_span(paragraph)
    text = paragraph[m:].strip() if m else paragraph
    sentences = split_sentences(text)
    if not sentences:
        return None
    out = sentences[0]
    if len(out) < 120 and len(sentences) > 1:
        out = f"{out} {sentences[1]}"
    return out[:600]


def _dateline_span(paragraph: str) -> int:
    m = DATELINE.match(paragraph)
    return m.end() if m else 0


def block_tags(block: Block, furniture: Furniture) -> list[str]:
    """tag_lines of the block's lines, its headline (if its header gave one) not counted as a repeat."""
    return tag_lines(block.lines, furniture, _norm(block.title) if block.title else None)



def place_and_agency(body: list[str]) -> tuple[str | None, str | None]:
    """The dateline's place (`TOKYO (Kyodo) --`) and the agency the text names, in the dateline or
    at the start or end of the text."""
    place = agency = None
    found = dateline(body[0])
    if found:
        place, agency = found
    if agency is None:
        m = AGENCY_PAREN.search(body[0][:200]) or AGENCY_END.search(body[-1])
        agency = m["agency"] if m else None
    return place, agency

def extract(block: Block, dump: str, furniture: Furniture, default_tz: tzinfo, tags: list[str] | None = None,
            roles: PageRoles | None = None) -> tuple[Article | None, list[str]]:
    """tags: block_tags(block), and roles: a saved page's page_roles, when they are known already."""
    notes = list(block.notes)
    counts = Counter(_norm(s) for _, s in block.lines)
    title = block.title
    title_key = _norm(title) if title else None
    tags = block_tags(block, furniture) if tags is None else tags
    lines = [(no, s, tag) for (no, s), tag in zip(block.lines, tags)]
    if block.kind == "related":
        # The header already told where the text starts; a capture cut short is still its text.
        lines = [(no, s, "prose" if tag == "short" and len(words(s)) >= 8 else tag) for no, s, tag in lines]

    if block.kind == "page":
        title, header, body, caption, author, credit_lines = _page_zones(block, lines, roles)
    else:
        title, header, body, caption, author = _aggregator_zones(lines, counts, title, title_key)
        credit_lines = [s for _, s, tag in lines if tag == "copyright"]

    if not body:
        return None, _no_text(block, notes)

    # A stamp opening the first paragraph ("News from Japan Jul 12, 2025 13:17 (JST) Kuala ...").
    stamp, stamp_is_published = _header_stamp(lines, default_tz)
    first_stamps = find_stamps(body[0][:200], default_tz)     # only an opening stamp counts
    if first_stamps and first_stamps[0].start <= 80:
        s0 = first_stamps[0]
        prefix = body[0][: s0.start]
        if len(words(prefix)) <= 6 and not is_prose(prefix):
            body[0] = body[0][s0.end:].strip()
            if stamp is None:
                stamp, stamp_is_published = s0, True
    if stamp is None:
        # Evidence of when the page was current, not its publication time: the date of the photo,
        # or a date opening the first paragraph. A date deep in the text may be any event's, even
        # a future one ("will build it by October 10, 2026").
        evidence = find_stamps(caption or "", default_tz) or [st for st in first_stamps if st.start <= 80]
        if evidence:
            stamp = evidence[0]

    # Copyright tail glued to the last paragraph ("... he said. © Thomson Reuters 2025.").
    credit = next((c for c in map(credit_of, credit_lines) if c), None)
    m = _search(_INLINE_COPYRIGHT, body[-1], _COPYRIGHT_HINTS)
    if m and len(body[-1]) - m.start() <= 300:
        credit = credit or credit_of(m.group(0))
        body[-1] = body[-1][: m.start()].rstrip()
        if not body[-1]:
            body.pop()
    if not body:
        return None, _no_text(block, notes)
    body, caption = readable(body, caption)     # fused caption off the front; long paragraphs cut

    place, agency = place_and_agency(body)
    credit = credit or agency

    relative = parse_relative(block.relative) if block.relative else None
    if relative is None:
        label = next((stamp_label_relative(s) for _, s, _t in header if stamp_label_relative(s)), None)
        relative = parse_relative(label) if label else None

    source = block.source or credit
    return Article(
        dump=dump, line=block.start_line, kind=block.kind, title=title or None, body=body,
        source=source, credit=credit, author=author, dateline=place,
        image_caption=caption, relative=relative, stamp=stamp, stamp_is_published=stamp_is_published,
    ), notes


def _aggregator_zones(lines, counts, title, title_key):
    """An aggregator's article: its header told where the text starts; the rules read the rest."""
    start = _body_start(lines, title_key)
    caption = None
    # A byline, a name or a date just under the first lines of text: what stands above it is the
    # standfirst or the photo caption, not the body.
    window = lines[start:start + 6]
    marks = [n for n, (_, s, tag) in enumerate(window) if tag in ("byline", "stamp") or bare_name(s)]
    marks = [n for n in marks if sum(1 for _, _s, t in window[:n] if t == "prose") <= 2]
    if marks:
        mark = marks[-1]
        above = [s for _, s, tag in window[:mark] if tag == "prose"]
        if above and (window[mark][2] == "byline" or bare_name(window[mark][1])):
            caption = above[-1]
        start = _body_start(lines, title_key, start + mark + 1)
    header, rest = lines[:start], lines[start:]
    if title is None:
        title = _choose_title(header, counts)
        title_key = _norm(title) if title else None

    author = _author(header, title_key)
    caption = caption or next((s for _, s, tag in header if tag == "caption"), None)

    # Body zone ends at a copyright line; the trailer after the last running text is dropped,
    # except a last paragraph the capture cut off mid-word.
    end = next((n for n, (_, s, tag) in enumerate(rest) if tag == "copyright"), len(rest))
    body_zone = rest[:end]
    last_prose = max((n for n, (_, s, tag) in enumerate(body_zone) if tag == "prose"), default=-1)
    if last_prose + 1 < len(body_zone) and _cut_off(body_zone[last_prose + 1]):
        last_prose += 1
    body_zone = body_zone[:last_prose + 1]

    body, in_list = [], False
    for n, (_, s, tag) in enumerate(body_zone):
        if tag == "marker":
            in_list = True
            continue
        if tag == "prose":
            in_list = False
        if in_list or _norm(s) == title_key:
            continue
        if tag == "caption" and caption is None:
            caption = s
        if tag == "credit" and n and body and body[-1] == body_zone[n - 1][1] and len(words(body[-1])) <= 12:
            body.pop()          # a short caption line above its photo credit
        if tag not in ("prose", "short"):
            continue
        if author and _is_bio(s, author):
            continue
        body.append(s)

    return title, header, body, caption, author


def _page_zones(block: Block, lines, found: PageRoles | None):
    """A saved page: the learned model says which lines are running text and which the headline;
    the rules read the byline, caption and dates above the text."""
    found = found or page_roles(block.lines, [tag for _, _s, tag in lines])
    texts = [s for _, s in block.lines]
    title = texts[found.headline] if found.headline is not None else None
    title = _GLUED_LABEL.sub("", title) if title else None
    title_key = _norm(title) if title else None
    first = int(found.body.argmax()) if found.body.any() else len(lines)
    # The header: what stands above the text, and the lines that are not text among its first
    # lines (a byline under the standfirst, a date under the photo caption).
    header = lines[:first] + [line for line, keep in zip(lines[first:first + _HEADER_REACH],
                                                          found.body[first:first + _HEADER_REACH]) if not keep]
    author = _author(header, title_key)
    caption = next((s for _, s, tag in header if tag == "caption"), None)
    body = [s for (_, s, _tag), keep in zip(lines, found.body)
            if keep and _norm(s) != title_key and not (author and _is_bio(s, author))]
    # A copyright line inside the text credits a photo ("© Amazon"); the page's own stands below it.
    last = len(lines) - int(found.body[::-1].argmax()) if found.body.any() else 0
    credit_lines = [s for _, s, tag in lines[last:] if tag == "copyright"]
    return title, header, body, caption, author, credit_lines


def _no_text(block: Block, notes: list[str]) -> list[str]:
    """A whole page without text is reported once, for the dump; a related block by its line."""
    if block.kind != "page" and not block.notes:
        notes.append(f"line {block.start_line}: no article text found in this block; skipped")
    return notes


def _body_start(lines, title_key, after: int = 0) -> int:
    """The first line of running text at or after `after`."""
    return next((n for n, (_, s, tag) in enumerate(lines) if n >= after and tag == "prose"
                 and _norm(s) != title_key), len(lines))


def _cut_off(line) -> bool:
    """A paragraph the capture cut off mid-word: running text that stops without punctuation."""
    _, s, tag = line
    return tag == "short" and len(words(s)) >= 8 and s[-1:].isalpha() and s[:1].isupper() or (
        tag == "short" and len(words(s)) >= 8 and s[:1] in "\"“‘'" and s[-1:].isalpha())


def _header_stamp(lines, default_tz) -> tuple[Stamp | None, bool]:
    """The page's own publication time: a 'Published' stamp first, else the first stamp line."""
    stamps = []
    for _, s, tag in lines:
        if tag != "stamp":
            continue
        found = find_stamps(s, default_tz)
        if found:
            stamps.append((not _PUBLISHED_LABEL.search(s), found[0]))
    if not stamps:
        return None, False
    stamps.sort(key=lambda x: x[0])         # stable: labelled "Published" first, then page order
    return stamps[0][1], True


def _author(header, title_key) -> str | None:
    """The byline's names, else a bare name near the headline or a date."""
    found = next((name for name in (byline(s) for _, s, tag in header if tag == "byline") if name), None)
    return found or _bare_byline(header, title_key)


def _bare_byline(header, title_key) -> str | None:
    """A name on a line of its own near the headline, a date, or a repeat of itself."""
    for n, (_, s, tag) in enumerate(header):
        name = bare_name(s)
        if not name or _norm(s) == title_key:
            continue
        near = header[max(0, n - 2): n + 3]
        if any(t in ("stamp", "byline") for _, _x, t in near) or \
                any(_norm(x) == title_key for _, x, _t in near) or \
                sum(1 for _, x, _t in header if _norm(x) == _norm(s)) > 1:
            return name
    return None


def _is_bio(line: str, author: str) -> bool:
    """'Emel Akan is a senior correspondent ...': the author's note, not the article."""
    first = author.split(",")[0].strip()
    return line.startswith(first) and bool(      # a cheap test first: the pattern starts with the name
        re.match(rf"^{re.escape(first)}\s+(?:is|was|can be|covers|reports|contributed)\b", line))
