"""The search index: Pagefind (PyPI pagefind[bin]) indexes one small page per entry (headline and
text) at build time, offline, in processes of its own while the site's pages are rendered.

The index is cut into shards of at most a few thousand entries by the day they are filed under
(shards()). Each shard is a Pagefind bundle of its own in the cache, named by a hash of its pages
and of the code, so it is made again only when one of its entries changed; the search page merges
them all in the browser (Pagefind's mergeIndex). Adding a report re-indexes its shard, not the
site, and no Pagefind process holds more than a shard in memory.

In output/: `pagefind/<shard>/` for each shard's index; the first shard's folder also holds what
Pagefind runs in the browser (pagefind.js, its worker, its WebAssembly), as the merged bundles use
the first one's; `pagefind/pagefind-ui.js` and `.css`, the search box the search page loads; and
`pagefind/shards.json`, the shards to merge, first one first, which search.js reads."""
import hashlib
import html
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from datetime import date, timedelta
from operator import attrgetter
from pathlib import Path
from typing import NamedTuple

from ..files import os_error, write_atomic
from ..uptodate import code_version

BUNDLE = "pagefind"
LISTING = "shards.json"
# At most this many entries a shard (DIGEST_SEARCH_SHARD overrides it, for tests and trials). A
# Pagefind run takes about 2.5 ms and 0.33 MB per entry here: 2,000 entries are ~5 s and ~650 MB,
# and a site of 100,000 entries is some 70 shards.
SHARD_ENTRIES = 2000
# The parts of the index that hold the newest week are cut smaller still, down to this many
# entries (or a day alone): new reports are of the newest days, and adding ten then re-indexes a
# day or two of entries rather than a shard of up to 2,000 (a Pagefind run costs ~2 ms an entry).
# As the week moves on, the small parts it leaves join again into shards of the usual size: a run
# of at most a shard's entries, once per stretch of days.
NEWEST_ENTRIES = 125
NEWEST_DAYS = 7
# Pagefind processes at once: two keep both cores busy once the pages are rendered, and memory
# at two shards' worth.
AT_ONCE = min(2, os.cpu_count() or 1)
UI = ("pagefind-ui.js", "pagefind-ui.css")
RUNTIME = ("pagefind.js", "pagefind-worker.js")         # and wasm.*.pagefind
# Pagefind's input is thrown away once it has run: on Linux it goes to the RAM disk, where making a
# thousand small files costs next to nothing (on disk it cost seconds here). Too little room there
# (containers often have 64 MB) and it goes to the cache folder instead.
RAM_DISK = Path("/dev/shm")
# A bundle being made (`.name.tmp`) younger than this may be another build's run under way (--watch's
# index beside a plain build): tidying leaves it.
UNDER_WAY = 600


class Page(NamedTuple):
    """What the index holds of an entry, taken when the Indexer is made: in --watch the build
    changes posts in place meanwhile, and a shard's hash and its input must be of the same pages."""
    id: str
    day: date
    path: str
    title: str
    html: str


def shard_size() -> int:
    return max(1, int(os.environ.get("DIGEST_SEARCH_SHARD") or SHARD_ENTRIES))


def pagefind_command() -> list[str]:
    """The Pagefind CLI (ImportError when it is not installed)."""
    from pagefind_bin import get_executable
    return [str(get_executable())]


def shards(posts, size: int) -> dict[str, list]:
    """The posts by shard, oldest shard first. A year of at most `size` entries is one shard; a
    bigger one is cut in two halves of its days, and each half again, until a part holds at most
    `size` entries or is a single day; a day with more is cut into 2, 4, 8… buckets by a hash of
    the entry id (none over `size`). Parts that hold any of the newest NEWEST_DAYS days are cut on
    down to at most NEWEST_ENTRIES (or a day). The cuts fall on fixed days, so entries added to the
    newest days (as new reports mostly are) change the small shards of those days, or cut one in
    two when it grows; where entries come every day, a shard holds about size/2 to size of them.
    The shards are a function of the entries alone: --watch and a clean build cut them alike."""
    by_year: dict[int, list] = {}
    for post in posts:
        by_year.setdefault(post.day.year, []).append(post)
    found: dict[str, list] = {}
    recent = max((post.day for post in posts), default=date.max) - timedelta(days=NEWEST_DAYS - 1)
    small = min(NEWEST_ENTRIES, size)
    for year in sorted(by_year):
        _cut(by_year[year], date(year, 1, 1), date(year, 12, 31), size, found, recent, small)
    return found


