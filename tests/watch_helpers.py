"""For the watch tests: a small site with its own templates, edits made the way editors make them,
and `python build.py --watch` run as a user runs it, with a client of its event stream."""
import http.client
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from conftest import ROOT, run_build, snapshot

ENTRY = """---
id: {id}
title: {title}
source: {source}
published: '{published}'
themes: [{themes}]
story: {story}
summary: A summary of {title}.
---

{body}
"""
SOURCES = ["Japan Times", "Kyodo", "NHK World", "Reuters", "Yonhap"]
THEMES = ["tariffs", "korea", "japan", "russia-ukraine"]


def entry_text(rng, n: int, **fields) -> str:
    values = {"id": f"e{n:05d}", "title": f"Generated headline number {n}", "source": rng.choice(SOURCES),
              "published": f"2025-07-{1 + rng.randrange(12):02d}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:00+00:00",
              "themes": ", ".join(rng.sample(THEMES, rng.randrange(3))),
              "story": rng.choice(["null", "null", "s1", "s2"]),
              "body": f"Paragraph one of entry {n}.\n\nParagraph two, *emphasis* and a [link](https://example.org/{n})."}
    values.update(fields)
    return ENTRY.format(**values)


def make_site(where: Path, rng, entries: int = 24, search: bool = False, seeds: bool = False) -> Path:
    """The shipped site.yaml, content/ (the shipped entries and generated ones) and a copy of the
    shipped templates as the site's own, so tests can edit them."""
    site = where / "site"
    site.mkdir(parents=True)
    config = (ROOT / "site.yaml").read_text(encoding="utf-8")
    (site / "site.yaml").write_text(config + f"\nsearch: {'true' if search else 'false'}\npage_size: 4\n",
                                    encoding="utf-8")
    shutil.copytree(ROOT / "content", site / "content")
    for n in range(entries):
        (site / "content" / f"generated-{n:05d}.md").write_text(entry_text(rng, n), encoding="utf-8")
    shutil.copytree(ROOT / "templates", site / "templates", ignore=shutil.ignore_patterns("README.md"))
    (site / "seeds").mkdir()
    if seeds:
        for dump in sorted((ROOT / "seeds").glob("*.txt")):
            shutil.copy(dump, site / "seeds" / dump.name)
    return site


def save_atomically(path: Path, text: str):
    """As most editors save: a temporary file beside the entry, renamed over it."""
    temporary = path.with_name(f".{path.name}.tmp{os.getpid()}")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def clean_build_of(site: Path, where: Path) -> dict[str, bytes]:
    """output/ of a plain build of a copy of the site's inputs (no output/, no cache)."""
    copy = where / f"clean-{time.monotonic_ns()}"
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns("output", ".digest-cache"))
    result = run_build(copy, "-q")
    assert result.returncode in (0, 1), result.stderr
    return snapshot(copy / "output")


def differences(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    return sorted(name for name in set(a) | set(b) if a.get(name) != b.get(name))


class Watcher:
    """`python build.py --watch --port 0` in a site folder; its stderr lines and the states its
    event stream sends are collected as they come."""

    def __init__(self, site: Path, *args: str):
        self.site = site
        self.process = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--watch", "--port", "0", *args],
                                        cwd=site, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.err_lines: list[str] = []
        threading.Thread(target=self._read_stderr, daemon=True).start()
        line = self.process.stdout.readline()
        match = re.search(r"at (http://127\.0\.0\.1:(\d+)(/\S*)) ", line)
        assert match, f"no URL printed: {line!r} {self.stderr}"
        self.url, self.port = match.group(1), int(match.group(2))
        self.states: queue.Queue = queue.Queue()
        self.state = None
        threading.Thread(target=self._listen, daemon=True).start()
        self.state = self.states.get(timeout=30)

    def _read_stderr(self):
        for line in self.process.stderr:
            self.err_lines.append(line)

    @property
    def stderr(self) -> str:
        return "".join(self.err_lines)

    def builds(self) -> int:
        return sum(1 for line in self.err_lines if re.search(r"\bbuilt \d+ entries", line))

    def _listen(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        conn.request("GET", "/__digest__/events")
        for line in conn.getresponse():
            if line.startswith(b"data: "):
                self.states.put(json.loads(line[6:]))

    def next_state(self, timeout: float = 30) -> dict:
        """The next state the server announces (a finished build or an error)."""
        try:
            self.state = self.states.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"nothing announced in {timeout:.1f} s; the watch said:\n{self.stderr[-3000:]}")
        return self.state

    def wait_build(self, timeout: float = 30) -> dict:
        """Until a good build newer than the last one seen."""
        seen = self.state["build"]
        deadline = time.monotonic() + timeout
        while True:
            state = self.next_state(max(0.1, deadline - time.monotonic()))
            if state["error"] is None and state["build"] != seen:
                return state

    def wait_error(self, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while True:
            state = self.next_state(max(0.1, deadline - time.monotonic()))
            if state["error"]:
                return state["error"]

    def quiet(self, seconds: float) -> bool:
        """True when nothing was announced for that long."""
        try:
            self.state = self.states.get(timeout=seconds)
            return False
        except queue.Empty:
            return True

    def get(self, path: str) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()

    def interrupt(self) -> int:
        """Ctrl-C, as in the terminal."""
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=30)
        finally:
            time.sleep(0.1)

    def close(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
