"""No article lost between a dump and content/, and none the site refuses.

Ids are unique by construction (two pages with no headline and the same banner are two entries),
text without spaces between words is read, an article dropped anywhere is named with its dump,
and a page without a headline still gets an entry the renderer accepts. The dumps are written
here, by the kind of page; the dev set's Japanese page is read where ../shared/devset is present.
"""
import json
import random
import re
import shutil
from pathlib import Path

import pytest

from conftest import DEVSET, ROOT, editor_view, needs_devset, run_build, set_mtime
from digest.config import load
from digest.content import Store, parse
from digest.entries import STAND_IN_LENGTH, stand_in_title, unique_ids
from digest.ingest.dump import ingest
from digest.merge import fingerprint, group, shingles
from digest.model import Entry
from digest.text import tokens

WHEN = "2025-07-12T09:00:00+00:00"
# A site-wide notice long enough to fill the first 50 words of every page that prints it.
BANNER = ("We use cookies and similar tools on this site to understand how readers use it, to remember "
          "your settings and to show you offers that may interest you, and by continuing to browse the pages "
          "of this site you agree that we may store them on your device for as long as our notice on privacy "
          "and data protection describes, which you can read at any time from the link at the foot of each page.")
PIER = ["The harbour authority said on Tuesday that the old ferry pier will close for repairs in the spring, "
        "after divers found cracks in three of its supports.",
        "Ferries will use the cargo quay while the work lasts, and the authority expects the pier to reopen "
        "before the summer timetable begins."]
BAKERY = ["A small bakery on the main square won the regional bread prize this year, the third time in a "
          "decade that a baker from the town has taken it.",
          "The owner said she would spend the prize money on a second oven and keep her prices as they are "
          "for another year."]
# Japanese as it is written: no spaces between words.
JA_TITLE = "港の古い桟橋、春から改修工事へ"
JA_BODY = ["港湾局は火曜日、古いフェリー桟橋を春から改修すると発表した。潜水調査で支柱三本にひびが見つかったためだという。",
           "工事の間、フェリーは貨物岸壁を使う。港湾局は夏のダイヤが始まる前に桟橋を再開したい考えだ。",
           "地元の漁業組合は、工事中も漁船の出入りに支障が出ないよう港湾局に求めている。"]
JA_OTHER = ["市立図書館は来月から、夜九時まで開館時間を延ばすと発表した。仕事帰りの利用者の要望に応えるためだという。",
            "延長は平日のみで、土日の開館時間は変わらない。図書館は半年後に利用状況を調べて続けるか決める。"]


def saved_page(paragraphs: list[str], headline: str | None = None) -> str:
    """A publisher's page saved as text: menu lines, the site's banner, the article, share links."""
    head = f"{headline}\nBy Mika Sato\n\n" if headline else ""
    return "Menu\nSearch\n\n" + BANNER + "\n\n" + head + "\n\n".join(paragraphs) + "\n\nShare this\n"


def japanese_page(title: str, body: list[str]) -> str:
    return "ニュース\n地域\n" + title + "\n\n" + "\n\n".join(body) + "\n\nシェアする\n"


def make_site(root: Path, dumps: dict[str, str]) -> Path:
    """A site with the shipped site.yaml, the given dumps (all saved at WHEN) and an empty content/."""
    site = root / "site"
    (site / "seeds").mkdir(parents=True)
    (site / "content").mkdir()
    shutil.copy(ROOT / "site.yaml", site / "site.yaml")
    for name, text in dumps.items():
        (site / "seeds" / name).write_text(text, encoding="utf-8")
        set_mtime(site / "seeds" / name, WHEN)
    return site


def entries_of(site: Path) -> dict[str, tuple[dict, str, Path]]:
    """id → (front matter, body, file)."""
    out = {}
    for path in sorted((site / "content").glob("*.md")):
        meta, body = parse(path.read_text(encoding="utf-8"), path)
        out[meta["id"]] = (meta, body, path)
    return out


def body_text(site: Path) -> str:
    return "\n".join(body for _, body, _ in entries_of(site).values())


# --- text without spaces between words -------------------------------------------------------------

def test_tokens_cover_every_script_and_leave_ascii_as_it_was():
    assert tokens("U.S. tariffs, 25% on cars: Trump's plan") == ["u", "s", "tariffs", "25", "on", "cars", "trump", "s", "plan"]
    assert tokens("Luiz Inácio Lula da Silva") == ["luiz", "inácio", "lula", "da", "silva"]
    assert tokens("Москва и Киев") == ["москва", "и", "киев"]
    assert tokens("대통령은 오늘") == ["대통령은", "오늘"]        # Korean has spaces between words
    assert tokens("港湾局は20日、iPhoneを") == ["港", "湾", "局", "は", "20", "日", "iphone", "を"]
    assert tokens("हिन्दी") == ["हिन्दी"]                          # vowel signs stay in their word


