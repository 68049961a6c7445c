#!/usr/bin/env python3
"""Fit the line-role model (digest/ingest/line_roles.pkl) from the dev sets, and measure it.

    python tools/train_roles.py [--devset ../shared/devset] [--check]

Labels come from the gold bodies: a line is running text when its words occur in the page's gold
body (a whole gold line, or a run of at least four words of it); the headline is the line equal to
the gold headline. Every saved page of the dev sets is used (web/, pages/, and the clean copies and
saved pages of mixed/); aggregator dumps are cut by rules and are not the model's job.

It prints the figures of 5-fold cross-validation grouped by page (each page's lines predicted by a
model that never saw the page): those predict unseen pages. Then it fits on every page and writes
the model. The same dev sets and versions give the same file (fixed seeds, no early stopping).
--check fits and compares with the stored model instead of writing it.
"""
import argparse
from datetime import date
import hashlib
import io
import json
import pickle
import re
import sys
from pathlib import Path

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import GroupKFold
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digest.ingest import roles  # noqa: E402
from digest.ingest.boilerplate import DEFAULT  # noqa: E402
from digest.ingest.dump import ingest  # noqa: E402
from digest.ingest.extract import _GLUED_LABEL, tag_lines  # noqa: E402
from digest.ingest.layouts import cut  # noqa: E402
from digest.ingest.linefeatures import context_features, page_features  # noqa: E402
from digest.ingest.read import read_dump  # noqa: E402

FOLDS = 5
INNER_FOLDS = 3     # inside each fold of the cross-validation, for the stacking


