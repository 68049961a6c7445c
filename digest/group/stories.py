"""Different outlets' reports of one event → one story.

Headline and lede are turned into TF-IDF vectors of word stems (scikit-learn, Snowball stemmer, so
"resigns" meets "resignation"); two reports published within a few days of each other whose
vectors' cosine similarity reaches the threshold are the same story, and stories are the connected
groups of such pairs. Only reports close in time are compared, in chunks, so the work grows with
the number of reports times the reports of a few days.

Word rarity (IDF) is learnt from every paragraph of the reports, not only from their ledes: a small
site has too few ledes for rarity to mean anything, and then two stories about one minister on one
day look alike. On the labelled sets (benchmarks/themes_eval.py), each set clustered on its own as
a site would, true pairs score 0.266 or more and false pairs 0.225 or less; the threshold sits
between.
"""
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice

import numpy as np
import snowballstemmer
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

from ..groups import Linked
from ..text import sentences

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
_WORD = re.compile(r"(?u)[\w%-]{2,}")
_STEMMER = snowballstemmer.stemmer("english")     # PyStemmer's C implementation when installed


def _stem_tfidf(documents: list[str]):
    """TF-IDF rows over word stems. Words are counted first and the vocabulary stemmed once (far
    fewer words than tokens), then the columns of words sharing a stem are added together: the same
    counts as stemming every token."""
    counter = CountVectorizer(token_pattern=_WORD.pattern, stop_words="english", dtype=np.float32)
    counts = counter.fit_transform(documents)
    stems = _STEMMER.stemWords(list(counter.get_feature_names_out()))
    ids = {stem: n for n, stem in enumerate(dict.fromkeys(stems))}
    merge = csr_matrix((np.ones(len(stems), dtype=np.float32), (np.arange(len(stems)), [ids[x] for x in stems])),
                       shape=(len(stems), len(ids)))
    return TfidfTransformer(sublinear_tf=True).fit_transform(counts @ merge).astype(np.float32).tocsr()


def _top_terms(vectors, k: int):
    """A 0/1 matrix marking each row's k heaviest terms."""
    rows, cols = [], []
    for r in range(vectors.shape[0]):
        a, b = vectors.indptr[r], vectors.indptr[r + 1]
        best = vectors.indices[a:b][np.argsort(-vectors.data[a:b], kind="stable")[:k]]
        rows.append(np.full(len(best), r))
        cols.append(best)
    rows, cols = np.concatenate(rows), np.concatenate(cols)
    return csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=vectors.shape)


@dataclass(frozen=True)
class Item:
    key: str
    title: str
    lede: str                           # the first sentences of the text (see lede_of)
    published: datetime
    # The whole text, to learn word rarity from: only the paragraphs that Inputs takes count.
    paragraphs: tuple[str, ...] = field(default=(), compare=False)
    undated: bool = False               # published is only the capture time: an upper bound


@dataclass(frozen=True)
class Inputs:
    """Everything the clustering reads, in the order it reads it: equal inputs give equal stories,
    so a caller can keep the last result while they stay the same."""
    items: tuple[Item, ...]             # by time, then key
    background: tuple[str, ...]         # the paragraphs word rarity is learnt from


def inputs(items: list[Item]) -> Inputs:
    ordered = tuple(sorted(items, key=lambda i: (i.published, i.key)))
    room = max(0, IDF_DOCUMENTS - len(ordered))
    return Inputs(ordered, tuple(islice((p for i in ordered for p in i.paragraphs), room)))


def lede_of(paragraphs: list[str]) -> str:
    """The first sentences of the text (three sentences fit in 1,200 characters)."""
    return " ".join(sentences(" ".join(paragraphs[:3])[:1200])[:LEDE_SENTENCES])


def _chunk(stamps, start: int, span: float) -> tuple[int, int, int]:
    """The chunk of rows from `start` (stop), and the columns it is compared with (lo, hi): up to
    CHUNK rows, fewer when the reports within `span` of them are so many that rows times columns
    would pass CELLS (a story of thousands of reports in a few days)."""
    stop = min(start + CHUNK, len(stamps))
    lo = int(np.searchsorted(stamps, stamps[start] - span, "left"))
    while True:
        hi = int(np.searchsorted(stamps, stamps[stop - 1] + span, "right"))
        if stop - start == 1 or (stop - start) * (hi - lo) <= CELLS:
            return stop, lo, hi
        stop = start + (stop - start) // 2


def cluster(items: list[Item], similarity: float = SIMILARITY, window: timedelta = WINDOW) -> dict[str, str | None]:
    """key → the key of its story's earliest report (by time, then key), or None for a lone report."""
    return cluster_inputs(inputs(items), similarity, window)


def cluster_inputs(given: Inputs, similarity: float = SIMILARITY, window: timedelta = WINDOW
                   ) -> dict[str, str | None]:
    items = given.items
    if len(items) < 2:
        return {i.key: None for i in items}
    texts = [f"{i.title}. {i.title}. {i.lede}" for i in items]       # the headline counts double
    vectors = _stem_tfidf(texts + list(given.background))[: len(texts)]
    stamps = np.array([i.published.timestamp() for i in items])
    span = window.total_seconds()
    # Blocking: only reports that share one of their most distinctive stems are compared; the
    # similarity of those pairs is then the exact cosine of the full vectors.
    heads = _top_terms(vectors, BLOCKING_TERMS)
    # The pairs found are folded into the groups as they come (never all held: reports of one
    # event by the thousand make hundreds of millions), and a pair already in one group is not
    # compared at all: it cannot change the groups.
    linked = Linked(len(items))
    start = 0
    while start < len(items):
        stop, lo, hi = _chunk(stamps, start, span)
        shared = (heads[start:stop] @ heads[lo:hi].T).tocoo()
        i, j = shared.row + start, shared.col + lo
        near = (i < j) & (stamps[j] - stamps[i] <= span)
        i, j = i[near], j[near]
        for at in range(0, len(i), PAIR_BATCH):
            bi, bj = i[at:at + PAIR_BATCH], j[at:at + PAIR_BATCH]
            apart = linked.apart(bi, bj)
            bi, bj = bi[apart], bj[apart]
            sims = np.asarray(vectors[bi].multiply(vectors[bj]).sum(axis=1)).ravel()
            keep = sims >= similarity
            linked.add(bi[keep], bj[keep])
        start = stop
    # Reports dated by their capture time may be older than they look: compare each with the
    # reports of the weeks before it too, UNDATED_CHUNK of them at a time in one product with all the
    # rows they reach (one product per report sliced those rows again each time). Rows times columns,
    # as one report at a time was: each row's terms are summed in the same order, to the same number.
    reach = UNDATED_REACH.total_seconds()
    undated = np.flatnonzero([item.undated for item in items])
    for start in range(0, len(undated), UNDATED_CHUNK):
        js = undated[start:start + UNDATED_CHUNK]
        los = np.searchsorted(stamps, stamps[js] - reach - span, "left")
        lo, hi = int(los[0]), int(js[-1])
        sims = (vectors[lo:hi] @ vectors[js].T).tocoo()
        i, col = sims.row + lo, sims.col
        keep = (sims.data >= similarity) & (i >= los[col]) & (i < js[col])
        linked.add(i[keep], js[col[keep]])
    out: dict[str, str | None] = {}
    for group in linked.groups():
        label = items[group[0]].key if len(group) > 1 else None
        for n in group:
            out[items[n].key] = label
    return out


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
