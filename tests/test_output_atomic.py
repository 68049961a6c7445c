"""output/ is the previous site or the new one, never a mix: whatever stops a build (a kill at any
moment, a full disk, a read-only folder), output/ stays byte for byte as it was, with no temporary
file in it, and the next build takes up what was left and finishes the site."""
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, run_build, snapshot

# python build.py with faults in the writer of output/'s twin: "kill" kills the build (SIGKILL to
# its whole process group: no cleanup of any kind) at its `after`-th file, "full" is a disk that
# fills up after `after` bytes (a write fails half-way through a file), "readonly" a disk that
# refuses the `after`-th file. `moment` "before" or "after" kills it just before or just after the
# two folders are exchanged instead.
FAULTY_BUILD = """
import builtins, errno, os, signal, sys
sys.path.insert(0, {root!r})
import digest.render.output as output
mode, after, moment = {mode!r}, {after!r}, {moment!r}
count, written = [0], [0]

def kill():
    os.killpg(os.getpgid(0), signal.SIGKILL)

class Filling:
    def __init__(self, f):
        self.f = f
    def write(self, data):
        room = after - written[0]
        if len(data) > room:
            self.f.write(data[:max(room, 0)])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), self.f.name)
        written[0] += len(data)
        return self.f.write(data)
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        self.f.close()

def opening(path, mode_="r", *args, **kwargs):
    f = builtins.open(path, mode_, *args, **kwargs)
    return Filling(f) if mode == "full" and "w" in mode_ else f
output.open = opening

def counting(real):
    def wrapped(*args, **kwargs):
        count[0] += 1
        if moment is None and count[0] == after:
            if mode == "kill":
                kill()
            if mode == "readonly":
                path = next(a for a in args if isinstance(a, str))     # the file being written
                raise OSError(errno.EROFS, os.strerror(errno.EROFS), path)
        return real(*args, **kwargs)
    return wrapped
output._replace = counting(output._replace)
output._link_or_copy = counting(output._link_or_copy)

real_exchange = output._exchange
def exchange(spare, root):
    if moment == "before":
        kill()
    real_exchange(spare, root)
    if moment == "after":
        kill()
output._exchange = exchange
from digest.cli import main
sys.exit(main(["-q"]))
"""


def faulty_build(site: Path, mode: str, after: int | None = None, moment: str | None = None):
    code = FAULTY_BUILD.format(root=str(ROOT), mode=mode, after=after, moment=moment)
    return subprocess.run([sys.executable, "-c", code], cwd=site, capture_output=True, text=True, timeout=300,
                          start_new_session=True)


def every_page_changes(site: Path, n: int):
    """A change that touches every page: the site's title."""
    text = (site / "site.yaml").read_text()
    (site / "site.yaml").write_text(re.sub(r"(?m)^title: .*$", f"title: Digest, edition {n}", text, count=1))


def leftovers(folder: Path) -> list[str]:
    return [str(p.relative_to(folder)) for p in folder.rglob("*") if p.name.startswith(".digest-tmp")
            or p.name.endswith((".tmp", ".partial"))]


@pytest.fixture
def built(site_dir):
    assert run_build(site_dir, "-q").returncode == 0
    return site_dir


@pytest.mark.parametrize("after", [1, 7, 40])
def test_a_build_killed_while_writing_leaves_the_previous_site(built, after):
    before = snapshot(built / "output")
    every_page_changes(built, 1)
    result = faulty_build(built, "kill", after)
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert snapshot(built / "output") == before
    assert leftovers(built / "output") == []
    # The next build takes up what was left: the same site as a build that was never stopped.
    assert run_build(built, "-q").returncode == 0
    assert leftovers(built / "output") == [] and leftovers(built / ".output.spare") == []
    clean = snapshot(built / "output")
    (built / ".digest-cache").rename(built / "old-cache")
    os.rename(built / "output", built / "old-output")
    assert run_build(built, "-q").returncode == 0
    assert snapshot(built / "output") == clean


@pytest.mark.parametrize("moment", ["before", "after"])
def test_a_build_killed_at_the_exchange_leaves_one_whole_site(built, moment):
    before = snapshot(built / "output")
    every_page_changes(built, 2)
    assert faulty_build(built, "kill", moment=moment).returncode == -signal.SIGKILL
    now = snapshot(built / "output")
    assert leftovers(built / "output") == []
    if moment == "before":
        assert now == before
    else:
        assert now != before and "Digest, edition 2" in (built / "output" / "index.html").read_text()
    assert run_build(built, "-q").returncode == 0
    assert "Digest, edition 2" in (built / "output" / "index.html").read_text()


@pytest.mark.parametrize("mode, after, errname", [("full", 100, "No space left on device"),
                                                  ("full", 200_000, "No space left on device"),
                                                  ("readonly", 1, "Read-only file system"),
                                                  ("readonly", 25, "Read-only file system")])
def test_a_full_or_read_only_disk_leaves_the_previous_site_and_one_error_line(built, mode, errname, after):
    before = snapshot(built / "output")
    every_page_changes(built, 3)
    result = faulty_build(built, mode, after)
    assert result.returncode == 4, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errname in errors[0] and "Traceback" not in result.stderr, result.stderr
    assert "output" in errors[0] and ("space" in errors[0] or "writable" in errors[0])
    assert snapshot(built / "output") == before
    assert not (built / ".output.spare").exists() or leftovers(built / ".output.spare") == []
    assert run_build(built, "-q").returncode == 0
    assert "Digest, edition 3" in (built / "output" / "index.html").read_text()


