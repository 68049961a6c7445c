"""Which lines of a saved page are the article: a model learned from labelled pages.

Two passes of gradient-boosted trees decide, line by line, whether a line is running text: the
first from the line's own shape and its neighbours' (linefeatures.py), the second adds the first
pass's verdicts around it (a run of text interrupted by a caption stays one run; a lone sentence in
a list of links does not). A third model ranks the short lines above the text to pick the
headline. The models are fitted by tools/train_roles.py from the dev sets (never by hand) and stored
beside this file; it is loaded once per process.
"""
import pickle
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from .linefeatures import BASE_NAMES, context_features, line_key, page_features
from .lines import bare_name, words

MODEL_FILE = Path(__file__).with_name("line_roles.pkl")
MODEL_VERSION = 3
BODY_THRESHOLD = 0.5
# Headline candidates: short lines no further than this above the first line of text.
HEADLINE_REACH = 60
HEADLINE_MAX_CHARS = 300
HEADLINE_EXTRA = 27
N_BASE = len(BASE_NAMES)
_BYLINE, _STAMP = BASE_NAMES.index("tag_byline"), BASE_NAMES.index("tag_stamp")


@dataclass
class PageRoles:
    body_p: np.ndarray          # probability that each line is running text
    body: np.ndarray            # bool per line
    headline: int | None        # index of the headline line


_thread_limit = None        # the limit set when the model loads, held for the process's life


@cache
def load_model() -> dict:
    global _thread_limit
    from threadpoolctl import threadpool_limits
    with MODEL_FILE.open("rb") as f:
        model = pickle.load(f)
    # The trees are evaluated one small page at a time: starting OpenMP threads for each tree costs
    # far more than it saves (20x slower on a busy two-core machine); dumps run in parallel instead.
    # (After the load: OpenMP is loaded with scikit-learn.)
    _thread_limit = threadpool_limits(1, user_api="openmp")
    if model.get("version") != MODEL_VERSION:
        raise RuntimeError(f"{MODEL_FILE} is version {model.get('version')}, expected {MODEL_VERSION}: "
                           "rebuild it with python tools/train_roles.py")
    return model


_override: dict | None = None


def use_model(model: dict | None):
    """Evaluate with another model (the cross-validation's models of each fold); None: the stored one."""
    global _override
    _override = model


def body_probabilities(features: list[np.ndarray], model: dict) -> list[np.ndarray]:
    """Each page's lines' probability of being running text, the pages' lines given to each pass at
    once; the second pass reads the first's verdicts around each line of its own page."""
    firsts = _per_page(model["body1"].predict_proba(np.vstack(features))[:, 1], features)
    seconds = [np.column_stack([f, context_features(p)]) for f, p in zip(features, firsts)]
    return _per_page(model["body2"].predict_proba(np.vstack(seconds))[:, 1], features)


def choose_body(p: np.ndarray) -> np.ndarray:
    body = p >= BODY_THRESHOLD
    if not body.any() and len(p):
        # Nothing passed: keep the likeliest line and its neighbours that are nearly as likely,
        # rather than lose the page.
        best = int(np.argmax(p))
        body = p >= max(p[best] * 0.5, 0.05)
    return body


# What the rule layer knows is not text, even between two paragraphs; nor a headline.
_NEVER_TEXT = {"caption", "credit", "chrome", "byline", "stamp", "copyright", "marker", "dup"}
_NEVER_HEADLINE = _NEVER_TEXT - {"dup"}         # a headline is often printed twice


def fill_gaps(body: np.ndarray, tags: list[str]) -> np.ndarray:
    """A single line between two lines of text is a subhead of the text ("What happened"), unless the
    rules know it as a caption, a byline, a share button: smoothing along the page. (Measured out of
    fold: running-text lines kept on saved pages 0.970 -> 0.982, nothing leaked more.)"""
    out = body.copy()
    for i in range(1, len(body) - 1):
        if not body[i] and body[i - 1] and body[i + 1] and tags[i] not in _NEVER_TEXT:
            out[i] = True
    return out


def headline_candidates(texts: list[str], body: np.ndarray, tags: list[str]) -> list[int]:
    """Short lines up to HEADLINE_REACH above the text and 2 into it, but never one the rules know as
    furniture: a share button, a byline, a stamp, a caption (no dev page's headline is one)."""
    first = int(np.argmax(body)) if body.any() else len(texts)
    lo = max(0, first - HEADLINE_REACH)
    return [i for i in range(lo, min(first + 3, len(texts)))
            if 0 < len(texts[i]) <= HEADLINE_MAX_CHARS and not body[i] and _has_letters(texts[i])
            and tags[i] not in _NEVER_HEADLINE]


def _has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def _tokens(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"\w+", text)}


def _contains_neighbour(keys: list[str], i: int) -> bool:
    return any(0 <= j < len(keys) and len(keys[j]) >= 10 and keys[j] != keys[i] and keys[j] in keys[i]
               for j in (i - 1, i + 1))


