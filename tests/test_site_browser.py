"""What readers see, in headless Chromium: no axe-core violations and no horizontal scrolling at phone
and desktop widths, search that finds entries, pages that work without JavaScript, dark and print."""
import json
import re
import shutil

import pytest

from browser import axe_violations, chromium, needs_browser, serve
from conftest import ROOT, run_build
from site_helpers import build_site_copy

pytestmark = needs_browser()
WIDTHS = (375, 1280)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    # Served from a sub-path, as a site on a shared host is: every link must still work.
    # page_size 2: a theme's pages by month, and the parts of a month, are there to check too
    return build_site_copy(tmp_path_factory.mktemp("browser"), base_url="http://127.0.0.1/news/",
                           extra_yaml="page_size: 2\n")


@pytest.fixture(scope="module")
def pages(site):
    entry = sorted((site / "output").glob("20*/*/*/*/index.html"))[0]
    story = sorted((site / "output").glob("stories/*/index.html"))[0]
    return {"front": "", "theme": "themes/japan/", "month": "themes/japan/2025/07/",
            "part": "themes/japan/2025/07/part/1/", "entry": entry.parent.relative_to(site / "output").as_posix() + "/",
            "story": story.parent.relative_to(site / "output").as_posix() + "/",
            "archive": "archive/", "search": "search/"}


@pytest.mark.parametrize("width", WIDTHS)
def test_no_axe_violations_and_no_horizontal_scroll(site, pages, width):
    with serve(site / "output", "/news/") as base, chromium() as browser:
        for scheme in ("light", "dark"):
            page = browser.new_page(viewport={"width": width, "height": 800}, color_scheme=scheme)
            for name, path in pages.items():
                response = page.goto(base + path)
                assert response.status == 200, (name, path)
                if name == "search":
                    page.wait_for_selector(".pagefind-ui__search-input")
                assert axe_violations(page) == [], (name, width, scheme)
                overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                assert overflow <= 0, (name, width, f"{overflow}px of horizontal scrolling")
            page.close()


def test_search_finds_an_entry_by_a_word_of_its_text(site):
    entry = sorted((site / "output").glob("20*/*/*/*/index.html"))[0]
    text = entry.read_text(encoding="utf-8")
    title = re.search(r"<h1>(.*?)</h1>", text).group(1)
    word = max(re.findall(r"[A-Za-z]{6,}", title), key=len)
    with serve(site / "output", "/news/") as base, chromium() as browser:
        page = browser.new_page()
        page.goto(base + "search/")
        page.fill(".pagefind-ui__search-input", word)
        page.wait_for_selector(".pagefind-ui__result-link", timeout=10_000)
        links = page.eval_on_selector_all(".pagefind-ui__result-link", "els => els.map(e => e.href)")
        want = base + entry.parent.relative_to(site / "output").as_posix() + "/"
        assert want in links
        assert page.goto(want).status == 200


@pytest.fixture(scope="module")
def sharded_site(tmp_path_factory):
    """The shipped site with an entry of last year and one more of its newest day, its search index
    cut into shards of at most 3 entries: the oldest shard alone, the newest day in buckets."""
    where = tmp_path_factory.mktemp("sharded")
    site = where / "site"
    shutil.copytree(ROOT / "content", site / "content")
    shutil.copytree(ROOT / "seeds", site / "seeds")
    text = (ROOT / "site.yaml").read_text(encoding="utf-8")
    (site / "site.yaml").write_text(text.replace("base_url: http://localhost:8000/", "base_url: http://127.0.0.1/news/"),
                                    encoding="utf-8")
    for name, title, when in (("desk/old", "Quokka census on Rottnest Island", "2024-03-05T09:00:00+00:00"),
                              ("desk/new", "Zeppelin flights resume over Lake Constance", "2025-07-12T09:30:00+00:00")):
        (site / "content" / f"{name}.md").parent.mkdir(exist_ok=True)
        (site / "content" / f"{name}.md").write_text(
            f"---\ntitle: {title}\npublished: '{when}'\n---\n\n{title}, the desk reports.\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DIGEST_SEARCH_SHARD", "3")
        result = run_build(site, "-q")
    assert result.returncode == 0, result.stderr
    return site


def test_search_finds_entries_of_every_shard(sharded_site):
    out = sharded_site / "output"
    shards = json.loads((out / "pagefind" / "shards.json").read_text())["shards"]
    assert len(shards) >= 3 and shards[0] == "2024"
    with serve(out, "/news/") as base, chromium() as browser:
        context = browser.new_context()
        page = context.new_page()
        problems = []       # a shard missing, a merge Pagefind skipped (the browser's own favicon.ico aside)
        page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning")
                and not m.location["url"].endswith("/favicon.ico") else None)
        context.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400
                   and not r.url.endswith("/favicon.ico") else None)
        page.goto(base + "search/")
        for word, entry in (("quokka", "2024/03/05/old/"), ("zeppelin", "2025/07/12/new/")):
            page.fill(".pagefind-ui__search-input", word)
            page.wait_for_selector(f".pagefind-ui__result-link[href$='/{entry}']", timeout=10_000)
            links = page.eval_on_selector_all(".pagefind-ui__result-link", "els => els.map(e => e.href)")
            assert links == [base + entry], (word, links)
        assert problems == []
        assert page.goto(base + "2025/07/12/new/").status == 200


def test_every_page_works_without_javascript(site, pages):
    with serve(site / "output", "/news/") as base, chromium() as browser:
        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(base)
        assert page.locator("#top-stories").is_visible()
        first = page.locator(".card h3 a").first
        headline = first.inner_text()
        first.click()
        assert page.locator("h1").inner_text() == headline
        page.goto(base + "search/")
        assert "Search needs JavaScript" in page.inner_text("main")
        assert page.goto(base + "no/such/page/").status == 404
        assert page.locator("h1").inner_text() == "Page not found"
        page.locator("main a", has_text="The archive").click()
        assert page.url == base + "archive/"


def test_dark_scheme_and_print_style(site, pages):
    with serve(site / "output", "/news/") as base, chromium() as browser:
        page = browser.new_page(color_scheme="dark")
        page.goto(base + pages["entry"])
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert sum(map(int, re.findall(r"\d+", background)[:3])) < 150, background
        page.emulate_media(media="print")
        assert not page.locator(".masthead nav").is_visible()
        assert page.locator("article.entry h1").is_visible()