def _cut(posts, first: date, last: date, size: int, found: dict, recent: date, small: int):
    if len(posts) <= (small if last >= recent and first != last else size):
        name = str(first.year) if (first.month, first.day, last.month, last.day) == (1, 1, 12, 31) else \
            f"{first:%Y%m%d}" if first == last else f"{first:%Y%m%d}-{last:%Y%m%d}"
        found[name] = posts
    elif first == last:
        # A power of two, doubled until no bucket is too big: it changes about when the day doubles.
        hashes = [int.from_bytes(hashlib.blake2b(p.id.encode("utf-8"), digest_size=8).digest(), "big")
                  for p in posts]
        count = 2
        while True:
            buckets: dict[int, list] = {}
            for post, h in zip(posts, hashes):
                buckets.setdefault(h % count, []).append(post)
            if max(map(len, buckets.values())) <= size:
                break
            count *= 2
        for n in sorted(buckets):
            found[f"{first:%Y%m%d}-{n + 1:0{len(str(count))}d}of{count}"] = buckets[n]
    else:
        middle = first + (last - first) // 2
        early = [p for p in posts if p.day <= middle]
        late = [p for p in posts if p.day > middle]
        if early:
            _cut(early, first, middle, size, found, recent, small)
        if late:
            _cut(late, middle + timedelta(days=1), last, size, found, recent, small)


