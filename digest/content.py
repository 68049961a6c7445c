"""The content/ store: one Markdown file per entry, YAML front matter on top.

Editors win. The store remembers, in content/.normalize-state.json, the bytes it last wrote for
each entry id (as a hash) and where. On the next run:
  - a file whose bytes still hash the same was not touched by an editor and may be rewritten;
  - a file that differs was edited: it is kept as it is, except that `seen_in` gains new dumps;
  - an id the store wrote whose file is gone was deleted by an editor: it is not re-created;
  - files the store did not write (an editor's own entries) are never touched.
Entries are found by the `id` in their front matter, so renaming a file is safe.

The record never lies: before an entry file is written, the record it will have is appended to
content/.normalize-journal (one JSON line, one write() per entry, so it is on disk for any later
process even if this one is killed the next instant). The next store to open folds in each line
whose file holds exactly the bytes it names, and the journal goes once the state file is saved. So a
build killed at any moment leaves no entry it wrote looking edited.
"""
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import yaml
from slugify import slugify

from .files import leads_out, write_atomic
from .model import Entry
from .parallel import fork_map

STATE_FILE = ".normalize-state.json"
JOURNAL_FILE = ".normalize-journal"
# libyaml's C implementation where PyYAML has it (the same YAML, many times faster on long seen_in lists).
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# A BOM, CRLF line ends and trailing white space read like plain LF.
FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(?P<yaml>.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
KEYS = ("id", "title", "source", "credit", "author", "dateline", "published", "published_precision",
        "published_basis", "captured", "summary", "image_caption", "seen_in")
# Written after those, and only when they hold something: the address a saved page or a feed gives
# the article, and "summary" when the body is a feed's summary rather than the article's text.
OPTIONAL_KEYS = ("url", "body_basis")
# The keys grouping gives (digest/group/), written by the build where the machine owns them: after
# `captured` in a new file, their values those the build found over all of content/.
GROUP_KEYS = ("themes", "story")
REUSE_CONTAINMENT = 0.8


class EntryError(Exception):
    """An entry file that cannot be read; str() names the file and line."""


class _Loader(_LOADER):
    """The safe loader, with a value Python cannot hold (2025-02-30, year 0, an int of 5,000 digits)
    reported as a YAML error at its line: PyYAML raises a bare ValueError there, which no caller
    expects. (Slower: used only to tell where, once the plain loader has failed so.)"""

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError) as err:
            hint = ("; write a date such as 2025-07-12 or a time such as 2025-07-12T09:30:00+00:00"
                    if node.tag.endswith(":timestamp") else "")
            value = node.value if len(node.value) <= 40 else node.value[:40] + "…"
            raise yaml.constructor.ConstructorError(None, None, f"{value!r} cannot be read ({err}){hint}",
                                                    node.start_mark) from None


ALIASES_REFUSED = "YAML aliases are not allowed in front matter; write the value out in full where it is needed"


# Dump text is plain text, never markup: characters Markdown would act on are escaped, so a dump's
# "<script>", "*" or "[x](javascript:...)" renders as the characters it is.
_INLINE = re.compile(r"[\\`*_\[\]]|<|&(?=#?\w+;)")
_INLINE_AS = {"<": "&lt;", "&": "&amp;"}


def markdown_paragraph(paragraph: str) -> str:
    """A paragraph of dump text as Markdown that renders as exactly that text, in one paragraph."""
    paragraph = _INLINE.sub(lambda m: _INLINE_AS.get(m[0], "\\" + m[0]), paragraph)
    m = re.match(r"^(\d{1,9})([.)])(?=\s|$)", paragraph)       # "1. " would open a list
    if m:
        return f"{m[1]}\\{m[2]}{paragraph[m.end(2):]}"
    if paragraph[:1] in ("#", ">", "-", "+", "=", "~"):     # heading, quote, list, rule, setext, fence
        return "\\" + paragraph
    return paragraph


