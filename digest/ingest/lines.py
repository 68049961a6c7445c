"""What a single line of a dump looks like: prose, a title, a byline, a caption, a stamp.

Every rule here is about shape (punctuation, capitals, length, well-known credit forms), never
about a particular outlet or headline.
"""
import re

from ..text import UNSPACED
from .dates import REL_TIME, STAMP

WORD = re.compile(r"[^\W\d_][\w'’.-]*")
# Outside ASCII: a run of Chinese or Japanese characters counts as one word per two characters
# (about what a word is there), so a line's length in words means the same in every script.
_ANY_WORD = re.compile(rf"[{UNSPACED}]{{1,2}}|[^\W\d_{UNSPACED}](?:[^\W{UNSPACED}]++|['’.-])*+")
_SENTENCE_END = re.compile(r"[.!?…:;。！？]['\"”’)\]」』）]*$")


def words(line: str) -> list[str]:
    return WORD.findall(line) if line.isascii() else _ANY_WORD.findall(line)


def is_prose(line: str) -> bool:
    """A line of running text: a sentence or more."""
    s = line.strip()
    n = len(words(s))
    if s.rstrip("'\"”’」』").endswith(("?", "!", "？", "！")):   # a question is a headline until it is long
        return n >= 12
    return (n >= 6 and bool(_SENTENCE_END.search(s))) or n >= 20


def is_title_like(line: str) -> bool:
    """A headline: a handful of words, no final full stop, not a sentence run-on."""
    s = line.strip()
    n = len(words(s))
    return 4 <= n <= 30 and len(s) <= 250 and not s.endswith((".", ",", ";", ":"))


# --- relative-time anchors of the aggregator layouts -------------------------------------------

# "Japan Today2 days ago", "time6 hours ago", "an hour ago": an outlet glued to the time, the
# aggregator's "time" label, or the time alone.
ANCHOR = re.compile(rf"^(?P<pre>.{{0,80}}?)(?P<rel>{REL_TIME})$", re.I)
_NOT_OUTLET = re.compile(r"^(?:time|updated|published|posted|edited|last updated|modified)?[\s:|•-]*$", re.I)
_STAMP_LABEL = re.compile(r"^(?:updated|published|posted|edited|last updated|modified)\b", re.I)
BULLET = re.compile(r"^[•·\-–—*]\s*(?P<text>\S.{0,80})$")


def _ends_ago(s: str) -> bool:
    """Every relative time ends in "ago": a cheap test before ANCHOR's (no other character folds
    to a, g or o)."""
    return s[-3:].lower() == "ago"


def anchor(line: str):
    """(outlet or None, relative text) when the line is an aggregator's time line, else None."""
    s = line.strip()
    m = ANCHOR.match(s) if _ends_ago(s) else None
    if not m or _STAMP_LABEL.match(s):
        return None
    pre = m["pre"].strip()
    if _NOT_OUTLET.match(pre):
        return None, m["rel"]
    if pre.lower().endswith("time"):    # "Outlettime6 hours ago" is not seen, but costs nothing
        pre = pre[:-4].strip()
    if len(words(pre)) > 6 or _SENTENCE_END.search(pre):
        return None                     # a sentence ending in "... 2 days ago", not an anchor
    return pre, m["rel"]


def stamp_label_relative(line: str) -> str | None:
    """'Updated 17 minutes ago' on a page: the page's own relative time."""
    s = line.strip()
    m = ANCHOR.match(s) if _ends_ago(s) else None
    return m["rel"] if m and _STAMP_LABEL.match(s) else None


# --- bylines -----------------------------------------------------------------------------------

_NAME_WORD = r"[A-Z][\w'’.-]*"
_BY = re.compile(r"^\s*[-•]?\s*by[:\s]\s*(?P<names>.+?)\s*(?:\[.*\])?\s*$", re.I)
# An outlet printed after the names: "... and Chie Tanaka Washington Post".
_OUTLET_WORDS = re.compile(r"^(?:Post|Times|News|Press|Journal|Daily|Herald|Tribune|Wire|Service|Agency|"
                           r"Reuters|AFP|Bloomberg|CNN|BBC|Network|Staff|Desk|Correspondent|"
                           r"Reporter|Writer|Editor)$", re.I)
_LOWER_PARTICLES = {"de", "van", "von", "da", "der", "den", "bin", "al", "la", "le", "di", "du", "dos", "del"}


def _name_case(tokens: list[str]) -> list[str]:
    """Names printed in capitals, as people write them: "ANNA DE LUCA" -> "Anna de Luca",
    "O'NEILL" -> "O'Neill". Mixed-case tokens ("DePillis") are left as printed."""
    out = []
    for n, t in enumerate(tokens):
        if not (t.isupper() and len(t) > 1):
            out.append(t)
        elif n and t.lower() in _LOWER_PARTICLES:
            out.append(t.lower())
        else:
            out.append(re.sub(r"[^\W\d_]+", lambda m: m.group(0).capitalize(), t))
    return out


