"""The build engine: content/ + site.yaml + templates/ → output/, the same for a plain build (run
once) and for --watch (run on every save, keeping what it learnt in memory).

It reads the entries (only the files that changed, after the first build), groups them, lists every
page and what it shows (sitemap.Listing: in --watch a list none of whose entries changed keeps its
pages and their fingerprints from the save before), and renders a page again only when its fingerprint
changed: its templates' sources (with every template they extend, include or import, found with
jinja2.meta), the context every page shares, and its own context, where each entry stands for its
file's text, its place and the other reports its page shows. So a build renders what changed, and
its output is the same as rendering everything, which the tests check against clean builds.

Every build writes through one Output (output.py): into output/'s twin, exchanged with output/ at the
end, so output/ is the previous site or the new one, never a mix. The search index (Pagefind) is
made in its own process: with the pages in a plain build; in --watch, in the background once saves
pause, and put in place by the same writer.
"""
import copyreg
import dataclasses
import gc
import hashlib
import io
import os
import pickle
import threading
import time
from datetime import date, datetime
from operator import attrgetter
from pathlib import Path

import jinja2
import markupsafe
from jinja2 import meta

from . import feeds, html, search, sitemap
from .markup import Cache
from .output import Missing, Output
from ..content import Store, is_entry
from ..files import os_error, write_atomic
from ..group import Stories
from ..group.stories import load_for
from ..lock import Busy, build_lock
from ..parallel import fork_map
from .posts import (Post, assemble, entry_files, group_stories, judge, keep_derived, machine_groups, read_entry,
                    reader, story_features, theme_rules)
from ..uptodate import CACHE_DIR, RACY_NS, code_version, now_ns, template_folders

STATIC = "static"       # templates/static/** is copied to output/ as is
STATE = "engine.pickle"  # in .digest-cache/: what a plain build knew, for the next one
SEARCH_PAUSE = 1.5      # seconds without edits before --watch makes the search index again (it takes seconds)
UNSETTLED = 0.05        # a file that fails to read and changed this recently is read again, once


class BuildError(Exception):
    """The site could not be rendered or written; output/ was left as it was. str() names the file
    and line (or the folder and what to do)."""


class EntryErrors(BuildError):
    """Entries that cannot be read, in --watch: the site keeps its last good build until they are fixed."""


@dataclasses.dataclass
class Report:
    entries: int = 0
    pages: int = 0
    rendered: int = 0
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    files: list[str] = dataclasses.field(default_factory=list)     # every file of output/ this build made
    warnings: list[str] = dataclasses.field(default_factory=list)
    wrote: dict[str, str] = dataclasses.field(default_factory=dict)    # file of content/ → SHA-256 written


class Stopwatch:
    """Time per stage, in the -v log."""

    def __init__(self, log, unit: str = "s"):
        self.log, self.unit, self.last = log, unit, time.perf_counter()

    def lap(self, what: str):
        now = time.perf_counter()
        if self.unit == "ms":
            self.log.debug("  %s: %.1f ms", what, (now - self.last) * 1000)
        else:
            self.log.debug("  %s: %.2f s", what, now - self.last)
        self.last = now


def static_files(site) -> dict[str, bytes]:
    """templates/static/**, the site's files over the shipped ones of the same name."""
    files = {}
    for folder in reversed([f / STATIC for f in template_folders(site)]):
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file() and not path.name.startswith("."):
                    files[path.relative_to(folder).as_posix()] = path.read_bytes()
    return files


def shared_context(site, statics: dict[str, bytes], feed_sets) -> dict:
    """What every template sees besides its page's own context. It holds no entry, so an edited
    entry changes only the pages that show it."""
    return {"site": site, "themes": site.themes, "theme_by_slug": {t.slug: t for t in site.themes},
            "assets": {name: hashlib.sha256(data).hexdigest()[:10] for name, data in statics.items()},
            "feeds": feed_sets, "site_feed": feed_sets[0], "feed_by_slug": {f.slug: f for f in feed_sets if f.slug}}


_render_job: dict = {}


def _pages(pages) -> list[tuple[str, str]]:
    env, common, output = _render_job["env"], _render_job["common"], _render_job["output"]
    # Each page is written (into output/'s twin) where it is rendered: only its hash travels back.
    return [(page.out, output.put(page.out, html.render(env, page.template,
                                                        {**common, **page.context, "page": page}).encode("utf-8")))
            for page in pages]


