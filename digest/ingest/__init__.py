"""One dump → its articles: reading, layouts, lines, fields, dates, furniture."""
from pathlib import Path

from .sniff import is_dump_name


def dump_files(seeds: Path) -> list[Path]:
    """The dumps: every text dump (.txt), saved page (.html, .htm) and feed (.xml, .rss, .atom,
    .json) under seeds/, each also gzip-compressed (.html.gz), in name order; not what lies in a
    saved page's "_files" folder (its images, scripts and frames). (Here, light, so the build can
    see there is nothing to normalize without loading the normalizer.)"""
    if not seeds.is_dir():
        return []
    return sorted(p for p in seeds.rglob("*") if is_dump_name(p.name) and p.is_file()
                  and not any(part.endswith("_files") for part in p.relative_to(seeds).parts[:-1]))
