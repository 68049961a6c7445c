"""Made-up text for the benchmarks, built from the sample articles (content/), deterministic per seed.

- `samples()`: the sample articles as (headline, sentences).
- `Words`: invented words, Zipf-distributed filler and capitalised names (group_bench.py).
- `Articles`: distinct articles (normalize_bench.py): the samples' sentences with every word replaced
  by a word of the samples or a name of the article's own, except half of the function words, so
  the text keeps the shape of news prose (what the normalizer judges lines by) while two articles
  share almost no run of five words (what the merger compares): with the function words all kept,
  a few runs such as "they can do he said" recurred in one text in ten, far more than in real news,
  and the merger's candidate search spent most of its time on them.
"""
import itertools
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digest.content import parse  # noqa: E402
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