def render_pages(env, common: dict, pages, output: Output, meanwhile=None) -> list[tuple[str, str]]:
    """(file, hash) of each page, rendered and written on all cores when there are many;
    `meanwhile()` runs here while they render. TemplateError names the template and line of the
    first that fails."""
    _render_job.update(env=env, common=common, output=output)
    try:
        return fork_map(_pages, pages, meanwhile=meanwhile)
    finally:
        _render_job.clear()


_PLAIN = frozenset({str, int, float, bool, type(None), date, datetime, markupsafe.Markup})
_FIELDS: dict[type, tuple[str, ...]] = {}


def _field_names(kind: type) -> tuple[str, ...]:
    names = _FIELDS.get(kind)
    if names is None:
        names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(kind))
    return names


def fingerprint(value, site):
    """What a context value stands for, as a comparable value: equal fingerprints, equal pages.
    (Plain values and entries, by far the most common, are handled inline: this runs for every
    page on every build.)"""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is Post:
        return value.fp
    if kind is list or kind is tuple:
        return tuple([v if type(v) in _PLAIN else v.fp if type(v) is Post else fingerprint(v, site) for v in value])
    if kind is dict:
        return tuple([(k, v if type(v) in _PLAIN else v.fp if type(v) is Post else fingerprint(v, site))
                      for k, v in value.items()])
    if value is site:
        return "site"           # a changed site.yaml starts a new Engine
    if dataclasses.is_dataclass(value):
        if kind.__dataclass_params__.frozen:
            return value        # compared by value (themes, feeds, outlets)
        return (kind.__name__,) + tuple([fingerprint(getattr(value, name), site) for name in _field_names(kind)])
    raise TypeError(f"cannot tell when a {kind.__name__} in a page's context changes")


def _own(post: Post) -> tuple:
    return post.digest, post.path, tuple(post.themes), post.story


def _fingerprint_post(post: Post):
    """An entry as the pages see it: itself and the other reports its page shows. The same object
    while it is the same: the listing tells an unchanged entry by it."""
    fp = (_own(post), tuple(_own(o) for o in post.others))
    if getattr(post, "fp", None) != fp:
        post.fp = fp


def _in_feeds(post: Post) -> tuple:
    """What a feed shows of an entry (its file, its URL, its themes; not its story, as its page does)."""
    return post.digest, post.path, tuple(post.themes)


def _place(post: Post) -> tuple:
    """What decides which pages an entry is on and where: the rest is text."""
    return (post.id, post.own_path, post.published, post.precision, post.day, post.iso, tuple(post.themes),
            tuple(post.unknown_themes), post.story, post.source)


def _posts_in(value):
    """Every entry a context value holds, with the other reports of each (the page shows them)."""
    kind = type(value)
    if kind is Post:
        yield value
        yield from value.others
    elif kind is list or kind is tuple:
        for v in value:
            yield from _posts_in(v)
    elif kind is dict:
        for v in value.values():
            yield from _posts_in(v)
    elif dataclasses.is_dataclass(value) and kind not in _PLAIN and not kind.__dataclass_params__.frozen:
        for name in _field_names(kind):
            yield from _posts_in(getattr(value, name))


# What the engine's state leaves out of each post: its links to other posts and its fingerprint
# (worked out again), what the Markdown cache holds of it (its HTML by html_key, its lede and the
# themes found by group_key) and what is worked out again when asked for (its text, its item for
# the story grouping, its feed item). _load_state puts them back.
_LEFT_OUT = frozenset({"others", "fp", "html", "plain", "grouped", "lede", "found_themes", "_item", "_judged",
                       "_feed_item"})
_SAVED = tuple(name for name in Post.__slots__ if name not in _LEFT_OUT)


def _alone(post: Post):
    """How pickle writes a post into the engine's state (a reducer: no copy of the post is made)."""
    return copyreg.__newobj__, (Post,), (None, {name: getattr(post, name) for name in _SAVED})


def _take_over(old: Post, new: Post):
    """The edited post's text into the post the pages hold, keeping its place (its path, as
    assembled, and the other reports of its story); nothing of the old text stays (a cached story
    item, a feed item)."""
    for name in Post.__slots__:
        if name in ("path", "others"):
            continue
        value = getattr(new, name, _UNSET)
        if value is not _UNSET:
            setattr(old, name, value)
        elif hasattr(old, name):
            delattr(old, name)


