"""The editor's loop: build once, serve the site, and rebuild what changed after every save.

A build error (an entry that cannot be read, a template error, a bad site.yaml) is printed with its
file and line and shown over the page in the browser; output/ keeps the last good build and the
loop goes on watching. Ctrl-C stops it cleanly.
"""
import logging
import signal
import time
import traceback
from pathlib import Path

from ..config import ConfigError, load
from ..build import EXIT_BUSY, EXIT_OK, EXIT_USAGE, config_warnings, normalize_site
from ..lock import Busy, watch_lock
from ..render.engine import BuildError, Engine
from ..uptodate import CACHE_DIR, BuildState
from .events import Inbox, start_observer
from .server import Broadcaster, start_server

log = logging.getLogger("digest")


class Session:
    """One site being watched: its build engine, the folders watched, and what the browser is told."""

    def __init__(self, site, config_path: Path, broadcaster: Broadcaster, markdown=None):
        self.site, self.config_path, self.broadcaster = site, config_path, broadcaster
        self.live = Engine(site, log, markdown, watch=True)
        self.inbox = Inbox(site, config_path)
        self.observer = None
        self.config_error = False
        self.warnings: list[str] = []

    def start(self):
        self.observer = start_observer(self.inbox)

    def rewatch(self):
        """Watch the folders afresh: one that was deleted or moved and is back is a new folder,
        which the old watch does not see. The new watch starts before the old one stops."""
        old, self.observer = self.observer, start_observer(self.inbox)
        if old:
            old.stop()
            old.join(timeout=2)

    def stop(self):
        if self.observer:
            self.observer.stop()
            self.observer.join(timeout=2)
        self.live.close()

    def build(self, changed=None):
        """Build and tell the terminal and the browser how it went."""
        started = time.perf_counter()
        try:
            report = self.live.build(changed)
        except BuildError as err:
            self.fail(str(err))
            return
        except Exception:           # a bug of ours: say so, and keep the editor's loop alive
            self.fail("internal error, please report it:\n" + traceback.format_exc())
            return
        if report.warnings != self.warnings:    # each warning once, not on every save
            for warning in report.warnings:
                log.warning("warning: %s", warning)
            self.warnings = report.warnings
        log.info("%s built %d entries in %.0f ms: %d pages rendered, %d files written, %d removed",
                 time.strftime("%H:%M:%S"), report.entries, (time.perf_counter() - started) * 1000,
                 report.rendered, report.written, report.removed)
        self.broadcaster.built(changed=bool(report.written or report.removed))

    def fail(self, message: str):
        log.error("%s error: %s\nThe preview shows the last good build; fix the file and save.",
                  time.strftime("%H:%M:%S"), message)
        self.broadcaster.failed(message)


def watch(site, config_path: Path, bind: str, port: int) -> int:
    try:
        with watch_lock(site):          # one --watch of a site at a time
            return _watch(site, config_path, bind, port)
    except Busy as err:
        log.error("error: %s", err)
        return EXIT_BUSY


def _watch(site, config_path: Path, bind: str, port: int) -> int:
    BuildState(site.root / CACHE_DIR).forget()      # the next plain build checks everything again
    signal.signal(signal.SIGTERM, _stop)            # `kill` stops it as cleanly as Ctrl-C
    broadcaster = Broadcaster()
    session = server = None
    try:
        session = Session(site, config_path, broadcaster)
        session.start()         # watching first: a save during the first build is not missed
        normalize_site(site)
        session.build()
        try:
            server = start_server(bind, port, site.output_dir, site.base_path, broadcaster)
        except OSError as err:
            log.error("error: cannot serve on %s port %d (%s); choose another with --port, or stop what uses it",
                      bind, port, err.strerror or err)
            return EXIT_USAGE
        host = f"[{bind}]" if ":" in bind else bind
        print(f"Serving {site.output_dir} at http://{host}:{server.server_address[1]}{site.base_path}"
              " (Ctrl-C to stop)", flush=True)
        while True:
            batch = session.inbox.take(timeout=1.0)
            if batch is None:
                continue
            if batch.config or session.config_error:
                session = _reload(session, server, broadcaster)
                continue
            if batch.rescan:
                session.rewatch()
            if batch.dumps:
                normalize_site(session.site)
            session.build(None if batch.rescan or batch.dumps else batch.paths)
    except KeyboardInterrupt:
        log.info("stopped")
        return EXIT_OK
    finally:
        broadcaster.close()
        if server:
            server.shutdown()
            server.server_close()
        if session:
            session.stop()


def _stop(signum, frame):
    raise KeyboardInterrupt


def _reload(session: Session, server, broadcaster: Broadcaster) -> Session:
    """site.yaml changed: read it again and rebuild everything (or keep going with the last good one)."""
    try:
        site = load(session.config_path)
    except ConfigError as err:
        session.config_error = True
        session.fail(str(err))
        return session
    config_warnings(site)       # an unknown key: said once per save of site.yaml
    session.stop()
    fresh = Session(site, session.config_path, broadcaster, session.live.markdown)
    server.root, server.base_path = site.output_dir, site.base_path
    fresh.start()
    fresh.build()
    return fresh
