"""Themes by principal subject, stories across outlets, and editors' say over both."""
import re
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from conftest import DEVSET, ROOT, editor_view, run_build, set_mtime, shown
from digest.config import load
from digest.content import parse
from digest.group.stories import Item, cluster, named
from digest.group.themes import Classifier
from digest.model import Rules

sys.path.insert(0, str(ROOT / "benchmarks"))
from themes_eval import SEED_LABELS as SEED_THEMES  # noqa: E402  (the issue's table, kept in one place)


def switch_off_japan_rules(site):
    """Change the rules in site.yaml so that no entry qualifies for japan any more."""
    text = (site / "site.yaml").read_text()
    japan = text.index("  - slug: japan")
    text = text[:japan] + text[japan:].replace("threshold: 3", "threshold: 1000", 1)
    (site / "site.yaml").write_text(text)


def entries(site):
    out = {}
    for path in sorted((site / "content").glob("*.md")):
        meta, body = parse(path.read_text(encoding="utf-8"), path)
        out[meta["title"]] = (path, meta, body)
    return out


def find(all_entries, prefix):
    return next(v for k, v in all_entries.items() if k.startswith(prefix))


@pytest.fixture
def built(site_dir):
    assert run_build(site_dir).returncode == 0
    return site_dir


def set_key(path, key, value):
    """Set a front-matter key as an editor would: its line (and list items) replaced, or added."""
    text = path.read_text()
    block = f"{key}: {value}\n" if not isinstance(value, list) else f"{key}:\n" + "".join(f"- {v}\n" for v in value)
    changed, n = re.subn(rf"(?m)^{key}:.*\n(?:- .*\n)*", lambda _m: block, text, count=1)
    path.write_text(changed if n else text.replace("\n---\n", f"\n{block}---\n", 1))


def test_seed_themes_match_the_table(built):
    posts = shown(built)
    for prefix, (required, acceptable) in SEED_THEMES.items():
        got = set(find(posts, prefix).themes)
        assert required <= got <= required | acceptable, (prefix, got)


def test_entries_carry_the_themes_and_story_the_site_shows(built):
    """The build writes into the entries the normalizer wrote the themes and story it found for
    them over all of content/, so that content/ says what the site shows."""
    posts = shown(built)
    for path, meta, _ in entries(built).values():
        assert meta["themes"] == posts[meta["title"]].themes, path
        assert meta["story"] == posts[meta["title"]].story, path


def test_seed_stories(built):
    posts = shown(built)
    story = {prefix: find(posts, prefix).story for prefix in SEED_THEMES}
    assert story["Rubio will meet Russian foreign minister"] == story["Rubio to meet Lavrov while U.S. sends"]
    assert story["Rubio will meet Russian foreign minister"] is not None
    assert story["Rubio says no 'drama or division'"] != story["Rubio will meet Russian foreign minister"]
    # "Rubio says no 'drama'" and "Ishiba Remark ... Not Problem" report one event, but were grouped
    # only while the photo caption fused to the first's text counted as its lede; without it the two
    # score 0.224, under the threshold (docs/DESIGN.md, "Noticed and left alone"). The pair stays in
    # benchmarks/themes_eval.py's gold, where it counts as missed.
    assert story["As Trump sows tariff confusion"] is None


RULES = Classifier([Rules("japan", 3, (("Japan", 1.0), ("Tokyo", 1.0), ("Japanese", 0.5)), ("Japan Times",))])


def score(classifier, title, body):
    (evidence,) = classifier.evidence(title, body)
    return evidence
FILLER = "The officials met for two hours. They discussed many things. Nothing was decided on Monday."


def test_headline_makes_a_principal_subject():
    assert score(RULES, "Japan raises rates", [FILLER]).member


def test_discussed_over_several_sentences():
    body = [FILLER, "Japan objected. Officials in Tokyo said so. Japan will respond next week."]
    assert score(RULES, "Talks end", body).member


def test_spellings_with_hyphens_match_terms_written_with_spaces():
    rules = Classifier([Rules("korea", 3, (("Lee Jae Myung", 1.0), ("Korea*", 1.0)))])
    (evidence,) = rules.evidence("Lee Jae-myung meets party leaders", [FILLER])
    assert evidence.member and evidence.headline == ["Lee Jae Myung"]
    (evidence,) = rules.evidence("Inter-Korean talks resume", [FILLER])
    assert evidence.headline == ["Korea*"]


def test_passing_mentions_do_not_count():
    listed = [FILLER, "Warnings were issued for Russia, Japan, Hawaii, Chile and Peru."]
    assert not score(RULES, "Quake strikes off the coast", listed).member
    company = [FILLER, "The Japanese carmaker said sales rose."]
    assert not score(RULES, "Sales rise at carmaker", company).member
    outlet = [FILLER, "The Japan Times reported it first. Japan Times editors agreed."]
    assert not score(RULES, "Rates unchanged", outlet).member


