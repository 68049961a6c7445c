"""The Jinja2 environment: the site's templates over the shipped ones, and the filters they use."""
import dataclasses
import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import jinja2
import markupsafe

from ..uptodate import CACHE_DIR, template_folders


class TemplateError(Exception):
    """A template that cannot be loaded or rendered; str() names the file and line."""


def environment(site) -> jinja2.Environment:
    # A site's own templates/ first; any template it lacks comes from the shipped set.
    folders = [str(f) for f in template_folders(site)]
    # Compiled templates are kept in .digest-cache/ (keyed by each source's checksum): a plain build
    # would otherwise compile every template it renders again, a fifth of a second.
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(folders), autoescape=True, auto_reload=False,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True, bytecode_cache=_bytecode_cache(site))
    zone = ZoneInfo(site.timezone)
    base_path, base_url = site.base_path, site.base_url
    env.filters.update(
        url=lambda path="": base_path + path.lstrip("/"),
        abs_url=lambda path="": base_url + path.lstrip("/"),
        shown=lambda post: shown_time(post, zone),
        iso=lambda post: post.iso,
        local=lambda when, fmt="iso": (when.astimezone(zone).isoformat(timespec="minutes") if fmt == "iso"
                                       else when.astimezone(zone).strftime(fmt)),
        day=_day,
        jsonld=jsonld,
    )
    env.globals["once"] = Once()
    return env


def _bytecode_cache(site) -> jinja2.BytecodeCache | None:
    folder = site.root / CACHE_DIR / "jinja"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None                 # no cache folder: templates are compiled each time
    return jinja2.FileSystemBytecodeCache(str(folder))


class Once:
    """`once(macro, args…)` in a template: the macro's output for these arguments, made the first
    time and then reused (a card shows on its themes', its outlet's and its day's pages alike: each
    is made once instead of three or four times). Only for a macro whose output depends on nothing
    but its arguments and what every page shares; keyed by its name. An entry stands for its
    fingerprint (its file, its place, its themes, its story's reports), so what was made stays
    good from build to build while the entry stays the same (--watch renders a save's pages with the
    cards of the last); the engine clears it when what every page shares changes."""

    def __init__(self):
        self.made: dict[tuple, tuple] = {}

    def __call__(self, macro, *args):
        key = (macro.name, *map(_once_key, args))
        found = self.made.get(key)
        if found is None:
            found = self.made[key] = (args, macro(*args))   # the arguments are kept: no id is reused meanwhile
        return found[1]

    def clear(self):
        self.made.clear()


def _once_key(value):
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    fp = getattr(value, "fp", None)
    if fp is not None:
        return "entry", fp
    if dataclasses.is_dataclass(value) and value.__dataclass_params__.frozen:
        return value            # compared by value (a story's id, link and count)
    return "object", id(value)


def compile_all(env: jinja2.Environment):
    """Compile every template now, so that the workers forked later share them instead of each
    compiling its own. One that does not compile is left for the page that uses it to report."""
    for name in env.list_templates(extensions=("html", "xml", "txt")):
        if not name.startswith("static/"):
            try:
                env.get_template(name)
            except Exception:       # reported, with its line, by the render if a page uses it
                pass


def shown_time(post, zone: ZoneInfo) -> str:
    """The time in words, to the precision known: '12 July 2025, 14:17 JST'; '12 July 2025, about
    14:00 JST' for hour precision; '12 July 2025' for a day."""
    if post.precision == "day":
        return _day(post.day)
    local = post.published.astimezone(zone)
    if post.precision == "hour":    # known to the hour: say so, rounded to it
        local = (local + timedelta(minutes=30)).replace(minute=0)
        return f"{_day(local)}, about {local:%H:%M} {local:%Z}"
    return f"{_day(local)}, {local:%H:%M} {local:%Z}"


def _day(when) -> str:
    return f"{when.day} {when:%B %Y}"


def jsonld(data) -> markupsafe.Markup:
    """JSON for a <script type="application/ld+json">: '<' is escaped so no text can end the script."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=None, separators=(",", ":"))
    return markupsafe.Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def render(env: jinja2.Environment, template: str, context: dict) -> str:
    try:
        return env.get_template(template).render(context)
    except jinja2.TemplateSyntaxError as err:
        raise TemplateError(f"{err.filename or err.name}:{err.lineno}: {err.message}") from None
    except jinja2.TemplateNotFound as err:
        raise TemplateError(f"template {err.name!r} not found in {env.loader.searchpath[0]} nor in the "
                            "shipped templates") from None
    except Exception as err:        # an error while rendering: find the template line in the traceback
        raise TemplateError(f"{_where(err, template)}: {type(err).__name__}: {err}") from None


def _where(err: Exception, template: str) -> str:
    tb, where = err.__traceback__, template
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".txt", ".svg")):
            where = f"{filename}:{tb.tb_lineno}"
        tb = tb.tb_next
    return where
