"""The editor's view of --watch, in headless Chromium: a saved headline shows up by itself; a broken
entry shows its file and line over the page, and fixing it clears that."""
import random

from browser import chromium, needs_browser
from watch_helpers import Watcher, make_site, save_atomically


@needs_browser()
def test_the_open_page_follows_the_editor(tmp_path):
    site = make_site(tmp_path, random.Random(21), entries=4)
    entry = site / "content" / "generated-00001.md"
    watcher = Watcher(site)
    try:
        page_path = next((site / "output").glob(f"*/*/*/{entry.stem}/index.html")).parent
        url = watcher.url + page_path.relative_to(site / "output").as_posix() + "/"
        with chromium() as browser:
            page = browser.new_page()
            page.goto(url)
            assert "Generated headline number 1" in page.inner_text("h1")
            page.evaluate("window.notReloadedYet = true")

            good = entry.read_text(encoding="utf-8")
            save_atomically(entry, good.replace("title: Generated headline", "title: Retitled headline", 1))
            page.wait_for_function("() => document.querySelector('h1')?.textContent.includes('Retitled headline')",
                                   timeout=20000)
            assert page.evaluate("window.notReloadedYet") is None       # a reload, not a script's edit

            fixed = entry.read_text(encoding="utf-8")
            save_atomically(entry, fixed.replace("title: ", "title: [broken ", 1))
            overlay = page.wait_for_selector("#digest-build-error", state="visible", timeout=20000)
            assert "content/generated-00001.md:3" in overlay.inner_text()
            assert page.get_attribute("#digest-build-error", "role") == "alert"
            assert "Retitled headline" in page.inner_text("h1")        # the last good page, still there

            save_atomically(entry, fixed)
            page.wait_for_selector("#digest-build-error", state="detached", timeout=20000)
            page.wait_for_function("() => document.querySelector('h1')?.textContent.includes('Retitled headline')",
                                   timeout=20000)
        assert watcher.interrupt() == 0
        assert "Traceback" not in watcher.stderr
    finally:
        watcher.close()
