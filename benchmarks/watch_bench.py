#!/usr/bin/env python3
"""Watch benchmark: how long from an editor's save to the rebuilt page on disk and the browser's
reload signal, with `python build.py --watch` running on N generated entries.

    python benchmarks/watch_bench.py                       # 1,000 and 10,000 entries, 20 saves each
    python benchmarks/watch_bench.py --entries 1000 --saves 30

Each save changes one entry the way editors save (a temporary file renamed over the entry): first
its headline (a text edit: the pages that show the entry are rendered again), then its time (a
move to another day: every page is listed and compared again). The clock starts just before the
save and stops when the preview server's event stream announces the new build; the entry's page on
disk is then checked to hold the change. The median and the spread of each kind are printed, with
the first build's time and the search index's lag (it is made again in the background once saves
pause). Everything happens in a temporary folder.
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

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from render_bench import make_sites  # noqa: E402

GAP = 0.4       # seconds between saves (an editor's quick succession; shorter than the search pause)


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


def measure(n: int, saves: int, where: Path) -> dict:
    site, _ = make_sites(n, where)
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
        stamp = site / ".digest-cache" / "search" / ".key"
        deadline = time.monotonic() + 600
        while not stamp.exists() and time.monotonic() < deadline:     # the first search index, then the saves
            time.sleep(0.2)
        time.sleep(1)
        entries = sorted((site / "content").glob("*.md"))
        times: dict[str, list[float]] = {"headline": [], "day": []}
        for kind, count in (("headline", saves), ("day", max(5, saves // 2))):
            for i in range(count):
                entry = entries[(i * 7919 + (0 if kind == "headline" else 13)) % len(entries)]
                text = entry.read_text(encoding="utf-8")
                if kind == "headline":
                    mark = f"Saved headline {i} {time.time_ns()}"
                    new = text.replace("\ntitle: '", f"\ntitle: '{mark} ", 1)
                else:
                    new = re.sub(r"(?m)^published: '2025-(\d\d)-(\d\d)", f"published: '2024-\\1-{1 + i % 28:02d}", text)
                    mark = "2024/"
                t0 = time.perf_counter()
                save(entry, new)
                while True:
                    arrived, state = states.get(timeout=60)
                    if state["error"]:
                        raise SystemExit(f"the build failed: {state['error']}")
                    if state["build"] != build:
                        build = state["build"]
                        break
                times[kind].append(arrived - t0)
                page = next((site / "output").glob(f"*/*/*/{entry.stem}/index.html"))
                if mark not in page.as_posix() + page.read_text(encoding="utf-8"):
                    raise SystemExit(f"{page} does not show the change to {entry.name}")
                time.sleep(GAP)
        lag_start = time.perf_counter()
        stamp_before = stamp.stat().st_mtime_ns if stamp.exists() else 0
        while (not stamp.exists() or stamp.stat().st_mtime_ns == stamp_before) and time.perf_counter() - lag_start < 600:
            time.sleep(0.1)
        search_lag = time.perf_counter() - lag_start + GAP
    finally:
        process.terminate()
        process.wait(timeout=30)
    return {"first": first_build, "times": times, "search": search_lag}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--entries", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--saves", type=int, default=20)
    args = ap.parse_args()
    print(f"{os.cpu_count()} cores; {args.saves} saves each, {GAP} s apart")
    for n in args.entries:
        with tempfile.TemporaryDirectory() as tmp:
            result = measure(n, args.saves, Path(tmp))
        print(f"{n:>6} entries: first build {result['first']:.1f} s; search index follows "
              f"{result['search']:.1f} s after the last save")
        for kind, label in (("headline", "headline edit"), ("day", "move to another day")):
            ms = sorted(t * 1000 for t in result["times"][kind])
            print(f"        {label:>20}: save → page on disk and reload signal: median {statistics.median(ms):.0f} ms "
                  f"(min {ms[0]:.0f}, p90 {ms[max(0, int(len(ms) * 0.9) - 1)]:.0f}, max {ms[-1]:.0f}; {len(ms)} saves)")


if __name__ == "__main__":
    main()
