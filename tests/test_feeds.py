"""The feeds, read back as subscribers' tools read them: feedparser, the RFC 4287 schema (jing), newsboat,
and the W3C Feed Validation Service's rules checked one by one (it cannot run offline)."""
import json
import shutil
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import pytest
import yaml

from conftest import ROOT, run_build, shown
from feed_helpers import (RFC822, XML_FEEDS, all_feeds, feed_folders, ids, jing_errors, needs, newsboat_items,
                          parse)
from site_helpers import Page, build_site_copy, page

ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "http://localhost:8000/"
AUTHORITY = "localhost,2025"       # site.yaml's feeds.id_authority


def entry_ids(site) -> dict[str, dict]:
    """Front matter of every entry, by id."""
    found = {}
    for path in (site / "content").glob("*.md"):
        meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
        found[str(meta["id"])] = meta
    return found


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build_site_copy(tmp_path_factory.mktemp("feeds"), extra_yaml="search: false\n")


def test_every_feed_parses_cleanly_with_every_item_complete(site):
    entries = entry_ids(site)
    for path in all_feeds(site):
        feed = parse(path)
        assert feed.bozo == 0, (path, feed.get("bozo_exception"))
        assert feed.entries, path
        for item in feed.entries:
            assert item.id.startswith(f"tag:{AUTHORITY}:") and item.id.split(":", 2)[2] in entries
            assert item.title and item.link.startswith(BASE) and item.published_parsed
            assert item.content[0].value.startswith("<p>"), (path, item.id)
    for folder in feed_folders(site):      # JSON Feed 1.1
        doc = json.loads((folder / "feed.json").read_text(encoding="utf-8"))
        assert doc["version"] == "https://jsonfeed.org/version/1.1" and doc["title"]
        assert doc["feed_url"] == BASE + (folder / "feed.json").relative_to(site / "output").as_posix()
        for item in doc["items"]:
            assert item["id"].startswith(f"tag:{AUTHORITY}:") and item["url"].startswith(BASE)
            assert item["title"] and item["content_html"].startswith("<p>")
            assert datetime.fromisoformat(item["date_published"]).tzinfo is not None


def test_an_entry_has_one_id_in_every_feed_and_format_newest_first(site):
    entries = entry_ids(site)
    seen: dict[str, set[str]] = {}
    for folder in feed_folders(site):
        rss, atom = ids(folder / "feed.xml"), ids(folder / "atom.xml")
        jsonf = [i["id"] for i in json.loads((folder / "feed.json").read_text(encoding="utf-8"))["items"]]
        assert rss == atom == jsonf
        times = [datetime.fromisoformat(str(entries[i.split(":", 2)[2]]["published"])) for i in rss]
        assert times == sorted(times, reverse=True)
        for i in rss:
            seen.setdefault(i, set()).add(folder.name)
    assert set(seen) == {f"tag:{AUTHORITY}:{i}" for i in entries}      # the site feed carries all 7
    theme_feed = site / "output" / "themes" / "japan" / "feed.xml"
    japan = {f"tag:{AUTHORITY}:{p.id}" for p in shown(site).values() if "japan" in p.themes}
    assert japan
    assert set(ids(theme_feed)) == japan


def test_rss_channel_and_items_follow_the_rss_rules(site):
    for folder in feed_folders(site):
        root = ET.parse(folder / "feed.xml").getroot()
        channel = root.find("channel")
        self_link = channel.find(f"{ATOM}link")
        url = BASE + (folder / "feed.xml").relative_to(site / "output").as_posix()
        assert self_link.get("rel") == "self" and self_link.get("href") == url
        assert self_link.get("type") == "application/rss+xml"
        assert channel.findtext("link") == url.removesuffix("feed.xml")      # the page, not the feed
        assert int(channel.findtext("ttl")) == 60
        items = channel.findall("item")
        dates = [item.findtext("pubDate") for item in items] + [channel.findtext("lastBuildDate")]
        assert all(RFC822.match(d) for d in dates), dates
        newest = max(parsedate_to_datetime(item.findtext("pubDate")) for item in items)
        assert parsedate_to_datetime(channel.findtext("lastBuildDate")) == newest      # not the clock
        for item in items:
            guid = item.find("guid")
            assert guid.get("isPermaLink") == "false" and guid.text.startswith("tag:")
            assert item.findtext("description") and item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded")
            assert item.find("author") is None      # RSS <author> needs an e-mail: credits go in dc:creator
        credited = [item.findtext("{http://purl.org/dc/elements/1.1/}creator") for item in items]
        if folder.name == "output":
            assert "Kyodo News" in credited and "Thomson Reuters" in credited
        assert "CDATA" not in (folder / "feed.xml").read_text(encoding="utf-8")


