"""Saved HTML pages as input: the article's text, headline, author, date, site and lead photo caption
(trafilatura and the project's rules), whatever the file is named; the same article in a text dump
and a page is one entry; and broken, huge or hostile pages are one warning each, the rest built.

The pages are written here for these tests; the dev set's real pages are read from ../shared/devset
when it is there, never copied.
"""
import gzip
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import DEVSET, ROOT, needs_devset
from digest.config import load
from digest.content import parse
from digest.ingest.dump import ingest
from digest.pipeline import normalize

HEADLINE = "Harbour quay opens a year late after storm damage and a dispute over steel"
PARAGRAPHS = [
    "The new deep-water quay at the eastern harbour opened to ships on Saturday, a year later than planned, "
    "after a winter storm damaged its half-built pilings and a dispute with a supplier held up deliveries of steel.",
    "The first vessel to tie up, a container feeder from the coast, arrived just after six in the morning and "
    "was unloaded within four hours, the port authority said, about half the time the old quay needed.",
    "\u201cWe lost most of a season to the weather and another to the contracts,\u201d the authority's chief "
    "engineer said at the opening. \u201cBut the quay we have now is deeper and longer than the one we drew.\u201d",
    "The project cost about 41 million, some 6 million more than budgeted, most of it for repairs after the storm "
    "and for the steel bought from a second supplier when the first could not deliver on time.",
    "Fishing crews, who lost part of their mooring space during the works, will get a dedicated pontoon on the "
    "western side by the end of the summer, the authority said, and a new ice plant next year.",
    "Dockworkers said the longer quay would let two feeders unload at once. A tag such as &lt;script&gt; in "
    "the text is only text, and so is a [link](javascript:alert(1)) written in it.",
]
CAPTION = "The first container feeder ties up at the new quay on Saturday morning. (Photo: Port Authority)"


