#!/usr/bin/env python3
"""Watch benchmark: how long from an editor's save to the rebuilt page on disk and the browser's
reload signal, with `python build.py --watch` running on N generated entries.

    python benchmarks/watch_bench.py                       # 1,000 and 10,000 entries, 10 saves of each kind
    python benchmarks/watch_bench.py --entries 1000 --saves 20

The entries are render_bench.py's (benchmarks/synthetic.py: 100 a day, distinct articles, stories of
2-4 reports). Each save changes one entry the way editors save (a temporary file renamed over the
entry), a different entry each time, one kind of edit after another:
- headline: a new headline (a text edit: the pages that show the entry are rendered again);
- body text: its last paragraph rewritten;
- move to another day: its time set a year back (every page is listed and compared again);
- new entry: a new entry file, published in the newest two days, as a newsroom adds one;
- theme change: its themes set by hand (`themes: [slug]` in its front matter) to a theme its page
  does not show, which moves it from theme pages to another's.
The clock starts just before the save and stops when the preview server's event stream announces
the new build (it does so once output/ holds it); the entry's page on disk is then checked to show
the change. Saves are 0.4 s apart (an editor's quick succession; shorter than the search index's
pause, so Pagefind never runs meanwhile). The median and spread of each kind are printed with the
issue's target (1,000 entries: 100 ms; 10,000: 300 ms, for any edit), the first build's time and
the search index's lag (it is made again in the background once saves pause). Everything happens in
a temporary folder.
"""
import argparse
import http.client
import json
import os
import queue
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import markupsafe

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from render_bench import ours_site, prepare  # noqa: E402

GAP = 0.4       # seconds between saves (an editor's quick succession; shorter than the search pause)
KINDS = ("headline", "body text", "move to another day", "new entry", "theme change")
TARGET_MS = {1_000: 100, 10_000: 300}
THEMES = re.findall(r"(?m)^  - slug: (\S+)", (ROOT.parent / "site.yaml").read_text(encoding="utf-8"))


def listen(port: int, states: queue.Queue):
    """Put (arrival time, state) for every event the preview server sends."""
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", "/__digest__/events")
    response = conn.getresponse()
    for line in response:
        if line.startswith(b"data: "):
            states.put((time.perf_counter(), json.loads(line[6:])))


