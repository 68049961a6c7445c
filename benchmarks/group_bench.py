#!/usr/bin/env python3
"""Group benchmark: classify N entries into themes and cluster them into stories.

    python benchmarks/group_bench.py                 # 50,000 entries, 3 runs
    python benchmarks/group_bench.py --entries 5000

Entries are generated from the sample articles (content/): about three reports per event, each event
with invented names of its own, the samples' sentences (so themes have real evidence) mixed with
Zipf-distributed filler words, and publication times spread over 120 days.
Runs what the build runs over content/: each entry's themes (the build finds them as it reads each
entry, in its workers; here in one process) and the stories over all of them; prints the median
wall time of each and entries/s.
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
from digest.group.stories import Item, cluster, lede_of  # noqa: E402
from digest.group.themes import Classifier  # noqa: E402
from synthetic import Words, samples  # noqa: E402


def generate(n: int, seed: int = 7) -> list[Item]:
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
        entries.append(Item(f"{i:08x}", f"{names[0]} {names[1]}: {title}", lede_of(body), published, tuple(body)))
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
    classifier = Classifier([t.rules for t in site.themes if t.rules])
    theme_times, story_times = [], []
    for _ in range(args.runs):
        started = time.perf_counter()
        themes = [classifier.classify(e.title, e.paragraphs) for e in entries]
        theme_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        labels = cluster(entries)
        story_times.append(time.perf_counter() - started)
    themes_s, stories_s = statistics.median(theme_times), statistics.median(story_times)
    stories = len({label for label in labels.values() if label})
    themed = sum(1 for found in themes if found)
    print(f"{args.entries:,} entries, medians of {args.runs} runs: themes {themes_s:.1f} s "
          f"({args.entries / themes_s:,.0f} entries/s in one process), stories {stories_s:.1f} s "
          f"({args.entries / stories_s:,.0f} entries/s); {stories:,} stories; {themed:,} entries with a theme")

if __name__ == "__main__":
    main()