def page_html(paragraphs=PARAGRAPHS, headline=HEADLINE) -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{headline} | Harbour Gazette</title>
<meta property="og:title" content="{headline} | Harbour Gazette">
<meta property="og:site_name" content="Harbour Gazette">
<meta property="article:published_time" content="2025-07-12T09:30:00+09:00">
<meta name="author" content="Jane Example">
<script>window.tracking = "alert('page script')";</script>
<style>body {{ font-family: serif; }}</style>
</head><body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li>
<li><a href="/weather">Weather</a></li></ul></nav></header>
<div class="cookie">We use cookies to improve your experience. <button>Accept all</button></div>
<main><article>
<h1>{headline}</h1>
<p class="byline">By Jane Example</p>
<figure><img src="quay.jpg" alt="The quay"><figcaption>{CAPTION}</figcaption></figure>
{body}
</article>
<aside><h2>Most read</h2><ul><li><a href="/a">Council votes on new bus lanes for the ring road</a></li>
<li><a href="/b">School term dates for next year announced by the county</a></li></ul></aside>
<section class="comments"><h2>Comments</h2><p>Great news for the town, finally! Posted by harbourfan</p></section>
</main>
<footer><p>© 2025 Harbour Gazette Ltd. All rights reserved.</p><p><a href="/privacy">Privacy</a></p></footer>
</body></html>
"""


def entries(site: Path) -> list[tuple[dict, str]]:
    return [parse(p.read_text(encoding="utf-8"), p) for p in sorted((site / "content").glob("*.md"))]


def text_of(markdown: str) -> list[str]:
    return [re.sub(r"\\(.)", r"\1", p).replace("&lt;", "<").replace("&amp;", "&")
            for p in markdown.strip().split("\n\n") if p.strip()]



def build(site: Path):
    return normalize(load(site / "site.yaml"))


def test_a_saved_page_gives_its_article_and_fields(empty_site):
    (empty_site / "seeds" / "quay.html").write_text(page_html(), encoding="utf-8")
    report = build(empty_site)
    assert report.warnings == []
    [(meta, body)] = entries(empty_site)
    assert meta["title"] == HEADLINE
    assert meta["author"] == "Jane Example"
    assert meta["source"] == "Harbour Gazette"
    assert meta["credit"] == "Harbour Gazette"
    assert meta["published"] == "2025-07-12T00:30:00+00:00"
    assert (meta["published_precision"], meta["published_basis"]) == ("minute", "stated")
    assert meta["image_caption"] == CAPTION
    assert meta["seen_in"] == ["quay.html"]
    expected = [p.replace("&lt;", "<").replace("&gt;", ">") for p in PARAGRAPHS]
    assert text_of(body) == expected                # the article's text, nothing of the page around it


def test_a_pages_markup_never_reaches_the_entry(empty_site):
    (empty_site / "seeds" / "quay.html").write_text(page_html(), encoding="utf-8")
    build(empty_site)
    [(meta, body)] = entries(empty_site)
    assert "page script" not in body and "font-family" not in body and "<p" not in body
    # The page's "<script>" is text, escaped for Markdown (so it renders as the characters), and a
    # Markdown link written in it stays text.
    assert "&lt;script>" in body and "\\[link\\](javascript:alert(1))" in body


@pytest.mark.parametrize("name, encode", [
    ("quay.htm", lambda s: s.encode("utf-8")),
    ("quay.html.gz", lambda s: gzip.compress(s.encode("utf-8"))),
    ("quay.txt", lambda s: s.encode("utf-8")),                    # a page is a page, whatever its name
    ("quay-latin.html", lambda s: s.replace('charset="utf-8"', 'charset="windows-1252"').encode("cp1252")),
    ("quay-utf16.html", lambda s: s.encode("utf-16")),
])
def test_every_saved_form_of_a_page_reads_the_same(empty_site, name, encode):
    (empty_site / "seeds" / name).write_bytes(encode(page_html()))
    report = build(empty_site)
    assert report.warnings == []
    [(meta, body)] = entries(empty_site)
    assert meta["title"] == HEADLINE and meta["author"] == "Jane Example"
    assert text_of(body)[2].startswith("\u201cWe lost most of a season")


def test_a_saved_pages_files_folder_is_not_input(empty_site):
    seeds = empty_site / "seeds"
    (seeds / "quay.html").write_text(page_html(), encoding="utf-8")
    files = seeds / "quay_files"
    files.mkdir()
    (files / "frame.html").write_text(page_html(PARAGRAPHS[:3], "An advert frame with its own headline"))
    (files / "style.css").write_text("p { color: red }")
    report = build(empty_site)
    assert report.dumps == 1 and report.entries == 1


def test_the_same_article_in_a_dump_and_a_page_is_one_entry(site_dir):
    """A seed dump's article saved as a page as well: one entry, seen in both."""
    dump = sorted((ROOT / "seeds").glob("*.txt"))[0]
    article = max(ingest(dump.name, dump.read_bytes()).articles, key=lambda a: a.word_count)
    escaped = [p.replace("&", "&amp;").replace("<", "&lt;") for p in article.body]
    (site_dir / "seeds" / "saved.html").write_text(page_html(escaped, article.title), encoding="utf-8")
    report = build(site_dir)
    assert report.entries == 7                      # as many as the seeds alone give
    [meta] = [meta for meta, _ in entries(site_dir) if "saved.html" in meta["seen_in"]]
    assert meta["seen_in"] == sorted([dump.name, "saved.html"])


def test_broken_and_empty_pages_warn_once_each_and_the_rest_is_built(site_dir):
    seeds = site_dir / "seeds"
    (seeds / "torn.html").write_text(page_html()[:300])             # cut off in the <head>: no text
    (seeds / "menu.html").write_text("<!DOCTYPE html><html><body><nav><a href='/'>Home</a></nav></body></html>")
    (seeds / "nothing.html").write_text("<html></html>")
    (seeds / "noise.htm").write_bytes(b"<html>" + bytes(range(256)) * 64)
    (seeds / "empty.html").write_bytes(b"")
    report = build(site_dir)
    for name in ("torn.html", "menu.html", "nothing.html", "noise.htm", "empty.html"):
        assert sum(w.startswith(f"seeds/{name}:") for w in report.warnings) == 1, (name, report.warnings)
    assert len(report.warnings) == 5
    assert report.entries == 7


