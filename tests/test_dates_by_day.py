"""A date stated without a time is that calendar day, wherever the pages were written and wherever the
site is read: stored so that no zone conversion moves it, filed under it in the archive and shown as
it on the entry page."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from conftest import run_build, set_mtime
from digest.content import parse
from digest.ingest.dates import find_stamps
from site_helpers import page

PARAGRAPHS = {
    "quay": ["Harbour officials in the northern port said that the new quay would open to container ships next "
             "spring, two years later than first planned.",
             "The delay followed a dispute over dredging costs between the port authority and the regional "
             "council, which must approve the budget.",
             "A spokesperson for the council said both sides now expected to sign a final agreement within "
             "weeks, ending months of talks."],
    "rice": ["Farmers in the river valley began the rice harvest early this year after an unusually warm "
             "summer, local cooperatives said on the day.",
             "Yields looked close to the long-term average, they added, although the heat had thinned the "
             "grain in some of the higher fields.",
             "Prices at the valley's wholesale market held steady as the first loads of the new crop arrived "
             "from the cooperatives."],
}
# The same day written in the ways pages write a date without a time.
STAMPS = {"quay": "Published: 12 July 2025", "rice": "Posted July 12, 2025"}


def a_page(headline: str, stamp: str, paragraphs: list[str]) -> str:
    return f"{headline}\nBy Ana Ruiz\n{stamp}\n\n" + "\n\n".join(paragraphs) + "\n"


def a_site(root, pages_zone: str, readers_zone: str):
    site = root / "site"
    (site / "seeds").mkdir(parents=True)
    (site / "site.yaml").write_text(
        f"title: Dates\nbase_url: http://localhost:8000/\ntimezone: {readers_zone}\nsearch: false\n"
        f"normalize:\n  default_timezone: {pages_zone}\n", encoding="utf-8")
    for name, paragraphs in PARAGRAPHS.items():
        dump = site / "seeds" / f"{name}.txt"
        dump.write_text(a_page(f"The {name} story of the day", STAMPS[name], paragraphs), encoding="utf-8")
        set_mtime(dump, "2025-07-13T12:00:00+00:00")      # saved the day after
    return site


@pytest.mark.parametrize("pages_zone, readers_zone", [
    ("Asia/Tokyo", "Asia/Tokyo"),                   # east of UTC: midnight there is the day before in UTC
    ("America/Los_Angeles", "America/Los_Angeles"), # west of UTC
    ("Asia/Tokyo", "America/Los_Angeles"),          # pages from the east, readers in the west
    ("America/Los_Angeles", "Asia/Tokyo"),
    ("Pacific/Kiritimati", "Pacific/Pago_Pago"),    # UTC+14 and UTC-11: a whole day apart
])
def test_a_date_without_a_time_is_filed_and_shown_as_that_day(tmp_path, pages_zone, readers_zone):
    site = a_site(tmp_path, pages_zone, readers_zone)
    result = run_build(site)
    assert result.returncode == 0, result.stderr
    entries = sorted((site / "content").glob("*.md"))
    assert len(entries) == len(PARAGRAPHS)
    archive = page(site, "2025/07/12/index.html")
    for path in entries:
        meta, _ = parse(path.read_text(encoding="utf-8"), path)
        assert (meta["published_precision"], meta["published_basis"]) == ("day", "stated")
        published = datetime.fromisoformat(meta["published"])
        assert meta["published"].startswith("2025-07-12"), meta["published"]
        # The start of that day in the pages' zone: the instant is right too.
        assert published == datetime(2025, 7, 12, tzinfo=ZoneInfo(pages_zone))
        url = f"/2025/07/12/{path.stem}/"
        assert url in archive.links()
        entry = page(site, f"2025/07/12/{path.stem}/index.html")
        assert "12 July 2025" in entry.text and "11 July" not in entry.text      # (captured the 13th)
        assert entry.all("time")[0]["datetime"] == "2025-07-12"
    assert {p.name for p in (site / "output" / "2025" / "07").iterdir()} == {"12"}


def test_a_zone_written_after_the_date_is_the_zone_of_that_day():
    from digest.ingest.dates import to_stored_text
    (stamp,) = find_stamps("Published: 12 July 2025 (JST)", default_tz=ZoneInfo("America/Los_Angeles"))
    assert stamp.precision == "day"
    assert stamp.when == datetime(2025, 7, 12, tzinfo=timezone(timedelta(hours=9)))
    assert to_stored_text(stamp.when, "day") == "2025-07-12T00:00:00+09:00"


def test_how_times_are_stored():
    from digest.ingest.dates import to_stored_text
    tokyo, los_angeles = ZoneInfo("Asia/Tokyo"), ZoneInfo("America/Los_Angeles")
    # A day keeps its zone's offset: in UTC, a day in Tokyo would begin on the day before.
    assert to_stored_text(datetime(2025, 7, 12, tzinfo=tokyo), "day") == "2025-07-12T00:00:00+09:00"
    assert to_stored_text(datetime(2025, 7, 12, tzinfo=los_angeles), "day") == "2025-07-12T00:00:00-07:00"
    # ... and so does a day reckoned from it in whole days (a capture "2 days" after a dated article).
    assert to_stored_text(datetime(2025, 7, 12, tzinfo=tokyo) + timedelta(days=2), "day") == \
        "2025-07-14T00:00:00+09:00"
    # Instants, even those known only to about a day, are written in UTC, to the minute.
    assert to_stored_text(datetime(2025, 7, 12, 8, 30, 15, tzinfo=tokyo), "minute") == "2025-07-11T23:30:00+00:00"
    assert to_stored_text(datetime(2025, 7, 12, 8, 30, tzinfo=tokyo), "day") == "2025-07-11T23:30:00+00:00"
