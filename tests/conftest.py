"""Shared helpers: the data-driven case files live in tests/cases/."""

from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

CASES = Path(__file__).parent / "cases"
REPO = Path(__file__).parent.parent


BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
# Headless Chromium that reaches for nothing beyond the page it is given.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-quic", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]


@pytest.fixture
def browser() -> str:
    """Debian's Chromium (.ci/run installs it): skipped without it on a developer machine,
    a failure in CI (CI set), so that a missing browser never passes silently."""
    if BROWSER is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: .ci/run must `apt-get install chromium`")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return BROWSER


def unescape(text: str) -> str:
    """Turn ``\\t``, ``\\u200b`` ... in a case file into the characters they name."""
    return text.encode("latin-1", "backslashreplace").decode("unicode_escape")


def load_csv(name: str) -> list[dict[str, str]]:
    with (CASES / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_json(name: str) -> Any:
    return json.loads((CASES / name).read_text(encoding="utf-8"))
