"""Grouping over content/: each entry's themes and story, from what the entry says now.

Every entry is grouped the same way, whoever wrote it (the normalizer, an editor who changed it, an
editor who wrote it): its themes come from its headline and text and site.yaml's rules, its story
from its likeness to the other entries. A `themes` or `story` key in an entry's front matter is an
editor's word and stands: the machine never writes those keys.

Themes belong to one entry and are found where the entry is read (themes.classifier). Stories link
entries, so they are worked out over all of them here; their ids are remembered in content/ so that
a story keeps its id from build to build, and on every machine the content/ folder goes to.
"""
import json
from pathlib import Path

from ..files import write_atomic
from .stories import Inputs, Item, cluster_inputs, inputs, named  # noqa: F401 (Item: for callers)

STORY_FILE = ".stories.json"     # in content/: the story id each entry had at the last build


class Stories:
    """The story of every entry, ids kept from the last build (content/.stories.json). The last
    clustering is kept in memory and used again while its inputs stay the same (an edit that
    changes no headline, lede, time or word rarity), which --watch relies on."""

    def __init__(self, content_dir: Path):
        self.path = Path(content_dir) / STORY_FILE
        self.memory = self._load()
        self.warnings: list[str] = []
        self._last: tuple[Inputs, dict] | None = None

    def _load(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            stories = data.get("stories") if isinstance(data, dict) else None
            if isinstance(stories, dict):
                return {str(k): str(v) for k, v in stories.items()}
        except (OSError, ValueError):
            pass            # a lost memory only means stories may get new ids
        return {}

    def assign(self, items: list[Item]) -> dict[str, str | None]:
        """key → story id, or None for a lone report; the memory is brought up to date."""
        self.warnings = []
        given = inputs(items)
        if self._last is None or self._last[0] != given:
            self._last = given, cluster_inputs(given)
        found = named(self._last[1], self.memory)
        memory = {key: story for key, story in sorted(found.items()) if story}
        if memory != self.memory:
            self._save(memory)
        return found

    def _save(self, memory: dict[str, str]):
        self.memory = memory
        if not self.path.parent.is_dir():
            return
        data = json.dumps({"format": 1, "stories": memory}, indent=1, ensure_ascii=False) + "\n"
        try:
            write_atomic(self.path, data.encode("utf-8"))
        except OSError as err:
            self.warnings.append(f"{self.path}: cannot remember the stories' ids ({err.strerror or err}); "
                                 "they may change at the next build. Check that the folder is writable.")
