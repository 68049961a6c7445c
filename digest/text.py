"""Plain-text helpers shared by the stages: words and sentences."""
import re
import unicodedata
import zlib
from functools import cache, lru_cache

# Letters of scripts written without spaces between words (Chinese, Japanese; Thai, Lao, Myanmar and
# Khmer too). A run of them is no word: tokens() takes each character as a token and lines.words()
# counts them in pairs. Hangul is not here: Korean puts spaces between words.
UNSPACED = (r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"      # Han
            r"\u3005-\u3007\u3021-\u3029\u3038-\u303c"                            # 々〆〇 and the like
            r"\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fc-\u30ff\u31f0-\u31ff"   # kana
            r"\uff66-\uff9f\U0001b000-\U0001b16f"                                  # half-width, old kana
            r"\u0e01-\u0e3a\u0e40-\u0e4e\u0e50-\u0e59\u0e81-\u0ece\u0ed0-\u0ed9"   # Thai, Lao
            r"\u1000-\u1049\u1050-\u109d\u1780-\u17d3\u17d7\u17dc\u17dd\u17e0-\u17e9")  # Myanmar, Khmer

# ASCII text is split by str.translate and str.split, which give what the regular expressions
# [a-z0-9]+ and \w+ find, several times faster on long lines: every other character becomes a space.
_ASCII_NOT_TOKEN = {c: " " for c in range(128) if not ("a" <= chr(c) <= "z" or "0" <= chr(c) <= "9")}
_ASCII_NOT_WORD = {c: " " for c in range(128) if not (chr(c).isalnum() or chr(c) == "_")}


def ascii_words(text: str) -> list[str]:
    r"""re.findall(r"\w+", text) for an ASCII text."""
    return text.translate(_ASCII_NOT_WORD).split()


@cache
def _token_pattern() -> re.Pattern:
    """Any script's tokens: a run of letters and digits (with the combining marks inside it, as
    Devanagari's vowel signs), or one character of an unspaced script. Built on the first text
    that is not ASCII (finding the marks takes ~20 ms)."""
    marks, start = [], None
    for cp in range(0x300, 0x10000):
        is_mark = unicodedata.category(chr(cp))[0] == "M"
        if is_mark and start is None:
            start = cp
        elif not is_mark and start is not None:
            marks.append(f"\\u{start:04x}-\\u{cp - 1:04x}")
            start = None
    m = "".join(marks)
    return re.compile(rf"[^\W_{UNSPACED}]++(?:[{m}]++[^\W_{UNSPACED}]*+)*+|[{UNSPACED}][{m}]*+")


def tokens(text: str) -> list[str]:
    """The text as lowercase words and numbers: what copies of one article have in common however
    they were re-flowed or punctuated. Every script counts (letters and digits as Unicode has them);
    text without spaces between words (Chinese, Japanese, Thai) gives one token per character, so
    that 5-token shingles are 5-character ones there. ASCII text gives what it always gave."""
    if text.isascii():
        return text.lower().translate(_ASCII_NOT_TOKEN).split()
    return _token_pattern().findall(unicodedata.normalize("NFC", text).lower())


SHINGLE = 5        # words in a shingle (merge.py)


def shingle_hashes(words: list[str]):
    """The hashes of the text's word 5-grams (one of the whole text when it is shorter), as a sorted
    numpy array of distinct uint32: about 4 bytes a shingle where a set of ints took 40 or more.
    crc32 is stable across runs and machines (fingerprints are stored), and cheap."""
    import numpy as np     # here: the site's render needs no numpy
    if len(words) < SHINGLE:
        grams = [" ".join(words)] if words else []
    else:
        grams = map(" ".join, zip(*(words[k:] for k in range(SHINGLE))))     # no Python loop per shingle
    hashes = np.fromiter(map(zlib.crc32, map(str.encode, grams)), np.uint32)
    hashes.sort()
    return hashes[np.concatenate(([True], hashes[1:] != hashes[:-1]))] if len(hashes) else hashes


