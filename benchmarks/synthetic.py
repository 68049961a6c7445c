"""Made-up text for the benchmarks, built from the sample articles (content/), deterministic per seed.

- `samples()`: the sample articles as (headline, sentences).
- `Words`: invented words, Zipf-distributed filler and capitalised names (group_bench.py).
- `Articles`: distinct articles (normalize_bench.py): the samples' sentences with every word replaced
  by a word of the samples or a name of the article's own, except half of the function words, so
  the text keeps the shape of news prose (what the normalizer judges lines by) while two articles
  share almost no run of five words (what the merger compares): with the function words all kept,
  a few runs such as "they can do he said" recurred in one text in ten, far more than in real news,
  and the merger's candidate search spent most of its time on them.
- `Newsroom`, `write_entries`, `new_entries`, `edited`: entries of content/ as the normalizer writes
  them, for the site benchmarks (render_bench.py, watch_bench.py): a site of n entries, the entries
  a newsroom adds to it, an editor's edit of one.
"""
import itertools
import random
import re
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digest.content import markdown_paragraph, parse  # noqa: E402
from digest.text import sentences  # noqa: E402

# Function words stay where they are: they carry the grammar (and the stop-word share of prose).
FUNCTION_WORDS = frozenset("""
a an the and or but nor so yet if then than that this these those there here it its he she his her
they them their we our you your i me my of to in on at by for from with without about into onto over
under after before since until while as is are was were be been being has have had do does did not no
will would could should may might must can said says also more most very just only such which who whom
whose what when where why how all any some each both other another one two three
""".split())
_WORD = re.compile(r"[A-Za-z][a-z]+(?:['’][a-z]+)?")
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def samples() -> list[tuple[str, list[str]]]:
    out = []
    for path in sorted((ROOT / "content").glob("*.md")):
        meta, body = parse(path.read_text(encoding="utf-8"), path)
        out.append((meta["title"], [s for p in body.split("\n\n") for s in sentences(p)]))
    return out


class Words:
    """Invented words: `filler(k)` draws k of them Zipf-distributed, `names(k)` capitalised rarer ones."""

    def __init__(self, rng: random.Random, size: int = 30_000):
        self.rng = rng
        self.vocabulary = ["".join(rng.choice(LETTERS) for _ in range(rng.randint(4, 9))) for _ in range(size)]
        self.cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(size)))

    def filler(self, k: int) -> str:
        return " ".join(self.rng.choices(self.vocabulary, cum_weights=self.cumulative, k=k))

    def names(self, k: int) -> list[str]:
        return [w.capitalize() for w in self.rng.choices(self.vocabulary[5000:], k=k)]


@dataclass
class Article:
    title: str
    body: list[str]         # paragraphs, each one or more sentences
    names: list[str]        # the article's own invented names (people, places)