def _clean_name(name: str) -> str | None:
    name = re.sub(r"\s+", " ", name).strip(" ,|-–—•")
    tokens = name.split()
    # Drop an outlet tail ("... Washington Post"), keeping at least a two-word name.
    if tokens and _OUTLET_WORDS.match(tokens[-1]):
        for cut in range(2, len(tokens)):
            if all(t[:1].isupper() for t in tokens[cut:]):
                tokens = tokens[:cut]
                break
    if not 2 <= len(tokens) <= 5:
        return None
    if not all(t[:1].isupper() or t.lower() in _LOWER_PARTICLES for t in tokens):
        return None
    if any(_OUTLET_WORDS.match(t) for t in tokens):
        return None
    tokens = _name_case(tokens)
    return " ".join(tokens)


def is_byline_shape(line: str) -> bool:
    """'By ...' on a short line of its own, whether it names a person or only the outlet."""
    s = line.strip()
    return bool(_BY.match(s)) and len(words(s)) <= 14 and not s.endswith(".")


def byline(line: str) -> str | None:
    """The author(s) named by a 'By ...' line, joined with ', '; None if the line is no byline."""
    m = _BY.match(line)
    if not m or len(line) > 160:
        return None
    names = re.split(r"\s*(?:,\s*and\s+|,|\band\b|&|\|)\s*", m["names"])
    cleaned = [_clean_name(n) for n in names if n.strip()]
    cleaned = [n for n in cleaned if n]
    return ", ".join(cleaned) if cleaned else None


_NOT_IN_NAMES = {"the", "of", "on", "in", "at", "to", "for", "and", "with", "from", "by", "a", "an", "world", "more",
                 "read", "news", "home", "back", "topic", "share", "follow"}


def bare_name(line: str) -> str | None:
    """A line that is only a person's name (2-4 capitalised words), as pages print bylines."""
    s = line.strip().strip("-•|· ").strip()
    tokens = s.split()
    if not 2 <= len(tokens) <= 4 or not all(re.fullmatch(r"[A-Z][a-zA-Z'’-]+", t) for t in tokens):
        return None
    if any(_OUTLET_WORDS.match(t) or t.lower() in _NOT_IN_NAMES for t in tokens):
        return None
    if len(tokens) == 4:        # "Priya Raman New Delhi": a name, then a place
        tokens = tokens[:2]
    return " ".join(_name_case(tokens))


# --- captions and credits ----------------------------------------------------------------------

_AGENCY = (r"AP|Reuters|REUTERS|AFP|EPA|EPA-EFE|Getty Images|Getty|Xinhua|Kyodo|Yonhap|Bloomberg|Pool|"
           r"Shutterstock|Anadolu|UPI|Jiji|Sputnik|TASS|NurPhoto|Alamy|iStock")
# Agencies that only sell pictures: "(Getty Images)" closing a line is a photo credit, while
# "(Kyodo)" closing a paragraph credits the story.
_PHOTO_AGENCY = r"Getty Images|Getty|Shutterstock|Alamy|iStock|NurPhoto|EPA|EPA-EFE"
_CAPTION = re.compile(
    rf"(?:\((?:[^()]*(?:Photo|photo|/|\bvia\b)[^()]*|{_PHOTO_AGENCY})\)\s*$"  # "(Mandel Ngan/Pool Photo via AP)"
    rf"|\b(?:Photo|Photograph|Image|Picture|File photo)s?\s*(?:by|:|/|courtesy)"  # "Photo by X/EPA"
    rf"|(?:{_AGENCY})/[A-Z][\w .'-]+\s*$"                                 # "REUTERS/Ibraheem Abu Mustafa"
    rf"|^[A-Z][\w .'’-]{{1,40}}/(?:{_AGENCY})\s*$"                      # "Adriano Machado/Reuters"
    rf"|\s/\s(?:{_AGENCY})\s*$"                                           # "... from the strike. / AP"
    rf"|^(?:In this|This) (?:photo|image|picture|handout|file photo)\b"
    rf"|\((?:{_AGENCY})\s+Photo\b|\bvia (?:{_AGENCY})\)?\s*$"
    rf"|^(?:Credit|Photo|Image|Source|Photograph)\s*:\s*\S.{{0,60}}$)")


# Every form _CAPTION knows holds one of these (it is case-sensitive): a cheap test before it.
_CAPTION_HINTS = ("(", "/", "Photo", "Image", "Picture", "File photo", "via ")
_CAPTION_STARTS = ("In this ", "This ", "Credit", "Source")