def _yaml(mapping: dict) -> str:
    """Front-matter YAML, written one way everywhere: keys in the given order, block style."""
    return yaml.dump(mapping, Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=100_000,
                     default_flow_style=False)


def render(entry: Entry) -> str:
    meta = {}
    for key in KEYS:
        if key == "summary":
            meta.update((k, entry.grouped[k]) for k in GROUP_KEYS if k in entry.grouped)
        meta[key] = getattr(entry, key)
    meta.update((key, getattr(entry, key)) for key in OPTIONAL_KEYS if getattr(entry, key))
    head = _yaml(meta)
    body = "\n\n".join(markdown_paragraph(p) for p in entry.body)
    return f"---\n{head}---\n\n{body}\n"


def _rendered(entries: list[Entry]) -> list[tuple[bytes, str]]:
    """fork_map's job: each entry's file bytes, and the slug a new file is named after."""
    return [(render(e).encode("utf-8"), slugify(e.title or "", max_length=80, word_boundary=True) or "entry")
            for e in entries]


def parse(text: str, path: Path) -> tuple[dict, str]:
    """(front matter, Markdown body) of an entry file."""
    m = FRONT_MATTER.match(text)
    if not m:
        raise EntryError(f"{path}:1: no front matter: an entry starts with a line '---', the YAML "
                         "fields, and another line '---'")
    _refuse_aliases(m["yaml"], path)
    try:
        try:
            meta = yaml.load(m["yaml"], Loader=_LOADER) or {}
        except (ValueError, OverflowError):     # rare: read again, slower, to tell where
            meta = yaml.load(m["yaml"], Loader=_Loader) or {}
    except yaml.YAMLError as err:
        # The context mark is where the faulty construct starts; the problem mark is where the
        # parser gave up, often a line later.
        mark = getattr(err, "context_mark", None) or getattr(err, "problem_mark", None)
        line = mark.line + 2 if mark else 1       # +1 for 1-based, +1 for the opening '---'
        raise EntryError(f"{path}:{line}: bad YAML front matter: {getattr(err, 'problem', err)}") from None
    if not isinstance(meta, dict):
        raise EntryError(f"{path}:2: the front matter must be 'key: value' lines")
    return meta, text[m.end():]


def _refuse_aliases(text: str, path: Path):
    """An alias (`*name`) repeats a value without writing it: nine lines of them make a billion
    strings ("billion laughs"), which whatever reads the value then walks. No entry needs one. An
    alias needs a `*`, so only the rare front matter with one is scanned, event by event (libyaml's
    composer resolves aliases in C, out of a subclass's reach)."""
    if "*" not in text:
        return
    try:
        for event in yaml.parse(text, Loader=_LOADER):
            if isinstance(event, yaml.AliasEvent):
                raise EntryError(f"{path}:{event.start_mark.line + 2}: {ALIASES_REFUSED}")
    except yaml.YAMLError:
        return          # bad YAML: the load reports it, at its line


def id_of(meta: dict, root: Path, path: Path) -> str | None:
    """An entry's id: its front matter's `id`, or, for an editor's own entry without one, its path
    below content/ without `.md` (`content/desk/a-note.md` → `desk/a-note`)."""
    if meta.get("id") is not None:
        return str(meta["id"])
    try:
        return Path(path).relative_to(root).with_suffix("").as_posix()
    except ValueError:
        return None


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _overlap(a: list[int], b: list[int]) -> float:
    """Share of the smaller fingerprint found in the other."""
    small = min(len(a), len(b))
    return len(set(a) & set(b)) / small if small else 0.0


@dataclass
class SyncReport:
    written: list[str] = field(default_factory=list)      # new files
    updated: list[str] = field(default_factory=list)      # rewritten: not edited, content changed
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)         # edited by an editor: left as they are
    deleted: list[str] = field(default_factory=list)      # deleted by an editor: not re-created
    warnings: list[str] = field(default_factory=list)


