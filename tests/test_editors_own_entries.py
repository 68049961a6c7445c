"""An editor's own entry needs only a headline and text: its id comes from its path, and what else
is missing gets the documented defaults."""
import json
import os
from datetime import datetime, timezone

from conftest import run_build

OWN = """---
title: A note from the desk
---

Our own words about the week, written by hand.
"""


def test_an_entry_with_only_a_headline_and_text_is_on_the_site(site_dir):
    own = site_dir / "content" / "desk" / "a-note.md"
    own.parent.mkdir(parents=True)
    own.write_text(OWN)
    when = datetime(2025, 7, 11, 15, 0, tzinfo=timezone.utc).timestamp()
    os.utime(own, (when, when))
    result = run_build(site_dir)
    assert "left out of the site" not in result.stderr, result.stderr
    assert result.returncode == 0, result.stderr
    page = site_dir / "output" / "2025" / "07" / "11" / "a-note" / "index.html"
    assert page.is_file()
    assert "A note from the desk" in page.read_text()
    feed = json.loads((site_dir / "output" / "feed.json").read_text())
    assert any(item["id"].endswith(":desk/a-note") for item in feed["items"])
    assert own.read_text() == OWN           # the editor's file is never touched
    explained = run_build(site_dir, "--explain", "desk/a-note")
    assert explained.returncode == 0 and "A note from the desk" in explained.stdout