def is_caption(line: str) -> bool:
    s = line.strip()
    if not (any(hint in s for hint in _CAPTION_HINTS) or s.startswith(_CAPTION_STARTS)):
        return False
    return bool(_CAPTION.search(s))


def is_photo_credit_only(line: str) -> bool:
    """A credit line on its own, under a photo: 'Credit: AP', 'Adriano Machado/Reuters'."""
    s = line.strip()
    return len(words(s)) <= 8 and is_caption(s) and not is_prose(s)


_COPYRIGHT = re.compile(
    r"(?:©|\(c\)|\bcopyright\b)\s*(?:copyright\s*)?(?:\d{4}\s*)?(?P<holder>[^.\]\n©]{2,80}?)"
    r"(?:,?\s*(?:Ltd|Inc|LLC|Co|Corp)\.?)?\s*(?:\d{4})?\s*(?:\.|\]|$|All rights|\s©)", re.I)
_ORIGINALLY = re.compile(r"(?:this (?:article|story) )?(?:originally )?(?:appeared|was published|first "
                         r"published) (?:originally )?in (?P<holder>(?:the )?[A-Z][\w&.'’ -]{1,60}?)"
                         r"(?=\s*(?:[.©,]|$|on\b))", re.I)

def credit_of(line: str) -> str | None:
    """The rights holder a copyright or credit line names."""
    m = _ORIGINALLY.search(line)
    if m:
        return _holder(m["holder"])
    m = _COPYRIGHT.search(line)
    if m:
        # "The Jiji Press, Ltd." is a company's legal name; the outlet is "Jiji Press".
        legal = re.search(r",?\s*(?:Ltd|Inc|LLC|Co|Corp)\b", m.group(0)[m.end("holder") - m.start():])
        holder = _holder(m["holder"])
        if holder and legal:
            holder = re.sub(r"^the\s+", "", holder, flags=re.I)
        return holder
    return None


def _holder(text: str) -> str | None:
    text = re.sub(r"\b(?:19|20)\d{2}\b", "", text)
    text = re.sub(r"\b(?:Company|Ltd|Inc|LLC|Corp|Co)\b\.?$", "", text.strip(" ,.")).strip(" ,.")
    return text if 1 <= len(words(text)) <= 8 else None


def is_copyright(line: str) -> bool:
    s = line.strip()
    return bool(re.match(r"^\[?\s*(?:©|\(c\)\s|copyright\b)", s, re.I)) or bool(
        re.match(r"^this (?:article|story) (?:originally )?(?:appeared|was (?:first )?published) in\b", s, re.I))


# --- datelines ---------------------------------------------------------------------------------

_MONTH_DAY = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}"
DATELINE = re.compile(
    rf"^(?P<place>[A-Z][A-Z.'’-]+(?:\s[A-Z][A-Z.'’-]+){{0,3}}(?:,\s+[A-Z][\w.]+(?:\s[A-Z][\w.]+)?)?"
    rf"|[A-Z][a-z]+(?:\s[A-Z][a-z]+){{0,2}}(?=,\s+{_MONTH_DAY}|\s*\())"
    rf"(?:,\s+(?P<date>{_MONTH_DAY}))?\s*(?:\((?P<agency>[^()]{{2,40}})\))?\s*(?:--|—|–|-)\s*(?=\S)")


def dateline(paragraph: str):
    """(place, agency) from a dateline opening the paragraph ("TOKYO (Kyodo) --"), else None."""
    m = DATELINE.match(paragraph)
    if not m:
        return None
    place = m["place"].strip()
    if place.isupper() and len(place) < 3 and not m["agency"]:
        return None
    return place, (m["agency"].strip() if m["agency"] else None)


# Agency credits in running text: "(Jiji Press)" closing a dateline, "(Kyodo)".
AGENCY_PAREN = re.compile(r"\((?P<agency>[A-Z][\w.'’&-]*(?:\s[A-Z][\w.'’&-]*){0,3})\)\s*(?:--|—|–)")
# ... or closing the story: "... officials said. (Kyodo)"
AGENCY_END = re.compile(r"\((?P<agency>[A-Z][\w.'’&-]*(?:\s[A-Z][\w.'’&-]*){0,3})\)\s*$")


_DIGIT = re.compile(r"\d")


def is_stamp_line(line: str) -> bool:
    """A line that is mostly a date (a page's 'Published: 14 Jul. 2025, 19:40')."""
    s = line.strip()
    if not _DIGIT.search(s):        # every date form has digits: a cheap test first
        return False
    m = STAMP.search(s) or re.search(r"\b\d{1,2}-\d{1,2}-\d{4}\b|\d{4}-\d{2}-\d{2}T\d", s)
    if not m:
        return False
    rest = (s[: m.start()] + " " + s[m.end():])
    return len(words(rest)) <= 8 and not is_prose(rest)
