"""Writing output/ safely.

Every file of a build is rendered first; only when all of them rendered is output/ touched. Then a
file is written only when its bytes differ from what is there (by temporary file and rename, so a
reader never sees half a file), and files an earlier build wrote that this build no longer makes
are removed. A build that fails therefore leaves the previous output/ exactly as it was.
"""
import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..files import write_atomic

MANIFEST = "output-manifest.json"     # in the cache folder, never in output/
IO_THREADS = 8


class Output:
    def __init__(self, root: Path, cache_dir: Path):
        self.root = root
        self.manifest_path = cache_dir / MANIFEST
        self.files: dict[str, bytes] = {}

    def add(self, rel: str, data: bytes):
        self.files[rel] = data

    def _previous(self) -> list[str]:
        try:
            return json.loads(self.manifest_path.read_text(encoding="utf-8"))["files"]
        except (OSError, ValueError, KeyError, TypeError):
            return []

    def _same(self, item) -> bool:
        rel, path = item
        data = self.files[rel]
        try:
            return os.stat(path).st_size == len(data) and _read(path) == data
        except OSError:
            return False

    def commit(self) -> tuple[int, int, int]:
        """Write what changed; (written, unchanged, removed)."""
        removed = 0
        self.root.mkdir(parents=True, exist_ok=True)
        # File system calls wait on the disk, not the CPU: threads overlap them (a folder per page).
        with ThreadPoolExecutor(IO_THREADS) as pool:
            paths = {rel: os.path.join(self.root, rel) for rel in self.files}
            changed = [rel for rel, same in zip(paths, pool.map(self._same, paths.items())) if not same]
            folders = sorted({os.path.dirname(paths[rel]) for rel in changed})
            list(pool.map(lambda folder: os.makedirs(folder, exist_ok=True), folders))
            list(pool.map(lambda rel: write_atomic(Path(paths[rel]), self.files[rel], make_parent=False), changed))
        written, unchanged = len(changed), len(self.files) - len(changed)
        for rel in self._previous():
            if rel not in self.files:
                path = self.root / rel
                try:
                    path.unlink()
                    removed += 1
                except OSError:
                    continue
                _prune(path.parent, self.root)
        write_atomic(self.manifest_path, json.dumps({"files": sorted(self.files)}, indent=0).encode())
        return written, unchanged, removed


def _read(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def _prune(folder: Path, root: Path):
    """Remove folders a removed file leaves empty, up to output/ itself."""
    while folder != root and folder.is_relative_to(root):
        try:
            os.rmdir(folder)
        except OSError:
            return
        folder = folder.parent
