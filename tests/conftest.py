"""Shared fixtures: a fresh copy of the project's site to build in, and the dev set when present."""
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEVSET = ROOT.parent / "shared" / "devset"
sys.path.insert(0, str(ROOT))


@pytest.fixture
def site_dir(tmp_path):
    """A site folder with the shipped site.yaml and seeds, and an empty content/."""
    site = tmp_path / "site"
    site.mkdir()
    shutil.copy(ROOT / "site.yaml", site / "site.yaml")
    shutil.copytree(ROOT / "seeds", site / "seeds")
    (site / "content").mkdir()
    return site


@pytest.fixture
def empty_site(site_dir):
    """The shipped site with no seeds: only what a test puts there."""
    for p in (site_dir / "seeds").iterdir():
        p.unlink()
    return site_dir


def run_build(site: Path, *args: str) -> subprocess.CompletedProcess:
    """python build.py, as a user runs it, in the given site folder."""
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=site,
                          capture_output=True, text=True, timeout=300)


def set_mtime(path: Path, when: str):
    t = datetime.fromisoformat(when).timestamp()
    os.utime(path, (t, t))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def needs_devset():
    return pytest.mark.skipif(not DEVSET.is_dir(), reason="../shared/devset is not beside this checkout")


MACHINE_OWNED = re.compile(r"^(?:seen_in|themes|story):.*\n(?:[ \t]*-.*\n)*", re.M)


def editor_view(entry_text: str) -> str:
    """An entry without the fields the build keeps up to date in edited entries (seen_in, and
    themes and story unless set by hand): what must never change once an editor has touched it."""
    return MACHINE_OWNED.sub("", entry_text)


def shown(site: Path) -> dict:
    """title → the Post the site makes of each entry (its themes and story as grouped), read by the
    build's own code from the site's content/ as it is now."""
    from digest.config import load
    from digest.render.posts import load_posts
    posts, _ = load_posts(load(site / "site.yaml"))
    return {post.title: post for post in posts}


SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_locs(output: Path, base_url: str) -> list[str]:
    """Every URL of the site's sitemap, as a crawler reads it: sitemap.xml is an index whose
    sitemaps (at base_url) are files of output/."""
    index = ET.parse(output / "sitemap.xml").getroot()
    assert index.tag == "{%s}sitemapindex" % SITEMAP_NS["s"]
    locs = []
    for loc in index.findall("s:sitemap/s:loc", SITEMAP_NS):
        assert loc.text.startswith(base_url), loc.text
        part = ET.parse(output / loc.text[len(base_url):]).getroot()
        locs += [e.text for e in part.findall("s:url/s:loc", SITEMAP_NS)]
    return locs
