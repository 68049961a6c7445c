"""When each dump was captured, and so when each article in it was published.

A dump's own evidence comes first (an article's stated time plus the relative time shown with it;
the file time when it agrees). A dump with no such evidence whose file time is off (a git checkout)
borrows from a dump that shares an article with it: the two relative times shown for the same
article give the gap between the two captures.
"""
from datetime import datetime, timedelta

from .ingest.dates import PRECISIONS, Capture, coarser, estimate_capture, file_time_is_late
from .model import Article, Sighting


def text_estimates(articles: list[Article]) -> list[tuple[datetime, str]]:
    out = []
    for a in articles:
        if a.stamp is not None and a.relative is not None:
            out.append((a.stamp.when + a.relative.delta, coarser(a.stamp.precision, a.relative.precision)))
    return out


def captures(dumps: dict[str, list[Article]], mtimes: dict[str, datetime | None],
             pinned: dict[str, datetime], groups: list[list[Article]]) -> dict[str, Capture | None]:
    out = {name: estimate_capture(mtimes.get(name), text_estimates(arts), pinned.get(name))
           for name, arts in dumps.items()}
    # Borrow across dumps, from firm evidence only, until nothing changes.
    firm = {"pinned", "text", "sibling-dump"}
    for _ in range(len(dumps)):
        changed = False
        for members in groups:
            known = [(a, out[a.dump]) for a in members
                     if a.relative and out.get(a.dump) and out[a.dump].basis in firm]
            if not known:
                continue
            ref, cap = min(known, key=lambda k: PRECISIONS.index(k[1].precision))
            for a in members:
                mine = out.get(a.dump)
                if a.relative is None or a.dump == ref.dump:
                    continue
                est = cap.when - ref.relative.delta + a.relative.delta
                precision = coarser(cap.precision, coarser(ref.relative.precision, a.relative.precision))
                if mine is None or (mine.basis not in firm and file_time_is_late(mine.when, est)) or (
                        # a capture known only to the day, sharpened by a sibling known to the hour
                        mine.basis == "text" and PRECISIONS.index(precision) < PRECISIONS.index(mine.precision)
                        and abs(mine.when - est) <= timedelta(days=1, hours=12)):
                    out[a.dump] = Capture(est, precision, "sibling-dump")
                    changed = True
        if not changed:
            break
    return out


def sighting(article: Article, capture: Capture | None) -> Sighting | None:
    """The publication time this sighting gives: a stated time wins, then capture minus the
    relative time, then the capture time itself (marked as such)."""
    if article.stamp is not None and article.stamp_is_published:
        captured = capture.when if capture else article.stamp.when
        return Sighting(article.dump, article.stamp.when, article.stamp.precision, "stated", captured)
    if capture is None:
        return None
    if article.relative is not None:
        return Sighting(article.dump, capture.when - article.relative.delta,
                        coarser(capture.precision, article.relative.precision), "relative", capture.when)
    return Sighting(article.dump, capture.when, capture.precision, "capture", capture.when)


_BASIS_RANK = {"stated": 0, "relative": 1, "capture": 2}
_PRECISION_RANK = {"minute": 0, "hour": 1, "day": 2}


def best_sighting(sightings: list[Sighting]) -> Sighting:
    """The most exact of an article's sightings: stated first, then the finest relative time."""
    return min(sightings, key=lambda s: (_BASIS_RANK[s.basis], _PRECISION_RANK[s.precision],
                                         s.captured - s.published, s.dump))
