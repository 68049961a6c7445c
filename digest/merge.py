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
import zlib
from collections import defaultdict

from .groups import connected
from .model import Article
from .text import tokens

SHINGLE = 5
SAMPLE_MOD = 8          # keep one 5-gram in eight as a fingerprint
CONTAINMENT = 0.8       # share of the shorter text's 5-grams found in the longer one
MIN_SHARED_SAMPLES = 2
_KIND_RANK = {"primary": 0, "page": 0, "related": 1}


def representative(members: list[Article]) -> Article:
    """The fullest capture: most words; the primary article of its dump before a related copy."""
    return min(members, key=_rank)


def _rank(a: Article):
    return -a.word_count, _KIND_RANK[a.kind], a.dump, a.line


def shingles(text: str) -> set[int]:
    t = tokens(text)
    if len(t) < SHINGLE:
        return {_hash(" ".join(t))} if t else set()
    return {_hash(" ".join(t[i:i + SHINGLE])) for i in range(len(t) - SHINGLE + 1)}


def _hash(s: str) -> int:
    """Stable across runs and machines (fingerprints are stored), and cheap."""
    return zlib.crc32(s.encode())


def fingerprint(grams: set[int]) -> set[int]:
    sample = {g for g in grams if g % SAMPLE_MOD == 0}
    return sample or set(sorted(grams)[:4])


def contained(a: set[int], b: set[int]) -> float:
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return len(small & large) / len(small) if small else 0.0


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
    grams = {i: shingles(articles[i].text) for i in uniq}
    index: dict[int, list[int]] = defaultdict(list)
    for i in uniq:
        shared: dict[int, int] = defaultdict(int)
        fp = fingerprint(grams[i])
        for g in fp:
            for j in index[g]:
                shared[j] += 1
            index[g].append(i)
        for j, count in shared.items():
            if count >= min(MIN_SHARED_SAMPLES, len(fp)) and contained(grams[i], grams[j]) >= CONTAINMENT:
                pairs.append((j, i))
    groups = []
    for members in connected(len(articles), pairs):
        groups.extend(_copies_of_fullest(members, articles, first, grams) if len(members) > 2 else [members])
    return [[articles[i] for i in members] for members in sorted(groups, key=lambda g: g[0])]


def _copies_of_fullest(members: list[int], articles: list[Article], first: list[int],
                       grams: dict[int, set[int]]) -> list[list[int]]:
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
