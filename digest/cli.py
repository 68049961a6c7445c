"""python build.py: arguments, logging, the summary, exit codes."""
import argparse
import logging
import sys
import time
from pathlib import Path

from . import __version__
from .config import ConfigError, load
from .uptodate import CACHE_DIR, BuildState, inputs, now_ns, template_folders

EXIT_OK, EXIT_INPUT_ERRORS, EXIT_USAGE, EXIT_BUSY = 0, 1, 2, 3

log = logging.getLogger("digest")


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="python build.py",
        description="Build the news digest: normalize the raw dumps in seeds/ into Markdown entries in content/, "
                    "then render the site from them into output/.",
        epilog="Exit codes: 0 all good; 1 some input had errors, such as a key site.yaml does not know (named above; "
               "the rest was built); 2 bad usage or a bad site.yaml (nothing written); "
               "3 another build of the site kept it locked too long (nothing written).")
    p.add_argument("--config", default="site.yaml", metavar="PATH", help="the site's settings (default: site.yaml)")
    p.add_argument("-q", "--quiet", action="store_true", help="print only warnings and errors")
    p.add_argument("-v", "--verbose", action="store_true", help="also list every entry written or kept")
    p.add_argument("--explain", metavar="PATH_OR_ID",
                   help="show how an entry's themes were decided (file path or id), then stop")
    p.add_argument("--watch", action="store_true",
                   help="build, serve the site for preview, and rebuild (and reload the browser) on every save")
    p.add_argument("--port", type=int, default=8000, help="the preview server's port with --watch (default: 8000)")
    p.add_argument("--bind", default="127.0.0.1", metavar="ADDRESS",
                   help="the preview server's address with --watch (default: 127.0.0.1, this machine only)")
    p.add_argument("--version", action="version", version=f"digest {__version__}")
    return p.parse_args(argv)


def main(argv=None) -> int:
    try:
        args = parse_args(sys.argv[1:] if argv is None else argv)
    except SystemExit as exit_:
        return EXIT_OK if exit_.code in (0, None) else EXIT_USAGE
    level = logging.WARNING if args.quiet else logging.DEBUG if args.verbose else logging.INFO
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    log.setLevel(level)         # our messages only: libraries keep their debug logs to themselves
    try:
        site = load(Path(args.config))
    except ConfigError as err:
        log.error("error: %s", err)
        return EXIT_USAGE
    if args.explain:
        config_warnings(site)
        return explain_entry(site, args.explain)
    if args.watch:
        from .watch.loop import watch
        config_warnings(site)
        return watch(site, Path(args.config), args.bind, args.port)
    return build_site(site, Path(args.config))


def build_site(site, config_path: Path) -> int:
    """Normalize, then render; or nothing at all when nothing changed since the last build.
    The build's modules are imported only when there is work: an up-to-date check stays instant.
    One build of a site at a time: a second one waits for the first (see lock.py)."""
    from .lock import Busy, build_lock
    try:
        with build_lock(site):
            return _build_site(site, config_path)
    except Busy as err:
        log.error("error: %s", err)
        return EXIT_BUSY


def _build_site(site, config_path: Path) -> int:
    record = BuildState(site.root / CACHE_DIR)
    last = record.fresh(inputs(site, config_path, template_folders(site)), site.output_dir)
    if last is not None:
        for warning in last["warnings"]:
            log.warning("warning: %s", warning)
        log.info("nothing changed since the last build: %s is up to date", site.output_dir)
        return last["exit"]
    started_ns = now_ns()
    warnings = config_warnings(site) + normalize_site(site)
    rendered = render_site(site)
    if rendered is None:
        record.forget()
        return EXIT_INPUT_ERRORS
    warnings += rendered.warnings
    code = EXIT_INPUT_ERRORS if warnings else EXIT_OK
    record.save(started_ns, inputs(site, config_path, template_folders(site)), site.output_dir, rendered.files,
                warnings, code)
    return code


def config_warnings(site) -> list[str]:
    """site.yaml's own warnings (unknown keys): printed first, and counted like any input's. An
    up-to-date build repeats them from its record, which holds them."""
    for warning in site.warnings:
        log.warning("warning: %s", warning)
    return list(site.warnings)


def normalize_site(site) -> list[str]:
    from .ingest import dump_files
    if site.seeds_dir.is_dir() and not dump_files(site.seeds_dir):
        return []       # no dumps: nothing to normalize, and no need to load the normalizer
    from .lock import Busy, build_lock
    from .pipeline import normalize
    started = time.perf_counter()
    try:
        with build_lock(site):      # already held in a plain build; --watch takes it here
            report = normalize(site)
    except Busy as err:
        log.error("error: %s", err)
        return [str(err)]
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
    """Render output/: its RenderReport, or None when the site could not be rendered (the error is
    named above)."""
    from .render.site import BuildError, build
    started = time.perf_counter()
    try:
        report = build(site)
    except BuildError as err:
        log.error("error: %s\nThe site was not rendered; %s was left as it was.", err, site.output_dir)
        return None
    for warning in report.warnings:
        log.warning("warning: %s", warning)
    log.info("rendered %d entries into %d pages: %d files written, %d unchanged, %d removed, in %.2f s",
             report.entries, report.pages, report.written, report.unchanged, report.removed,
             time.perf_counter() - started)
    return report


def explain_entry(site, wanted: str) -> int:
    """Print each theme's score and evidence for one entry of content/."""
    from .render.explain import NotFound, Unreadable, explain_entry as explanation
    try:
        text = explanation(site, wanted)
    except NotFound as err:
        log.error("error: %s", err)
        return EXIT_USAGE
    except Unreadable as err:
        log.error("error: %s", err)
        return EXIT_INPUT_ERRORS
    print(text)
    return EXIT_OK
