"""The rendered site, read back with an HTML parser: every page the issue lists, what each shows,
its metadata, and URLs from base_url (also under a sub-path)."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import yaml

from conftest import ROOT, run_build, shown, sitemap_locs
from site_helpers import build_site_copy, page

ENTRIES = []
for _path in sorted((ROOT / "content").glob("*.md")):
    _meta = yaml.safe_load(_path.read_text(encoding="utf-8").split("---\n")[1])
    ENTRIES.append((_path, _meta))


def url_of(path, meta) -> str:
    day = datetime.fromisoformat(meta["published"]).astimezone(ZoneInfo("Asia/Tokyo"))
    return f"{day:%Y/%m/%d}/{path.stem}/"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build_site_copy(tmp_path_factory.mktemp("pages"))


@pytest.fixture(scope="module")
def sub_site(tmp_path_factory):
    return build_site_copy(tmp_path_factory.mktemp("sub"), base_url="https://example.org/news/digest/",
                           extra_yaml="page_size: 2\n")


def test_every_entry_has_a_pretty_url_page_with_its_fields(site):
    for path, meta in ENTRIES:
        p = page(site, url_of(path, meta) + "index.html")
        assert p.all("h1")
        assert meta["title"] in p.text
        for key in ("source", "credit", "author", "dateline", "image_caption"):
            if meta.get(key):
                assert meta[key] in p.text, (path.name, key)
        times = p.all("time")
        assert times and times[0]["datetime"].startswith(url_of(path, meta)[:10].replace("/", "-"))
        for dump in meta["seen_in"]:
            assert dump in p.text
        themes = shown(site)[meta["title"]].themes     # as the build groups the entry
        assert themes
        theme_links = [h for h in p.links() if h.startswith("/themes/")]
        assert sorted({h.split("/")[2] for h in theme_links} & set(themes)) == sorted(themes)


def test_entry_page_lists_the_other_reports_of_its_story(site):
    stories = {}
    grouped = shown(site)
    for path, meta in ENTRIES:
        if grouped[meta["title"]].story:
            stories.setdefault(grouped[meta["title"]].story, []).append((path, meta))
    assert any(len(m) > 1 for m in stories.values()), "the seeds hold multi-report stories"
    for members in stories.values():
        for path, meta in members:
            links = page(site, url_of(path, meta) + "index.html").links()
            for other_path, other in members:
                if other_path != path:
                    assert "/" + url_of(other_path, other) in links


def test_front_page_has_top_stories_theme_sections_and_report_counts(site):
    p = page(site, "index.html")
    headings = [p.text]
    assert "Top stories" in headings[0]
    for theme in yaml.safe_load((ROOT / "site.yaml").read_text())["themes"]:
        assert f"/themes/{theme['slug']}/" in p.links()
    assert "2 reports" in p.text
    # a story with several reports comes before single reports in the top stories
    top = (site / "output" / "index.html").read_text()
    top = top[top.index('id="top-stories"'):top.index("</section>", top.index('id="top-stories"'))]
    assert "reports</a>" in top[: top.index("</article>")]


def test_times_are_shown_in_the_site_timezone_with_time_elements(site):
    p = page(site, "index.html")
    assert all(t["datetime"].endswith("+09:00") or len(t["datetime"]) == 10 for t in p.all("time"))
    assert "JST" in p.text


def test_coverage_chart_is_inline_svg_with_a_table(site):
    html = (site / "output" / "index.html").read_text()
    assert "<svg" in html and "<rect" in html and "<table>" in html
    assert "<script" not in html


def test_theme_pages_go_by_month_and_link_each_other(sub_site):
    """page_size 2: the seeds' 4 Japan entries, all of July 2025, are on the theme's page (the
    newest 2) and July's pages (its newest 2, then part 1 with the 2 before them)."""
    out = sub_site / "output" / "themes"
    pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("index.html"))
    japan = [p for p in pages if p.startswith("japan/")]
    assert japan == ["japan/2025/07/index.html", "japan/2025/07/part/1/index.html", "japan/index.html"]
    assert not any("/page/" in p for p in pages)
    first = page(sub_site, "themes/japan/index.html")
    assert "/news/digest/themes/japan/2025/07/" in first.links()
    july = page(sub_site, "themes/japan/2025/07/index.html")
    assert [a["href"] for a in july.all("a", rel="next")] == ["/news/digest/themes/japan/2025/07/part/1/"]
    assert "/news/digest/themes/japan/#months-h" in july.links()
    part = page(sub_site, "themes/japan/2025/07/part/1/index.html")
    assert [a["href"] for a in part.all("a", rel="prev")] == ["/news/digest/themes/japan/2025/07/"]
    listed = [h for p in (july, part) for h in p.links() if h.startswith("/news/digest/2025/")]
    assert len(listed) == len(set(listed)) == 4


