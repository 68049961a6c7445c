"""One rule at a time: what a line of a dump looks like, and what field it yields."""
from datetime import datetime, timedelta, timezone

import pytest

from digest.ingest.dates import find_stamps, parse_relative
from digest.ingest.lines import (anchor, bare_name, byline, credit_of, dateline, is_byline_shape, is_caption,
                                 is_copyright, is_photo_credit_only, is_prose, is_stamp_line, is_title_like)
from digest.ingest.boilerplate import DEFAULT, build


@pytest.mark.parametrize("line, expected", [
    ("Japan Today2 days ago", ("Japan Today", "2 days ago")),
    ("Sports Illustrateda day ago", ("Sports Illustrated", "a day ago")),
    ("time6 hours ago", (None, "6 hours ago")),
    ("timea day ago", (None, "a day ago")),
    ("an hour ago", (None, "an hour ago")),
    ("a few seconds ago", (None, "a few seconds ago")),
    ("Updated 17 minutes ago", None),                       # a page's own stamp, not an article anchor
    ("The strike came 2 days ago.", None),
    ("Officials said the ceasefire collapsed two weeks later and 3 days ago", None),
])
def test_relative_time_anchor(line, expected):
    assert anchor(line) == expected


@pytest.mark.parametrize("text, delta, precision", [
    ("a few seconds ago", timedelta(seconds=10), "minute"),
    ("a minute ago", timedelta(minutes=1), "minute"),
    ("45 minutes ago", timedelta(minutes=45), "minute"),
    ("an hour ago", timedelta(hours=1), "hour"),
    ("21 hours ago", timedelta(hours=21), "hour"),
    ("a day ago", timedelta(days=1), "day"),
    ("12 days ago", timedelta(days=12), "day"),
    ("a month ago", timedelta(days=30), "day"),
    ("3 months ago", timedelta(days=90), "day"),
    ("a year ago", timedelta(days=365), "day"),
])
def test_relative_vocabulary(text, delta, precision):
    rel = parse_relative(text)
    assert (rel.delta, rel.precision) == (delta, precision)


@pytest.mark.parametrize("line, author", [
    ("By MATTHEW LEE", "Matthew Lee"),
    ("By Jane Q. Doe", "Jane Q. Doe"),
    ("By ANNA MARIA DE LUCA and PETER O'NEILL", "Anna Maria de Luca, Peter O'Neill"),
    ("By Lena Park, Tom Ruiz and Ada Obi", "Lena Park, Tom Ruiz, Ada Obi"),
    ("By Lena Park and Tom Ruiz Washington Post", "Lena Park, Tom Ruiz"),
    ("BY KIM MIN-JI [kim.minji@example.com]", "Kim Min-Ji"),
    ("By Reuters", None),                                   # an outlet, not a person
    ("By Metro Desk |", None),
])
def test_byline(line, author):
    assert is_byline_shape(line)
    assert byline(line) == author


def test_a_sentence_starting_with_by_is_no_byline():
    assert not is_byline_shape("By the end of the week, negotiators had agreed on most points of the text.")


@pytest.mark.parametrize("line, name", [
    ("Lena Park", "Lena Park"),
    ("- HANNA SVENSSON", "Hanna Svensson"),
    ("Priya Raman New Delhi", "Priya Raman"),
    ("World News", None),
    ("WAR ON THE BORDER", None),
    ("Daily Herald Metro", None),
])
def test_bare_name(line, name):
    assert bare_name(line) == name


@pytest.mark.parametrize("line, holder", [
    ("© Copyright 2025 The Associated Press. All rights reserved. This material may not be published.",
     "The Associated Press"),
    ("© Thomson Reuters 2025.", "Thomson Reuters"),
    ("This article originally appeared in The New York Times © 2025 The New York Times Company",
     "The New York Times"),
    ("[Copyright The Jiji Press, Ltd.]", "Jiji Press"),
    ("Copyright 2024 Example Media Group. All rights reserved.", "Example Media Group"),
])
def test_credit_from_copyright_line(line, holder):
    assert credit_of(line) == holder


def test_copyright_line_is_recognized_but_a_sentence_about_copyright_is_not():
    assert is_copyright("© 2025 Example Wire Service")
    assert not is_copyright("The court ruled on a copyright case brought by three authors last year.")


