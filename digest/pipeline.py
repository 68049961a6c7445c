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
from .ingest.dump import DumpResult, ingest_many
from .ingest import boilerplate, dump_files, no_seeds_warning, roles
from .ingest.read import MAX_DUMP_BYTES, too_big
from .merge import group

log = logging.getLogger("digest")

# Below this many dumps, starting worker processes costs more than it saves.
PARALLEL_FROM = 64
# Dumps normalized together: enough for the line-role model's calls to cost little per saved page.
BATCH = 32


@dataclass
class NormalizeReport:
    dumps: int = 0
    articles: int = 0
    entries: int = 0
    sync: SyncReport = field(default_factory=SyncReport)
    warnings: list[str] = field(default_factory=list)   # "file: message"
    wrote: dict[str, str] = field(default_factory=dict)  # file of content/ → SHA-256 of the bytes written


_worker_setup: dict = {}


def _init_worker(lines, patterns, zone):
    _worker_setup["furniture"] = boilerplate.build(lines, patterns)
    _worker_setup["tz"] = ZoneInfo(zone)


def _ingest_files(paths: list[Path]) -> list[tuple[DumpResult, datetime | None, str | None]]:
    """(what each dump holds, its file time, a hash of its bytes). Some dumps read and normalized
    together (their saved pages go through the line-role model at once); a dump that cannot be read
    is reported alone, and a bug costs one dump, never the build."""
    out: list = [None] * len(paths)
    todo = []
    for n, path in enumerate(paths):
        try:
            st = path.stat()
            if st.st_size > MAX_DUMP_BYTES:     # never read: a huge file would only stall the build
                out[n] = DumpResult(path.name, warnings=[too_big(st.st_size)]), None, None
                continue
            data = path.read_bytes()
            mtime = datetime.fromtimestamp(st.st_mtime, timezone.utc)
        except FileNotFoundError:
            out[n] = DumpResult(path.name, warnings=["the file vanished while the build was reading it; skipped"]), None, None
            continue
        except OSError as err:
            out[n] = DumpResult(path.name, warnings=[f"cannot read the file ({err.strerror}); skipped"]), None, None
            continue
        todo.append((n, path.name, data, mtime))
    setup = _worker_setup["furniture"], _worker_setup["tz"]
    try:
        results = ingest_many([(name, data) for _, name, data, _ in todo], *setup)
    except Exception:       # some dump here trips a bug: each alone, to tell which
        results = [_ingest_one(name, data, setup) for _, name, data, _ in todo]
    for (n, _, data, mtime), result in zip(todo, results):
        out[n] = result, mtime, hashlib.sha256(data).hexdigest()
    return out


def _ingest_one(name: str, data: bytes, setup) -> DumpResult:
    try:
        return ingest_many([(name, data)], *setup)[0]
    except Exception as err:
        log.debug("ingest of %s failed", name, exc_info=True)
        return DumpResult(name, warnings=[f"could not be normalized ({type(err).__name__}: {err}); "
                                          "please report this with the file"])


def read_dumps(site: Site, files: list[Path]) -> list[tuple[DumpResult, datetime | None, str | None]]:
    setup = (site.furniture_lines, site.furniture_patterns, site.default_timezone)
    batches = [files[n:n + BATCH] for n in range(0, len(files), BATCH)]
    if len(files) < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
        _init_worker(*setup)
        return [result for batch in batches for result in _ingest_files(batch)]
    workers = min(os.cpu_count() or 2, 8)
    # Loaded before the workers fork, so they share it instead of each importing scikit-learn (about
    # a second of CPU; this process imports it anyway, for the stories).
    roles.load_model()
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=setup) as pool:
        return [result for part in pool.map(_ingest_files, batches) for result in part]


def normalize(site: Site) -> NormalizeReport:
    report = NormalizeReport()
    links_out: list[Path] = []
    files = dump_files(site.seeds_dir, (site.root,), links_out)
    report.warnings += [f"{_rel(link, site.root)}: a link to {os.path.realpath(link)}, outside the project; not "
                        "read. Copy the file into seeds/ instead." for link in links_out]
    if not site.seeds_dir.is_dir():
        report.warnings.append(no_seeds_warning(site.seeds_dir))
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

    store = Store(site.content_dir, (site.root,))
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
    # The articles (their 5-grams above all) are done with: freed before the store's workers fork.
    del results, dumps, articles, groups, caps

    store.resolve_ids(entries)
    report.sync = store.sync(entries)
    report.wrote = store.wrote
    report.warnings.extend(report.sync.warnings)
    return report


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
