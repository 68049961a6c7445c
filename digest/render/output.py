"""Writing output/ safely.

Every file of a build is rendered first; only when all of them rendered is output/ touched. Then a
file is written only when its bytes differ from what is there (by temporary file and rename, so a
reader never sees half a file), and files an earlier build wrote that this build no longer makes
are removed. A build that fails therefore leaves the previous output/ exactly as it was.

A first build, with no output/ yet, writes into a folder beside it that is renamed to output/ once
everything is in: its pages can then be written by the workers as they are rendered, and still no
one ever sees half a site.

A file that already lies finished on the same disk (the search index, made by Pagefind in the
cache folder) is put in output/ as a hard link rather than copied: making a file costs far more
than linking one here, and no one writes either file in place (both are only ever replaced).
"""
import hashlib
import json
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..files import write_atomic

MANIFEST = "output-manifest.json"     # in the cache folder, never in output/
IO_THREADS = 8


class Output:
    def __init__(self, root: Path, cache_dir: Path):
        self.root = root
        self.manifest_path = cache_dir / MANIFEST
        self.files: dict[str, bytes | Path | None] = {}
        self.staging: Path | None = None

    def stage(self) -> Path | None:
        """For a first build (no output/ yet): the folder to write into, renamed to output/ by
        commit(). None when output/ exists: then each file is compared and replaced on its own."""
        if self.root.exists():
            return None
        for stale in self.root.parent.glob(f".{self.root.name}.new-*"):    # left by a build killed half-way
            shutil.rmtree(stale, ignore_errors=True)
        self.staging = self.root.parent / f".{self.root.name}.new-{os.getpid()}"
        self.staging.mkdir(parents=True)
        return self.staging

    def discard(self):
        """The build failed: drop what a first build wrote (output/ itself was never touched)."""
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging = None

    def add(self, rel: str, data: bytes):
        self.files[rel] = data

    def add_written(self, rel: str):
        """A file already written into the staging folder (by write_new)."""
        self.files[rel] = None

    def add_file(self, rel: str, source: Path):
        """This finished file goes in output/ as it is (linked where the disk allows)."""
        self.files[rel] = source

    def _previous(self) -> list[str]:
        try:
            return json.loads(self.manifest_path.read_text(encoding="utf-8"))["files"]
        except (OSError, ValueError, KeyError, TypeError):
            return []

    def _sync(self, rels: list[str]) -> list[str]:
        """Bring these files up to date on disk; the ones that had to be written."""
        root = self.staging or self.root
        return [rel for rel in rels
                if self.files[rel] is None or _place(os.path.join(root, rel), self.files[rel])]

    def commit(self) -> tuple[int, int, int]:
        """Write what changed; (written, unchanged, removed)."""
        if self.staging is None:
            self.root.mkdir(parents=True, exist_ok=True)
        # File system calls wait on the disk, not the CPU: threads overlap them (a folder per page).
        # Each thread takes a share of the files rather than one task per file, which costs more
        # to hand out than to do.
        rels = sorted(self.files)
        with ThreadPoolExecutor(IO_THREADS) as pool:
            changed = [rel for done in pool.map(self._sync, [rels[i::IO_THREADS] for i in range(IO_THREADS)])
                       for rel in done]
        written, unchanged = len(changed), len(self.files) - len(changed)
        if self.staging is not None:
            os.rename(self.staging, self.root)
            self.staging = None
        removed = _remove(self.root, [rel for rel in self._previous() if rel not in self.files])
        _save_manifest(self.manifest_path, self.files)
        return written, unchanged, removed


class LiveOutput:
    """output/ as --watch keeps it between builds: a hash of each file it knows the bytes of, so a
    rebuild compares in memory and writes only what changed, the same way Output does."""

    def __init__(self, root: Path, cache_dir: Path):
        self.root = root
        self.manifest_path = cache_dir / MANIFEST
        self.hashes: dict[str, bytes] = {}
        self.listed: set[str] = set(Output(root, cache_dir)._previous())

    def update(self, files: dict[str, bytes], keep: set[str]) -> tuple[int, int]:
        """Write these files where their bytes changed; remove every listed file not in `keep`
        (the build's files). (written, removed)."""
        written = 0
        for rel, data in files.items():
            digest = hashlib.blake2b(data, digest_size=16).digest()
            if self.hashes.get(rel) == digest:
                continue
            # A file whose old hash is known differs for sure; an unknown one is compared on disk.
            written += _put(os.path.join(self.root, rel), data, differs=rel in self.hashes)
            self.hashes[rel] = digest
        for rel in self.listed - keep:
            self.hashes.pop(rel, None)
        removed = _remove(self.root, sorted(self.listed - keep))
        if keep != self.listed:
            _save_manifest(self.manifest_path, keep)
            self.listed = set(keep)
        return written, removed


def _save_manifest(path: Path, files):
    write_atomic(path, json.dumps({"files": sorted(files)}, indent=0).encode())


def _place(path: str, what: bytes | Path) -> bool:
    """The file holds these bytes (or this file's) afterwards; True when it had to be written."""
    return _link(path, what) if isinstance(what, Path) else _put(path, what)


def _link(path: str, source: Path) -> bool:
    try:
        here, there = os.stat(path), os.stat(source)
        if os.path.samestat(here, there) or (
                here.st_size == there.st_size and _read(path) == source.read_bytes()):
            return False
        folder, name = os.path.split(path)
        tmp = os.path.join(folder, f".{name}.{os.getpid()}.link")
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = None                      # nothing there yet: link in place
    try:
        os.link(source, tmp or path)
    except OSError:                     # another disk, or one without hard links: copy
        return _put(path, source.read_bytes(), differs=True)
    if tmp:
        os.replace(tmp, path)           # a reader sees the old file or the new one
    return True


def _put(path: str, data: bytes, differs: bool = False) -> bool:
    """The file holds these bytes afterwards; True when it had to be written."""
    try:
        if not differs and os.stat(path).st_size == len(data) and _read(path) == data:
            return False
        write_atomic(Path(path), data, make_parent=False)        # replace the old file whole
    except FileNotFoundError:
        _write_new(path, data)
    return True


def write_new(root: Path, rel: str, data: bytes):
    """A first build's file, written straight into its staging folder (see Output.stage)."""
    _write_new(os.path.join(root, rel), data)


def _write_new(path: str, data: bytes):
    """A file that was not there (nor, maybe, its folder): no reader can see an old version, so it
    is written in place. A build that stops half-way leaves a file whose bytes differ, which the
    next build rewrites."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except FileExistsError:             # appeared meanwhile: replace it whole
        write_atomic(Path(path), data, make_parent=False)
        return
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def _read(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def _remove(root: Path, rels: list[str]) -> int:
    """Remove files an earlier build made and this one does not; how many were there."""
    removed = 0
    for rel in rels:
        path = root / rel
        try:
            path.unlink()
            removed += 1
        except OSError:
            continue
        _prune(path.parent, root)
    return removed


def _prune(folder: Path, root: Path):
    """Remove folders a removed file leaves empty, up to output/ itself."""
    while folder != root and folder.is_relative_to(root):
        try:
            os.rmdir(folder)
        except OSError:
            return
        folder = folder.parent
