"""The store's record of what it wrote never lies: a kill at any moment, two builds at once, an
entry saved with CRLF or a BOM."""
import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, run_build, set_mtime, snapshot
from digest.content import parse

DRAMA = "rubio-says-no-drama-or-division-in-u-s-relations-with-japan.md"
HELD = "004_359a90b7b5b3a687.txt"

# python build.py, except that the process kills itself (SIGKILL: no cleanup of any kind) right after
# the Nth entry file is written.
KILLED_BUILD = """
import os, signal, sys
sys.path.insert(0, {root!r})
import digest.content as content
written, real = [0], content.write_atomic
def write_then_die(path, data, *args, **kwargs):
    real(path, data, *args, **kwargs)
    if str(path).endswith(".md"):
        written[0] += 1
        if written[0] == {after}:
            os.kill(os.getpid(), signal.SIGKILL)
content.write_atomic = write_then_die
from digest.cli import main
sys.exit(main([]))
"""


def killed_build(site: Path, after: int) -> int:
    code = KILLED_BUILD.format(root=str(ROOT), after=after)
    return subprocess.run([sys.executable, "-c", code], cwd=site, capture_output=True, text=True,
                          timeout=300).returncode


def change_dumps(site: Path):
    """The dumps change between builds: a held-back dump arrives and every text is reworded."""
    seeds = site / "seeds"
    shutil.move(site.parent / HELD, seeds / HELD)
    for dump in sorted(seeds.glob("*.txt")):
        stat = dump.stat()
        dump.write_text(dump.read_text(encoding="utf-8").replace(" said ", " stated "), encoding="utf-8")
        os.utime(dump, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def entries(site: Path) -> dict[str, bytes]:
    return {name: data for name, data in snapshot(site / "content").items() if not name.startswith(".normalize-journal")}


def two_sites(site_dir: Path) -> tuple[Path, Path]:
    """The site, and a copy of it (file times kept), each with one dump held back."""
    twin = site_dir.parent / "twin" / "site"
    twin.parent.mkdir()
    shutil.copytree(site_dir, twin)
    for site in (site_dir, twin):
        shutil.move(site / "seeds" / HELD, site.parent / HELD)
    return site_dir, twin


def test_a_build_killed_after_each_entry_it_writes_leaves_nothing_falsely_edited(site_dir):
    killed, whole = two_sites(site_dir)
    assert run_build(whole).returncode == 0
    for after in (1, 3):        # killed twice: just after the first entry, then just after the third
        assert killed_build(killed, after) == -9
    change_dumps(whole)
    change_dumps(killed)
    assert run_build(whole).returncode == 0
    result = run_build(killed)
    assert "0 kept because an editor changed them" in result.stderr, result.stderr
    assert "0 deleted by an editor" in result.stderr
    assert entries(killed) == entries(whole)


def test_two_builds_at_once_end_as_one_build(site_dir):
    both, one = two_sites(site_dir)
    assert run_build(one).returncode == 0
    builds = [subprocess.Popen([sys.executable, str(ROOT / "build.py")], cwd=both, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True) for _ in range(3)]
    for build in builds:
        _, err = build.communicate(timeout=300)
        assert build.returncode == 0, err
    assert entries(both) == entries(one)
    change_dumps(one)
    change_dumps(both)
    assert run_build(one).returncode == 0
    assert "0 kept because an editor changed them" in run_build(both).stderr
    assert entries(both) == entries(one)


def test_a_second_build_waits_for_the_lock_then_stops_naming_it(site_dir):
    lock = site_dir / ".digest-cache" / "build.lock"
    lock.parent.mkdir()
    with open(lock, "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        result = subprocess.run([sys.executable, str(ROOT / "build.py")], cwd=site_dir, capture_output=True,
                                text=True, timeout=60, env={**os.environ, "DIGEST_LOCK_WAIT": "1"})
    assert result.returncode == 3
    assert "another build" in result.stderr and str(Path(".digest-cache") / "build.lock") in result.stderr
    assert not any((site_dir / "content").iterdir())


def _resave(path: Path, crlf: bool, bom: bool, trailing: bool):
    text = path.read_text(encoding="utf-8").replace("played down concerns", "played down the concerns")
    if trailing:
        text = text.replace("\n", "  \n", 8)
    if crlf:
        text = text.replace("\n", "\r\n")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))


def _sighted_again(site_dir: Path, **saved):
    shutil.move(site_dir / "seeds" / HELD, site_dir.parent / HELD)
    assert run_build(site_dir).returncode == 0
    path = site_dir / "content" / DRAMA
    _resave(path, **saved)
    shutil.move(site_dir.parent / HELD, site_dir / "seeds" / HELD)
    result = run_build(site_dir)
    assert result.returncode == 0, result.stderr
    assert "1 kept because an editor changed them" in result.stderr
    raw = path.read_bytes()
    meta, body = parse(raw.decode("utf-8"), path)
    assert meta["seen_in"] == ["000_6ae405936bc94fda.txt", HELD]
    assert "played down the concerns" in body
    return raw


def test_a_crlf_saved_entry_keeps_its_edit_and_line_ends_when_sighted_again(site_dir):
    raw = _sighted_again(site_dir, crlf=True, bom=False, trailing=True)
    assert raw.count(b"\n") == raw.count(b"\r\n")


def test_a_bom_saved_entry_keeps_its_edit_when_sighted_again(site_dir):
    raw = _sighted_again(site_dir, crlf=False, bom=True, trailing=False)
    assert raw.startswith(b"\xef\xbb\xbf---\n")
    assert run_build(site_dir, "--explain", f"content/{DRAMA}").returncode == 0


def test_dumps_given_todays_file_time_change_no_entry(site_dir):
    """A fresh checkout, a copy or a touch gives the dumps new file times: the capture time is
    remembered by the dump's content, so no entry changes."""
    for dump in (site_dir / "seeds").glob("*.txt"):
        set_mtime(dump, "2025-07-12T13:40:00+00:00")       # saved when captured: the file time is used
    assert run_build(site_dir).returncode == 0
    before = entries(site_dir)
    for dump in (site_dir / "seeds").glob("*.txt"):
        os.utime(dump)          # now
    assert run_build(site_dir).returncode == 0
    assert entries(site_dir) == before


def test_two_entries_with_one_id_leave_content_as_it_is_run_after_run(site_dir):
    """An editor copies an entry and forgets to change its id: one file keeps the id (the first by
    path), the other is named in a warning, and no build rewrites either of them back and forth."""
    assert run_build(site_dir).returncode == 0
    original = site_dir / "content" / DRAMA
    copy = site_dir / "content" / ("a-copy-" + DRAMA)
    copy.write_text(original.read_text().replace("played down concerns", "played down the concerns"))
    first = run_build(site_dir)
    assert first.returncode == 1 and "is also used by" in first.stderr and DRAMA in first.stderr
    settled = entries(site_dir)
    for _ in range(2):
        run_build(site_dir)
        assert entries(site_dir) == settled
