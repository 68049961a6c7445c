"""The search index: shards of bounded size, each a Pagefind bundle made again only when one of its
entries changed (the others reused byte for byte); Pagefind's input written where it costs least
(the RAM disk), on disk when that is full, and gone after the run either way."""
import errno
import json
import random
from dataclasses import dataclass
from datetime import date, timedelta
from types import SimpleNamespace

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


@dataclass
class Fake:
    """What the indexer reads of a post."""
    id: str
    day: date
    title: str = ""
    html: str = ""

    @property
    def path(self):
        return f"{self.day:%Y/%m/%d}/{self.id}/"


def fake(n: int, day: date, words: str = "") -> Fake:
    return Fake(f"e{n:05d}", day, f"Headline {n}", f"<p>The text of entry {n}. {words}</p>")


def scratch(place):
    return sorted(p.name for p in place.rglob("digest-search-*")) if place.exists() else []


def counting(tmp_path, monkeypatch, before: str = "") -> list:
    """Pagefind behind a script that notes each run (the shard's bundle is in its arguments)."""
    log = tmp_path / "pagefind-runs.log"
    script = tmp_path / "pagefind"
    script.write_text(f'#!/bin/sh\necho "$@" >> {log}\n{before}exec {search.pagefind_command()[0]} "$@"\n')
    script.chmod(0o755)
    monkeypatch.setattr(search, "pagefind_command", lambda: [str(script)])
    runs = []

    def new_runs():
        lines = log.read_text().splitlines() if log.exists() else []
        fresh = lines[len(runs):]
        runs.extend(fresh)
        return sorted(line.split("--output-path ")[1].split()[0].rsplit("/", 1)[1] for line in fresh)
    return new_runs


def index(posts, site, cache_dir):
    indexer = search.Indexer(posts, site, cache_dir)
    indexer.start()
    files = indexer.files()
    assert indexer.error is None
    return {rel: path.read_bytes() for rel, path in files.items()}


def test_shards_stay_bounded_and_new_entries_of_the_newest_day_change_one_shard():
    rng = random.Random(5)
    start = date(2023, 11, 1)
    # Two years of a few entries a day, a quiet stretch, and one day of a bulk import.
    posts = [fake(n, start + timedelta(days=rng.randrange(500))) for n in range(3000)]
    posts += [fake(3000 + n, date(2024, 6, 3)) for n in range(700)]
    shards = search.shards(posts, 100)
    assert sorted(p.id for members in shards.values() for p in members) == sorted(p.id for p in posts)
    assert max(map(len, shards.values())) <= 100
    assert len(shards) < 2 * len(posts) / 100 + 10       # not a crowd of tiny shards either
    assert list(shards) == sorted(shards)                 # oldest first, by name
    bulk = [name for name in shards if name.startswith("20240603-")]
    assert len(bulk) in (8, 16) and all(name.endswith(f"of{len(bulk)}") for name in bulk)

    newest = max(p.day for p in posts)
    grown = search.shards(posts + [fake(9000 + n, newest) for n in range(10)], 100)
    changed = {name for name in set(shards) | set(grown) if [p.id for p in shards.get(name, [])]
               != [p.id for p in grown.get(name, [])]}
    assert len(changed) == 1 and changed == {list(grown)[-1]}
    # A day of bulk import that grows keeps its buckets until it doubles.
    more = search.shards(posts + [fake(9100 + n, date(2024, 6, 3)) for n in range(50)], 100)
    assert [name for name in more if name.startswith("20240603-")] == bulk
    # A shard that outgrows its size is cut in two on fixed days; the others stay as they were.
    quiet = [fake(n, date(2025, 3, 1) + timedelta(days=n % 20)) for n in range(100)]
    before, after = search.shards(quiet, 100), search.shards(quiet + [fake(500, date(2025, 3, 20))], 100)
    assert list(before) == ["2025"] and len(after) == 2 and sum(map(len, after.values())) == 101


