"""Saved feeds as input: RSS 2.0, Atom and JSON Feed files give one entry per item, merged with the
same article seen in a text dump; and every bad feed (an entity bomb, an external entity, a file
that is no feed, items without a title or text) is one warning naming the file, the rest built.

The feeds are written here from the shipped seeds' articles (text the project owns) and from text
written for these tests; the dev set's publisher texts are read from ../shared/devset when it is
there, never copied.
"""
import html
import json
import re
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from conftest import DEVSET, ROOT, needs_devset, run_build
from digest.config import load
from digest.content import parse
from digest.ingest.dump import ingest
from digest.ingest.sniff import FEED, HTML, JSON_FEED, SKIP, TEXT, sniff
from digest.pipeline import normalize

AUTHORS = ["Ana Example", "Bo Sample", "Cy Tester"]
BASE = datetime(2025, 7, 12, 3, 0, tzinfo=timezone.utc)


# --- feeds written from articles ----------------------------------------------------------------

def items_of(articles) -> list[dict]:
    """One item per article: its headline, its paragraphs, an author of our own, and the time it
    states (one of our own where it states none, as its relative time is all the dump shows)."""
    return [{"title": a.title, "paragraphs": list(a.body), "author": AUTHORS[n % len(AUTHORS)],
             "when": a.stamp.when if a.stamp_is_published and a.stamp.precision == "minute" else
             BASE + timedelta(minutes=17 * n), "url": f"https://news.example/{n}"}
            for n, a in enumerate(articles)]


def html_of(paragraphs: list[str]) -> str:
    return "".join(f"<p>{escape(p)}</p>" for p in paragraphs)


def rss(items: list[dict], full: bool = True) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
           'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Example News</title>'
           '<link>https://news.example/</link><description>Test feed</description>']
    for it in items:
        out.append("<item>")
        if it.get("title"):
            out.append(f"<title>{escape(it['title'])}</title>")
        out.append(f"<link>{it['url']}</link><guid>{it['url']}</guid>")
        out.append(f"<dc:creator>{escape(it['author'])}</dc:creator>")
        out.append(f"<pubDate>{format_datetime(it['when'])}</pubDate>")
        if full:
            out.append(f"<description>{escape(it['paragraphs'][0])}</description>")
            out.append(f"<content:encoded><![CDATA[{html_of(it['paragraphs'])}]]></content:encoded>")
        elif it["paragraphs"]:
            out.append(f"<description>{escape(html_of(it['paragraphs']))}</description>")
        out.append("</item>")
    out.append("</channel></rss>")
    return "\n".join(out)


def atom(items: list[dict]) -> str:
    out = ['<?xml version="1.0" encoding="utf-8"?>', '<feed xmlns="http://www.w3.org/2005/Atom">',
           "<title>Example Atom News</title><id>tag:news.example,2025:feed</id>"
           f"<updated>{BASE.isoformat()}</updated>"]
    for n, it in enumerate(items):
        out.append(f"<entry><title>{escape(it['title'])}</title><id>tag:news.example,2025:{n}</id>"
                   f'<link rel="alternate" href="{it["url"]}"/>'
                   f"<author><name>{escape(it['author'])}</name></author>"
                   f"<published>{it['when'].isoformat()}</published><updated>{it['when'].isoformat()}</updated>"
                   f"<summary>{escape(it['paragraphs'][0])}</summary>"
                   f'<content type="html">{escape(html_of(it["paragraphs"]))}</content></entry>')
    out.append("</feed>")
    return "\n".join(out)


def json_feed(items: list[dict], key: str = "content_html") -> str:
    return json.dumps({
        "version": "https://jsonfeed.org/version/1.1", "title": "Example JSON News",
        "items": [{"id": it["url"], "url": it["url"], "title": it["title"],
                   key: html_of(it["paragraphs"]) if key == "content_html" else "\n\n".join(it["paragraphs"]),
                   "date_published": it["when"].isoformat(), "authors": [{"name": it["author"]}]}
                  for it in items]}, ensure_ascii=False, indent=1)


# --- helpers ------------------------------------------------------------------------------------

def seed_articles():
    """The shipped seeds' articles, as the text path reads them (one per distinct text)."""
    seen, out = set(), []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        for a in ingest(path.name, path.read_bytes()).articles:
            if a.text_key not in seen and a.title:
                seen.add(a.text_key)
                out.append(a)
    return out


