"""Connected groups of items from pairs that belong together, in numpy (scipy's graph components
would cost every build that groups a tenth of a second to import)."""

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
        rows = np.concatenate([np.asarray(i, dtype=np.int64) for i, _ in self.pending])
        cols = np.concatenate([np.asarray(j, dtype=np.int64) for _, j in self.pending])
        self.pending, self.held = [], 0
        self.first = first_members(self.first, rows, cols)

    def groups(self) -> list[list[int]]:
        """Each group in index order, in order of first member."""
        if self.n == 0:
            return []
        self._fold()
        groups: dict[int, list[int]] = {}
        for i, first in enumerate(self.first.tolist()):
            groups.setdefault(first, []).append(i)
        return list(groups.values())


def first_members(first, rows, cols):
    """Each item's group, named by its first member, from the groups so far (`first`: each item's
    first member) joined by the pairs (rows[k], cols[k]). Roots hook onto the smaller root of each
    pair, then every item jumps to its root; rounds repeat until no pair joins two roots. A name
    only ever points to a smaller member of the group, so the root left is the group's first."""
    import numpy as np
    label = np.asarray(first, dtype=np.int64).copy()
    while len(rows):
        a, b = label[rows], label[cols]
        apart = a != b
        if not apart.any():
            return label
        a, b = a[apart], b[apart]
        low = np.minimum(a, b)
        np.minimum.at(label, a, low)
        np.minimum.at(label, b, low)
        while True:                     # pointer jumping: each item to its root
            up = label[label]
            if np.array_equal(up, label):
                break
            label = up
        rows, cols = rows[apart], cols[apart]   # pairs already in one group stay so
    return label
