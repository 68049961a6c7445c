"""output/ is deterministic, written only where bytes changed, and never left broken by a failed build."""
import os
import shutil
import time

from conftest import ROOT, run_build, snapshot
from site_helpers import build_site_copy


def inodes(folder):
    return {p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file()}


def test_two_builds_in_two_places_are_byte_identical_and_hold_no_path_or_clock(tmp_path):
    a = build_site_copy(tmp_path / "a")
    time.sleep(1.1)                         # a different wall clock for the second build
    b = build_site_copy(tmp_path / "b")
    first, second = snapshot(a / "output"), snapshot(b / "output")
    assert first == second
    assert any(name.startswith("pagefind/") for name in first)
    today = time.strftime("%Y-%m-%d").encode()
    for name, data in first.items():
        assert str(tmp_path).encode() not in data, name
        assert str(ROOT).encode() not in data, name
        assert today not in data, name


def test_unchanged_files_are_not_rewritten_and_an_edit_rewrites_only_what_shows_it(tmp_path):
    site = build_site_copy(tmp_path)
    out = site / "output"
    before = inodes(out)
    (site / "output" / "index.html").touch()            # the up-to-date check sees output/ changed
    before["index.html"] = inodes(out)["index.html"]
    assert run_build(site, "-q").returncode == 0
    assert inodes(out) == before                        # rebuilt, yet not one file rewritten
    entry = sorted((site / "content").glob("*.md"))[0]
    entry.write_text(entry.read_text(encoding="utf-8") + "\nAn editor's added paragraph.\n", encoding="utf-8")
    assert run_build(site, "-q").returncode == 0
    after = inodes(out)
    changed = {name for name in after if after[name] != before.get(name)}
    assert any(name.endswith("/index.html") and name.count("/") == 4 for name in changed)   # its page
    assert any(name.startswith("pagefind/") for name in changed)                           # the search index
    assert "archive/index.html" not in changed and "404.html" not in changed and "style.css" not in changed


def test_a_failed_build_leaves_the_previous_output_in_place(site_dir):
    assert run_build(site_dir, "-q").returncode == 0
    before = snapshot(site_dir / "output")
    (site_dir / "templates").mkdir()
    shutil.copy(ROOT / "templates" / "entry.html", site_dir / "templates" / "entry.html")
    broken = (site_dir / "templates" / "entry.html").read_text().replace("{% endblock %}", "{% endblok %}", 1)
    (site_dir / "templates" / "entry.html").write_text(broken)
    result = run_build(site_dir)
    assert result.returncode == 4       # nothing built
    assert "templates/entry.html:" in result.stderr and "was left as it was" in result.stderr
    assert snapshot(site_dir / "output") == before


def test_a_bad_entry_is_named_and_the_rest_is_built(site_dir):
    assert run_build(site_dir, "-q").returncode == 0
    entry = sorted((site_dir / "content").glob("*.md"))[0]
    text = entry.read_text(encoding="utf-8")
    entry.write_text(text.replace("published: '", "published: 'not a time "), encoding="utf-8")
    result = run_build(site_dir, "-q")
    assert result.returncode == 1
    line = next(n for n, l in enumerate(entry.read_text().splitlines(), 1) if l.startswith("published:"))
    assert f"content/{entry.name}:{line}: 'published' must be a time" in result.stderr
    pages = list((site_dir / "output").glob("20*/*/*/*/index.html"))
    assert len(pages) == len(list((site_dir / "content").glob("*.md"))) - 1


def test_files_of_removed_entries_are_removed(site_dir):
    assert run_build(site_dir, "-q").returncode == 0
    pages = set((site_dir / "output").glob("20*/*/*/*/index.html"))
    entry = sorted((site_dir / "content").glob("*.md"))[0]
    entry.unlink()
    assert run_build(site_dir, "-q").returncode == 0
    gone = pages - set((site_dir / "output").glob("20*/*/*/*/index.html"))
    assert len(gone) == 1 and not next(iter(gone)).parent.exists()


