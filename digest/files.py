"""Writing files safely; a module of its own so the up-to-date check can use it without the rest."""
import errno
import os
from pathlib import Path

_ADVICE = {errno.ENOSPC: "free some space", errno.EDQUOT: "free some space (the disk quota is full)",
           errno.EROFS: "make it writable", errno.EACCES: "make it writable (check its permissions)",
           errno.EPERM: "check its permissions", errno.ENOENT: "check that it exists"}


def os_error(err: OSError) -> str:
    """An OSError as one line for people: the path, what went wrong, what to do."""
    where = f"{err.filename}: " if err.filename else ""
    return f"{where}{err.strerror or err}; {_ADVICE.get(err.errno, 'check the folder')}, then build again"


def write_atomic(path: Path, data: bytes, make_parent: bool = True):
    """Write via a temporary file and rename, so a crash never leaves half a file and a reader sees
    the old file or the new one. (open() gives the usual mode for the user's umask.)"""
    if make_parent:
        path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{os.getpid()}.tmp"
    try:
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def leads_out(path: str | Path, inside: tuple[Path, ...]) -> bool:
    """Is this a link (or in a linked folder) that leads outside every one of these folders
    (resolved)? Input folders never lead a build out of the project through a link."""
    real = Path(os.path.realpath(path))
    return not any(real.is_relative_to(folder) for folder in inside)

