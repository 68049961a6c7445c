"""Writing output/: a whole site at a time, never half of one.

Beside output/ lies its twin, `.output.spare/` (hidden, on the same disk), which holds the site of
the build before. A build writes its files into the twin, never into output/, and then exchanges
the two folders in one step (Linux's renameat2 with RENAME_EXCHANGE): a reader, a web server or a
kill sees the previous site or the new one, never a mix, and a build that fails (a template error,
a full disk, a read-only folder, a kill) leaves output/ exactly as it was.

The twin is brought up to date cheaply: the hash of every file of both folders is known (kept in
.digest-cache/ between builds), so only files whose bytes differ from what the twin holds are
written, and a file the new site shares with output/ is hard-linked across rather than copied.
Files are replaced whole (written under a temporary name in the twin, then renamed), because a
twin's file may be the same file as one of output/'s. A twin whose contents are not known for
sure (a build stopped while writing it) is emptied and written afresh. A first build (no output/
yet) has no twin to exchange with: once its site is in place, a forked process links it into a new
twin while the build finishes (saving its state), so that the next build, too, writes only what
changed.

What the user put in output/ themselves at its top level (a `.git` folder, a `CNAME` file) moves
across with every exchange. Where output/ cannot be exchanged (a mount point), files are replaced
one by one in place, with a warning.
"""
import ctypes
import errno
import hashlib
import json
import marshal
import multiprocessing
import os
import shutil
from pathlib import Path

from ..files import write_atomic

# In the cache folder: the files (and hashes) of output/ and its twin. Written three times a build
# (tens of thousands of names): marshal does it some ten times faster than json.
STATE = "output-trees.marshal"
OLD_MANIFEST = "output-manifest.json"  # what builds before the twin kept (the file names of output/)


