"""The shipped seeds, normalized by `python build.py` exactly as a user runs it."""
from datetime import date, datetime, timezone

import pytest
import yaml

from conftest import run_build
from digest.content import parse
from digest.text import sentences

# The table in the normalize issue: title → (source, credit, author, allowed UTC publication days).
EXPECTED = {
    "Rubio will meet Russian foreign minister in Malaysia with Ukraine tensions high":
        ("Japan Today", "The Associated Press", "Matthew Lee", {date(2025, 7, 10)}),
    "PM warns Japan should not be underestimated, stoking tariff concern":
        ("The Mainichi", "Kyodo", None, {date(2025, 7, 11), date(2025, 7, 12)}),
    "Rubio says no 'drama or division' in U.S. relations with Japan":
        ("Japan Today", "Thomson Reuters", None, {date(2025, 7, 11), date(2025, 7, 12)}),
    "FOCUS: Trump-Kim summit not eyed anytime soon amid Pyongyang-Moscow ties":
        ("Kyodo News", None, None, {date(2025, 7, 11), date(2025, 7, 12)}),
    "Rubio to meet Lavrov while U.S. sends more weapons to Ukraine":
        (None, None, None, {date(2025, 7, d) for d in range(9, 13)}),
    "As Trump sows tariff confusion, rules of global commerce give way to chaos":
        ("Japan Times", "The New York Times", None, {date(2025, 7, 11), date(2025, 7, 12)}),
    "Ishiba Remark on Reducing Dependence on U.S. Not Problem: Rubio":
        ("Jiji Press", "Jiji Press", None, {date(2025, 7, 12)}),
}
BOILERPLATE = ["Try Our AI Features", "Daily8", "No comments yet", "Related Articles", "DOWNLOAD THE APP",
               "app-storeplay-store", "Orange background", "Hashtags", "Get Started Now", "© "]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    import shutil
    from conftest import ROOT
    site = tmp_path_factory.mktemp("seeds") / "site"
    site.mkdir()
    shutil.copy(ROOT / "site.yaml", site / "site.yaml")
    shutil.copytree(ROOT / "seeds", site / "seeds")   # file times are the checkout's, as on a fresh clone
    result = run_build(site)
    entries = {}
    for path in sorted((site / "content").glob("*.md")):
        meta, body = parse(path.read_text(encoding="utf-8"), path)
        entries[meta["title"]] = (meta, body)
    return result, entries, site


def test_build_succeeds_and_reports(built):
    result, entries, _ = built
    assert result.returncode == 0, result.stderr
    assert "2 dumps: 8 articles → 7 entries (7 new" in result.stderr


def test_seven_entries_with_the_expected_fields(built):
    _, entries, _ = built
    assert set(entries) == set(EXPECTED)
    for title, (source, credit, author, days) in EXPECTED.items():
        meta, _ = entries[title]
        assert (meta["source"], meta["credit"], meta["author"]) == (source, credit, author), title
        published = datetime.fromisoformat(meta["published"]).astimezone(timezone.utc)
        assert published.date() in days, (title, meta["published"])
        assert published.utcoffset() is not None


def test_both_captures_fall_on_12_july_whatever_the_file_times(built):
    _, entries, _ = built
    for meta, _ in entries.values():
        assert datetime.fromisoformat(meta["captured"]).date() == date(2025, 7, 12), meta["title"]


def test_article_in_both_dumps_is_one_entry(built):
    _, entries, _ = built
    meta, _ = entries["Rubio says no 'drama or division' in U.S. relations with Japan"]
    assert meta["seen_in"] == ["000_6ae405936bc94fda.txt", "004_359a90b7b5b3a687.txt"]


def test_stated_time_wins(built):
    _, entries, _ = built
    meta, _ = entries["Ishiba Remark on Reducing Dependence on U.S. Not Problem: Rubio"]
    assert meta["published"] == "2025-07-12T04:17:00+00:00"      # 13:17 JST
    assert (meta["published_precision"], meta["published_basis"]) == ("minute", "stated")


def test_article_without_a_time_gets_the_capture_time_marked_as_such(built):
    _, entries, _ = built
    meta, _ = entries["Rubio to meet Lavrov while U.S. sends more weapons to Ukraine"]
    assert meta["published_basis"] == "capture"
    assert meta["published"] == meta["captured"]


def test_byline_caption_and_dateline_are_fields_not_body(built):
    _, entries, _ = built
    meta, body = entries["Rubio will meet Russian foreign minister in Malaysia with Ukraine tensions high"]
    assert meta["image_caption"].endswith("(Mandel Ngan/Pool Photo via AP)")
    assert "Mandel Ngan" not in body and "By MATTHEW LEE" not in body
    assert body.lstrip().startswith("U.S. Secretary of State Marco Rubio and his Russian counterpart")
    assert body.rstrip().endswith("contributed to this report.")
    meta, _ = entries["PM warns Japan should not be underestimated, stoking tariff concern"]
    assert meta["dateline"] == "TOKYO"


def test_no_furniture_and_no_copyright_line_in_any_body(built):
    _, entries, _ = built
    for meta, body in entries.values():
        for line in BOILERPLATE:
            assert line not in body, (meta["title"], line)


def test_every_sentence_of_the_article_stays(built):
    """The body keeps the dump's text: every paragraph of the AP article, word for word."""
    from conftest import ROOT
    _, entries, _ = built
    dump = (ROOT / "seeds" / "000_6ae405936bc94fda.txt").read_text(encoding="utf-8").splitlines()
    paragraphs = dump[dump.index("By MATTHEW LEE") + 1: next(n for n, l in enumerate(dump) if l.startswith("©"))]
    _, body = entries["Rubio will meet Russian foreign minister in Malaysia with Ukraine tensions high"]
    assert [p for p in body.strip().split("\n\n")] == paragraphs


def test_front_matter_keys_are_the_contract(built):
    _, entries, _ = built
    for meta, _ in entries.values():
        assert list(meta) == ["id", "title", "source", "credit", "author", "dateline", "published",
                              "published_precision", "published_basis", "captured", "themes", "story",
                              "summary", "image_caption", "seen_in"]
        assert isinstance(meta["themes"], list)
        assert meta["published_precision"] in ("minute", "hour", "day")
        assert 1 <= len(sentences(meta["summary"])) <= 3      # ". " would count "U.S. ally" as an end


def test_summary_is_the_lede_without_dateline(built):
    _, entries, _ = built
    meta, _ = entries["PM warns Japan should not be underestimated, stoking tariff concern"]
    assert meta["summary"].startswith("Prime Minister Shigeru Ishiba's recent remark")


def test_ids_are_stable_and_not_from_paths(built, tmp_path):
    """A fresh normalization elsewhere, from copies under other names' folders, gives the same ids."""
    import shutil
    _, entries, site = built
    other = tmp_path / "elsewhere"
    shutil.copytree(site / "seeds", other / "seeds")
    shutil.copy(site / "site.yaml", other / "site.yaml")
    assert run_build(other).returncode == 0
    again = {}
    for path in (other / "content").glob("*.md"):
        meta = yaml.safe_load(path.read_text().split("---")[1])
        again[meta["title"]] = meta["id"]
    assert again == {title: meta["id"] for title, (meta, _) in entries.items()}