def norm(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().lower()


def label_body(texts: list[str], gold_body: str) -> np.ndarray:
    whole = " " + norm(gold_body) + " "
    gold_lines = {norm(line) for line in gold_body.split("\n") if norm(line)}
    out = []
    for t in texts:
        n = norm(t)
        if not n:
            out.append(False)
        elif n in gold_lines:
            out.append(True)
        elif len(n.split()) >= 4 and f" {n} " in whole:
            out.append(True)
        elif len(n) >= 20 and " " not in n[:20] and n in whole:     # text without spaces
            out.append(True)
        else:
            words = n.split()
            grams = [" ".join(words[i:i + 4]) for i in range(len(words) - 3)]
            out.append(len(grams) >= 8 and sum(g in whole for g in grams) / len(grams) >= 0.9)
    return np.array(out)


def pages(devset: Path):
    """(set name, page id, lines, tags, gold body, gold headline) for every saved page."""
    web = json.loads((devset / "web" / "gold.json").read_text(encoding="utf-8"))
    for pid in sorted(web):
        yield ("web", pid, devset / "web" / "seeds" / f"{pid}.txt", web[pid]["body"], web[pid].get("title_silver"),
               web[pid])
    for name in ("pages", "mixed"):
        gold = json.loads((devset / name / "gold.json").read_text(encoding="utf-8"))
        for dump in sorted(gold["dumps"]):
            info = gold["dumps"][dump]
            if info["layout"] not in ("R", "C") or len(info["articles"]) != 1:
                continue
            art = gold["articles"][info["articles"][0]["id"]]
            yield (name, dump, devset / name / "seeds" / dump, art["body"], art.get("title"), art)


def examples(devset: Path):
    out = []
    for set_name, pid, path, body, title, gold in pages(devset):
        text = read_dump(path.read_bytes()).text
        blocks = [b for b in cut(text, DEFAULT) if b.kind == "page"]
        if len(blocks) != 1:
            print(f"  skipped {set_name}/{pid}: {len(blocks)} page blocks", file=sys.stderr)
            continue
        lines = blocks[0].lines
        texts = [s for _, s in lines]
        tags = tag_lines(lines, DEFAULT)
        y = label_body(texts, body)
        # The same page copied without blank lines between paragraphs, as some tools copy: so
        # the model does not lean on blank lines alone. (Same page: kept in the same fold.)
        packed = [(n, s) for n, (_, s) in enumerate(lines, 1)]
        for variant, page_lines in (("", lines), ("packed", packed)):
            out.append(dict(set=set_name, id=pid, variant=variant, texts=texts, tags=tags, y=y, gold_body=body, path=path, gold=gold,
                            features=page_features(page_lines, tags), title=title,
                            title_key=norm(title) if title else None))
    return out


def body_model() -> HistGradientBoostingClassifier:
    return HistGradientBoostingClassifier(max_iter=200, learning_rate=0.08, max_leaf_nodes=31,
                                          min_samples_leaf=20, l2_regularization=1.0,
                                          early_stopping=False, random_state=0)


def headline_model():
    # Boosting measured a little better than logistic regression here (0.835 against 0.817 out of fold).
    return HistGradientBoostingClassifier(max_iter=150, learning_rate=0.05, max_leaf_nodes=15, min_samples_leaf=10,
                                          class_weight="balanced", early_stopping=False, random_state=0)


def stack(pages_, first_p):
    return np.vstack([np.column_stack([pg["features"], context_features(p)]) for pg, p in zip(pages_, first_p)])


def fit_body(train, first_p_oof):
    X = np.vstack([pg["features"] for pg in train])
    y = np.concatenate([pg["y"] for pg in train])
    first = body_model().fit(X, y)
    second = body_model().fit(stack(train, first_p_oof), y)
    return first, second


def oof_first(pages_, folds):
    """Each page's first-pass probabilities from a model that did not see it."""
    out = [None] * len(pages_)
    for train_idx, test_idx in folds:
        X = np.vstack([pages_[i]["features"] for i in train_idx])
        y = np.concatenate([pages_[i]["y"] for i in train_idx])
        m = body_model().fit(X, y)
        for i in test_idx:
            out[i] = m.predict_proba(pages_[i]["features"])[:, 1]
    return out


def oof_body(pages_, folds):
    """First- and second-pass probabilities of every page from models that did not see it: what the
    second pass and the headline ranker are fitted on, so they learn from verdicts as imperfect as
    those they will get."""
    first = oof_first(pages_, folds)
    second = [None] * len(pages_)
    for train_idx, test_idx in folds:
        train = [pages_[i] for i in train_idx]
        y = np.concatenate([pg["y"] for pg in train])
        m = body_model().fit(stack(train, [first[i] for i in train_idx]), y)
        for i in test_idx:
            second[i] = m.predict_proba(stack([pages_[i]], [first[i]]))[:, 1]
    return first, second


def fit(pages_, folds) -> dict:
    first_oof, second_oof = oof_body(pages_, folds)
    first, second = fit_body(pages_, first_oof)
    return {"version": roles.MODEL_VERSION, "body1": first, "body2": second,
            "headline": fit_headline(pages_, second_oof)}


def headline_rows(pg, p):
    body = roles.fill_gaps(roles.choose_body(p), pg["tags"])
    cands = roles.headline_candidates(pg["texts"], body, pg["tags"])
    X = roles.headline_features(pg["texts"], pg["features"], p, body, cands)
    # (A label glued to the headline, "NextImg:Trump says ...", is cut from it as the extractor does.)
    y = (np.array([norm(_GLUED_LABEL.sub("", pg["texts"][i])) == pg["title_key"] for i in cands])
         if pg["title_key"] else np.zeros(len(cands), bool))
    return cands, X, y


def fit_headline(train, probs):
    Xs, ys = [], []
    for pg, p in zip(train, probs):
        _, X, y = headline_rows(pg, p)
        if y.any():
            Xs.append(X)
            ys.append(y)
    return headline_model().fit(np.vstack(Xs), np.concatenate(ys))


def folds_of(pages_, k=FOLDS):
    groups = np.array([f"{pg['set']}/{pg['id']}" for pg in pages_])
    return list(GroupKFold(k).split(np.zeros(len(pages_)), groups=groups))


def cross_validate(pages_):
    """Out-of-fold body lines and headline for every page; the stacking is nested inside each fold."""
    preds = [None] * len(pages_)
    for train_idx, test_idx in folds_of(pages_):
        train = [pages_[i] for i in train_idx]
        model = fit(train, folds_of(train, INNER_FOLDS))
        roles.use_model(model)
        for i in test_idx:
            preds[i] = extracted(pages_[i])
    roles.use_model(None)
    return preds


def extracted(pg):
    """What the normalizer makes of the page: body, headline, author, stated day."""
    result = ingest(pg["path"].name, pg["path"].read_bytes())
    if not result.articles:
        return "", None, None, None
    a = max(result.articles, key=lambda a: len(a.text))
    day = a.stamp.when.date().isoformat() if a.stamp is not None and a.stamp_is_published else None
    return a.text, a.title, a.author, day


def report(pages_, preds, devset: Path, label: str):
    sys.path.insert(0, str(devset / "web"))
    import metrics as M
    print(f"{label}:")
    for set_name in ("web", "pages", "mixed"):
        for lang_filter in ((None, "en") if set_name == "web" else (None,)):
            sel = [(pg, pr) for pg, pr in zip(pages_, preds) if pg["set"] == set_name and not pg["variant"]]
            if lang_filter:
                gold = json.loads((devset / "web" / "gold.json").read_text(encoding="utf-8"))
                sel = [(pg, pr) for pg, pr in sel if gold[pg["id"]].get("lang") == lang_filter]
            if not sel:
                continue
            tfs = [M.sh_tp_fp_fn(pg["gold_body"], pr[0]) for pg, pr in sel]
            p, r, f = M.sh_summary(tfs)
            titled = [(pg, pr) for pg, pr in sel if pg["title"]]
            acc = sum(M.norm_title(pr[1]) == M.norm_title(pg["title"]) for pg, pr in titled) / max(len(titled), 1)
            line = (f"  {set_name + (' (' + lang_filter + ')' if lang_filter else ''):10s} pages {len(sel):3d}  "
                    f"body P {p:.3f} R {r:.3f} F1 {f:.3f}  headline {acc:.3f} ({len(titled)} titled)")
            if set_name != "web":
                line += fields(sel)
            print(line)


def fields(sel) -> str:
    """Line-level figures and fields, as ../shared/devset/score.py counts them on saved pages."""
    flat = lambda t: re.sub(r"[^a-z0-9]+", " ", (t or "").lower()).strip()  # noqa: E731
    kept = kept_n = leak = leak_n = 0
    authors = authors_n = days = days_n = 0
    for pg, pr in sel:
        body, gold = " " + flat(pr[0]) + " ", pg["gold"]
        for line in pg["gold_body"].splitlines():
            if len(flat(line)) >= 3:
                kept_n += 1
                kept += (" " + flat(line) + " ") in body
        for line in gold.get("nonbody") or []:
            if len(flat(line)) >= 3 and flat(line) not in flat(pg["gold_body"]):
                leak_n += 1
                leak += (" " + flat(line) + " ") in body
        if len(pr) > 2 and gold.get("author"):
            authors_n += 1
            authors += flat(pr[2]) == flat(gold["author"])
        if len(pr) > 3 and gold.get("stated_date"):
            days_n += 1
            days += pr[3] is not None and abs((date.fromisoformat(pr[3]) - date.fromisoformat(gold["stated_date"][:10])).days) <= 1
    return (f"  lines kept {kept / max(kept_n, 1):.3f} leaked {leak / max(leak_n, 1):.3f}"
            f"  author {authors / max(authors_n, 1):.3f} ({authors_n})  stated day {days / max(days_n, 1):.3f} ({days_n})")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--devset", type=Path, default=ROOT.parent / "shared" / "devset")
    ap.add_argument("--check", action="store_true", help="compare with the stored model, write nothing")
    ap.add_argument("--no-cv", action="store_true", help="skip cross-validation")
    args = ap.parse_args()
    threadpool_limits(1)        # as fast on two cores, and never slowed by a busy machine
    pages_ = examples(args.devset)
    print(f"{len(pages_) // 2} pages (and each without its blank lines), "
          f"{sum(len(pg['texts']) for pg in pages_) // 2} lines")
    if not args.no_cv:
        report(pages_, cross_validate(pages_), args.devset, "cross-validated (5 folds by page)")
    model = fit(pages_, folds_of(pages_))
    roles.use_model(model)
    report(pages_, [extracted(pg) if not pg["variant"] else None for pg in pages_], args.devset,
           "fitted on all (dev figures)")
    roles.use_model(None)
    buf = io.BytesIO()
    pickle.dump(model, buf, protocol=5)
    data = buf.getvalue()
    digest = hashlib.sha256(data).hexdigest()[:16]
    if args.check:
        same = roles.MODEL_FILE.exists() and roles.MODEL_FILE.read_bytes() == data
        print(f"model {digest}: {'same as' if same else 'DIFFERS from'} {roles.MODEL_FILE.relative_to(ROOT)}")
        sys.exit(0 if same else 1)
    tmp = roles.MODEL_FILE.with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.replace(roles.MODEL_FILE)
    print(f"wrote {roles.MODEL_FILE.relative_to(ROOT)} ({len(data) // 1024} KB, sha256 {digest})")


if __name__ == "__main__":
    main()
