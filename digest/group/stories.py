"""Different outlets' reports of one event → one story.

Headline and lede are turned into TF-IDF vectors of word stems (Snowball stemmer, so "resigns"
meets "resignation"); two reports published within a few days of each other whose vectors' cosine
similarity reaches the threshold are the same story, and stories are the connected groups of such
pairs. Only reports close in time are compared, so the work grows with the number of reports times
the reports of a few days.

Word rarity (IDF) is learnt from every paragraph of the reports, not only from their ledes: a small
site has too few ledes for rarity to mean anything, and then two stories about one minister on one
day look alike. On the labelled sets (benchmarks/themes_eval.py), each set clustered on its own as
a site would, true pairs score 0.266 or more and false pairs 0.225 or less; the threshold sits
between.

Rarity is learnt from the site's earliest reports, as many as the last step of a series growing by
a quarter (basis): reports mostly arrive as the newest, so it stays the same until the site has
grown by about a quarter. While it holds, whether two reports are alike depends on those two
reports alone, so a build works out only the pairs of the reports that are new or changed
(StoryIndex) and gets what comparing every pair would give; and it is a function of the reports
alone, so every machine groups the same entries alike.
"""
import hashlib
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from bisect import bisect_right
from itertools import chain

import numpy as np
import snowballstemmer

from ..groups import Linked
from ..text import sentences
from .stopwords import ENGLISH

SIMILARITY = 0.245
WINDOW = timedelta(days=3)
CHUNK = 500                     # reports compared at a time (bounds memory)
CELLS = 2_000_000               # at most so many (report, report) cells a chunk: fewer rows where many are near
PAIR_BATCH = 100_000            # candidate pairs whose similarity is worked out at a time (~50 MB)
UNDATED_CHUNK = 200             # reports dated by their capture compared at a time (500: +140 MB)
LEDE_SENTENCES = 3
# An article dated by its capture time was published then or earlier: how much earlier to look.
UNDATED_REACH = timedelta(days=30)
IDF_DOCUMENTS = 5_000           # documents to learn word rarity from; plenty once a site is large
# Candidate pairs share one of each other's heaviest stems; every true pair of the labelled sets
# shares one of its 12 heaviest.
BLOCKING_TERMS = 16
# Similar pairs a StoryIndex keeps; past this (one story of thousands of reports) every build groups
# afresh, folding the pairs into the groups as they come instead of keeping them.
EDGE_LIMIT = 2_000_000
_WORD = re.compile(r"(?u)[\w%-]{2,}")
_STEMMER = snowballstemmer.stemmer("english")     # PyStemmer's C implementation when installed
_STEM: dict[str, str] = {}                          # word → stem, for the life of the process
_STEMS: dict[str, tuple[str, ...]] = {}             # text → its stems (--watch reads the same texts again)
_STEMS_KEPT = 200_000


def stems_of(text: str) -> tuple[str, ...]:
    """The text's words (two characters or more, lower case, no English stop word), stemmed."""
    found = _STEMS.get(text)
    if found is None:
        words = [w for w in _WORD.findall(text.lower()) if w not in ENGLISH]
        new = [w for w in dict.fromkeys(words) if w not in _STEM]
        _STEM.update(zip(new, _STEMMER.stemWords(new)))
        found = tuple(_STEM[w] for w in words)
        if len(_STEMS) >= _STEMS_KEPT:
            _STEMS.clear()
        _STEMS[text] = found
    return found


@dataclass(frozen=True)
class Item:
    key: str
    title: str
    lede: str                           # the first sentences of the text (see lede_of)
    published: datetime
    # The whole text, to learn word rarity from (the first paragraphs of the earliest reports).
    paragraphs: tuple[str, ...] = field(default=(), compare=False)
    undated: bool = False               # published is only the capture time: an upper bound
    text: str = field(init=False, compare=False, repr=False)    # what its vector is made of
    signature: str = field(init=False, compare=False, repr=False)   # a hash of all that counts in comparing

    def __post_init__(self):
        object.__setattr__(self, "text", f"{self.title}. {self.title}. {self.lede}")   # the headline counts double
        seen = f"{self.text}\0{self.published.isoformat()}\0{self.undated}".encode("utf-8", "surrogatepass")
        object.__setattr__(self, "signature", hashlib.blake2b(seen, digest_size=16).digest())