class Missing(Exception):
    """Files the build meant to keep from output/ are not there: they must be made again."""

    def __init__(self, rels: list[str]):
        super().__init__(f"{len(rels)} files of the last build are missing from output/, e.g. {rels[0]}")
        self.rels = rels


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class Output:
    def __init__(self, root: Path, cache_dir: Path, persist: bool = True):
        """`persist`: keep what is known of the folders in the cache after every build (a plain
        build); --watch keeps it in memory and writes it when it stops (save())."""
        root = Path(root)
        self.root = root.resolve() if root.is_symlink() else root     # a link to the web root: its target
        self.spare = self.root.parent / f".{self.root.name}.spare"
        self.state_path = Path(cache_dir) / STATE
        self.old_manifest = Path(cache_dir) / OLD_MANIFEST
        self.persist = persist
        self.sources: dict[str, tuple] = {}         # a cache file linked in → (inode, size, time, hash)
        self.seen_sources: dict[str, tuple] = {}    # those of this build's
        self.trees = self._load()           # folder's inode → {file: hash}
        self.state_seen = None              # the state file as this process last left it (--watch)
        if not persist:                     # known only in memory from now on (save() at the end)
            self._disown()
        self.in_place = False
        self.have: dict[str, str] | None = {}   # what the folder being written holds (None: unknown)
        self.base: dict[str, str] = {}          # what output/ holds, where known
        self.new: dict[str, str] = {}           # what it holds after this build's writes
        self.target = self.spare
        self.warnings: list[str] = []
        self.twin_maker = None              # the process making the first build's twin, while it runs
        self.twin_files: dict[str, str] = {}
        self.have_from: dict | None = None      # the known tree `have` was copied from
        # (output/'s tree, the new one, the files that differ) as the last build left them.
        self.changes: tuple | None = None
        self._tops_of: tuple[dict, set] | None = None     # a tree and its top-level names

    # -- what is known --------------------------------------------------------------------------

    def _load(self) -> dict[str, dict[str, str]]:
        try:
            state = marshal.loads(self.state_path.read_bytes())
            self.sources = {str(k): tuple(v) for k, v in (state.get("sources") or {}).items()}
            return {str(k): dict(v) for k, v in state["trees"].items()}
        except (OSError, ValueError, EOFError, KeyError, TypeError, AttributeError):
            return {}       # unknown: the twin is made afresh

    def save(self):
        if not self.persist and _stamp(self.state_path) != self.state_seen:
            return          # another build wrote output/ since this one's last: its state is the true one
        known = {key: files for key, files in self.trees.items() if key in (_inode(self.root), _inode(self.spare))}
        write_atomic(self.state_path, marshal.dumps({"trees": known, "sources": self.sources}))
        self.state_seen = _stamp(self.state_path)
        self.state_path.with_name("output-trees.json").unlink(missing_ok=True)     # earlier versions' file

    def _disown(self):
        """What is known of the folders is kept in memory: the file says nothing is known (a plain
        build run meanwhile trusts nothing of it), and its stamp tells when another build wrote it."""
        write_atomic(self.state_path, marshal.dumps({"trees": {}}))
        self.state_seen = _stamp(self.state_path)

    def taken_over(self) -> bool:
        """--watch: True when another build (a plain one beside it) wrote output/ since this one's
        last: what this one knew of output/ and its twin is stale, and what that build kept of them
        is taken up instead. Asked under the build lock, before a build."""
        if self.persist or _stamp(self.state_path) == self.state_seen:
            return False
        self.trees = self._load()
        self._disown()
        return True

    def live(self) -> dict[str, str] | None:
        """output/'s files and their hashes, None when they are not known."""
        return self.trees.get(_inode(self.root))

    # -- a build --------------------------------------------------------------------------------

    def begin(self):
        """Make the twin ready to take the next site, before anything is written into it. Takes up
        what a build stopped half-way left behind."""
        self.finish()
        self.new, self.warnings, self.seen_sources = {}, [], {}
        self._recover()
        self.in_place = self.root.exists() and os.path.ismount(self.root)
        if self.in_place:
            self.target, self.have = self.root, self.live()
            self.have_from = self.have
            self.warnings.append(f"{self.root} is a mount point: it is updated file by file, not all at once "
                                 "(a build stopped half-way leaves a mix until the next one). Mount the folder "
                                 "above it instead, or build elsewhere and copy.")
            return
        self.target = self.spare
        have = self.have_from = self.trees.get(_inode(self.spare)) if self.spare.is_dir() else None
        if have is None:                    # unknown or half-written: afresh
            shutil.rmtree(self.spare, ignore_errors=True)
            self.spare.mkdir(parents=True)
            have = {}
        self.have = dict(have)
        self.base = self.live() or {}
        # Until this build is done, what the twin holds is not known for sure.
        self.trees.pop(_inode(self.spare), None)
        if self.persist:
            self.save()

    def put(self, rel: str, data: bytes) -> str:
        """Write a file of the new site (where the folder does not hold these bytes already); its
        hash. Safe in forked workers: they only read what is known."""
        h = digest(data)
        path = os.path.join(self.target, rel)
        if self.have is None:               # unknown (in place, first time): compare on disk
            try:
                with open(path, "rb") as f:
                    if f.read() == data:
                        return h
            except OSError:
                pass
        elif self.have.get(rel) == h:
            return h
        if not self.in_place and self.base.get(rel) == h:
            try:
                _link_or_copy(os.path.join(self.root, rel), path)    # output/ has these bytes: share its file
                return h
            except FileNotFoundError:
                pass        # gone from output/ after all (by hand): the bytes are at hand
        _replace(path, data)
        return h

    def took(self, rel: str, h: str):
        """A file put (by this process or a worker) is part of the new site."""
        self.new[rel] = h

    def link(self, rel: str, source: Path):
        """A finished file of the cache (the search index) goes in the new site as it is: linked
        where the disk allows."""
        h = self._hash_of(source)
        if self.have is None or self.have.get(rel) != h:
            same = not self.in_place and self.base.get(rel) == h
            _link_or_copy(self.root / rel if same else source, os.path.join(self.target, rel))
        self.new[rel] = h

    def _hash_of(self, source: Path) -> str:
        """A finished file's hash, known by its identity (inode, size, time: the cache's files are
        only ever replaced, never written in place) once it has been read: 50,000 files of the
        search index are not read again at every build."""
        st = os.stat(source)
        identity = [st.st_ino, st.st_size, st.st_mtime_ns]
        known = self.sources.get(str(source))
        if known is not None and list(known[:3]) == identity:
            self.seen_sources[str(source)] = known
            return known[3]
        with open(source, "rb") as f:
            h = digest(f.read())
        self.sources[str(source)] = self.seen_sources[str(source)] = (*identity, h)
        return h

    def commit(self, keep: set[str] | None = None) -> tuple[int, int, int]:
        """Put the new site in place: the files taken this build, and those of `keep` that this
        build did not write (unchanged since the last: output/ has them). (written, unchanged,
        removed), counted against the previous output/."""
        # Every --watch save comes here, with a few files changed among tens of thousands: what is
        # worked out over all of them is done by set operations on dict views (in C), the rest
        # over the files this build wrote and those the last build changed.
        live = self.live()
        base = live if live is not None else {}
        taken, keep = self.new, keep or set()
        missing = sorted(keep - base.keys() - taken.keys())
        tree = dict(base)
        for rel in base.keys() - keep - taken.keys():
            del tree[rel]
        tree.update(taken)
        stale = self._stale(tree, taken, live) if not missing else []
        for rel in stale:
            try:
                _link_or_copy(self.root / rel, os.path.join(self.target, rel))
            except FileNotFoundError:
                missing.append(rel)
        if missing:             # gone from output/ (by hand?): the caller must make them again
            raise Missing(missing)
        self.new = tree
        if self.have is None:               # in place, not known: what an earlier build listed
            gone = [rel for rel in self._previous_names() if rel not in tree]
        else:
            gone = list(self.have.keys() - tree.keys())
        _remove(Path(self.target), gone)
        before = live if live is not None else dict.fromkeys(self._previous_names(), "")
        changed = {rel for rel, h in taken.items() if base.get(rel) != h}
        lost = before.keys() - tree.keys()
        written, removed, total = len(changed), len(lost), len(tree)
        # What differs between output/ and the new site, which will be the twin and output/.
        self.changes = (live, tree, changed | lost) if live is not None else None
        # Ours at the top of output/: what the last site and this build's own files hold there.
        ours = (self._tops(live) if live is not None else set()) | _tops(taken)
        if self.seen_sources:
            self.sources = self.seen_sources        # what this build linked: the rest is gone from the cache
        if self.in_place:
            self.trees[_inode(self.root)] = self.new
        else:
            self.trees[_inode(self.spare)] = self.new
            if self.persist:
                self.save()             # before the exchange: whichever way a kill falls, it is true
            foreign = self._foreign(ours)
            if foreign:                 # noted first: a kill just after the exchange gives them back
                write_atomic(self._pending, json.dumps(foreign).encode("utf-8"))
            first = not self.root.exists()
            _exchange(self.spare, self.root)
            self._give_back_foreign()
            if first:
                self._start_twin()
        if self.persist:
            self.save()
        # The new site's top-level names, for the next build: the last site's but those whose
        # every file went (looked for only among the tops of files removed).
        gone_tops = _tops(lost) - _tops(taken)
        kept = ours - {top for top in gone_tops if not any(rel == top or rel.startswith(top + "/") for rel in tree)}
        self._tops_of = tree, kept
        self.have, self.new = None, {}
        return written, total - written, removed

    def _stale(self, tree: dict, taken: dict, live: dict | None):
        """The files of the new site, not written by this build, that the folder written into does
        not hold as they are: those the last build changed, when it made output/ from this twin."""
        have = self.have
        if have is None:
            return tree.keys() - taken.keys()
        if self.changes is not None and self.changes[0] is self.have_from and self.changes[1] is live:
            return [rel for rel in self.changes[2] if rel in tree and rel not in taken and have.get(rel) != tree[rel]]
        return [rel for rel, _ in tree.items() - have.items() if rel not in taken]

    def _tops(self, files: dict) -> set[str]:
        """The top-level names of a tree of files (known from the last commit for its tree)."""
        if self._tops_of is None or self._tops_of[0] is not files:
            self._tops_of = files, _tops(files)
        return self._tops_of[1]

    # -- the first build's twin -------------------------------------------------------------------

    @property
    def _next(self) -> Path:
        return self.root.parent / f".{self.root.name}.next"

    def _start_twin(self):
        """After a first build: link output/'s files into the twin-to-be, in a forked process (the
        links are system calls: they take a second at 24,000 files, while this process pickles
        its state). Where processes cannot be forked, the next build makes the twin instead."""
        if "fork" not in multiprocessing.get_all_start_methods():
            return
        shutil.rmtree(self._next, ignore_errors=True)
        self.twin_files = dict(self.trees.get(_inode(self.root)) or {})
        self.twin_maker = multiprocessing.get_context("fork").Process(
            target=_link_tree, args=(str(self.root), str(self._next), list(self.twin_files)), daemon=True)
        self.twin_maker.start()

    def finish(self):
        """Wait for the twin under way, if any, and put it in place as output/'s twin (whose files
        are output/'s, so known). A twin that failed (a full disk) is removed: the next build makes it."""
        maker, self.twin_maker = self.twin_maker, None
        if maker is None:
            return
        maker.join()
        if maker.exitcode != 0 or self.spare.exists() or self.trees.get(_inode(self.root)) != self.twin_files:
            shutil.rmtree(self._next, ignore_errors=True)
            return
        os.rename(self._next, self.spare)
        self.trees[_inode(self.spare)] = self.twin_files
        self.twin_files = {}
        if self.persist:
            self.save()

    def discard(self):
        """The build failed: output/ was never touched, and what the twin got of the new site goes
        (it is made again, cheaply, from output/ next time)."""
        if not self.in_place:
            shutil.rmtree(self.spare, ignore_errors=True)
        self.have, self.new = None, {}

    # -- leftovers and the user's own files --------------------------------------------------------

    def _recover(self):
        """What a build stopped half-way left beside output/: the user's files still in the twin,
        an exchange half done (where the system has no one-step exchange), or the staging folders
        of earlier versions of the build."""
        old = self.root.parent / f".{self.root.name}.old"
        if old.is_dir():
            if not self.root.exists():
                os.rename(old, self.root)           # killed between the two renames: the previous site back
            else:
                shutil.rmtree(old, ignore_errors=True)
        self._give_back_foreign()
        for stale in self.root.parent.glob(f".{self.root.name}.new-*"):
            shutil.rmtree(stale, ignore_errors=True)
        shutil.rmtree(self._next, ignore_errors=True)      # a first build's twin, made half

    @property
    def _pending(self) -> Path:
        return self.state_path.with_name("output-foreign.json")

    def _previous_names(self) -> list[str]:
        """output/'s files as an earlier version of the build listed them (no hashes)."""
        try:
            return list(json.loads(self.old_manifest.read_text(encoding="utf-8"))["files"])
        except (OSError, ValueError, KeyError, TypeError):
            return []

    def _foreign(self, ours: set[str]) -> list[str]:
        """Names at the top of output/ that no build of ours made (not in `ours`): the user's."""
        try:
            names = os.listdir(self.root)
        except OSError:
            return []
        if self.live() is None:
            ours = ours | _tops(self._previous_names())
        return sorted(name for name in names if name not in ours)

    def _give_back_foreign(self):
        """Move the user's own top-level files, noted before the exchange, from the twin into output/."""
        try:
            names = json.loads(self._pending.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        for name in names:
            if (self.spare / name).exists() and not (self.root / name).exists():
                os.rename(self.spare / name, self.root / name)
        self._pending.unlink(missing_ok=True)


def _tops(files) -> set[str]:
    return {rel.split("/", 1)[0] for rel in files}


def _stamp(path: Path) -> tuple | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_ino, st.st_mtime_ns, st.st_size


def _inode(folder: Path) -> str:
    try:
        st = os.stat(folder)
    except OSError:
        return "-"
    return f"{st.st_dev}:{st.st_ino}"


def _replace(path: str, data: bytes):
    """Write a file whole under a temporary name beside it, then rename it over the old one (which
    may be the same file as output/'s: never written in place)."""
    folder, name = os.path.split(path)
    os.makedirs(folder, exist_ok=True)
    tmp = os.path.join(folder, f".digest-tmp-{os.getpid()}-{name}")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _link_or_copy(source, path: str):
    folder, name = os.path.split(path)
    os.makedirs(folder, exist_ok=True)
    tmp = os.path.join(folder, f".digest-tmp-{os.getpid()}-{name}")
    try:
        os.link(source, tmp)
    except OSError as err:
        if err.errno in (errno.ENOENT, errno.ENOSPC, errno.EROFS, errno.EACCES):
            raise
        shutil.copyfile(source, tmp)        # another disk, or one without hard links
    os.replace(tmp, path)


def _link_tree(root: str, target: str, rels: list[str]):
    """(In a forked process.) A copy of the files `rels` of root at target, as hard links; exits 1
    at the first failure (the caller then removes target)."""
    made = set()
    try:
        for rel in rels:
            folder = os.path.dirname(rel)
            if folder not in made:
                os.makedirs(os.path.join(target, folder), exist_ok=True)
                made.add(folder)
            os.link(os.path.join(root, rel), os.path.join(target, rel))
    except OSError:
        os._exit(1)
    os._exit(0)


def _remove(root: Path, rels: list[str]):
    for rel in rels:
        path = root / rel
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        _prune(path.parent, root)


def _prune(folder: Path, root: Path):
    """Remove folders a removed file leaves empty, up to the folder itself."""
    while folder != root and folder.is_relative_to(root):
        try:
            os.rmdir(folder)
        except OSError:
            return
        folder = folder.parent


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _renameat2():
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return fn


_EXCHANGE = _renameat2()


def _exchange(spare: Path, root: Path):
    """The twin becomes output/ and output/ the twin, in one step where the system can."""
    if not root.exists():
        os.rename(spare, root)              # a first build: nothing to exchange
        return
    if _EXCHANGE is not None:
        if _EXCHANGE(_AT_FDCWD, os.fsencode(spare), _AT_FDCWD, os.fsencode(root), _RENAME_EXCHANGE) == 0:
            return
        code = ctypes.get_errno()
        if code not in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
            raise OSError(code, os.strerror(code), str(root))
    # No one-step exchange here: three renames; _recover takes up a kill between them.
    old = root.parent / f".{root.name}.old"
    os.rename(root, old)
    os.rename(spare, root)
    os.rename(old, spare)
