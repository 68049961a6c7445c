#!/usr/bin/env python3
"""Group benchmark: classify N entries into themes and cluster them into stories.

    python benchmarks/group_bench.py                 # 50,000 entries, 3 runs
    python benchmarks/group_bench.py --entries 5000

Entries are generated from the sample articles (content/): about three reports per event, each event
with invented names of its own, the samples' sentences (so themes have real evidence) mixed with
Zipf-distributed filler words, and publication times spread over 120 days.
Prints the median wall time of classification and of clustering, and entries/s.
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
from digest.content import parse  # noqa: E402
from digest.model import Entry  # noqa: E402
from digest.stories import assign  # noqa: E402
from digest.text import sentences  # noqa: E402
from digest.themes import Classifier  # noqa: E402


def samples():
    out = []
    for path in sorted((ROOT / "content").glob("*.md")):
        meta, body = parse(path.read_text(encoding="utf-8"), path)
        out.append((meta["title"], [s for p in body.split("\n\n") for s in sentences(p)]))
    return out


def generate(n: int, seed: int = 7) -> list[Entry]:
    """n entries: about three reports per event, each event with invented names of its own, text
    from the samples' sentences and Zipf-distributed filler words, times over 120 days."""
    rng = random.Random(seed)
    base = samples()
    letters = "abcdefghijklmnopqrstuvwxyz"
    vocabulary = ["".join(rng.choice(letters) for _ in range(rng.randint(4, 9))) for _ in range(30_000)]
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]
    start = datetime(2025, 6, 1, tzinfo=timezone.utc)
    entries, event = [], None
    for i in range(n):
        if event is None or rng.random() < 1 / 3:
            names = [w.capitalize() for w in rng.choices(vocabulary[5000:], k=4)]
            event = (names, rng.choice(base), start + timedelta(minutes=rng.randrange(120 * 24 * 60)))
        names, (title, own), when = event
        filler = lambda k: " ".join(rng.choices(vocabulary, weights=weights, k=k))  # noqa: E731
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
    classifier = Classifier([t.rules for t in load(ROOT / "site.yaml").themes])
    entries = generate(args.entries)
    classify_times, cluster_times = [], []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        for e in entries:
            e.themes = classifier.classify(e.title, e.body)
        t1 = time.perf_counter()
        assign(entries, {})
        t2 = time.perf_counter()
        classify_times.append(t1 - t0)
        cluster_times.append(t2 - t1)
    total = statistics.median(a + b for a, b in zip(classify_times, cluster_times))
    stories = len({e.story for e in entries if e.story})
    print(f"{args.entries:,} entries, median of {args.runs} runs: classify {statistics.median(classify_times):.1f} s, "
          f"cluster {statistics.median(cluster_times):.1f} s, together {total:.1f} s "
          f"({args.entries / total:,.0f} entries/s); {stories:,} stories")


if __name__ == "__main__":
    main()
