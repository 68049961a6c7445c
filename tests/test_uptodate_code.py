"""The up-to-date check and the caches are keyed by what builds the site, not only by what it is built
from: the package's own code (its source files and the line-role model), and the versions of the
libraries that shape the output. These tests build with a copy of the project, and change the copy."""
import shutil
import subprocess
import sys
import time

from conftest import ROOT


def project_copy(where):
    """build.py, the package and the shipped templates, as a checkout holds them."""
    where.mkdir(parents=True)
    shutil.copy(ROOT / "build.py", where / "build.py")
    shutil.copytree(ROOT / "digest", where / "digest", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "templates", where / "templates")
    return where


def site_copy(where):
    where.mkdir(parents=True)
    (where / "site.yaml").write_text((ROOT / "site.yaml").read_text(encoding="utf-8") + "search: false\n",
                                     encoding="utf-8")
    shutil.copytree(ROOT / "seeds", where / "seeds")
    shutil.copytree(ROOT / "content", where / "content")
    return where


def build(project, site) -> str:
    result = subprocess.run([sys.executable, str(project / "build.py")], cwd=site, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stderr


def settle(project, site):
    """Build until the build has nothing to do (the first may write content/ while it runs)."""
    for _ in range(3):
        time.sleep(1.1)                 # past the guard for files changed during a build
        if "nothing changed since the last build" in build(project, site):
            return
    raise AssertionError("the build never settled")


def test_a_change_to_the_packages_code_is_noticed(tmp_path):
    project, site = project_copy(tmp_path / "project"), site_copy(tmp_path / "site")
    build(project, site)
    settle(project, site)

    # A comment appended to a helper of the renderer: the code changed, so the next build does the work.
    chart = project / "digest" / "render" / "chart.py"
    chart.write_text(chart.read_text(encoding="utf-8") + "\n# a comment, in the copy\n", encoding="utf-8")
    said = build(project, site)
    assert "nothing changed" not in said and "rendered" in said
    settle(project, site)

    # A change to how Markdown becomes HTML (not to the engine's version or options) reaches every
    # entry's page: neither the up-to-date check nor the Markdown cache keeps the old HTML.
    markup = project / "digest" / "render" / "markup.py"
    text = markup.read_text(encoding="utf-8")
    assert "link_rel=LINK_REL)\n" in text
    markup.write_text(text.replace("link_rel=LINK_REL)\n", "link_rel=LINK_REL).replace('<p>', '<p class=\"t\">')\n",
                                   1), encoding="utf-8")
    said = build(project, site)
    assert "nothing changed" not in said
    entry = next((site / "output").glob("2025/07/*/*/index.html"))
    assert '<p class="t">' in entry.read_text(encoding="utf-8")


def test_the_code_fingerprint_covers_sources_model_and_library_versions(tmp_path):
    from digest.uptodate import code_fingerprint
    package = project_copy(tmp_path / "project") / "digest"
    versions = {"cmarkgfm": "2025.10.22", "jinja2": "3.1.6"}
    first = code_fingerprint(package, versions)
    assert code_fingerprint(package, dict(versions)) == first
    assert code_fingerprint(package, {**versions, "cmarkgfm": "2026.1.1"}) != first     # an upgrade
    (package / "__pycache__").mkdir(exist_ok=True)
    (package / "__pycache__" / "cli.cpython-311.pyc").write_bytes(b"compiled")
    assert code_fingerprint(package, versions) == first                                # not source
    model = package / "ingest" / "line_roles.pkl"
    model.write_bytes(model.read_bytes() + b"\0")
    assert code_fingerprint(package, versions) != first                                # the model file


def test_an_up_to_date_build_reads_no_settings_and_still_sees_every_change(tmp_path):
    """While site.yaml is as it was, the check takes the site's folders from the last build's record:
    PyYAML is not even imported. A change to site.yaml, or to an entry, is seen all the same."""
    import re

    project, site = project_copy(tmp_path / "project"), site_copy(tmp_path / "site")
    build(project, site)
    settle(project, site)
    quick = subprocess.run([sys.executable, "-X", "importtime", str(project / "build.py")], cwd=site,
                           capture_output=True, text=True, timeout=300)
    assert quick.returncode == 0 and "nothing changed since the last build" in quick.stderr
    assert not re.search(r"\| +(yaml|digest\.config)$", quick.stderr, re.M)

    config = site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("items: 50", "items: 7", 1),
                      encoding="utf-8")
    said = build(project, site)
    assert "nothing changed" not in said and "rendered" in said
    settle(project, site)
    entry = next((site / "content").glob("*.md"))
    entry.write_text(entry.read_text(encoding="utf-8") + "\nOne more paragraph.\n", encoding="utf-8")
    said = build(project, site)
    assert "nothing changed" not in said and "rendered" in said


def test_a_build_with_no_dumps_to_normalize_never_loads_the_normalizer(tmp_path):
    """Whether seeds/ is empty or not there at all, the build renders content/ without importing the
    normalizer or scikit-learn (a second of start-up); a missing seeds/ is said, naming the folder."""
    import re

    project = project_copy(tmp_path / "project")
    for case in ("empty seeds", "no seeds"):
        site = site_copy(tmp_path / case)
        shutil.rmtree(site / "seeds")
        if case == "empty seeds":
            (site / "seeds").mkdir()
        run = subprocess.run([sys.executable, "-X", "importtime", str(project / "build.py")], cwd=site,
                             capture_output=True, text=True, timeout=300)
        assert "rendered 7 entries" in run.stderr, run.stderr[-2000:]
        loaded = set(re.findall(r"^import time: +\d+ \| +\d+ \| +(\S+)$", run.stderr, re.M))
        assert "digest.render.engine" in loaded             # the reading is real: the renderer was loaded
        assert not loaded & {"digest.pipeline", "digest.ingest.extract", "sklearn"}, case
        said = [line for line in run.stderr.splitlines() if not line.startswith("import time:")]
        missing = [line for line in said if "no such folder" in line]
        if case == "no seeds":
            assert missing == [f"warning: {site / 'seeds'}: no such folder; nothing to normalize. Put the raw dumps "
                               "(.txt), saved pages (.html) or feeds (.xml, .json) there, or set normalize.seeds in "
                               "site.yaml."] and run.returncode != 0
        else:
            assert missing == [] and run.returncode == 0
