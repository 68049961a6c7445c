"""One dump's bytes → its articles. Pure (no I/O), so dumps can be read in parallel."""
from dataclasses import dataclass, field
from datetime import timezone, tzinfo

from ..model import Article
from .boilerplate import DEFAULT, Furniture
from .extract import extract
from .layouts import cut
from .read import read_dump


MAX_NOTES = 3


@dataclass
class DumpResult:
    name: str
    articles: list[Article] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def ingest(name: str, data: bytes, furniture: Furniture = DEFAULT, default_tz: tzinfo = timezone.utc) -> DumpResult:
    result = DumpResult(name)
    read = read_dump(data)
    result.warnings.extend(read.warnings)
    if read.text is None:
        return result
    notes = []
    for block in cut(read.text, furniture):
        article, block_notes = extract(block, name, furniture, default_tz)
        notes.extend(block_notes)
        if article is not None:
            result.articles.append(article)
    # One problem, one warning: a run of broken blocks is summed up, not listed.
    if len(notes) > MAX_NOTES:
        notes = notes[:MAX_NOTES - 1] + [f"... and {len(notes) - MAX_NOTES + 1} more blocks like these "
                                         f"({notes[-1].split(':')[0]} is the last)"]
    result.warnings.extend(notes)
    if not result.articles:
        result.warnings.append("no article found in this dump (no headline and running text); "
                               "check that it is a copied news page")
    return result
