"""Helpers for the site tests: a built copy of the shipped site, and HTML read back with a real parser."""
import json
import shutil
from html.parser import HTMLParser
from pathlib import Path

from conftest import ROOT, run_build


def build_site_copy(where: Path, base_url: str | None = None, extra_yaml: str = "") -> Path:
    """The shipped site (site.yaml, seeds, content) copied to `where` and built."""
    site = where / "site"
    site.mkdir(parents=True)
    text = (ROOT / "site.yaml").read_text(encoding="utf-8")
    if base_url:
        text = text.replace("base_url: http://localhost:8000/", f"base_url: {base_url}")
    (site / "site.yaml").write_text(text + extra_yaml, encoding="utf-8")
    shutil.copytree(ROOT / "seeds", site / "seeds")
    shutil.copytree(ROOT / "content", site / "content")
    result = run_build(site, "-q")
    assert result.returncode == 0, result.stderr
    return site


class Page(HTMLParser):
    """A page's elements (tag, attributes), its visible text, and its JSON-LD."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.text_parts: list[str] = []
        self.jsonld: list = []
        self._in = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag not in ("meta", "link", "br", "img", "input", "hr"):
            self._in.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        while self._in:
            if self._in.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self._in and self._in[-1][0] == "script":
            if self._in[-1][1].get("type") == "application/ld+json":
                self.jsonld.append(json.loads(data))
            return
        if not any(t in ("style", "title") for t, _ in self._in):
            self.text_parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.text_parts).split())

    def all(self, tag: str, **attrs) -> list[dict]:
        return [a for t, a in self.elements if t == tag and all(a.get(k) == v for k, v in attrs.items())]

    def links(self) -> list[str]:
        return [a["href"] for t, a in self.elements if t == "a" and "href" in a]


def page(site: Path, rel: str) -> Page:
    return Page((site / "output" / rel).read_text(encoding="utf-8"))
