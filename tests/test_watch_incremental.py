"""Watch mode's rebuilds: after any sequence of edits, output/ is byte-identical to a clean build of
the same input, while only the pages whose inputs changed are rendered again."""
import json
import logging
import os
import random
import re
import time
from pathlib import Path

import pytest

from conftest import run_build, snapshot
from digest.config import load
from digest.render import search
from digest.render.engine import BuildError, Engine, EntryErrors
from watch_helpers import THEMES, clean_build_of, differences, entry_text, make_site


def _entries(site: Path) -> list[Path]:
    return sorted((site / "content").glob("*.md"))


def _set(path: Path, key: str, value: str):
    text = path.read_text(encoding="utf-8")
    text, n = re.subn(rf"(?m)^{key}:.*\n(?:- .*\n)*", lambda _m: f"{key}: {value}\n", text, count=1)
    if not n:
        text = text.replace("\n---\n", f"\n{key}: {value}\n---\n", 1)
    path.write_text(text, encoding="utf-8")


# Each edit changes the site as an editor might and returns the files it touched.
def edit_headline(site, rng, n):
    path = rng.choice(_entries(site))
    _set(path, "title", f"Edited headline {n}")
    return {path}


def edit_body(site, rng, n):
    path = rng.choice(_entries(site))
    with open(path, "a", encoding="utf-8") as f:
        f.write(f"\nA paragraph added by edit {n}, with **bold** text.\n")
    return {path}


def edit_story(site, rng, n):
    path = rng.choice(_entries(site))
    _set(path, "story", rng.choice(["null", "s1", "s2", f"s{n}"]))
    return {path}


def edit_themes(site, rng, n):
    path = rng.choice(_entries(site))
    _set(path, "themes", "[" + ", ".join(rng.sample(THEMES + ["not-a-theme"], rng.randrange(3))) + "]")
    return {path}


def edit_time(site, rng, n):
    path = rng.choice(_entries(site))
    # into June too: a theme's and an outlet's pages go by month (page_size 4: July's in parts)
    month = rng.choice(["06", "07", "07"])
    _set(path, "published", f"'2025-{month}-{1 + rng.randrange(14):02d}T{rng.randrange(24):02d}:05:00+09:00'")
    return {path}


def create_entry(site, rng, n):
    path = site / "content" / f"new-{n}.md"
    path.write_text(entry_text(rng, 1000 + n), encoding="utf-8")
    return {path}


def same_slug_same_day(site, rng, n):
    """A second entry whose headline and day clash with another's: its page gets its own URL."""
    other = rng.choice(_entries(site)).read_text(encoding="utf-8")
    path = site / "content" / f"clash-{n}.md"
    text = re.sub(r"(?m)^id:.*$", f"id: clash{n:04d}", other, count=1)
    text = re.sub(r"(?m)^slug:.*\n", "", text)
    path.write_text(text, encoding="utf-8")
    return {path}


def duplicate_id(site, rng, n):
    path = site / "content" / f"zz-duplicate-{n}.md"
    path.write_text(rng.choice(_entries(site)).read_text(encoding="utf-8"), encoding="utf-8")
    return {path}


def delete_entry(site, rng, n):
    path = rng.choice(_entries(site))
    path.unlink()
    return {path}


def rename_entry(site, rng, n):
    path = rng.choice(_entries(site))
    target = path.with_name(f"renamed-{n}.md")
    os.replace(path, target)
    return {path, target}


def edit_template(site, rng, n):
    name = rng.choice(["entry.html", "_macros.html", "theme.html", "index.html", "sitemap.xml"])
    path = site / "templates" / name
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + f"\n{{# edit {n} #}}<!-- template edit {n} -->\n", encoding="utf-8")
    return {path}


def edit_stylesheet(site, rng, n):
    path = site / "templates" / "static" / "style.css"
    with open(path, "a", encoding="utf-8") as f:
        f.write(f"\n/* edit {n} */\n")
    return {path}


def built_site(tmp_path, seed: int, **options):
    """(random numbers, site folder, its --watch build engine) after the first build."""
    rng = random.Random(seed)
    site = make_site(tmp_path, rng, **options)
    live = Engine(load(site / "site.yaml"), logging.getLogger("digest"), watch=True)
    live.build()
    return rng, site, live


