"""The dev set's own scorer, run on the project exactly as unseen sets are scored.

The dumps are real publishers' text, so they are read from ../shared/devset, never copied here;
without that folder these tests skip.
"""
import json
import subprocess
import sys

import pytest

from conftest import DEVSET, ROOT, needs_devset

pytestmark = needs_devset()


def score(name: str, tmp_path) -> dict:
    out = tmp_path / f"{name}.json"
    run = subprocess.run([sys.executable, str(DEVSET / "score.py"), str(ROOT), str(DEVSET / name),
                          "--json", str(out)], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    return json.loads(out.read_text())


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    return score("mixed", tmp_path_factory.mktemp("mixed"))


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    return score("pages", tmp_path_factory.mktemp("pages"))


def test_every_article_found_and_merged_right(mixed, pages):
    for r in (mixed, pages):
        assert r["build_rc"] == 0, r.get("build_err")
        assert r["found"] == r["articles"], r["missing"]
        assert r["false_merges"] == 0
        assert r["missed_dedup"] == 0
        assert r["extra_entries"] == 0
        assert r["boilerplate_leaks"] == 0


def test_aggregator_bodies(mixed):
    assert mixed["body_f1_aggregator"] >= 0.98


def test_saved_pages_keep_the_running_text_and_drop_the_chrome(mixed, pages):
    for r in (mixed, pages):
        assert r["raw_body_lines_kept"] >= 0.98
        assert r["raw_page_lines_leaked"] <= 0.05


def test_headlines_outlets_authors_and_days(mixed, pages):
    for r in (mixed, pages):
        assert r["title_acc"] >= 0.95
        assert r["author_acc"] >= 0.90
        assert r["date_acc"] >= 0.90
        assert r["stated_date_acc"] >= 0.90
    assert mixed["source_acc"] >= 0.95


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    out = tmp_path_factory.mktemp("web") / "web.json"
    run = subprocess.run([sys.executable, str(DEVSET / "web" / "score.py"), str(ROOT), "--json", str(out)],
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr
    return run.stdout, json.loads(out.read_text())


def test_real_web_pages_build_cleanly_one_entry_each(web):
    stdout, result = web
    assert "build: exit 0" in stdout, stdout
    everything = result["all pages"]["project"]
    assert everything["no_output"] == 0
    assert everything["extra_entries"] == 0


def test_real_web_pages_text_and_headlines(web):
    """Dev figures (the model was fitted on these pages): a floor that catches a broken feature or a
    stale model file. The figures that predict unseen pages come from tools/train_roles.py's
    cross-validation."""
    _, result = web
    english = result["English pages"]["project"]
    assert english["sh4_f1"] >= 0.95
    assert english["title_acc"] >= 0.85


def test_the_model_file_is_what_the_training_script_makes():
    run = subprocess.run([sys.executable, str(ROOT / "tools" / "train_roles.py"), "--no-cv", "--check",
                          "--devset", str(DEVSET)], capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout + run.stderr
