"""Input folders never lead the build out of the project, and a file's size is known before it is read."""
import os

from conftest import run_build

SECRET = "A private note that lives outside the project and must never be published.\n"


def test_links_in_seeds_and_content_that_lead_out_of_the_project_are_not_followed(site_dir, tmp_path):
    outside = tmp_path / "elsewhere"
    (outside / "notes").mkdir(parents=True)
    (outside / "secret.txt").write_text("Quixotic zebra headline\n" + SECRET * 5)
    (outside / "notes" / "secret.md").write_text("---\ntitle: Quixotic zebra entry\n---\n\n" + SECRET)
    (outside / "secret.md").write_text("---\ntitle: Another quixotic zebra\n---\n\n" + SECRET)
    os.symlink(outside / "secret.txt", site_dir / "seeds" / "linked.txt")
    os.symlink(outside / "notes", site_dir / "content" / "linked-folder")
    os.symlink(outside / "secret.md", site_dir / "content" / "linked.md")
    # A link that stays inside the project is followed.
    (site_dir / "drafts").mkdir()
    (site_dir / "drafts" / "mine.md").write_text("---\ntitle: A draft kept elsewhere in the project\n---\n\nText.\n")
    os.symlink(site_dir / "drafts" / "mine.md", site_dir / "content" / "mine.md")
    result = run_build(site_dir)
    assert result.returncode == 1
    for name in ("seeds/linked.txt", "content/linked-folder", "content/linked.md"):
        assert f"{name}: a link to" in result.stderr and "outside the project; not read" in result.stderr, name
    published = "".join(p.read_text(errors="replace") for p in (site_dir / "output").rglob("*") if p.is_file())
    assert "private note" not in published and "uixotic zebra" not in published
    assert "A draft kept elsewhere in the project" in published
    assert not any("zebra" in p.read_text() for p in (site_dir / "content").glob("*.md") if not p.is_symlink())


def test_links_that_go_round_in_a_circle_end(site_dir):
    os.symlink(site_dir / "content", site_dir / "content" / "loop")
    result = run_build(site_dir)
    assert result.returncode == 0, result.stderr


def test_a_huge_file_is_skipped_by_its_size_without_being_read(site_dir):
    """A 5 GB file (sparse: no disk used) is skipped at once, with a warning naming it."""
    with open(site_dir / "seeds" / "huge.txt", "wb") as f:
        f.truncate(5 * 1024 ** 3)
    result = run_build(site_dir)
    assert result.returncode == 1
    assert "seeds/huge.txt" in result.stderr and "skipped" in result.stderr
    assert len(list((site_dir / "content").glob("*.md"))) == 7