@pytest.mark.parametrize("paragraph, expected", [
    ("TOKYO (Kyodo) -- Prime Minister spoke.", ("TOKYO", "Kyodo")),
    ("KUALA LUMPUR - Although talks continued, no deal.", ("KUALA LUMPUR", None)),
    ("SEOUL, July 28 (UPI) -- A statement said.", ("SEOUL", "UPI")),
    ("Kuala Lumpur, July 12 (Jiji Press)--The minister said.", ("Kuala Lumpur", "Jiji Press")),
    ("KYIV, Ukraine (AP) — Drones struck overnight.", ("KYIV, Ukraine", "AP")),
    ("The minister said - after a pause - that talks go on.", None),
])
def test_dateline(paragraph, expected):
    assert dateline(paragraph) == expected


@pytest.mark.parametrize("line", [
    "Officials inspect the site on Monday. (AP Photo/Jane Doe)",
    "A view of the harbour. Photo by Lee Chan/EPA-EFE",
    "Smoke rises over the city on May 3, 2025. REUTERS/John Smith",
    "In this photo provided by the fire service, crews work at the scene.",
    "Credit: AP",
    "Jane Doe/Reuters",
])
def test_caption(line):
    assert is_caption(line)


def test_photo_credit_alone_is_not_a_paragraph():
    assert is_photo_credit_only("Jane Doe/Reuters")
    assert not is_photo_credit_only("Officials inspect the site on Monday, days after the storm passed the "
                                     "coast and cut power to thousands. (AP Photo/Jane Doe)")


@pytest.mark.parametrize("text, when, precision", [
    ("Jul 12, 2025 13:17 (JST)", datetime(2025, 7, 12, 4, 17, tzinfo=timezone.utc), "minute"),
    ("Thursday, July 10, 2025", datetime(2025, 7, 10, tzinfo=timezone.utc), "day"),
    ("Published: 14 Jul. 2025, 19:40", datetime(2025, 7, 14, 19, 40, tzinfo=timezone.utc), "minute"),
    ("June 14, 2025 / 3:20 PM / Updated at 3:20 PM", datetime(2025, 6, 14, 15, 20, tzinfo=timezone.utc), "minute"),
    ("Last Updated : Aug 27 2025 | 12:24 AM IST", datetime(2025, 8, 26, 18, 54, tzinfo=timezone.utc), "minute"),
    ("Updated: 14-08-2025 14:44 IST", datetime(2025, 8, 14, 9, 14, tzinfo=timezone.utc), "minute"),
    ("Updated on 2025-07-09T18:05:41+05:30", datetime(2025, 7, 9, 12, 35, 41, tzinfo=timezone.utc), "minute"),
    ("Posted September. 26, 2025 07:15,", datetime(2025, 9, 26, 7, 15, tzinfo=timezone.utc), "minute"),
])
def test_stamp(text, when, precision):
    stamp = find_stamps(text)[0]
    assert (stamp.when, stamp.precision) == (when, precision)
    assert is_stamp_line(text)


def test_impossible_dates_are_no_stamps():
    assert find_stamps("Ref 2025-18-04 and 1883 founding") == []


def test_prose_and_titles():
    assert is_prose("The minister said talks would continue next week in the capital.")
    assert not is_prose("Markets slide as talks stall")
    assert is_title_like("Markets slide as talks stall")
    assert not is_title_like("The minister said talks would continue next week.")
    assert not is_prose("Will the talks collapse before the deadline?")


def test_furniture_lines():
    for line in ["logo", "Orange background", "Try Our AI Features", "Explore what Daily8 AI can do for you:",
                 "Comments", "No comments yet...", "Related Articles", "Hashtags", "DOWNLOAD THE APP",
                 "app-storeplay-store"]:
        assert DEFAULT.is_aggregator(line), line
    for line in ["Advertisement", "Share with X", "Listen to this article", "6 min read", "Sponsor:  ACME",
                 "Subscribe to our newsletter", "Skip to content"]:
        assert DEFAULT.is_chrome(line), line
    assert not DEFAULT.is_chrome("Comments from the minister drew criticism on Tuesday.")


def test_site_can_add_furniture():
    furniture = build(["Brought to you by Example"], [r"^watch: .*$"])
    assert furniture.is_chrome("Brought to you by Example")
    assert furniture.is_chrome("Watch: the full interview")
    assert not DEFAULT.is_chrome("Watch: the full interview")
    # A site's own lines are dropped wherever they stand; only the aggregator's own lines end an article.
    assert not furniture.is_aggregator("Brought to you by Example")
    assert furniture.is_aggregator("Related Articles")