@needs("jing")
def test_atom_feeds_validate_against_the_rfc_4287_schema(site):
    for path in all_feeds(site, ("atom.xml",)):
        assert jing_errors(path) == "", path
        root = ET.parse(path).getroot()
        # The schema's Schematron rules, which jing does not run: an author for every entry, and an
        # alternate link (with its type kept: feedgen 1.0.0 drops it unless worked around).
        assert root.find(f"{ATOM}author") is not None
        links = [(l.get("rel"), l.get("type")) for l in root.findall(f"{ATOM}link")]
        assert links[0] == ("self", "application/atom+xml") and ("alternate", "text/html") in links
        for entry in root.findall(f"{ATOM}entry"):
            link = entry.find(f"{ATOM}link")
            assert (link.get("rel"), link.get("type")) == ("alternate", "text/html")
            assert entry.findtext(f"{ATOM}updated") == entry.findtext(f"{ATOM}published")   # not edited
            assert entry.find(f"{ATOM}content").get("type") == "html"
            assert all(c.get("term") and c.get("label") for c in entry.findall(f"{ATOM}category"))


@needs("jing")
def test_the_schema_check_catches_an_invalid_feed(site, tmp_path):
    text = (site / "output" / "atom.xml").read_text(encoding="utf-8")
    broken = tmp_path / "atom.xml"
    broken.write_text(text.replace("<updated>", "<updated>yesterday ", 1), encoding="utf-8")
    assert "updated" in jing_errors(broken)


@needs("newsboat")
def test_newsboat_shows_every_item_once_and_again_after_a_rebuild_from_scratch(site, tmp_path):
    feeds = all_feeds(site)
    first = {}
    for n, path in enumerate(feeds):
        shown = newsboat_items(path, tmp_path / str(n))
        assert sorted(shown) == sorted(set(shown)) and len(shown) == len(parse(path).entries), path
        first[path] = shown
    # Re-normalize the same dumps from nothing and rebuild: readers must see no new items.
    shutil.rmtree(site / "content")
    (site / "content").mkdir()
    shutil.rmtree(site / ".digest-cache")
    assert run_build(site, "-q").returncode == 0
    for n, path in enumerate(feeds):
        assert newsboat_items(path, tmp_path / str(n)) == first[path], path


def test_item_ids_survive_renormalizing_a_slug_edit_and_a_new_base_url(tmp_path):
    site = build_site_copy(tmp_path / "a", extra_yaml="search: false\n")
    before = {p.relative_to(site).as_posix(): ids(p) for p in all_feeds(site)}
    links_before = [e.link for e in parse(site / "output" / "feed.xml").entries]
    shutil.rmtree(site / "content")         # normalize again from the dumps alone
    (site / "content").mkdir()
    assert run_build(site, "-q").returncode == 0
    assert {p.relative_to(site).as_posix(): ids(p) for p in all_feeds(site)} == before
    entry = sorted((site / "content").glob("*.md"))[0]       # an editor gives an entry a new slug
    entry.write_text(entry.read_text(encoding="utf-8").replace("\n---\n", "\nslug: a-better-slug\n---\n", 1),
                     encoding="utf-8")
    yaml_path = site / "site.yaml"                           # and the site moves
    yaml_path.write_text(yaml_path.read_text(encoding="utf-8").replace(BASE, "https://news.example.org/d/"),
                         encoding="utf-8")
    assert run_build(site, "-q").returncode == 0
    assert {p.relative_to(site).as_posix(): ids(p) for p in all_feeds(site)} == before
    links_after = [e.link for e in parse(site / "output" / "feed.xml").entries]
    assert links_after != links_before and all(l.startswith("https://news.example.org/d/") for l in links_after)
    assert any(l.endswith("/a-better-slug/") for l in links_after)


