"""Writing output/ safely.

Every file of a build is rendered first; only when all of them rendered is output/ touched. Then a
file is written only when its bytes differ from what is there (by temporary file and rename, so a
reader never sees half a file), and files an earlier build wrote that this build no longer makes
are removed. A build that fails therefore leaves the previous output/ exactly as it was.
"""
import json
import os
from pathlib import Path

from ..content import write_atomic

MANIFEST = "output-manifest.json"       # in the cache folder, never in output/


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

    def commit(self) -> tuple[int, int, int]:
        """Write what changed; (written, unchanged, removed)."""
        written = unchanged = removed = 0
        self.root.mkdir(parents=True, exist_ok=True)
        for rel in sorted(self.files):
            data = self.files[rel]
            path = self.root / rel
            try:
                same = path.stat().st_size == len(data) and path.read_bytes() == data
            except OSError:
                same = False
            if same:
                unchanged += 1
            else:
                write_atomic(path, data)
                written += 1
        for rel in self._previous():
            if rel not in self.files:
                path = self.root / rel
                try:
                    path.unlink()
                    removed += 1
                except OSError:
                    continue
                _prune(path.parent, self.root)
        self.manifest_path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(self.manifest_path, json.dumps({"files": sorted(self.files)}, indent=0).encode())
        return written, unchanged, removed


def _prune(folder: Path, root: Path):
    """Remove folders a removed file leaves empty, up to output/ itself."""
    while folder != root and folder.is_relative_to(root):
        try:
            os.rmdir(folder)
        except OSError:
            return
        folder = folder.parent
