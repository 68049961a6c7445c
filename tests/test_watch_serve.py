"""`python build.py --watch` as editors run it: the preview server, the reload signal, the error
overlay's message, what starts a rebuild and what does not, and a clean stop."""
import http.client
import json
import logging
import os
import random
import re
import select
import shutil
import socket
import struct
import threading
import time
from pathlib import Path

import pytest

from conftest import ROOT, snapshot
from digest.watch import server as server_module
from digest.watch.server import EVENTS, IDLE_TIMEOUT, KEEPALIVE, MAX_CONNECTIONS, Broadcaster, Hosts, start_server
from watch_helpers import Watcher, clean_build_of, differences, entry_text, make_site, save_atomically

SECRET = "top secret, outside output/"


@pytest.fixture
def served(tmp_path):
    """The preview server alone, on a small output/ with a secret beside it and a link out of it."""
    out = tmp_path / "site" / "output"
    (out / "archive").mkdir(parents=True)
    (out / "index.html").write_text("<!DOCTYPE html><html><body><h1>Home</h1></body></html>", encoding="utf-8")
    (out / "archive" / "index.html").write_text("<!DOCTYPE html><html><body>Archive</body></html>", encoding="utf-8")
    (out / "404.html").write_text("<!DOCTYPE html><html><body>Not here</body></html>", encoding="utf-8")
    (out / "feed.xml").write_text("<rss></rss>", encoding="utf-8")
    (tmp_path / "site" / "site.yaml").write_text(SECRET, encoding="utf-8")
    os.symlink(tmp_path / "site" / "site.yaml", out / "linked.txt")
    server = start_server("127.0.0.1", 0, out, "/", Broadcaster())
    yield server, out
    server.broadcaster.close()
    server.shutdown()
    server.server_close()


def _get(port: int, raw_path: str):
    """A request with the path sent exactly as written (no client-side clean-up of dots)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.putrequest("GET", raw_path, skip_accept_encoding=True)
    conn.endheaders()
    response = conn.getresponse()
    return response.status, response.getheader("Location"), response.read()


@pytest.mark.parametrize("path", ["/../site.yaml", "/%2e%2e/site.yaml", "/%2E%2E/site.yaml", "/.%2e/site.yaml",
                                  "/archive/../../site.yaml", "/archive/%2e%2e/%2e%2e/site.yaml",
                                  "/..%2fsite.yaml", "/%2e%2e%2fsite.yaml", "/..%5csite.yaml", "/linked.txt",
                                  "/archive/%2e%2e/index.html", "/%00", "//etc/passwd", "/%252e%252e/site.yaml"])
def test_nothing_outside_output_is_served(served, path):
    server, _ = served
    status, _, body = _get(server.server_address[1], path)
    assert status == 404, (path, status)
    assert SECRET.encode() not in body


def test_pages_get_the_reload_script_and_output_does_not(served):
    server, out = served
    port = server.server_address[1]
    status, _, body = _get(port, "/")
    assert status == 200 and b"<h1>Home</h1>" in body
    assert b"EventSource" in body and body.index(b"EventSource") < body.index(b"</body>")
    assert b"EventSource" not in (out / "index.html").read_bytes()
    status, _, body = _get(port, "/feed.xml")
    assert status == 200 and body == b"<rss></rss>"          # only HTML pages get the script
    status, location, _ = _get(port, "/archive")
    assert status == 301 and location == "/archive/"
    status, _, body = _get(port, "/no/such/page/")
    assert status == 404 and b"Not here" in body and b"EventSource" in body


def test_a_site_under_a_sub_path_is_served_there(tmp_path):
    out = tmp_path / "output"
    (out / "themes").mkdir(parents=True)
    (out / "themes" / "index.html").write_text("<html><body>Themes</body></html>", encoding="utf-8")
    server = start_server("127.0.0.1", 0, out, "/news/", Broadcaster())
    try:
        port = server.server_address[1]
        assert _get(port, "/news/themes/")[0] == 200
        assert _get(port, "/news")[:2] == (301, "/news/")
        assert _get(port, "/themes/")[0] == 404
    finally:
        server.shutdown()
        server.server_close()


def _eventually(condition, deadline: float) -> bool:
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _hung_up(client: socket.socket, deadline: float) -> bool:
    """Whether the server closes this connection (which never gets an answer) before the deadline."""
    client.settimeout(max(0.1, deadline - time.monotonic()))
    try:
        return client.recv(1) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def _event_stream(port: int):
    """The response of a GET of the event stream; closing it hangs up (it holds the socket)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", EVENTS)
    return conn.getresponse()


