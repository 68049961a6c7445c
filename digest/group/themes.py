"""Which themes an entry belongs to, by principal subject, with the evidence kept for --explain.

Each theme's rules live in site.yaml: weighted terms, phrases to ignore, a threshold. A term counts
by where it stands: in the headline (3 × its weight), in the lede (the first two sentences: 2 ×),
and once per further sentence of the body (1 ×). So a theme named in the headline is in; a theme
discussed over several sentences is in; a passing mention (one sentence, or a name in an
enumeration such as "Russia, China, Japan, South Korea and the U.S.") is not.

Terms are found in one pass over the text for all themes together (Aho-Corasick, pyahocorasick), a
hit counting where it starts and ends on word boundaries; a term ending in * matches any word that
begins with it. That keeps classification linear in the text, whatever the number of terms.
"""
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

import ahocorasick

from ..model import Rules
from ..text import sentences

HEADLINE, LEDE, SENTENCE = 3.0, 2.0, 1.0
LEDE_SENTENCES = 2

# An enumeration of names: "Russia, China, Japan, South Korea, the Europeans and the U.S."
# Possessive quantifiers (*+, {0,3}+): a run of capitalised words is read once, never backtracked.
_ITEM = r"(?:the\s+)?[A-Z][\w.'’-]*+(?:\s+[A-Z][\w.'’-]*+){0,3}+"
_LIST = re.compile(rf"{_ITEM}(?:\s*,\s*{_ITEM})++(?:,?\s+(?:and|or)\s+{_ITEM})?")
_LIST_MIN_ITEMS = 3


@dataclass
class Evidence:
    slug: str
    score: float
    threshold: float
    headline: list[str] = field(default_factory=list)
    lede: list[str] = field(default_factory=list)
    body: list[list[str]] = field(default_factory=list)      # terms per body sentence that had any

    @property
    def member(self) -> bool:
        return self.score >= self.threshold


@dataclass(frozen=True)
class _Term:
    theme: int
    text: str               # as written in site.yaml, for --explain
    weight: float           # 0 for a phrase to ignore
    open_end: bool          # written with a final *: any word ending matches


# Hyphens read as spaces, in terms and texts alike: "Lee Jae Myung" finds "Lee Jae-myung", and
# "Korea*" finds "inter-Korean". One character for one, so offsets stay aligned.
_HYPHENS = "-‐‑‒–"


def _unhyphen(text: str) -> str:
    for h in _HYPHENS:          # str.replace is much faster than str.translate here
        if h in text:
            text = text.replace(h, " ")
    return text


def _literal(term: str) -> str:
    return " ".join(_unhyphen(term.lower().rstrip("*")).split())


class Prepared:
    """An entry's text split once into sentences (white space folded), shared by every theme."""

    def __init__(self, title: str, body: list[str]):
        self.title = " ".join((title or "").split())
        self.parts = [" ".join(p.split()) for p in sentences(" ".join(body))]
        self.joined = " ".join(self.parts)
        self.starts, at = [], 0
        for part in self.parts:
            self.starts.append(at)
            at += len(part) + 1
        self._lists: dict[int, list[tuple[int, int]]] = {}

    def in_enumeration(self, n: int, start: int, end: int) -> bool:
        """Is joined[start:end] a name in an enumeration of sentence n?"""
        spans = self._lists.get(n)
        if spans is None:
            part, base = self.parts[n], self.starts[n]
            spans = self._lists[n] = [
                (base + m.start(), base + m.end()) for m in _LIST.finditer(part)
                if len(re.split(r"\s*,\s*|\s+(?:and|or)\s+", m.group(0))) >= _LIST_MIN_ITEMS
            ] if part.count(",") >= _LIST_MIN_ITEMS - 2 else []     # no enumeration without commas
        return any(s <= start and end <= e for s, e in spans)