def lede_of(paragraphs: list[str]) -> str:
    """The first sentences of the text (three sentences fit in 1,200 characters)."""
    return " ".join(sentences(" ".join(paragraphs[:3])[:1200])[:LEDE_SENTENCES])


def _order(items) -> list[Item]:
    return sorted(items, key=lambda i: (i.published, i.key))


def _steps(limit: int = 10 ** 9) -> list[int]:
    """1, 2, 3, …, 8, 10, 12, 15, 18, 22, …: each about a quarter more than the one before."""
    steps = [1]
    while steps[-1] < limit:
        steps.append(max(steps[-1] + 1, steps[-1] * 5 // 4))
    return steps


_STEPS = _steps()


def basis(reports: int) -> int:
    """How many of the earliest reports word rarity is learnt from: the largest step not above
    the number of reports. Reports are mostly added as the newest, so the earliest ones, and the
    rarity learnt from them, stay the same until the site has grown by about a quarter."""
    return _STEPS[bisect_right(_STEPS, reports) - 1] if reports else 0


# Word rarity is known to within a tenth: a stem's document frequency counts by its band of
# frequencies each a tenth wider than the one before, so that a report more or less (an edit) moves
# the weight of a common stem only when it crosses into another band, and what changes with an
# edit is mostly the weight of the rare stems it touches (few reports hold those).
BAND = 1.1


def band(df: int) -> int:
    return int(math.log(df + 1) / math.log(BAND))


@dataclass(frozen=True)
class Rarity:
    """How rare each stem is: its document frequency among `documents`, learnt from the headlines
    and ledes of the site's earliest reports (basis) and the first paragraphs of each of them, up to
    IDF_DOCUMENTS documents in all; weighed by its band of frequencies (BAND)."""
    documents: int
    df: dict = field(compare=False, hash=False)
    bands: dict = field(default=None, compare=True, hash=False)

    def __post_init__(self):
        if self.bands is None:
            object.__setattr__(self, "bands", {stem: b for stem, n in self.df.items() if (b := band(n))})

    @staticmethod
    def sources(ordered: list[Item]) -> tuple:
        """What the rarity of these reports (ordered by time) is learnt from (equal sources, equal
        rarity)."""
        earliest = ordered[:basis(len(ordered))]
        # As many paragraphs of each as fit in IDF_DOCUMENTS: the same for every report, so that a
        # report moved among the earliest (or one more of them) changes only its own documents.
        each = (IDF_DOCUMENTS - len(earliest)) // len(earliest) if earliest else 0
        return tuple(i.text for i in earliest) + tuple(p for i in earliest for p in i.paragraphs[:each])

    @staticmethod
    def learn(sources: tuple, before: "tuple[tuple, Rarity] | None" = None) -> "Rarity":
        """The rarity of these sources; from `before` (its sources and rarity) by what changed,
        where the number of documents is the same (an edit: a few stems' counts move)."""
        if before is None or len(before[0]) != len(sources):
            df = Counter()
            for text in sources:        # a text's stems a set at a time: counted in C
                df.update(set(stems_of(text)))
            return Rarity(len(sources), dict(df))
        old_sources, old = before
        moved = [n for n, (a, b) in enumerate(zip(old_sources, sources)) if a is not b and a != b]
        if len(moved) > 64:         # reports moved in time: compare as bags of texts
            change = Counter(sources)
            change.subtract(Counter(old_sources))
        else:
            change = Counter(sources[n] for n in moved)
            change.subtract(Counter(old_sources[n] for n in moved))
        df, bands = dict(old.df), dict(old.bands)
        for text, times in change.items():
            for stem in set(stems_of(text)) if times else ():
                left = df.get(stem, 0) + times
                if left:
                    df[stem] = left
                else:
                    df.pop(stem, None)
                b = band(left) if left > 0 else 0
                if b:
                    bands[stem] = b
                else:
                    bands.pop(stem, None)
        return Rarity(len(sources), df, bands)

    def weight(self, stem: str) -> float:
        """Its IDF: ln((documents + 1) / (df + 1)) + 1, with df the lower end of its band."""
        return math.log(self.documents + 1) + 1.0 - self.bands.get(stem, 0) * math.log(BAND)


class _Vocabulary:
    """Stem → column, growing for the life of the process (a vector's columns never change). The
    columns' order is the process's history, so nothing decided depends on it: heavy stems are
    chosen by weight, then by the stem itself, and similarities are rounded (ROUNDING) before they
    are compared, so the order a sum runs in cannot tip a pair."""

    def __init__(self):
        self.ids: dict[str, int] = {}
        self.names: list[str] = []

    def _column(self, stem: str) -> int:
        found = self.ids.get(stem)
        if found is None:
            found = self.ids[stem] = len(self.names)
            self.names.append(stem)
        return found

    def vectors(self, items: list[Item], rarity: "Rarity") -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """For each report: the columns (ascending) and weights of its unit TF-IDF vector (sublinear
        term counts), and the columns of its BLOCKING_TERMS heaviest stems. All at once, in arrays."""
        stems = [stems_of(i.text) for i in items]
        lengths = np.array([len(x) for x in stems], dtype=np.int64)
        ids = self.ids
        for stem in dict.fromkeys(chain.from_iterable(stems)):     # new stems, as first seen
            if stem not in ids:
                self._column(stem)
        cols = np.fromiter(map(ids.__getitem__, chain.from_iterable(stems)), dtype=np.int64, count=int(lengths.sum()))
        rows = np.repeat(np.arange(len(items)), lengths)
        # Each (report, stem) once with its count, by report and then column, as a CSR matrix holds them.
        width = max(len(self.names), 1)
        cells, counted = np.unique(rows * width + cols, return_counts=True)
        indices = cells % width
        indptr = np.concatenate([[0], np.cumsum(np.bincount(cells // width, minlength=len(items)))]).astype(np.int64)
        used = np.unique(indices)
        idf = np.zeros(len(self.names))
        idf[used] = [rarity.weight(self.names[c]) for c in used.tolist()]
        data = (1.0 + np.log(counted.astype(np.float64))) * idf[indices]
        row_of = np.repeat(np.arange(len(items)), np.diff(indptr))
        norms = np.sqrt(np.bincount(row_of, weights=data * data, minlength=len(items)))
        data = data / np.where(norms > 0, norms, 1.0)[row_of]
        # Heaviest first, ties by the stem (by its rank among the stems used, in text order): each
        # row's first BLOCKING_TERMS.
        rank = np.zeros(width, dtype=np.int64)
        rank[used[np.argsort(np.array([self.names[c] for c in used.tolist()], dtype=object))]] = np.arange(len(used))
        order = np.lexsort((rank[indices], -data, row_of))
        place = np.arange(len(order)) - indptr[row_of[order]]
        top = order[place < BLOCKING_TERMS]
        top = top[np.lexsort((indices[top], row_of[top]))]            # by row, then column
        heads_of = np.split(indices[top], np.cumsum(np.bincount(row_of[top], minlength=len(items)))[:-1])
        return [(indices[indptr[r]:indptr[r + 1]].copy(), data[indptr[r]:indptr[r + 1]].copy(), heads_of[r].copy())
                for r in range(len(items))]


ROUNDING = 9        # decimals a similarity is rounded to before it meets the threshold


def _matrix(vectors: list[tuple], width: int):
    """The vectors as the rows of a sparse matrix."""
    from scipy.sparse import csr_matrix
    lengths = [len(v[0]) for v in vectors]
    indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    cols = np.concatenate([v[0] for v in vectors]) if vectors else np.zeros(0, dtype=np.int64)
    data = np.concatenate([v[1] for v in vectors]) if vectors else np.zeros(0)
    return csr_matrix((data, cols, indptr), shape=(len(vectors), width))


def _heads(vectors: list[tuple], width: int):
    """A 0/1 matrix marking each row's heaviest stems."""
    from scipy.sparse import csr_matrix
    lengths = [len(v[2]) for v in vectors]
    indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    cols = np.concatenate([v[2] for v in vectors]) if vectors else np.zeros(0, dtype=np.int64)
    return csr_matrix((np.ones(len(cols), dtype=np.float32), cols, indptr), shape=(len(vectors), width))


def _blocks(rows: np.ndarray, stamps: np.ndarray, span: float, every: bool):
    """(rows, lo, hi): the rows in chunks, each with the columns lo:hi it is compared with. For
    every row, a chunk needs only the reports after it; for some rows, those within `span` either
    way, and rows far apart in time go in chunks of their own. A chunk holds up to CHUNK rows, fewer
    when rows times columns would pass CELLS (a story of thousands of reports in a few days)."""
    n = len(stamps)
    if every:
        start = 0
        while start < n:
            stop = min(start + CHUNK, n)
            while True:
                hi = int(np.searchsorted(stamps, stamps[stop - 1] + span, "right"))
                if stop - start == 1 or (stop - start) * (hi - start) <= CELLS:
                    break
                stop = start + (stop - start) // 2
            yield np.arange(start, stop), start, hi
            start = stop
        return
    cuts = np.flatnonzero(np.diff(stamps[rows]) > 2 * span) + 1
    for run in np.split(rows, cuts):
        for part in (run[k:k + CHUNK] for k in range(0, len(run), CHUNK)):
            lo = int(np.searchsorted(stamps, stamps[part[0]] - span, "left"))
            hi = int(np.searchsorted(stamps, stamps[part[-1]] + span, "right"))
            yield part, lo, hi


def similar_pairs(rows: np.ndarray, vectors, heads, stamps: np.ndarray, undated: np.ndarray,
                  similarity: float = SIMILARITY, window: timedelta = WINDOW, linked: Linked | None = None):
    """The similar pairs (i, j), i before j in time, that one of `rows` (numbers of the reports
    ordered by time) takes part in, in batches (arrays i, j). Two reports are compared when they
    share a heavy stem and lie within `window`, or when the later is dated only by its capture and
    the earlier lies in the weeks before it (UNDATED_REACH), whatever stems they share. Whether a
    pair is similar depends on its two reports alone. With `linked`, pairs already in one of its
    groups are not compared (they cannot change the groups) and those found are added to it."""
    n = len(stamps)
    rows = np.asarray(rows, dtype=np.int64)
    every = len(rows) == n
    mine = np.zeros(n, dtype=bool)
    mine[rows] = True
    span, reach = window.total_seconds(), UNDATED_REACH.total_seconds()

    def judged(i, j):
        if linked is not None:
            apart = linked.apart(i, j)
            i, j = i[apart], j[apart]
        if not len(i):
            return i, j
        sims = np.asarray(vectors[i].multiply(vectors[j]).sum(axis=1)).ravel()
        keep = np.round(sims, ROUNDING) >= similarity
        if linked is not None:
            linked.add(i[keep], j[keep])
        return i[keep], j[keep]

    for these, lo, hi in _blocks(rows, stamps, span, every):
        shared = (heads[these] @ heads[lo:hi].T).tocoo()
        a, b = these[shared.row], shared.col + lo
        i, j = np.minimum(a, b), np.maximum(a, b)
        # Each pair once: from its earlier report when that is a row, else from the later.
        near = (i != j) & (stamps[j] - stamps[i] <= span) & ((a == i) | ~mine[b])
        i, j = i[near], j[near]
        for at in range(0, len(i), PAIR_BATCH):
            yield judged(i[at:at + PAIR_BATCH], j[at:at + PAIR_BATCH])
    # Reports dated by their capture may be older than they look: each is compared with the reports
    # of the weeks before it, UNDATED_CHUNK of them at a time in one product with all the rows they
    # reach. Rows times columns: each row's terms are summed in the same order, to the same number.
    late = np.flatnonzero(undated)
    if len(late) and not every:         # only those that a row is, or lies in the weeks before
        before = np.searchsorted(stamps, stamps[late] - reach - span, "left")
        counted = np.concatenate([[0], np.cumsum(mine)])
        late = late[mine[late] | (counted[late] - counted[before] > 0)]
    for start in range(0, len(late), UNDATED_CHUNK):
        js = late[start:start + UNDATED_CHUNK]
        los = np.searchsorted(stamps, stamps[js] - reach - span, "left")
        lo, hi = int(los[0]), int(js[-1])
        if hi <= lo:
            continue
        sims = (vectors[lo:hi] @ vectors[js].T).tocoo()
        i, col = sims.row + lo, sims.col
        keep = (np.round(sims.data, ROUNDING) >= similarity) & (i >= los[col]) & (i < js[col])
        i, j = i[keep], js[col[keep]]
        if not every:
            ours = mine[i] | mine[j]
            i, j = i[ours], j[ours]
        if linked is not None:
            apart = linked.apart(i, j)
            i, j = i[apart], j[apart]
            linked.add(i, j)
        yield i, j


FEW = 64        # changed reports up to which their pairs are found in numpy alone


def load_for(reports: int):
    """Import now what grouping this many new or changed reports will need: a build calls it while
    its workers read the entries, when this process would only wait (scipy's sparse matrices take
    ~0.1 s to import, and grouping runs on one core)."""
    if reports > FEW:
        import scipy.sparse  # noqa: F401


def few_pairs(rows: np.ndarray, vectors: list[tuple], stamps: np.ndarray, similarity: float = SIMILARITY,
              window: timedelta = WINDOW):
    """similar_pairs for a few rows and no report dated by its capture in reach, without scipy (its
    import costs more than the work): each row is compared with the reports within `window` that
    share a heavy stem with it. The similarity is summed as scipy sums it (the common stems in
    column order, one after the other), so the pairs are the same."""
    span = window.total_seconds()
    found_i, found_j = [], []
    for r in rows.tolist():
        lo = int(np.searchsorted(stamps, stamps[r] - span, "left"))
        hi = int(np.searchsorted(stamps, stamps[r] + span, "right"))
        others = [c for c in range(lo, hi) if c != r]
        if not others:
            continue
        heads = [vectors[c][2] for c in others]
        owner = np.repeat(np.arange(len(others)), [len(h) for h in heads])
        sharing = np.zeros(len(others), dtype=bool)
        sharing[owner[np.isin(np.concatenate(heads), vectors[r][2])]] = True
        cols, weights, _ = vectors[r]
        for k in np.flatnonzero(sharing).tolist():
            c = others[k]
            common, mine, theirs = np.intersect1d(cols, vectors[c][0], assume_unique=True, return_indices=True)
            if not len(common):
                continue
            total = np.cumsum(weights[mine] * vectors[c][1][theirs])[-1]
            if round(float(total), ROUNDING) >= similarity:
                found_i.append(min(r, c))
                found_j.append(max(r, c))
    yield np.array(found_i, dtype=np.int64), np.array(found_j, dtype=np.int64)


def _undated_in_reach(rows: np.ndarray, stamps: np.ndarray, undated: np.ndarray, window: timedelta) -> bool:
    """Whether a report dated by its capture is one of the rows or lies in the weeks after one
    (similar_pairs then compares it with every report of those weeks, whatever stems they share)."""
    late = np.flatnonzero(undated)
    if not len(late):
        return False
    mine = np.zeros(len(stamps), dtype=bool)
    mine[rows] = True
    before = np.searchsorted(stamps, stamps[late] - UNDATED_REACH.total_seconds() - window.total_seconds(), "left")
    counted = np.concatenate([[0], np.cumsum(mine)])
    return bool((mine[late] | (counted[late] - counted[before] > 0)).any())


class StoryIndex:
    """The reports as last grouped: each one's vector and heavy stems, and every similar pair among
    them, so that the next grouping works out only the pairs of the reports that are new or changed
    and joins the rest as they were. Valid while the word rarity it was made with holds (a new
    Rarity starts it afresh). A site with more similar pairs than EDGE_LIMIT is grouped afresh each
    time instead, with its pairs folded into the groups as they come."""

    def __init__(self):
        self.vocabulary = _Vocabulary()
        self._reset(None)

    def _reset(self, rarity):
        self.rarity = rarity
        self.items: dict[str, bytes] = {}                  # key → signature of the report as last grouped
        self.vectors: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self.edges: dict[str, set[str]] = {}
        self.pairs = 0
        self.kept = True            # the pairs are kept (not too many)
        self.last: dict | None = None                  # the last grouping
        self.members: dict[str, list[str]] | None = None     # label → its story's reports, as last grouped
        self.relabelled: set[str] | None = None     # the reports the last grouping looked at again (None: all)
        self.matrix, self.keys = None, []              # the vectors as last grouped, rows by time

    def __getstate__(self):
        """Kept compact between builds: the vectors' three parts each in one array, with each
        vector's lengths (thousands of small arrays pickle and unpickle slowly), and not the matrix
        of them (made again when it is needed)."""
        state = dict(self.__dict__)
        keys = list(self.vectors)
        parts = tuple(zip(*self.vectors.values())) if keys else ((), (), ())
        state["vectors"] = (keys, [np.array([len(a) for a in part], dtype=np.int64) for part in parts],
                            [np.concatenate(part) if keys else np.zeros(0) for part in parts])
        state["matrix"] = None
        return state

    def __setstate__(self, state):
        keys, lengths, joined = state["vectors"]
        ends = [np.cumsum(n).tolist() for n in lengths]
        state["vectors"] = dict(zip(keys, zip(*[[whole[end - n:end] for end, n in zip(e, ns.tolist())]
                                                for whole, e, ns in zip(joined, ends, lengths)])))
        self.__dict__.update(state)

    def group(self, ordered: list[Item], rarity: Rarity, similarity: float = SIMILARITY,
              window: timedelta = WINDOW) -> dict[str, str | None]:
        """key → the key of its story's earliest report (by time, then key), or None for a lone
        report. `ordered`: the reports by time, then key."""
        affected = set()
        if self.rarity is None or rarity.documents != self.rarity.documents:
            self._reset(rarity)         # every weight moves
        elif rarity is not self.rarity and rarity.bands != self.rarity.bands:
            affected = self._weighing(rarity)
            self.rarity = rarity
        current = {i.key: i for i in ordered}
        items = self.items
        changed = [k for k, i in current.items() if k in affected or items.get(k) != i.signature]
        gone = [k for k, sig in items.items() if k in affected or k not in current or current[k].signature != sig]
        if not changed and not gone and self.last is not None:
            return self.last
        # The similar pairs of the reports about to be worked out again, as they were: when they
        # come out the same and no report moved in time, the stories are the last ones (only
        # where there are last ones to keep: a first grouping has nothing to compare).
        before = ({key: frozenset(self.edges.get(key, ())) for key in {*gone, *changed}}
                  if self.kept and self.last is not None else {})
        last_keys = self.keys
        for key in gone:
            self.vectors.pop(key, None)
            for other in self.edges.pop(key, ()):
                self.edges[other].discard(key)
                self.pairs -= 1
        self.vectors.update(zip(changed, self.vocabulary.vectors([current[k] for k in changed], rarity)))
        self.items = {k: i.signature for k, i in current.items()}
        self.last = self._group(ordered, changed, similarity, window, (before, last_keys))
        return self.last

    def _weighing(self, rarity: Rarity) -> set[str]:
        """The reports whose vectors a new rarity changes: those holding a stem whose band moved."""
        old = self.rarity.bands
        moved = [s for s in old.keys() | rarity.bands.keys() if old.get(s) != rarity.bands.get(s)]
        cols = [self.vocabulary.ids[s] for s in moved if s in self.vocabulary.ids]
        if not cols or not self.keys:
            return set()
        if self.matrix is None:         # not kept between processes: made again from the vectors
            self.matrix = _matrix([self.vectors[k] for k in self.keys], len(self.vocabulary.names))
        rows = np.unique(self.matrix.tocsc()[:, cols].nonzero()[0])
        return {self.keys[r] for r in rows.tolist()}

    def _group(self, ordered: list[Item], changed: list[str], similarity: float, window: timedelta,
               was: tuple = ({}, None)):
        """`was`: the pairs of the changed reports before, and the reports in order as last grouped."""
        last = self.last
        if len(ordered) < 2:
            self.matrix, self.keys = None, [i.key for i in ordered]
            self.members, self.relabelled = ({} if self.kept else None), None
            return {i.key: None for i in ordered}
        keys = [i.key for i in ordered]
        number = {key: n for n, key in enumerate(keys)}
        rows = np.array(sorted(number[k] for k in changed), dtype=np.int64)
        vectors = [self.vectors[k] for k in keys]
        stamps = np.array([i.published.timestamp() for i in ordered])
        undated = np.array([i.undated for i in ordered])
        linked = Linked(len(keys))
        # A few reports changed (a build after some were added): their pairs in numpy alone.
        few = self.kept and len(rows) <= FEW and not _undated_in_reach(rows, stamps, undated, window)
        matrix = heads = None
        if not few:
            width = len(self.vocabulary.names)
            matrix, heads = _matrix(vectors, width), _heads(vectors, width)
        self.matrix, self.keys = matrix, keys
        if self.kept:
            pairs = (few_pairs(rows, vectors, stamps, similarity, window) if few else
                     similar_pairs(rows, matrix, heads, stamps, undated, similarity, window))
            for i, j in pairs:
                for a, b in zip(i.tolist(), j.tolist()):
                    ka, kb = keys[a], keys[b]
                    if kb not in self.edges.setdefault(ka, set()):
                        self.edges[ka].add(kb)
                        self.edges.setdefault(kb, set()).add(ka)
                        self.pairs += 1
                if self.pairs > EDGE_LIMIT:
                    self.kept, self.edges, self.pairs = False, {}, 0
                    break
        if self.kept and last is not None and keys == was[1] and all(
                self.edges.get(key, set()) == near for key, near in was[0].items()):
            self.relabelled = set()
            return last         # the same pairs among the same reports in the same order
        if self.kept and last is not None and self.members is not None:
            return self._regroup(was[0].keys(), number, last)
        if self.kept:
            pairs = [(number[a], number[b]) for a, near in self.edges.items() for b in near if a < b]
            if pairs:
                pairs = np.array(pairs, dtype=np.int64)
                linked.add(pairs[:, 0], pairs[:, 1])
        else:
            if matrix is None:          # the few reports' pairs were too many to keep
                width = len(self.vocabulary.names)
                matrix, heads = _matrix(vectors, width), _heads(vectors, width)
                self.matrix = matrix
            for _ in similar_pairs(np.arange(len(keys)), matrix, heads, stamps, undated, similarity, window, linked):
                pass
        out: dict[str, str | None] = {}
        self.members = {} if self.kept else None
        for members in linked.groups():
            label = keys[members[0]] if len(members) > 1 else None
            if label is not None and self.members is not None:
                self.members[label] = [keys[n] for n in members]
            for n in members:
                out[keys[n]] = label
        self.relabelled = None
        return out

    def _regroup(self, touched, number: dict[str, int], last: dict) -> dict[str, str | None]:
        """The stories after a few reports changed (`touched`), from the last ones: only the stories
        those reports were or are in are made again, by following the pairs from them; every other
        story has the same pairs among the same reports, in the same order, so it is as it was.
        `number`: each report's place in time."""
        members = self.members
        start = set()
        for key in touched:
            for near in (key, *self.edges.get(key, ())):
                start.add(near)
                if last.get(near) in members:
                    start.update(members[last[near]])
        start = {key for key in start if key in number}
        labels = dict(last)
        for key in touched:
            if key not in number:
                labels.pop(key, None)
        for key in start:
            if last.get(key) in members:
                members.pop(last[key])
        seen: set[str] = set()
        for key in start:
            if key in seen:
                continue
            seen.add(key)
            story, todo = [key], [key]
            while todo:
                for near in self.edges.get(todo.pop(), ()):
                    if near not in seen:
                        seen.add(near)
                        story.append(near)
                        todo.append(near)
            if len(story) == 1:
                labels[key] = None
                continue
            story.sort(key=number.__getitem__)
            members[story[0]] = story
            for near in story:
                labels[near] = story[0]
        self.relabelled = seen
        return labels


def cluster(items: list[Item], similarity: float = SIMILARITY, window: timedelta = WINDOW,
            rarity: Rarity | None = None) -> dict[str, str | None]:
    """key → the key of its story's earliest report (by time, then key), or None for a lone report;
    word rarity learnt from these reports (Rarity.sources) unless given."""
    ordered = _order(items)
    return StoryIndex().group(ordered, rarity or Rarity.learn(Rarity.sources(ordered)), similarity, window)


def named(labels: dict[str, str | None], existing: dict[str, str]) -> dict[str, str | None]:
    """key → its story id (None for a lone report), from cluster's labels and the ids the keys
    carried before (`existing`). A story keeps its id when it gains a report: a group whose
    members already carry an id goes on using it (the one most of them carry); a new group is
    named after its earliest report. No two groups share an id (see story_ids)."""
    groups: dict[str, list[str]] = {}
    for key, label in labels.items():
        if label:
            groups.setdefault(label, []).append(key)
    names = story_ids(groups, existing)
    return {key: names[label] if label else None for key, label in labels.items()}


def story_ids(groups: dict[str, list[str]], existing: dict[str, str]) -> dict[str, str]:
    """label → the story id of its group, unique by construction.

    A group goes on using an id its members already carry. When the clustering has split a story,
    both parts carry its id: the part holding more of the reports that carried it keeps it (equal
    shares: the part whose earliest report sorts first), and the other goes on with the next id its
    members carry, if any. A group left without one gets `story-` + its earliest report's id,
    lengthened with a number while that name is one another group has or had."""
    claims = []
    for label, members in groups.items():
        prior = Counter(existing[key] for key in members if existing.get(key))
        claims.extend((-count, story, label) for story, count in prior.items())
    names: dict[str, str] = {}
    taken: set[str] = set()
    for _, story, label in sorted(claims):
        if label not in names and story not in taken:
            names[label] = story
            taken.add(story)
    reserved = taken | set(existing.values())
    for label in sorted(set(groups) - set(names)):
        story, n = f"story-{label[:12]}", 0
        while story in reserved:
            n += 1
            story = f"story-{label[:12]}-{n}"
        names[label] = story
        reserved.add(story)
    return names