def test_archive_days_sources_404_sitemap_robots(site):
    archive = page(site, "archive/index.html")
    days = [h for h in archive.links() if h.count("/") == 4 and h[1:5].isdigit()]
    assert days and days == sorted(days, reverse=True)
    for day in days:
        assert (site / "output" / day.strip("/") / "index.html").is_file()
    sources = page(site, "sources/index.html")
    outlets = {m["source"] for _, m in ENTRIES if m.get("source")}
    for outlet in outlets:
        assert outlet in sources.text
    assert "Page not found" in page(site, "404.html").text
    robots = (site / "output" / "robots.txt").read_text()
    assert "Sitemap: http://localhost:8000/sitemap.xml" in robots
    locs = sitemap_locs(site / "output", "http://localhost:8000/")
    for path, meta in ENTRIES:
        assert "http://localhost:8000/" + url_of(path, meta) in locs
    assert "http://localhost:8000/archive/" in locs


def test_metadata_title_description_canonical_open_graph_json_ld(site):
    for path, meta in ENTRIES:
        url = url_of(path, meta)
        p = page(site, url + "index.html")
        assert p.all("link", rel="canonical")[0]["href"] == "http://localhost:8000/" + url
        og = {m["property"]: m["content"] for m in p.all("meta") if "property" in m}
        assert og["og:title"] == meta["title"] and og["og:type"] == "article"
        assert og["og:url"] == "http://localhost:8000/" + url
        assert p.all("meta", name="description")[0]["content"]
        (ld,) = p.jsonld
        assert ld["@type"] == "NewsArticle" and ld["headline"] == meta["title"]
        assert ld["datePublished"][:10] == url[:10].replace("/", "-")
        if meta.get("author"):
            assert ld["author"]["name"] == meta["author"]


def test_every_link_follows_base_url_sub_path(sub_site):
    out = sub_site / "output"
    for html in out.rglob("*.html"):
        p = page(sub_site, html.relative_to(out).as_posix())
        for href in p.links() + [x["href"] for x in p.all("link")]:
            assert href.startswith(("/news/digest/", "https://example.org/news/digest/", "#")), (html, href)
    canon = page(sub_site, "archive/index.html").all("link", rel="canonical")[0]["href"]
    assert canon == "https://example.org/news/digest/archive/"


def test_every_internal_link_resolves_to_a_file(site):
    out = site / "output"
    for html in out.rglob("*.html"):
        for href in page(site, html.relative_to(out).as_posix()).links():
            if href.startswith("/"):
                target = out / href.split("#")[0].split("?")[0].lstrip("/")
                assert target.is_file() or (target / "index.html").is_file(), (html, href)


def test_a_site_overrides_a_template_by_file_name(site_dir):
    (site_dir / "templates").mkdir()
    (site_dir / "templates" / "404.html").write_text(
        '{% extends "base.html" %}{% block title %}Lost{% endblock %}{% block main %}<h1>Nothing here, sorry</h1>'
        "{% endblock %}")
    assert run_build(site_dir, "-q").returncode == 0
    assert "Nothing here, sorry" in (site_dir / "output" / "404.html").read_text()
    assert "Top stories" in (site_dir / "output" / "index.html").read_text()     # the rest: shipped ones