class Classifier:
    """Every theme's rules, matched together in one pass (an Aho-Corasick automaton over the terms'
    literal text; a hit counts where it starts and ends on word boundaries)."""

    def __init__(self, rules: list[Rules]):
        self.rules = list(rules)
        self.automaton = ahocorasick.Automaton()
        for n, r in enumerate(self.rules):
            for text, weight in r.terms:
                self._add(_Term(n, text, weight, text.endswith("*")))
            for text in r.ignore:
                self._add(_Term(n, text, 0.0, text.endswith("*")))
        if len(self.automaton):
            self.automaton.make_automaton()

    def _add(self, term: _Term):
        literal = _literal(term.text)
        if literal:
            found = self.automaton.get(literal, (literal, []))
            found[1].append(term)
            self.automaton.add_word(literal, found)

    def _find(self, text: str) -> list[tuple[int, int, _Term]]:
        """(start, end, term) for every mention of a term or an ignored phrase."""
        if not len(self.automaton) or not text:
            return []
        lower = text.lower()
        if len(lower) != len(text):     # a few characters lowercase to two ("İ"): keep offsets aligned
            lower = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
        lower = _unhyphen(lower)
        found = []
        for last, (literal, terms) in self.automaton.iter(lower):
            start, end = last - len(literal) + 1, last + 1
            if start > 0 and (lower[start - 1].isalnum() or lower[start - 1] == "_"):
                continue
            open_end = end
            while open_end < len(lower) and (lower[open_end].isalnum() or lower[open_end] == "_"):
                open_end += 1
            for term in terms:
                if term.open_end:
                    found.append((start, open_end, term))
                elif open_end == end:
                    found.append((start, end, term))
        return found

    def _counted(self, text: str) -> list[tuple[int, int, _Term]]:
        """Mentions that count: not inside a phrase that theme ignores."""
        found = self._find(text)
        ignored = [(s, e, t.theme) for s, e, t in found if t.weight == 0]
        return [(s, e, t) for s, e, t in found
                if t.weight > 0 and not any(t.theme == th and a <= s and e <= b for a, b, th in ignored)]

    def evidence(self, title: str | Prepared, body: list[str] = ()) -> list[Evidence]:
        text = title if isinstance(title, Prepared) else Prepared(title, list(body))
        head: list[list[_Term]] = [[] for _ in self.rules]
        for _, _, t in self._counted(text.title):
            head[t.theme].append(t)
        per_sentence: list[dict[int, list[_Term]]] = [{} for _ in self.rules]
        for start, end, t in self._counted(text.joined):
            n = bisect_right(text.starts, start) - 1
            if not text.in_enumeration(n, start, end):
                per_sentence[t.theme].setdefault(n, []).append(t)
        return [_score(r, head[n], per_sentence[n]) for n, r in enumerate(self.rules)]

    def classify(self, title: str, body: list[str]) -> list[str]:
        """The slugs of every theme the entry belongs to, in site.yaml's order."""
        return [e.slug for e in self.evidence(title, body) if e.member]


def _score(rules: Rules, head: list[_Term], per_sentence: dict[int, list[_Term]]) -> Evidence:
    ev = Evidence(rules.slug, 0.0, rules.threshold)
    ev.headline = sorted({t.text for t in head})
    lede = [t for n in range(LEDE_SENTENCES) for t in per_sentence.get(n, ())]
    ev.lede = sorted({t.text for t in lede})
    total = HEADLINE * max((t.weight for t in head), default=0) + LEDE * max((t.weight for t in lede), default=0)
    for n in sorted(k for k in per_sentence if k >= LEDE_SENTENCES):
        ev.body.append(sorted({t.text for t in per_sentence[n]}))
        total += SENTENCE * max(t.weight for t in per_sentence[n])
    ev.score = round(total, 2)
    return ev


def explain(evidence: Evidence) -> str:
    verdict = "IN" if evidence.member else "out"
    lines = [f"{evidence.slug}: score {evidence.score:g} (threshold {evidence.threshold:g}) → {verdict}"]
    lines.append(f"  headline (×{HEADLINE:g}): {', '.join(evidence.headline) or '—'}")
    lines.append(f"  lede     (×{LEDE:g}): {', '.join(evidence.lede) or '—'}")
    body = "; ".join(", ".join(terms) for terms in evidence.body)
    lines.append(f"  body, {len(evidence.body)} sentence(s) (×{SENTENCE:g} each): {body or '—'}")
    if not evidence.member:
        lines.append("  not a principal subject: no term in the headline, and too few mentions in the lede and body")
    return "\n".join(lines)


@lru_cache(maxsize=8)
def classifier(rules: tuple[Rules, ...]) -> Classifier:
    """The classifier of a site's rules, made once per process (a worker forked after it shares it)."""
    return Classifier(list(rules))