def test_updated_appears_only_when_an_editor_says_the_entry_changed(tmp_path):
    site = build_site_copy(tmp_path, extra_yaml="search: false\n")
    entry = sorted((site / "content").glob("*.md"))[0]
    meta = yaml.safe_load(entry.read_text(encoding="utf-8").split("---\n")[1])
    entry.write_text(entry.read_text(encoding="utf-8").replace("\n---\n", "\nupdated: 2025-07-20T10:00:00+00:00\n---\n", 1)
                     + "\nA correction from the editor.\n", encoding="utf-8")
    assert run_build(site, "-q").returncode == 0
    atom = ET.parse(site / "output" / "atom.xml").getroot()
    updated = {e.findtext(f"{ATOM}id"): (e.findtext(f"{ATOM}updated"), e.findtext(f"{ATOM}published"))
               for e in atom.findall(f"{ATOM}entry")}
    mine = f"tag:{AUTHORITY}:{meta['id']}"
    assert updated.pop(mine)[0] == "2025-07-20T10:00:00+00:00"
    assert all(u == p for u, p in updated.values())
    assert atom.findtext(f"{ATOM}updated") == "2025-07-20T10:00:00+00:00"        # the newest change
    items = json.loads((site / "output" / "feed.json").read_text(encoding="utf-8"))["items"]
    assert [i["id"] for i in items if "date_modified" in i] == [mine]
    # An 'updated' that is no time is named with its file and line; the entry is left out, the rest built.
    entry.write_text(entry.read_text(encoding="utf-8").replace("updated: 2025-07-20T10:00:00+00:00", "updated: soon"),
                     encoding="utf-8")
    result = run_build(site)
    line = entry.read_text(encoding="utf-8").split("\n").index("updated: soon") + 1
    assert f"content/{entry.name}:{line}: 'updated' must be a time" in result.stderr
    assert mine not in ids(site / "output" / "feed.xml")


def test_markup_and_forbidden_characters_in_a_dump_reach_feeds_escaped_and_sanitized(site_dir):
    from test_site_safety import HOSTILE
    seed = sorted((ROOT / "seeds").glob("*.txt"))[0]
    lines = seed.read_text(encoding="utf-8").split("\n")
    body = max(range(len(lines)), key=lambda i: len(lines[i]))
    cut = lines[body].index(". ") + 2
    lines[body] = lines[body][:cut] + HOSTILE + " \x01\x08 \ufffe " + lines[body][cut:]
    (site_dir / "seeds" / seed.name).write_text("\n".join(lines), encoding="utf-8")
    (site_dir / "site.yaml").write_text((site_dir / "site.yaml").read_text(encoding="utf-8") + "search: false\n",
                                        encoding="utf-8")
    # The normalizer drops control characters; an editor's entry can still hold them (YAML escapes, body).
    (site_dir / "content" / "bell.md").write_text(
        '---\nid: bell\ntitle: "Bell\\x07 and \\x01 title"\npublished: 2025-07-11T00:00:00+00:00\n---\n\n'
        "Text with \x01 a control\x0b character and \ufffe a non-character.\n", encoding="utf-8")
    assert run_build(site_dir, "-q").returncode == 0
    bell = next(e for e in parse(site_dir / "output" / "atom.xml").entries if e.id.endswith(":bell"))
    # A title is one line of visible text (digest/text.py one_line): its controls go, runs of spaces are one.
    assert bell.title == "Bell and title" and "a control character and  a non-character" in bell.content[0].value
    hit = 0
    for path in all_feeds(site_dir):
        raw = path.read_bytes()
        assert b"\x01" not in raw and b"\x07" not in raw and b"\x0b" not in raw and b"\x08" not in raw and "\ufffe".encode() not in raw
        feed = parse(path)
        assert feed.bozo == 0
        for item in feed.entries:
            content = item.content[0].value
            if "onerror" not in content:
                continue
            hit += 1
            shown = Page(content)       # the HTML a reader renders
            assert not shown.all("script") and not shown.all("img") and not shown.all("iframe")
            assert not any(k.startswith("on") for _, attrs in shown.elements for k in attrs)
            assert '<script>alert("x")</script>' in shown.text and "[click me](javascript:alert(2))" in shown.text
    assert hit >= 2     # in the RSS and the Atom of the site feed at least
    items = json.loads((site_dir / "output" / "feed.json").read_text(encoding="utf-8"))["items"]
    html = next(i["content_html"] for i in items if "onerror" in i["content_html"])
    assert "&lt;script&gt;" in html and "<script" not in html


