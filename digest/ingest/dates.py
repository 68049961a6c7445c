"""Times in dumps: relative times ("6 hours ago"), stated timestamps ("Jul 12, 2025 13:17 (JST)"),
and the capture time of a dump estimated from its own evidence.

Pure functions; the only clock is the one passed in.
"""
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from dateutil import parser as dateparser
from dateutil import tz

from ..model import Relative, Stamp  # noqa: F401 (the types of what this module finds; others import them here)

# The "fromNow" vocabulary of moment.js/dayjs, which aggregator pages use.
REL_TIME = (r"(?:a\s+few|an?|\d{1,4})\s+(?:second|minute|hour|day|week|month|year)s?\s+ago")
_REL_PARTS = re.compile(r"(?P<n>a\s+few|an?|\d+)\s+(?P<unit>second|minute|hour|day|week|month|year)s?\s+ago",
                        re.I)

_UNIT = {"second": timedelta(seconds=1), "minute": timedelta(minutes=1), "hour": timedelta(hours=1),
         "day": timedelta(days=1), "week": timedelta(days=7), "month": timedelta(days=30),
         "year": timedelta(days=365)}
# How exact a time derived from this unit is.
_PRECISION = {"second": "minute", "minute": "minute", "hour": "hour", "day": "day", "week": "day",
              "month": "day", "year": "day"}
PRECISIONS = ("minute", "hour", "day")
LONGEST_AGO = timedelta(days=100 * 365)    # beyond this a relative time is not one a news page shows


def parse_relative(text: str) -> Relative | None:
    m = _REL_PARTS.search(text or "")
    if not m:
        return None
    n_text, unit = m["n"].lower(), m["unit"].lower()
    # "a few seconds" is under 45 s in moment.js; "a"/"an" is one unit.
    n = int(n_text) if n_text.isdigit() else 10 if n_text.startswith("a few") else 1
    if n * _UNIT[unit] > LONGEST_AGO:       # "9999 years ago" is no publication time (and no date)
        return None
    return Relative(m.group(0), n * _UNIT[unit], _PRECISION[unit])


def coarser(a: str, b: str) -> str:
    return a if PRECISIONS.index(a) >= PRECISIONS.index(b) else b


# --- stated timestamps ------------------------------------------------------------------------

_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_WEEKDAY = r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?,?\s+)?"
_TIME = r"(?:\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp]\.?\s?[Mm]\.?)?)"
_ZONE = r"(?:\(?\b(?:[A-Z]{2,4}T|UTC|GMT|IST|ET|PT|CT|MT)\b(?:\s*[+-]\d{1,2}(?::?\d{2})?)?\)?)"
_DATE = (rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"      # July 10, 2025 / Aug 27 2025
         rf"|\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}"                            # 14 Jul. 2025
         r"|\d{1,2}-\d{1,2}-\d{4}"                                        # 14-08-2025 (day first)
         r"|\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?)")  # ISO 8601
STAMP = re.compile(rf"\b{_WEEKDAY}(?P<date>{_DATE})"
                   rf"(?:(?:\s*[,|/@]\s*|\s+|\s*,?\s*at\s+)(?P<time>{_TIME})(?:\s*(?P<zone>{_ZONE}))?"
                   r"|\s*\((?P<day_zone>[A-Z]{2,4})\))?")     # a date without a time, and its zone: "12 July 2025 (JST)"

# Zones that news pages print; dateutil needs them spelt out (abbreviations are ambiguous).
ZONES = {"JST": 9, "KST": 9, "IST": 5.5, "HKT": 8, "SGT": 8, "PHT": 8, "WIB": 7, "ICT": 7, "CST": -6,
         "AEST": 10, "AEDT": 11, "GMT": 0, "UTC": 0, "BST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3,
         "MSK": 3, "EST": -5, "EDT": -4, "ET": -4, "CDT": -5, "CT": -5, "MST": -7, "MDT": -6, "MT": -6,
         "PST": -8, "PDT": -7, "PT": -7}


def _parse_date(text: str) -> datetime:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", text):
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    if re.fullmatch(r"\d{1,2}-\d{1,2}-\d{4}", text):
        return dateparser.parse(text, dayfirst=True)
    return dateparser.parse(text.replace(".", " "))


