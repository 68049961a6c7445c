"""site.yaml's schema: one table of keys that validates the file, gives the defaults, makes the Site
and the README's reference table; unknown keys warned about; an output folder that would be built
over the user's own files refused."""
import dataclasses
import subprocess
import sys

import pytest

from conftest import ROOT
from digest.config import ITEM, SCHEMA, ConfigError, Site, load, reference_table


def site_yaml(tmp_path, text: str):
    (tmp_path / "site.yaml").write_text(text, encoding="utf-8")
    return tmp_path / "site.yaml"


def error_of(tmp_path, text: str) -> str:
    with pytest.raises(ConfigError) as err:
        load(site_yaml(tmp_path, text))
    return str(err.value).replace(str(tmp_path) + "/", "")


# --- the schema -------------------------------------------------------------------------------------

def readme_table() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## `site.yaml` reference\n", 1)[1]
    start = section.index("| key |")
    return section[start:section.index("\n\n", start)]


def test_readme_reference_table_is_the_schemas():
    assert readme_table() == reference_table()
    keys = [row.key for row in SCHEMA]
    for key in ("normalize.furniture.lines", "feeds.items", "themes", "themes[].slug", "themes[].match.terms",
                "themes[].match.ignore", "themes[].match.threshold"):
        assert key in keys and f"| `{key}` |" in readme_table()


def test_table_from_the_command_line():
    result = subprocess.run([sys.executable, "-m", "digest.config", "--table"], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0 and result.stdout == reference_table() + "\n"


def test_site_attributes_are_the_schemas():
    attrs = [row.attr for row in SCHEMA if not row.key.startswith(ITEM)]
    assert all(attrs) and len(set(attrs)) == len(attrs)
    assert [f.name for f in dataclasses.fields(Site)] == ["root", *attrs, "warnings"]


def test_an_empty_site_yaml_gives_every_default(tmp_path):
    site = load(site_yaml(tmp_path, ""))
    assert site.warnings == []
    for row in SCHEMA:
        if row.key.startswith(ITEM):
            continue
        value = getattr(site, row.attr)
        if row.kind.name == "folder":
            assert value == tmp_path / row.default
        else:
            assert value == row.default, row.key
    assert site.base_path == "/"


def test_theme_defaults(tmp_path):
    site = load(site_yaml(tmp_path, "themes:\n  - slug: japan\n"))
    (theme,) = site.themes
    assert (theme.slug, theme.name, theme.description) == ("japan", "japan", "")
    assert (theme.rules.threshold, theme.rules.terms, theme.rules.ignore) == (3.0, (), ())


def test_the_shipped_site_yaml_has_no_unknown_key():
    assert load(ROOT / "site.yaml").warnings == []


@pytest.mark.parametrize("text, message", [
    ("title: x\nsearch: maybe\n", "site.yaml:2: 'search' must be true or false, not 'maybe'"),
    ("page_size: 0\n", "site.yaml:1: page_size must be at least 1, not 0"),
    ("page_size: true\n", "site.yaml:1: 'page_size' must be a whole number, not True"),
    ("feeds:\n  ttl: 0\n", "site.yaml:2: feeds.ttl must be at least 1 (minutes), not 0"),
    ("feeds:\n  items: lots\n", "site.yaml:2: 'feeds.items' must be a whole number, not 'lots'"),
    ("feeds:\n  id_authority: example.org\n", "site.yaml:2: feeds.id_authority must be a domain you own and a date"),
    ("base_url: example.org\n", "site.yaml:1: base_url must start with http:// or https://, not 'example.org'"),
    ("timezone: Mars/Olympus\n", "site.yaml:1: unknown time zone 'Mars/Olympus'; use an IANA name"),
    ("normalize:\n  default_timezone: Nowhere\n", "site.yaml:2: unknown time zone 'Nowhere'"),
    ("language: no\n", "site.yaml:1: 'language' must be text, not False; to mean the text, put it in quotes: "
                       "language: \"no\""),
    ("normalize: 5\n", "site.yaml:1: 'normalize' must be a mapping with seeds, content, default_timezone, "
                       "furniture and captured, not 5"),
    ("normalize:\n  furniture: [a]\n", "site.yaml:2: 'normalize.furniture' must be a mapping with lines and "
                                       "patterns"),
    ("normalize:\n  furniture:\n    lines: Sponsored\n",
     "site.yaml:3: 'normalize.furniture.lines' must be a list of lines, not 'Sponsored'"),
    ("normalize:\n  furniture:\n    patterns: ['(']\n",
     "site.yaml:3: the pattern '(' is not a valid regular expression"),
    ("normalize:\n  captured:\n    a.txt: 2025-07-12T09:00:00Z\n    b.txt: yesterday\n",
     "site.yaml:4: the capture time of 'b.txt' must be an ISO 8601 time"),
    ("themes: japan\n", "site.yaml:1: 'themes' must be a list of themes, not 'japan'"),
    ("themes:\n  - slug: Japan\n", "site.yaml:2: theme #1 needs a 'slug' of lowercase letters, digits and hyphens"),
    ("themes:\n  - slug: a\n  - name: B\n", "site.yaml:3: theme #2 needs a 'slug'"),
    ("themes:\n  - slug: a\n  - slug: a\n", "site.yaml:3: two themes share the slug 'a' (the other is at line 2)"),
    ("themes:\n  - slug: a\n    match: 5\n",
     "site.yaml:3: theme 'a': 'match' must be a mapping with terms, ignore and threshold, not 5"),
    ("themes:\n  - slug: a\n    match:\n      terms:\n        x: 1\n        y: lots\n",
     "site.yaml:6: theme 'a': 'match.terms' must map each term to a weight above 0, e.g. \"tariff*\": 1; "
     "not 'y': 'lots'"),
    ("themes:\n  - slug: a\n    match:\n      ignore: Japan Times\n",
     "site.yaml:4: theme 'a': 'match.ignore' must be a list of phrases, not 'Japan Times'"),
    ("themes:\n  - slug: a\n    match:\n      threshold: 0\n",
     "site.yaml:4: theme 'a': 'match.threshold' must be a number above 0, not 0"),
    ("[1, 2]\n", "site.yaml:1: site.yaml must be a mapping of settings"),
])
def test_bad_values_are_named_with_file_and_line(tmp_path, text, message):
    assert message in error_of(tmp_path, text)


def test_values_are_read_as_written(tmp_path):
    site = load(site_yaml(tmp_path, "title: 1.10\nbase_url: https://example.org/news\ndescription:\n"
                                    "normalize:\n  furniture:\n"))
    assert (site.title, site.base_url, site.base_path, site.description) == (
        "1.10", "https://example.org/news/", "/news/", "")


# --- unknown keys -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, warning", [
    ("title: x\nserach: false\n", "site.yaml:2: unknown key 'serach'; did you mean 'search'?"),
    ("feeds:\n  ttl: 5\n  itmes: 5\n", "site.yaml:3: unknown key 'feeds.itmes'; did you mean 'feeds.items'?"),
    ("normalize:\n  furniture:\n    line: [x]\n",
     "site.yaml:3: unknown key 'normalize.furniture.line'; did you mean 'normalize.furniture.lines'?"),
    ("items: 5\n", "site.yaml:1: unknown key 'items'; did you mean 'feeds.items'?"),
    ("themes:\n  - slug: a\n    mach:\n      terms: {x: 1}\n",
     "site.yaml:3: theme 'a': unknown key 'mach'; did you mean 'match'?"),
    ("themes:\n  - slug: a\n    match:\n      treshold: 2\n",
     "site.yaml:4: theme 'a': unknown key 'match.treshold'; did you mean 'match.threshold'?"),
    ("zzz: 1\n", "site.yaml:1: unknown key 'zzz'; it is no setting"),
])
def test_unknown_keys_are_warned_about_with_the_nearest_known_one(tmp_path, text, warning):
    site = load(site_yaml(tmp_path, text))
    (said,) = site.warnings
    assert said.replace(str(tmp_path) + "/", "").startswith(warning)


