"""Reading bytes, and every kind of bad input: one clear warning naming the file, the rest built."""
import os

from conftest import run_build, snapshot
from digest.ingest.read import read_dump

TEXT = "Quay opening delayed\n\nHarbour officials said on Tuesday that the quay would open next spring.\n"


def test_utf8_with_bom_crlf_and_control_characters():
    data = "\ufeff".encode() + TEXT.replace("\n", "\r\n").replace("said", "sa\x07id\u200b").encode()
    result = read_dump(data)
    assert result.warnings == []
    assert result.text == TEXT


def test_cp1252_is_decoded_with_a_warning_naming_the_line():
    data = ("Caf\u00e9 owners \u201cworried\u201d\n").encode("cp1252")
    result = read_dump(data)
    assert result.text == "Caf\u00e9 owners \u201cworried\u201d\n"
    assert "line 1" in result.warnings[0] and "Windows-1252" in result.warnings[0]


def test_utf16_with_bom():
    assert read_dump(TEXT.encode("utf-16")).text == TEXT


def test_empty_binary_and_huge_files_are_skipped_with_a_reason():
    assert "empty" in read_dump(b"  \n\n").warnings[0]
    assert "binary" in read_dump(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50).warnings[0]
    huge = read_dump(b"word " * (11 * 1024 * 1024))
    assert huge.text is None and "MB" in huge.warnings[0]


def test_bad_files_warn_by_name_and_the_rest_is_built(site_dir):
    seeds = site_dir / "seeds"
    (seeds / "empty.txt").write_bytes(b"")
    (seeds / "image.txt").write_bytes(bytes(range(256)) * 40)
    (seeds / "menu.txt").write_text("Home\nNews\nSport\n")
    (seeds / "big.txt").write_bytes(b"lorem ipsum " * (50 * 1024 * 1024 // 12))
    (seeds / "latin.txt").write_bytes(("Caf\u00e9 prices climb as harvest fails\n\n" +
                                       "Owners of caf\u00e9s across the region said prices for beans had risen "
                                       "sharply this year after a poor harvest.\n").encode("cp1252"))
    result = run_build(site_dir)
    assert result.returncode == 1
    err = result.stderr
    for name in ("empty.txt", "image.txt", "menu.txt", "big.txt", "latin.txt"):
        assert f"seeds/{name}:" in err, name
    assert "8 entries" in err        # the 7 seed entries and the cp1252 one
    assert err.count("warning:") == 5


def test_a_dump_that_vanishes_mid_build_is_a_warning(site_dir, monkeypatch):
    """Simulate the race: the file is listed, then deleted before it is read."""
    import sys
    sys.path.insert(0, str(site_dir))
    from digest import pipeline
    from digest.config import load
    gone = site_dir / "seeds" / "gone.txt"
    gone.write_text(TEXT)
    real = pipeline.dump_files

    def listing_then_delete(folder, *args):
        files = real(folder, *args)
        gone.unlink()
        return files
    monkeypatch.setattr(pipeline, "dump_files", listing_then_delete)
    report = pipeline.normalize(load(site_dir / "site.yaml"))
    assert any("seeds/gone.txt: the file vanished" in w for w in report.warnings)
    assert report.entries == 7


def test_content_survives_bad_input(site_dir):
    assert run_build(site_dir).returncode == 0
    before = snapshot(site_dir / "content")
    (site_dir / "seeds" / "bad.txt").write_bytes(b"\x00\x01\x02" * 100)
    assert run_build(site_dir).returncode == 1
    assert snapshot(site_dir / "content") == before


def test_unreadable_dump_is_a_warning(site_dir):
    if os.geteuid() == 0:
        return  # root reads everything; the permission case cannot be staged
    locked = site_dir / "seeds" / "locked.txt"
    locked.write_text(TEXT)
    locked.chmod(0)
    result = run_build(site_dir)
    assert "seeds/locked.txt: cannot read" in result.stderr


def test_entry_files_are_the_markdown_files_not_hidden_in_path_order(tmp_path):
    """Editors' lock and swap files and hidden folders are not entries; subfolders are, in the order
    paths sort (a folder's files before a sibling whose name merely starts the same)."""
    from digest.content import entry_paths
    content = tmp_path / "content"
    for rel in ("a.md", "a-b/x.md", "a/x.md", "a/z/y.md", ".#a.md", ".drafts/y.md", "b/.hidden.md",
                "notes.txt", "b/c.md"):
        (content / rel).parent.mkdir(parents=True, exist_ok=True)
        (content / rel).write_text("---\n---\n", encoding="utf-8")
    assert [p.relative_to(content).as_posix() for p in entry_paths(content)] == [
        "a/x.md", "a/z/y.md", "a-b/x.md", "a.md", "b/c.md"]
    assert entry_paths(tmp_path / "missing") == []
