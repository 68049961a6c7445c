"""Normalize: seeds/ → content/. Dumps are read in parallel; everything after is one pass."""
import hashlib
import logging
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from .capture import captures, sighting
from .config import Site
from .content import Store, SyncReport
from .entries import build_entry, stand_in_title, unique_ids
from .ingest.dump import DumpResult, ingest
from .ingest import boilerplate, dump_files
from .merge import group
from .themes import classify_all

log = logging.getLogger("digest")

# Below this many dumps, starting worker processes costs more than it saves.
PARALLEL_FROM = 64


@dataclass
class NormalizeReport:
    dumps: int = 0
    articles: int = 0
    entries: int = 0
    sync: SyncReport = field(default_factory=SyncReport)
    warnings: list[str] = field(default_factory=list)   # "file: message"


_worker_setup: dict = {}


def _init_worker(lines, patterns, zone):
    _worker_setup["furniture"] = boilerplate.build(lines, patterns)
    _worker_setup["tz"] = ZoneInfo(zone)


def _ingest_file(path: Path) -> tuple[DumpResult, datetime | None, str | None]:
    """(what the dump holds, its file time, a hash of its bytes)."""
    name = path.name
    try:
        data = path.read_bytes()
        mtime = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
    except FileNotFoundError:
        return DumpResult(name, warnings=["the file vanished while the build was reading it; skipped"]), None, None
    except OSError as err:
        return DumpResult(name, warnings=[f"cannot read the file ({err.strerror}); skipped"]), None, None
    digest = hashlib.sha256(data).hexdigest()
    try:
        return ingest(name, data, _worker_setup["furniture"], _worker_setup["tz"]), mtime, digest
    except Exception as err:    # a bug must cost one dump, never the build
        log.debug("ingest of %s failed", name, exc_info=True)
        return DumpResult(name, warnings=[f"could not be normalized ({type(err).__name__}: {err}); "
                                          "please report this with the file"]), mtime, digest


def read_dumps(site: Site, files: list[Path]) -> list[tuple[DumpResult, datetime | None, str | None]]:
    setup = (site.furniture_lines, site.furniture_patterns, site.default_timezone)
    if len(files) < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
        _init_worker(*setup)
        return [_ingest_file(p) for p in files]
    workers = min(os.cpu_count() or 2, 8)
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=setup) as pool:
        return list(pool.map(_ingest_file, files, chunksize=max(1, len(files) // (workers * 8))))


def normalize(site: Site) -> NormalizeReport:
    report = NormalizeReport()
    files = dump_files(site.seeds_dir)
    if not site.seeds_dir.is_dir():
        report.warnings.append(f"{site.seeds_dir}: no such folder; nothing to normalize. Put the raw dumps "
                               "(.txt) there, or set normalize.seeds in site.yaml.")
    results = read_dumps(site, files)
    report.dumps = len(results)
    dumps, mtimes, digests, articles = {}, {}, {}, []
    seen_names: dict[str, Path] = {}
    for path, (result, mtime, digest) in zip(files, results):
        rel = _rel(path, site.root)
        report.warnings.extend(f"{rel}: {w}" for w in result.warnings)
        if result.name in seen_names:
            report.warnings.append(f"{rel}: another dump has the same file name "
                                   f"({_rel(seen_names[result.name], site.root)}); seen_in cannot tell them apart. "
                                   "Rename one of them.")
        seen_names[result.name] = path
        dumps[result.name] = result.articles
        mtimes[result.name] = mtime
        digests[result.name] = digest
        articles.extend(result.articles)
    report.articles = len(articles)
    if not files:
        return report           # no dumps: nothing to write into content/ (the site still renders it)

    store = Store(site.content_dir)
    # A file time that made a capture time is remembered by the dump's bytes: a checkout, a copy or
    # a touch gives the file a new one, and must change no entry.
    mtimes = store.file_times(mtimes, digests)
    groups = group(articles)
    caps = captures(dumps, mtimes, site.captured, groups)
    store.remember({name: mtimes[name] for name, cap in caps.items()
                    if cap and cap.basis == "file-time" and dumps.get(name)}, digests)
    entries = []
    for members in groups:
        sightings = [s for s in (sighting(a, caps.get(a.dump)) for a in members) if s]
        if not sightings:
            first = members[0]
            report.warnings.append(f"{_rel(seen_names.get(first.dump, Path(first.dump)), site.root)}: line "
                                   f"{first.line}: no time could be estimated for "
                                   f"'{first.title or stand_in_title(first.body, first.dump)}'; the article is "
                                   "skipped. Pin the dump's capture time in site.yaml (normalize.captured).")
            continue
        entries.append(build_entry(members, sightings))
    unique_ids(entries)
    report.entries = len(entries)

    store.resolve_ids(entries)
    group_entries(site, entries, {e.id: store.meta[e.id].get("story") for e in entries
                                  if e.id in store.meta and not store.hand_set(e.id, "story")})
    report.sync = store.sync(entries)
    report.warnings.extend(report.sync.warnings)
    return report


def group_entries(site: Site, entries: list, existing_stories: dict[str, str]):
    """Set every entry's themes and story. The themes are found in worker processes while this
    process clusters the stories: the two do not depend on each other."""
    if not entries:
        return
    from . import stories       # scikit-learn takes a second to import: only when there is work
    themes = classify_all([t.rules for t in site.themes if t.rules], [(e.title, e.body) for e in entries],
                          while_waiting=lambda: stories.assign(entries, existing_stories))
    for entry, found in zip(entries, themes):
        entry.themes = found


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