def test_themes_come_from_site_yaml_only(site_dir):
    """A site adds a theme by editing site.yaml alone."""
    text = (site_dir / "site.yaml").read_text().replace("feeds:\n", """  - slug: diplomacy
    name: Diplomacy
    description: Ministers meeting ministers.
    match:
      threshold: 3
      terms:
        "foreign minister*": 1
        "Secretary of State": 1
feeds:
""")
    (site_dir / "site.yaml").write_text(text)
    assert run_build(site_dir).returncode == 0
    assert "diplomacy" in find(shown(site_dir), "Rubio will meet Russian foreign minister").themes
    assert (site_dir / "output" / "themes" / "diplomacy" / "feed.xml").is_file()
    site = load(site_dir / "site.yaml")
    assert [t.slug for t in site.themes][-1] == "diplomacy"


def test_hand_set_themes_survive_a_rules_change(built):
    path, _, _ = find(entries(built), "Ishiba Remark on Reducing Dependence")
    set_key(path, "themes", ["japan", "tariffs"])
    switch_off_japan_rules(built)      # the rules' japan labels go; the hand-set one stays
    assert run_build(built).returncode == 0
    posts = shown(built)
    assert find(posts, "Ishiba Remark on Reducing Dependence").themes == ["japan", "tariffs"]
    assert find(posts, "PM warns Japan should not be underestimated").themes == ["tariffs"]
    assert "themes:\n- japan\n- tariffs\n" in path.read_text()
    assert "Ishiba Remark" in (built / "output" / "themes" / "japan" / "index.html").read_text()


def test_rules_change_reclassifies_an_edited_entry_whose_themes_were_not_hand_set(built):
    path, _, _ = find(entries(built), "PM warns Japan should not be underestimated")
    edited = path.read_text().replace("Prime Minister Shigeru Ishiba's recent remark",
                                      "Prime Minister Shigeru Ishiba's much-discussed remark")
    path.write_text(edited)
    switch_off_japan_rules(built)
    assert run_build(built).returncode == 0
    assert find(shown(built), "PM warns Japan should not be underestimated").themes == ["tariffs"]
    now = path.read_text()
    assert editor_view(now) == editor_view(edited)      # the editor's bytes are untouched
    assert parse(now, path)[0]["themes"] == ["tariffs"]     # the machine's line follows the rules


def test_story_id_stays_when_the_story_gains_a_report(built):
    """Even a report earlier than all the story's others: the story is not renamed after it."""
    first = find(shown(built), "Rubio will meet Russian foreign minister").story
    assert first is not None and find(shown(built), "Rubio to meet Lavrov while U.S. sends").story == first
    (built / "seeds" / "extra.txt").write_text(
        "\nRubio meets Lavrov in Kuala Lumpur as Ukraine tensions rise\n"
        "U.S. Secretary of State Marco Rubio met Russian Foreign Minister Sergey Lavrov in Kuala Lumpur on Thursday "
        "for talks overshadowed by tensions over Ukraine, officials said.\n"
        "The two ministers spoke for about an hour on the sidelines of the ASEAN meetings in Malaysia.\n")
    set_mtime(built / "seeds" / "extra.txt", "2025-07-10T09:00:00+00:00")     # saved that day
    assert run_build(built).returncode == 0
    after = shown(built)
    extra = find(after, "Rubio meets Lavrov in Kuala Lumpur")
    assert extra.published < find(after, "Rubio will meet Russian foreign minister").published
    assert extra.story == first
    assert find(after, "Rubio to meet Lavrov while U.S. sends").story == first
    assert find(after, "Rubio will meet Russian foreign minister").story == first
    # The ids are remembered in content/, so a copy of the site (a checkout elsewhere) has them too.
    copy = built.parent / "copy"
    shutil.copytree(built, copy, ignore=shutil.ignore_patterns("output", ".digest-cache"))
    assert run_build(copy).returncode == 0
    assert find(shown(copy), "Rubio meets Lavrov in Kuala Lumpur").story == first


def test_editor_can_split_a_story(built):
    story = find(shown(built), "Rubio will meet Russian foreign minister").story
    path, _, _ = find(entries(built), "Rubio to meet Lavrov while U.S. sends")
    set_key(path, "story", "lavrov-weapons")
    assert run_build(built).returncode == 0
    posts = shown(built)
    assert find(posts, "Rubio to meet Lavrov while U.S. sends").story == "lavrov-weapons"
    # Its former partner is left alone in the story: a lone report.
    assert find(posts, "Rubio will meet Russian foreign minister").story is None
    assert story is not None


