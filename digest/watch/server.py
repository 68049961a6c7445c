"""The preview server of --watch: output/ over HTTP, standard library only.

HTML pages it sends get a small script (live.js) that listens to /__digest__/events (server-sent
events) to reload when a build finishes and to show a build error over the page; the files in
output/ never hold it. Only files inside output/ are ever sent: a path with a `..` or `.` segment,
plain or percent-encoded, or one that leads out through a link, is answered 404. Only requests for
this server's own address or name are answered (see Hosts), and no idle client holds a thread.
"""
import ipaddress
import json
import logging
import mimetypes
import os
import re
import selectors
import socket
import sys
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from pathlib import Path
from urllib.parse import unquote, urlsplit

EVENTS = "/__digest__/events"
KEEPALIVE = 15          # seconds between comments on an idle event stream
IDLE_TIMEOUT = 5        # seconds a client may stall: before its request is in, or while not reading ours
GONE_CHECK = 1          # seconds between looks at whether an event stream's client has hung up
MAX_CONNECTIONS = 100   # connections served at once, a thread each; more are closed unanswered
SEND_PIECE = 64 * 1024  # bytes per write, so the timeout bounds a stalled client, not a long download
_SCRIPT = files(__package__).joinpath("live.js").read_text(encoding="utf-8")

log = logging.getLogger("digest")


class Broadcaster:
    """The state the open pages follow: the number of the last good build and the current error."""

    def __init__(self):
        self.build = 1
        self.error: str | None = None
        self.version = 0
        self.closed = False
        self.state = threading.Condition()

    def built(self, changed: bool):
        """A good build; pages reload when it changed the site or ended an error."""
        with self.state:
            if changed or self.error:
                self.build += 1
            self.error = None
            self.version += 1
            self.state.notify_all()

    def failed(self, message: str):
        with self.state:
            self.error = message
            self.version += 1
            self.state.notify_all()

    def close(self):
        with self.state:
            self.closed = True
            self.state.notify_all()

    def next(self, seen: int, timeout: float) -> tuple[int, str] | None:
        """(version, state as JSON) once it is newer than `seen`; None on timeout or close."""
        with self.state:
            self.state.wait_for(lambda: self.version != seen or self.closed, timeout)
            if self.closed or self.version == seen:
                return None
            return self.version, json.dumps({"build": self.build, "error": self.error})


def resolve(root: Path, base_path: str, raw_path: str) -> Path | str | None:
    """The file below root a request path names; a str when the client should be redirected there
    (a folder without its slash); None when there is no such file or the path is not allowed."""
    path = unquote(urlsplit(raw_path).path, errors="strict")
    if "\x00" in path or "\\" in path:
        return None
    if path + "/" == base_path:
        return base_path
    if not path.startswith(base_path):
        return None
    parts = path[len(base_path):].split("/")
    if any(part in (".", "..") for part in parts):
        return None
    target = root.joinpath(*[p for p in parts if p])
    real_root = os.path.realpath(root)
    real = os.path.realpath(target)
    if real != real_root and not real.startswith(real_root + os.sep):
        return None
    if target.is_dir():
        if not path.endswith("/"):
            return path + "/"
        target = target / "index.html"
    return target if target.is_file() else None


def inject(page: bytes, build: int) -> bytes:
    script = _SCRIPT.replace("BUILD_NUMBER", str(build)).replace("EVENTS_URL", json.dumps(EVENTS))
    tag = f"<script>\n{script}</script>\n".encode("utf-8")
    at = page.lower().rfind(b"</body>")
    return page[:at] + tag + page[at:] if at >= 0 else page + tag


ANY_ADDRESS = ("", "0.0.0.0", "::")
_HOST = re.compile(r"(?:\[(?P<ipv6>[0-9A-Fa-f:.]+)\]|(?P<name>[A-Za-z0-9._-]+))(?::(?P<port>[0-9]{1,5}))?")