def save(path: Path, text: str):
    temporary = path.with_name("." + path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def page_of(site: Path, stem: str) -> Path:
    return next((site / "output").glob(f"*/*/*/{stem}/index.html"))


def shown_themes(page: Path) -> set[str]:
    tags = re.search(r'<ul class="tags" aria-label="Themes">(.*?)</ul>', page.read_text(encoding="utf-8"), re.S)
    return set(re.findall(r'themes/([a-z0-9-]+)/"', tags[1])) if tags else set()


def edit(kind: str, i: int, site: Path, entries: list[Path], added: list[Path]):
    """One save of this kind: (the file saved, its new text, what its page must then show)."""
    if kind == "new entry":
        source = added[i]
        text = source.read_text(encoding="utf-8")
        title = re.search(r"(?m)^title: '(.*)'$", text)[1].replace("''", "'")
        return site / "content" / source.name, text, str(markupsafe.escape(title))
    at = i * 7919 + KINDS.index(kind) * 13
    if kind == "theme change":      # an entry its page does not show in every theme
        while not set(THEMES) - shown_themes(page_of(site, entries[at % len(entries)].stem)):
            at += 1
    entry = entries[at % len(entries)]
    text = entry.read_text(encoding="utf-8")
    mark = f"Saved {kind} {i} {time.time_ns()}"
    if kind == "headline":
        return entry, text.replace("\ntitle: '", f"\ntitle: '{mark} ", 1), mark
    if kind == "body text":
        head, body = text.rstrip("\n").rsplit("\n\n", 1)
        return entry, f"{head}\n\n{mark}: a paragraph rewritten.\n", mark
    if kind == "move to another day":
        return entry, re.sub(r"(?m)^published: '2025-(\d\d)-(\d\d)", f"published: '2024-\\1-{1 + i % 28:02d}", text), "2024/"
    theme = next(t for t in THEMES if t not in shown_themes(page_of(site, entry.stem)))
    return entry, text.replace("\ntitle: '", f"\nthemes: [{theme}]\ntitle: '", 1), f'themes/{theme}/"'


def measure(n: int, saves: int, where: Path) -> dict:
    master = prepare(n, where / "master", added=saves)
    site = ours_site(master.content, where / "site", search=True)
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, str(ROOT.parent / "build.py"), "--watch", "--port", "0", "-q"],
                               cwd=site, stdout=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        first_build = time.perf_counter() - started
        port = int(line.split(" at http://127.0.0.1:")[1].split("/")[0])
        states: queue.Queue = queue.Queue()
        threading.Thread(target=listen, args=(port, states), daemon=True).start()
        build = states.get(timeout=30)[1]["build"]
        shards = site / "output" / "pagefind" / "shards.json"
        deadline = time.monotonic() + 600
        while not shards.exists() and time.monotonic() < deadline:     # the first search index, then the saves
            time.sleep(0.2)
        time.sleep(1)
        entries = sorted((site / "content").glob("*.md"))
        times: dict[str, list[float]] = {kind: [] for kind in KINDS}
        for kind in KINDS:
            for i in range(saves):
                path, text, mark = edit(kind, i, site, entries, master.added)
                t0 = time.perf_counter()
                save(path, text)
                while True:
                    arrived, state = states.get(timeout=60)
                    if state["error"]:
                        raise SystemExit(f"the build failed: {state['error']}")
                    if state["build"] != build:
                        build = state["build"]
                        break
                times[kind].append(arrived - t0)
                page = page_of(site, path.stem)
                if mark not in page.as_posix() + page.read_text(encoding="utf-8"):
                    raise SystemExit(f"{page} does not show the change to {path.name} ({kind})")
                time.sleep(GAP)
        lag_start = time.perf_counter()
        newest = index_time(site)
        while index_time(site) == newest and time.perf_counter() - lag_start < 600:
            time.sleep(0.1)
        search_lag = time.perf_counter() - lag_start + GAP
    finally:
        process.terminate()
        process.wait(timeout=30)
    return {"first": first_build, "times": times, "search": search_lag}


def index_time(site: Path) -> int:
    """When the search index in output/ last changed: its shards' entry files' newest time."""
    return max((p.stat().st_mtime_ns for p in (site / "output" / "pagefind").glob("*/pagefind-entry.json")), default=0)


def table(n: int, result: dict) -> str:
    target = TARGET_MS.get(n)
    lines = [f"| {n:,} entries: save → page on disk and reload signal | median | min | p90 | max | saves | target | met |",
             "|---|---|---|---|---|---|---|---|"]
    for kind in KINDS:
        ms = sorted(t * 1000 for t in result["times"][kind])
        median = statistics.median(ms)
        lines.append(f"| {kind} | {median:.0f} ms | {ms[0]:.0f} | {ms[max(0, int(len(ms) * 0.9) - 1)]:.0f} | "
                     f"{ms[-1]:.0f} | {len(ms)} | {f'≤ {target} ms' if target else '—'} | "
                     f"{('yes' if median <= target else 'no') if target else '—'} |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--entries", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--saves", type=int, default=10, help="saves of each kind (default 10)")
    args = ap.parse_args()
    print(f"{os.cpu_count()} cores; {args.saves} saves of each kind, {GAP} s apart")
    for n in args.entries:
        print(f"\nload average {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
        with tempfile.TemporaryDirectory(prefix="watch-bench-") as tmp:
            result = measure(n, args.saves, Path(tmp))
        print(f"{n:,} entries: first build {result['first']:.1f} s; search index follows "
              f"{result['search']:.1f} s after the last save\n")
        print(table(n, result), flush=True)


if __name__ == "__main__":
    main()
