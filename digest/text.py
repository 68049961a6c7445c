"""Plain-text helpers shared by the stages: words and sentences."""
import re
import unicodedata
from functools import cache

# Letters of scripts written without spaces between words (Chinese, Japanese; Thai, Lao, Myanmar and
# Khmer too). A run of them is no word: tokens() takes each character as a token and lines.words()
# counts them in pairs. Hangul is not here: Korean puts spaces between words.
UNSPACED = (r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"      # Han
            r"\u3005-\u3007\u3021-\u3029\u3038-\u303c"                            # 々〆〇 and the like
            r"\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fc-\u30ff\u31f0-\u31ff"   # kana
            r"\uff66-\uff9f\U0001b000-\U0001b16f"                                  # half-width, old kana
            r"\u0e01-\u0e3a\u0e40-\u0e4e\u0e50-\u0e59\u0e81-\u0ece\u0ed0-\u0ed9"   # Thai, Lao
            r"\u1000-\u1049\u1050-\u109d\u1780-\u17d3\u17d7\u17dc\u17dd\u17e0-\u17e9")  # Myanmar, Khmer

_ASCII_TOKEN = re.compile(r"[a-z0-9]+")


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
        return _ASCII_TOKEN.findall(text.lower())
    return _token_pattern().findall(unicodedata.normalize("NFC", text).lower())

# Abbreviations after which a full stop ends no sentence ("U.S. officials", "Mr. Lee", "Sept. 3").
_ABBREVIATION = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Gov|Sen|Rep|Gen|Lt|Col|Sgt|Jan|Feb|Aug|Sept|Oct|Nov|Dec|No|"
                           r"vs|Inc|Ltd|Co|Corp|Jr|Sr|Prof|Adm|Capt|Cmdr)|\b[A-Z])\.$")
# Where a sentence may end: a full stop (and a closing quote) and white space before a capital.
_END = re.compile(r"[.!?][\"”’']?\s+(?=[\"“‘']?[A-Z0-9])")


def sentences(text: str) -> list[str]:
    """Split running text into sentences, not after abbreviations or initials."""
    out, last = [], 0
    for m in _END.finditer(text):
        if text[m.start()] == "." and _ABBREVIATION.search(text, max(0, m.start() - 6), m.start() + 1):
            continue
        out.append(text[last:m.end()].rstrip())
        last = m.end()
    if text[last:].strip():
        out.append(text[last:].strip())
    return out
