"""One dump's bytes → its articles. Pure (no I/O), so dumps can be read in parallel."""
from dataclasses import dataclass, field
from datetime import timezone, tzinfo

from ..model import Article
from .boilerplate import DEFAULT, Furniture
from .extract import block_tags, extract
from .layouts import cut
from .read import read_dump
from .roles import page_roles_many


MAX_NOTES = 3


@dataclass
class DumpResult:
    name: str
    articles: list[Article] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def ingest(name: str, data: bytes, furniture: Furniture = DEFAULT, default_tz: tzinfo = timezone.utc) -> DumpResult:
    return ingest_many([(name, data)], furniture, default_tz)[0]


def ingest_many(dumps: list[tuple[str, bytes]], furniture: Furniture = DEFAULT,
                default_tz: tzinfo = timezone.utc) -> list[DumpResult]:
    """Several dumps (name, bytes), each read as if alone; their saved pages go through the line-role
    model together (one call for many pages' lines costs about what one page's did)."""
    results, cuts = [], []
    for name, data in dumps:
        read = read_dump(data)
        results.append(DumpResult(name, warnings=list(read.warnings)))
        cuts.append(None if read.text is None else
                    [(block, block_tags(block, furniture)) for block in cut(read.text, furniture)])
    pages = [(block, tags) for blocks in cuts if blocks for block, tags in blocks if block.kind == "page"]
    roles = {id(block): found for (block, _), found in
             zip(pages, page_roles_many([(block.lines, tags) for block, tags in pages]))}
    for result, blocks in zip(results, cuts):
        if blocks is not None:
            _extract_all(result, blocks, furniture, default_tz, roles)
    return results


def _extract_all(result: DumpResult, blocks: list, furniture: Furniture, default_tz: tzinfo, roles: dict):
    notes = []
    for block, tags in blocks:
        article, block_notes = extract(block, result.name, furniture, default_tz, tags, roles.get(id(block)))
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
