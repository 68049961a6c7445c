#!/usr/bin/env python3
"""Normalize benchmark: N dumps of distinct articles → content/, timed cold, with peak memory.

    python benchmarks/normalize_bench.py                      # 1,000 and 10,000 dumps, 3 runs each
    python benchmarks/normalize_bench.py --sizes 2000 --runs 5

What is generated (in a temporary folder; the repository is not touched), deterministic per --seed:
- 40 % aggregator dumps in layout A and 40 % in layout B (the shipped seeds' two layouts, see
  digest/ingest/layouts.py): a primary article, then 2-5 related articles. A related article
  appears in 2 or 3 dumps, captured at different times (its relative time follows), and in one
  sighting out of three it is cut short, as aggregators do: merging has real work, exact copies
  and truncated ones;
- 20 % saved publisher pages: menus, section, headline, standfirst, byline, date, share labels, the
  body in paragraphs with a subhead, a related list, a newsletter prompt and a footer.
Every article is distinct (benchmarks/synthetic.py: the samples' sentences reworded, with names of
the article's own), so the dumps hold as many distinct articles as are counted while generating,
and the normalizer must write exactly that many entries. Dump file times are set to their capture
times, spread over 90 days.

Each run is a fresh Python process that imports the normalizer and runs digest.pipeline.normalize
(what `python build.py` runs before it renders; the CLI has no normalize-only mode) on an empty
content/. Measured:
- wall time of that whole process (start-up and imports included) and of normalize() alone;
- CPU time (user + system) of the process and its workers: on a shared machine less disturbed by
  other work than the wall time (the load average is printed before each size);
- peak resident memory of the largest single process, the build's own or a worker's (getrusage
  RUSAGE_SELF and RUSAGE_CHILDREN: the workers count once their pool has waited for them);
- entries written to content/, checked against the distinct articles generated: the benchmark
  stops with an error when they differ.
Medians over --runs; the table gives the ratios to the targets (60 s and 1 GB at 10,000 dumps;
below 1 is within). No test asserts these times.
"""
import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from synthetic import Article, Articles  # noqa: E402

TARGET_DUMPS, TARGET_SECONDS, TARGET_MB = 10_000, 60.0, 1024.0

OUTLETS = ["Harbour Ledger", "The Meridian Post", "Northgate Daily", "Coastline Wire", "Civic Herald",
           "The Lantern Review", "Eastbrook Times", "Summit Dispatch", "Riverside Courier", "Atlas Report"]
SECTIONS = ["World", "Politics", "Business", "Asia", "Economy", "Diplomacy"]
# The aggregator's own lines, after the primary article (layout A, layout B) and after the last one.
FURNITURE_A = ("Orange background\n\nTry Our AI Features\n\nExplore what Daily8 AI can do for you:\n\n"
               "Comments\n\nNo comments yet...\n\nRelated Articles\n")
FURNITURE_B = ("Hashtags\n\nTry Our AI Features\nExplore what Daily8 AI can do for you:\nComments\n"
               "No comments yet...\nRelated Articles\n")
FOOTER = "DOWNLOAD THE APP\n\nGet Started Now: Download the App\n\napp-storeplay-store\n"
# A publisher's page chrome (written for this benchmark).
PAGE_MENU = "Skip to main content\nMenu\nSearch\n{outlet}\nHome\n" + "\n".join(SECTIONS) + "\nSign in\nSubscribe\n"
PAGE_SHARE = "Share\nCopy link\nEmail\n"
PAGE_PROMPT = "Get the morning briefing in your inbox\nSign up\n"
PAGE_FOOTER = ("About us\nContact\nCareers\nAdvertise\nPrivacy Policy\nTerms of Use\nCookie settings\n"
               "© 2025 {outlet}. All rights reserved.\n")

START = datetime(2025, 6, 1, tzinfo=timezone.utc)
SPAN = timedelta(days=90)


@dataclass
class Story:
    """An article as a dump shows it: its text, outlet, author and publication time."""
    article: Article
    source: str
    author: str
    published: datetime


