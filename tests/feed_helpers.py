"""Helpers for the feed tests: every feed a built site has, read back by real parsers and readers."""
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import feedparser
import pytest

XML_FEEDS = ("feed.xml", "atom.xml")
SCHEMA = Path(__file__).parent / "schemas" / "atom.rnc"      # RFC 4287, Appendix B


def feed_folders(site: Path) -> list[Path]:
    """output/ and each theme's folder: where feeds are."""
    out = site / "output"
    return [out] + sorted(p for p in (out / "themes").iterdir() if (p / "feed.xml").exists())


def all_feeds(site: Path, names=XML_FEEDS) -> list[Path]:
    return [folder / name for folder in feed_folders(site) for name in names]


def parse(path: Path):
    return feedparser.parse(path.read_bytes())


def ids(path: Path) -> list[str]:
    return [e.id for e in parse(path).entries]


def needs(tool: str):
    return pytest.mark.skipif(shutil.which(tool) is None, reason=f"{tool} is not installed (.ci/run installs it)")


def jing_errors(path: Path) -> str:
    """What jing says of the file against the Atom schema ('' when valid)."""
    result = subprocess.run(["jing", "-c", str(SCHEMA), str(path)], capture_output=True, text=True, timeout=120)
    return "" if result.returncode == 0 else result.stdout + result.stderr


def newsboat_items(feed: Path, home: Path) -> list[tuple[str, str]]:
    """(guid, title) of every item newsboat shows for the feed after a reload, from its own cache
    (newsboat keys items by guid across all feeds, so each feed is read into a cache of its own)."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "urls").write_text(feed.resolve().as_uri() + "\n", encoding="utf-8")
    (home / "config").write_text("", encoding="utf-8")
    result = subprocess.run(["newsboat", "-u", str(home / "urls"), "-c", str(home / "cache.db"), "-C",
                             str(home / "config"), "-x", "reload"], capture_output=True, text=True, timeout=120,
                            env={"HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(home / "cache.db") as db:
        return db.execute("SELECT guid, title FROM rss_item WHERE deleted = 0 ORDER BY pubDate DESC").fetchall()


RFC822 = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                    r"\d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$")
