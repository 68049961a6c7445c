"""A saved feed → its items as articles: RSS and Atom (and RDF) by feedparser, JSON Feed by json.

Each item gives its headline, link, author, the time it states (a stated publication time, as a
page's) and its text: the full text (RSS content:encoded, Atom content, JSON Feed content_html or
content_text) where the item has it, else its summary (RSS description, Atom summary, JSON Feed
summary), and the article is then marked as a summary (front matter `body_basis: summary`). HTML in
an item is turned into paragraphs of text (htmltext.py), never passed on.

An XML feed whose DOCTYPE declares entities is refused before any parser sees it: feeds never need
them, and feedparser, which strips the dangerous ones, keeps literal ones, so that a 200 KB file
repeating a 200 KB entity cost it 50 s and 3 GB. Imported only when seeds/ holds a feed.
"""
import email.utils
import io
import json
import re
from datetime import datetime, timezone, tzinfo

from dateutil import parser as dateparser

from ..model import Article
from .boilerplate import Furniture
from .dates import Stamp
from .htmltext import paragraphs as html_paragraphs
from .paragraph_fields import from_paragraphs
from .read import clean
from .sniff import FEED, declares_entities

MAX_NOTES = 3
_HAS_TIME = re.compile(r"\d{1,2}:\d{2}")
_ITEM_START = re.compile(rb"<(?:[\w-]+:)?(?:item|entry)[\s>/]")


def read_feed(name: str, data: bytes, kind: str, furniture: Furniture, default_tz: tzinfo
              ) -> tuple[list[Article], list[str]]:
    """(the feed's articles, the warnings)."""
    if kind == FEED:
        items, source, warnings = _xml_items(data)
    else:
        items, source, warnings = _json_items(data)
    if items is None:
        return [], warnings
    articles, notes = [], []
    for n, item in enumerate(items, 1):
        article, note = _article(name, n, item, source, furniture, default_tz)
        if note:
            notes.append(note)
        if article is not None:
            articles.append(article)
    if len(notes) > MAX_NOTES:
        notes = notes[:MAX_NOTES - 1] + [f"... and {len(notes) - MAX_NOTES + 1} more items like these"]
    warnings.extend(notes)
    if not items:
        warnings.append("the feed has no items; nothing to normalize")
    return articles, warnings


# --- RSS, Atom, RDF ------------------------------------------------------------------------------

def _xml_items(data: bytes):
    if declares_entities(data):
        return None, None, ["the feed's DOCTYPE declares XML entities (<!ENTITY ...>), which feeds never need "
                            "and which can exhaust memory (an entity bomb) or read local files; skipped"]
    import feedparser

    # Bytes, never a string: feedparser takes a string for a URL or a file name to open.
    parsed = feedparser.parse(io.BytesIO(data), sanitize_html=True, resolve_relative_uris=False)
    if not parsed.entries and parsed.get("bozo"):
        err = parsed.get("bozo_exception")
        return None, None, [f"not a readable feed ({type(err).__name__}: {err}); skipped"]
    feed = parsed.get("feed") or {}
    source = _text_of(feed.get("title"), (feed.get("title_detail") or {}).get("type"))
    feed_author = _names(feed)
    items = []
    for entry in parsed.entries:
        content = [c for c in entry.get("content") or [] if (c.get("value") or "").strip()]
        summary = entry.get("summary") or ""
        if content:
            best = max(content, key=lambda c: len(c.get("value") or ""))
            text, text_type, is_summary = best.get("value"), best.get("type"), False
        else:
            text, text_type, is_summary = summary, (entry.get("summary_detail") or {}).get("type"), True
        item_source = (entry.get("source") or {}).get("title")
        items.append({
            "title": _text_of(entry.get("title"), (entry.get("title_detail") or {}).get("type")),
            "url": entry.get("link"),
            "author": _names(entry) or feed_author,
            "time": _feed_time(entry.get("published") or entry.get("updated") or entry.get("created"),
                               entry.get("published_parsed") or entry.get("updated_parsed")),
            "text": text, "html": "html" in (text_type or "text/html"), "summary": is_summary,
            "source": item_source,
        })
    return items, source, []


def _names(node) -> str | None:
    names = [a.get("name") for a in node.get("authors") or [] if isinstance(a, dict) and a.get("name")]
    if not names and (node.get("author_detail") or {}).get("name"):
        names = [node["author_detail"]["name"]]
    if not names and node.get("author"):
        names = [node["author"]]
    return ", ".join(_one_line(clean(n)) for n in names if n.strip()) or None