def is_entry(root: Path, path: Path) -> bool:
    """An entry file of the content folder `root`: Markdown, neither it nor a folder it is in hidden
    (editors' lock and swap files start with a dot)."""
    return (path.name.endswith(".md") and path.is_relative_to(root)
            and not any(part.startswith(".") for part in path.relative_to(root).parts))


def entry_paths(root: Path, within: tuple[Path, ...] = (), skipped: list | None = None) -> list[Path]:
    """Every entry file below root (as is_entry tells), sorted folder by folder as paths sort (see
    entry_names)."""
    return [Path(name) for name in entry_names(root, within, skipped)]


def entry_names(root: Path, within: tuple[Path, ...] = (), skipped: list | None = None) -> list[str]:
    """Every entry file below root (as is_entry tells), as a string (a build lists 10,000 of them
    and reads few: making a Path of each took a tenth of a second), sorted folder by folder as
    paths sort. By
    os.scandir, which skips hidden folders whole and knows links without asking the disk again
    (pathlib's rglob and is_entry took 0.4 s for 10,000 files). A link, to a file or a folder, is
    followed only where it leads inside root or one of `within` (the project); one that leads out
    is left out and added to `skipped`."""
    if not root.is_dir():
        return []
    inside = tuple(Path(os.path.realpath(folder)) for folder in (root, *within))
    found, walked, todo = [], set(), [str(root)]
    while todo:
        folder = todo.pop()
        real = os.path.realpath(folder)
        if real in walked:          # links that lead round in a circle
            continue
        walked.add(real)
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            try:
                is_folder = entry.is_dir()
            except OSError:
                continue
            if not is_folder and not name.endswith(".md"):
                continue
            if entry.is_symlink() and leads_out(entry.path, inside):
                if skipped is not None:
                    skipped.append(Path(entry.path))
                continue
            (todo if is_folder else found).append(entry.path)
    return sorted(found, key=lambda path: path.split(os.sep))


def _edited(current: bytes, changes: dict) -> bytes:
    """An entry file's bytes with these front-matter keys set (a key's line and its list items
    replaced, or the key added at the end), every other byte as it was, in the file's own line ends."""
    text = current.decode("utf-8")
    newline = "\r\n" if "\r\n" in text else "\n"
    fm = FRONT_MATTER.match(text)
    head = fm["yaml"] + newline
    for key, value in changes.items():
        block = _yaml({key: value}).replace("\n", newline)
        pattern = re.compile(rf"^{key}:.*\n(?:[ \t]*-.*\n)*", re.M)
        if pattern.search(head):
            head = pattern.sub(lambda _m: block, head, count=1)
            continue
        # A key not there yet goes where a new file has it: grouping's just before the summary.
        summary = re.search(r"^summary:", head, re.M) if key in GROUP_KEYS else None
        head = head[:summary.start()] + block + head[summary.start():] if summary else head + block
    return (text[: fm.start("yaml")] + head.rstrip("\r\n") + text[fm.end("yaml"):]).encode("utf-8")


