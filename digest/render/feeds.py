"""RSS 2.0, Atom 1.0 and JSON Feed 1.1, for the whole site and for each theme.

feedgen writes the XML, used with care: it stamps now() on any date left unset, so every date is
set (the feed's is its newest item's: two builds give the same bytes); the RSS channel <link> is the
last link added, so the self link goes first; 1.0.0 drops rel and type from Atom entry links, so a
small entry extension puts them back; items are sorted here and added in that order. JSON Feed is
plain JSON.

An item's id is a tag: URI made from the entry's stable `id` and the site's `feeds.id_authority`,
the same in every feed and every format, and unchanged by rebuilds, slug edits or a new base_url.
"""
import html
import json
import re
from itertools import islice
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import quote

import nh3
from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator

from ..text import without_tags
from .markup import ATTRIBUTES, LINK_REL, TAGS, URL_SCHEMES
from .posts import Post

FILES = {"rss": "feed.xml", "atom": "atom.xml", "json": "feed.json"}
TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml", "json": "application/feed+json"}
NAMES = {"rss": "RSS", "atom": "Atom", "json": "JSON Feed"}
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)     # the date of a feed with no items: never the clock
# Characters XML 1.0 does not allow (C0 controls but tab and newlines, lone surrogates, U+FFFE/F).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


@dataclass(frozen=True)
class FeedSet:
    """One feed in three formats: the whole site (slug "") or one theme. What pages link to; the
    items are chosen by feed_posts."""
    slug: str
    title: str
    description: str
    page: str               # the page the feed follows, below base_url ("" or "themes/japan/")
    folder: str             # where its files go, below base_url

    def path(self, kind: str) -> str:
        return self.folder + FILES[kind]

    @property
    def links(self) -> list[tuple[str, str, str]]:
        """(format name, media type, path) for autodiscovery and the feeds page."""
        return [(NAMES[k], TYPES[k], self.path(k)) for k in FILES]


def feed_sets(site) -> list[FeedSet]:
    """The site's feed and each theme's."""
    sets = [FeedSet("", site.title, site.description or f"The latest entries of {site.title}.", "", "")]
    for theme in site.themes:
        sets.append(FeedSet(theme.slug, f"{site.title}: {theme.name}",
                            theme.description or f"The latest {theme.name} entries of {site.title}.",
                            f"themes/{theme.slug}/", f"themes/{theme.slug}/"))
    return sets


def feed_posts(site, feed: FeedSet, posts: list[Post]) -> list[Post]:
    """A feed's items: newest first (as posts are), at most feeds.items of them."""
    if not feed.slug:
        return posts[:site.feed_items]
    return list(islice((p for p in posts if feed.slug in p.themes), site.feed_items))


def tag_uri(site, name: str) -> str:
    """tag:authority,date:name (RFC 4151), name percent-encoded where a tag URI needs it."""
    return f"tag:{site.feed_id_authority}:{quote(name, safe=':@!$&()*+,;=-._~/')}"


def authors(post: Post) -> list[str]:
    """Who is credited: the byline, the outlet that published it first, the outlet it was seen in."""
    names = []
    for name in (post.author, post.credit, post.source):
        if name and name not in names:
            names.append(xml_text(name))
    return names


class Item:
    """What every format says about one entry, worked out once per build."""

    def __init__(self, site, post: Post, theme_names: dict[str, str]):
        url = site.base_url + post.path
        self.id = tag_uri(site, post.id)
        self.url = url
        # No tags in a title: some readers show RSS titles as HTML, and the W3C validator warns. An
        # editor's "<em>" is text on the pages (escaped); here it goes (and all is escaped still).
        self.title = xml_text(without_tags(post.title) or post.title)
        self.summary = xml_text(post.summary) if post.summary else self.title
        self.published = post.published
        self.updated = post.updated        # None unless an editor changed the entry
        self.authors = authors(post)
        self.tags = [(slug, theme_names[slug]) for slug in post.themes if slug in theme_names]
        # The sanitized body again, with relative links made absolute: a feed has no page to be relative to.
        self.html = xml_text(nh3.clean(post.html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES,
                                       link_rel=LINK_REL, url_relative=("rewrite_with_base", url)))

    @property
    def last_change(self) -> datetime:
        return self.updated or self.published


def items(site, posts: list[Post]) -> dict[str, Item]:
    names = {t.slug: t.name for t in site.themes}
    return {post.id: _item(site, post, names) for post in posts}