def relative(delta: timedelta) -> str:
    minutes = max(2, int(delta.total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} minutes ago"
    hours = minutes // 60
    if hours < 24:
        return "an hour ago" if hours == 1 else f"{hours} hours ago"
    days = hours // 24
    return "a day ago" if days == 1 else f"{days} days ago"


def stamp(rng: random.Random, when: datetime) -> str:
    """A publisher's date line, in one of a few common forms."""
    return rng.choice([f"{when:%B} {when.day}, {when:%Y} {when:%H:%M} UTC",
                       f"Published: {when.day} {when:%b}. {when:%Y}, {when:%H:%M}",
                       f"Updated {when:%Y-%m-%d %H:%M} UTC"])


def one_line(rng: random.Random, story: Story) -> str:
    """A related article's text on one line, cut short in one sighting out of three."""
    text = " ".join(story.article.body)
    if rng.random() < 1 / 3:
        cut = text.split(" ")
        text = " ".join(cut[:int(len(cut) * rng.uniform(0.6, 0.95))])
    return text


def caption(rng: random.Random, story: Story, when: datetime) -> str:
    a, b, c, _ = story.article.names
    return (f"{a} {b}, center, speaks to reporters in {c} on {when:%A}, {when:%B} {when.day}, {when:%Y}. "
            f"({rng.choice(OUTLETS)} Photo)")


def layout_a(rng: random.Random, primary: Story, related: list[Story], captured: datetime) -> str:
    title = primary.article.title
    text = f"logo\n{title}\n\n{title}\n\n{primary.source}{relative(captured - primary.published)}\n"
    if rng.random() < 0.5:
        text += caption(rng, primary, primary.published) + "\n"
    text += f"By {primary.author.upper()}\n" + "\n".join(primary.article.body) + "\n" + FURNITURE_A + "\n"
    for story in related:
        t, src = story.article.title, story.source
        text += (f"{t}\n{t}\n\n{src}\n\ntime{relative(captured - story.published)}\n\n  • {src}\n\n{t}\n\n"
                 + one_line(rng, story) + "\n\n")
    return text + FOOTER


def layout_b(rng: random.Random, primary: Story, related: list[Story], captured: datetime) -> str:
    text = f"\n{primary.article.title}\n" + "\n".join(primary.article.body) + "\n" + FURNITURE_B + "\n\n"
    for story in related:
        text += (f"{story.source}\n{relative(captured - story.published)}\n- {story.source}\n"
                 f"{story.article.title}\n{one_line(rng, story)}\n\n\n")
    return text


def page(rng: random.Random, story: Story, standfirst: str, others: list[str]) -> str:
    body = story.article.body
    middle = len(body) // 2
    subhead = " ".join(story.article.names[:2]) + " and what comes next"
    paragraphs = body[:middle] + [subhead] + body[middle:]
    return (PAGE_MENU.format(outlet=story.source) + "\n" + rng.choice(SECTIONS) + "\n\n"
            + story.article.title + "\n\n" + standfirst + "\n\n"
            + f"By {story.author}\n{stamp(rng, story.published)}\n" + PAGE_SHARE + "\n"
            + "\n\n".join(paragraphs) + "\n\n" + PAGE_PROMPT + "\nRelated\n" + "\n".join(others) + "\n\n"
            + PAGE_FOOTER.format(outlet=story.source))


def generate(folder: Path, n: int, seed: int = 1) -> int:
    """Write n dumps into folder/seeds and a site.yaml; return how many distinct articles they hold."""
    rng = random.Random(seed)
    articles = Articles(rng)
    made = 0

    def new(captured: datetime, most: timedelta) -> Story:
        nonlocal made
        made += 1
        article = articles.make()
        return Story(article, rng.choice(OUTLETS), f"{article.names[0]} {article.names[1]}",
                     captured - rng.uniform(timedelta(minutes=5), most))

    waiting: deque[tuple[Story, int]] = deque()     # related articles still to be shown, and how often
    recent: deque[str] = deque(maxlen=12)           # headlines for the pages' related lists
    (folder / "seeds").mkdir(parents=True)
    for i in range(n):
        captured = START + SPAN * i / n
        kind = rng.random()
        if kind < 0.2:
            story = new(captured, timedelta(days=1))
            standfirst = articles.reword(rng.choice(articles.sentences).strip(), story.article.names)
            text = page(rng, story, standfirst, rng.sample(list(recent), k=min(len(recent), rng.randint(3, 5))))
        else:
            story = new(captured, timedelta(days=3))
            related, again = [], []
            for _ in range(rng.randint(2, 5)):
                if waiting:
                    shown, left = waiting.popleft()
                else:
                    shown, left = new(captured, timedelta(days=2)), rng.choice([2, 3])
                related.append(shown)
                if left > 1:
                    again.append((shown, left - 1))
            waiting.extend(again)   # shown again in a later dump, never twice in one
            text = (layout_a if kind < 0.6 else layout_b)(rng, story, related, captured)
        recent.append(story.article.title)
        path = folder / "seeds" / f"gen_{i:05d}.txt"
        path.write_text(text, encoding="utf-8")
        os.utime(path, (captured.timestamp(), captured.timestamp()))
    shutil.copy(ROOT / "site.yaml", folder / "site.yaml")
    return made


# Runs in a fresh process, in the site's folder: normalize, then report as one line of JSON.
CHILD = """
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from digest.config import load
from digest.content import entry_paths
from digest.pipeline import normalize
site = load(Path("site.yaml"))
started = time.perf_counter()
report = normalize(site)
seconds = time.perf_counter() - started
usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
print(json.dumps({"seconds": seconds, "peak_kb": max(u.ru_maxrss for u in usage),
                  "cpu": sum(u.ru_utime + u.ru_stime for u in usage), "dumps": report.dumps,
                  "articles": report.articles, "entries": len(entry_paths(site.content_dir)),
                  "warnings": report.warnings[:10], "warning_count": len(report.warnings)}))
"""


def run_once(folder: Path) -> tuple[float, dict]:
    shutil.rmtree(folder / "content", ignore_errors=True)
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", CHILD, str(ROOT)], cwd=folder, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"normalize failed:\n{proc.stderr}")
    return wall, json.loads(proc.stdout.strip().splitlines()[-1])


def measure(n: int, runs: int, seed: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="digest-normalize-bench-") as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        distinct = generate(folder, n, seed)
        print(f"{n:,} dumps generated in {time.perf_counter() - t0:.1f} s: {distinct:,} distinct articles",
              flush=True)
        print(f"  load average before the runs: {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores)", flush=True)
        walls, inner, cpus, peaks = [], [], [], []
        for r in range(runs):
            wall, got = run_once(folder)
            print(f"  run {r + 1}: {wall:.1f} s, normalize() {got['seconds']:.1f} s, CPU {got['cpu']:.1f} s, "
                  f"peak {got['peak_kb'] / 1024:.0f} MB, {got['articles']:,} articles read → "
                  f"{got['entries']:,} entries written (expected {distinct:,}), {got['warning_count']} warnings",
                  flush=True)
            if got["entries"] != distinct:
                sys.exit(f"MISMATCH at {n:,} dumps: {got['entries']:,} entries written, {distinct:,} distinct "
                         "articles generated. First warnings:\n  " + "\n  ".join(got["warnings"]))
            walls.append(wall)
            inner.append(got["seconds"])
            cpus.append(got["cpu"])
            peaks.append(got["peak_kb"] / 1024)
    return {"dumps": n, "distinct": distinct, "entries": got["entries"], "articles": got["articles"],
            "wall": statistics.median(walls), "inner": statistics.median(inner), "cpu": statistics.median(cpus),
            "peak": statistics.median(peaks)}


def table(rows: list[dict]) -> str:
    out = ["| dumps | distinct articles | entries written | articles read | wall s | normalize() s "
           "| CPU s | peak RSS MB | dumps/s | time / 60 s | memory / 1 GB |",
           "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        ratios = (f"{r['wall'] / TARGET_SECONDS:.2f} | {r['peak'] / TARGET_MB:.2f}" if r["dumps"] == TARGET_DUMPS
                  else "— | —")
        out.append(f"| {r['dumps']:,} | {r['distinct']:,} | {r['entries']:,} | {r['articles']:,} "
                   f"| {r['wall']:.1f} | {r['inner']:.1f} | {r['cpu']:.1f} | {r['peak']:.0f} "
                   f"| {r['dumps'] / r['wall']:,.0f} | {ratios} |")
    return "\n".join(out)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000], metavar="N", help="dumps per case")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    rows = [measure(n, args.runs, args.seed) for n in args.sizes]
    print(f"\nMedians of {args.runs} runs; ratios against the targets at {TARGET_DUMPS:,} dumps "
          f"({TARGET_SECONDS:.0f} s, {TARGET_MB / 1024:.0f} GB; below 1 is within):\n")
    print(table(rows))


if __name__ == "__main__":
    main()