def test_the_newest_week_is_cut_small_so_adding_reports_reindexes_a_day_or_two():
    # Forty a day for ten weeks: the shards of the usual size hold 1,000 to 2,000, but a report
    # added to the newest days must not re-index a shard of that size.
    start = date(2025, 5, 1)
    posts = [fake(n, start + timedelta(days=n // 40)) for n in range(40 * 70)]
    newest = max(p.day for p in posts)
    shards = search.shards(posts, 2000)
    assert sorted(p.id for m in shards.values() for p in m) == sorted(p.id for p in posts)
    recent = {name: m for name, m in shards.items()
              if max(p.day for p in m) > newest - timedelta(days=search.NEWEST_DAYS)}
    assert recent and all(len(m) <= search.NEWEST_ENTRIES or len({p.day for p in m}) == 1 for m in recent.values())
    assert len(shards) - len(recent) <= 3 and len(shards) <= 14       # the rest, in shards of the usual size
    added = posts + [fake(9000 + n, newest - timedelta(days=n % 2)) for n in range(10)]
    grown = search.shards(added, 2000)
    changed = [name for name in set(shards) | set(grown) if [p.id for p in shards.get(name, [])]
               != [p.id for p in grown.get(name, [])]]
    assert sum(len(grown[name]) for name in changed) <= 2 * search.NEWEST_ENTRIES      # not 1,000s
    # A week later the small shards it left join again into one of the usual size.
    later = search.shards(posts + [fake(9500 + n, newest + timedelta(days=7)) for n in range(40)], 2000)
    assert sum(1 for m in later.values() if max(p.day for p in m) <= newest - timedelta(days=1)) < len(shards) - 1


def test_an_edit_reindexes_its_shard_only_and_the_others_are_reused_byte_for_byte(tmp_path, monkeypatch):
    monkeypatch.setenv("DIGEST_SEARCH_SHARD", "3")
    runs = counting(tmp_path, monkeypatch)
    site = SimpleNamespace(language="en")
    posts = [fake(n, date(2025, 1 + n, 10)) for n in range(4)]                    # one a month, Jan-Apr
    posts += [fake(10 + n, date(2025, 7, 1 + n), "eventual") for n in range(4)]   # four in July
    cache = tmp_path / "cache"
    indexer = search.Indexer(posts, site, cache)
    shards = list(indexer.shards)
    assert len(shards) == 3 and max(map(len, indexer.shards.values())) <= 3
    first = index(posts, site, cache)
    assert len(runs()) == 3
    listing = json.loads(first["pagefind/shards.json"])["shards"]
    assert listing == shards
    # The search box at pagefind/; Pagefind's scripts in the first shard, which the others merge into.
    assert {"pagefind/pagefind-ui.js", "pagefind/pagefind-ui.css", f"pagefind/{shards[0]}/pagefind.js",
            f"pagefind/{shards[0]}/pagefind-worker.js", f"pagefind/{shards[0]}/wasm.en.pagefind"} <= set(first)
    assert not any(rel.endswith(".js") for rel in first if rel.startswith(f"pagefind/{shards[1]}/"))
    counts = [json.loads(first[f"pagefind/{s}/pagefind-entry.json"])["languages"]["en"]["page_count"] for s in shards]
    assert sum(counts) == len(posts)

    assert index(posts, site, cache) == first and runs() == []         # nothing changed: no run

    posts[4].html = "<p>An editor rewrote this one.</p>"               # July the 1st's entry
    edited = index(posts, site, cache)
    (ran,) = runs()
    owner = next(s for s in shards if posts[4].id in {p.id for p in indexer.shards[s]})
    assert ran.startswith(f".{owner}-")
    differ = {rel for rel in set(first) | set(edited) if first.get(rel) != edited.get(rel)}
    assert differ and all(rel.startswith(f"pagefind/{owner}/") for rel in differ)

    posts.append(fake(99, date(2025, 7, 4)))                           # a new report of the newest day
    added = index(posts, site, cache)
    assert len(runs()) == 1
    assert [rel for rel in set(added) | set(edited) if added.get(rel) != edited.get(rel)
            and not rel.startswith(f"pagefind/{shards[-1]}/")] == []
    # The cache holds the bundles of today's shards (and the listing), nothing of the runs before.
    assert len(list((cache / "search").iterdir())) == len(shards) + 1


def test_input_goes_to_the_ram_disk_or_to_the_cache_when_it_is_full_and_is_removed(posts_and_site, tmp_path,
                                                                                   monkeypatch):
    posts, site = posts_and_site
    ram = tmp_path / "ram"
    ram.mkdir()
    monkeypatch.setattr(search, "RAM_DISK", ram)
    places, leftovers = [], []
    write_pages = search._write_pages

    def watched(docs, place):
        places.append(place)
        leftovers.extend(scratch(ram) + scratch(tmp_path / "a"))       # nothing left from before
        return write_pages(docs, place)
    monkeypatch.setattr(search, "_write_pages", watched)
    in_ram = index(posts, site, tmp_path / "a")
    assert places == [ram] and leftovers == [] and scratch(ram) == [] and scratch(tmp_path / "a") == []

    def full(docs, place):
        places.append(place)
        if place == ram:
            raise OSError(errno.ENOSPC, "No space left on device")
        return write_pages(docs, place)
    monkeypatch.setattr(search, "_write_pages", full)
    on_disk = index(posts, site, tmp_path / "b")
    assert places[1:] == [ram, tmp_path / "b" / "search"]
    assert scratch(ram) == [] and scratch(tmp_path / "b") == []
    assert on_disk == in_ram and any(rel.startswith("pagefind/2025/fragment/") for rel in in_ram)


def test_a_run_given_up_leaves_no_input_and_no_half_made_bundle(posts_and_site, tmp_path, monkeypatch):
    posts, site = posts_and_site
    monkeypatch.setattr(search, "RAM_DISK", tmp_path / "ram")
    (tmp_path / "ram").mkdir()
    counting(tmp_path, monkeypatch, before="exec sleep 60\n")          # a Pagefind that never ends
    indexer = search.Indexer(posts, site, tmp_path / "cache")
    indexer.start()
    for _ in range(500):
        if indexer.ran:
            break
        indexer.threads[0].join(0.01)
    assert indexer.running() and scratch(tmp_path / "ram")
    indexer.stop()
    assert not indexer.running() and indexer.files() == {}
    assert scratch(tmp_path / "ram") == [] and list((tmp_path / "cache" / "search").iterdir()) == []


def test_the_index_of_a_shard_does_not_depend_on_the_order_of_its_entries(tmp_path, monkeypatch):
    """Pagefind's index depends on the order it reads its pages in; an entry moved within its day
    changes the entries' order, not the pages: the bundle must be the one a clean build makes."""
    site = SimpleNamespace(language="en")
    posts = [fake(n, date(2025, 7, 3), f"word{n}") for n in range(6)]
    forward = index(posts, site, tmp_path / "a")
    assert index(posts[::-1], site, tmp_path / "b") == forward
