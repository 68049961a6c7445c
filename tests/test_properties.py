"""Properties over generated input: no text crashes the normalizer; no editor change is lost."""
import re
import shutil
from pathlib import Path

from hypothesis import example, HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, editor_view
from digest.config import load
from digest.content import Store, parse
from digest.ingest.dump import ingest
from digest.pipeline import normalize

# Lines shaped like the parts of real dumps, so generated dumps reach the layout rules.
PIECES = st.sampled_from([
    "", "logo", "Related Articles", "Hashtags", "Comments", "No comments yet...", "time6 hours ago",
    "an hour ago", "Japan Today2 days ago", "  • Japan Today", "- Kyodo News", "By JANE DOE", "By",
    "© Copyright 2025 The Associated Press.", "[Copyright The Jiji Press, Ltd.]", "TOKYO (Kyodo) -- Talks went on.",
    "Jul 12, 2025 13:17 (JST)", "Published: 14 Jul. 2025, 19:40", "Photo by A/B", "(AP Photo/X)", "Advertisement",
    "Markets slide as talks stall", "Markets slide as talks stall",
    "The minister said the talks would continue next week in the capital, officials added.",
    "999999 days ago", "0 seconds ago", "Sat, 31 Feb 2025", "2025-13-45", "By , and ,", "(", ")", "---", "#", "* ",
])
LINES = st.lists(st.one_of(PIECES, st.text(max_size=80)), max_size=40)


@settings(max_examples=300, deadline=None)
@given(LINES)
def test_no_text_crashes_the_normalizer(lines):
    result = ingest("gen.txt", "\n".join(lines).encode("utf-8", "surrogatepass"))
    for a in result.articles:
        assert a.body and all(isinstance(p, str) for p in a.body)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_no_bytes_crash_the_normalizer(data):
    ingest("gen.bin", data)


EDITS = st.lists(st.tuples(st.sampled_from(["title", "body", "delete", "add-dump", "rerun"]),
                           st.integers(0, 6), st.text(alphabet="abcdefghij .,", min_size=1, max_size=20)),
                 min_size=1, max_size=6)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(EDITS)
def test_no_editor_change_is_ever_lost(tmp_path_factory, edits):
    site = tmp_path_factory.mktemp("prop") / "site"
    site.mkdir()
    shutil.copy(ROOT / "site.yaml", site / "site.yaml")
    (site / "seeds").mkdir()
    shutil.copy(ROOT / "seeds" / "000_6ae405936bc94fda.txt", site / "seeds")
    config = load(site / "site.yaml")
    normalize(config)
    content = site / "content"
    expected: dict[Path, str] = {}          # files an editor changed, with their text
    deleted: set[str] = set()
    for action, n, text in edits:
        files = sorted(p for p in content.glob("*.md"))
        target = files[n % len(files)] if files else None
        if action in ("title", "body") and target is not None:
            before = target.read_text()
            if action == "title":
                raw = re.sub(r"^title: .*$", lambda _m: f"title: {text!r}", before, count=1, flags=re.M)
            else:
                raw = before + f"\n{text}\n"
            if raw != before:
                target.write_text(raw)
                expected[target] = raw
        elif action == "delete" and target is not None:
            deleted.add(parse(target.read_text(), target)[0]["id"])
            target.unlink()
            expected.pop(target, None)
        elif action == "add-dump":
            shutil.copy(ROOT / "seeds" / "004_359a90b7b5b3a687.txt", site / "seeds")
        normalize(config)
        for path, raw in expected.items():
            now = path.read_text()
            # Only the machine-owned fields may change in an edited entry.
            assert editor_view(now) == editor_view(raw)
        ids = {parse(p.read_text(), p)[0]["id"] for p in content.glob("*.md")}
        assert not ids & deleted
    assert Store(content).warnings == []


MARKDOWN_SYNTAX = st.lists(st.sampled_from(list("ab 1.)#>-+*_`[]()!<>&;\\|=~:/") + ["&amp;", "&#39;", "<script>",
                                                                                     "javascript:", "  "]),
                           max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@example("-- -")        # a thematic break
@example("~~~ python")  # a code fence
@example("2.")          # an empty list item
@example("1986) was a year")
@given(st.one_of(MARKDOWN_SYNTAX, st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=60)))
def test_dump_text_written_as_markdown_renders_as_exactly_that_text(text):
    """Whatever characters a dump holds, its paragraph shows as those characters (one <p>, no markup),
    through the site's own renderer. The text is first read as a dump is (invisible controls dropped)."""
    import html
    from digest.content import markdown_paragraph
    from digest.ingest.read import clean
    from digest.render.markup import Renderer
    paragraph = " ".join(clean(text).split())
    if not paragraph:
        return
    rendered = Renderer()(markdown_paragraph(paragraph)).strip()
    assert rendered.startswith("<p>") and rendered.endswith("</p>"), (paragraph, rendered)
    inner = rendered[3:-4]
    assert "<" not in inner.replace("&lt;", "")
    assert html.unescape(inner) == paragraph
