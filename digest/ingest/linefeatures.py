"""Numbers that describe each line of a saved page, for the learned line-role model (roles.py).

Every feature is about shape and place — length, punctuation, capitals, digits, where the line sits
relative to the page's main run of prose, what its neighbours look like — never about a site or a
string. Pure numpy; one page at a time.
"""
import re
from collections import Counter

import numpy as np

from .lines import words

# Tags the rule layer gives a line (extract._tag); the model takes them as lexical cues.
TAGS = ("prose", "short", "chrome", "marker", "byline", "stamp", "caption", "credit", "copyright", "dup")

_SENTENCE_END = re.compile(r"[.!?。！？…]['\"”’)\]」』]*$")
_INNER_END = re.compile(r"[.!?。！？][\"”’]?\s+\S|[。！？]")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_UPPER = re.compile(r"[A-ZÀ-ÞА-Я]")
_LETTER = re.compile(r"[^\W\d_]")
_DIGIT = re.compile(r"\d")
_SHORT_LOWER = re.compile(r"\b[a-zà-ÿа-я]{1,3}\b")
_SYMBOL = re.compile(r"[|»›©@#•·/\\<>{}\[\]=+*_~]")
_URL = re.compile(r"https?://|www\.|\.com\b|\.org\b")
_BULLET = re.compile(r"^[-•·*–—▪►>]\s")
# A line that reads as running text: long, or a sentence of some length.
_LONG_CHARS = 80

BASE_NAMES = (
    "log_chars", "log_words", "sent_end", "ends_colon", "ends_comma_like", "inner_sentences",
    "title_case_share", "upper_share", "digit_share", "short_lower_share", "symbol_share", "cjk_share",
    "has_url", "bullet", "starts_lower", "quote_start", "blank_before", "blank_after", "rel_line",
    "rel_chars", "is_long", "dup_in_page",
) + tuple(f"tag_{t}" for t in TAGS)
# The base features neighbours contribute (±1, ±2 lines).
NEIGHBOUR = ("log_chars", "sent_end", "is_long", "blank_before", "title_case_share", "tag_prose", "tag_chrome")
WINDOWS = (3, 10, 30)          # mean length and share of long lines within ±w lines


def text_length(text: str) -> int:
    """Characters, a CJK character counted twice: a line of Japanese or Chinese says as much as an
    English line about twice its length."""
    return len(text) + len(_CJK.findall(text))


def _base(text: str) -> list[float]:
    n_chars = text_length(text)
    ws = words(text)
    n_words = len(ws)
    letters = len(_LETTER.findall(text)) or 1
    cjk = len(_CJK.findall(text))
    cap_words = sum(1 for w in ws if w[:1].isupper())
    return [
        np.log1p(n_chars),
        np.log1p(n_words),                      # (words() counts two CJK characters as one)
        1.0 if _SENTENCE_END.search(text) else 0.0,
        1.0 if text.endswith(":") else 0.0,
        1.0 if text.endswith((",", ";", "-", "–", "|")) else 0.0,
        min(len(_INNER_END.findall(text)), 10) / 10,
        cap_words / n_words if n_words else 0.0,
        len(_UPPER.findall(text)) / letters,
        len(_DIGIT.findall(text)) / max(n_chars, 1),
        len(_SHORT_LOWER.findall(text)) / n_words if n_words else 0.0,
        len(_SYMBOL.findall(text)) / max(n_chars, 1),
        cjk / letters,
        1.0 if _URL.search(text) else 0.0,
        1.0 if _BULLET.match(text) else 0.0,
        1.0 if text[:1].islower() else 0.0,
        1.0 if text[:1] in "\"“‘'«「" else 0.0,
    ]


def _densest_run(is_long: np.ndarray, chars: np.ndarray, gap: int) -> tuple[int, int]:
    """(first, last) index of the run of long lines, allowing `gap` other lines between them, with
    the most characters: where the article's text most likely is."""
    best, best_chars = (0, -1), -1.0
    idx = np.flatnonzero(is_long)
    if not len(idx):
        return best
    start = idx[0]
    total = chars[idx[0]]
    prev = idx[0]
    for i in idx[1:]:
        if i - prev - 1 > gap:
            if total > best_chars:
                best, best_chars = (start, prev), total
            start, total = i, 0.0
        total += chars[i]
        prev = i
    if total > best_chars:
        best = (start, prev)
    return best