_UNSET = object()


def _stat(path: Path):
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


class Engine:
    def __init__(self, site, log, markdown: Cache | None = None, watch: bool = False):
        """`watch`: builds follow each other in this process (--watch): an entry that cannot be
        read stops the build (the preview keeps the last good site), the search index follows in
        the background, and what is known of output/ is kept in memory. Otherwise (a plain build)
        unreadable entries are left out with a warning and the search index is made with the pages.
        `markdown`: the rendered-Markdown cache of an earlier Engine (it does not depend on
        site.yaml); else the one on disk."""
        self.site, self.log, self.watch = site, log, watch
        self.cache_dir = site.root / CACHE_DIR
        self.markdown = markdown or Cache(self.cache_dir / "html")
        self.records: dict[str, tuple] = {}        # entry file → (stat, Post or error message)
        self.env = None
        self.template_keys: dict[str, str] = {}
        self.template_refs: dict[bytes, list | None] = {}   # a template source's hash → what it references
        self.statics: dict[str, bytes] = {}
        self.page_fps: dict[str, tuple] = {}       # file → fingerprint of its last render
        self.feed_fps: dict[str, tuple] = {}
        self.common_fp = None
        self.posts: list[Post] = []
        self.warnings: list[str] = []
        self.pages = None                           # every page, as last listed
        self.pages_by_post = None                   # id(post) → the pages that show it
        self.listing = None                         # (the templates it is for, the sitemap.Listing)
        self.shown: set[int] = set()                # id() of every post the pages hold
        self.chosen: dict = {}                      # feed → its items
        self.common: dict = {}
        self.order: list[str] | None = None         # entry files in name order
        self.link_warnings: list[str] = []          # links in content/ that lead out of the project
        self.stories = Stories(site.content_dir)
        # The themes and story the build last wrote into each entry the normalizer wrote: a value
        # an entry holds that is not this one was set by hand.
        self.machine = machine_groups(site)
        self.grouping_wrote: dict[str, str] = {}    # entries given their themes and story this build
        self.story_of: dict | None = None           # entry id → story, as the pages show them
        self.grouped: list[Post] | None = None      # the entries last grouped into stories
        self.output = Output(site.output_dir, self.cache_dir, persist=not watch)
        self.lock = threading.Lock()               # the build and the search indexer both write output/
        self.files: set[str] = set()               # every file of the last good build but the search index
        self.search_files: dict[str, Path] = {}    # the search index's files in output/, and where they are made
        self.search = _SearchFollower(self) if site.search and watch else None
        self._keep_search_index()
        self.trusted_before = 0                     # files changed since (ns) are read whatever their stat says
        if not watch:
            self._load_state()

    def _keep_search_index(self):
        """--watch: output/'s search index serves until the follower has made the next one."""
        if self.search:
            self.search_files = {rel: None for rel in self.output.live() or ()
                                 if rel.startswith(search.BUNDLE + "/")}

    def took_up_other_build(self) -> bool:
        """--watch, under the build lock: True when a plain build beside it replaced output/ since
        its last. What this one rendered is then not what output/ holds: every page is rendered
        again on the next build (and written where it differs), and output/'s index is kept."""
        if not self.output.taken_over():
            return False
        self.render_everything()
        self._keep_search_index()
        return True

    def render_everything(self):
        """The next build lists and renders every page and feed (what output/ holds is not known
        to be what they last rendered)."""
        self.page_fps, self.feed_fps, self.pages = {}, {}, None

    # -- what a plain build keeps for the next one ------------------------------------------------

    def _state_key(self) -> str:
        """What the kept state depends on: the code and the site's settings."""
        return hashlib.blake2b(f"{code_version()}\0{self.site!r}".encode(), digest_size=16).hexdigest()

    def _load_state(self):
        """What the last plain build knew (entries read, pages' fingerprints, the story index), so
        that this one reads and renders only what changed; nothing when it is of other code or
        settings, or damaged (then everything is read and rendered, as on a first build)."""
        gc.disable()        # the cycle collector would walk the objects as they come, over and over (~2x slower)
        try:
            with open(self.cache_dir / STATE, "rb") as f:
                state = pickle.load(f)
        except (OSError, pickle.PickleError, EOFError, ValueError, AttributeError, ImportError, TypeError):
            return
        finally:
            gc.enable()
        if not isinstance(state, dict) or state.get("key") != self._state_key():
            return
        self.records, self.page_fps, self.feed_fps = state["records"], state["page_fps"], state["feed_fps"]
        for rel, (stat, post) in list(self.records.items()):
            if isinstance(post, Post):
                post.html, post.grouped = self.markdown.get(post.html_key), self.markdown.get(post.group_key)
                if post.html is None or post.grouped is None:   # not in the cache any more: read the file again
                    del self.records[rel]
                else:
                    post.lede, post.found_themes = post.grouped
                    post.others, post.plain = [], None
        self.common_fp, self.story_of = state["common_fp"], state["story_of"]
        self.template_refs = state["template_refs"]
        self.stories.take_up(state["stories"])
        # A file changed within a second of that build's start may have changed unseen (same size, same time).
        self.trusted_before = state["started_ns"] - RACY_NS

    def _save_state(self, started_ns: int):
        # Each post alone (_alone): the other reports of its story and its fingerprint are worked
        # out again (and would make pickle walk from post to post, a story at a time).
        state = {"key": self._state_key(), "started_ns": started_ns, "records": self.records,
                 "page_fps": self.page_fps, "feed_fps": self.feed_fps, "common_fp": self.common_fp,
                 "story_of": self.story_of, "stories": self.stories.kept(), "template_refs": self.template_refs}
        try:
            buffer = io.BytesIO()
            pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
            pickler.dispatch_table = {**copyreg.dispatch_table, Post: _alone}
            pickler.dump(state)
            write_atomic(self.cache_dir / STATE, buffer.getbuffer())
        except OSError:
            (self.cache_dir / STATE).unlink(missing_ok=True)    # no record rather than a stale one

    # -- reading ---------------------------------------------------------------------------------

    def _rel(self, path: Path) -> str:
        return path.relative_to(self.site.root).as_posix() if path.is_relative_to(self.site.root) else str(path)

    def _read(self, path: Path, rel: str):
        """Read until the file holds still: an editor writing in place may be half-way."""
        for attempt in range(50):
            before = _stat(path)
            result = read_entry(path, rel, self.site, self.markdown)
            after = _stat(path)
            if before == after and not (isinstance(result, str) and after and attempt == 0
                                        and time.time_ns() - after[1] < UNSETTLED * 1e9):
                return after, result
            time.sleep(0.01)
        return after, result

    def _while_reading(self, reading: int):
        """While many entries are read: compile every template, so that the render's workers,
        forked after, share them (each would compile its own; with few, templates compile as pages
        need them), and load what grouping them will need."""
        if reading >= 200:
            html.compile_all(self.env)
        load_for(reading)

    def _rescan(self, meanwhile=None):
        """Every entry file looked at again; those whose size or time changed are read (on all cores
        when there are many). `meanwhile()` runs here while they are read."""
        theme_rules(self.site)          # made before the workers fork, so they share it
        self.link_warnings = []
        files = entry_files(self.site, self.link_warnings)
        stats = {rel: _stat(path) for path, rel in files}
        trusted = self.trusted_before
        todo = [(path, rel) for path, rel in files if rel not in self.records or self.records[rel][0] != stats[rel]
                or stats[rel] is None or stats[rel][1] >= trusted]
        results = fork_map(reader(self.site, self.markdown), todo,
                           meanwhile=(lambda: meanwhile(len(todo))) if meanwhile else None)
        keep_derived([r for r in results if isinstance(r, Post)], self.markdown)
        self.records = {rel: self.records[rel] for rel in stats if rel in self.records}
        self.order = None
        self.records.update({rel: (stats[rel], result) for (_, rel), result in zip(todo, results)})

    def _reread(self, paths):
        """The files an event named, read again whatever their size and time say: two saves within
        one tick of the file system's clock can leave both the same."""
        for path in paths:
            if not is_entry(self.site.content_dir, path):
                continue
            rel = self._rel(path)
            if not path.is_file():
                if self.records.pop(rel, None):
                    self.order = None
                continue
            if rel not in self.records:
                self.order = None
            self.records[rel] = self._read(path, rel)
            if isinstance(self.records[rel][1], Post):
                keep_derived([self.records[rel][1]], self.markdown)

    def _readable(self) -> list[Post]:
        """The posts read, in file order, without those that could not be read."""
        if self.order is None or len(self.order) != len(self.records):
            self.order = sorted(self.records)
        return [post for post in (self.records[rel][1] for rel in self.order) if isinstance(post, Post)]

    # -- templates ---------------------------------------------------------------------------------

    def _load_templates(self):
        self.env = html.environment(self.site)
        self.template_keys = {}
        self.statics = static_files(self.site)

    def _template_key(self, name: str) -> str:
        """A hash of the template's source and of every template it extends, includes or imports."""
        if name not in self.template_keys:
            h, seen, todo = hashlib.blake2b(digest_size=16), set(), [name]
            while todo:
                current = todo.pop()
                if current in seen:
                    continue
                seen.add(current)
                try:
                    source, _, _ = self.env.loader.get_source(self.env, current)
                except jinja2.TemplateNotFound:
                    h.update(f"missing {current}\0".encode())
                    continue
                h.update(f"{current}\0{source}\0".encode())
                referenced = self._references(source)
                if referenced is None:  # a name worked out while rendering: depend on every template
                    referenced = [n for n in self.env.list_templates()]
                todo.extend(referenced)
            self.template_keys[name] = h.hexdigest()
        return self.template_keys[name]

    def _references(self, source: str) -> list[str] | None:
        """The templates a template's source extends, includes or imports (None: one is named only
        while rendering), by the source's hash: parsing every template again would cost each plain
        build a quarter of a second."""
        digest = hashlib.blake2b(source.encode(), digest_size=16).digest()
        if digest not in self.template_refs:
            try:
                found = list(meta.find_referenced_templates(self.env.parse(source)))
            except jinja2.TemplateSyntaxError:
                found = []              # rendering will name the error
            self.template_refs[digest] = None if None in found else [n for n in found if n]
        return self.template_refs[digest]

    # -- building ----------------------------------------------------------------------------------

    def build(self, changed: set[Path] | None = None) -> Report:
        """Bring output/ up to date. `changed`: the files touched since the last build (None: look
        at everything). BuildError (EntryErrors in --watch) when the site cannot be built; output/
        then keeps the last good build."""
        # The cycle collector would walk every entry kept in memory, many times a build: it waits
        # until the build is done, and what the first build keeps for good is never walked again.
        first = self.env is None
        started_ns = now_ns()
        gc.disable()
        try:
            with build_lock(self.site):     # a plain build holds it already; --watch, a rebuild at a time
                self.took_up_other_build()
                report = self._build(changed)
                if not self.watch:
                    self._save_state(started_ns)
                return report
        except Busy as err:
            raise BuildError(str(err)) from None
        except EntryErrors:
            self.pages = None           # records hold posts no page holds: list the pages again next time
            raise
        except BuildError:
            raise
        except OSError as err:          # the disk: full, read-only, gone
            self.pages, self.page_fps = None, {}
            raise BuildError(os_error(err)) from None
        except BaseException:           # a bug or Ctrl-C: next time, look at every page again
            self.pages, self.page_fps = None, {}
            raise
        finally:
            gc.enable()
            if first:
                gc.freeze()

    def _build(self, changed: set[Path] | None) -> Report:
        try:
            return self._build_once(changed)
        except Missing:
            # A file of the last build went from output/ (by hand): render everything again. The
            # search index (--watch) is not rendered here: it goes until the follower makes it again.
            self.render_everything()
            if self.search:
                self.search_files = {}
            return self._build_once(None)

    def _build_once(self, changed: set[Path] | None) -> Report:
        site = self.site
        clock = Stopwatch(self.log, unit="ms" if self.watch else "s")
        if self.search:
            self.search.cancel()        # the index under way is of entries about to change
        before = None
        if changed is None or self.env is None:
            # While the workers read the entries, the templates compile here (so the render's
            # workers share them) and what grouping will need is loaded.
            self._load_templates()
            self._rescan(meanwhile=self._while_reading)
        else:
            before = {rel: self.records.get(rel) for rel in map(self._rel, changed)}
            self._reread(changed)
            if any(any(p.is_relative_to(f) for f in template_folders(site)) for p in changed):
                self._load_templates()
                before = None
        errors = sorted(result for _, result in self.records.values() if isinstance(result, str))
        if errors and self.watch:
            raise EntryErrors("\n".join(errors))
        clock.lap("read entries and markdown")
        readable = self._readable()
        indexer = None
        if site.search and not self.watch:
            # The index is of the entries as read (headline and text, at their URLs): Pagefind
            # runs in its own processes while the stories are grouped and the pages listed and
            # rendered.
            indexer = search.Indexer(assemble(site, readable)[0], site, self.cache_dir)
            indexer.start()
        try:
            # Stories over the entries as they are now: when any entry's story changed, every page
            # is looked at again; otherwise an edit that moved nothing can be made in place.
            stories_moved = self._group(readable)
            edits = None if stories_moved or before is None else self._edits_in_place(before)
            clock.lap("stories")
            stale = self._restale(edits) if edits and self.pages is not None else None
            if stale is None:
                stale = self._relist(errors, readable)
            clock.lap(f"pages to render: {len(stale)} of {len(self.pages)}")
            with self.lock:
                try:
                    report = self._write(stale, clock, indexer)
                except BaseException:
                    self.output.discard()
                    raise
        except BaseException:
            if indexer:
                indexer.stop()
            raise
        if self.search:
            self.search.follow(self.posts)
            if self.search.error:
                report.warnings.append(f"search: {self.search.error}")
        if not self.watch:
            self.markdown.save()
        report.wrote = {**self.stories.wrote, **self.grouping_wrote}
        self.grouping_wrote = {}
        return report

    def _write(self, stale: list, clock, indexer) -> Report:
        """Render the stale pages and the changed feeds into output/'s twin, then put it in place."""
        site = self.site
        self.output.begin()
        feed_sets = list(self.chosen)
        feed_fps = {feed.folder: (feed, tuple(map(_in_feeds, members))) for feed, members in self.chosen.items()}
        changed_feeds = [f for f in feed_sets if self.feed_fps.get(f.folder) != feed_fps[f.folder]]
        feed_files: dict[str, bytes] = {}

        def make_feeds():       # here, while the workers render the pages
            by_id = feeds.items(site, list({p.id: p for f in changed_feeds for p in self.chosen[f]}.values()))
            for feed in changed_feeds:
                feed_files.update(feeds.feed_files(site, feed, [by_id[p.id] for p in self.chosen[feed]]))

        if len(stale) >= 200:           # workers will render: they share what is compiled here
            html.compile_all(self.env)
        try:
            rendered = render_pages(self.env, self.common, stale, self.output, meanwhile=make_feeds)
        except html.TemplateError as err:
            for page in stale:          # not rendered: their fingerprints must not say they were
                self.page_fps.pop(page.out, None)
            self.pages = None
            raise BuildError(str(err)) from None
        clock.lap(f"pages and feeds ({len(changed_feeds)} of {len(feed_sets)} feeds)")
        for rel, h in rendered:
            self.output.took(rel, h)
        for rel, data in (feed_files | self.statics).items():
            self.output.took(rel, self.output.put(rel, data))
        files = set(self.page_fps) | {feed.path(k) for feed in feed_sets for k in feeds.FILES} | set(self.statics)
        report = Report(entries=len(self.posts), pages=len(self.pages), rendered=len(stale),
                        warnings=list(self.warnings))
        if indexer:
            self.search_files = indexer.files()
            for rel, source in self.search_files.items():
                self.output.link(rel, source)
            clock.lap("search index")
            if indexer.error:
                report.warnings.append(f"search: {indexer.error}")
        elif not self.site.search:
            self.search_files = {}
        # In --watch the index in output/ stays as it is until the follower has made the next one.
        keep = files | set(self.search_files)
        report.written, report.unchanged, report.removed = self.output.commit(keep)
        report.warnings += self.output.warnings
        self.files = files
        self.feed_fps = feed_fps
        report.files = sorted(keep)
        clock.lap("write")
        return report

    def _group(self, readable: list[Post]) -> bool:
        """Each entry's story, over the entries as they are now (the first file with an id, as the
        site has them); True when any entry's story changed since the last build. In --watch
        (where what the build wrote is not written into entries) an entry is judged once, and
        stories are not looked for again when no entry changed what its story depends on."""
        posts, seen = [], set()
        for post in readable:
            if post.id not in seen:
                seen.add(post.id)
                posts.append(post)
        fresh = [post for post in posts if not (self.watch and hasattr(post, "_judged"))]
        for post in fresh:
            judge(post, self.site, self.machine)
            if self.watch:
                post._judged = True
        if self.watch and self._same_story_features(posts):
            for post in fresh:
                post.story = self.story_of[post.id]
            self.grouped = posts
            return False
        story_of = group_stories(self.stories, posts)
        changed = story_of != self.story_of
        self.story_of, self.grouped = story_of, posts
        if not self.watch:
            self._write_groups(posts)
        return changed

    def _same_story_features(self, posts: list[Post]) -> bool:
        """Whether these are the entries last grouped, each the same or saying the same of what
        its story depends on (a theme changed, say)."""
        last = self.grouped
        return (last is not None and len(last) == len(posts)
                and all(a is b or story_features(a) == story_features(b) for a, b in zip(last, posts)))

    def _write_groups(self, posts: list[Post]):
        """Into the entries the normalizer wrote, the themes and story the build found for them,
        where the front matter holds others not set by hand (a plain build: --watch leaves the
        file an editor is saving alone; the next plain build writes them). Editors' own entries are
        never written."""
        changes = {}
        for post in posts:
            if post.id not in self.machine:
                continue
            found = {}
            if not post.themes_by_hand and post.declared.get("themes", None) != post.themes:
                found["themes"] = post.themes
            if not post.story_by_hand and ("story" not in post.declared or post.declared["story"] != post.story):
                found["story"] = post.story
            if found:
                changes[post.id] = found
        if not changes:
            return
        wrote = Store(self.site.content_dir, (self.site.root,), scan=False).set_groups(changes)
        self.grouping_wrote.update(wrote)
        by_path = {str(self.site.root / rel): rel for rel in self.records}
        for post in posts:
            if post.id in changes:
                post.declared = {**post.declared, **changes[post.id]}
                self.machine[post.id] = {**self.machine[post.id], **changes[post.id]}
        for path in wrote:          # read as written: no need to read them again
            rel = by_path.get(path)
            if rel is not None:
                self.records[rel] = (_stat(Path(path)), self.records[rel][1])

    def _relist(self, errors: list[str], readable: list[Post]) -> list:
        """List every page again, from all the entries; the pages whose fingerprint changed."""
        site = self.site
        self.posts, self.warnings = assemble(site, readable)
        self.warnings = self.link_warnings + [f"{e}; the entry is left out of the site" for e in errors] + self.warnings
        self.warnings += self.stories.warnings
        feed_sets = feeds.feed_sets(site)
        by_story = sitemap.link_stories(self.posts)
        for post in self.posts:
            _fingerprint_post(post)
        if self.listing is None or self.listing[0] is not self.env:
            self.listing = self.env, sitemap.Listing(attrgetter("fp"))     # the pages of other templates
        self.pages = self.listing[1].pages(site, self.posts, by_story)
        self.pages_by_post = None
        self.shown = {id(post) for post in self.posts}
        self.chosen = {feed: feeds.feed_posts(site, feed, self.posts) for feed in feed_sets}
        self.common = shared_context(site, self.statics, feed_sets)
        common_fp = fingerprint(self.common, site)
        everything = common_fp != self.common_fp       # e.g. a new stylesheet: its hash is on every page
        once = self.env.globals["once"]
        if everything or len(once.made) > 4 * len(self.posts) + 1000:
            once.clear()                # cards made with what every page showed before, or too many old ones
        fps, stale = {}, []
        for page in self.pages:
            fp = page.fp or self._page_fp(page)     # a page the listing kept has its fingerprint
            fps[page.out] = fp
            if everything or self.page_fps.get(page.out) != fp:
                stale.append(page)
        self.page_fps, self.common_fp = fps, common_fp
        return stale

    def _page_fp(self, page) -> tuple:
        """The page's fingerprint, kept on it."""
        page.fp = self._template_key(page.template), page.template, page.url, fingerprint(page.context, self.site)
        return page.fp

    def _edits_in_place(self, before: dict) -> list | None:
        """When every file touched was an entry before and still is one that sits where it sat (same
        id, URL, time, themes, story, outlet: only its text changed), the posts as they were and as
        they are; else None (the pages are listed again)."""
        edits = []
        for rel, old in before.items():
            new = self.records.get(rel)
            if old is None or new is None or not isinstance(old[1], Post) or not isinstance(new[1], Post):
                return None
            if _place(old[1]) != _place(new[1]):
                return None
            edits.append((old[1], new[1], rel))
        return edits

    def _restale(self, edits: list) -> list | None:
        """Text edits: the pages are the same ones, showing the same entries; the edited posts take
        their new text in place (the pages' contexts hold them) and only the pages that show them,
        directly or as another report of a story, are looked at again. None when an edited post is
        not one the pages hold (say, a file left out for its id)."""
        if any(id(old) not in self.shown for old, _, _ in edits):
            return None
        if self.pages_by_post is None:
            self.pages_by_post = {}
            for page in self.pages:
                for post in _posts_in(page.context):
                    self.pages_by_post.setdefault(id(post), []).append(page)
        touched = []
        for old, new, rel in edits:
            if old is not new:
                _take_over(old, new)
                self.records[rel] = (self.records[rel][0], old)
            touched.append(old)
        for post in {id(p): p for t in touched for p in (t, *t.others)}.values():
            _fingerprint_post(post)
        stale = []
        for page in {id(p): p for t in touched for p in self.pages_by_post.get(id(t), [])}.values():
            fp = self._page_fp(page)
            if self.page_fps.get(page.out) != fp:
                self.page_fps[page.out] = fp
                stale.append(page)
        return stale

    def close(self):
        if self.search:
            self.search.close()
        self.markdown.save()
        self.output.finish()            # a first build's twin, made meanwhile
        if self.watch:
            try:
                with build_lock(self.site, wait=2):
                    self.output.save()      # what is known of output/, for the next plain build
            except (OSError, Busy):
                pass            # the state file says nothing is known: the next build makes its twin afresh