EDITS = [edit_headline, edit_headline, edit_body, edit_story, edit_story, edit_themes, edit_time, create_entry,
         create_entry, same_slug_same_day, duplicate_id, delete_entry, rename_entry, edit_template, edit_stylesheet]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_any_sequence_of_edits_gives_the_clean_build(tmp_path, seed):
    rng, site, live = built_site(tmp_path, seed)
    assert differences(snapshot(site / "output"), clean_build_of(site, tmp_path)) == []
    rendered = []
    for step in range(36):
        edit = rng.choice(EDITS)
        touched = edit(site, rng, step)
        report = live.build(touched)
        rendered.append((edit.__name__, report.rendered))
        if step % 12 == 11:
            differ = differences(snapshot(site / "output"), clean_build_of(site, tmp_path))
            assert differ == [], f"after {[name for name, _ in rendered]}: {differ[:10]}"
    # Only what shows an entry is rendered again: a lone report's headline is on its page, the front
    # page, its themes' and day's and outlet's lists: a handful of the site's pages.
    lone = next(p for p in _entries(site) if re.search(r"(?m)^story: null$", p.read_text(encoding="utf-8")))
    _set(lone, "title", "One more headline")
    report = live.build({lone})
    live.close()
    assert 1 <= report.rendered <= 8 < len(list((site / "output").rglob("*.html"))), report


def test_several_changes_at_once_and_a_look_at_everything(tmp_path):
    """A burst (say a git checkout) is one build; a folder event makes the build look at every file."""
    rng, site, live = built_site(tmp_path, 9)
    touched = set()
    for step, edit in enumerate([edit_headline, create_entry, delete_entry, edit_story, rename_entry, edit_template]):
        touched |= edit(site, rng, step)
    live.build(touched)
    assert differences(snapshot(site / "output"), clean_build_of(site, tmp_path)) == []
    for step, edit in enumerate([edit_body, create_entry, edit_time], start=10):
        edit(site, rng, step)
    live.build(None)
    assert differences(snapshot(site / "output"), clean_build_of(site, tmp_path)) == []


def test_a_broken_entry_keeps_the_last_good_site_until_it_is_fixed(tmp_path):
    rng, site, live = built_site(tmp_path, 4)
    before = snapshot(site / "output")
    path = site / "content" / "generated-00003.md"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("title: ", "title: [unclosed ", 1), encoding="utf-8")
    with pytest.raises(EntryErrors) as err:
        live.build({path})
    assert re.search(r"content/generated-00003\.md:3\b", str(err.value)), str(err.value)
    other = edit_headline(site, rng, 1)          # still broken: nothing is written
    with pytest.raises(EntryErrors):
        live.build(other)
    assert snapshot(site / "output") == before
    path.write_text(good, encoding="utf-8")
    live.build({path})
    assert differences(snapshot(site / "output"), clean_build_of(site, tmp_path)) == []


def test_a_template_error_names_the_template_line_and_keeps_the_site(tmp_path):
    rng, site, live = built_site(tmp_path, 5)
    before = snapshot(site / "output")
    template = site / "templates" / "entry.html"
    good = template.read_text(encoding="utf-8")
    template.write_text(good.replace("{% block main %}", "{% block main %}\n{% if %}", 1), encoding="utf-8")
    with pytest.raises(BuildError) as err:
        live.build({template})
    line = good[:good.index("{% block main %}")].count("\n") + 2
    assert f"entry.html:{line}" in str(err.value), str(err.value)
    assert snapshot(site / "output") == before
    template.write_text(good, encoding="utf-8")
    live.build({template})
    assert snapshot(site / "output") == before


def test_the_search_index_follows_the_edits(tmp_path):
    rng, site, live = built_site(tmp_path, 6, entries=8, search=True)
    assert live.search.wait(300)
    for step, edit in enumerate([edit_headline, create_entry, delete_entry]):
        live.build(edit(site, rng, step))
    assert live.search.wait(300)
    live.close()
    built = snapshot(site / "output")
    assert any(name.startswith("pagefind/") for name in built)
    assert differences(built, clean_build_of(site, tmp_path)) == []


