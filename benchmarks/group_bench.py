#!/usr/bin/env python3
"""Group benchmark: classify N entries into themes and cluster them into stories.

    python benchmarks/group_bench.py                 # 50,000 entries, 3 runs
    python benchmarks/group_bench.py --entries 5000

Entries are generated from the sample articles (content/): about three reports per event, each event
with invented names of its own, the samples' sentences (so themes have real evidence) mixed with
Zipf-distributed filler words, and publication times spread over 120 days.
Runs what the build runs (digest.pipeline.group_entries: themes in worker processes while the
stories are clustered) and prints the median wall time and entries/s.
"""
import argparse
import random
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digest.config import load  # noqa: E402
from digest.model import Entry  # noqa: E402
from digest.pipeline import group_entries  # noqa: E402
from synthetic import Words, samples  # noqa: E402


def generate(n: int, seed: int = 7) -> list[Entry]:
    """n entries: about three reports per event, each event with invented names of its own, text
    from the samples' sentences and Zipf-distributed filler words, times over 120 days."""
    rng = random.Random(seed)
    base = samples()
    words = Words(rng)
    start = datetime(2025, 6, 1, tzinfo=timezone.utc)
    entries, event = [], None
    for i in range(n):
        if event is None or rng.random() < 1 / 3:
            names = words.names(4)
            event = (names, rng.choice(base), start + timedelta(minutes=rng.randrange(120 * 24 * 60)))
        names, (title, own), when = event
        filler = words.filler
        lede = f"{names[0]} {names[1]} {filler(12)} {names[2]}. {own[0]} {names[3]} {filler(8)}."
        mixed = rng.sample(own, k=min(len(own), 20))
        body = [lede] + [" ".join(mixed[k:k + 2]) + f" {filler(15)}." for k in range(0, len(mixed), 2)]
        published = when + timedelta(hours=rng.uniform(-20, 20))
        entries.append(Entry(id=f"{i:08x}", title=f"{names[0]} {names[1]}: {title}", source=None, credit=None,
                             author=None, dateline=None, published=published.isoformat(),
                             published_precision="minute", published_basis="relative",
                             captured=published.isoformat(), summary=None, image_caption=None, seen_in=[],
                             body=body))
    return entries


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--entries", type=int, default=50_000)
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args()
    site = load(ROOT / "site.yaml")
    t0 = time.perf_counter()
    entries = generate(args.entries)
    print(f"generated {args.entries:,} entries in {time.perf_counter() - t0:.1f} s")
    times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        group_entries(site, entries, {})       # what the build runs: themes and stories together
        times.append(time.perf_counter() - started)
    median = statistics.median(times)
    stories = len({e.story for e in entries if e.story})
    themed = sum(1 for e in entries if e.themes)
    print(f"{args.entries:,} entries: themes and stories in {median:.1f} s, median of {args.runs} runs "
          f"(min {min(times):.1f}, max {max(times):.1f}); {args.entries / median:,.0f} entries/s; "
          f"{stories:,} stories; {themed:,} entries with a theme")


if __name__ == "__main__":
    main()
