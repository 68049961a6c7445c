"""Capture time from a dump's own evidence, and the same article across dumps."""
from datetime import datetime, timedelta, timezone

from conftest import run_build, set_mtime
from digest.content import parse
from digest.ingest.dates import estimate_capture
from digest.ingest.dump import ingest
from digest.merge import group

UTC = timezone.utc
T = datetime(2025, 7, 12, 8, 0, tzinfo=UTC)


def test_file_time_is_used_when_the_text_agrees():
    cap = estimate_capture(T + timedelta(hours=5), [(T, "hour")])
    assert (cap.when, cap.basis) == (T + timedelta(hours=5), "file-time")


def test_file_time_much_later_than_the_text_is_a_checkout():
    cap = estimate_capture(T + timedelta(days=500), [(T, "hour")])
    assert (cap.when, cap.precision, cap.basis) == (T, "hour", "text")


def test_file_time_earlier_than_the_text_still_wins():
    """A page cannot be saved before it was captured; a date in the text far ahead of the file time
    is some future event, not evidence."""
    cap = estimate_capture(T - timedelta(days=40), [(T, "day")])
    assert cap.basis == "file-time"


def test_pinned_capture_wins():
    cap = estimate_capture(T, [(T, "hour")], pinned=T - timedelta(days=2))
    assert (cap.when, cap.basis) == (T - timedelta(days=2), "pinned")


PARAS = [f"Paragraph {n} of the council report says the bridge repairs will take {n + 2} more months "
         f"and cost more than planned, officials said on Friday." for n in range(12)]


def dump_b(rel: str, body: list[str], title="Bridge repairs to take longer", region="the region") -> str:
    return (f"\nSome primary story about the weather today\nRain is expected across {region} all week, "
            "forecasters said on Monday, with flooding possible in low areas.\nHashtags\nRelated Articles\n\n\n"
            f"City Post\n{rel}\n- City Post\n{title}\n" + " ".join(body) + "\n")


def test_truncated_and_reflowed_captures_merge_but_same_headline_different_text_does_not():
    full = ingest("one.txt", dump_b("2 hours ago", PARAS).encode()).articles
    cut = ingest("two.txt", dump_b("5 hours ago", PARAS[:8]).encode()).articles
    other = ingest("three.txt", dump_b("an hour ago", [p.replace("bridge", "tunnel").replace("repairs", "works")
                                                       .replace("council", "ministry") for p in PARAS[3:]]).encode()).articles
    groups = group(full + cut + other)
    bridge = [g for g in groups if any(a.dump == "one.txt" and a.title.startswith("Bridge") for a in g)][0]
    assert sorted(a.dump for a in bridge) == ["one.txt", "two.txt"]
    assert not any(a.dump == "three.txt" for a in bridge)


def test_sibling_dump_fixes_a_checkout_file_time(site_dir):
    """Dump one states a time; dump two has none and a wrong file time, but shares an article."""
    seeds = site_dir / "seeds"
    for p in seeds.iterdir():
        p.unlink()
    stated = dump_b("2 hours ago", PARAS).replace(
        "- City Post\nBridge repairs to take longer\n", "- City Post\nBridge repairs to take longer\nJul 3, 2025 10:00 (UTC) ")
    (seeds / "one.txt").write_text(stated)
    (seeds / "two.txt").write_text(dump_b("5 hours ago", PARAS, region="the northern coast and the islands"))
    set_mtime(seeds / "two.txt", "2026-11-01T00:00:00+00:00")
    assert run_build(site_dir).returncode == 0
    metas = [parse(p.read_text(), p)[0] for p in (site_dir / "content").glob("*.md")]
    bridge = next(m for m in metas if m["title"].startswith("Bridge"))
    assert bridge["seen_in"] == ["one.txt", "two.txt"]
    assert bridge["published"] == "2025-07-03T10:00:00+00:00"
    weather = [m for m in metas if m["title"].startswith("Some primary")]
    # one.txt captured 12:00 (10:00 + 2 h), so two.txt at 15:00 (its copy is 5 h old, not 2 h).
    assert sorted(m["captured"] for m in weather) == ["2025-07-03T12:00:00+00:00", "2025-07-03T15:00:00+00:00"]