def test_editor_can_join_two_stories(built):
    story = find(shown(built), "Rubio will meet Russian foreign minister").story
    path, _, _ = find(entries(built), "As Trump sows tariff confusion")
    set_key(path, "story", story)
    assert run_build(built).returncode == 0
    page = next((built / "output").glob("*/*/*/as-trump-sows-tariff-confusion*/index.html")).read_text()
    assert "Other reports of this story" in page and "Rubio will meet Russian foreign minister" in page


def test_stories_need_similar_text_and_close_dates():
    t = datetime(2025, 7, 10, tzinfo=timezone.utc)
    a = Item("a", "Flood hits river town", "Floodwater swept through the river town overnight, officials said.", t)
    b = Item("b", "River town flooded overnight", "The river town was flooded overnight, officials said.",
             t + timedelta(hours=5))
    late = Item("c", "River town flooded overnight", "The river town was flooded overnight, officials said.",
                t + timedelta(days=20))
    other = Item("d", "Central bank holds rates", "The central bank left its key rate unchanged on Thursday.", t)
    groups = cluster([a, b, late, other])
    assert groups["a"] == groups["b"] is not None
    assert groups["c"] is None and groups["d"] is None


def test_explain_shows_scores_and_evidence(built):
    path, meta, _ = find(entries(built), "PM warns Japan should not be underestimated")
    result = run_build(built, "--explain", str(path))
    assert result.returncode == 0
    out = result.stdout
    assert "japan: score" in out and "→ IN" in out
    assert "headline (×3): Japan" in out
    assert "korea: score 0 (threshold 3) → out" in out
    by_id = run_build(built, "--explain", meta["id"])
    assert by_id.stdout == out


@pytest.mark.skipif(not DEVSET.is_dir(), reason="../shared/devset is not beside this checkout")
def test_labelled_set_quality():
    """Per-theme F1 and story pairs on the seeds' table and the dev set's gold (benchmarks/themes_eval.py)."""
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "themes_eval.py")], capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    f1 = dict(re.findall(r"^  (\S+)\s+precision [\d.]+  recall [\d.]+  F1 ([\d.]+)", run.stdout, re.M))
    assert len(f1) == 4 and all(float(v) >= 0.85 for v in f1.values()), run.stdout
    assert float(re.search(r"micro-F1 ([\d.]+)", run.stdout)[1]) >= 0.90
    precision, recall = map(float, re.search(r"stories: pairwise precision ([\d.]+)  recall ([\d.]+)",
                                              run.stdout).groups())
    assert precision >= 0.90 and recall >= 0.70


def _report(key, title, lede, hours):
    when = datetime(2025, 7, 10, 6, tzinfo=timezone.utc) + timedelta(hours=hours)
    return Item(key, title, lede, when, (lede,))


FLOOD = [_report(f"flood{n}", f"Flood hits river town{suffix}",
                 "Floodwater swept through the river town overnight, forcing hundreds from their homes, "
                 f"officials said.{more}", n)
         for n, (suffix, more) in enumerate([("", ""), (" overnight", " Rescue boats were sent."),
                                              (" as river bursts banks", " Schools were closed.")])]
BANK = [_report(f"bank{n}", f"Central bank holds rates{suffix}",
                f"The central bank left its key interest rate unchanged on Thursday, economists said.{more}", n)
        for n, (suffix, more) in enumerate([("", ""), (" steady", " Markets barely moved.")])]


def test_two_groups_split_apart_never_share_one_story_id():
    """Reports that once made one story (all carry story-old) now cluster into two groups: the group
    holding most of the old members keeps the id, the other gets a fresh one, whatever the order."""
    def stories(items, existing):
        found = named(cluster(items), existing)
        return {found[i.key] for i in FLOOD}, {found[i.key] for i in BANK}
    for order in (FLOOD + BANK, BANK + FLOOD, list(reversed(FLOOD + BANK))):
        flood, bank = stories(order, {i.key: "story-old" for i in order})
        assert flood == {"story-old"}
        assert len(bank) == 1 and None not in bank and "story-old" not in bank
    # A fresh id is never one that another group inherits, even where its name would say so.
    flood, bank = stories(FLOOD + BANK, {i.key: f"story-{BANK[0].key[:12]}" for i in FLOOD})
    assert flood == {f"story-{BANK[0].key[:12]}"}
    assert len(bank) == 1 and bank != flood
    # No conflict: an existing id is kept as before, and a new group is named after its earliest report.
    flood, bank = stories(FLOOD + BANK, {FLOOD[1].key: "story-old"})
    assert flood == {"story-old"} and bank == {f"story-{BANK[0].key[:12]}"}