def _contained_in_neighbour(keys: list[str], i: int) -> bool:
    return len(keys[i]) >= 10 and any(0 <= j < len(keys) and keys[j] != keys[i] and keys[i] in keys[j]
                                      for j in (i - 1, i + 1))


def headline_features(texts: list[str], features: np.ndarray, p: np.ndarray, body: np.ndarray,
                      candidates: list[int]) -> np.ndarray:
    """One row per candidate line: its shape (the line's own features), its place relative to the
    text, and how much of it the opening paragraphs repeat."""
    if not candidates:
        return np.zeros((0, HEADLINE_EXTRA + N_BASE))
    first = int(np.argmax(body)) if body.any() else len(texts)
    opening = set()
    for i in np.flatnonzero(body)[:6]:
        opening |= _tokens(texts[i])
    keys = [line_key(t) for t in texts]
    printed = Counter(keys)
    lengths = np.array([len(texts[i]) for i in candidates])
    order = np.argsort(-lengths, kind="stable")
    length_rank = np.empty(len(candidates), int)
    length_rank[order] = np.arange(len(candidates))
    rows = []
    for rank, i in enumerate(candidates):
        t = texts[i]
        toks = _tokens(t)
        overlap = len(toks & opening) / len(toks) if toks else 0.0
        covered = len(toks & opening) / max(len(opening), 1)
        longer_above = int((lengths[:rank] > lengths[rank]).sum())
        n_words = len(words(t))
        gap = first - i
        chars = len(t)
        rows.append([
            overlap, covered, np.log1p(max(gap, 0)), 1.0 if gap <= 0 else 0.0,
            1.0 if gap == 1 else 0.0, 1.0 if 2 <= gap <= 3 else 0.0, 1.0 if 4 <= gap <= 10 else 0.0,
            np.log1p(longer_above), np.log1p(len(candidates) - rank - 1),
            1.0 if 4 <= n_words <= 25 else 0.0, 1.0 if n_words <= 2 else 0.0,
            1.0 if chars < 20 else 0.0, 1.0 if 20 <= chars < 50 else 0.0, 1.0 if 50 <= chars < 120 else 0.0,
            1.0 if chars >= 160 else 0.0,
            1.0 if t.rstrip().endswith((".", ",", ";", ":")) else 0.0,
            printed[keys[i]] - 1.0,
            p[i], 1.0 if length_rank[rank] == 0 else 0.0, 1.0 if length_rank[rank] == 1 else 0.0,
            1.0 if i == 0 else 0.0,
            # a byline or a date just below, a standfirst just below, a name rather than a title
            float(features[i + 1:i + 4, [_BYLINE, _STAMP]].max(initial=0.0)),
            1.0 if i + 1 < len(texts) and len(texts[i + 1]) > chars and features[i + 1, 2] > 0 else 0.0,
            1.0 if i > 0 and 4 <= len(words(texts[i - 1])) <= 25 and not texts[i - 1].endswith(".") else 0.0,
            1.0 if bare_name(t) else 0.0,
            # a breadcrumb or a section label run into the headline contains the next line
            1.0 if _contains_neighbour(keys, i) else 0.0,
            1.0 if _contained_in_neighbour(keys, i) else 0.0,
        ])
    return np.column_stack([np.array(rows), features[candidates, :N_BASE]])


def page_roles(lines: list[tuple[int, str]], tags: list[str]) -> PageRoles:
    return page_roles_many([(lines, tags)])[0]


def page_roles_many(pages: list[tuple]) -> list[PageRoles]:
    """page_roles of several pages, each (lines, tags), with one call of
    each model for all their lines: a call walks the trees one by one and costs about as much as a
    few hundred lines. A line's verdict does not depend on the other lines of the call: the same as
    page by page, to the bit."""
    out = [PageRoles(np.zeros(0), np.zeros(0, bool), None) for _ in pages]
    todo = [n for n, page in enumerate(pages) if len(page[0])]
    if not todo:
        return out
    model = _override or load_model()
    features = [page_features(*pages[n]) for n in todo]
    found, rows = [], []
    for n, f, p in zip(todo, features, body_probabilities(features, model)):
        texts = [s for _, s in pages[n][0]]
        body = fill_gaps(choose_body(p), pages[n][1])
        candidates = headline_candidates(texts, body, pages[n][1])
        rows.append(headline_features(texts, f, p, body, candidates))
        found.append((n, p, body, candidates))
    asked = [r for r in rows if len(r)]
    scores = _per_page(model["headline"].decision_function(np.vstack(asked)), rows) if asked else rows
    for (n, p, body, candidates), score in zip(found, scores):
        out[n] = PageRoles(p, body, candidates[int(np.argmax(score))] if candidates else None)
    return out


def _per_page(values: np.ndarray, arrays: list[np.ndarray]) -> list[np.ndarray]:
    """values, one per row of the stacked arrays, cut back into one array per page."""
    return np.split(values, np.cumsum([len(a) for a in arrays])[:-1])