def _next_state(stream) -> dict:
    for line in stream:
        if line.startswith(b"data: "):
            return json.loads(line[6:])
    raise AssertionError("the event stream ended")


def test_idle_connections_are_closed_and_the_event_stream_stays_open(served):
    """Clients that connect and say nothing, or only half a request, are hung up on after the idle
    timeout and their threads end; the event stream, quiet for longer than that, still works."""
    server, _ = served
    port = server.server_address[1]
    threads = threading.active_count()
    stream = _event_stream(port)
    try:
        assert _next_state(stream)["build"] == 1
        idle = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(50)]
        idle[0].sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")     # and never the blank line
        deadline = time.monotonic() + IDLE_TIMEOUT * 6
        assert all(_hung_up(client, deadline) for client in idle)
        assert _eventually(lambda: threading.active_count() <= threads + 1, deadline)  # + the stream's
        server.broadcaster.built(changed=True)
        assert _next_state(stream)["build"] == 2
    finally:
        stream.close()


def test_an_event_stream_ends_when_its_client_hangs_up(served):
    """Within a few checks, not at the next keep-alive comment nor the one after it that would fail."""
    server, _ = served
    threads = threading.active_count()
    stream = _event_stream(server.server_address[1])
    assert _next_state(stream)["build"] == 1
    stream.close()
    assert _eventually(lambda: threading.active_count() <= threads, time.monotonic() + KEEPALIVE)


def test_connections_beyond_the_limit_are_closed_at_once(served):
    """A flood of clients gets at most MAX_CONNECTIONS threads; the others are hung up on, and once
    the flood has gone the server answers again."""
    server, _ = served
    port = server.server_address[1]
    threads = threading.active_count()
    extra = 20
    clients = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(MAX_CONNECTIONS + extra)]
    deadline = time.monotonic() + IDLE_TIMEOUT * 6
    most, closed = threads, 0
    while closed < extra and time.monotonic() < deadline:     # those beyond the limit, then the idle ones
        most = max(most, threading.active_count())
        closed = len(select.select(clients, [], [], 0.05)[0])
    assert closed >= extra, closed
    assert most <= threads + MAX_CONNECTIONS, most
    assert all(_hung_up(client, deadline) for client in clients)
    for client in clients:
        client.close()
    assert _eventually(lambda: threading.active_count() <= threads, deadline)
    assert _get(port, "/")[0] == 200


def test_a_client_that_hangs_up_is_not_an_error(served, capsys, caplog):
    """Whenever it hangs up (before its request, half-way through it, half-way through a large answer,
    on the event stream) and however (a reset), nothing is printed."""
    server, out = served
    (out / "large.bin").write_bytes(b"x" * 16_000_000)         # more than the sockets' buffers hold
    port = server.server_address[1]
    threads = threading.active_count()
    requests = (b"", b"GET /large.bin HT", b"GET /large.bin HTTP/1.0\r\n\r\n", f"GET {EVENTS} HTTP/1.0\r\n\r\n".encode())
    for request in requests:
        client = socket.create_connection(("127.0.0.1", port), timeout=10)
        client.sendall(request)
        if request.endswith(b"\r\n\r\n"):
            client.recv(1)                                      # the answer has begun
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.close()                                          # with a reset, not a goodbye
    assert _eventually(lambda: threading.active_count() <= threads, time.monotonic() + IDLE_TIMEOUT * 6)
    assert capsys.readouterr().err == ""
    assert [record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING] == []