def test_a_japanese_article_is_an_entry_whose_body_is_its_text(tmp_path):
    site = make_site(tmp_path, {"ja.txt": japanese_page(JA_TITLE, JA_BODY)})
    result = run_build(site)
    assert result.returncode == 0, result.stderr
    ((meta, body, _),) = entries_of(site).values()
    assert meta["title"] == JA_TITLE
    assert body.strip().split("\n\n") == JA_BODY


def test_japanese_copies_merge_and_different_japanese_articles_do_not(tmp_path):
    site = make_site(tmp_path, {"one.txt": japanese_page(JA_TITLE, JA_BODY),
                                "two.txt": japanese_page(JA_TITLE, JA_BODY[:2]),       # a shorter capture
                                "three.txt": japanese_page("図書館、開館時間を延長", JA_OTHER)})
    result = run_build(site)
    assert result.returncode == 0, result.stderr
    seen = sorted(meta["seen_in"] for meta, _, _ in entries_of(site).values())
    assert seen == [["one.txt", "two.txt"], ["three.txt"]]


@needs_devset()
def test_the_dev_sets_japanese_page_gives_an_entry():
    pages = sorted((DEVSET / "web" / "seeds").glob("85439e26c41c7590*.txt"))
    if not pages:
        pytest.skip("the dev set's Japanese page is not there")
    gold = json.loads((DEVSET / "web" / "gold.json").read_text(encoding="utf-8"))[pages[0].stem]
    result = ingest(pages[0].name, pages[0].read_bytes())
    assert result.articles, result.warnings
    first_sentence = re.split(r"(?<=。)", gold["body"].strip())[0]
    assert any(first_sentence in "\n".join(a.body) for a in result.articles)


# --- a text contained in two different articles does not join them ------------------------------

def test_a_text_contained_in_two_different_articles_does_not_join_them():
    """A short capture (only the banner and the opening) is contained in two different pages that
    open the same way; it joins one of them, and the two stay apart."""
    full_a = ingest("a.txt", saved_page(PIER + BAKERY[:1]).encode()).articles
    full_b = ingest("b.txt", saved_page(PIER[:1] + BAKERY[1:] + [
        "Elsewhere in the port, the fish market will open an hour earlier from next week, its manager said."]).encode()).articles
    short = ingest("c.txt", saved_page(PIER[:1]).encode()).articles
    groups = group(full_a + full_b + short)
    assert sorted(sorted(a.dump for a in g) for g in groups) == [["a.txt", "c.txt"], ["b.txt"]]


# --- no article dropped without a warning naming its dump -----------------------------------------

def test_an_article_without_a_time_is_named_with_its_dump(tmp_path, monkeypatch):
    """A dump whose file time cannot be read and whose text gives no time: its article cannot be
    dated and is skipped, with a warning naming the dump (as every other warning does) and the
    article (by its stand-in headline where it has none)."""
    from digest import pipeline
    site = make_site(tmp_path, {"undated.txt": saved_page(PIER)})
    read = pipeline._ingest_files
    monkeypatch.setattr(pipeline, "_ingest_files", lambda paths: [(result, None, None) for result, _, _ in read(paths)])
    report = pipeline.normalize(load(site / "site.yaml"))
    assert report.entries == 0
    (warning,) = report.warnings
    assert warning.startswith("seeds/undated.txt: line ")
    assert "no time could be estimated" in warning and "We use cookies" in warning


# --- every entry has a headline the renderer accepts -----------------------------------------------

def test_a_page_without_a_headline_gets_a_stand_in_and_its_page_is_rendered(tmp_path):
    site = make_site(tmp_path, {"pier.txt": saved_page(PIER)})
    result = run_build(site)
    assert result.returncode == 0, result.stderr
    ((meta, body, path),) = entries_of(site).values()
    title = meta["title"]
    assert title and len(title) <= STAND_IN_LENGTH and title.endswith("…")
    assert BANNER.startswith(title[:-1])
    pages = list((site / "output").glob(f"2025/07/12/{path.stem}/index.html"))
    assert pages and title.replace("…", "") in pages[0].read_text(encoding="utf-8")


def test_stand_in_title():
    assert stand_in_title(["TOKYO (Kyodo) -- The pier will close. It reopens in June."], "x.txt") == \
        "The pier will close"
    long = "The harbour authority said on Tuesday that the old ferry pier will close for repairs in the spring"
    title = stand_in_title([long + "."], "x.txt")
    assert title == "The harbour authority said on Tuesday that the old ferry pier will close for repairs in…"
    assert len(title) <= STAND_IN_LENGTH
    assert stand_in_title([JA_BODY[0]], "x.txt") == "港湾局は火曜日、古いフェリー桟橋を春から改修すると発表した"
    assert len(stand_in_title(["港" * 200], "x.txt")) == STAND_IN_LENGTH
    assert stand_in_title(["  "], "x.txt") == "Untitled (x.txt)"


