"""Themes by principal subject, stories across outlets, and editors' say over both."""
import re
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from conftest import DEVSET, ROOT, run_build, set_mtime
from digest.config import load
from digest.content import parse
from digest.stories import Item, cluster
from digest.themes import Classifier, Rules

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


def test_seed_themes_match_the_table(built):
    all_entries = entries(built)
    for prefix, (required, acceptable) in SEED_THEMES.items():
        _, meta, _ = find(all_entries, prefix)
        got = set(meta["themes"])
        assert required <= got <= required | acceptable, (prefix, got)


def test_seed_stories(built):
    all_entries = entries(built)
    story = {prefix: find(all_entries, prefix)[1]["story"] for prefix in SEED_THEMES}
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
    _, meta, _ = find(entries(site_dir), "Rubio will meet Russian foreign minister")
    assert "diplomacy" in meta["themes"]
    site = load(site_dir / "site.yaml")
    assert [t.slug for t in site.themes][-1] == "diplomacy"


def test_hand_set_themes_survive_a_rules_change(built):
    path, meta, _ = find(entries(built), "Ishiba Remark on Reducing Dependence")
    path.write_text(path.read_text().replace("themes:\n- japan\n", "themes:\n- japan\n- tariffs\n"))
    other_path, _, _ = find(entries(built), "PM warns Japan should not be underestimated")
    switch_off_japan_rules(built)      # machine-set japan labels go; the hand-set one stays
    assert run_build(built).returncode == 0
    assert parse(path.read_text(), path)[0]["themes"] == ["japan", "tariffs"]
    assert parse(other_path.read_text(), other_path)[0]["themes"] == ["tariffs"]


def test_rules_change_reclassifies_an_edited_entry_whose_themes_were_not_hand_set(built):
    path, _, _ = find(entries(built), "PM warns Japan should not be underestimated")
    edited = path.read_text().replace("Prime Minister Shigeru Ishiba's recent remark",
                                      "Prime Minister Shigeru Ishiba's much-discussed remark")
    path.write_text(edited)
    switch_off_japan_rules(built)
    assert run_build(built).returncode == 0
    now = path.read_text()
    assert parse(now, path)[0]["themes"] == ["tariffs"]
    assert "much-discussed remark" in now       # the editor's text is untouched


def test_story_id_stays_when_the_story_gains_a_report(site_dir):
    held_back = site_dir.parent / "004.txt"
    shutil.move(site_dir / "seeds" / "004_359a90b7b5b3a687.txt", held_back)
    (site_dir / "seeds" / "extra.txt").write_text(
        "\nRubio meets Lavrov in Kuala Lumpur as Ukraine tensions rise\n"
        "U.S. Secretary of State Marco Rubio met Russian Foreign Minister Sergey Lavrov in Kuala Lumpur on Thursday "
        "for talks overshadowed by tensions over Ukraine, officials said.\n"
        "The two ministers spoke for about an hour on the sidelines of the ASEAN meetings in Malaysia.\n")
    set_mtime(site_dir / "seeds" / "extra.txt", "2025-07-11T09:00:00+00:00")     # saved that day
    assert run_build(site_dir).returncode == 0
    _, first, _ = find(entries(site_dir), "Rubio will meet Russian foreign minister")
    _, extra, _ = find(entries(site_dir), "Rubio meets Lavrov in Kuala Lumpur")
    assert first["story"] is not None and extra["story"] == first["story"]
    shutil.move(held_back, site_dir / "seeds" / "004_359a90b7b5b3a687.txt")
    assert run_build(site_dir).returncode == 0
    after = entries(site_dir)
    assert find(after, "Rubio to meet Lavrov while U.S. sends")[1]["story"] == first["story"]
    assert find(after, "Rubio will meet Russian foreign minister")[1]["story"] == first["story"]


def test_editor_can_split_a_story(built):
    path, meta, _ = find(entries(built), "Rubio to meet Lavrov while U.S. sends")
    path.write_text(path.read_text().replace(f"story: {meta['story']}", "story: lavrov-weapons"))
    assert run_build(built).returncode == 0
    assert find(entries(built), "Rubio to meet Lavrov while U.S. sends")[1]["story"] == "lavrov-weapons"
    assert find(entries(built), "Rubio will meet Russian foreign minister")[1]["story"] == meta["story"]


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
    from digest.model import Entry
    when = datetime(2025, 7, 10, 6, tzinfo=timezone.utc) + timedelta(hours=hours)
    return Entry(key, title, None, None, None, None, when.isoformat(), "minute", "relative", when.isoformat(),
                 None, None, [f"{key}.txt"], [lede])


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
    from digest.stories import assign
    for order in (FLOOD + BANK, BANK + FLOOD, list(reversed(FLOOD + BANK))):
        assign(order, {e.id: "story-old" for e in order})
        assert {e.story for e in FLOOD} == {"story-old"}
        fresh = {e.story for e in BANK}
        assert len(fresh) == 1 and None not in fresh and "story-old" not in fresh
    # A fresh id is never one that another group inherits, even where its name would say so.
    assign(FLOOD + BANK, {e.id: f"story-{BANK[0].id[:12]}" for e in FLOOD})
    assert {e.story for e in FLOOD} == {f"story-{BANK[0].id[:12]}"}
    assert len({e.story for e in BANK}) == 1 and BANK[0].story != FLOOD[0].story
    # No conflict: an existing id is kept as before, and a new group is named after its earliest report.
    assign(FLOOD + BANK, {FLOOD[1].id: "story-old"})
    assert {e.story for e in FLOOD} == {"story-old"} and {e.story for e in BANK} == {f"story-{BANK[0].id[:12]}"}


def test_theme_workers_get_their_setup_with_the_spawn_start_method(monkeypatch):
    """Where processes cannot be forked (Windows; macOS by default), workers start afresh and must be
    given the rules and texts, not find them in the parent's memory."""
    import multiprocessing
    import types

    from digest import themes
    spawn = multiprocessing.get_context("spawn")
    no_fork = types.SimpleNamespace(get_all_start_methods=lambda: ["spawn"], get_context=lambda method=None: spawn)
    rules = [Rules("floods", 3.0, (("flood*", 1.0), ("river", 0.5))), Rules("banks", 3.0, (("central bank", 1.0),))]
    items = [(e.title, e.body) for e in FLOOD + BANK] * 3
    monkeypatch.setattr(themes, "PARALLEL_FROM", 2)
    monkeypatch.setattr(themes.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(themes, "multiprocessing", no_fork)
    assert themes.classify_all(rules, items) == [["floods"]] * 3 + [["banks"]] * 2 + (
        [["floods"]] * 3 + [["banks"]] * 2) * 2
