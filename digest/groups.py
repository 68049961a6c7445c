"""Connected groups of items from pairs that belong together (scipy's graph components)."""


def connected(n: int, pairs) -> list[list[int]]:
    """The groups of 0..n-1 joined by pairs (a list of (i, j) or an array of shape (k, 2)), each
    in index order, in order of first member."""
    if n == 0:
        return []
    # Imported here: a build with nothing to group (or only the site to render) skips their import time.
    import numpy as np
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    if not len(pairs):
        return [[i] for i in range(n)]
    graph = coo_matrix((np.ones(len(pairs), dtype=np.int8), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    groups: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        groups.setdefault(int(label), []).append(i)
    return sorted(groups.values(), key=lambda g: g[0])
