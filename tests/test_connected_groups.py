"""Groups joined by pairs (digest/groups.py, numpy only) against scipy's connected components, on
graphs of every shape stories make: chains in any order, stars, many small groups, pairs given in
batches and folded as they come."""
import random

import numpy as np
import pytest
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from digest import groups


def scipy_first(n, pairs):
    """Each item's group by its first member, as scipy's components give them."""
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    first = np.full(labels.max() + 1, n)
    np.minimum.at(first, labels, np.arange(n))
    return first[labels]


def shapes(rng):
    n = 300
    order = list(range(n))
    rng.shuffle(order)
    yield "chain in shuffled order", n, [(order[k], order[k + 1]) for k in range(n - 1)]
    yield "chain backwards", n, [(k + 1, k) for k in reversed(range(n - 1))]
    yield "star", n, [(rng.randrange(n), 7) for _ in range(n)]
    yield "none", n, []
    yield "self pairs", n, [(k, k) for k in range(0, n, 3)]
    yield "sparse random", n, [(rng.randrange(n), rng.randrange(n)) for _ in range(n // 2)]
    yield "dense random", n, [(rng.randrange(n), rng.randrange(n)) for _ in range(3 * n)]
    yield "zigzag", n, [(k, n - 1 - k) for k in range(n // 2)] + [(k, n - 2 - k) for k in range(n // 2)]


@pytest.mark.parametrize("seed", range(6))
def test_groups_are_scipys_connected_components(seed):
    rng = random.Random(seed)
    for name, n, pairs in shapes(rng):
        linked = groups.Linked(n)
        rng.shuffle(pairs)
        for start in range(0, len(pairs), 37):          # in batches, folded part-way as well
            batch = np.array(pairs[start:start + 37], dtype=np.int64).reshape(-1, 2)
            linked.add(batch[:, 0], batch[:, 1])
            if rng.random() < 0.3:
                linked._fold()
        linked._fold()
        assert linked.first.tolist() == scipy_first(n, pairs).tolist(), name
        found = groups.connected(n, pairs)
        assert sorted(i for g in found for i in g) == list(range(n))
        assert [g[0] for g in found] == sorted(g[0] for g in found) and all(g == sorted(g) for g in found)
