"""One build of a site at a time: an exclusive lock (flock) on .digest-cache/build.lock beside
site.yaml, held while a build reads and writes content/ and output/. A second build waits for it
(DIGEST_LOCK_WAIT seconds, default 300), then stops with a message naming the lock. The lock goes
with the process that holds it, however it ends: a killed build never leaves a stale lock."""
import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path

from .uptodate import CACHE_DIR

LOCK_FILE = "build.lock"
DEFAULT_WAIT = 300.0
_held: dict[Path, list] = {}        # lock path → [open file, depth]: a build that holds it may take it again


class Busy(Exception):
    """Another build of the site held the lock for longer than we wait; str() names the lock."""


def lock_path(site) -> Path:
    return site.root / CACHE_DIR / LOCK_FILE


@contextmanager
def build_lock(site, wait: float | None = None):
    path = lock_path(site)
    if path in _held:
        _held[path][1] += 1
        try:
            yield
        finally:
            _held[path][1] -= 1
        return
    if wait is None:
        wait = float(os.environ.get("DIGEST_LOCK_WAIT", DEFAULT_WAIT))
    path.parent.mkdir(parents=True, exist_ok=True)
    f = open(path, "a")
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    try:
                        shown = path.relative_to(Path.cwd())
                    except ValueError:
                        shown = path
                    raise Busy(f"another build of this site is running (it holds {shown}); waited {wait:g} s. "
                               "Let it finish, then build again.") from None
                time.sleep(0.05)
        _held[path] = [f, 1]
        try:
            yield
        finally:
            del _held[path]
            fcntl.flock(f, fcntl.LOCK_UN)
    finally:
        f.close()
