"""Plain-text helpers shared by the stages: words and sentences."""
import re


def tokens(text: str) -> list[str]:
    """The text as lowercase words and numbers: what copies of one article have in common however
    they were re-flowed or punctuated."""
    return re.findall(r"[a-z0-9]+", text.lower())

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
