"""content/ is the editors' as much as the normalizer's: nothing they change is lost."""
import shutil

from conftest import ROOT, editor_view, run_build, snapshot
from digest.content import parse

DRAMA = "rubio-says-no-drama-or-division-in-u-s-relations-with-japan.md"
LAVROV = "rubio-to-meet-lavrov-while-u-s-sends-more-weapons-to-ukraine.md"


def first_dump_only(site_dir):
    (site_dir / "seeds" / "004_359a90b7b5b3a687.txt").unlink()


def test_second_run_changes_nothing(site_dir):
    assert run_build(site_dir).returncode == 0
    before = snapshot(site_dir / "content")
    result = run_build(site_dir)
    assert "0 new, 0 updated, 7 unchanged" in result.stderr
    assert snapshot(site_dir / "content") == before


def test_edited_field_and_body_are_kept(site_dir):
    run_build(site_dir)
    path = site_dir / "content" / LAVROV
    text = path.read_text().replace("source: null", "source: Wire Desk")
    text = text.replace("Rubio and Russian Foreign Minister", "Secretary Rubio and Russian Foreign Minister")
    path.write_text(text)
    result = run_build(site_dir)
    assert path.read_text() == text
    assert f"kept as edited: content/{LAVROV}" in result.stderr
    assert "1 kept because an editor changed them" in result.stderr


def test_deleted_entry_is_not_recreated(site_dir):
    run_build(site_dir)
    (site_dir / "content" / LAVROV).unlink()
    result = run_build(site_dir)
    assert not (site_dir / "content" / LAVROV).exists()
    assert "1 deleted by an editor" in result.stderr


def test_renamed_entry_is_found_by_its_id(site_dir):
    run_build(site_dir)
    content = site_dir / "content"
    (content / LAVROV).rename(content / "lavrov-talks.md")
    result = run_build(site_dir)
    assert not (content / LAVROV).exists()
    assert "7 unchanged" in result.stderr


def test_new_dump_extends_seen_in_of_an_edited_entry_without_touching_its_text(site_dir):
    held_back = site_dir.parent / "004.txt"
    shutil.move(site_dir / "seeds" / "004_359a90b7b5b3a687.txt", held_back)
    run_build(site_dir)
    path = site_dir / "content" / DRAMA
    edited = path.read_text().replace("played down concerns", "played down the concerns")
    path.write_text(edited)
    shutil.move(held_back, site_dir / "seeds" / "004_359a90b7b5b3a687.txt")
    result = run_build(site_dir)
    after = path.read_text()
    meta, body = parse(after, path)
    assert meta["seen_in"] == ["000_6ae405936bc94fda.txt", "004_359a90b7b5b3a687.txt"]
    assert editor_view(after) == editor_view(edited)
    assert "played down the concerns" in body
    assert "3 new" in result.stderr        # the other three articles of 004 are added


def test_unedited_entry_is_updated_when_a_new_dump_adds_a_sighting(site_dir):
    held_back = site_dir.parent / "004.txt"
    shutil.move(site_dir / "seeds" / "004_359a90b7b5b3a687.txt", held_back)
    run_build(site_dir)
    shutil.move(held_back, site_dir / "seeds" / "004_359a90b7b5b3a687.txt")
    result = run_build(site_dir, "-v")
    meta, _ = parse((site_dir / "content" / DRAMA).read_text(), DRAMA)
    assert meta["seen_in"] == ["000_6ae405936bc94fda.txt", "004_359a90b7b5b3a687.txt"]
    assert f"updated: content/{DRAMA}" in result.stderr


def test_entry_with_broken_front_matter_is_reported_and_left_alone(site_dir):
    run_build(site_dir)
    path = site_dir / "content" / LAVROV
    broken = path.read_text().replace("title: Rubio", "title: [Rubio", 1)
    path.write_text(broken)
    result = run_build(site_dir)
    assert result.returncode == 1
    assert f"content/{LAVROV}:3: bad YAML front matter" in result.stderr
    assert path.read_text() == broken
    assert len(list((site_dir / "content").glob("*.md"))) == 7      # no second copy written


def test_editors_own_entries_are_never_touched(site_dir):
    mine = site_dir / "content" / "my-note.md"
    mine.write_text("---\ntitle: A note of my own\n---\n\nHello.\n")
    run_build(site_dir)
    assert mine.read_text() == "---\ntitle: A note of my own\n---\n\nHello.\n"


def test_shipped_content_matches_a_fresh_normalization(tmp_path):
    """The repository's content/ is what `python build.py` makes of the shipped seeds."""
    site = tmp_path / "site"
    shutil.copytree(ROOT / "seeds", site / "seeds")
    shutil.copy(ROOT / "site.yaml", site / "site.yaml")
    run_build(site)
    assert snapshot(site / "content") == snapshot(ROOT / "content")