class Hosts:
    """The Host headers the server answers: 127.0.0.1, localhost, [::1] or the --bind address, at
    its port (which may be left out when it is 80).

    A page whose DNS name an attacker points at this machine (DNS rebinding) still sends that name,
    and is refused. A name is never looked up: resolving to one of our addresses is exactly what the
    attack arranges. Bound to every address (to be seen from the LAN), the server also answers any
    IP literal (no DNS in it, nothing to rebind) and this machine's own name."""

    def __init__(self, bind: str, port: int):
        self.port = port
        self.anywhere = bind in ANY_ADDRESS
        self.addresses = {ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("::1")}
        self.names = {"localhost"}
        try:
            self.addresses.add(ipaddress.ip_address(bind))
        except ValueError:
            self.names.add(bind.lower())
        if self.anywhere:
            machine = socket.gethostname().lower()
            self.names |= {machine, machine + ".local"}

    def allow(self, host: str) -> bool:
        match = _HOST.fullmatch(host)
        if not match or int(match["port"] or 80) != self.port:
            return False
        try:
            address = ipaddress.IPv6Address(match["ipv6"]) if match["ipv6"] else ipaddress.IPv4Address(match["name"])
        except ValueError:
            return match["name"] is not None and match["name"].lower() in self.names
        return self.anywhere or address in self.addresses


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = MAX_CONNECTIONS    # the default 5 leaves a burst of connects waiting on retries

    def __init__(self, address, root: Path, base_path: str, broadcaster: Broadcaster):
        self.root, self.base_path, self.broadcaster = root, base_path, broadcaster
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        self.errors_told: set[str] = set()
        super().__init__(address, _Handler)
        self.hosts = Hosts(address[0], self.server_address[1])

    def handle_error(self, request, client_address):
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)):
            return          # the client hung up or stalled: nothing went wrong here
        message = f"preview server: {type(error).__name__}: {error}"
        if message not in self.errors_told:     # one line, once: not a traceback on every request
            self.errors_told.add(message)
            log.error("%s", message)

    def process_request(self, request, client_address):
        if not self.slots.acquire(blocking=False):
            self.shutdown_request(request)      # a flood of clients must not start a thread each
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.slots.release()
            raise

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()


class _Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "digest-preview"
    timeout = IDLE_TIMEOUT      # the socket's: an idle or stalled client lets its thread go

    def log_message(self, format, *args):       # noqa: A002 - the base class's name
        pass                                    # the terminal is for build messages

    def do_HEAD(self):
        if self._host_allowed():
            self._respond(head=True)

    def do_GET(self):
        if not self._host_allowed():
            return
        if urlsplit(self.path).path == EVENTS:
            self._events()
        else:
            self._respond(head=False)

    def _host_allowed(self) -> bool:
        """True for a Host of ours; otherwise answers 421. A request without one (HTTP/1.0) is let in."""
        hosts = self.headers.get_all("Host", [])
        if not hosts or (len(hosts) == 1 and self.server.hosts.allow(hosts[0].strip())):
            return True
        bind, port = self.server.server_address[:2]
        own = "127.0.0.1" if bind in ANY_ADDRESS else f"[{bind}]" if ":" in bind else bind
        body = (f"Misdirected request: this preview server answers only to its own address, such as "
                f"http://{own}:{port}/, not to other host names.\n").encode("utf-8")
        self.send_response(HTTPStatus.MISDIRECTED_REQUEST)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self._send(body)
        return False

    def _respond(self, head: bool):
        server = self.server
        try:
            found = resolve(server.root, server.base_path, self.path)
        except UnicodeDecodeError:
            found = None
        if isinstance(found, str):
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", found)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        status = HTTPStatus.OK
        if found is None:
            status, found = HTTPStatus.NOT_FOUND, server.root / "404.html"
        try:
            data = found.read_bytes()
        except OSError:
            status, data, found = HTTPStatus.NOT_FOUND, b"<!DOCTYPE html><title>Not found</title><body></body>", None
        kind = mimetypes.guess_type(found.name)[0] if found else "text/html"
        kind = kind or "application/octet-stream"
        if kind == "text/html":
            data = inject(data, server.broadcaster.build)
        if kind.startswith("text/") or kind in ("application/json", "application/xml", "image/svg+xml"):
            kind += "; charset=utf-8"
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if not head:
            self._send(data)

    def _send(self, data: bytes):
        # One write of a whole file would have to finish within the timeout (sendall's rule).
        view = memoryview(data)
        for start in range(0, len(view), SEND_PIECE):
            self.wfile.write(view[start:start + SEND_PIECE])

    def _events(self):
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        broadcaster, seen, sent = self.server.broadcaster, -1, time.monotonic()
        with selectors.DefaultSelector() as hangup:
            # The client sends nothing after its request, so a readable socket means it hung up.
            hangup.register(self.connection, selectors.EVENT_READ)
            while not broadcaster.closed:
                news = broadcaster.next(seen, GONE_CHECK)
                if news is not None:
                    seen, state = news
                    message = f"event: state\ndata: {state}\n\n".encode("utf-8")
                elif hangup.select(0):
                    return
                elif time.monotonic() - sent >= KEEPALIVE:
                    message = b": still here\n\n"
                else:
                    continue
                self._send(message)
                sent = time.monotonic()


def start_server(bind: str, port: int, root: Path, base_path: str, broadcaster: Broadcaster) -> PreviewServer:
    """Serve in a background thread. OSError when the address cannot be used."""
    server = PreviewServer((bind, port), root, base_path, broadcaster)
    threading.Thread(target=server.serve_forever, name="preview server", daemon=True).start()
    return server
