"""Grouping over content/: every entry's themes and story come from what it says now, whoever wrote
it; what an editor set by hand stands; --explain and the site agree."""
import json
import re
import xml.etree.ElementTree as ET
from html import unescape

from conftest import run_build, shown
from digest.content import parse

TARIFF_NOTE = """---
title: Tariffs on steel double as trade talks stall
---

The government doubled its tariffs on imported steel on Monday, after trade talks with its largest
partners stalled over the weekend.

Importers said the new tariff would raise prices for builders within weeks.

Officials said further tariffs on aluminium were under review.
"""


def theme_listing(site, slug) -> set[str]:
    """The titles the theme's page lists, and those its three feeds carry (which must agree)."""
    folder = site / "output" / "themes" / slug
    page = {unescape(t) for t in re.findall(r'<article class="card">\s*<h2><a href="[^"]*">([^<]+)</a>',
                                            (folder / "index.html").read_text())}
    rss = {i.findtext("title") for i in ET.parse(folder / "feed.xml").getroot().iter("item")}
    atom = {e.findtext("{http://www.w3.org/2005/Atom}title")
            for e in ET.parse(folder / "atom.xml").getroot().iter("{http://www.w3.org/2005/Atom}entry")}
    jsonf = {i["title"] for i in json.loads((folder / "feed.json").read_text())["items"]}
    assert rss == atom == jsonf, slug
    assert page == rss, slug
    return rss


def test_an_editors_own_entry_is_grouped_like_any_other(site_dir):
    own = site_dir / "content" / "desk" / "steel-tariffs.md"
    own.parent.mkdir(parents=True)
    own.write_text(TARIFF_NOTE)
    result = run_build(site_dir)
    assert result.returncode == 0, result.stderr
    assert "Tariffs on steel double as trade talks stall" in theme_listing(site_dir, "tariffs")
    assert "Tariffs on steel double as trade talks stall" not in theme_listing(site_dir, "japan")
    assert own.read_text() == TARIFF_NOTE      # found from its text; the file is never touched


def test_a_rewritten_entry_moves_to_the_themes_its_new_text_has(site_dir):
    assert run_build(site_dir).returncode == 0
    path = next(p for p in (site_dir / "content").glob("*.md") if p.name.startswith("ishiba-remark"))
    assert "Ishiba Remark on Reducing Dependence on U.S. Not Problem: Rubio" in theme_listing(site_dir, "japan")
    text = path.read_text()
    head = text[: text.index("\n---\n") + 5]
    head = re.sub(r"(?m)^title: .*$", "title: Tariffs on steel double as trade talks stall", head)
    path.write_text(head + "\n" + TARIFF_NOTE.split("---\n", 2)[2])
    assert run_build(site_dir).returncode == 0
    assert "Tariffs on steel double as trade talks stall" in theme_listing(site_dir, "tariffs")
    assert not any("Ishiba Remark" in t or "steel" in t for t in theme_listing(site_dir, "japan"))


def test_explain_and_the_site_agree_on_every_entry(site_dir):
    """Walks every entry of a site (the normalizer's, an edited one, an editor's own, one with themes
    set by hand) and compares --explain's verdicts with the theme pages."""
    assert run_build(site_dir).returncode == 0
    (site_dir / "content" / "own.md").write_text(TARIFF_NOTE)
    files = sorted((site_dir / "content").glob("*.md"))
    edited = next(p for p in files if p.name.startswith("pm-warns"))
    edited.write_text(edited.read_text().replace("Ishiba", "the prime minister"))
    by_hand = next(p for p in files if p.name.startswith("focus-trump-kim"))
    by_hand.write_text(by_hand.read_text().replace("\n---\n", "\nthemes: [tariffs]\n---\n", 1))
    assert run_build(site_dir).returncode == 0
    listed = {slug: theme_listing(site_dir, slug) for slug in ("tariffs", "russia-ukraine", "korea", "japan")}
    for path in files:
        title = parse(path.read_text(), path)[0]["title"]
        out = run_build(site_dir, "--explain", str(path)).stdout
        verdicts = dict(re.findall(r"^(\S+): score \S+ \(threshold \S+\) → (IN|out)$", out, re.M))
        on_site = re.search(r"^themes on the site: (.*) \(", out, re.M)[1]
        explained = set() if on_site == "none" else set(on_site.split(", "))
        assert explained == {slug for slug, titles in listed.items() if title in titles}, path.name
        if path != by_hand:
            assert explained == {slug for slug, v in verdicts.items() if v == "IN"}, path.name
    assert "set by hand" in run_build(site_dir, "--explain", str(by_hand)).stdout
    assert {"tariffs"} == {slug for slug, titles in listed.items()
                           if parse(by_hand.read_text(), by_hand)[0]["title"] in titles}


def test_the_build_writes_what_it_finds_into_the_normalizers_entries_and_keeps_hand_set_values(site_dir):
    """content/ says what the site shows: a plain build writes the themes and story it found into
    the entries the normalizer wrote (the lines only, every other byte of an edited entry kept),
    never over a value set by hand, and never into an editor's own entry."""
    assert run_build(site_dir).returncode == 0
    files = {parse(p.read_text(), p)[0]["title"]: p for p in (site_dir / "content").glob("*.md")}
    rewritten = files["Ishiba Remark on Reducing Dependence on U.S. Not Problem: Rubio"]
    text = rewritten.read_text()
    head, body = text.split("\n---\n", 1)
    rewritten.write_text(head + "\n---\n\n" + TARIFF_NOTE.split("---\n", 2)[2])
    by_hand = files["FOCUS: Trump-Kim summit not eyed anytime soon amid Pyongyang-Moscow ties"]
    by_hand.write_text(re.sub(r"(?m)^themes:\n(?:- .*\n)*", "themes:\n- tariffs\n", by_hand.read_text(), count=1))
    hand_set = by_hand.read_text()
    own = site_dir / "content" / "own.md"
    own.write_text(TARIFF_NOTE)
    assert run_build(site_dir).returncode == 0
    now = rewritten.read_text()
    assert parse(now, rewritten)[0]["themes"] == ["tariffs", "japan"]      # its new text; Ishiba, still headlined
    assert now.split("\n---\n", 1)[1] == "\n" + TARIFF_NOTE.split("---\n", 2)[2]     # the editor's text
    assert by_hand.read_text() == hand_set
    assert own.read_text() == TARIFF_NOTE
    assert shown(site_dir)["Ishiba Remark on Reducing Dependence on U.S. Not Problem: Rubio"].themes == ["tariffs", "japan"]
    again = run_build(site_dir)         # and the next build has nothing to change
    assert "nothing changed since the last build" in again.stderr or "0 files written" in again.stderr