def test_a_misspelt_key_leaves_the_default(tmp_path):
    site = load(site_yaml(tmp_path, "serach: false\nfeeds:\n  itmes: 5\n"))
    assert site.search is True and site.feed_items == 50 and len(site.warnings) == 2


# --- the output folder ------------------------------------------------------------------------------

@pytest.mark.parametrize("output, problem", [
    (".", "is the site's own folder"),
    ("..", "holds the site's folder"),
    ("seeds", "is the seeds folder"),
    ("content", "is the content folder"),
    ("templates", "is the templates folder"),
    ("content/public", "lies inside the content folder"),
    ("seeds/../content/", "is the content folder"),
])
def test_an_output_folder_over_the_users_files_is_refused(tmp_path, output, problem):
    site = tmp_path / "site"
    site.mkdir()
    message = error_of(site, f"title: x\noutput: {output}\n")
    assert message.startswith(f"site.yaml:2: the output folder '{output}' {problem}")
    assert "output: ../public" in message


def test_an_output_folder_holding_the_seeds_is_refused(tmp_path):
    message = error_of(tmp_path, "output: dumps\nnormalize:\n  seeds: dumps/raw\n")
    assert message.startswith("site.yaml:1: the output folder 'dumps' holds the seeds folder")
    # with the default output, the line named is that of the folder it clashes with
    message = error_of(tmp_path, "title: x\nnormalize:\n  content: output\n")
    assert message.startswith("site.yaml:3: the output folder 'output' is the content folder")


@pytest.mark.parametrize("output", ["../public", "public", "{elsewhere}"])
def test_an_output_folder_of_its_own_is_allowed(tmp_path, output):
    site = tmp_path / "site"
    site.mkdir()
    output = output.format(elsewhere=tmp_path / "www" / "digest")
    assert load(site_yaml(site, f"output: {output}\n")).output_dir.resolve() == (site / output).resolve()
