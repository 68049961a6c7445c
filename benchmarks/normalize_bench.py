#!/usr/bin/env python3
"""Normalize benchmark: generate N dumps by recombining the sample articles, normalize them, and
print dumps/s, wall time and peak memory (median of several runs).

    python benchmarks/normalize_bench.py                # 10,000 dumps, 3 runs
    python benchmarks/normalize_bench.py --dumps 2000 --runs 5

Each run starts from an empty content/ (a cold normalize) in a temporary folder; the repository
is not touched. Peak memory is the largest resident set of the build process or any worker.
"""
import argparse
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digest.ingest.dump import ingest  # noqa: E402

FURNITURE_A = ("Orange background\n\nTry Our AI Features\n\nExplore what Daily8 AI can do for you:\n\n"
               "Comments\n\nNo comments yet...\n\nRelated Articles\n")
FURNITURE_B = ("Hashtags\n\nTry Our AI Features\nExplore what Daily8 AI can do for you:\nComments\n"
               "No comments yet...\nRelated Articles\n")
FOOTER = "DOWNLOAD THE APP\n\nGet Started Now: Download the App\n\napp-storeplay-store\n"


def sample_articles():
    out = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        out.extend(ingest(path.name, path.read_bytes()).articles)
    return out


def relative(rng: random.Random) -> str:
    n = rng.choice([None, *range(2, 23)])
    unit = rng.choice(["minutes", "hours", "days"])
    return f"{'an' if unit == 'hours' else 'a'} {unit[:-1]} ago" if n is None else f"{n} {unit} ago"


def make_dump(rng: random.Random, articles) -> str:
    primary, *related = rng.sample(articles, k=min(len(articles), rng.randint(2, 5)))
    source = primary.source or "Example News"
    if rng.random() < 0.5:      # layout A
        text = (f"logo\n{primary.title}\n\n{primary.title}\n\n{source}{relative(rng)}\n" + "\n".join(primary.body)
                + "\n" + FURNITURE_A + "\n")
        for a in related:
            src = a.source or "Example News"
            text += (f"{a.title}\n{a.title}\n\n{src}\n\ntime{relative(rng)}\n\n  • {src}\n\n{a.title}\n\n"
                     + " ".join(a.body) + "\n\n")
        return text + FOOTER
    text = f"\n{primary.title}\n" + "\n".join(primary.body) + "\n" + FURNITURE_B + "\n\n"
    for a in related:
        src = a.source
        text += (f"{src}\n{relative(rng)}\n- {src}\n" if src else f"{relative(rng)}\n") + \
            f"{a.title}\n" + " ".join(a.body) + "\n\n\n"
    return text


def generate(folder: Path, n: int, seed: int = 1):
    rng = random.Random(seed)
    articles = sample_articles()
    (folder / "seeds").mkdir(parents=True)
    for i in range(n):
        (folder / "seeds" / f"gen_{i:05d}.txt").write_text(make_dump(rng, articles), encoding="utf-8")
    shutil.copy(ROOT / "site.yaml", folder / "site.yaml")


def run_once(folder: Path) -> tuple[float, int]:
    shutil.rmtree(folder / "content", ignore_errors=True)
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "-q"], cwd=folder,
                          capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        sys.exit(f"build failed:\n{proc.stderr}")
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, peak_kb


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--dumps", type=int, default=10_000)
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="digest-bench-") as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        generate(folder, args.dumps)
        print(f"generated {args.dumps} dumps in {time.perf_counter() - t0:.1f} s")
        times, peak = [], 0
        for _ in range(args.runs):
            elapsed, peak_kb = run_once(folder)
            times.append(elapsed)
            peak = max(peak, peak_kb)
        entries = len(list((folder / "content").glob("*.md")))
        median = statistics.median(times)
        print(f"normalize, cold: median {median:.2f} s over {args.runs} runs "
              f"(min {min(times):.2f}, max {max(times):.2f}); {args.dumps / median:,.0f} dumps/s; "
              f"{entries} entries; peak memory {peak / 1024:.0f} MB")


if __name__ == "__main__":
    main()
