"""Shared helpers: the data-driven case files live in tests/cases/."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

CASES = Path(__file__).parent / "cases"
REPO = Path(__file__).parent.parent


def unescape(text: str) -> str:
    """Turn ``\\t``, ``\\u200b`` ... in a case file into the characters they name."""
    return text.encode("latin-1", "backslashreplace").decode("unicode_escape")


def load_csv(name: str) -> list[dict[str, str]]:
    with (CASES / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_json(name: str) -> Any:
    return json.loads((CASES / name).read_text(encoding="utf-8"))
