"""Connected groups of items from pairs that belong together (scipy's graph components)."""

HOLD = 1_000_000        # pairs held before they are folded into the groups (16 MB)


def connected(n: int, pairs) -> list[list[int]]:
    """The groups of 0..n-1 joined by pairs (a list of (i, j) or an array of shape (k, 2)), each
    in index order, in order of first member."""
    import numpy as np

    linked = Linked(n)
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    linked.add(pairs[:, 0], pairs[:, 1])
    return linked.groups()


class Linked:
    """Groups of 0..n-1, joined by pairs given a batch at a time. The pairs are not kept: every
    HOLD of them are folded into each item's group (its first member), so memory stays O(n + HOLD)
    however many pairs join, and `apart` lets a caller skip pairs already in one group (they cannot
    change the groups) before working out whether they belong together."""

    def __init__(self, n: int):
        # Imported here: a build with nothing to group (or only the site to render) skips their import time.
        import numpy as np
        self.n = n
        self.first = np.arange(n)          # each item's group, named by its first member
        self.pending: list[tuple] = []
        self.held = 0

    def apart(self, i, j):
        """Which of the pairs (i[k], j[k]) join two groups as far as is known yet (a pair not folded
        in yet may join them already: it is then looked at again, which changes nothing)."""
        return self.first[i] != self.first[j]

    def add(self, i, j):
        if len(i):
            self.pending.append((i, j))
            self.held += len(i)
            if self.held >= HOLD:
                self._fold()

    def _fold(self):
        if not self.pending:
            return
        import numpy as np
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components

        n, every = self.n, np.arange(self.n)
        # The groups so far (each item tied to its group's first member) and the new pairs, together.
        rows = np.concatenate([every] + [np.asarray(i, dtype=np.int64) for i, _ in self.pending])
        cols = np.concatenate([self.first] + [np.asarray(j, dtype=np.int64) for _, j in self.pending])
        self.pending, self.held = [], 0
        graph = coo_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(n, n))
        count, labels = connected_components(graph, directed=False)
        first = np.full(count, n)
        np.minimum.at(first, labels, every)
        self.first = first[labels]

    def groups(self) -> list[list[int]]:
        """Each group in index order, in order of first member."""
        if self.n == 0:
            return []
        self._fold()
        groups: dict[int, list[int]] = {}
        for i, first in enumerate(self.first.tolist()):
            groups.setdefault(first, []).append(i)
        return list(groups.values())