class Store:
    def __init__(self, root: Path, within: tuple[Path, ...] = (), scan: bool = True):
        """`within`: the project's folder, inside which links in content/ may lead. Without `scan`,
        only the record is read (not every entry file): enough for machine_groups and set_groups."""
        self.root = Path(root)
        self.within = tuple(within)
        self.state_path = self.root / STATE_FILE
        self.journal_path = self.root / JOURNAL_FILE
        self.state = self._load_state()
        self._journal_fd: int | None = None
        self._fold_journal()
        self.files: dict[str, Path] = {}        # id → file carrying it
        self.meta: dict[str, dict] = {}         # id → its file's front matter
        self.unreadable: set[Path] = set()
        self.warnings: list[str] = []
        self.wrote: dict[str, str] = {}         # file → SHA-256 of what this store wrote into it
        if scan:
            self._scan()
        else:                                   # where the record says each entry is
            self.files = {entry_id: self.root / record["file"] for entry_id, record in self.state["entries"].items()
                          if not record.get("deleted") and "file" in record}

    def _load_state(self) -> dict:
        try:
            state = json.loads(self.state_path.read_text(encoding="utf-8"))
            if isinstance(state, dict) and isinstance(state.get("entries"), dict):
                return state
        except FileNotFoundError:
            pass
        except (OSError, ValueError):
            pass    # a damaged state only means every existing file counts as edited: safe
        return {"format": 1, "entries": {}}

    def file_times(self, mtimes: dict[str, datetime | None], digests: dict[str, str | None]
                   ) -> dict[str, datetime | None]:
        """Each dump's file time, as remembered for its bytes where it was used (see remember)."""
        known = self.state.get("captures") or {}
        return {name: datetime.fromisoformat(known[digests[name]]) if digests.get(name) in known else mtime
                for name, mtime in mtimes.items()}

    def remember(self, used: dict[str, datetime], digests: dict[str, str | None]):
        """Remember the file times that made capture times (dump name → time), by a hash of each
        dump's bytes, for the dumps there are now: a checkout, a copy or a touch then changes no
        entry. Journaled at once, so the entries written from them never outlive them."""
        remembered = {digests[name]: when.isoformat() for name, when in sorted(used.items()) if digests.get(name)}
        if remembered != self.state.get("captures", {}):
            self.state["captures"] = remembered
            self._journal({"captures": remembered})

    def _fold_journal(self):
        """Take in what a build that did not finish wrote: each record whose file holds exactly the
        bytes it was written with (a line whose file was never written, or was edited since, is
        left out)."""
        try:
            lines = self.journal_path.read_bytes().splitlines()
        except OSError:
            return
        records = self.state["entries"]
        for line in lines:
            try:
                item = json.loads(line)
                if "captures" in item:
                    self.state.setdefault("captures", {}).update(item["captures"])
                    continue
                record = item["record"]
                if _sha((self.root / record["file"]).read_bytes()) == item["written"]:
                    records[item["id"]] = record
            except (ValueError, KeyError, TypeError, OSError):
                continue        # a torn last line, or a file gone since: nothing to take in

    def _journal(self, item: dict):
        """Append one line to the journal, in one write(): once it returns, any later process reads it."""
        if self._journal_fd is None:
            self.root.mkdir(parents=True, exist_ok=True)
            self._journal_fd = os.open(self.journal_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.write(self._journal_fd, (json.dumps(item, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8"))

    def _write(self, entry_id: str, path: Path, data: bytes, record: dict):
        """Write an entry file, its record journaled first."""
        self._journal({"id": entry_id, "record": record, "written": _sha(data)})
        write_atomic(path, data, make_parent=False)     # sync makes the folder once
        self.wrote[str(path)] = _sha(data)

    def _scan(self):
        if not self.root.exists():
            return
        for path in entry_paths(self.root, self.within):
            try:
                text = path.read_text(encoding="utf-8")
                meta, _ = parse(text, self._rel(path))
                entry_id = id_of(meta, self.root, path)
            except (EntryError, OSError, UnicodeDecodeError) as err:
                self.warnings.append(str(err) if isinstance(err, EntryError) else f"{self._rel(path)}: {err}")
                self.unreadable.add(path)
                # Still know whose file it is, so it is never written over under another name.
                m = re.search(r"^id:\s*['\"]?([\w-]+)", path.read_text(encoding="utf-8", errors="replace"), re.M)
                entry_id = m.group(1) if m else None
            if entry_id is None:
                continue
            entry_id = str(entry_id)
            if path not in self.unreadable:
                self.meta.setdefault(entry_id, meta)
            if entry_id in self.files:
                self.warnings.append(f"{self._rel(path)}: id {entry_id} is also used by "
                                     f"{self._rel(self.files[entry_id])}; this file is left alone. Give each "
                                     "entry its own id.")
                continue
            self.files[entry_id] = path

    def _rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root.parent))
        except ValueError:
            return str(path)

    def _prior_index(self) -> dict[int, list[str]]:
        """Fingerprint sample → ids, for the entries of earlier runs."""
        index: dict[int, list[str]] = {}
        for other_id, record in self.state["entries"].items():
            for g in record.get("fingerprint") or ():
                index.setdefault(g, []).append(other_id)
        return index

    def _owns(self, entry: Entry, entry_id: str) -> bool:
        """Is `entry_id`, which this entry's text gives, stored for this same article? An id the
        store wrote for a different text (another page with no headline and the same banner) is
        not this entry's, however its headline and opening words hash."""
        record = self.state["entries"].get(entry_id)
        if record is None:
            return entry_id in self.files       # a file but no record (state lost): the id is all there is
        theirs = record.get("fingerprint") or []
        if not theirs or not entry.fingerprint:
            return True
        return _overlap(entry.fingerprint, theirs) >= REUSE_CONTAINMENT

    def _earlier(self, entry: Entry, index: dict[int, list[str]]) -> list[tuple[float, str]]:
        """(share, id) of the earlier entries this one is a fuller or re-flowed capture of."""
        records = self.state["entries"]
        mine = entry.fingerprint
        shared: dict[str, int] = {}
        for g in mine:
            for other_id in index.get(g, ()):
                shared[other_id] = shared.get(other_id, 0) + 1
        out = []
        for other_id, count in shared.items():
            small = min(len(mine), len(records[other_id]["fingerprint"]))
            if other_id != entry.id and small and count / small >= REUSE_CONTAINMENT:
                out.append((count / small, other_id))
        return out

    def _free_path(self, entry: Entry, slug: str, taken: set[Path]) -> Path:
        path, n = self.root / f"{slug}.md", 1
        while path.exists() or path in taken:
            path = self.root / (f"{slug}-{entry.id[:8]}.md" if n == 1 else f"{slug}-{entry.id[:8]}-{n}.md")
            n += 1
        return path

    def resolve_ids(self, entries: list[Entry]):
        """Give each entry the id its article already has in content/, if any, and never one id to
        two entries or to an entry that is not the article stored under it. In three steps, each in
        an order the texts alone decide (never the order of the dumps):
          1. an entry whose own id is stored for the same article keeps it;
          2. an entry that is a fuller or re-flowed capture of an earlier entry takes its id, the
             closest match first (so two captures never take one id);
          3. any other entry keeps its own id, or, where that is stored for another article or
             already given, one derived from it."""
        records = self.state["entries"]
        used: set[str] = set()
        pending = []
        for entry in sorted(entries, key=lambda e: e.id):
            if entry.id not in used and self._owns(entry, entry.id):
                used.add(entry.id)
            else:
                pending.append(entry)
        index = self._prior_index() if pending else {}
        matches = sorted((-share, entry.id, other_id, n) for n, entry in enumerate(pending)
                         for share, other_id in self._earlier(entry, index))
        assigned: dict[int, str] = {}
        for _, _own, other_id, n in matches:
            if n not in assigned and other_id not in used:
                assigned[n] = other_id
                used.add(other_id)
        for n, entry in enumerate(pending):
            if n in assigned:
                entry.id = assigned[n]
                continue
            new, salt = entry.id, 0
            while new in used or new in records or new in self.files:
                salt += 1
                new = hashlib.sha256(f"{entry.id}|{salt}".encode()).hexdigest()[:16]
            entry.id = new
            used.add(new)

    def sync(self, entries: list[Entry]) -> SyncReport:
        """Write the entries (ids already resolved), keeping every editor's change."""
        report = SyncReport(warnings=list(self.warnings))
        records = self.state["entries"]
        taken = set(self.files.values())
        ordered = sorted(entries, key=lambda e: e.id)
        for entry in ordered:           # what grouping wrote into the file stays in it
            record = records.get(entry.id) or {}
            entry.grouped = {key: record[key] for key in GROUP_KEYS if key in record}
        # Rendering is most of the work, and each entry's is its own: on every core.
        rendered = fork_map(_rendered, ordered)
        self.root.mkdir(parents=True, exist_ok=True)
        for entry, (data, slug) in zip(ordered, rendered):
            record = records.get(entry.id)
            path = self.files.get(entry.id)
            if path is None and record is not None:
                report.deleted.append(record["file"])
                record["deleted"] = True
                continue
            if path is None:
                path = self._free_path(entry, slug, taken)
                taken.add(path)
                record = self._record(path, data, entry)
                self._write(entry.id, path, data, record)
                records[entry.id] = record
                report.written.append(self._rel(path))
                continue
            current = path.read_bytes()
            if record is None or _sha(current) != record["sha256"] or path in self.unreadable:
                if path not in self.unreadable:
                    self._update_edited(path, current, entry, record)
                report.kept.append(self._rel(path))
                continue
            if current == data:
                report.unchanged.append(self._rel(path))
                records[entry.id] = self._record(path, data, entry)
            else:
                records[entry.id] = self._record(path, data, entry)
                self._write(entry.id, path, data, records[entry.id])
                report.updated.append(self._rel(path))
        del rendered            # written: their memory serves the state's JSON
        self._save_state()
        return report

    def _record(self, path: Path, data: bytes, entry: Entry) -> dict:
        return {"file": path.relative_to(self.root).as_posix(), "sha256": _sha(data),
                "fingerprint": entry.fingerprint, **entry.grouped}

    def _update_edited(self, path: Path, current: bytes, entry: Entry, record: dict | None):
        """An edited entry keeps every byte an editor owns. Only what the machine owns changes here:
        seen_in gains new dumps (themes and story are the build's: set_groups)."""
        meta = self.meta[entry.id]              # read by _scan
        have = [str(x) for x in meta.get("seen_in") or []]
        if not any(x not in have for x in entry.seen_in):
            return
        data = _edited(current, {"seen_in": have + [x for x in entry.seen_in if x not in have]})
        if record is None:
            write_atomic(path, data)
            self.wrote[str(path)] = _sha(data)
        else:
            self._write(entry.id, path, data, record)

    def machine_groups(self) -> dict[str, dict]:
        """id → the themes and story the build last wrote into the entry (those it wrote), for
        every entry the store wrote: a value an entry holds that is not this one was set by hand."""
        return {entry_id: {key: record[key] for key in GROUP_KEYS if key in record}
                for entry_id, record in self.state["entries"].items() if not record.get("deleted")}

    def set_groups(self, values: dict[str, dict]) -> dict[str, str]:
        """Write the themes and story the build found into entries the store wrote (id → {key:
        value}), only those keys, keeping every other byte, the file's line ends and whether it
        counts as edited; each recorded. The files written and the SHA-256 of their bytes."""
        records = self.state["entries"]
        wrote = {}
        for entry_id, changes in sorted(values.items()):
            record, path = records.get(entry_id), self.files.get(entry_id)
            if record is None or path is None or path in self.unreadable or not changes:
                continue
            try:
                current = path.read_bytes()
                meta, _ = parse(current.decode("utf-8"), path)
            except (OSError, UnicodeDecodeError, EntryError):
                continue
            if id_of(meta, self.root, path) != entry_id:        # renamed, and another file there now
                continue
            data = _edited(current, changes)
            if data == current:
                continue
            record = {**record, **changes}
            if _sha(current) == records[entry_id]["sha256"]:
                record["sha256"] = _sha(data)           # not edited, and still not
            self._write(entry_id, path, data, record)
            records[entry_id] = record
            wrote[str(path)] = _sha(data)
        self._save_state()
        return {**wrote, **{k: v for k, v in self.wrote.items() if k == str(self.state_path)}}

    def _save_state(self):
        data = (json.dumps(self.state, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
        try:
            same = self.state_path.read_bytes() == data
        except FileNotFoundError:
            same = False
        if not same:
            write_atomic(self.state_path, data)
            self.wrote[str(self.state_path)] = _sha(data)
        if self._journal_fd is not None:
            os.close(self._journal_fd)
            self._journal_fd = None
        self.journal_path.unlink(missing_ok=True)      # all it held is in the state now
