"""One dump → its articles: reading, layouts, lines, fields, dates, furniture."""
import os
from pathlib import Path

from ..files import leads_out
from .sniff import is_dump_name


def dump_files(seeds: Path, within: tuple[Path, ...] = (), skipped: list | None = None) -> list[Path]:
    """The dumps: every text dump (.txt), saved page (.html, .htm) and feed (.xml, .rss, .atom,
    .json) under seeds/, each also gzip-compressed (.html.gz), in name order; not what lies in a
    saved page's "_files" folder (its images, scripts and frames). A link that leads outside seeds/
    and `within` (the project) is not read: it goes into `skipped`. (Here, light, so the build can
    see there is nothing to normalize without loading the normalizer.)"""
    if not seeds.is_dir():
        return []
    inside = tuple(Path(os.path.realpath(folder)) for folder in (seeds, *within))
    found = []
    for p in sorted(seeds.rglob("*")):      # rglob does not go into linked folders
        if not is_dump_name(p.name) or any(part.endswith("_files") for part in p.relative_to(seeds).parts[:-1]):
            continue
        if p.is_symlink() and leads_out(p, inside):
            if skipped is not None:
                skipped.append(p)
            continue
        if p.is_file():
            found.append(p)
    return found


def no_seeds_warning(seeds: Path) -> str:
    """What a build says when seeds/ is not there (here, light, beside dump_files)."""
    return (f"{seeds}: no such folder; nothing to normalize. Put the raw dumps (.txt), saved pages (.html) "
            "or feeds (.xml, .json) there, or set normalize.seeds in site.yaml.")
