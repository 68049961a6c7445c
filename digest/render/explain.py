"""--explain: why an entry is (or is not) in each theme, read exactly as the site reads it."""
from pathlib import Path

from ..content import Store
from ..group.themes import explain
from .posts import judge, machine_groups, read_entry, theme_rules


class NotFound(Exception):
    """Neither an entry file nor the id of one; str() says so."""


class Unreadable(Exception):
    """An entry the site cannot show; str() names its file and line."""


def explain_entry(site, wanted: str) -> str:
    """Each theme's score and evidence for one entry (a file path or an id), and the themes the
    site gives it. NotFound when there is no such entry, Unreadable when the site cannot show it."""
    path = Path(wanted)
    if not path.is_file():
        path = Store(site.content_dir, (site.root,)).files.get(wanted)
    if path is None or not Path(path).is_file():
        raise NotFound(f"{wanted} is neither an entry file nor the id of an entry in {site.content_dir}")
    path = Path(path).resolve()
    rel = path.relative_to(site.root).as_posix() if path.is_relative_to(site.root) else str(path)
    post = read_entry(path, rel, site)
    if isinstance(post, str):
        raise Unreadable(post)
    judge(post, site, machine_groups(site))
    lines = [f"{rel}: {post.title}"]
    lines += [explain(evidence) for evidence in theme_rules(site).evidence(post.title, list(post.text))]
    how = ("set by hand in the entry's front matter: the build keeps them" if post.themes_by_hand
           else "from the rules above; to set them by hand, add a 'themes:' line to the entry")
    lines.append(f"themes on the site: {', '.join(post.themes) or 'none'} ({how})")
    return "\n".join(lines)
