"""Grouping over content/: each entry's themes and story, from what the entry says now.

Every entry is grouped the same way, whoever wrote it (the normalizer, an editor who changed it, an
editor who wrote it): its themes come from its headline and text and site.yaml's rules, its story
from its likeness to the other entries. A `themes` or `story` value an editor set in an entry's
front matter stands (render/posts.judge tells one from what the build itself wrote there).

Themes belong to one entry and are found where the entry is read (themes.classifier). Stories link
entries, so they are worked out over all of them here; their ids are remembered in content/ so that
a story keeps its id from build to build, and on every machine the content/ folder goes to.
"""
import hashlib
import json
from operator import attrgetter
from pathlib import Path

from ..files import write_atomic
from .stories import Item, Rarity, StoryIndex, named, story_ids  # noqa: F401 (Item: for callers)

STORY_FILE = ".stories.json"     # in content/: the story id each entry had at the last build
_by_time = attrgetter("published", "key")


def _digest(texts: tuple) -> bytes:
    h = hashlib.blake2b(digest_size=16)
    for text in texts:
        h.update(text.encode("utf-8", "surrogatepass") + b"\0")
    return h.digest()


class Stories:
    """The story of every entry, ids kept from the last build (content/.stories.json). The reports'
    vectors and similar pairs are kept in memory between builds (StoryIndex): a build works out
    only the pairs of what changed, which --watch relies on."""

    def __init__(self, content_dir: Path):
        self.path = Path(content_dir) / STORY_FILE
        self.ids = self._load()
        self.index = StoryIndex()
        self.warnings: list[str] = []
        self.wrote: dict[str, str] = {}         # file → SHA-256 of what was written into it
        self._rarity: tuple[tuple, Rarity] | None = None      # (what it was learnt from, the rarity)
        self._named: tuple | None = None                      # (the last labels, the stories named from them)

    def _load(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            stories = data.get("stories") if isinstance(data, dict) else None
            if isinstance(stories, dict):
                return {str(k): str(v) for k, v in stories.items()}
        except (OSError, ValueError):
            pass            # a lost memory only means stories may get new ids
        return {}

    def rarity(self, ordered: list[Item]) -> Rarity:
        """The word rarity of these reports (ordered by time): the last one while it was learnt from
        the same texts, else learnt again (by what changed, where the last one's texts are known)."""
        sources = Rarity.sources(ordered)
        if self._rarity is not None:
            seen, rarity = self._rarity
            if seen == sources or (isinstance(seen, bytes) and seen == _digest(sources)):
                self._rarity = sources, rarity
                return rarity
        before = self._rarity if self._rarity is not None and isinstance(self._rarity[0], tuple) else None
        self._rarity = sources, Rarity.learn(sources, before)
        return self._rarity[1]

    def kept(self) -> dict:
        """What a build keeps for the next one: the index, and the rarity with a hash of its texts."""
        rarity = self._rarity and (_digest(self._rarity[0]) if isinstance(self._rarity[0], tuple) else self._rarity[0],
                                   self._rarity[1])
        return {"index": self.index, "rarity": rarity}

    def take_up(self, kept: dict):
        self.index, self._rarity = kept["index"], kept["rarity"]

    def assign(self, items: list[Item]) -> dict[str, str | None]:
        """key → story id, or None for a lone report; the memory is brought up to date."""
        self.warnings = []
        ordered = sorted(items, key=_by_time)
        labels = self.index.group(ordered, self.rarity(ordered))
        if self._named is not None and self._named[0] is labels:
            return self._named[1]           # nothing moved: the same stories, the same ids
        relabelled = self.index.relabelled
        if self._named is not None and relabelled is not None:
            found = self._renamed(labels, relabelled)
        else:
            found = named(labels, self.ids)
        ids = {key: story for key, story in found.items() if story}
        if ids != self.ids:
            self._save(ids)
        self._named = labels, found
        return found

    def _renamed(self, labels: dict, relabelled: set[str]) -> dict[str, str | None]:
        """named(labels, self.ids) when only the stories of `relabelled` may have changed since
        the last naming: every other story keeps its id (no report of a changed story carried it,
        so none claims it)."""
        found = dict(self._named[1])
        for key in found.keys() - labels.keys():
            del found[key]
        groups = {labels[key]: self.index.members[labels[key]] for key in relabelled if labels[key]}
        names = story_ids(groups, self.ids)
        for key in relabelled:
            found[key] = names[labels[key]] if labels[key] else None
        return found

    def _save(self, ids: dict[str, str]):
        self.ids = ids
        if not self.path.parent.is_dir():
            return
        # An entry a line (the file is committed with content/, so diffs stay small), sorted, and
        # without indent: json's C encoder takes none (the Python one took 20 ms a save at 10,000).
        data = json.dumps({"format": 1, "stories": ids}, ensure_ascii=False, sort_keys=True,
                          separators=(",\n", ": ")) + "\n"
        try:
            write_atomic(self.path, data.encode("utf-8"))
            self.wrote[str(self.path)] = hashlib.sha256(data.encode("utf-8")).hexdigest()
        except OSError as err:
            self.warnings.append(f"{self.path}: cannot remember the stories' ids ({err.strerror or err}); "
                                 "they may change at the next build. Check that the folder is writable.")