def test_the_users_own_files_in_output_stay(built):
    """A .git folder or a CNAME file put in output/ stays there, build after build."""
    (built / "output" / ".git").mkdir()
    (built / "output" / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n")
    (built / "output" / "CNAME").write_text("news.example.org\n")
    for n in (4, 5):
        every_page_changes(built, n)
        assert run_build(built, "-q").returncode == 0
        assert (built / "output" / "CNAME").read_text() == "news.example.org\n"
        assert (built / "output" / ".git" / "HEAD").is_file()
    # Also when a build is killed just after the exchange, before they are moved across.
    every_page_changes(built, 6)
    assert faulty_build(built, "kill", moment="after").returncode == -signal.SIGKILL
    assert run_build(built, "-q").returncode == 0
    assert (built / "output" / "CNAME").is_file() and (built / "output" / ".git" / "HEAD").is_file()


def test_an_unchanged_file_keeps_its_identity(built):
    """Deploy tools (rsync) compare sizes and times: a file whose bytes did not change is the same
    file, with the same time, after any number of builds, while the files around it change."""
    robots, front = built / "output" / "robots.txt", built / "output" / "index.html"
    st = robots.stat()
    for n in (10, 11, 12):
        every_page_changes(built, n)
        assert run_build(built, "-q").returncode == 0
        assert f"Digest, edition {n}" in front.read_text()
        assert (robots.stat().st_ino, robots.stat().st_mtime_ns) == (st.st_ino, st.st_mtime_ns)


# python build.py whose first build's twin is made by `link_tree` instead of output._link_tree:
# "half" links half the files and fails, "kill" kills the build's whole process group half-way.
# "count" is a plain build that prints how many files it wrote or linked into the twin.
TWIN_BUILD = """
import os, signal, sys
sys.path.insert(0, {root!r})
import digest.render.output as output
mode = {mode!r}
real = output._link_tree

def link_tree(root, target, rels):
    if mode == "half":
        real(root, target, rels[:len(rels) // 2] + ["no/such/file.html"])
    os.killpg(os.getpgid(0), signal.SIGKILL)
if mode in ("half", "kill"):
    output._link_tree = link_tree

count = [0]
def counting(fn):
    def wrapped(*args, **kwargs):
        count[0] += 1
        return fn(*args, **kwargs)
    return wrapped
output._replace = counting(output._replace)
output._link_or_copy = counting(output._link_or_copy)
from digest.cli import main
code = main(["-q"])
print("written into the twin:", count[0])
sys.exit(code)
"""


def twin_build(site: Path, mode: str):
    return subprocess.run([sys.executable, "-c", TWIN_BUILD.format(root=str(ROOT), mode=mode)], cwd=site,
                          capture_output=True, text=True, timeout=300, start_new_session=True)


def test_a_first_build_leaves_output_a_twin_so_the_next_build_writes_only_what_changed(site_dir):
    """The twin of a first build is output/'s files linked, known: the next build writes into it
    only the files that differ, not the whole site."""
    assert run_build(site_dir, "-q").returncode == 0
    output, twin = site_dir / "output", site_dir / ".output.spare"
    files = sorted(str(p.relative_to(output)) for p in output.rglob("*") if p.is_file())
    assert files and sorted(str(p.relative_to(twin)) for p in twin.rglob("*") if p.is_file()) == files
    assert all(os.stat(output / rel).st_ino == os.stat(twin / rel).st_ino for rel in files)
    assert not (site_dir / ".output.next").exists()
    entry = sorted((site_dir / "content").glob("*.md"))[0]

    def edit_and_build(paragraph: str) -> int:
        entry.write_text(entry.read_text().replace("\n\n", f"\n\n{paragraph}\n\n", 1))
        result = twin_build(site_dir, "count")
        assert result.returncode == 0, result.stderr
        assert paragraph in "".join(p.read_text() for p in output.rglob("index.html"))
        return int(result.stdout.rsplit(":", 1)[1])

    written = edit_and_build("A new first paragraph.")
    assert 0 < written < len(files) / 4
    # Without the twin, the same kind of edit writes (links) every file of the site into a new one.
    shutil.rmtree(twin)
    assert edit_and_build("Another first paragraph.") >= len(files)


@pytest.mark.parametrize("mode", ["half", "kill"])
def test_a_first_builds_twin_that_fails_or_is_killed_leaves_the_site_whole(site_dir, mode):
    result = twin_build(site_dir, mode)
    if mode == "kill":
        assert result.returncode == -signal.SIGKILL, result.stderr
    else:
        assert result.returncode == 0, result.stderr
        assert not (site_dir / ".output.next").exists() and not (site_dir / ".output.spare").exists()
    built = snapshot(site_dir / "output")
    assert leftovers(site_dir / "output") == [] and "index.html" in built
    every_page_changes(site_dir, 7)
    assert run_build(site_dir, "-q").returncode == 0
    assert not (site_dir / ".output.next").exists()
    clean = snapshot(site_dir / "output")
    assert "Digest, edition 7" in clean["index.html"].decode()
    shutil.rmtree(site_dir / ".digest-cache")
    shutil.rmtree(site_dir / "output")
    assert run_build(site_dir, "-q").returncode == 0
    assert snapshot(site_dir / "output") == clean