def test_a_relative_link_an_editor_wrote_is_absolute_in_feeds(site):
    entry = sorted((site / "content").glob("*.md"))[0]
    original = entry.read_text(encoding="utf-8")
    try:
        entry.write_text(original + "\nSee [the archive](/archive/) and [this](more/).\n", encoding="utf-8")
        assert run_build(site, "-q").returncode == 0
        contents = [e.content[0].value for e in parse(site / "output" / "atom.xml").entries]
        mine = next(c for c in contents if "the archive" in c)
        hrefs = [a["href"] for a in Page(mine).all("a")]
        assert hrefs[0] == BASE + "archive/" and hrefs[1].startswith(BASE + "20") and hrefs[1].endswith("/more/")
    finally:
        entry.write_text(original, encoding="utf-8")
        assert run_build(site, "-q").returncode == 0


def test_feeds_respect_the_item_limit(tmp_path):
    site = build_site_copy(tmp_path, extra_yaml="search: false\n")
    yaml_path = site / "site.yaml"
    yaml_path.write_text(yaml_path.read_text(encoding="utf-8").replace("  items: 50", "  items: 3")
                         .replace("  ttl: 60", "  ttl: 30"),
                         encoding="utf-8")
    assert run_build(site, "-q").returncode == 0
    newest = ids(site / "output" / "feed.xml")
    assert len(newest) == 3
    assert ET.parse(site / "output" / "feed.xml").getroot().findtext("channel/ttl") == "30"
    assert len(json.loads((site / "output" / "feed.json").read_text())["items"]) == 3


def test_every_page_advertises_the_feeds_and_the_feeds_page_lists_them_all(site):
    out = site / "output"
    for path in out.rglob("*.html"):
        head = Page(path.read_text(encoding="utf-8")).all("link", rel="alternate")
        hrefs = {(l["type"], l["href"]) for l in head}
        assert {("application/rss+xml", BASE + "feed.xml"), ("application/atom+xml", BASE + "atom.xml"),
                ("application/feed+json", BASE + "feed.json")} <= hrefs, path
    japan = page(site, "themes/japan/index.html")
    theme_feeds = {l["href"] for l in japan.all("link", rel="alternate")}
    assert BASE + "themes/japan/feed.xml" in theme_feeds and BASE + "themes/japan/atom.xml" in theme_feeds
    assert "/themes/japan/feed.xml" in japan.links()                  # visible on the theme page too
    listed = set(page(site, "feeds/index.html").links())
    for path in all_feeds(site, XML_FEEDS + ("feed.json",)):
        assert "/" + path.relative_to(out).as_posix() in listed
    for href in listed:
        if href.endswith((".xml", ".json")):
            assert (out / urlsplit(href).path.lstrip("/")).is_file()


def test_a_feed_of_no_entries_is_still_valid_and_has_no_clock_in_it(site_dir):
    for dump in (site_dir / "seeds").glob("*.txt"):
        dump.unlink()
    (site_dir / "site.yaml").write_text((site_dir / "site.yaml").read_text(encoding="utf-8") + "search: false\n",
                                        encoding="utf-8")
    assert run_build(site_dir, "-q").returncode == 0
    feed = parse(site_dir / "output" / "feed.xml")
    assert feed.bozo == 0 and not feed.entries
    assert parsedate_to_datetime(feed.feed.updated) == datetime(1970, 1, 1, tzinfo=timezone.utc)
    if shutil.which("jing"):
        assert jing_errors(site_dir / "output" / "atom.xml") == ""


def test_a_bad_id_authority_is_named_with_its_line(site_dir):
    yaml_path = site_dir / "site.yaml"
    text = yaml_path.read_text(encoding="utf-8").replace("id_authority: localhost,2025", "id_authority: https://example.org/")
    yaml_path.write_text(text, encoding="utf-8")
    result = run_build(site_dir)
    line = text.split("\n").index("  id_authority: https://example.org/") + 1
    assert result.returncode != 0
    assert f"site.yaml:{line}: feeds.id_authority must be a domain you own and a date" in result.stderr