def _zone(written: str):
    """The fixed offset of a zone abbreviation as pages print it ("(JST)", "GMT+9"); None if unknown."""
    abbr = re.match(r"[A-Z]+", re.sub(r"[()\s]", "", written).upper()).group(0)
    return tz.tzoffset(abbr, int(ZONES[abbr] * 3600)) if abbr in ZONES else None


def find_stamps(text: str, default_tz=timezone.utc) -> list[Stamp]:
    """Every full date (with a year) in the text, with its time and zone where given."""
    out = []
    for m in STAMP.finditer(text or ""):
        try:
            day = _parse_date(m["date"])
        except (ValueError, OverflowError):
            continue
        if day.tzinfo is not None:      # ISO 8601 with its own time and offset
            out.append(Stamp(day, "minute", m.start(), m.end()))
            continue
        if not 1990 <= day.year <= 2100:
            continue
        # A date without a time is the start of that day in the zone the page states, else the
        # default zone (see to_stored_text for how it is kept that day).
        day_zone = _zone(m["day_zone"]) if m["day_zone"] else None
        when, precision = day.replace(tzinfo=day_zone or default_tz), "day"
        if m["time"]:
            try:
                clock = dateparser.parse(m["time"].replace(".", ""))
                zone = (_zone(m["zone"]) if m["zone"] else None) or default_tz
                when = day.replace(hour=clock.hour, minute=clock.minute, tzinfo=zone)
                precision = "minute"
            except (ValueError, OverflowError):
                pass
        out.append(Stamp(when, precision, m.start(), m.end()))
    return out


def to_utc_text(when: datetime) -> str:
    """ISO 8601 in UTC, to the minute."""
    return when.astimezone(timezone.utc).replace(second=0, microsecond=0).isoformat()


def to_stored_text(when: datetime, precision: str) -> str:
    """The form stored in front matter: ISO 8601 with its offset, to the minute.

    A time known only to the day that is the start of a day in its zone (a date stated without a
    time, or a time reckoned from one in whole days) is that calendar day: it keeps its zone's
    offset, `2025-07-12T00:00:00+09:00`, so the date as written is the day, and the site files and
    shows it as written. In UTC it would read `2025-07-11T15:00:00+00:00`: the day before, for every
    zone east of UTC. Every other time is an instant, written in UTC."""
    if precision == "day" and when.utcoffset() is not None and when.time() == datetime.min.time():
        return when.isoformat()
    return to_utc_text(when)


# --- capture time -----------------------------------------------------------------------------

# A file time this far from what the text says is not when the page was saved (a git checkout,
# a copy without -p): the text wins.
MTIME_TOLERANCE = timedelta(days=3)


def file_time_is_late(mtime: datetime, estimate: datetime) -> bool:
    """The file time is a later copy or checkout, not the capture."""
    return mtime - estimate > MTIME_TOLERANCE


@dataclass(frozen=True)
class Capture:
    when: datetime
    precision: str
    basis: str              # pinned, file-time, text, sibling-dump


def median_time(times: list[datetime]) -> datetime:
    times = sorted(times)
    return times[len(times) // 2]


def estimate_capture(mtime: datetime | None, text_estimates: list[tuple[datetime, str]],
                     pinned: datetime | None = None) -> Capture | None:
    """Choose a dump's capture time.

    text_estimates: (time, precision) pairs, each a stated time of an article plus the relative
    time shown with it. The file time is the most exact evidence when the text agrees with it (or
    says nothing). A file can be copied or checked out long after it was saved, but never saved
    before it was captured: so only a file time days *later* than the text says is overruled."""
    if pinned:
        return Capture(pinned, "minute", "pinned")
    if text_estimates:
        est = median_time([t for t, _ in text_estimates])
        precision = min((p for _, p in text_estimates), key=PRECISIONS.index)
        if mtime is not None and not file_time_is_late(mtime, est):
            return Capture(mtime, "minute", "file-time")
        return Capture(est, precision, "text")
    if mtime is not None:
        return Capture(mtime, "minute", "file-time")
    return None