def test_a_fault_of_the_server_is_told_once_in_one_line(served, monkeypatch, capsys, caplog):
    server, _ = served

    def broken(*args):
        raise ValueError("resolve is broken")

    monkeypatch.setattr(server_module, "resolve", broken)
    for _ in range(3):
        with pytest.raises(http.client.RemoteDisconnected):
            _get(server.server_address[1], "/")
    told = [record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING]
    assert told == ["preview server: ValueError: resolve is broken"]
    assert "Traceback" not in capsys.readouterr().err


def _get_as(port: int, path: str, host: str | None, method: str = "GET"):
    """A request to 127.0.0.1 that says it is for `host` (None: no Host header, as in HTTP/1.0)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    if host is not None:
        conn.putheader("Host", host)
    conn.endheaders()
    response = conn.getresponse()
    return response.status, response.getheader("Content-Type"), response.read()


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "localhost.evil.example:{port}",
                                  "127.0.0.1.evil.example:{port}", "127.0.0.1:{other}", "localhost:{other}",
                                  "127.0.0.1", "127.0.0.2:{port}", "192.168.1.20:{port}", "[::2]:{port}",
                                  "[127.0.0.1]:{port}", "127.0.0.1:{port}@evil.example", ""])
def test_a_request_for_another_host_is_refused(served, host):
    """DNS rebinding: a page whose name was pointed at 127.0.0.1 sends its own name as Host."""
    server, _ = served
    port = server.server_address[1]
    host = host.format(port=port, other=port + 1 if port < 65535 else port - 1)
    for path in ("/", "/archive/", EVENTS):
        status, kind, body = _get_as(port, path, host)
        assert (status, kind) == (421, "text/plain; charset=utf-8"), (host, path)
        assert b"Misdirected request" in body and len(body) < 200 and b"Home" not in body
    assert _get_as(port, "/", host, method="HEAD")[0] == 421


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LocalHost:{port}", "[::1]:{port}", None])
def test_a_request_for_this_server_is_answered(served, host):
    server, _ = served
    port = server.server_address[1]
    status, _, body = _get_as(port, "/", host and host.format(port=port))
    assert status == 200 and b"<h1>Home</h1>" in body


@pytest.mark.parametrize("bind, port, host, answered", [
    ("127.0.0.1", 80, "127.0.0.1", True), ("127.0.0.1", 80, "localhost:80", True),
    ("127.0.0.1", 8000, "localhost", False),
    ("192.168.1.5", 8000, "192.168.1.5:8000", True), ("192.168.1.5", 8000, "192.168.1.6:8000", False),
    ("::1", 8000, "[::1]:8000", True), ("::1", 8000, "::1:8000", False),
    ("mybox.lan", 8000, "MyBox.lan:8000", True), ("mybox.lan", 8000, "other.lan:8000", False),
    # Bound to every address: any IP literal, this machine's own name, never another name.
    ("0.0.0.0", 8000, "192.168.1.20:8000", True), ("0.0.0.0", 8000, "[fe80::1]:8000", True),
    ("::", 8000, "10.0.0.7:8000", True), ("0.0.0.0", 8000, f"{socket.gethostname()}:8000", True),
    ("0.0.0.0", 8000, f"{socket.gethostname()}.local:8000", True), ("0.0.0.0", 8000, "localhost:8000", True),
    ("0.0.0.0", 8000, "evil.example:8000", False), ("0.0.0.0", 8000, "192.168.1.20:8001", False),
])
def test_which_host_names_each_address_answers(bind, port, host, answered):
    assert Hosts(bind, port).allow(host) is answered


def test_the_editors_loop(tmp_path):
    """Saves of every kind rebuild once each and the output is the clean build's; swap files and
    backups start nothing; errors are named and cleared; Ctrl-C stops without a traceback."""
    rng = random.Random(11)
    site = make_site(tmp_path, rng, entries=200, seeds=True)     # enough to use both cores
    held_back = site / "seeds" / sorted(p.name for p in (ROOT / "seeds").glob("*.txt"))[0]
    held_back.unlink()
    watcher = Watcher(site)
    try:
        content = site / "content"
        entry = content / "generated-00002.md"
        page_of = lambda path: next((site / "output").glob(f"*/*/*/{path.stem}/index.html"))  # noqa: E731

        # An atomic save: the page on disk and the one served show the new headline; only the served one
        # carries the reload script.
        save_atomically(entry, entry.read_text(encoding="utf-8").replace("title: ", "title: Saved by rename ", 1))
        watcher.wait_build()
        page = page_of(entry)
        assert b"Saved by rename" in page.read_bytes() and b"EventSource" not in page.read_bytes()
        status, body = watcher.get("/" + page.relative_to(site / "output").parent.as_posix() + "/")
        assert status == 200 and b"Saved by rename" in body and b"EventSource" in body

        # Editors' swap, lock and backup files start nothing.
        builds = watcher.builds()
        for name in (".generated-00002.md.swp", "generated-00002.md~", "#generated-00002.md#", "4913",
                     ".#generated-00002.md"):
            (content / name).write_text("scratch", encoding="utf-8")
        (site / "templates" / ".entry.html.swp").write_text("scratch", encoding="utf-8")
        assert watcher.quiet(1.0) and watcher.builds() == builds

        # A burst (as from a git checkout) is one rebuild, or very few.
        builds = watcher.builds()
        for n in range(60):
            (content / f"burst-{n}.md").write_text(entry_text(rng, 500 + n), encoding="utf-8")
        watcher.wait_build()
        assert watcher.quiet(1.0)
        assert watcher.builds() - builds <= 2, watcher.stderr

        # An in-place write in pieces is read once it holds still.
        with open(entry, "w", encoding="utf-8") as f:
            text = entry_text(rng, 2, title="Written in place, in two pieces")
            f.write(text[:40])
            f.flush()
            time.sleep(0.005)
            f.write(text[40:])
        watcher.wait_build()
        if not watcher.quiet(1.0):
            assert watcher.state["error"] is None
        assert b"Written in place, in two pieces" in page_of(entry).read_bytes()

        # A delete, a rename and a new dump.
        (content / "burst-1.md").unlink()
        os.replace(content / "burst-2.md", content / "renamed-burst.md")
        watcher.wait_build()
        shutil.copy(ROOT / "seeds" / held_back.name, held_back)
        watcher.wait_build(timeout=120)
        assert watcher.quiet(1.5) or watcher.state["error"] is None

        # A broken front matter: named with file and line; the site stays; the fix clears it.
        good = entry.read_text(encoding="utf-8")
        entry.write_text(good.replace("title: ", "title: [broken ", 1), encoding="utf-8")
        error = watcher.wait_error()
        assert re.search(r"content/generated-00002\.md:3\b", error), error
        assert re.search(r"generated-00002\.md:3", watcher.stderr)
        assert b"Written in place" in page_of(entry).read_bytes()
        entry.write_text(good, encoding="utf-8")
        assert watcher.wait_build()["error"] is None

        # A bad site.yaml, then a template error, each named and cleared.
        config = site / "site.yaml"
        good_config = config.read_text(encoding="utf-8")
        config.write_text(good_config + "page_size: many\n", encoding="utf-8")
        error = watcher.wait_error()
        assert re.search(r"site\.yaml:\d+", error), error
        config.write_text(good_config, encoding="utf-8")
        watcher.wait_build()
        template = site / "templates" / "entry.html"
        good_template = template.read_text(encoding="utf-8")
        template.write_text(good_template.replace("{% block main %}", "{% block main %}{{ post.title | nosuchfilter }}"),
                            encoding="utf-8")
        error = watcher.wait_error()
        assert re.search(r"entry\.html:\d+", error) and "nosuchfilter" in error, error
        template.write_text(good_template, encoding="utf-8")
        watcher.wait_build()

        # content/ deleted and made again (as some checkouts do): watched again, edits seen.
        shutil.copytree(content, tmp_path / "content-kept")
        shutil.rmtree(content)
        watcher.wait_build()
        shutil.copytree(tmp_path / "content-kept", content)
        watcher.wait_build()
        assert watcher.quiet(0.5) or watcher.state["error"] is None
        save_atomically(entry, entry.read_text(encoding="utf-8").replace("title: ", "title: Back again ", 1))
        # The copy above may still be announcing builds of its own: wait for the one with the save
        # (wait_build fails after 30 s with no build, so a save that never arrives still fails).
        watcher.wait_build()
        for _ in range(10):
            if b"Back again" in page_of(entry).read_bytes():
                break
            watcher.wait_build()
        assert b"Back again" in page_of(entry).read_bytes()

        assert watcher.quiet(1.0) or watcher.state["error"] is None
        assert differences(snapshot(site / "output"), clean_build_of(site, tmp_path)) == []

        assert watcher.interrupt() == 0
        assert "Traceback" not in watcher.stderr, watcher.stderr
    finally:
        watcher.close()


def test_a_port_in_use_is_named(tmp_path):
    rng = random.Random(12)
    site = make_site(tmp_path, rng, entries=2)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        from conftest import run_build
        result = run_build(site, "--watch", "--port", str(port))
    assert result.returncode == 2
    assert f"port {port}" in result.stderr and "--port" in result.stderr and "Traceback" not in result.stderr


def test_one_watch_of_a_site_at_a_time_and_its_rebuilds_wait_for_a_plain_build(tmp_path):
    """A second --watch of the same site stops at once, naming the first (two would rebuild
    output/ under each other's feet). A save while another build holds the site's build lock is
    built once that build is done, not beside it."""
    import fcntl
    import sys
    import subprocess
    rng = random.Random(13)
    site = make_site(tmp_path, rng, entries=6)
    watcher = Watcher(site)
    try:
        second = subprocess.run([sys.executable, str(ROOT / "build.py"), "--watch", "--port", "0"], cwd=site,
                                capture_output=True, text=True, timeout=60)
        assert second.returncode == 3, second.stderr
        assert f"process {watcher.process.pid}" in second.stderr and "watch.lock" in second.stderr
        assert "Traceback" not in second.stderr

        entry = site / "content" / "generated-00001.md"
        with open(site / ".digest-cache" / "build.lock", "a") as held:
            fcntl.flock(held, fcntl.LOCK_EX)        # as a plain build holds it
            save_atomically(entry, entry.read_text(encoding="utf-8").replace("title: ", "title: Held back ", 1))
            assert watcher.quiet(1.5)
            assert "waiting for another build" in watcher.stderr
        watcher.wait_build()
        assert b"Held back" in next((site / "output").glob("*/*/*/generated-00001/index.html")).read_bytes()
        assert watcher.interrupt() == 0
    finally:
        watcher.close()


def test_a_burst_ends_soon_after_a_save_ends_and_later_while_a_file_is_being_written(tmp_path):
    """The pause that ends a burst: short once the last event ends a save (the file closed after
    writing, renamed into place, deleted), the usual one while a file is still being written, moved
    away (an editor's backup: the new file comes next) or a folder changed (a checkout)."""
    from watchdog.events import (DirCreatedEvent, FileClosedEvent, FileCreatedEvent, FileDeletedEvent,
                                 FileModifiedEvent, FileMovedEvent)

    from digest.config import load
    from digest.watch.events import QUIET, QUIET_AFTER_SAVE, Inbox
    site = make_site(tmp_path, random.Random(15), entries=1)
    inbox = Inbox(load(site / "site.yaml"), site / "site.yaml")
    entry, backup = str(site / "content" / "generated-00000.md"), str(site / "content" / "generated-00000.md~")
    steps = [(FileCreatedEvent(entry), QUIET), (FileModifiedEvent(entry), QUIET),
             (FileClosedEvent(entry), QUIET_AFTER_SAVE),
             (FileMovedEvent(entry, backup), QUIET), (FileMovedEvent(backup + ".tmp", entry), QUIET_AFTER_SAVE),
             (DirCreatedEvent(str(site / "content" / "new")), QUIET), (FileDeletedEvent(entry), QUIET_AFTER_SAVE)]
    for event, quiet in steps:
        inbox.on_any_event(event)
        assert inbox.quiet == quiet, event
    assert QUIET_AFTER_SAVE < QUIET
    batch = inbox.take(timeout=1)
    assert batch.rescan and batch.paths == {Path(entry)}
