"""One dump's bytes → its articles. Pure (no I/O), so dumps can be read in parallel."""
from dataclasses import dataclass, field
from datetime import timezone, tzinfo

from ..model import Article
from .boilerplate import DEFAULT, Furniture
from .extract import block_tags, extract
from .layouts import cut
from .read import read_dump
from .roles import page_roles_many
from .sniff import FEED, HTML, JSON_FEED, SKIP, sniff


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
    model together (one call for many pages' lines costs about what one page's did). A file is read
    as what its first bytes say it is (sniff.py): a text dump, an HTML page or a feed."""
    results, cuts = [], []
    for name, data in dumps:
        found = sniff(name, data)
        if found.kind != "text":
            results.append(_read_markup(name, found, furniture, default_tz))
            cuts.append(None)
            continue
        read = read_dump(found.data)
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


def _read_markup(name: str, found, furniture: Furniture, default_tz: tzinfo) -> DumpResult:
    """An HTML page or a feed: its readers are imported only when such a file is there."""
    if found.kind == SKIP:
        return DumpResult(name, warnings=[found.warning])
    if found.kind == HTML:
        from .html_page import read_page
        articles, warnings = read_page(name, found.data, furniture, default_tz)
    else:
        assert found.kind in (FEED, JSON_FEED), found.kind
        from .feed_file import read_feed
        articles, warnings = read_feed(name, found.data, found.kind, furniture, default_tz)
    return DumpResult(name, articles, warnings)


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
