"""One build of a site at a time: an exclusive lock (flock) on .digest-cache/build.lock beside
site.yaml, held while a build reads and writes content/ and output/ (a plain build from start to
end; --watch for each rebuild and each time its search index goes into output/). A second build
waits for it (DIGEST_LOCK_WAIT seconds, default 300), then stops with a message naming the lock.
The lock goes with the process that holds it, however it ends: a killed build never leaves a stale
lock.

One --watch of a site at a time, too (.digest-cache/watch.lock, held while it runs): two would each
rebuild output/ under the other's feet. A second one stops at once, naming the first's process."""
import fcntl
import logging
import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from .uptodate import CACHE_DIR

LOCK_FILE = "build.lock"
WATCH_LOCK_FILE = "watch.lock"
DEFAULT_WAIT = 300.0
# (lock path, thread) → [open file, depth]: a build that holds the lock may take it again. Per
# thread: --watch's search indexer takes it in a thread of its own and must wait for the build.
_held: dict[tuple[Path, int], list] = {}

log = logging.getLogger("digest")


class Busy(Exception):
    """Another build of the site held the lock for longer than we wait; str() names the lock."""


def lock_path(site) -> Path:
    return site.root / CACHE_DIR / LOCK_FILE


def _shown(path: Path) -> Path:
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


@contextmanager
def build_lock(site, wait: float | None = None):
    path = lock_path(site)
    mine = (path, threading.get_ident())
    if mine in _held:
        _held[mine][1] += 1
        try:
            yield
        finally:
            _held[mine][1] -= 1
        return
    if wait is None:
        wait = float(os.environ.get("DIGEST_LOCK_WAIT", DEFAULT_WAIT))
    path.parent.mkdir(parents=True, exist_ok=True)
    f = open(path, "a")
    try:
        deadline, told = time.monotonic() + wait, False
        while True:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise Busy(f"another build of this site is running (it holds {_shown(path)}); waited {wait:g} s. "
                               "Let it finish, then build again.") from None
                if not told and wait >= 1 and threading.current_thread() is threading.main_thread():
                    log.info("waiting for another build of this site to finish (it holds %s)", _shown(path))
                    told = True
                time.sleep(0.05)
        _held[mine] = [f, 1]
        try:
            yield
        finally:
            del _held[mine]
            fcntl.flock(f, fcntl.LOCK_UN)
    finally:
        f.close()


@contextmanager
def watch_lock(site):
    """Held while --watch runs; Busy at once when another --watch of the site holds it."""
    path = site.root / CACHE_DIR / WATCH_LOCK_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    f = open(path, "a+")
    try:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            pid = f.read().strip()
            raise Busy(f"another --watch is serving this site{f' (process {pid})' if pid.isdigit() else ''}: "
                       f"it holds {_shown(path)}. Use its preview, or stop it (Ctrl-C in its terminal) and "
                       "start this one again.") from None
        f.truncate(0)
        f.write(str(os.getpid()))
        f.flush()
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)
    finally:
        f.close()