def test_the_search_index_follows_shard_by_shard(tmp_path, monkeypatch):
    """With shards of at most 4 entries: an edit runs Pagefind for its entry's shard alone, the
    other shards' files stay as they were, and output/ still ends as a clean build's."""
    monkeypatch.setenv("DIGEST_SEARCH_SHARD", "4")             # the clean builds inherit it
    log, script = tmp_path / "runs.log", tmp_path / "pagefind"
    script.write_text(f'#!/bin/sh\necho "$@" >> {log}\nexec {search.pagefind_command()[0]} "$@"\n')
    script.chmod(0o755)
    monkeypatch.setattr(search, "pagefind_command", lambda: [str(script)])

    def runs() -> list[str]:
        lines = log.read_text().splitlines() if log.exists() else []
        log.write_text("")
        return [line.split("--output-path ")[1].split()[0].rsplit("/", 1)[1] for line in lines]

    rng, site, live = built_site(tmp_path, 7, entries=16, search=True)
    assert live.search.wait(300)
    shards = json.loads((site / "output" / "pagefind" / "shards.json").read_text())["shards"]
    assert len(shards) >= 4 and len(runs()) == len(shards)
    before = snapshot(site / "output")
    live.build(edit_body(site, rng, 0))
    assert live.search.wait(300)
    (ran,) = runs()
    shard = ran[1:].rsplit("-", 1)[0]
    changed = differences(before, snapshot(site / "output"))
    assert any(name.endswith("/index.html") for name in changed)       # the entry's page, and...
    assert [name for name in changed if name.startswith("pagefind/")]     # ...its shard's index
    assert all(name.startswith(f"pagefind/{shard}/") for name in changed if name.startswith("pagefind/"))
    for step, edit in enumerate([create_entry, delete_entry, edit_time], start=1):
        live.build(edit(site, rng, step))
    assert live.search.wait(300)
    assert 1 <= len(runs()) <= 6
    live.close()
    assert differences(snapshot(site / "output"), clean_build_of(site, tmp_path)) == []


@pytest.mark.parametrize("seed", [5, 6])
def test_plain_builds_that_take_up_the_last_ones_state_give_the_clean_build(tmp_path, seed):
    """Each plain build starts from what the last one kept (.digest-cache/engine.pickle: the entries
    read, the pages' fingerprints, the story index) and must still end as a clean build does."""
    rng = random.Random(seed)
    site = make_site(tmp_path, rng)
    past = time.time() - 10_000

    def plain_build():
        # Files changed within a second of the last build are read again whatever their stat says:
        # dated back (each step a second of its own), unchanged files are taken from the state.
        nonlocal past
        past += 1
        for path in (site / "content").rglob("*"):
            if path.is_file() and path.stat().st_mtime > past + 1000:
                os.utime(path, (past, past))
        engine = Engine(load(site / "site.yaml"), logging.getLogger("digest"))
        try:
            return engine, engine.build()
        finally:
            engine.close()

    plain_build()
    for step in range(18):
        rng.choice(EDITS)(site, rng, step)
        engine, report = plain_build()
        assert engine.page_fps and engine.story_of is not None
        if step % 6 == 5:
            differ = differences(snapshot(site / "output"), clean_build_of(site, tmp_path))
            assert differ == [], f"step {step}: {differ[:10]}"
    # The state was taken up: a headline edit renders a handful of pages, not the site.
    lone = next(p for p in _entries(site) if re.search(r"(?m)^story: null$", p.read_text(encoding="utf-8")))
    _set(lone, "title", "One more headline")
    _, report = plain_build()
    assert 1 <= report.rendered <= 8 < len(list((site / "output").rglob("*.html"))), report
    assert differences(snapshot(site / "output"), clean_build_of(site, tmp_path)) == []


def test_lists_kept_from_the_last_listing_follow_moves_and_new_entries(tmp_path):
    """Saves that move entries between lists (days, months, themes, outlets, stories) or add and
    remove them: the lists the listing keeps from the save before are those a clean build makes."""
    rng, site, live = built_site(tmp_path, 11, entries=40)
    moves = [edit_time, edit_themes, edit_story, create_entry, delete_entry, same_slug_same_day, rename_entry]
    for step in range(24):
        report = live.build(rng.choice(moves)(site, rng, step))
        assert report.rendered < report.pages, report        # not everything: the rest was kept
        if step % 8 == 7:
            assert differences(snapshot(site / "output"), clean_build_of(site, tmp_path)) == []
    live.close()


def test_plain_builds_while_the_watch_runs_leave_it_building_the_clean_site(tmp_path):
    """An editor runs --watch and, in another terminal, a plain build (or a cron job does): the
    plain build replaces output/ under the watch's feet. The watch's next saves still build (no
    error, no file of the last build missing) and output/ ends as a clean build's, search included."""
    rng, site, live = built_site(tmp_path, 12, entries=10, search=True)
    assert live.search.wait(300)
    for step, edit in enumerate([edit_headline, create_entry, edit_time, delete_entry]):
        plain = run_build(site, "-q")
        assert plain.returncode in (0, 1), plain.stderr
        report = live.build(edit(site, rng, step))
        assert report.written >= 1, report
        assert live.search.wait(300)
    live.close()
    built = snapshot(site / "output")
    assert any(name.startswith("pagefind/") for name in built)
    assert differences(built, clean_build_of(site, tmp_path)) == []

