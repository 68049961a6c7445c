"""Is the last build still good? Like make: when no input file (dumps, entries, templates, site.yaml)
and no output file changed since the last build, and the build would run the same code, there is
nothing to do, and the build says so at once instead of redoing it. The last build's warnings are
kept and told again.

A file is known by its size and modification time. A file modified within a second of the build
that read it is never trusted ("racy", as git calls it): an edit in the same clock tick could keep
both, so such a build is always redone.

The code is known by its fingerprint (code_version): the bytes of every file of this package (its
source and the line-role model), the Python version and the versions of the libraries that shape
what a build writes. The record of the last build and every cache kept in .digest-cache/ are keyed
by it, so a changed helper, a changed renderer setting or an upgraded library makes the next build
do the work.
"""
import hashlib
import json
import os
import re
import sys
import time
from functools import cache
from pathlib import Path

from .files import write_atomic

CACHE_DIR = ".digest-cache"     # beside site.yaml: what builds keep for later builds (never in output/)
STATE = "build-state.json"
PACKAGE = Path(__file__).resolve().parent
SHIPPED_TEMPLATES = PACKAGE.parent / "templates"
RACY_NS = 1_000_000_000
# The libraries whose versions shape what a build writes: entries (dates, the line-role model's
# scikit-learn, numpy and scipy, slugs), themes and stories, pages (Jinja2, Markdown, sanitizer),
# feeds (feedgen and lxml's serializer), front matter (PyYAML), the search index (Pagefind), and the
# readers of saved HTML pages (trafilatura and its helpers) and feeds (feedparser).
SHAPING = ("jinja2", "markupsafe", "cmarkgfm", "nh3", "feedgen", "lxml", "pyyaml", "python-dateutil",
           "python-slugify", "text-unidecode", "scikit-learn", "numpy", "scipy", "snowballstemmer",
           "pystemmer", "pyahocorasick", "pagefind", "pagefind-bin",
           # saved pages and feeds read as input
           "trafilatura", "htmldate", "justext", "courlan", "lxml-html-clean", "charset-normalizer",
           "dateparser", "feedparser")


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def dependency_versions() -> dict[str, str]:
    """The installed version of each library in SHAPING ("-" when it is not installed). Read from
    the names of the .dist-info folders on sys.path, in import order (a millisecond; importing and
    asking importlib.metadata takes a tenth of a second, which the up-to-date check cannot afford),
    and from importlib.metadata only for a library installed some other way."""
    found: dict[str, str] = {}
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info"):
                dist, _, version = name[: -len(".dist-info")].partition("-")
                found.setdefault(_canonical(dist), version)
    out = {}
    for dist in SHAPING:
        version = found.get(_canonical(dist))
        if version is None:
            from importlib.metadata import PackageNotFoundError, version as installed
            try:
                version = installed(dist)
            except PackageNotFoundError:
                version = "-"
        out[dist] = version
    return out


def code_fingerprint(package: Path, versions: dict[str, str]) -> str:
    """A hash of every file of the package (not compiled files, not editors' hidden or backup
    files), of the Python version and of the libraries' versions."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{sys.implementation.name} {sys.version_info[:3]}\0".encode())
    for dist, version in sorted(versions.items()):
        h.update(f"{dist}=={version}\0".encode())
    for dirpath, dirnames, filenames in os.walk(package):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__" and not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith((".", "#")) or name.endswith((".pyc", "~")):
                continue
            path = os.path.join(dirpath, name)
            try:
                with open(path, "rb") as f:
                    data = f.read()
            except OSError:
                continue
            h.update(f"{os.path.relpath(path, package)}\0{len(data)}\0".encode())
            h.update(data)
    return h.hexdigest()


@cache
def code_version() -> str:
    """The fingerprint of the code this process runs: computed once per process (2 MB read, a few
    milliseconds), before workers are forked, which inherit it."""
    return code_fingerprint(PACKAGE, dependency_versions())


def _files(folder: Path, into: dict):
    if folder.is_dir():
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames.sort()
            for name in sorted(filenames):
                path = os.path.join(dirpath, name)
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                into[path] = (st.st_size, st.st_mtime_ns)


def template_folders(site) -> list[Path]:
    """Where templates are read from: the site's own, then the shipped ones."""
    own = site.templates_dir
    return [own] if own.resolve() == SHIPPED_TEMPLATES else [own, SHIPPED_TEMPLATES]