def _text_of(value: str | None, kind: str | None) -> str | None:
    """A title or name as plain text (feedparser hands HTML titles over as HTML)."""
    if not value:
        return None
    if kind and "html" in kind and "<" in value:
        found, _ = html_paragraphs(value)
        value = " ".join(found)
    return _one_line(clean(value)) or None


# --- JSON Feed -----------------------------------------------------------------------------------

def _json_items(data: bytes):
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (ValueError, RecursionError) as err:
        return None, None, [f"not readable JSON ({type(err).__name__}: {str(err)[:120]}); skipped"]
    if not isinstance(doc, dict) or not str(doc.get("version", "")).startswith(("https://jsonfeed.org/version/",
                                                                                "http://jsonfeed.org/version/")):
        return None, None, ["not a JSON Feed (no \"version\": \"https://jsonfeed.org/version/...\"); skipped"]
    raw_items = doc.get("items")
    if not isinstance(raw_items, list):
        return None, None, ["a JSON Feed without a list of \"items\"; skipped"]
    feed_author = _json_authors(doc)
    items = []
    for item in raw_items:
        if not isinstance(item, dict):
            items.append({})
            continue
        if _string(item.get("content_html")).strip():
            text, is_html, is_summary = item["content_html"], True, False
        elif _string(item.get("content_text")).strip():
            text, is_html, is_summary = item["content_text"], False, False
        else:
            text, is_html, is_summary = _string(item.get("summary")), False, True
        raw = _string(item.get("date_published")) or _string(item.get("date_modified"))
        items.append({
            "title": _one_line(clean(_string(item.get("title")))) or None,
            "url": _string(item.get("url")) or _string(item.get("external_url")) or None,
            "author": _json_authors(item) or feed_author,
            "time": _feed_time(raw, None),
            "text": text, "html": is_html, "summary": is_summary, "source": None,
        })
    return items, _one_line(clean(_string(doc.get("title")))) or None, []


def _string(value) -> str:
    return value if isinstance(value, str) else ""


def _json_authors(node: dict) -> str | None:
    found = node.get("authors") if isinstance(node.get("authors"), list) else [node.get("author")]
    names = [_string(a.get("name")).strip() for a in found if isinstance(a, dict)]
    return ", ".join(_one_line(clean(n)) for n in names if n) or None


# --- one item ------------------------------------------------------------------------------------

def _article(name: str, n: int, item: dict, source: str | None, furniture: Furniture, default_tz: tzinfo):
    title = item.get("title")
    what = f"item {n}" + (f" ('{title[:60]}')" if title else "")
    text = item.get("text") or ""
    if item.get("html"):
        lines, caption = html_paragraphs(text)
    else:
        lines, caption = [_one_line(line) for line in clean(text).split("\n")], None
    lines = [line for line in lines if line]
    found = from_paragraphs(lines, furniture, default_tz, caption, title) if lines else None
    if found is None:
        return None, f"{what} has no text (no content or summary); skipped"
    when = item.get("time")
    stamp = None
    if when is not None:
        moment, precision = when
        stamp = Stamp(moment if moment.tzinfo else moment.replace(tzinfo=default_tz), precision, 0, 0)
    article = Article(
        dump=name, line=n, kind="item", title=title, body=found.body,
        source=item.get("source") or source or found.credit, credit=found.credit,
        author=item.get("author") or found.author, dateline=found.dateline, image_caption=found.caption,
        stamp=stamp or found.stamp, stamp_is_published=(stamp or found.stamp) is not None,
        url=item.get("url"), is_summary=bool(item.get("summary")),
    )
    note = None if title else f"{what} has no title; its first sentence stands in for the headline"
    return article, note


def _feed_time(raw: str | None, parsed) -> tuple[datetime, str] | None:
    """(the time an item states, its precision): RFC 822 (RSS), RFC 3339 (Atom, JSON Feed), or what
    dateutil reads; a date without a time is that day (zone: the feed's, else the site's default)."""
    raw = (raw or "").strip()
    if raw:
        precision = "minute" if _HAS_TIME.search(raw) else "day"
        when = None
        try:
            when = email.utils.parsedate_to_datetime(raw)
        except (TypeError, ValueError, IndexError):
            pass
        if when is None:
            try:
                when = datetime.fromisoformat(raw.replace("Z", "+00:00"))
            except ValueError:
                try:
                    when = dateparser.parse(raw)
                except (ValueError, OverflowError):
                    when = None
        if when is not None and 1990 <= when.year <= 2100:
            if precision == "day":
                when = datetime(when.year, when.month, when.day, tzinfo=when.tzinfo)
            return when, precision
    if parsed:
        try:
            return datetime(*parsed[:6], tzinfo=timezone.utc), "minute"
        except (TypeError, ValueError):
            return None
    return None


def _one_line(text: str) -> str:
    return " ".join((text or "").split())