def _item(site, post: Post, theme_names: dict[str, str]) -> Item:
    """The post's Item, kept on it while it is the same post at the same URL with the same themes
    (--watch: a save that changes a feed makes the Items of the new or edited entries only)."""
    shows = (post.path, tuple(post.themes))
    kept = getattr(post, "_feed_item", None)
    if kept is None or kept[0] is not site or kept[1] != shows:
        kept = post._feed_item = site, shows, Item(site, post, theme_names)
    return kept[2]


def _newest(entries: list[Item]) -> datetime:
    return max((i.last_change for i in entries), default=EPOCH)


class _EntryLinks(BaseEntryExtension):
    """feedgen 1.0.0 writes Atom entry links without rel and type (it reads them from the new XML
    element instead of the link's data); put them back."""

    def extend_atom(self, entry):
        for link in entry.iter("{http://www.w3.org/2005/Atom}link", "link"):
            link.set("rel", "alternate")
            link.set("type", "text/html")
        return entry


def _generator(site, feed: FeedSet, entries: list[Item]) -> FeedGenerator:
    fg = FeedGenerator()
    fg.load_extension("dc", atom=False, rss=True)
    fg.register_extension("entry_links", BaseExtension, _EntryLinks, atom=True, rss=False)
    fg.id(tag_uri(site, "feed/" + feed.slug if feed.slug else "feed"))
    fg.title(xml_text(feed.title))
    fg.subtitle(xml_text(feed.description))       # Atom subtitle and RSS description
    fg.author(name=xml_text(site.title))
    fg.language(site.language)
    fg.updated(_newest(entries))                   # Atom updated and RSS lastBuildDate
    fg.ttl(site.feed_ttl)
    for item in entries:        # newest first, as sorted by the caller
        fe = fg.add_entry(order="append")
        fe.id(item.id)
        fe.guid(item.id, permalink=False)
        fe.title(item.title)
        fe.link(href=item.url, rel="alternate", type="text/html")
        fe.published(item.published)
        fe.updated(item.last_change)
        # RSS <description> and Atom <summary type="html"> are HTML: the plain summary, escaped.
        fe.summary(html.escape(item.summary, quote=False), type="html")
        fe.content(item.html, type="html")
        for name in item.authors:
            fe.author(name=name)
        if item.authors:
            fe.dc.dc_creator(item.authors)
        for slug, name in item.tags:
            fe.category(term=slug, label=xml_text(name))
    return fg


def _links(fg: FeedGenerator, site, feed: FeedSet, kind: str) -> FeedGenerator:
    """The feed's links as the file of this kind gives them: the self link first (the RSS
    channel's <link> is the last link added)."""
    fg.link(href=site.base_url + feed.path(kind), rel="self", type=TYPES[kind], replace=True)
    fg.link(href=site.base_url + feed.page, rel="alternate", type="text/html")
    return fg


def json_feed(site, feed: FeedSet, entries: list[Item]) -> bytes:
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed.title,
        "home_page_url": site.base_url + feed.page,
        "feed_url": site.base_url + feed.path("json"),
        "description": feed.description,
        "language": site.language,
        "authors": [{"name": site.title}],
        "items": [],
    }
    for item in entries:
        entry = {"id": item.id, "url": item.url, "title": item.title, "content_html": item.html,
                 "summary": item.summary, "date_published": item.published.isoformat()}
        if item.updated:
            entry["date_modified"] = item.updated.isoformat()
        if item.authors:
            entry["authors"] = [{"name": name} for name in item.authors]
        if item.tags:
            entry["tags"] = [name for _, name in item.tags]
        doc["items"].append(entry)
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def feed_files(site, feed: FeedSet, entries: list[Item]) -> dict[str, bytes]:
    """One feed's three files, by path below output/. RSS and Atom are written from one generator
    (making it is half the work)."""
    fg = _generator(site, feed, entries)
    return {feed.path("rss"): _links(fg, site, feed, "rss").rss_str(pretty=True),
            feed.path("atom"): _links(fg, site, feed, "atom").atom_str(pretty=True),
            feed.path("json"): json_feed(site, feed, entries)}


def files(site, sets: list[FeedSet], posts: list[Post]) -> dict[str, bytes]:
    """Every feed file, by its path below output/."""
    chosen = [(feed, feed_posts(site, feed, posts)) for feed in sets]
    by_id = items(site, list({p.id: p for _, members in chosen for p in members}.values()))
    out = {}
    for feed, members in chosen:
        out.update(feed_files(site, feed, [by_id[p.id] for p in members]))
    return out
