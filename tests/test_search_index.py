"""The search index's input: written where it costs least (the RAM disk), on disk when that is full,
and gone after the run either way; the index is the same wherever the input was."""
import errno

import pytest

from conftest import ROOT
from digest import config
from digest.render import search
from digest.render.posts import load_posts


@pytest.fixture(scope="module")
def posts_and_site():
    site = config.load(ROOT / "site.yaml")
    posts, _ = load_posts(site)
    return posts, site


def scratch(place):
    return sorted(p.name for p in place.rglob("digest-search-*")) if place.exists() else []


def index(posts, site, cache_dir):
    indexer = search.Indexer(posts, site, cache_dir)
    indexer.start()
    files = indexer.files()
    assert indexer.error is None
    return {rel: path.read_bytes() for rel, path in files.items()}


def test_input_goes_to_the_ram_disk_or_to_the_cache_when_it_is_full_and_is_removed(posts_and_site, tmp_path,
                                                                                   monkeypatch):
    posts, site = posts_and_site
    ram = tmp_path / "ram"
    ram.mkdir()
    monkeypatch.setattr(search, "RAM_DISK", ram)
    places = []
    write_pages = search._write_pages

    def watched(docs, place):
        places.append(place)
        assert scratch(ram) == [] and scratch(tmp_path / "a") == []     # nothing left from before
        return write_pages(docs, place)
    monkeypatch.setattr(search, "_write_pages", watched)
    in_ram = index(posts, site, tmp_path / "a")
    assert places == [ram] and scratch(ram) == [] and scratch(tmp_path / "a") == []

    def full(docs, place):
        places.append(place)
        if place == ram:
            raise OSError(errno.ENOSPC, "No space left on device")
        return write_pages(docs, place)
    monkeypatch.setattr(search, "_write_pages", full)
    on_disk = index(posts, site, tmp_path / "b")
    assert places[1:] == [ram, tmp_path / "b" / "search"]
    assert scratch(ram) == [] and scratch(tmp_path / "b") == []
    assert on_disk == in_ram and any(rel.startswith("pagefind/fragment/") for rel in in_ram)


def test_a_run_given_up_leaves_no_input(posts_and_site, tmp_path, monkeypatch):
    posts, site = posts_and_site
    monkeypatch.setattr(search, "RAM_DISK", tmp_path / "ram")
    (tmp_path / "ram").mkdir()
    indexer = search.Indexer(posts, site, tmp_path / "cache")
    indexer.start()
    assert scratch(tmp_path / "ram")
    indexer.stop()
    assert scratch(tmp_path / "ram") == [] and not (tmp_path / "cache" / "search").exists()
