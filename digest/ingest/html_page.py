"""A saved HTML page → its article, by trafilatura (text, headline, author, date, site name) and the
project's own field rules for what it lacks (dateline, credit, byline and stamp lines in the text,
the lead photo's caption, a headline the page's metadata agrees on).

The page's HTML is never passed on: trafilatura's text, one line per paragraph, is plain text and
goes the way of dump text (content.markdown_paragraph escapes it). Imported only when seeds/ holds a
page, so a build of text dumps never loads trafilatura.
"""
import logging
import re
from datetime import datetime, tzinfo

from ..model import Article
from .boilerplate import Furniture
from .dates import Stamp
from .extract import _norm
from .lines import credit_of, is_prose
from .paragraph_fields import from_paragraphs
from .read import clean

# trafilatura and htmldate log every page they find nothing in; the build says it once, itself.
for _name in ("trafilatura", "htmldate", "courlan"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)

# What separates a headline from the site's name in a <title> or og:title ("Headline | Site").
_SEPARATOR = re.compile(r"\s+(?:[|\-–—·•»~/]|::)\s+|\s*[|·•»]\s*")
_MONTHS_AND_DAYS = re.compile(
    r"\b(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|"
    r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?|Mon(?:day)?|Tue(?:sday)?|Wed(?:nesday)?|Thu(?:rsday)?|Fri(?:day)?|"
    r"Sat(?:urday)?|Sun(?:day)?|Published|Updated|Posted)\b.*$", re.I)
# A part of trafilatura's author field that is a job title or a desk ("AP Auto Writer", "Editorial Staff").
_JOB_TITLE = re.compile(r"\b(?:writer|editor|reporter|correspondent|columnist|contributor|staff|desk|"
                        r"editor-at-large|bureau)s?\s*$", re.I)
_STATED_TIME = ("//meta[@property='article:published_time' or @name='article:published_time' or "
                "@itemprop='datePublished' or @property='og:published_time' or @name='pubdate' or "
                "@name='publishdate' or @name='date' or @name='dc.date' or @name='DC.date.issued' or "
                "@name='parsely-pub-date' or @name='sailthru.date']/@content | //*[@itemprop='datePublished']/@datetime")
_LD_PUBLISHED = re.compile(r'"datePublished"\s*:\s*"([^"]{8,40})"')
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?)?$")
# How many paragraphs above the text a lead photo's caption may stand.
NEAR = 3


def read_page(name: str, data: bytes, furniture: Furniture, default_tz: tzinfo) -> tuple[list[Article], list[str]]:
    """(the page's article, or none; the warnings)."""
    import trafilatura

    tree = trafilatura.load_html(data)
    if tree is None:
        return [], ["not a readable HTML page (no document could be parsed from it); skipped"]
    doc = trafilatura.bare_extraction(tree, include_comments=False, with_metadata=True)
    text = clean(doc.text or "") if doc is not None else ""
    lines = [_one_line(line) for line in text.split("\n")]
    lines = [line for line in lines if line]
    if not lines:
        return [], ["no article text found in this HTML page (trafilatura found no running text); "
                    "check that it is a saved news page"]
    site = site_name(doc.sitename, doc.hostname)
    title = headline(tree, doc.title, site)
    found = from_paragraphs(lines, furniture, default_tz, lead_caption(tree, lines), title)
    if found is None or not any(is_prose(p) for p in found.body):
        # trafilatura hands over the menu of a page that has no article: no running text, no article.
        return [], ["no article text found in this HTML page (no running text); check that it is a saved "
                    "news page"]
    stamp = page_stamp(tree, doc.date, default_tz) or found.stamp
    credit = found.credit or footer_credit(tree)
    return [Article(
        dump=name, line=1, kind="page", title=title, body=found.body, source=site or credit,
        credit=credit, author=found.author or authors(doc.author, site), dateline=found.dateline,
        image_caption=found.caption, stamp=stamp, stamp_is_published=stamp is not None, url=doc.url or None,
    )], []


def _one_line(text: str) -> str:
    return " ".join(text.split())


# --- headline -----------------------------------------------------------------------------------

def headline(tree, extracted: str | None, site: str | None) -> str | None:
    """The page's <h1> when the page's own metadata (og:title, twitter:title, <title>, or the title
    trafilatura read from them) agrees: the same words, or those words with the site's name before
    or after a separator. Otherwise trafilatura's title without the site's name."""
    titles = [_one_line(t) for t in tree.xpath("//meta[@property='og:title' or @name='og:title' or "
                                               "@name='twitter:title' or @property='twitter:title']/@content")]
    titles += [_one_line(t.text_content()) for t in tree.iter("title")][:1]
    if extracted:
        titles.append(_one_line(extracted))
    titles = [clean(t) for t in titles if t]
    site_key = _norm(site) if site else None
    for h1 in tree.iter("h1"):
        text = clean(_one_line(h1.text_content()))
        if text and _norm(text) != site_key and _agrees(text, titles):
            return text
    fallback = next((t for t in titles[::-1] if t), None) if not extracted else clean(_one_line(extracted))
    return without_site(fallback, site) if fallback else None


def _agrees(text: str, titles: list[str]) -> bool:
    key = _norm(text)
    if not key:
        return False
    for title in titles:
        if _norm(title) == key:
            return True
        parts = [p for p in _SEPARATOR.split(title) if p.strip()]
        for cut in range(1, len(parts)):
            if _norm(" ".join(parts[:cut])) == key or _norm(" ".join(parts[cut:])) == key:
                return True
    return False


