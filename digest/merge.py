"""The same article seen in several dumps → one group of sightings.

Two sightings are the same article when most of the shorter text's word 5-grams occur in the longer
one (containment). Containment, unlike Jaccard similarity, still holds when one capture is truncated
or carries a caption glued to its first paragraph; re-flowed paragraphs do not matter because texts
are compared as word sequences. Candidates are found through a sample of each text's 5-grams (those
whose hash falls in one residue class, as in Broder's fingerprinting), so the work grows with the
number of articles, not its square. Different articles that share a headline have different texts,
so they never merge. Nor do two different texts that both contain a third (a short capture of a
shared banner or wire lede): every sighting in a group is a copy of the group's fullest text, or it
is not in the group.
"""
import numpy as np

from .groups import connected
from .model import Article
from .text import shingle_hashes, tokens

SAMPLE_MOD = 8          # keep one 5-gram in eight as a fingerprint
CONTAINMENT = 0.8       # share of the shorter text's 5-grams found in the longer one
MIN_SHARED_SAMPLES = 2
_KIND_RANK = {"primary": 0, "page": 0, "item": 0, "related": 1}


def representative(members: list[Article]) -> Article:
    """The fullest capture: most words; the primary article of its dump before a related copy."""
    return min(members, key=_rank)


def _rank(a: Article):
    return -a.word_count, _KIND_RANK[a.kind], a.dump, a.line


def shingles(text: str) -> np.ndarray:
    """The text's 5-grams, hashed: a sorted array of distinct uint32 (Article.grams holds its own)."""
    return shingle_hashes(tokens(text))


def fingerprint(grams: np.ndarray) -> list[int]:
    """The sample of the 5-grams that finds candidates, sorted."""
    return _sample(grams).tolist()


def _sample(grams: np.ndarray) -> np.ndarray:
    sample = grams[grams % SAMPLE_MOD == 0]
    return sample if len(sample) else grams[:4]


def contained(a: np.ndarray, b: np.ndarray) -> float:
    """Share of the smaller set of 5-grams found in the other (both sorted, distinct)."""
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    if not len(small):
        return 0.0
    at = np.searchsorted(large, small)
    at[at == len(large)] = 0
    return int(np.count_nonzero(large[at] == small)) / len(small)


def group(articles: list[Article]) -> list[list[Article]]:
    """Groups of sightings of one article, each in dump order; groups in order of first sighting."""
    exact: dict[str, int] = {}
    uniq: list[int] = []            # index of the first article of each distinct text
    first: list[int] = []           # the first article with the same text, for each article
    pairs: list[tuple[int, int]] = []
    for i, a in enumerate(articles):
        key = a.text_key
        if key in exact:
            pairs.append((exact[key], i))
        else:
            exact[key] = i
            uniq.append(i)
        first.append(exact[key])
    grams = {i: articles[i].grams for i in uniq}
    samples = [_sample(grams[i]) for i in uniq]
    for a, b, count in _sharing(samples):
        i, j = uniq[b], uniq[a]
        if count >= min(MIN_SHARED_SAMPLES, len(samples[b])) and contained(grams[i], grams[j]) >= CONTAINMENT:
            pairs.append((j, i))
    groups = []
    for members in connected(len(articles), pairs):
        groups.extend(_copies_of_fullest(members, articles, first, grams) if len(members) > 2 else [members])
    return [[articles[i] for i in members] for members in sorted(groups, key=lambda g: g[0])]


def _sharing(samples: list[np.ndarray]):
    """(a, b, n) for every two texts a < b whose samples share n > 0 hashes: the candidates. By
    sorting all samples by hash (a dictionary of lists of a million hashes took seconds): the
    texts that share a hash then stand side by side, in order."""
    if not samples:
        return []
    hashes = np.concatenate(samples)
    owner = np.repeat(np.arange(len(samples)), [len(s) for s in samples])
    order = np.lexsort((owner, hashes))
    hashes, owner = hashes[order], owner[order]
    firsts, seconds = [], []
    at, step = np.flatnonzero(hashes[:-1] == hashes[1:]), 1     # each text at most once a hash
    while len(at):
        firsts.append(owner[at])
        seconds.append(owner[at + step])
        step += 1
        at = at[at + step < len(hashes)]
        at = at[hashes[at + step] == hashes[at]]
    if not firsts:
        return []
    key = np.concatenate(firsts).astype(np.int64) * len(samples) + np.concatenate(seconds)
    keys, counts = np.unique(key, return_counts=True)
    return zip((keys // len(samples)).tolist(), (keys % len(samples)).tolist(), counts.tolist())


def _copies_of_fullest(members: list[int], articles: list[Article], first: list[int],
                       grams: dict[int, np.ndarray]) -> list[list[int]]:
    """A group joined only through a third text is split: the fullest text and its copies, then
    the same again among the rest. (first[i]: the first article with i's text, whose 5-grams are
    grams[first[i]].)"""
    out = []
    while members:
        rep = first[min(members, key=lambda i: _rank(articles[i]))]
        copy = {t: t == rep or contained(grams[t], grams[rep]) >= CONTAINMENT for t in {first[i] for i in members}}
        out.append([i for i in members if copy[first[i]]])
        members = [i for i in members if not copy[first[i]]]
    return out
