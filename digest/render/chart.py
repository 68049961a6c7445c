"""Coverage at a glance: entries per theme per day, as geometry for an inline SVG (no JavaScript).
One row of bars per theme over the last days of the digest (counted back from its newest entry,
never from today, so the chart is the same on every build of the same content)."""
from dataclasses import dataclass, field
from datetime import date, timedelta

WIDTH, LABEL, ROW, GAP, BAR_GAP = 640, 150, 34, 10, 2


@dataclass
class Row:
    name: str
    slug: str
    total: int
    y: int
    bars: list[tuple] = field(default_factory=list)     # (x, y, width, height, day, count)


@dataclass
class Chart:
    first: date
    last: date
    days: list[date]
    rows: list[Row]
    width: int
    height: int
    peak: int
    table: list[tuple]          # (day, count per theme...) for the accessible table


def coverage_chart(themes, by_theme: dict, last: date | None, span: int) -> Chart | None:
    if last is None or not themes:
        return None
    days = [last - timedelta(days=n) for n in range(span - 1, -1, -1)]
    index = {d: i for i, d in enumerate(days)}
    counts = {t.slug: [0] * span for t in themes}
    for theme in themes:
        for post in by_theme[theme.slug]:
            i = index.get(post.day)
            if i is not None:
                counts[theme.slug][i] += 1
    peak = max((c for row in counts.values() for c in row), default=0) or 1
    step = (WIDTH - LABEL) / span
    rows = []
    for n, theme in enumerate(themes):
        top = n * (ROW + GAP)
        row = Row(theme.name, theme.slug, sum(counts[theme.slug]), top)
        for i, count in enumerate(counts[theme.slug]):
            if count:
                h = max(2, round(ROW * count / peak))
                row.bars.append((round(LABEL + i * step, 1), top + ROW - h, round(step - BAR_GAP, 1), h,
                                 days[i], count))
        rows.append(row)
    table = [(d, *(counts[t.slug][i] for t in themes)) for i, d in enumerate(days)
             if any(counts[t.slug][i] for t in themes)]
    return Chart(days[0], last, days, rows, WIDTH, len(themes) * (ROW + GAP), peak, table[::-1])
