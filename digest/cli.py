"""python build.py: the arguments, what is shown of the build's messages, the exit code. The work
itself is digest/build.py's (a plain build), digest/watch/'s (--watch) and render/explain.py's."""
import argparse
import logging
import sys
from pathlib import Path

from . import __version__
from .build import (EXIT_BUSY, EXIT_INPUT_ERRORS, EXIT_NOT_BUILT, EXIT_OK, EXIT_USAGE, build_site, config_warnings,
                    still_up_to_date)

__all__ = ["main", "EXIT_OK", "EXIT_INPUT_ERRORS", "EXIT_USAGE", "EXIT_BUSY", "EXIT_NOT_BUILT"]

log = logging.getLogger("digest")


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="python build.py",
        description="Build the news digest: normalize the raw dumps in seeds/ into Markdown entries in content/, "
                    "then render the site from them into output/.",
        epilog="Exit codes: 0 all good; 1 some input had errors, such as a key site.yaml does not know (named above; "
               "the rest was built); 2 bad usage or a bad site.yaml (nothing written); "
               "3 another build of the site kept it locked too long (nothing written); 4 the site could not be "
               "rendered or written, e.g. a template error or a full disk (output/ is the previous site).")
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
    if not (args.watch or args.explain):
        code = still_up_to_date(Path(args.config))
        if code is not None:
            return code
    from .config import ConfigError, load     # here: an up-to-date site needs none of it
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