class _SearchFollower:
    """Makes the search index again in the background once edits pause (Pagefind takes seconds;
    the pages come first), then puts it in output/ with the same writer. A newer build cancels a
    run under way."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.error = None
        self.number = 0             # the newest request; a run for an older one is given up
        self.wanted = None          # (number, posts, when to start)
        self.busy = False
        self.closed = False
        self.state = threading.Condition()
        self.thread = threading.Thread(target=self._run, name="search index", daemon=True)
        self.thread.start()

    @property
    def files(self) -> set[str]:
        return set(self.engine.search_files)

    def follow(self, posts, pause: float = SEARCH_PAUSE):
        with self.state:
            self.number += 1
            self.wanted = (self.number, list(posts), time.monotonic() + pause)
            self.state.notify_all()

    def cancel(self):
        with self.state:
            self.number += 1
            self.wanted = None
            self.state.notify_all()

    def wait(self, timeout: float = 600) -> bool:
        """Until the index of the last good build is in output/ (for tests and the benchmark)."""
        with self.state:
            if self.wanted:
                self.wanted = self.wanted[:2] + (0,)        # no need to wait for a pause
                self.state.notify_all()
            return self.state.wait_for(lambda: self.wanted is None and not self.busy, timeout)

    def close(self):
        with self.state:
            self.closed = True
            self.number += 1
            self.state.notify_all()

    def _current(self, number) -> bool:
        with self.state:
            return not self.closed and self.number == number

    def _run(self):
        while True:
            with self.state:
                while not self.closed and (self.wanted is None or self.wanted[2] > time.monotonic()):
                    self.state.wait(None if self.wanted is None else self.wanted[2] - time.monotonic())
                if self.closed:
                    return
                number, posts, _ = self.wanted
                self.wanted, self.busy = None, True
            try:
                self._index(number, posts)
            finally:
                with self.state:
                    self.busy = False
                    self.state.notify_all()

    def _index(self, number, posts):
        engine = self.engine
        indexer = search.Indexer(posts, engine.site, engine.cache_dir)
        if not self._current(number):
            return
        indexer.start()
        while indexer.running():
            if not self._current(number):
                indexer.stop()
                return
            time.sleep(0.05)
        try:
            with build_lock(engine.site), engine.lock:
                self._put(number, indexer)
        except Busy as err:
            self.error = str(err)

    def _put(self, number, indexer):
        engine = self.engine
        made = indexer.files()      # under the lock: it tidies the cache's bundles, which a plain build shares
        if not self._current(number) or engine.took_up_other_build():
            return          # a newer build, or a plain one that put its own index in place
        self.error = indexer.error
        output = engine.output
        try:
            output.begin()
            for rel, source in made.items():
                output.link(rel, source)
            output.commit(engine.files | set(made))
            engine.search_files = made
        except Missing:
            output.discard()        # gone from output/ by hand: the next build renders everything again
            engine.render_everything()
        except OSError as err:
            output.discard()
            self.error = f"cannot write the search index into {engine.site.output_dir} ({err.strerror or err})"
