"""Untrusted text never becomes markup: dump text is escaped, editors' Markdown is sanitized (nh3)."""
import html as html_lib

from conftest import ROOT, run_build
from site_helpers import Page

HOSTILE = ('<script>alert("x")</script> <img src=x onerror="alert(1)"> <iframe src="https://evil.example/">'
           '</iframe> [click me](javascript:alert(2)) <a href="javascript:alert(3)">here</a>')


def entry_pages(site):
    return [p for p in (site / "output").glob("20*/*/*/*/index.html")]


def assert_inert(text: str):
    """No element from the hostile text survives: no script but JSON-LD and the site's own files (search),
    no handler, no iframe, no js: URL."""
    p = Page(text)
    assert all(a.get("type") == "application/ld+json" or a.get("src", "").startswith("/") for a in p.all("script"))
    assert not p.all("iframe") and not p.all("img")
    for _, attrs in p.elements:
        assert not any(k.startswith("on") for k in attrs)
        for url_attr in ("href", "src", "action", "formaction"):
            assert "javascript:" not in (attrs.get(url_attr) or "").lower()


def test_markup_in_a_dump_shows_as_text(site_dir):
    seed = sorted((ROOT / "seeds").glob("*.txt"))[0]
    lines = seed.read_text(encoding="utf-8").split("\n")
    body = max(range(len(lines)), key=lambda i: len(lines[i]))      # the longest line: body text
    cut = lines[body].index(". ") + 2
    lines[body] = lines[body][:cut] + HOSTILE + " " + lines[body][cut:]
    (site_dir / "seeds" / seed.name).write_text("\n".join(lines), encoding="utf-8")
    result = run_build(site_dir, "-q")
    assert result.returncode in (0, 1), result.stderr
    shown = [p for p in entry_pages(site_dir) if "onerror" in p.read_text()]
    assert shown, "the hostile text reached an entry page"
    for path in shown:
        text = path.read_text(encoding="utf-8")
        assert_inert(text)
        visible = Page(text).text
        for piece in ('<script>alert("x")</script>', '<img src=x onerror="alert(1)">', "[click me](javascript:alert(2))"):
            assert piece in visible, piece      # the reader sees the characters the dump held
    for path in (site_dir / "output").rglob("*.html"):
        assert_inert(path.read_text(encoding="utf-8"))


def test_raw_html_in_an_edited_entry_is_sanitized(site_dir):
    assert run_build(site_dir, "-q").returncode == 0
    entry = sorted((site_dir / "content").glob("*.md"))[0]
    entry.write_text(entry.read_text(encoding="utf-8") + "\n" + HOSTILE + "\n\n<b onclick=\"x()\">bold</b> and "
                     "[a fine link](https://example.org/)\n", encoding="utf-8")
    assert run_build(site_dir, "-q").returncode == 0
    pages = [p for p in entry_pages(site_dir) if "a fine link" in p.read_text()]
    assert len(pages) == 1
    text = pages[0].read_text(encoding="utf-8")
    assert_inert(text)
    assert '<a href="https://example.org/" rel="nofollow noopener">a fine link</a>' in text
    assert "<b>bold</b>" in text


def test_headline_and_fields_are_escaped(site_dir):
    assert run_build(site_dir, "-q").returncode == 0
    entry = sorted((site_dir / "content").glob("*.md"))[0]
    text = entry.read_text(encoding="utf-8")
    title_line = next(line for line in text.splitlines() if line.startswith("title:"))
    hostile_title = "Hello </title><script>alert(1)</script>"
    text = text.replace(title_line, "title: '" + hostile_title + "'")
    entry.write_text(text, encoding="utf-8")
    assert run_build(site_dir, "-q").returncode == 0
    for path in (site_dir / "output").rglob("*.html"):
        out = path.read_text(encoding="utf-8")
        assert_inert(out)
        if "Hello" in out:
            assert html_lib.escape(hostile_title, quote=False).replace("'", "&#39;") in out or \
                "Hello &lt;/title&gt;" in out