def page_features(lines: list[tuple[int, str]], tags: list[str]) -> np.ndarray:
    """One row per line. `lines` are (line number, text) of the non-blank lines; `tags` the rule
    layer's tag of each."""
    n = len(lines)
    if n == 0:
        return np.zeros((0, len(feature_names())))
    texts = [s for _, s in lines]
    numbers = np.array([no for no, _ in lines])
    base = np.array([_base(s) for s in texts], dtype=float)
    chars = np.array([text_length(s) for s in texts], dtype=float)
    cum = np.cumsum(chars)
    blank_before = np.ones(n)
    blank_before[1:] = (np.diff(numbers) > 1).astype(float)
    blank_after = np.ones(n)
    blank_after[:-1] = blank_before[1:]
    rel_line = np.arange(n) / max(n - 1, 1)
    rel_chars = (cum - chars) / max(cum[-1], 1)
    sent_end = base[:, 2]
    is_long = ((chars >= _LONG_CHARS) | ((sent_end > 0) & (chars >= 40))).astype(float)
    keys = [line_key(s) for s in texts]
    counts = Counter(keys)
    dup = np.array([1.0 if counts[k] > 1 else 0.0 for k in keys])
    tag_cols = np.array([[1.0 if t == name else 0.0 for name in TAGS] for t in tags], dtype=float).reshape(n, len(TAGS))
    base = np.column_stack([base, blank_before, blank_after, rel_line, rel_chars, is_long, dup, tag_cols])

    cols = [base]
    pick = [BASE_NAMES.index(name) for name in NEIGHBOUR]
    for shift in (-2, -1, 1, 2):
        shifted = np.full((n, len(pick)), -1.0)
        src = base[:, pick]
        if shift < 0:
            shifted[-shift:] = src[:shift]
        else:
            shifted[:-shift] = src[shift:]
        cols.append(shifted)
    log_chars = base[:, 0]
    for w in WINDOWS:
        cols.append(np.column_stack([_window_mean(log_chars, w), _window_mean(is_long, w),
                                     _window_mean(sent_end, w)]))
    # Where the main run of prose is, at several tolerances for the lines that interrupt it.
    for gap in (1, 3, 8):
        first, last = _densest_run(is_long, chars, gap)
        pos = np.arange(n)
        before = np.clip(first - pos, 0, None)
        after = np.clip(pos - last, 0, None)
        cols.append(np.column_stack([np.log1p(before), np.log1p(after),
                                     ((pos >= first) & (pos <= last)).astype(float)]))
    share_long = cum / max(cum[-1], 1)
    cols.append(np.column_stack([share_long, np.full(n, np.log1p(n)), np.full(n, np.log1p(cum[-1])),
                                 np.full(n, blank_before.mean())]))
    return np.column_stack(cols)


def _window_mean(values: np.ndarray, w: int) -> np.ndarray:
    padded = np.concatenate([np.zeros(1), np.cumsum(values)])
    n = len(values)
    lo = np.clip(np.arange(n) - w, 0, n)
    hi = np.clip(np.arange(n) + w + 1, 0, n)
    return (padded[hi] - padded[lo]) / (hi - lo)


def context_features(p: np.ndarray) -> np.ndarray:
    """The first pass's body probabilities around each line: the second pass's extra evidence."""
    n = len(p)
    cols = [p]
    for shift in (-2, -1, 1, 2):
        s = np.full(n, -1.0)
        if shift < 0:
            s[-shift:] = p[:shift]
        else:
            s[:-shift] = p[shift:]
        cols.append(s)
    for w in (5, 20):
        cols.append(_window_mean(p, w))
    cum = np.cumsum(p)
    cols.append(cum / max(cum[-1], 1e-9))               # share of the page's body above this line
    cols.append(np.maximum.accumulate(p))               # any body seen yet
    cols.append(np.maximum.accumulate(p[::-1])[::-1])   # any body still to come
    return np.column_stack(cols)


def feature_names() -> list[str]:
    names = list(BASE_NAMES)
    for shift in (-2, -1, 1, 2):
        names += [f"{name}@{shift:+d}" for name in NEIGHBOUR]
    for w in WINDOWS:
        names += [f"mean_log_chars±{w}", f"long_share±{w}", f"sent_end_share±{w}"]
    for gap in (1, 3, 8):
        names += [f"run{gap}_before", f"run{gap}_after", f"run{gap}_inside"]
    names += ["chars_above_share", "log_lines", "log_page_chars", "blank_line_share"]
    return names


def line_key(text: str) -> str:
    """A line as words only: what two printings of one line have in common."""
    return re.sub(r"\W+", " ", text).strip().lower()