# Words after whose full stop no sentence ends ("U.S. officials", "Mr. Lee", "Sept. 3"), as printed.
_TITLES = frozenset(
    "Mr Mrs Ms Messrs Mmes Dr St Mt Ft Gov Govs Sen Sens Rep Reps Gen Gens Lt Col Maj Brig Sgt Cpl Pvt Adm Capt "
    "Cmdr Cdr Supt Det Insp Rev Msgr Fr Hon Pres Prof Rt Jr Sr Esq Inc Ltd Co Corp Bros Dept Univ Assn No Nos "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Fig Figs Vol Ch Sec vs".split())
# ... and in the other languages pages come in, in any case ("z.B." and "т.е." are dotted letters,
# handled below). Words that also end English sentences ("art", "set", "out", "etc") are left out.
_OTHER_ABBREVIATIONS = frozenset(
    # German
    "nr okt dez abs bzw ca vgl usw ggf evtl inkl zzgl sog hrsg bspw geb gest ehem mio mrd tsd str "
    # French, Spanish, Portuguese, Italian
    "mme mlle mgr env bd av avda sra srta dra lic arq pág pag núm aprox cía cia ltda sig sigg dott dssa ecc "
    "janv févr avr juil déc ene abr ago dic gen giu lug ott fev dez "
    # Russian
    "г гг ул им см стр млн млрд тыс руб др пр проф акад обл ст".split())
_DOTTED = re.compile(r"^(?:[^\W\d_]\.)+[^\W\d_]$")          # U.S, e.g, z.B, т.е: letters and dots
_CLOCK = re.compile(r"^[ap]\.m$", re.I)
# "5 p.m. Tuesday", "9 a.m. ET": the clock reading goes on; "at 5 p.m. The talks ..." ends a sentence.
_AFTER_CLOCK = re.compile(r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b|(?:[ECMP][SD]?T|GMT|UTC|JST|KST|BST|CET|"
                          r"CEST)\b|local\b", re.I)
# Where a sentence may end: a full stop, closing quotes or brackets, white space, then (checked in
# code) a capital or a digit, in any alphabet.
_END = re.compile(r"[.!?][\"”’'»)\]]*\s+(?=[\"“‘'«„(\[]?(\w))")
# Scripts without spaces between words end a sentence at 。！？ and whatever closes with it.
_CJK_END = re.compile(r"[。！？]+[」』）)\"”’]*")
_CJK_OPEN, _CJK_CLOSE = "「『", "」』"
# The commonest English words: a text that is not mostly made of them may number its days ("3. Oktober").
_ENGLISH = frozenset("the a an and of to in is was for on that with as by at said it he his from be has have are "
                     "were will not but this they their its".split())


_WORDS = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=64)
def _looks_english(text: str) -> bool:
    words = _WORDS.findall(text[:600].lower())
    return not words or sum(map(_ENGLISH.__contains__, words)) / len(words) >= 0.15


def _no_end_after(text: str, stop: int, nxt: int) -> bool:
    """The full stop at `stop` closes an abbreviation or an initial, not the sentence."""
    word = text[max(0, stop - 24):stop].rsplit(None, 1)[-1] if stop else ""
    word = word.lstrip("\"“‘'«„([")
    if not word:
        return False
    if word in _TITLES or word.lower() in _OTHER_ABBREVIATIONS:
        return True
    if len(word) == 1 and word.isalpha() and word.isupper():
        return True                                         # initials: "J. D. Vance"
    if _DOTTED.match(word):
        return not _CLOCK.match(word) or bool(_AFTER_CLOCK.match(text, nxt))
    return word.isdigit() and len(word) <= 2 and not _looks_english(text)   # "am 3. Oktober"


def sentences(text: str) -> list[str]:
    """Split running text into sentences: not after abbreviations or initials (in English and the
    other languages pages come in), and at 。！？ in Japanese and Chinese, outside 「quotes」."""
    ends = []
    for m in _END.finditer(text):
        nxt = m.start(1)
        if not (text[nxt].isupper() or text[nxt].isdigit()):
            continue
        if text[m.start()] == "." and _no_end_after(text, m.start(), nxt):
            continue
        ends.append(m.end())
    if "。" in text or "！" in text or "？" in text:
        depth, seen = 0, 0
        for m in _CJK_END.finditer(text):
            for c in text[seen:m.start()]:
                depth += (c in _CJK_OPEN) - (c in _CJK_CLOSE)
            seen = m.start()
            if m.end() >= len(text):
                break
            closed = depth - sum(c in _CJK_CLOSE for c in m.group())
            # 「……。」 closing a quote ends the sentence too, unless と or って goes on with it
            if depth <= 0 or closed <= 0 and text[m.end()] not in "とっ":
                ends.append(m.end())
        ends = sorted(set(ends))
    out, last = [], 0
    for end in ends:
        piece = text[last:end].strip()
        if piece:
            out.append(piece)
            last = end
    if text[last:].strip():
        out.append(text[last:].strip())
    return out


# --- headlines ----------------------------------------------------------------------------------

# A headline is one line of visible text. Controls (Unicode category Cc) and invisible format
# characters (Cf) go: bidi embeddings, overrides and isolates (U+202A-E, U+2066-9) can make a title
# read backwards from what it says, zero-width spaces, the BOM and word joiners hide inside words,
# soft hyphens and tag characters hide text. Kept, because scripts need them: ZWNJ and ZWJ (U+200C,
# U+200D), which shape Persian and Indic words and join emoji; the prepended concatenation marks,
# visible signs written before Arabic, Syriac and Kaithi numbers; and the tag characters of an emoji
# flag (🏴 + tags + cancel tag, the flags of Scotland, Wales, England).
_KEEP_FORMAT = frozenset("\u200c\u200d\u0600\u0601\u0602\u0603\u0604\u0605\u06dd\u070f\u0890\u0891\u08e2"
                         "\U000110bd\U000110cd")
_FLAG_TAGS = re.compile("(\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f)")
# Controls that break a line or stand for space become a space, so the words either side stay apart.
_AS_SPACE = frozenset("\t\n\v\f\r\x1c\x1d\x1e\x1f\x85\u2028\u2029")


def _visible(piece: str) -> str:
    return "".join(" " if c in _AS_SPACE else c for c in piece
                   if c in _AS_SPACE or c in _KEEP_FORMAT or unicodedata.category(c) not in ("Cc", "Cf"))


def one_line(text: str) -> str:
    """A headline as one line of visible characters, runs of spaces made one (see _KEEP_FORMAT)."""
    if not text.isprintable():      # str.isprintable is False for every Cc, Cf, Zl and Zp character
        pieces = _FLAG_TAGS.split(text)     # odd pieces are flags, kept whole
        text = "".join(p if n % 2 else _visible(p) for n, p in enumerate(pieces))
    return re.sub(" {2,}", " ", text).strip()


# What looks like an HTML tag: <name ...>, </name>, <name/>, with quoted attribute values (which may
# hold a ">"), and comments. A "<" not followed by a letter (a < b, <3, <=) is text. No part of a
# match runs past another "<" that could start a tag (a script's text past another <script>): so
# each try ends at the next "<", and a line of a million unclosed "<a " or "<!--" costs linear
# time, not hours.
_ATTRS = r"""(?:\s(?:"[^"<]*"|'[^'<]*'|[^'"<>])*)?"""
_TAG = re.compile(r"<!--[^<>]*-->"
                  rf"|<(script|style)\b{_ATTRS}>[^<]*(?:<(?!/?\1\b)[^<]*)*</\1\s*>"
                  rf"|</?([a-z][a-z0-9-]*){_ATTRS}/?>", re.I)
# Elements that break a line: gone, they leave a space between the words either side.
_BREAKS = frozenset("br p div li ul ol dl dt dd tr td th table h1 h2 h3 h4 h5 h6 hr blockquote section "
                    "article header footer".split())


def without_tags(text: str) -> str:
    """A headline without the HTML tags a page or a dump left in it ("Markup <b>bold</b>
    <script>x</script>" → "Markup bold"), script and style elements with their content. Only for
    text shown as text: every field is still escaped where it is written, never made safe by this."""
    if "<" not in text:
        return text
    text = _TAG.sub(lambda m: " " if (m[2] or "").lower() in _BREAKS else "", text)
    return re.sub(" {2,}", " ", text).strip()