def test_nothing_changed_means_nothing_done_but_a_change_anywhere_is_seen(site_dir):
    assert run_build(site_dir, "-q").returncode == 0
    time.sleep(1.1)                                     # past the guard for files changed during a build
    assert run_build(site_dir, "-q").returncode == 0    # may redo once: normalize wrote content/ meanwhile
    time.sleep(1.1)
    result = run_build(site_dir)
    assert "nothing changed since the last build" in result.stderr
    (site_dir / "output" / "404.html").unlink()         # a damaged output/ is never vouched for
    result = run_build(site_dir)
    assert "rendered" in result.stderr and (site_dir / "output" / "404.html").is_file()
    os.utime(site_dir / "site.yaml")
    assert "rendered" in run_build(site_dir).stderr


def test_a_finished_file_is_linked_in_and_replacing_it_never_writes_through_the_link(tmp_path, monkeypatch):
    """The search index lies finished in the cache: output/ gets a hard link, compared like any file."""
    from digest.render.output import Output
    cache, out = tmp_path / "cache", tmp_path / "output"
    (cache / "v1").mkdir(parents=True)
    (cache / "v1" / "a.js").write_bytes(b"one")
    (cache / "v1" / "b.js").write_bytes(b"same")

    def commit(version):
        o = Output(out, cache)
        o.begin()
        for name in ("a.js", "b.js"):
            o.link(f"pagefind/{name}", cache / version / name)
        return o.commit()

    assert commit("v1") == (2, 0, 0)
    assert (out / "pagefind" / "a.js").stat().st_ino == (cache / "v1" / "a.js").stat().st_ino
    before = inodes(out)
    assert commit("v1") == (0, 2, 0)
    (cache / "v2").mkdir()                          # a new index: one file changed, one the same bytes
    (cache / "v2" / "a.js").write_bytes(b"two")
    (cache / "v2" / "b.js").write_bytes(b"same")
    assert commit("v2") == (1, 1, 0)
    after = inodes(out)
    assert after["pagefind/b.js"] == before["pagefind/b.js"]            # not rewritten
    assert (out / "pagefind" / "a.js").read_bytes() == b"two"
    assert (cache / "v1" / "a.js").read_bytes() == b"one"               # the old link target untouched
    assert not [p for p in (out / "pagefind").iterdir() if p.name.startswith(".")]     # no temp left

    def no_links(*args):
        raise OSError(18, "Invalid cross-device link")
    monkeypatch.setattr(os, "link", no_links)       # another disk: copied instead
    (cache / "v3").mkdir()
    (cache / "v3" / "a.js").write_bytes(b"three")
    (cache / "v3" / "b.js").write_bytes(b"same")
    assert commit("v3") == (1, 1, 0)
    assert (out / "pagefind" / "a.js").read_bytes() == b"three"
    assert (out / "pagefind" / "a.js").stat().st_ino != (cache / "v3" / "a.js").stat().st_ino


def test_a_first_build_is_written_beside_output_and_swapped_in_whole(tmp_path):
    """No output/ yet: the workers write the pages into a folder beside it, renamed to output/ at
    the end (and then output/'s files are linked into its twin, for the next build). It gives the
    same files as a build into an output/ that exists, and a first build that fails leaves neither
    output/ nor its folder behind."""
    staged = build_site_copy(tmp_path / "a")
    site = build_site_copy(tmp_path / "b")
    shutil.rmtree(site / "output")
    shutil.rmtree(site / ".digest-cache")
    (site / "output").mkdir()                           # there, but empty: files are written one by one
    assert run_build(site, "-q").returncode == 0
    assert snapshot(staged / "output") == snapshot(site / "output")
    assert [p.name for p in staged.iterdir() if p.name.startswith(".output")] == [".output.spare"]
    assert snapshot(staged / ".output.spare") == snapshot(staged / "output")

    stale = site / ".output.new-99999999"               # left by a first build that was killed
    (stale / "2025").mkdir(parents=True)
    shutil.rmtree(site / "output")
    (site / "templates").mkdir()
    broken = (ROOT / "templates" / "entry.html").read_text().replace("{% endblock %}", "{% endblok %}", 1)
    (site / "templates" / "entry.html").write_text(broken)
    result = run_build(site, "-q")
    assert result.returncode == 4 and "templates/entry.html:" in result.stderr
    assert not (site / "output").exists()
    assert [p.name for p in site.iterdir() if p.name.startswith(".output")] == []