def without_site(title: str, site: str | None) -> str:
    """"Headline | Site" → "Headline": a part before or after a separator that is the site's name
    (or the longer headline's lesser part, as sites append their name) is dropped."""
    parts = [p.strip() for p in _SEPARATOR.split(title) if p.strip()]
    if len(parts) < 2:
        return title
    site_key = _letters(site) if site else ""
    named = [n for n, p in enumerate(parts) if site_key and (_letters(p) in site_key or site_key in _letters(p))]
    if named and len(named) < len(parts):
        kept = [p for n, p in enumerate(parts) if n not in named]
        return _rejoin(title, kept)
    if len(parts[0]) > len(" ".join(parts[1:])):        # "Headline - Section - Site"
        return parts[0]
    return title


def _rejoin(title: str, kept: list[str]) -> str:
    """The kept parts as the title printed them (their separators between them included)."""
    start, end = title.find(kept[0]), title.rfind(kept[-1]) + len(kept[-1])
    return title[start:end] if 0 <= start < end else " ".join(kept)


def _letters(text: str) -> str:
    return re.sub(r"\W+", "", text or "").lower()


# --- site, author, date, caption ----------------------------------------------------------------

def site_name(name: str | None, host: str | None) -> str | None:
    """The outlet: the page's site name (og:site_name and the like) without a tagline after a
    separator ("Site | Our tagline"), a web address as its host."""
    name = _one_line(name or "")
    parts = [p.strip() for p in re.split(r"\s+[|\-–—·•»]\s+|\s*[|·•»]\s*", name) if p.strip()]
    name = parts[0] if parts else name
    m = re.match(r"^(?:https?://)?(?:www\.)?([\w-]+(?:\.[\w-]+)+)/?$", name)
    if m:
        name = m.group(1)
    if not name and host:
        name = re.sub(r"^www\.", "", host)
    return clean(name) or None


def authors(found: str | None, site: str | None) -> str | None:
    """trafilatura's author field ("Tom Krisher; Ap Auto Writer") as the names only, joined with
    ', ': a part that is a job title, the site's own name or a date is dropped."""
    if not found:
        return None
    from .lines import _clean_name
    site_key = _letters(site) if site else ""
    names = []
    for part in re.split(r"\s*;\s*", found):
        part = re.sub(r"^.*?\bby\s+", "", part, flags=re.I) if re.search(r"\bby\s", part, re.I) else part
        part = _MONTHS_AND_DAYS.sub("", part).strip(" ,")
        part = re.split(r"\s+(?:is|was)\s+", part)[0]
        if not part or _JOB_TITLE.search(part) or (site_key and (_letters(part) in site_key
                                                                  or site_key in _letters(part))):
            continue
        name = _clean_name(part)
        if name and name not in names:
            names.append(name)
    return ", ".join(names) or None


def page_stamp(tree, day: str | None, default_tz: tzinfo) -> Stamp | None:
    """When the page says it was published: the time its metadata states (article:published_time,
    JSON-LD datePublished and the like), where that agrees with htmldate's day (trafilatura's date,
    the original publication); else that day."""
    htmldate_day = None
    if day:
        try:
            htmldate_day = datetime.fromisoformat(day[:10]).date()
        except ValueError:
            pass
    stated = [str(v) for v in tree.xpath(_STATED_TIME)]
    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        stated += _LD_PUBLISHED.findall(script)
    for value in stated:
        when = _iso_time(value.strip(), default_tz)
        if when is None or not 1990 <= when.year <= 2100:
            continue
        if htmldate_day is None or abs((when.date() - htmldate_day).days) <= 1:
            return Stamp(when, "minute", 0, 0)
    if htmldate_day is not None:
        return Stamp(datetime(htmldate_day.year, htmldate_day.month, htmldate_day.day, tzinfo=default_tz), "day", 0, 0)
    return None


def _iso_time(value: str, default_tz: tzinfo) -> datetime | None:
    """An ISO 8601 time with a time of day (a bare date is left to htmldate's day)."""
    if not _ISO.match(value) or len(value) <= 10:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=default_tz)


def footer_credit(tree) -> str | None:
    """The rights holder a copyright line in the page's footer names ("© 2025 Harbour Gazette Ltd."):
    below the text, as a copyright line credits a saved page's text (trafilatura leaves footers out)."""
    for el in tree.xpath("//footer | //*[contains(@class, 'copyright') or contains(@id, 'copyright')]"):
        for text in el.itertext():
            text = _one_line(text)
            at = next((m.start() for m in re.finditer(r"©|\(c\)\s|\bcopyright\b", text, re.I)), None)
            found = credit_of(text[at:]) if at is not None else None
            if found:
                return clean(found)
    return None


def lead_caption(tree, body: list[str]) -> str | None:
    """The caption of the article's lead photo: the <figcaption> just above the text's first
    paragraph (at most a few paragraphs above it), else the first one among its first three."""
    if not body:
        return None
    starts = {_norm(p)[:60] for p in body[:3]} - {""}
    captions, anchors, paragraphs = [], [], 0
    for el in tree.iter("figcaption", "p"):
        if el.tag == "figcaption":
            text = clean(_one_line(el.text_content()))
            if len(text.split()) >= 3:
                captions.append((paragraphs, text))
            continue
        paragraphs += 1
        if len(anchors) < len(starts) and _norm(_one_line(el.text_content()))[:60] in starts:
            anchors.append(paragraphs)
    if not anchors:
        return None
    above = [text for at, text in captions if anchors[0] - NEAR <= at < anchors[0]]
    if above:
        return above[-1]
    within = [text for at, text in captions if anchors[0] <= at < anchors[-1]]
    return within[0] if within else None
