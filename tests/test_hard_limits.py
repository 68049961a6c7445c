"""Hard limits and clear errors (issue 15, item 3): what no entry or dump can do to the build.

- a date out of the years 1900-2200 leaves its entry out, with a warning naming the file and line;
- YAML aliases in front matter are refused (a "billion laughs" costs nothing);
- headlines carry no control or invisible format characters (bidi overrides, zero-width spaces);
- headlines taken from dumps carry no HTML tags, and no feed title does.
"""
import json
import re
import time
from email.utils import parsedate_to_datetime
from pathlib import Path

import feedparser
import pytest

from conftest import ROOT, run_build
from site_helpers import Page

from digest.config import load
from digest.content import EntryError, parse
from digest.render.posts import read_post

FEEDS = ("feed.xml", "atom.xml", "feed.json")


def write_entry(site: Path, name: str, lines: list[str], body: str = "A short note of the desk's own.") -> Path:
    path = site / "content" / f"{name}.md"
    path.write_text("---\n" + "\n".join(lines) + "\n---\n\n" + body + "\n", encoding="utf-8")
    return path


def feed_titles(site: Path) -> list[str]:
    """Every item title of every feed of the site, as subscribers' tools read them."""
    titles = []
    for path in (site / "output").rglob("*"):
        if path.name in ("feed.xml", "atom.xml"):
            parsed = feedparser.parse(path.read_bytes())
            assert parsed.bozo == 0, (path, parsed.get("bozo_exception"))
            titles += [e.title for e in parsed.entries]
            raw = path.read_text(encoding="utf-8")
            titles += [html_unescape(t) for t in re.findall(r"<title>(.*?)</title>", raw, re.S)]
        elif path.name == "feed.json":
            titles += [i["title"] for i in json.loads(path.read_text(encoding="utf-8"))["items"]]
    return titles


def html_unescape(text: str) -> str:
    import html
    return html.unescape(text)


def page_titles(site: Path) -> list[str]:
    """The headline of every entry page: its <h1>, as a reader sees it."""
    found = []
    for path in (site / "output").glob("[0-9]*/*/*/*/index.html"):
        text = path.read_text(encoding="utf-8")
        found.append(html_unescape(re.search(r"<h1[^>]*>(.*?)</h1>", text, re.S)[1]))
        found.append(html_unescape(re.search(r"<title>(.*?)</title>", text, re.S)[1]))
    return found


# --- 2. YAML aliases --------------------------------------------------------------------------------

BILLION_LAUGHS = "\n".join(
    ["id: laughs", "title: Laughs", "published: 2025-07-12T09:30:00+00:00", 'a0: &a0 ["lol","lol","lol","lol","lol"]']
    + [f"a{n}: &a{n} [{','.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 10)]
    + ["seen_in: *a9"])


def test_a_billion_laughs_is_refused_at_once():
    started = time.perf_counter()
    with pytest.raises(EntryError) as err:
        parse(f"---\n{BILLION_LAUGHS}\n---\n\nText.\n", Path("content/laughs.md"))
    assert time.perf_counter() - started < 0.1
    assert str(err.value) == "content/laughs.md:6: YAML aliases are not allowed in front matter; " \
                             "write the value out in full where it is needed"


def test_any_alias_is_refused_and_a_star_in_text_is_not_one():
    with pytest.raises(EntryError, match=r"^x\.md:4: YAML aliases are not allowed"):
        parse("---\ntitle: &t A headline\nid: x\nsummary: *t\n---\n", Path("x.md"))
    meta, _ = parse("---\ntitle: 'F*** this & that *again*'\nsummary: \"*t & *u\"\n---\n", Path("x.md"))
    assert meta == {"title": "F*** this & that *again*", "summary": "*t & *u"}


def test_a_billion_laughs_entry_leaves_only_itself_out(site_dir):
    (site_dir / "content" / "laughs.md").write_text(f"---\n{BILLION_LAUGHS}\n---\n\nText.\n", encoding="utf-8")
    started = time.perf_counter()
    result = run_build(site_dir)
    took = time.perf_counter() - started
    assert result.returncode == 1, result.stderr
    assert "content/laughs.md:6: YAML aliases are not allowed in front matter" in result.stderr
    assert "left out of the site" in result.stderr
    assert len(list((site_dir / "output").glob("[0-9]*/*/*/*/index.html"))) == 7
    assert took < 120, took
