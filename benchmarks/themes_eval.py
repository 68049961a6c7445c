#!/usr/bin/env python3
"""Theme and story quality on labelled articles: per-theme precision/recall/F1, micro-F1, and
pairwise story precision/recall.

    python benchmarks/themes_eval.py            # the seeds' table + ../shared/devset (if present)
    python benchmarks/themes_eval.py --errors   # also list every wrong label

Labels: the seeds' expected table (from the themes issue) and the dev set's gold.json (themes,
themes_optional, stories). Articles are classified from their gold headline and text, so this
measures the rules, not the normalizer.
"""
import argparse
import json
import sys
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digest.config import load  # noqa: E402
from digest.content import parse  # noqa: E402
from digest.group.stories import Item, cluster, lede_of  # noqa: E402
from digest.group.themes import Classifier  # noqa: E402

DEVSET = ROOT.parent / "shared" / "devset"

# The themes issue's table for the shipped seeds: title prefix → (required, also acceptable).
SEED_LABELS = {
    "Rubio will meet Russian foreign minister": ({"russia-ukraine", "tariffs"}, set()),
    "PM warns Japan should not be underestimated": ({"japan", "tariffs"}, set()),
    "Rubio says no 'drama or division'": ({"japan"}, {"tariffs"}),
    "FOCUS: Trump-Kim summit not eyed": ({"korea"}, {"russia-ukraine", "japan"}),
    "Rubio to meet Lavrov while U.S. sends": ({"russia-ukraine"}, set()),
    "As Trump sows tariff confusion": ({"tariffs"}, set()),
    "Ishiba Remark on Reducing Dependence": ({"japan"}, set()),
}
SEED_STORIES = [["Rubio will meet Russian foreign minister", "Rubio to meet Lavrov while U.S. sends"],
                ["Rubio says no 'drama or division'", "Ishiba Remark on Reducing Dependence"]]


def labelled():
    """(key, title, body paragraphs, published, required themes, optional themes); the gold story
    groups; and which keys each labelled set (a site of its own) holds."""
    out = []
    for path in sorted((ROOT / "content").glob("*.md")):
        meta, body = parse(path.read_text(encoding="utf-8"), path)
        for prefix, (want, optional) in SEED_LABELS.items():
            if meta["title"].startswith(prefix):
                out.append((prefix, meta["title"], body.split("\n\n"),
                            datetime.fromisoformat(meta["published"]), want, optional))
    stories = [list(s) for s in SEED_STORIES]
    sets = {"seeds": {k for k, *_ in out}}
    for name in ("mixed", "pages"):
        gold_path = DEVSET / name / "gold.json"
        if not gold_path.exists():
            continue
        gold = json.loads(gold_path.read_text())
        sets[name] = {x["id"] for d in gold["dumps"].values() for x in d["articles"]}
        for key, a in gold["articles"].items():
            if key not in sets[name] or any(key == k for k, *_ in out):
                continue
            day = datetime.fromisoformat(a["date"]).replace(hour=12, tzinfo=timezone.utc)
            optional = set(a.get("themes_optional") or [])
            out.append((key, a["title"], a["body"].splitlines(), day, set(a["themes"]) - optional, optional))
        stories += [g for g in gold.get("stories", []) if g not in stories]
    return out, stories, sets


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--errors", action="store_true")
    args = p.parse_args()
    site = load(ROOT / "site.yaml")
    classifier = Classifier([t.rules for t in site.themes])
    slugs = [t.slug for t in site.themes]
    items, stories, sets = labelled()
    tp = dict.fromkeys(slugs, 0); fp = dict.fromkeys(slugs, 0); fn = dict.fromkeys(slugs, 0)
    errors = []
    for key, title, body, _, want, optional in items:
        got = set(classifier.classify(title, body)) - optional
        for s in slugs:
            tp[s] += s in got and s in want
            fp[s] += s in got and s not in want
            fn[s] += s not in got and s in want
        if got != want:
            errors.append(f"  {key}: got {sorted(got)} want {sorted(want)}  | {title[:70]}")
    print(f"themes on {len(items)} labelled articles:")
    for s in slugs:
        prec = tp[s] / max(1, tp[s] + fp[s]); rec = tp[s] / max(1, tp[s] + fn[s])
        f1 = 2 * tp[s] / max(1, 2 * tp[s] + fp[s] + fn[s])
        print(f"  {s:16} precision {prec:.3f}  recall {rec:.3f}  F1 {f1:.3f}  (tp {tp[s]}, fp {fp[s]}, fn {fn[s]})")
    TP, FP, FN = sum(tp.values()), sum(fp.values()), sum(fn.values())
    print(f"  micro-F1 {2 * TP / max(1, 2 * TP + FP + FN):.3f}")
    if args.errors and errors:
        print("\n".join(errors))

    # Stories: each labelled set clustered on its own, as a site would be; pairs vs the gold groups.
    same = {frozenset((x, y)) for g in stories for x in g for y in g if x != y}
    pred = set()
    for members in sets.values():
        chosen = [x for x in items if x[0] in members]
        story_of = cluster([Item(key, title, lede_of(body), published, tuple(body))
                            for key, title, body, published, *_ in chosen])
        keys = [k for k, *_ in chosen]
        pred |= {frozenset((x, y)) for i, x in enumerate(keys) for y in keys[i + 1:]
                 if story_of.get(x) is not None and story_of.get(x) == story_of.get(y)}
    same = {p for p in same if any(p <= m for m in sets.values())}
    hit = len(pred & same)
    print(f"stories: pairwise precision {hit / max(1, len(pred)):.3f}  recall {hit / max(1, len(same)):.3f}  "
          f"({len(pred)} predicted pairs, {len(same)} gold pairs)")
    if args.errors:
        for pair in sorted(pred - same, key=sorted):
            print("  false pair:", sorted(pair))
        for pair in sorted(same - pred, key=sorted):
            print("  missed pair:", sorted(pair))


if __name__ == "__main__":
    main()
