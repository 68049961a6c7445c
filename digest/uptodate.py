"""Is the last build still good? Like make: when no input file (dumps, entries, templates, site.yaml)
and no output file changed since the last build, there is nothing to do, and the build says so at
once instead of redoing it. The last build's warnings are kept and told again.

A file is known by its size and modification time. A file modified within a second of the build
that read it is never trusted ("racy", as git calls it): an edit in the same clock tick could keep
both, so such a build is always redone.
"""
import json
import os
import time
from pathlib import Path

from . import __version__
from .files import write_atomic

CACHE_DIR = ".digest-cache"     # beside site.yaml: what builds keep for later builds (never in output/)
STATE = "build-state.json"
SHIPPED_TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
RACY_NS = 1_000_000_000


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


class BuildState:
    def __init__(self, cache_dir: Path):
        self.path = cache_dir / STATE

    def load(self) -> dict | None:
        try:
            state = json.loads(self.path.read_text(encoding="utf-8"))
            return state if state.get("version") == __version__ else None
        except (OSError, ValueError, AttributeError):
            return None

    def fresh(self, current_inputs: dict, output_dir: Path) -> dict | None:
        """The last build's record when nothing changed since it, else None."""
        state = self.load()
        if state is None or state.get("inputs") != {k: list(v) for k, v in current_inputs.items()}:
            return None
        if any(mtime >= state["started_ns"] - RACY_NS for _, mtime in current_inputs.values()):
            return None
        for rel, (size, mtime) in state["outputs"].items():
            try:
                st = os.stat(output_dir / rel)
            except OSError:
                return None
            if st.st_size != size or st.st_mtime_ns != mtime:
                return None
        return state

    def save(self, started_ns: int, current_inputs: dict, output_dir: Path, outputs, warnings, code: int):
        recorded = {}
        for rel in outputs:
            try:
                st = os.stat(output_dir / rel)
            except OSError:
                return      # output/ changed under the build: do not vouch for it
            recorded[rel] = [st.st_size, st.st_mtime_ns]
        state = {"version": __version__, "started_ns": started_ns,
                 "inputs": {k: list(v) for k, v in current_inputs.items()},
                 "outputs": recorded, "warnings": list(warnings), "exit": code}
        write_atomic(self.path, json.dumps(state).encode("utf-8"))

    def forget(self):
        self.path.unlink(missing_ok=True)


def now_ns() -> int:
    return time.time_ns()
