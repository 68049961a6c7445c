"""One dump → its articles: reading, layouts, lines, fields, dates, furniture."""
from pathlib import Path


def dump_files(seeds: Path) -> list[Path]:
    """The dumps: every .txt file under seeds/, in name order. (Here, light, so the build can see there
    is nothing to normalize without loading the normalizer.)"""
    if not seeds.is_dir():
        return []
    return sorted(p for p in seeds.rglob("*.txt") if p.is_file())