class Articles:
    """`make()` returns a new article each call: a headline and 5-12 paragraphs of 1-3 sentences
    drawn from all the samples, reworded."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.words = Words(rng, size=8_000)
        base = samples()
        self.titles = [t for t, _ in base]
        self.sentences = [s for _, own in base for s in own]
        found = {w for text in self.titles + self.sentences for w in _WORD.findall(text)
                 if w.lower() not in FUNCTION_WORDS}
        self.function = sorted(FUNCTION_WORDS)
        self.lower = sorted(w for w in found if w.islower())
        self.upper = sorted(w for w in found if not w.islower())

    def reword(self, text: str, names: list[str]) -> str:
        rng = self.rng

        def swap(m: re.Match) -> str:
            w = m.group()
            if w.lower() in FUNCTION_WORDS:     # half of them swapped: no run of them recurs in many texts
                if rng.random() < 0.5:
                    return w
                other = rng.choice(self.function)
                return other.capitalize() if w[0].isupper() else other
            if w.islower():
                return rng.choice(self.lower)
            return rng.choice(names) if rng.random() < 0.3 else rng.choice(self.upper)
        return _WORD.sub(swap, text)

    def make(self) -> Article:
        rng = self.rng
        names = self.words.names(4)
        title = self.reword(rng.choice(self.titles), names)
        body = [" ".join(self.reword(s.strip(), names) for s in rng.choices(self.sentences, k=rng.randint(1, 3)))
                for _ in range(rng.randint(5, 12))]
        return Article(title, body, names)


# -- entries of content/, for the site benchmarks (render_bench.py, watch_bench.py) -------------------

OUTLETS = [f"{a} {b}" for a in ("Harbour", "Meridian", "Northgate", "Coastline", "Civic", "Lantern", "Eastbrook",
                                "Summit", "Riverside", "Atlas")
           for b in ("Ledger", "Post", "Wire")]
NEWEST = datetime(2025, 7, 31, 21, 0, tzinfo=timezone.utc)     # the newest entry's time
PER_DAY = 100                                                   # entries a day, back from NEWEST
REPORTS = ([1, 2, 3, 4], [60, 20, 12, 8])                       # reports of one event, and how often


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class Newsroom:
    """Entries as the normalizer writes them (its keys, its escaping; no `themes` or `story`, so the
    build finds both), each a distinct article (`Articles`). Two events in five are reported by 2-4
    outlets within the hour: the same wire copy, each with one paragraph of its own in place of one
    of the wire's (past the lede), so the build's clustering makes them one story. Deterministic per seed."""

    def __init__(self, seed: int = 7):
        self.rng = random.Random(seed)
        self.articles = Articles(self.rng)
        self.made = 0

    def paragraph(self, names: list[str]) -> str:
        """One paragraph of new text (what `Articles.make` writes, one paragraph of it: cheaper)."""
        a = self.articles
        return " ".join(a.reword(s.strip(), names) for s in self.rng.choices(a.sentences, k=self.rng.randint(1, 3)))

    def reports(self) -> list[tuple[str, list[str], str]]:
        """One event: (headline, paragraphs, outlet) of each report."""
        rng = self.rng
        wire = self.articles.make()
        outlets = rng.sample(OUTLETS, rng.choices(*REPORTS)[0])
        out = []
        for k, outlet in enumerate(outlets):
            body = list(wire.body)
            if k and len(body) > 3:
                body[rng.randrange(2, len(body))] = self.paragraph(self.articles.words.names(2))
            out.append((wire.title, body, outlet))
        return out

    def entry(self, title: str, body: list[str], source: str, published: datetime) -> str:
        """The text of one entry file."""
        self.made += 1
        stamp = published.isoformat()
        summary = sentences(body[0])[0] if body[0] else title
        meta = [("id", f"{self.rng.getrandbits(64):016x}"), ("title", _quote(title)), ("source", _quote(source)),
                ("credit", "null"), ("author", _quote(" ".join(self.articles.words.names(2)))),
                ("dateline", "null"), ("published", _quote(stamp)), ("published_precision", "minute"),
                ("published_basis", "stated"), ("captured", _quote((published + timedelta(hours=2)).isoformat())),
                ("summary", _quote(summary)), ("image_caption", "null")]
        head = "\n".join(f"{k}: {v}" for k, v in meta) + f"\nseen_in:\n- dump-{self.made:06d}.txt"
        return f"---\n{head}\n---\n\n" + "\n\n".join(markdown_paragraph(p) for p in body) + "\n"


def write_entries(content: Path, n: int, seed: int = 7) -> Newsroom:
    """content/entry-000000.md …: n entries, PER_DAY a day up to NEWEST, oldest first. Returns the
    newsroom, to make more entries that are new to the site (`new_entries`)."""
    content.mkdir(parents=True, exist_ok=True)
    newsroom = Newsroom(seed)
    step = timedelta(days=1) / PER_DAY
    i = 0
    while i < n:
        for title, body, outlet in newsroom.reports()[:n - i]:
            published = (NEWEST - (n - 1 - i) * step).replace(second=0, microsecond=0)
            (content / f"entry-{i:06d}.md").write_text(newsroom.entry(title, body, outlet, published), encoding="utf-8")
            i += 1
    return newsroom


def new_entries(newsroom: Newsroom, folder: Path, first: int, count: int) -> list[Path]:
    """`count` entries new to the site, as a newsroom adds them: published in the newest two days
    (just after NEWEST, then every 2.5 hours back), named entry-<first>.md and on."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for j in range(count):
        title, body, outlet = newsroom.reports()[0]
        published = NEWEST + timedelta(minutes=7) - j * timedelta(hours=2.5) % timedelta(days=2)
        path = folder / f"entry-{first + j:06d}.md"
        path.write_text(newsroom.entry(title, body, outlet, published), encoding="utf-8")
        paths.append(path)
    return paths


def edited(newsroom: Newsroom, text: str) -> str:
    """An entry's text after an editor's edit: a new headline and one paragraph rewritten."""
    head, body = text.split("\n---\n\n", 1)
    head = re.sub(r"(?m)^title: '", "title: 'Corrected: ", head, count=1)
    paragraphs = body.rstrip("\n").split("\n\n")
    paragraphs[min(1, len(paragraphs) - 1)] = markdown_paragraph(newsroom.paragraph(newsroom.articles.words.names(2)))
    return head + "\n---\n\n" + "\n\n".join(paragraphs) + "\n"
