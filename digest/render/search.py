"""The search index: Pagefind (PyPI pagefind[bin]) indexes one small page per entry (headline and
text) at build time, offline. It runs as a separate process while the site's pages are rendered,
and only when the entries' text changed; otherwise the last index is reused from the cache."""
import hashlib
import html
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..uptodate import code_version

BUNDLE = "pagefind"
# Pagefind's input is thrown away once it has run: on Linux it goes to the RAM disk, where making a
# thousand small files costs next to nothing (on disk it cost seconds here). Too little room there
# (containers often have 64 MB) and it goes to the cache folder instead.
RAM_DISK = Path("/dev/shm")


class Indexer:
    def __init__(self, posts, site, cache_dir: Path):
        self.folder = cache_dir / "search"
        self.language = (site.language.split("-")[0] or "en").lower()
        self.docs = {post.path: _doc(post, self.language) for post in posts}
        # The index is of these pages, made by this code and this Pagefind (code_version has its version).
        h = hashlib.sha256(f"{code_version()}\0{self.language}".encode())
        for path in sorted(self.docs):
            h.update(path.encode() + b"\0" + self.docs[path].encode("utf-8") + b"\0")
        self.key = h.hexdigest()
        self.process = None
        self.error = None
        self.input = None

    def _write_input(self) -> Path:
        if RAM_DISK.is_dir() and os.access(RAM_DISK, os.W_OK):
            try:
                return _write_pages(self.docs, RAM_DISK)
            except OSError:
                pass                    # full: the disk it is
        return _write_pages(self.docs, self.folder)

    def _drop_input(self):
        if self.input is not None:
            shutil.rmtree(self.input, ignore_errors=True)
            self.input = None

    def start(self):
        """Start indexing in the background, unless the cached index is of these very entries."""
        stamp = self.folder / ".key"
        if stamp.exists() and stamp.read_text() == self.key and (self.folder / BUNDLE).is_dir():
            return
        try:
            from pagefind_bin import get_executable
            command = [str(get_executable())]
        except ImportError:
            self.error = "Pagefind is not installed (pip install -r requirements.txt); the search page will not work"
            return
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self.input = self._write_input()
        self.process = subprocess.Popen(
            command + ["--site", str(self.input), "--output-path", str(self.folder / BUNDLE), "--force-language",
                       self.language, "--quiet"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def stop(self):
        """Give up on a run under way (the pages it indexes will not be published)."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None
            shutil.rmtree(self.folder, ignore_errors=True)
        self._drop_input()

    def files(self) -> dict[str, Path]:
        """Wait for the index; its files (in the cache folder) by their path below output/."""
        if self.process is not None:
            out, _ = self.process.communicate()
            self._drop_input()
            if self.process.returncode != 0:
                self.error = f"Pagefind failed ({self.process.returncode}): {out.strip()[-500:]}"
                return {}
            (self.folder / ".key").write_text(self.key)
        root = self.folder / BUNDLE
        if not root.is_dir():
            return {}
        return {f"{BUNDLE}/{p.relative_to(root).as_posix()}": p for p in sorted(root.rglob("*")) if p.is_file()}


def _write_pages(docs: dict[str, str], place: Path) -> Path:
    """Pagefind's input: a page per entry at the entry's own path, so that its results link there."""
    folder = Path(tempfile.mkdtemp(prefix="digest-search-", dir=place))
    try:
        for path, doc in docs.items():
            target = folder / path / "index.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(doc, encoding="utf-8")
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder


def _doc(post, language: str) -> str:
    """What search sees of an entry: its headline (the result's title) and its text."""
    title = html.escape(post.title)
    return (f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8"><title>{title}</title></head>'
            f"<body><h1>{title}</h1>{post.html}</body></html>")