def test_the_build_after_a_first_build_has_nothing_to_do(site_dir):
    """The files a build writes into content/ (entries, records, story ids) are newer than its start;
    they are its own, with the bytes it wrote: the next build trusts them and does nothing."""
    earlier = time.time() - 60          # the user's own files were written a while ago
    for path in [site_dir / "site.yaml", *(site_dir / "seeds").iterdir()]:
        os.utime(path, (earlier, earlier))
    assert run_build(site_dir, "-q").returncode == 0
    result = run_build(site_dir)
    assert "nothing changed since the last build" in result.stderr, result.stderr


def test_a_file_changed_in_the_same_clock_tick_is_never_trusted(site_dir):
    """An editor's change that keeps a file's size and time (a save within the same tick as the
    build's write) is still seen: the bytes are not those the build wrote."""
    assert run_build(site_dir, "-q").returncode == 0
    entry = sorted((site_dir / "content").glob("*.md"))[0]
    st = entry.stat()
    text = entry.read_text(encoding="utf-8")
    entry.write_text(text.replace("the", "teh", 1), encoding="utf-8")     # same size
    os.utime(entry, ns=(st.st_atime_ns, st.st_mtime_ns))
    result = run_build(site_dir)
    assert "nothing changed" not in result.stderr and "rendered" in result.stderr, result.stderr


def test_build_after_build_output_holds_exactly_the_site_each_one_made(tmp_path):
    """Output's twin is brought up to date from what the build before changed (--watch keeps one
    Output for every save) or, when that is not known, from the whole trees: either way, after every
    build output/ holds exactly the files and bytes of that build's site, whatever each changed."""
    import random

    from digest.render.output import Output
    rng = random.Random(7)
    cache, out = tmp_path / "cache", tmp_path / "output"
    names = [f"{folder}/{n}.html" for folder in ("a", "b", "c/d") for n in range(6)] + ["index.html"]
    site: dict[str, bytes] = {}
    output = Output(out, cache, persist=False)
    for build in range(40):
        if build % 9 == 8:          # now and then a plain build: what is known comes from the cache
            output.save()
            output = Output(out, cache)
        output.begin()
        wrote = {}
        for name in rng.sample(names, rng.randint(0, 5)):      # new or changed files
            wrote[name] = f"{name} of build {build}".encode()
        for name in rng.sample(sorted(site), min(len(site), rng.randint(0, 2))):   # files that go
            site.pop(name)
            wrote.pop(name, None)
        site.update(wrote)
        for name, data in wrote.items():
            output.took(name, output.put(name, data))
        output.commit(set(site))
        found = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
        assert found == site, f"build {build}"


def test_a_file_gone_from_output_by_hand_is_written_again_when_its_bytes_come_back(tmp_path):
    """What is known of output/ says it holds a file's bytes (so the twin would share its file),
    but someone removed it: the build writes the bytes instead of failing."""
    from digest.render.output import Output
    cache, out = tmp_path / "cache", tmp_path / "output"
    output = Output(out, cache, persist=False)
    for data in (b"one", b"two"):               # output/ holds "two", its twin "one"
        output.begin()
        output.took("a/index.html", output.put("a/index.html", data))
        output.commit()
    (out / "a" / "index.html").unlink()
    output.begin()
    output.took("a/index.html", output.put("a/index.html", b"two"))
    output.commit()
    assert (out / "a" / "index.html").read_bytes() == b"two"
