"""Grouping over content/: every entry's themes and story come from what it says now, whoever wrote
it; what an editor set by hand stands; --explain and the site agree."""
import hashlib
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


def test_entries_written_before_the_build_grouped_lose_the_machines_themes_and_story(site_dir):
    """content/ from before: the normalizer wrote `themes` and `story` and recorded them. A file that
    still holds those values loses them (the build works them out now); a value an editor changed
    stays, as theirs."""
    assert run_build(site_dir).returncode == 0
    content = site_dir / "content"
    state = json.loads((content / ".normalize-state.json").read_text())
    by_file = {r["file"]: (i, r) for i, r in state["entries"].items()}
    untouched, edited, changed = sorted(p for p in content.glob("*.md"))[:3]
    for path, themes in ((untouched, ["japan"]), (edited, ["korea"]), (changed, ["korea"])):
        text = path.read_text().replace("\nsummary:", f"\nthemes:\n- {themes[0]}\nstory: null\nsummary:", 1)
        path.write_text(text)
        entry_id, record = by_file[path.name]
        record.update(themes=themes, story=None)
        if path == untouched:        # as the old normalizer wrote it
            record["sha256"] = hashlib.sha256(text.encode()).hexdigest()
    (content / ".normalize-state.json").write_text(json.dumps(state))
    edited.write_text(edited.read_text() + "\nA line an editor added.\n")
    changed.write_text(changed.read_text().replace("- korea", "- tariffs") + "\nAn editor's line.\n")
    assert run_build(site_dir).returncode == 0
    assert "themes" not in parse(untouched.read_text(), untouched)[0]
    meta = parse(edited.read_text(), edited)[0]
    assert "themes" not in meta and "story" not in meta and "A line an editor added." in edited.read_text()
    meta = parse(changed.read_text(), changed)[0]
    assert meta["themes"] == ["tariffs"] and "story" not in meta
    assert shown(site_dir)[meta["title"]].themes == ["tariffs"]
