"""The vendored front-end assets are the files VERSIONS.md records, and static finds them."""

import hashlib
import re
from pathlib import Path

from django.contrib.staticfiles import finders

VENDOR = Path(__file__).resolve().parents[2] / "static" / "vendor"


def test_vendored_files_match_their_recorded_sha256():
    recorded = re.findall(r"^([0-9a-f]{64})  (\S+)$", (VENDOR / "VERSIONS.md").read_text(), re.MULTILINE)

    assert len(recorded) >= 5
    for digest, name in recorded:
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name


def test_vendored_versions_are_bootstrap_5_3_and_htmx_2():
    text = (VENDOR / "VERSIONS.md").read_text()

    assert re.search(r"\| bootstrap \| 5\.3\.\d+ \|", text)
    assert re.search(r"\| htmx\.org \| 2\.0\.\d+ \|", text)


def test_layout_assets_are_found_by_staticfiles():
    for path in (
        "vendor/bootstrap/css/bootstrap.min.css",
        "vendor/bootstrap/css/bootstrap.rtl.min.css",
        "vendor/bootstrap/js/bootstrap.bundle.min.js",
        "vendor/htmx/htmx.min.js",
        "css/casework.css",
    ):
        assert finders.find(path), path
