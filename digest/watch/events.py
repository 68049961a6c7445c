"""What changed on disk, in batches: watchdog reports each file event; the build loop takes them a
burst at a time. One save fires several events, a `git checkout` hundreds: a batch ends when the
events pause (QUIET), so each burst is one rebuild. Only files a build reads count; editors' swap,
lock and backup files never start one.
"""
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from watchdog.events import FileSystemEventHandler
from watchdog.observers import Observer

from ..content import is_entry
from ..ingest.sniff import is_dump_name
from ..uptodate import template_folders

QUIET = 0.03            # seconds without events that end a burst
# ... after a file event that ends a save (the file closed after writing, renamed into place, or
# deleted): what else comes with a save comes within a millisecond, and the editor is waiting.
QUIET_AFTER_SAVE = 0.005
SAVED = {"closed", "moved", "deleted"}
LONGEST = 2.0           # a steady stream of events is still built at least this often
# Events that only say a file was looked at (the build's own reading fires them on Linux).
READ_ONLY = {"opened", "closed_no_write"}


def is_scratch(name: str) -> bool:
    """Editors' swap, lock, backup and temporary files: vim (.x.swp, x~, 4913), emacs (#x#, .#x),
    JetBrains (x___jb_tmp___) and other safe-save temporaries."""
    return (name.startswith((".", "#")) or name.endswith(("~", "#", ".swp", ".swx", ".tmp", ".bak", "___"))
            or name == "4913")


@dataclass
class Batch:
    paths: set[Path] = field(default_factory=set)       # files created, changed, deleted or renamed
    config: bool = False        # site.yaml
    dumps: bool = False         # a raw dump in seeds/
    rescan: bool = False        # a folder appeared, went or moved: look at everything


class Inbox(FileSystemEventHandler):
    """Collects what the site's build reads and what changed in it."""

    def __init__(self, site, config_path: Path):
        self.config = config_path.resolve()
        self.content = site.content_dir
        self.seeds = site.seeds_dir
        self.templates = template_folders(site)
        self.batch = Batch()
        self.last = 0.0
        self.first = 0.0
        self.quiet = QUIET          # how long the events must pause for, after the last one
        self.state = threading.Condition()

    def folders(self) -> list[Path]:
        return [f for f in (self.seeds, self.content, *self.templates) if f.is_dir()]

    def _kind(self, path: Path) -> str | None:
        if path == self.config:
            return "config"
        if is_scratch(path.name):
            return None
        if path.is_relative_to(self.content):
            return "file" if is_entry(self.content, path) else None
        if path.is_relative_to(self.seeds):
            return "dumps" if is_dump_name(path.name) else None
        if any(path.is_relative_to(f) for f in self.templates):
            return "file"
        return None

    def on_any_event(self, event):
        if event.event_type in READ_ONLY:
            return
        paths = [Path(p) for p in (event.src_path, getattr(event, "dest_path", "")) if p]
        with self.state:
            if event.is_directory:
                if event.event_type in ("created", "deleted", "moved") and any(
                        p.is_relative_to(f) for p in paths for f in (self.content, self.seeds, *self.templates)):
                    self._note(lambda b: setattr(b, "rescan", True))
                return
            for n, path in enumerate(paths):
                # A save ends with its file closed after writing or renamed into place (not away).
                saved = event.event_type in SAVED and (event.event_type != "moved" or n == 1)
                kind = self._kind(path)
                if kind == "config":
                    self._note(lambda b: setattr(b, "config", True), saved)
                elif kind == "dumps":
                    self._note(lambda b: setattr(b, "dumps", True), saved)
                elif kind == "file":
                    self._note(lambda b, p=path: b.paths.add(p), saved)

    def _note(self, change, saved: bool = False):
        now = time.monotonic()
        if not self.first:
            self.first = now
        self.last = now
        self.quiet = QUIET_AFTER_SAVE if saved else QUIET
        change(self.batch)
        self.state.notify_all()

    def take(self, timeout: float | None = None) -> Batch | None:
        """The next burst of changes, once it is over; None when nothing came within `timeout`."""
        with self.state:
            if not self.state.wait_for(lambda: self.first, timeout):
                return None
            while True:
                now = time.monotonic()
                left = min(self.last + self.quiet, self.first + LONGEST) - now
                if left <= 0:
                    break
                self.state.wait(left)
            batch, self.batch, self.first = self.batch, Batch(), 0.0
            return batch


def start_observer(inbox: Inbox) -> Observer:
    """Watch the site's folders (recursively) and site.yaml's folder (for editors that save by rename)."""
    observer = Observer()
    for folder in inbox.folders():
        observer.schedule(inbox, str(folder), recursive=True)
    observer.schedule(inbox, str(inbox.config.parent), recursive=False)
    observer.daemon = True
    observer.start()
    return observer
