"""Which themes an entry belongs to, by principal subject, with the evidence kept for --explain.

Each theme's rules live in site.yaml: weighted terms, phrases to ignore, a threshold. A term counts
by where it stands: in the headline (3 × its weight), in the lede (the first two sentences: 2 ×),
and once per further sentence of the body (1 ×). So a theme named in the headline is in; a theme
discussed over several sentences is in; a passing mention (one sentence, or a name in an
enumeration such as "Russia, China, Japan, South Korea and the U.S.") is not.

Terms are matched on words, not with regular expressions: the text is split into words once, and
every theme's terms are looked up in one pass (a term ending in * matches any word that begins
with it). That keeps classification linear in the text, whatever the number of terms.
"""
import re
from bisect import bisect_right
from dataclasses import dataclass, field

from .text import sentences

HEADLINE, LEDE, SENTENCE = 3.0, 2.0, 1.0
LEDE_SENTENCES = 2

_WORD = re.compile(r"\w+")
# An enumeration of names: "Russia, China, Japan, South Korea, the Europeans and the U.S."
_ITEM = r"(?:the\s+)?[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}"
_LIST = re.compile(rf"{_ITEM}(?:\s*,\s*{_ITEM})+(?:,?\s+(?:and|or)\s+{_ITEM})?")
_LIST_MIN_ITEMS = 3


@dataclass(frozen=True)
class Rules:
    slug: str
    threshold: float
    terms: tuple[tuple[str, float], ...]      # (term as written in site.yaml, weight)
    ignore: tuple[str, ...] = ()


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
    rest: tuple[tuple[str, bool], ...]      # the words after the first: (word, is a prefix)


def _words_of(term: str) -> list[tuple[str, bool]]:
    """'trade deal*' → [('trade', False), ('deal', True)]; 'U.S.' → [('u', False), ('s', False)]."""
    out = []
    for chunk in term.split():
        star = chunk.endswith("*")
        parts = _WORD.findall(chunk.lower())
        out += [(p, False) for p in parts[:-1]] + ([(parts[-1], star)] if parts else [])
    return out


class Prepared:
    """An entry's text split once: sentences, and the words of the whole."""

    def __init__(self, title: str, body: list[str]):
        self.title = title or ""
        self.parts = sentences(" ".join(body))
        self.joined = " ".join(self.parts)
        self.starts, at = [], 0
        for part in self.parts:
            self.starts.append(at)
            at += len(part) + 1
        self._lists: dict[int, list[tuple[int, int]]] = {}

    def in_enumeration(self, n: int, start: int, end: int) -> bool:
        if n not in self._lists:
            part, base = self.parts[n], self.starts[n]
            spans = []
            if part.count(",") >= _LIST_MIN_ITEMS - 2:      # no enumeration without commas
                for m in _LIST.finditer(part):
                    if len(re.split(r"\s*,\s*|\s+(?:and|or)\s+", m.group(0))) >= _LIST_MIN_ITEMS:
                        spans.append((base + m.start(), base + m.end()))
            self._lists[n] = spans
        return any(s <= start and end <= e for s, e in self._lists[n])


class Classifier:
    """Every theme's rules, matched together."""

    def __init__(self, rules: list[Rules]):
        self.rules = list(rules)
        self.exact: dict[str, list[_Term]] = {}
        self.prefix: dict[str, list[_Term]] = {}
        for n, r in enumerate(self.rules):
            for text, weight in r.terms:
                self._add(_words_of(text), _Term(n, text, weight, ()))
            for text in r.ignore:
                self._add(_words_of(text), _Term(n, text, 0.0, ()))
        self.prefix_lengths = sorted({len(p) for p in self.prefix})
        shortest = self.prefix_lengths[0] if self.prefix_lengths else 0
        self.prefix_heads = {p[:shortest] for p in self.prefix}

    def _add(self, words: list[tuple[str, bool]], term: _Term):
        if not words:
            return
        (first, star), rest = words[0], tuple(words[1:])
        term = _Term(term.theme, term.text, term.weight, rest)
        (self.prefix if star else self.exact).setdefault(first, []).append(term)

    def _find(self, text: str) -> list[tuple[int, int, _Term]]:
        """(start, end, term) for every mention of a term or an ignored phrase."""
        lower = text.lower()
        words = _WORD.findall(lower)
        exact, prefix, lengths = self.exact, self.prefix, self.prefix_lengths
        shortest = lengths[0] if lengths else 0
        # Most words are no term at all: find the few that may start one at C speed first.
        hits = [n for n, w in enumerate(words) if w in exact or (shortest and w[:shortest] in self.prefix_heads)]
        if not hits:
            return []
        spans = [m.span() for m in _WORD.finditer(lower)]
        found = []
        for i in hits:
            word = words[i]
            candidates = exact.get(word, []) + [t for k in lengths if k <= len(word) for t in prefix.get(word[:k], ())]
            for term in candidates:
                if i + len(term.rest) >= len(words):
                    continue
                if all(words[i + 1 + j].startswith(w) if star else words[i + 1 + j] == w
                       for j, (w, star) in enumerate(term.rest)):
                    found.append((spans[i][0], spans[i + len(term.rest)][1], term))
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