class Indexer:
    """start() runs Pagefind for each shard whose bundle is not in the cache, AT_ONCE at a time, in
    the background; running() says whether it still does; stop() gives up; files() waits and gives
    the index's files by their path below output/. `error` says what went wrong, if anything."""

    def __init__(self, posts, site, cache_dir: Path):
        self.folder = cache_dir / "search"
        self.language = (site.language.split("-")[0] or "en").lower()
        pages = [Page(post.id, post.day, post.path, post.title, post.html) for post in posts]
        self.shards = shards(pages, shard_size())
        # Each in the order of their paths, for the hash and for Pagefind alike: Pagefind's index
        # depends on the order it reads its pages in, which the entries' order (by time) must not decide.
        for members in self.shards.values():
            members.sort(key=attrgetter("path"))
        self.bundles: dict[str, str] | None = None      # shard → its bundle's folder in the cache
        self.error = None
        self.ran: list[str] = []                        # the shards Pagefind was started for
        self.todo: list = []
        self.processes: set = set()
        self.threads: list[threading.Thread] = []
        self.stopped = False
        self.lock = threading.Lock()

    def _bundle_name(self, shard: str, pages) -> str:
        """The bundle is of these pages, made by this code and this Pagefind (code_version has its version)."""
        h = hashlib.blake2b(f"{code_version()}\0{self.language}".encode(), digest_size=12)
        for page in pages:      # what _doc makes of each page, without making it
            h.update(f"{page.path}\0{page.title}\0{page.html}\0".encode("utf-8", "surrogatepass"))
        return f"{shard}-{h.hexdigest()}"

    def start(self):
        """Start indexing the shards whose bundles are not in the cache, in the background."""
        try:
            command = pagefind_command()
        except ImportError:
            self.error = "Pagefind is not installed (pip install -r requirements.txt); the search page will not work"
            return
        self.bundles = {shard: self._bundle_name(shard, pages) for shard, pages in self.shards.items()}
        self.todo = sorted(((shard, name, self.shards[shard]) for shard, name in self.bundles.items()
                            if not (self.folder / name).is_dir()), key=lambda job: -len(job[2]))
        if self.todo:
            self.folder.mkdir(parents=True, exist_ok=True)
        self.threads = [threading.Thread(target=self._lane, args=(command,), name="search shards", daemon=True)
                        for _ in range(min(AT_ONCE, len(self.todo)))]
        for thread in self.threads:
            thread.start()

    def running(self) -> bool:
        return any(thread.is_alive() for thread in self.threads)

    def _lane(self, command):
        while True:
            with self.lock:
                if self.stopped or not self.todo or self.error:
                    return
                shard, name, pages = self.todo.pop(0)
            try:
                self._index(command, shard, name, pages)
            except Exception as err:        # a bug or the disk: said, never a thread dying unseen
                self.error = os_error(err) if isinstance(err, OSError) else f"indexing {shard} failed: {err!r}"

    def _index(self, command, shard: str, name: str, pages):
        made = self.folder / f".{name}.tmp"     # renamed to `name` once whole: a bundle there is complete
        shutil.rmtree(made, ignore_errors=True)
        site = self._write_input({page.path: _doc(page, self.language) for page in pages})
        try:
            with self.lock:
                if self.stopped:
                    return
                process = subprocess.Popen(
                    command + ["--site", str(site), "--output-path", str(made), "--force-language", self.language,
                               "--quiet"],
                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                self.processes.add(process)
                self.ran.append(shard)
            out, _ = process.communicate()
            with self.lock:
                self.processes.discard(process)
        finally:
            shutil.rmtree(site, ignore_errors=True)
        if self.stopped or process.returncode != 0:
            shutil.rmtree(made, ignore_errors=True)
            if not self.stopped:
                self.error = f"Pagefind failed on shard {shard} ({process.returncode}): {out.strip()[-500:]}"
            return
        try:
            os.rename(made, self.folder / name)
        except OSError:
            if not (self.folder / name).is_dir():
                raise
            shutil.rmtree(made, ignore_errors=True)     # another build made it meanwhile

    def _write_input(self, docs: dict[str, str]) -> Path:
        if RAM_DISK.is_dir() and os.access(RAM_DISK, os.W_OK):
            try:
                return _write_pages(docs, RAM_DISK)
            except OSError:
                pass                    # full: the disk it is
        self.folder.mkdir(parents=True, exist_ok=True)
        return _write_pages(docs, self.folder)

    def stop(self):
        """Give up on the runs under way (the pages they index will not be published). The shards
        made already stay in the cache for the next run."""
        with self.lock:
            self.stopped = True
            for process in self.processes:
                process.kill()
        for thread in self.threads:
            thread.join()

    def files(self) -> dict[str, Path]:
        """Wait for the index; its files (in the cache folder) by their path below output/."""
        for thread in self.threads:
            thread.join()
        if self.error or self.stopped or self.bundles is None:
            return {}
        self._tidy()
        if not self.bundles:
            return {}              # no entries, nothing to search
        names = list(self.bundles)
        listing = self.folder / LISTING
        data = (json.dumps({"shards": names}, indent=1) + "\n").encode()
        if not listing.is_file() or listing.read_bytes() != data:
            write_atomic(listing, data)     # a new file: output/ may hold a link to the old one
        found = {f"{BUNDLE}/{LISTING}": listing}
        for shard in names:
            root = self.folder / self.bundles[shard]
            for rel in _bundle_files(str(root)):
                if "/" in rel or rel == "pagefind-entry.json" or rel.endswith(".pf_meta") or (
                        shard == names[0] and (rel in RUNTIME or rel.startswith("wasm."))):
                    found[f"{BUNDLE}/{shard}/{rel}"] = root / rel
                if shard == names[0] and rel in UI:
                    found[f"{BUNDLE}/{rel}"] = root / rel
        return found

    def _tidy(self):
        """Bundles of shards that are no more, and what runs killed with the build left behind,
        leave the cache."""
        keep = set(self.bundles.values()) | {LISTING}
        recent = time.time() - UNDER_WAY
        for path in self.folder.iterdir() if self.folder.is_dir() else ():
            if path.name not in keep and not (path.name.endswith(".tmp") and _mtime(path) > recent):
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _bundle_files(root: str) -> list[str]:
    """Every file of a bundle, by its path inside it, in order (os.walk: a bundle holds a file
    per entry, and pathlib would take a tenth of a second over 10,000 of them)."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        inside = os.path.relpath(dirpath, root).replace(os.sep, "/")
        found += sorted(name if inside == "." else f"{inside}/{name}" for name in filenames)
    return found


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


def _doc(page, language: str) -> str:
    """What search sees of an entry: its headline (the result's title) and its text."""
    title = html.escape(page.title)
    return (f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8"><title>{title}</title></head>'
            f"<body><h1>{title}</h1>{page.html}</body></html>")