def entries(site: Path) -> list[tuple[dict, str]]:
    return [parse(p.read_text(encoding="utf-8"), p) for p in sorted((site / "content").glob("*.md"))]


def words(text: str) -> Counter:
    return Counter(w.lower() for w in re.findall(r"\w+", text))


def token_f1(expected: str, got: str) -> float:
    e, g = words(expected), words(got)
    tp = sum((e & g).values())
    if not tp:
        return 0.0
    p, r = tp / sum(g.values()), tp / sum(e.values())
    return 2 * p * r / (p + r)


def body_text(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown.replace("&lt;", "<").replace("&amp;", "&"))



def build(site: Path):
    return normalize(load(site / "site.yaml"))


# --- what a file is -----------------------------------------------------------------------------

def test_files_are_what_they_contain():
    page = b"\xef\xbb\xbf  \n<!DOCTYPE html><html><body><p>x</p></body></html>"
    assert sniff("page.txt", page).kind == HTML
    assert sniff("saved.htm", b"<!-- saved from url=(0014)about:internet -->\n<html><p>x</p></html>").kind == HTML
    assert sniff("feed.txt", rss(items_of(seed_articles()[:1])).encode()).kind == FEED
    assert sniff("feed.txt", b'<?xml version="1.0"?><!-- a feed --><rdf:RDF xmlns:rdf="x"></rdf:RDF>').kind == FEED
    assert sniff("feed", atom(items_of(seed_articles()[:1])).encode("utf-16")).kind == FEED
    assert sniff("notes.txt", json_feed(items_of(seed_articles()[:1])).encode()).kind == JSON_FEED
    assert sniff("plain.txt", b"Headline\n\nSome text.\n").kind == TEXT
    assert sniff("data.json", b'{"version": 2, "items": []}').kind == SKIP
    assert sniff("image.xml", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>').kind == SKIP
    assert sniff("blob.rss", bytes(range(256)) * 4).kind == SKIP
    assert sniff("braces.txt", b"{not json, a text dump}").kind == TEXT     # text dumps stay text


# --- each kind of feed --------------------------------------------------------------------------

@pytest.mark.parametrize("name, write", [("news.rss", rss), ("news.atom", atom), ("news.json", json_feed),
                                         ("news-text.json", lambda items: json_feed(items, "content_text"))])
def test_one_entry_per_item_with_its_title_day_author_and_text(empty_site, name, write):
    items = items_of(seed_articles())
    (empty_site / "seeds" / name).write_text(write(items), encoding="utf-8")
    report = build(empty_site)
    assert report.warnings == []
    got = {meta["title"]: (meta, body) for meta, body in entries(empty_site)}
    assert len(got) == len(items)
    for it in items:
        meta, body = got[it["title"]]
        assert meta["author"] == it["author"]
        assert meta["published"] == it["when"].astimezone(timezone.utc).isoformat()
        assert meta["published_basis"] == "stated" and meta["published_precision"] == "minute"
        assert meta["url"] == it["url"]
        assert meta["seen_in"] == [name]
        assert "body_basis" not in meta
        assert token_f1("\n".join(it["paragraphs"]), body_text(body)) >= 0.95


def test_an_item_whose_article_is_in_a_text_dump_merges_with_it(site_dir):
    """The shipped seeds and a feed of their articles: every item joins its dump's entry."""
    items = items_of(seed_articles())
    (site_dir / "seeds" / "wire.xml").write_text(rss(items), encoding="utf-8")
    (site_dir / "seeds" / "wire.json").write_text(json_feed(items), encoding="utf-8")
    report = build(site_dir)
    assert report.warnings == []
    assert report.entries == 7                      # as many as the seeds alone give
    by_title = {meta["title"]: meta for meta, _ in entries(site_dir)}
    for it in items:
        meta = by_title[it["title"]]
        assert {"wire.xml", "wire.json"} <= set(meta["seen_in"])
        assert any(s.endswith(".txt") for s in meta["seen_in"])
        assert meta["published"] == it["when"].astimezone(timezone.utc).isoformat()   # a stated time wins


def test_a_summary_only_item_is_marked_as_a_summary(empty_site):
    items = items_of(seed_articles()[:2])
    for it in items:
        it["paragraphs"] = it["paragraphs"][:1]
    (empty_site / "seeds" / "short.rss").write_text(rss(items, full=False), encoding="utf-8")
    build(empty_site)
    metas = [meta for meta, _ in entries(empty_site)]
    assert len(metas) == 2 and all(meta["body_basis"] == "summary" for meta in metas)
    # The entry page says so, and links to the article at its source (only an http or https address).
    assert run_build(empty_site).returncode == 0
    pages = [p.read_text() for p in (empty_site / "output").glob("20*/*/*/*/index.html")]
    assert len(pages) == 2
    for meta in metas:
        page = next(p for p in pages if html.escape(meta["title"], quote=False) in p)
        assert "This is the summary a feed gave, not the whole article" in page
        assert f'<a href="{html.escape(meta["url"])}" rel="nofollow noopener">' in page


def test_a_summary_merged_with_the_full_text_is_no_summary(site_dir):
    items = items_of(seed_articles())
    for it in items:
        it["paragraphs"] = it["paragraphs"][:2]
    (site_dir / "seeds" / "teasers.rss").write_text(rss(items, full=False), encoding="utf-8")
    build(site_dir)
    for meta, _ in entries(site_dir):
        assert "teasers.rss" in meta["seen_in"]
        assert "body_basis" not in meta             # the dump's full text is the body


def test_html_in_an_item_is_text_never_markup(empty_site):
    evil = ('<p>First paragraph of a story about the harbour, long enough to be running text here.</p>'
            '<script>alert("x")</script><p onclick="steal()">Second <a href="javascript:alert(1)">link</a> '
            'paragraph, &lt;script&gt;shown as text&lt;/script&gt; in the story.</p>'
            '<iframe src="https://evil.example/"></iframe>')
    doc = {"version": "https://jsonfeed.org/version/1.1", "title": "T",
           "items": [{"id": "1", "title": "Harbour story", "content_html": evil, "date_published": "2025-07-12"}]}
    (empty_site / "seeds" / "x.json").write_text(json.dumps(doc), encoding="utf-8")
    build(empty_site)
    [(meta, body)] = entries(empty_site)
    assert "alert" not in body and "<a" not in body and "iframe" not in body and "onclick" not in body
    assert "&lt;script>shown as text&lt;/script>" in body       # the characters, escaped for Markdown
    assert meta["published"] == "2025-07-12T00:00:00+00:00" and meta["published_precision"] == "day"


# --- bad feeds ----------------------------------------------------------------------------------

BOMB = ('<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY lol "lol">\n'
        + "".join(f'<!ENTITY lol{i} "{("&lol;" if i == 1 else f"&lol{i - 1};") * 10}">\n' for i in range(1, 10))
        + ']>\n<rss version="2.0"><channel><title>t</title><item><title>&lol9;</title>'
          '<description>&lol9;</description></item></channel></rss>\n')
# Literal entities only, which feedparser keeps: 200 KB here cost it 50 s and 3 GB before the check.
QUADRATIC = ('<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY a "' + "a" * 100_000 + '">\n]>\n'
             '<rss version="2.0"><channel><title>t</title><item><title>x</title><description>'
             + "&a;" * 2000 + "</description></item></channel></rss>\n")


def test_entity_bombs_are_refused_at_once_and_the_rest_is_built(site_dir):
    (site_dir / "seeds" / "bomb.xml").write_text(BOMB)
    (site_dir / "seeds" / "quadratic.rss").write_text(QUADRATIC)
    # An internal subset longer than what is read to tell the file's kind.
    (site_dir / "seeds" / "long.atom").write_text(QUADRATIC.replace("a" * 100_000, "a" * 1_000_000)
                                                  .replace("<rss", "<feed").replace("</rss>", "</feed>"))
    started = time.monotonic()
    report = build(site_dir)
    assert time.monotonic() - started < 120         # finishes (the figure is in the README, not here)
    warned = [w for w in report.warnings if "entities" in w]
    assert sorted(w.split(":")[0] for w in warned) == ["seeds/bomb.xml", "seeds/long.atom", "seeds/quadratic.rss"]
    assert report.entries == 7


def test_an_external_entity_is_never_read(site_dir, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-LINE")
    feed = ('<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://' + str(secret) + '">]>\n'
            '<rss version="2.0"><channel><title>t</title><item><title>Leak &xxe;</title>'
            '<description>A story that would carry the file: &xxe; and more words to make it text.</description>'
            '</item></channel></rss>')
    (site_dir / "seeds" / "xxe.rss").write_text(feed)
    report = build(site_dir)
    assert any(w.startswith("seeds/xxe.rss:") for w in report.warnings)
    for p in (site_dir / "content").rglob("*"):
        if p.is_file():
            assert "TOP-SECRET" not in p.read_text(encoding="utf-8", errors="replace")


def test_files_that_are_no_feed_warn_once_each_by_name(site_dir):
    seeds = site_dir / "seeds"
    (seeds / "config.json").write_text('{"name": "not a feed", "items": [1, 2]}')
    (seeds / "list.json").write_text("[1, 2, 3]")
    (seeds / "drawing.xml").write_text('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>')
    (seeds / "image.rss").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" * 200)
    (seeds / "broken.json").write_text('{"version": "https://jsonfeed.org/version/1.1", "items": [')
    (seeds / "deep.json").write_text('{"version": "https://jsonfeed.org/version/1.1", "items": '
                                     + "[" * 100_000 + "]" * 100_000 + "}")
    (seeds / "torn.atom").write_text('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry><ti')
    report = build(site_dir)
    names = ["config.json", "list.json", "drawing.xml", "image.rss", "broken.json", "deep.json", "torn.atom"]
    for name in names:
        assert sum(w.startswith(f"seeds/{name}:") for w in report.warnings) == 1, (name, report.warnings)
    assert len(report.warnings) == len(names)
    assert report.entries == 7


def test_items_without_a_title_or_text_warn_and_the_rest_is_built(empty_site):
    items = items_of(seed_articles()[:3])
    items[0]["title"] = None
    items[1]["paragraphs"] = []
    feed = rss(items, full=False)
    (empty_site / "seeds" / "gaps.rss").write_text(feed, encoding="utf-8")
    report = build(empty_site)
    assert len(report.warnings) == 2
    assert all(w.startswith("seeds/gaps.rss: item ") for w in report.warnings)
    assert any("no title" in w for w in report.warnings) and any("no text" in w for w in report.warnings)
    assert report.entries == 2                      # the untitled item kept, with a stand-in headline


def test_a_build_of_text_dumps_never_imports_the_feed_and_page_readers(site_dir):
    import subprocess
    import sys
    code = ("import sys; sys.path.insert(0, %r); from digest.pipeline import normalize; from digest.config import load; "
            "normalize(load('site.yaml')); print(sorted(m for m in ('trafilatura', 'feedparser', 'htmldate') "
            "if m in sys.modules))" % str(ROOT))
    run = subprocess.run([sys.executable, "-c", code], cwd=site_dir, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"


# --- real articles' text, from the dev set ------------------------------------------------------

@needs_devset()
def test_feeds_of_the_dev_sets_articles_keep_their_text(empty_site):
    gold = json.loads((DEVSET / "pages" / "gold.json").read_text(encoding="utf-8"))
    articles = [a for a in gold["articles"].values() if a.get("body") and a.get("title")][:12]
    items = [{"title": a["title"], "paragraphs": [p for p in a["body"].split("\n") if p.strip()],
              "author": AUTHORS[n % 3], "when": BASE + timedelta(hours=n), "url": f"https://news.example/d{n}"}
             for n, a in enumerate(articles)]
    (empty_site / "seeds" / "dev.rss").write_text(rss(items), encoding="utf-8")
    (empty_site / "seeds" / "dev.atom").write_text(atom(items), encoding="utf-8")
    report = build(empty_site)
    assert report.warnings == []
    got = {meta["title"]: (meta, body) for meta, body in entries(empty_site)}
    assert len(got) == len(items)
    for it in items:
        meta, body = got[it["title"]]
        assert sorted(meta["seen_in"]) == ["dev.atom", "dev.rss"]
        assert token_f1("\n".join(it["paragraphs"]), body_text(body)) >= 0.95


def test_an_entrys_url_is_linked_only_when_it_is_a_web_address(site_dir):
    for name, url in (("web", "https://example.org/news/1"), ("script", "javascript:alert(1)"),
                      ("data", "data:text/html,<script>alert(1)</script>")):
        (site_dir / "content" / f"{name}.md").write_text(
            f"---\ntitle: An entry with a {name} address\npublished: 2025-07-12\nurl: '{url}'\n---\n\nText.\n")
    assert run_build(site_dir).returncode == 0
    pages = {p.parent.name: p.read_text() for p in (site_dir / "output").glob("20*/*/*/*/index.html")}
    assert 'href="https://example.org/news/1"' in pages["web"]
    assert "javascript:" not in pages["script"] and "data:text" not in pages["data"]
