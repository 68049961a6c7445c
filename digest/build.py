"""One build of a site: normalize the dumps (seeds/ → content/), then render the entries as they are
(content/ → output/), or nothing at all when nothing changed since the last build. The build's
modules are imported only when there is work, so an up-to-date check stays instant. Progress and
problems go to the "digest" logger; the CLI decides what is shown."""
import logging
import time
from pathlib import Path

from .files import os_error
from .uptodate import CACHE_DIR, BuildState, inputs, now_ns, quick_check, template_folders, where

# 0 all good; 1 some input had problems (each named; the rest was built); 2 bad usage or a bad
# site.yaml (nothing written); 3 another build held the site's lock too long (nothing written);
# 4 the site could not be rendered or written (a template error, a full disk, a read-only folder):
# output/ is the previous site.
EXIT_OK, EXIT_INPUT_ERRORS, EXIT_USAGE, EXIT_BUSY, EXIT_NOT_BUILT = 0, 1, 2, 3, 4

log = logging.getLogger("digest")


def build_site(site, config_path: Path) -> int:
    """Normalize, then render. One build of a site at a time: a second one waits for the first
    (see lock.py)."""
    from .lock import Busy, build_lock
    try:
        with build_lock(site):
            return _build_site(site, config_path)
    except Busy as err:
        log.error("error: %s", err)
        return EXIT_BUSY
    except OSError as err:      # the disk: full, read-only, a folder gone; one line, no traceback
        log.error("error: %s", os_error(err))
        return EXIT_NOT_BUILT


def up_to_date(last: dict, output_dir) -> int:
    """Say that nothing changed since the last build (with its warnings again); its exit code."""
    for warning in last["warnings"]:
        log.warning("warning: %s", warning)
    log.info("nothing changed since the last build: %s is up to date", output_dir)
    return last["exit"]


def still_up_to_date(config_path: Path) -> int | None:
    """When nothing changed since the last build (site.yaml included), say so and give its exit
    code, before the settings are even read (see uptodate.quick_check); else None."""
    last = quick_check(config_path)
    return None if last is None else up_to_date(last, last["where"]["output"])


def _build_site(site, config_path: Path) -> int:
    record = BuildState(site.root / CACHE_DIR)
    last = record.fresh(inputs(site, config_path, template_folders(site)), site.output_dir)
    if last is not None:
        return up_to_date(last, site.output_dir)
    started_ns = now_ns()
    wrote: dict[str, str] = {}
    warnings = config_warnings(site) + normalize_site(site, wrote)
    rendered = render_site(site)
    if rendered is None:
        record.forget()
        return EXIT_NOT_BUILT
    warnings += rendered.warnings
    code = EXIT_INPUT_ERRORS if warnings else EXIT_OK
    record.save(started_ns, inputs(site, config_path, template_folders(site)), site.output_dir, rendered.files,
                warnings, code, wrote | rendered.wrote, where(site, config_path, template_folders(site)))
    return code


def config_warnings(site) -> list[str]:
    """site.yaml's own warnings (unknown keys): told first, and counted like any input's. An
    up-to-date build repeats them from its record, which holds them."""
    for warning in site.warnings:
        log.warning("warning: %s", warning)
    return list(site.warnings)


def normalize_site(site, wrote: dict | None = None) -> list[str]:
    """seeds/ → content/, with its summary; the warnings. The files written into content/ (and the
    SHA-256 of their bytes) go into `wrote`."""
    from .ingest import dump_files, no_seeds_warning
    # No dumps: nothing to normalize, and no need to load the normalizer.
    if not site.seeds_dir.is_dir():
        warning = no_seeds_warning(site.seeds_dir)
        log.warning("warning: %s", warning)
        return [warning]
    links_out: list = []
    if not dump_files(site.seeds_dir, (site.root,), links_out) and not links_out:
        return []
    from .lock import Busy, build_lock
    from .pipeline import normalize
    started = time.perf_counter()
    try:
        with build_lock(site):      # already held in a plain build; --watch takes it here
            report = normalize(site)
    except Busy as err:
        log.error("error: %s", err)
        return [str(err)]
    if wrote is not None:
        wrote.update(report.wrote)
    for warning in report.warnings:
        log.warning("warning: %s", warning)
    sync = report.sync
    for kind, paths in (("new", sync.written), ("updated", sync.updated), ("kept (edited)", sync.kept),
                        ("not re-created (deleted by an editor)", sync.deleted)):
        for path in paths:
            log.debug("  %s: %s", kind, path)
    log.info("normalized %d dumps: %d articles → %d entries (%d new, %d updated, %d unchanged, "
             "%d kept because an editor changed them, %d deleted by an editor), %d warnings, in %.2f s",
             report.dumps, report.articles, report.entries, len(sync.written), len(sync.updated),
             len(sync.unchanged), len(sync.kept), len(sync.deleted), len(report.warnings),
             time.perf_counter() - started)
    if sync.kept:
        log.info("kept as edited: %s", ", ".join(sync.kept))
    return list(report.warnings)


def render_site(site):
    """content/ → output/, once, by the build engine; its Report, or None when the site could not
    be rendered or written (the error is named)."""
    from .render.engine import BuildError, Engine
    started = time.perf_counter()
    engine = Engine(site, log)
    try:
        report = engine.build()
    except BuildError as err:
        log.error("error: %s\nThe site was not rendered; %s was left as it was.", err, site.output_dir)
        return None
    finally:
        engine.close()
    for warning in report.warnings:
        log.warning("warning: %s", warning)
    log.info("rendered %d entries into %d pages: %d files written, %d unchanged, %d removed, in %.2f s",
             report.entries, report.pages, report.written, report.unchanged, report.removed,
             time.perf_counter() - started)
    return report