# --- two different articles never share an id ------------------------------------------------------

def test_two_pages_with_the_same_banner_and_no_headline_are_two_entries(tmp_path):
    site = make_site(tmp_path, {"pier.txt": saved_page(PIER), "bakery.txt": saved_page(BAKERY)})
    result = run_build(site)
    assert result.returncode == 0, result.stderr
    assert "2 articles → 2 entries (2 new" in result.stderr and "0 deleted by an editor" in result.stderr
    entries = entries_of(site)
    assert len(entries) == 2
    assert sorted(meta["seen_in"] for meta, _, _ in entries.values()) == [["bakery.txt"], ["pier.txt"]]
    text = body_text(site)
    assert PIER[0] in text and BAKERY[0] in text


def test_ids_are_stable_across_runs_and_independent_of_the_order_of_the_dumps(tmp_path):
    pages = [saved_page(PIER), saved_page(BAKERY), saved_page(PIER[:1]), japanese_page(JA_TITLE, JA_BODY)]

    def ids_by_text(root: Path, names: list[str]) -> dict[str, str]:
        site = make_site(root, dict(zip(names, pages)))
        assert run_build(site).returncode == 0
        first = {p.name: p.read_bytes() for p in (site / "content").iterdir()}
        second = run_build(site)
        assert second.returncode == 0 and "0 new, 0 updated, 3 unchanged" in second.stderr
        assert {p.name: p.read_bytes() for p in (site / "content").iterdir()} == first
        return {body.strip(): entry_id for entry_id, (_, body, _) in entries_of(site).items()}

    one = ids_by_text(tmp_path / "one", ["a.txt", "b.txt", "c.txt", "d.txt"])
    two = ids_by_text(tmp_path / "two", ["d.txt", "c.txt", "b.txt", "a.txt"])   # the same pages, read in another order
    assert one == two and len(set(one.values())) == 3


def make_entry(entry_id: str, body: list[str]) -> Entry:
    """An entry as build_entry makes it (fingerprint included), with the id given."""
    return Entry(id=entry_id, title="t", source=None, credit=None, author=None, dateline=None,
                 published=WHEN, published_precision="minute", published_basis="capture", captured=WHEN,
                 summary=None, image_caption=None, seen_in=["x.txt"], body=body,
                 fingerprint=sorted(fingerprint(shingles("\n".join(body)))))


def test_unique_ids_derive_from_the_texts_alone():
    bodies = [[BANNER, p] for p in PIER + BAKERY] + [[BANNER], [BANNER + " "]]
    runs = []
    for seed in range(3):
        entries = [make_entry("same", list(b)) for b in bodies]
        random.Random(seed).shuffle(entries)
        unique_ids(entries)
        runs.append({e.text: e.id for e in entries})
    assert runs[0] == runs[1] == runs[2]
    assert len(set(runs[0].values())) == len(bodies)    # even two texts with the same words


def test_a_later_page_with_the_same_banner_does_not_take_an_earlier_entrys_id(tmp_path):
    """The store keeps an id once given, but only for the article it was given to: a different page
    whose headline and opening words hash the same gets its own id, and the earlier file is kept."""
    site = make_site(tmp_path, {"pier.txt": saved_page(PIER)})
    assert run_build(site).returncode == 0
    (pier_id, (_, _, pier_file)), = entries_of(site).items()
    before = pier_file.read_bytes()
    (site / "seeds" / "pier.txt").unlink()
    (site / "seeds" / "bakery.txt").write_text(saved_page(BAKERY), encoding="utf-8")
    set_mtime(site / "seeds" / "bakery.txt", WHEN)
    result = run_build(site)
    assert result.returncode == 0, result.stderr
    assert "1 new" in result.stderr and "0 deleted by an editor" in result.stderr
    entries = entries_of(site)
    # Kept: not overwritten by the other page (its grouping lines may follow the new site's stories).
    assert len(entries) == 2 and editor_view(pier_file.read_text()) == editor_view(before.decode())
    (bakery_id,) = set(entries) - {pier_id}
    assert BAKERY[0] in entries[bakery_id][1]


def test_resolving_ids_never_gives_one_id_to_two_entries(tmp_path):
    """An earlier entry's id goes to a fuller capture of it, never also to a different page whose
    own id (headline and opening words) happens to be that id."""
    site = make_site(tmp_path, {"short.txt": saved_page(PIER[:1])})
    assert run_build(site).returncode == 0
    store = Store(site / "content")
    (old_id,) = store.files
    fuller = make_entry("0" * 16, [BANNER] + PIER)
    other = make_entry(old_id, [BANNER] + BAKERY)
    store.resolve_ids([other, fuller])
    assert fuller.id == old_id and other.id != old_id
