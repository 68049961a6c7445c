#!/usr/bin/env python3
"""Story benchmark: one story of thousands of reports, built as a user builds it.

    python benchmarks/story_bench.py                        # 2,000 and 20,000 reports, search off
    python benchmarks/story_bench.py --reports 2000 --search

Generates N reports of one kind of event, village budget meetings, as a regional wire sends them:
the same few sentences with the village, the chair and the day changed, published over four days,
so the clustering puts them all in one story. Writes them into content/ of a site in a temporary
folder (the shipped site.yaml and templates, no seeds), runs `python build.py` there and prints the
size of output/, the build's time and its peak memory (the largest process of the build), and the
stories the build found. The site must grow with the reports, not with their square: every entry
page shows at most a few other reports and links to the story's own pages, which list them all.
Search is off unless --search (Pagefind's index grows with the text, and takes its own time).
"""
import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

VILLAGES = ["Ashford", "Brookfield", "Cedarvale", "Dunmore", "Elmstead", "Fairlight", "Glenrock", "Hollins",
            "Ivybridge", "Juniper Hill", "Kettering", "Larkspur", "Millbrook", "Northwold", "Oakhurst",
            "Pinecrest", "Queensbury", "Ravenhill", "Stonehaven", "Thornbury", "Upton", "Westmere"]
CHAIRS = ["Anna Berg", "Tom Hale", "Maria Lopez", "Ken Sato", "Ruth Okafor", "Jan Novak", "Li Wei",
          "Sara Dahl", "Omar Haddad", "Eva Kovacs"]
OUTLETS = ["County Courier", "Valley Gazette", "Regional Wire", "Hillside Herald", "Riverside News"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
SPREAD = timedelta(days=4)


def report(rng: random.Random, n: int, when: datetime) -> str:
    village, chair, day = rng.choice(VILLAGES), rng.choice(CHAIRS), rng.choice(DAYS)
    first = (f"The village council of {village} held its budget meeting on {day} evening, chaired by "
             f"{chair}, to set next year's budget.")
    body = [first,
            f"Residents of {village} asked about road repairs, the school roof and water fees, and the council "
            f"answered each question before the budget meeting closed.",
            f"The council will vote on the budget at its next meeting, {chair} said, after the village has "
            "seen the figures.",
            f"Last year's budget of {village} was approved without changes; this year the council expects "
            f"{rng.randint(2, 9)} amendments."]
    lines = ["---", f"id: village-{n:06d}", f"title: {village} village holds its budget meeting",
             f"source: {rng.choice(OUTLETS)}", f"published: '{when.isoformat(timespec='minutes')}'",
             "published_precision: minute", "published_basis: stated", f"summary: \"{first}\"",
             "seen_in:", f"- wire-{n // 100:04d}.txt", "---", "", "\n\n".join(body), ""]
    return "\n".join(lines)


def generate(n: int, content: Path, seed: int = 7):
    rng = random.Random(seed)
    start = datetime(2025, 9, 1, 6, 0, tzinfo=timezone.utc)
    content.mkdir(parents=True)
    for i in range(n):
        when = start + SPREAD * i / n + timedelta(minutes=rng.randrange(30))
        (content / f"village-{i:06d}.md").write_text(report(rng, i, when), encoding="utf-8")


def make_site(n: int, where: Path, search: bool) -> Path:
    site = where / "site"
    site.mkdir()
    generate(n, site / "content")
    (site / "seeds").mkdir()
    config = re.sub(r"(?m)^(templates|search):.*$", "", (ROOT / "site.yaml").read_text(encoding="utf-8"))
    (site / "site.yaml").write_text(config + f"\ntemplates: {ROOT / 'templates'}\n"
                                    f"search: {'true' if search else 'false'}\n", encoding="utf-8")
    return site


def size_of(folder: Path) -> tuple[int, int, int, int]:
    """(files, bytes in them, bytes they take on disk, bytes of the largest)."""
    files = total = disk = largest = 0
    for root, _, names in os.walk(folder):
        for name in names:
            st = os.stat(os.path.join(root, name))
            files, total, disk, largest = files + 1, total + st.st_size, disk + st.st_blocks * 512, max(largest, st.st_size)
    return files, total, disk, largest


def measure(n: int, search: bool):
    with tempfile.TemporaryDirectory(prefix="story-bench-") as tmp:
        site = make_site(n, Path(tmp), search)
        started = time.perf_counter()
        child = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "-q"], cwd=site,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        err = child.stderr.read()
        _, status, usage = os.wait4(child.pid, 0)      # the build and the workers it waited for
        took = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) not in (0, 1):
            sys.exit(f"the build of {n:,} reports failed:\n{err.decode()[-2000:]}")
        files, total, disk, largest = size_of(site / "output")
        stories = Counter(json.loads((site / "content" / ".stories.json").read_text())["stories"].values())
        biggest = max(stories.values(), default=0)
        print(f"{n:,} reports of one story (search {'on' if search else 'off'}): output {total / 1e6:.1f} MB "
              f"in {files:,} files ({disk / 1e6:.1f} MB on disk; largest file {largest / 1e3:.0f} kB), "
              f"build {took:.1f} s, peak memory {usage.ru_maxrss / 1024:.0f} MB; "
              f"{len(stories)} {'story' if len(stories) == 1 else 'stories'}, the largest of {biggest:,} reports")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reports", type=int, nargs="+", default=[2000, 20000])
    ap.add_argument("--search", action="store_true", help="build the search index too")
    args = ap.parse_args()
    for n in args.reports:
        measure(n, args.search)


if __name__ == "__main__":
    main()
