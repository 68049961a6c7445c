"""python build.py as a user meets it: help, quiet and verbose, exit codes, config errors."""
import time

from conftest import run_build


def test_help(site_dir):
    result = run_build(site_dir, "--help")
    assert result.returncode == 0
    for word in ("--config", "-q", "-v", "Exit codes"):
        assert word in result.stdout


def test_bad_usage_exits_2(site_dir):
    result = run_build(site_dir, "--no-such-flag")
    assert result.returncode == 2
    assert "unrecognized arguments" in result.stderr


def test_quiet_prints_nothing_when_all_is_well_and_verbose_lists_entries(site_dir):
    verbose = run_build(site_dir, "-v")
    assert verbose.returncode == 0
    assert verbose.stderr.count("  new: content/") == 7 and "normalized 2 dumps" in verbose.stderr
    assert "rendered 7 entries" in verbose.stderr
    quiet = run_build(site_dir, "-q")
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")


def build_with_site_yaml_line(site_dir, old: str, new: str):
    """Replace one line of site.yaml, build, and return the result and the new line's number."""
    text = (site_dir / "site.yaml").read_text()
    assert old in text
    text = text.replace(old, new)
    (site_dir / "site.yaml").write_text(text)
    first = new.splitlines()[0]
    return run_build(site_dir), next(n for n, l in enumerate(text.splitlines(), 1) if l.startswith(first))


def test_broken_site_yaml_names_file_and_line_and_exits_2(site_dir):
    result, line = build_with_site_yaml_line(site_dir, "language: en", "language: [en")
    assert result.returncode == 2
    assert f"site.yaml:{line}:" in result.stderr
    assert list((site_dir / "content").glob("*.md")) == []     # nothing is written under a bad config


def test_wrong_type_in_site_yaml_names_the_key(site_dir):
    result, line = build_with_site_yaml_line(site_dir, "  items: 50", "  items: lots")
    assert result.returncode == 2
    assert f"site.yaml:{line}: 'feeds.items' must be a whole number" in result.stderr


def test_unknown_timezone_is_explained(site_dir):
    result, _ = build_with_site_yaml_line(site_dir, "timezone: Asia/Tokyo", "timezone: Mars/Olympus")
    assert result.returncode == 2 and "unknown time zone 'Mars/Olympus'" in result.stderr


def test_pinned_capture_time_from_site_yaml(site_dir):
    result, _ = build_with_site_yaml_line(site_dir, "  captured: {}",
                                          "  captured:\n    004_359a90b7b5b3a687.txt: 2025-07-12T10:00:00+00:00")
    assert result.returncode == 0
    entry = (site_dir / "content" / "rubio-to-meet-lavrov-while-u-s-sends-more-weapons-to-ukraine.md").read_text()
    assert "captured: '2025-07-12T10:00:00+00:00'" in entry


def test_missing_site_yaml(tmp_path):
    result = run_build(tmp_path)
    assert result.returncode == 2 and "site.yaml: not found" in result.stderr


def test_bad_theme_rule_is_explained(site_dir):
    result, _ = build_with_site_yaml_line(site_dir, '        "tariff*": 1', '        "tariff*": lots')
    assert result.returncode == 2
    assert "theme 'tariffs': 'match.terms' must map each term to a weight above 0" in result.stderr


def test_unknown_key_in_site_yaml_is_a_warning_and_the_build_goes_on(site_dir):
    result, line = build_with_site_yaml_line(site_dir, "  items: 50", "  itmes: 5\n  items: 50")
    assert result.returncode == 1
    assert f"warning: site.yaml:{line}: unknown key 'feeds.itmes'; did you mean 'feeds.items'?" in result.stderr
    assert "rendered 7 entries" in result.stderr and (site_dir / "output" / "index.html").is_file()
    for _ in range(2):                          # past the guard for files changed during a build (test_site_output)
        time.sleep(1.1)
        again = run_build(site_dir)
    assert "nothing changed" in again.stderr and again.returncode == 1     # the warning and the code repeated
    assert f"site.yaml:{line}: unknown key 'feeds.itmes'" in again.stderr


def test_output_over_the_sites_own_files_is_refused(site_dir):
    result, line = build_with_site_yaml_line(site_dir, "language: en", "language: en\noutput: content")
    assert result.returncode == 2
    assert f"error: site.yaml:{line + 1}: the output folder 'content' is the content folder" in result.stderr
    assert "output: ../public" in result.stderr
    assert list((site_dir / "content").iterdir()) == []        # nothing is written


def test_output_outside_the_site_folder_is_allowed(site_dir):
    result, _ = build_with_site_yaml_line(site_dir, "language: en", "language: en\noutput: ../public")
    assert result.returncode == 0, result.stderr
    assert (site_dir.parent / "public" / "index.html").is_file() and not (site_dir / "output").exists()