def test_a_page_cut_off_mid_text_still_gives_what_it_has(empty_site):
    html = page_html()
    (empty_site / "seeds" / "cut.html").write_text(html[:html.index(PARAGRAPHS[4][:40])], encoding="utf-8")
    report = build(empty_site)
    assert report.warnings == []
    [(meta, body)] = entries(empty_site)
    assert meta["title"] == HEADLINE and len(text_of(body)) >= 4


def test_a_huge_page_is_skipped_by_its_size_without_being_read(site_dir, monkeypatch):
    big = site_dir / "seeds" / "huge.html"
    with open(big, "wb") as f:                      # sparse: 21 MB on paper, nothing on disk
        f.truncate(21 * 1024 * 1024)
    read = Path.read_bytes

    def never_the_huge_one(path):
        assert path.name != "huge.html", "the huge page was read"
        return read(path)
    monkeypatch.setattr(Path, "read_bytes", never_the_huge_one)
    report = build(site_dir)
    [warning] = report.warnings
    assert warning.startswith("seeds/huge.html:") and "21 MB" in warning
    assert report.entries == 7


def test_a_gzip_bomb_is_inflated_no_further_than_the_limit(site_dir):
    bomb = gzip.compress(b"<html><body><p>" + b"a" * (200 * 1024 * 1024) + b"</p></body></html>")
    assert len(bomb) < 1024 * 1024
    (site_dir / "seeds" / "bomb.html.gz").write_bytes(bomb)
    report = build(site_dir)
    [warning] = report.warnings
    assert warning.startswith("seeds/bomb.html.gz:") and "20 MB" in warning
    assert report.entries == 7


def test_entities_in_a_page_are_never_expanded_nor_files_read(empty_site, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-LINE")
    lol = "".join(f'<!ENTITY lol{i} "{("&lol;" if i == 1 else f"&lol{i - 1};") * 10}">' for i in range(1, 10))
    doctype = f'<!DOCTYPE html [<!ENTITY lol "lol">{lol}<!ENTITY xxe SYSTEM "file://{secret}">]>'
    html = page_html([PARAGRAPHS[0] + " &lol9; &xxe;"] + PARAGRAPHS[1:]).replace("<!DOCTYPE html>", doctype)
    for name, text in (("bomb.html", html), ("bomb.xhtml", '<?xml version="1.0"?>\n' + html)):
        (empty_site / "seeds" / name).write_text(text, encoding="utf-8")
    started = time.monotonic()
    build(empty_site)
    assert time.monotonic() - started < 120
    for meta, body in entries(empty_site):
        assert "TOP-SECRET" not in body and "lollollol" not in body


@needs_devset()
def test_the_dev_sets_real_pages_as_html(tmp_path):
    """The 90 real web pages' HTML: body F1 and headlines beside trafilatura's own figures."""
    out = tmp_path / "web-html.json"
    run = subprocess.run([sys.executable, str(DEVSET / "web" / "score.py"), str(ROOT), "--html", "--json", str(out)],
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr
    assert "build: exit 0" in run.stdout, run.stdout
    result = json.loads(out.read_text())
    everything, english = result["all pages"]["project"], result["English pages"]["project"]
    assert everything["no_output"] == 0 and everything["extra_entries"] == 0
    assert everything["sh4_f1"] >= 0.95
    assert everything["sh4_f1"] >= result["all pages"]["trafilatura_html"]["sh4_f1"] - 0.005
    assert english["title_acc"] >= 0.85


def test_watch_mode_rebuilds_when_a_page_or_feed_is_saved_into_seeds(site_dir):
    from digest.watch.events import Inbox
    inbox = Inbox(load(site_dir / "site.yaml"), site_dir / "site.yaml")
    seeds = (site_dir / "seeds").resolve()
    for name in ("page.html", "page.htm", "page.html.gz", "feed.xml", "feed.rss", "feed.atom", "feed.json", "d.txt"):
        assert inbox._kind(seeds / name) == "dumps", name
    for name in ("photo.jpg", "notes.md", ".page.html.swp"):
        assert inbox._kind(seeds / name) is None, name
