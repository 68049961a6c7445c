"""The package's layers import downward only (docs/DESIGN.md, "Layers"): every import of a module of
digest/, at the top of a file or inside a function, names a module of its own layer or one below."""
import ast
from pathlib import Path

from conftest import ROOT

# Lowest first. A module may import its own layer and those before it, never one after it.
LAYERS = [
    {"text", "files", "groups", "parallel"},
    {"model", "uptodate"},
    {"lock", "config", "ingest"},
    {"merge", "capture", "entries", "content"},
    {"pipeline", "group"},
    {"render"},
    {"build"},
    {"watch"},
    {"cli"},
]
LAYER = {name: n for n, names in enumerate(LAYERS) for name in names}
PACKAGE = ROOT / "digest"


def component(module: str) -> str:
    """digest.render.posts → render: the part of the package a module belongs to."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every import of a digest module in the file."""
    here = ("digest." + path.relative_to(PACKAGE).with_suffix("").as_posix().replace("/", ".")).removesuffix(
        ".__init__")
    package = here if path.name == "__init__.py" else here.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
                names = [target] if node.module else [f"{base}.{alias.name}" for alias in node.names]
            else:
                names = [node.module or ""]
            found += [(node.lineno, _module(name)) for name in names if name.startswith("digest.")]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name.startswith("digest.")]
    return found


def _module(name: str) -> str:
    """The module a name imported with `from x import name` lives in: itself, or (a function, a
    constant) the module x."""
    path = PACKAGE.joinpath(*name.split(".")[1:])
    return name if path.with_suffix(".py").is_file() or path.is_dir() else name.rsplit(".", 1)[0]


def test_every_module_has_a_layer():
    parts = {component("digest." + p.relative_to(PACKAGE).with_suffix("").as_posix().replace("/", "."))
             for p in PACKAGE.rglob("*.py")} - {"__init__"}
    assert parts <= set(LAYER), parts - set(LAYER)


def test_layers_import_downward_only():
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "__init__.py" and path.parent == PACKAGE:
            continue
        mine = component("digest." + path.relative_to(PACKAGE).as_posix().split("/")[0].removesuffix(".py"))
        for line, module in imports(path):
            theirs = component(module)
            if theirs and LAYER[theirs] > LAYER[mine]:
                upward.append(f"{path.relative_to(ROOT)}:{line}: {mine} imports {module}")
    assert upward == []


def test_the_cli_only_parses_and_shows():
    """cli.py hands the work to build, watch and explain; it opens no file and writes nothing."""
    tree = ast.parse((PACKAGE / "cli.py").read_text(encoding="utf-8"))
    used = {component(m) for _, m in imports(PACKAGE / "cli.py")}
    assert used <= {"", "build", "watch", "config", "render"}, used     # "": the package (its version)
    calls = {n.func.attr if isinstance(n.func, ast.Attribute) else getattr(n.func, "id", "")
             for n in ast.walk(tree) if isinstance(n, ast.Call)}
    assert not calls & {"open", "write_text", "write_bytes", "write_atomic", "normalize", "mkdir", "unlink"}
