"""Reading a user's own gazetteer from JSON Lines or CSV.

JSON Lines: one object per line, ``{"id": ..., "name": ..., "kind": ..., "aliases": [...],
"description": ...}``; only ``id`` and ``name`` are required. CSV: a header with at least
``id`` and ``name``; optional ``kind``, ``aliases`` (separated by ``|``) and
``description``. Every malformed row is reported with its row number; no row is
dropped silently.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ._data import read_text
from ._errors import AliaskitError, DataFileError
from ._normalize import normalize
from ._types import Entity

__all__ = ["read_gazetteer"]

MAX_REPORTED = 20


def _entity(record: Any) -> Entity:
    if not isinstance(record, dict):
        raise AliaskitError(f"expected an object, found {type(record).__name__}")
    unknown = set(record) - {"id", "name", "kind", "aliases", "description"}
    if unknown:
        raise AliaskitError(f"unknown field(s): {', '.join(sorted(unknown))}")
    for field in ("id", "name"):
        if not isinstance(record.get(field), str):
            raise AliaskitError(f"'{field}' is required and must be a string")
    aliases = record.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise AliaskitError("'aliases' must be a list of strings")
    kind = record.get("kind") or None
    if not isinstance(record.get("kind") or "", str):
        raise AliaskitError(f"'kind' must be a string, not {type(kind).__name__}")
    if not isinstance(record.get("description") or "", str):
        raise AliaskitError("'description' must be a string")
    entity = Entity(id=record["id"], name=record["name"], kind=kind, aliases=aliases,
                    description=record.get("description") or "")
    for name in entity.names:
        normalize(name)  # every name must be usable; raises InvalidNameError otherwise
    return entity


def _rows_jsonl(text: str) -> Iterable[tuple[int, Any]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, AliaskitError(f"not valid JSON ({exc.msg}, column {exc.colno})")
        except RecursionError:  # json's parser recurses once per [ or {
            yield number, AliaskitError("not valid JSON (nested too deeply)")
        except ValueError as exc:  # an integer of more digits than Python converts
            yield number, AliaskitError(f"not valid JSON ({str(exc).split(':')[0]})")


def _rows_csv(text: str) -> Iterable[tuple[int, Any]]:
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    header = reader.fieldnames or []
    missing = {"id", "name"} - set(header)
    if missing:
        yield 1, AliaskitError(f"header lacks column(s): {', '.join(sorted(missing))}")
        return
    try:
        for row in reader:
            number = reader.line_num
            if None in row:
                yield number, AliaskitError("more fields than the header has")
                continue
            if any(value is None for value in row.values()):
                yield number, AliaskitError("fewer fields than the header has")
                continue
            record: dict[str, Any] = {k: v for k, v in row.items() if v != ""}
            if "aliases" in record:
                record["aliases"] = [a.strip() for a in record["aliases"].split("|") if a.strip()]
            yield number, record
    except csv.Error as exc:
        yield reader.line_num, AliaskitError(f"malformed CSV ({exc})")


def read_gazetteer(path: str | Path, *, format: str | None = None) -> list[Entity]:
    """Read entities from a JSON Lines (``.jsonl``) or CSV (``.csv``) file.

    ``format`` ("jsonl" or "csv") overrides the file extension. Raises
    :class:`~aliaskit.DataFileError` listing every malformed row with its row number
    (the line number in the file), and for duplicate ids.
    """
    path = Path(path)
    fmt = format or {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv"}.get(
        path.suffix.lower()
    )
    if fmt not in ("jsonl", "csv"):
        raise DataFileError("unknown gazetteer format; use .jsonl or .csv (or format=)",
                            path=str(path))
    text = read_text(path)
    rows = _rows_jsonl(text) if fmt == "jsonl" else _rows_csv(text)
    entities: list[Entity] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for number, record in rows:
        try:
            if isinstance(record, AliaskitError):
                raise record
            entity = _entity(record)
        except (AliaskitError, TypeError) as exc:
            problems.append(f"row {number}: {exc}")
            continue
        if entity.id in seen:
            problems.append(f"row {number}: duplicate id {entity.id!r} (first on row {seen[entity.id]})")
            continue
        seen[entity.id] = number
        entities.append(entity)
    if problems:
        shown = problems[:MAX_REPORTED]
        more = f"\n  … and {len(problems) - MAX_REPORTED} more" if len(problems) > MAX_REPORTED else ""
        raise DataFileError(
            f"{len(problems)} malformed row(s):\n  " + "\n  ".join(shown) + more, path=str(path)
        )
    if not entities:
        raise DataFileError("no entities in file", path=str(path))
    return entities