def inputs(site, config_path: Path, template_dirs) -> dict:
    found: dict = {}
    for folder in (site.seeds_dir, site.content_dir, *template_dirs):
        _files(folder, found)
    st = os.stat(config_path)
    found[str(config_path.resolve())] = (st.st_size, st.st_mtime_ns)
    return found


def where(site, config_path: Path, template_dirs) -> dict:
    """What the up-to-date check needs of the settings: site.yaml itself, the folders it reads and
    output/ (kept in the record, for quick_check)."""
    return {"config": str(config_path.resolve()), "output": str(site.output_dir),
            "folders": [str(f) for f in (site.seeds_dir, site.content_dir, *template_dirs)]}


def quick_check(config_path: Path) -> dict | None:
    """The last build's record when nothing changed since it, found from site.yaml's path alone:
    while site.yaml is as it was, so are the folders it names, which the record holds, and the
    check needs neither PyYAML nor the settings' checks (a fifth of an up-to-date build's time).
    None when anything changed or is not known: then the settings are read and a build looks again
    (under the site's lock) as always. A build under way meanwhile changes nothing this trusts:
    it writes the record last, and output/ only by exchanging whole folders."""
    record = BuildState(config_path.parent.resolve() / CACHE_DIR)
    state = record.load()
    where = state and state.get("where")
    if not isinstance(where, dict) or where.get("config") != str(config_path.resolve()):
        return None
    found: dict = {}
    for folder in where["folders"]:
        _files(Path(folder), found)
    try:
        st = os.stat(where["config"])
    except OSError:
        return None
    found[where["config"]] = (st.st_size, st.st_mtime_ns)
    return record.fresh(found, Path(where["output"]), state)


class BuildState:
    def __init__(self, cache_dir: Path):
        self.path = cache_dir / STATE

    def load(self) -> dict | None:
        try:
            state = json.loads(self.path.read_text(encoding="utf-8"))
            return state if state.get("code") == code_version() else None
        except (OSError, ValueError, AttributeError):
            return None

    def fresh(self, current_inputs: dict, output_dir: Path, state: dict | None = None) -> dict | None:
        """The last build's record when nothing changed since it, else None. `state`: the record,
        when it is read already."""
        state = state or self.load()
        if state is None or state.get("inputs") != {k: list(v) for k, v in current_inputs.items()}:
            return None
        # A file changed within a second of the build's start may have changed again in the same
        # clock tick, size and time alike: it is trusted only where the build wrote it itself and
        # it still holds those very bytes.
        wrote = state.get("wrote") or {}
        for path, (_, mtime) in current_inputs.items():
            if mtime >= state["started_ns"] - RACY_NS and (path not in wrote or wrote[path] != _sha(path)):
                return None
        for rel, (size, mtime) in state["outputs"].items():
            try:
                st = os.stat(os.path.join(output_dir, rel))
            except OSError:
                return None
            if st.st_size != size or st.st_mtime_ns != mtime:
                return None
        return state

    def save(self, started_ns: int, current_inputs: dict, output_dir: Path, outputs, warnings, code: int,
             wrote: dict[str, str] | None = None, where: dict | None = None):
        """The build's record. `wrote`: the input files the build wrote itself (content/'s entries and
        records) with the SHA-256 of the bytes it wrote: these may be trusted though they changed
        during the build."""
        recorded = {}
        for rel in outputs:
            try:
                st = os.stat(os.path.join(output_dir, rel))
            except OSError:
                return      # output/ changed under the build: do not vouch for it
            recorded[rel] = [st.st_size, st.st_mtime_ns]
        racy = {path: sha for path, sha in (wrote or {}).items()
                if path in current_inputs and current_inputs[path][1] >= started_ns - RACY_NS}
        state = {"code": code_version(), "started_ns": started_ns, "wrote": racy, "where": where,
                 "inputs": {k: list(v) for k, v in current_inputs.items()},
                 "outputs": recorded, "warnings": list(warnings), "exit": code}
        write_atomic(self.path, json.dumps(state).encode("utf-8"))

    def forget(self):
        self.path.unlink(missing_ok=True)


def _sha(path: str) -> str | None:
    try:
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    except OSError:
        return None


def now_ns() -> int:
    return time.time_ns()
