"""The search index: Pagefind, fed one record per entry (headline + text), run offline at build time.
The index is rebuilt only when the records change; otherwise the last one is reused from the cache."""
import asyncio
import hashlib
import re
import shutil
from pathlib import Path

BUNDLE = "pagefind"
_TAGS = re.compile(r"<[^>]+>")


def records(posts, base_path: str) -> list[dict]:
    out = []
    for post in posts:
        text = _TAGS.sub(" ", post.html)
        out.append({"url": base_path + post.path, "content": f"{post.title}\n{text}",
                    "meta": {"title": post.title, "source": post.source or "", "date": post.day.isoformat()}})
    return out


def _key(recs: list[dict], language: str) -> str:
    h = hashlib.sha256(language.encode())
    for r in recs:
        h.update(repr((r["url"], r["content"], sorted(r["meta"].items()))).encode("utf-8"))
    return h.hexdigest()


async def _index(recs: list[dict], language: str, folder: Path):
    from pagefind.index import IndexConfig, PagefindIndex
    config = IndexConfig(output_path=str(folder), force_language=language)
    async with PagefindIndex(config) as index:
        for start in range(0, len(recs), 200):
            await asyncio.gather(*(index.add_custom_record(url=r["url"], content=r["content"], language=language,
                                                           meta=r["meta"]) for r in recs[start:start + 200]))


def bundle(posts, site, cache_dir: Path) -> dict[str, bytes]:
    """Files of the search bundle, by path below output/."""
    recs = records(posts, site.base_path)
    language = site.language.split("-")[0] or "en"
    key = _key(recs, language)
    folder = cache_dir / "search"
    stamp = folder / ".key"
    if not (stamp.exists() and stamp.read_text() == key):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        asyncio.run(_index(recs, language, folder.resolve() / BUNDLE))
        stamp.write_text(key)
    root = folder / BUNDLE
    return {f"{BUNDLE}/{p.relative_to(root).as_posix()}": p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}
