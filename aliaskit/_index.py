"""Saved screening indexes (``aliaskit index``): built once, updated by delta.

An index is a :class:`~aliaskit.Resolver` written by :meth:`~aliaskit.Resolver.save`.
:func:`update_index` removes and adds entities in place (an entity whose id is already
there is replaced); the updated index answers exactly as one built from scratch from the
same entities would, and its saved file is byte for byte the one that index writes.

The file (format version 7) is data only: a magic line, a JSON header naming each
section with its length and CRC-32, then the sections: integer columns as
little-endian binary arrays, string columns as JSON lists, entities as JSON Lines.
Loading reads the columns whole but decodes an entity, or a key's rows, only when an
answer needs it (most never are), checking it then; a damaged byte anywhere is caught
by the checksums on load. :func:`update_file` appends a *delta segment* (the ids
removed, the entities added, with its own length and checksum) instead of rewriting
the file, so an update costs what the delta costs; loading replays the segments through
:func:`update_index`, so the file answers as the rebuilt index would. Past
:data:`COMPACT_FRACTION` of the entities in segments (and :data:`COMPACT_MIN`), an
update rewrites the file whole.
"""

from __future__ import annotations

import bisect
import gzip
import io
import itertools
import json
import operator
import os
import re
import struct
import sys
import tempfile
import threading
import zlib
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, SupportsIndex, overload

import attrs

from ._errors import (
    AliaskitError,
    DataFileError,
    InvalidArgumentError,
    as_path,
    open_file,
    parse_json,
)
from ._files import write_file
from ._lines import split_lines
from ._prerank import SIGNATURE_BITS
from ._types import Alias, Entity, Mention

if TYPE_CHECKING:
    from ._resolve import Resolver, _Rows

__all__ = ["COMPACT_FRACTION", "FileUpdate", "IndexDelta", "build_index", "compact_file",
           "load_index", "read_ids", "update_file", "update_index"]

INDEX_FORMAT = "aliaskit-index"
INDEX_VERSION = 7
MAGIC = b"aliaskit-index\n"
DELTA_MAGIC = b"aliaskit-delta\n"
# After each magic: the length of what follows (8 bytes) and its CRC-32 (4 bytes).
_FRAME = struct.Struct("<QI")
# An update rewrites the file whole once its delta segments hold more entities (added
# and removed) than this share of the base's: replaying them on every load would
# otherwise grow without bound.
COMPACT_FRACTION = 0.05
# ... and never before this many: a small file is rewritten fast, but so is it loaded.
COMPACT_MIN = 1000
# The sections, in file order: name and how it is encoded.
_SECTIONS = (
    ("ids", "json"), ("starts", "q"), ("entity_offsets", "q"), ("entities", "bytes"),
    ("row_entity", "q"), ("row_name", "q"), ("names", "json"), ("normalized", "json"),
    ("sounds", "json"), ("row_layer", "json"), ("row_source", "json"), ("keys", "json"),
    ("key_offsets", "q"), ("postings", "q"), ("part_df", "json"), ("signatures", "q"))
# Rows and offsets as in memory (array "l" is what Resolver uses); a platform whose
# "l" is narrower converts on load.
_WIDE = "l" if array("l").itemsize == 8 else "q"
_MAX_INT = 2**62
# Deflate codes at most 258 bytes in two bits: no section inflates to more than this
# many times its stored size (plus its few bytes of framing), whatever wrote it.
_MAX_RATIO = 1032


def load_index(path: str | Path) -> Resolver:
    """A resolver from a saved index file (:meth:`Resolver.load`: a stale, corrupt or
    foreign file raises :class:`~aliaskit.DataFileError`)."""
    from ._resolve import Resolver

    return Resolver.load(path)


def build_index(entities: Iterable[Entity]) -> Resolver:
    """An index over ``entities``, in order (save it with :meth:`Resolver.save`)."""
    from ._resolve import Resolver

    return Resolver(entities)


@attrs.frozen
class IndexDelta:
    """What :func:`update_index` changed: ids added (new), replaced (present before, given
    again) and removed (and not given again)."""

    added: int
    replaced: int
    removed: int


def _check_delta(ids: Iterable[str], new: list[Entity], gone: list[str]) -> IndexDelta:
    """The counts of a delta against an index with ``ids``; InvalidArgumentError when it
    removes an id the index does not have or adds one id twice."""
    have = ids if isinstance(ids, (set, dict)) else set(ids)
    missing = [i for i in gone if i not in have]
    if missing:
        shown = ", ".join(map(repr, missing[:5])) + (" ..." if len(missing) > 5 else "")
        raise InvalidArgumentError(f"cannot remove {len(missing):,} id(s) the index does not "
                                   f"have: {shown}")
    seen: set[str] = set()
    for entity in new:
        if entity.id in seen:
            raise InvalidArgumentError(f"id {entity.id!r} is given more than once in the "
                                       "entities to add")
        seen.add(entity.id)
    replaced = len([e for e in new if e.id in have])
    return IndexDelta(added=len(new) - replaced, replaced=replaced,
                      removed=len([i for i in gone if i not in seen]))


def _delta_args(add: Iterable[Entity], remove: Iterable[str]) -> tuple[list[Entity], list[str]]:
    if isinstance(remove, str):
        raise TypeError("remove must be a list of ids, not one string")
    new = list(add)
    for entity in new:
        if not isinstance(entity, Entity):
            raise TypeError(f"expected an Entity, not {type(entity).__name__}")
    return new, list(dict.fromkeys(remove))


def update_index(index: Resolver, *, add: Iterable[Entity] = (),
                 remove: Iterable[str] = ()) -> IndexDelta:
    """Apply a delta to ``index`` in place: first remove the entities with the ids in
    ``remove``, then add ``add``, replacing any entity that has the same id.

    Everything is checked before anything changes: an id in ``remove`` that the index
    does not have, or an id given twice in ``add``, raises
    :class:`~aliaskit.InvalidArgumentError`.
    """
    new, gone = _delta_args(add, remove)
    delta = _check_delta(index._ids, new, gone)
    before = [e.id for e in new if e.id in index._ids]
    index.remove(dict.fromkeys([*gone, *before]))
    for entity in new:
        index.add(entity)
    return delta


def read_ids(path: Path) -> list[str]:
    """The ids in a file, one a line; blank lines and lines starting with ``#`` are
    skipped, a comment after an id (`` # delisted``, after white space) is not part of
    it, nor are the spaces around it.

    ```pycon
    >>> import tempfile
    >>> lines = ["# delisted 2026", "NK-001   # by resolution 12", "", "  ofac:44929"]
    >>> with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
    ...     _ = f.write(chr(10).join(lines))
    >>> read_ids(Path(f.name))
    ['NK-001', 'ofac:44929']

    ```
    """
    from ._data import read_text

    ids = [_TRAILING_COMMENT.sub("", line).strip() for line in split_lines(read_text(path))
           if not line.lstrip().startswith("#")]
    return [i for i in ids if i]


_TRAILING_COMMENT = re.compile(r"\s+#.*$")


# --- the file ---------------------------------------------------------------------------


class _BadField(Exception):
    """Where and why a saved index does not fit its schema."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(field, problem)
        self.field = field
        self.problem = problem


def _corrupt(path: str, exc: _BadField) -> DataFileError:
    return DataFileError(f"corrupt aliaskit index file: field {exc.field}: {exc.problem}",
                         path=path)


def entity_record(entity: Entity) -> dict[str, Any]:
    """An entity as the index file holds it (and its delta segments)."""
    return {"id": entity.id, "name": entity.name, "kind": entity.kind,
            "description": entity.description,
            "aliases": [attrs.asdict(a) for a in entity.aliases],
            "birth_dates": list(entity.birth_dates), "countries": list(entity.countries),
            "source": entity.source}


def _dumps(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# The schema of an entity record: field → type.
_OPTIONAL_STR = (str, type(None))
_OPTIONAL_LIST = (list, type(None))
_OPTIONAL_BOOL = (bool, type(None))
_OPTIONAL = (_OPTIONAL_STR, _OPTIONAL_LIST, _OPTIONAL_BOOL)
_MENTION_FIELDS: dict[str, type | tuple[type, ...]] = {
    "source": str, "start": int, "end": int, "line": int, "text": str, "context": str,
    "decision": _OPTIONAL_STR}
_ALIAS_FIELDS: dict[str, type | tuple[type, ...]] = {
    "name": str, "origin": str, "ambiguous": bool, "note": _OPTIONAL_STR, "mentions": list,
    "weak": _OPTIONAL_BOOL}
_ENTITY_FIELDS: dict[str, type | tuple[type, ...]] = {
    "id": str, "name": str, "kind": _OPTIONAL_STR, "description": str, "aliases": list,
    "birth_dates": _OPTIONAL_LIST, "countries": _OPTIONAL_LIST, "source": _OPTIONAL_STR}
_ORIGINS = ("canonical", "seed", "curated", "user")


def _type_name(expected: type | tuple[type, ...]) -> str:
    names = {str: "a string", int: "an integer", bool: "true or false", list: "a list",
             dict: "an object", type(None): "null"}
    kinds = expected if isinstance(expected, tuple) else (expected,)
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _fields(value: object, field: str, schema: dict[str, type | tuple[type, ...]]
            ) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _BadField(field, f"expected an object, found {type(value).__name__}")
    missing = [k for k in schema if k not in value and schema[k] not in _OPTIONAL]
    if missing:
        raise _BadField(field, f"missing {', '.join(missing)}")
    unknown = [k for k in value if k not in schema]
    if unknown:
        raise _BadField(field, f"unknown field(s) {', '.join(map(repr, unknown[:5]))}")
    for key, item in value.items():
        expected = schema[key]
        if not isinstance(item, expected) or (isinstance(item, bool) and expected is int):
            raise _BadField(f"{field}.{key}", f"expected {_type_name(expected)}, "
                            f"found {type(item).__name__}")
        if isinstance(item, int) and expected is int and not 0 <= item < _MAX_INT:
            raise _BadField(f"{field}.{key}", "out of range")
    return value


def _strings(value: object, field: str, count: int | None, *, optional: bool = False
             ) -> list[Any]:
    """A JSON list of strings (or nulls, when ``optional``) of ``count`` items."""
    if not isinstance(value, list):
        raise _BadField(field, f"expected a list, found {type(value).__name__}")
    if count is not None and len(value) != count:
        raise _BadField(field, f"has {len(value):,} items, expected {count:,}")
    allowed = {str, type(None)} if optional else {str}
    if not set(map(type, value)) <= allowed:  # checked in C; else name the item
        kind = _OPTIONAL_STR if optional else str
        for i, item in enumerate(value):
            if type(item) not in allowed:
                raise _BadField(f"{field}[{i}]", f"expected {_type_name(kind)}, "
                                f"found {type(item).__name__}")
    return value


def entity_from_record(raw: object, where: str) -> Entity:
    """An entity from its record, or _BadField naming the field that does not fit."""
    entity = _fields(raw, where, _ENTITY_FIELDS)
    for column in ("birth_dates", "countries"):
        if entity.get(column) is not None:
            _strings(entity[column], f"{where}.{column}", None)
    aliases = []
    for a, raw_alias in enumerate(entity["aliases"]):
        at = f"{where}.aliases[{a}]"
        alias = _fields(raw_alias, at, _ALIAS_FIELDS)
        if alias["origin"] not in _ORIGINS:
            raise _BadField(f"{at}.origin", f"expected one of {', '.join(_ORIGINS)}")
        mentions = [Mention(**_fields(m, f"{at}.mentions[{i}]", _MENTION_FIELDS))
                    for i, m in enumerate(alias["mentions"])]
        aliases.append(Alias(name=alias["name"], origin=alias["origin"],
                             ambiguous=alias["ambiguous"], note=alias.get("note"),
                             mentions=tuple(mentions), weak=bool(alias.get("weak", False))))
    try:
        return Entity(id=entity["id"], name=entity["name"], kind=entity["kind"],
                      aliases=aliases, description=entity["description"],
                      birth_dates=entity.get("birth_dates") or (),
                      countries=entity.get("countries") or (), source=entity.get("source") or "")
    except AliaskitError as exc:
        raise _BadField(where, str(exc)) from None


def _ints(raw: bytes, code: str, field: str) -> array[int]:
    """A little-endian binary array as an array of ``code`` (its width as in the file,
    "q" for "l"; signatures stay "q": 61 bits on every platform)."""
    out: array[int] = array("i" if code == "i" else "q" if field == "signatures" else _WIDE)
    if len(raw) % out.itemsize:
        raise _BadField(field, f"{len(raw):,} bytes is not a whole number of items")
    out.frombytes(raw)
    if sys.byteorder != "little":
        out.byteswap()
    if code == "q" and _WIDE != "l" and field != "signatures":
        out = array("l", out)
    return out


def _int_bytes(values: array[int], code: str) -> bytes:
    out = values if values.typecode == code or (code == "q" and values.typecode == _WIDE
                                                 ) else array(code, values)
    if sys.byteorder != "little":
        out = array(out.typecode, out)
        out.byteswap()
    return out.tobytes()


def _in_range(values: array[int], field: str, low: int, high: int) -> None:
    """Every value in [low, high); in C (min and max), naming an item only when one is out."""
    if values and not (min(values) >= low and max(values) < high):
        at = next(i for i, v in enumerate(values) if not low <= v < high)
        raise _BadField(f"{field}[{at}]", f"{values[at]} out of range ({low} to {high - 1})")


class _Entities(list["Entity"]):
    """The entities of a loaded index, each decoded from its JSON line (and checked
    against the rows) the first time it is asked for."""

    def __init__(self, path: str, blob: bytes, offsets: array[int], ids: list[str],
                 starts: array[int], rows: _Rows) -> None:
        super().__init__(itertools.repeat(None, len(ids)))  # type: ignore[arg-type]
        self._path, self._blob, self._offsets = path, blob, offsets
        self._ids, self._starts, self._positions = ids, starts, rows.name_index
        self._names = rows.names

    def raw(self, index: int) -> bytes | None:
        """The record of an entity not decoded yet, as the file has it."""
        if list.__getitem__(self, index) is not None:
            return None
        return self._blob[self._offsets[index]:self._offsets[index + 1]]

    def _decode(self, index: int) -> Entity:
        where = f"entities[{index}]"
        start, end = self._offsets[index], self._offsets[index + 1]
        try:
            if not 0 <= start < end <= len(self._blob):
                raise _BadField("entity_offsets", f"entity {index} at bytes {start} to {end} "
                                f"of {len(self._blob):,}")
            try:
                entity = entity_from_record(parse_json(self._blob[start:end]), where)
            except (ValueError, UnicodeDecodeError) as exc:
                raise _BadField(where, f"not JSON ({exc})") from None
            if entity.id != self._ids[index]:
                raise _BadField(f"{where}.id", f"{entity.id!r}, the ids list has "
                                f"{self._ids[index]!r}")
            first = self._starts[index]
            names = entity.names
            stop = first + len(names)
            # Rows run from an entity's first to the next entity's (checked on load).
            if stop > len(self._names) or self._names[first:stop] != list(names) or (
                    stop < len(self._names) and self._positions[stop] != 0):
                raise _BadField(where, "its names are not the rows of the entity")
            # The rows' normalised text and keys are not worked out again: that parsed
            # every name of each entity an answer meets, an eighth of a loaded index's
            # query time at 1M aliases. The checksums catch damage; the fingerprint
            # (aliaskit version, data, Unicode version) a file whose keys would differ.
        except _BadField as exc:
            raise _corrupt(self._path, exc) from None
        list.__setitem__(self, index, entity)
        return entity

    @overload
    def __getitem__(self, index: SupportsIndex) -> Entity: ...
    @overload
    def __getitem__(self, index: slice) -> list[Entity]: ...
    def __getitem__(self, index: SupportsIndex | slice) -> Entity | list[Entity]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        value = list.__getitem__(self, index)
        if value is None:
            at = operator.index(index)
            value = self._decode(at + len(self) if at < 0 else at)
        return value

    def __iter__(self) -> Iterator[Entity]:
        return (self[i] for i in range(len(self)))


def without_rows(postings: array[int], rows: Sequence[int]) -> array[int]:
    """A posting list (ascending rows) less ``rows`` (ascending), copied in slices."""
    out = array("l")
    start = 0
    for row in rows:
        at = bisect.bisect_left(postings, row, start)
        if at < len(postings) and postings[at] == row:
            out += postings[start:at]
            start = at + 1
    out += postings[start:]
    return out


def add_row(postings: dict[str, array[int]], keys: Iterable[str], row: int) -> None:
    """Add ``row`` (above every row so far) to the posting lists of ``keys``; a loaded
    index's lists not read yet keep it aside until they are (_Postings)."""
    if isinstance(postings, _Postings):
        keys = postings.defer_added(keys, row)
    for key in keys:
        rows = postings.get(key)
        if rows is None:
            rows = postings[key] = array("l")
        rows.append(row)


def remove_rows(postings: dict[str, array[int]], dead: dict[str, list[int]]) -> None:
    """Take the ``dead`` rows of each key (rows its list holds) out of ``postings``; a
    list left empty goes with its key. A loaded index's lists not read yet keep them
    aside until they are (_Postings)."""
    unread = postings if isinstance(postings, _Postings) else None
    for key, rows in dead.items():
        if unread is not None and unread.drop_rows(key, rows):
            continue
        listed = postings.get(key)
        if listed is None:
            continue
        kept = without_rows(listed, sorted(rows))
        if kept:
            postings[key] = kept
        else:
            del postings[key]


class _Postings(dict[str, "array[int]"]):
    """The posting lists of a loaded index: a key's rows are read from the file's flat
    array (and checked) the first time the key is asked for. Keys taken out stay in
    the dict itself, which updates change as they would any dict.

    An update (Resolver.add, remove, and so the delta segments replayed on load) leaves
    the keys not read yet unread: the rows it adds or drops wait beside them until the
    key is asked for. A delta touches long lists (a trigram's, a common name's), and
    reading each one to append a row made an updated index load 2.5x slower."""

    def __init__(self, path: str, keys: list[str], offsets: array[int], flat: array[int],
                 rows: int) -> None:
        super().__init__()
        self._path, self._offsets, self._flat, self._rows = path, offsets, flat, rows
        self._slots = dict(zip(keys, range(len(keys))))
        if len(self._slots) != len(keys):
            dup = next(k for k, c in Counter(keys).items() if c > 1)
            raise _BadField("keys", f"duplicate key {dup!r}")
        # Rows of keys not read yet: added after the file's (so above all of them), and
        # dropped (from either).
        self._added: dict[str, array[int]] = {}
        self._dropped: dict[str, list[int]] = {}
        # Queries in several threads read keys at once: one of them reads a key, the
        # others wait for it (a key read twice, or seen neither read nor unread, gave
        # a KeyError or no rows, and a wrong weight kept for the key).
        self._lock = threading.Lock()

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled as the plain dict of every key's rows (a resolver sent to another
        # process): the file it reads from may not be there.
        return dict, (dict(self.items()),)

    def raw(self, key: str) -> array[int] | None:
        """The rows of a key not read yet and not changed since, as the file has them."""
        slot = self._slots.get(key)
        if slot is None or key in self._added or key in self._dropped:
            return None
        return self._flat[self._offsets[slot]:self._offsets[slot + 1]]

    def defer_added(self, keys: Iterable[str], row: int) -> list[str]:
        """Keep ``row`` aside for those of ``keys`` not read yet; the others, returned,
        take it in their lists (add_row)."""
        read = []
        for key in keys:
            if key in self._slots:
                added = self._added.get(key)
                if added is None:
                    added = self._added[key] = array("l")
                added.append(row)
            else:
                read.append(key)
        return read

    def drop_rows(self, key: str, rows: list[int]) -> bool:
        """Take ``rows`` (which the key's list holds) out of a key not read yet; False
        if the key has been read (remove_rows changes its list)."""
        slot = self._slots.get(key)
        if slot is None:
            return False
        dropped = self._dropped.setdefault(key, [])
        dropped += rows
        left = (self._offsets[slot + 1] - self._offsets[slot]
                + len(self._added.get(key, ())) - len(dropped))
        if left <= 0:  # a key without rows is no key, as remove() leaves a read one
            self._forget(key)
        return True

    def _forget(self, key: str) -> None:
        self._slots.pop(key, None)
        self._added.pop(key, None)
        self._dropped.pop(key, None)

    def _take(self, key: str) -> array[int]:
        with self._lock:
            slot = self._slots.get(key)
            if slot is None:  # read by another thread meanwhile
                return dict.__getitem__(self, key)
            rows = self._read(key, slot)
            # In the dict before it leaves the unread keys: a key is always in one.
            dict.__setitem__(self, key, rows)
            del self._slots[key]
            return rows

    def _read(self, key: str, slot: int) -> array[int]:
        start, end = self._offsets[slot], self._offsets[slot + 1]
        where = f"postings[{key!r}]"
        try:
            if not 0 <= start < end <= len(self._flat):
                raise _BadField(where, f"rows {start} to {end} of {len(self._flat):,}"
                                if start < end else "empty (a key without rows is left out)")
            rows = self._flat[start:end]
            # In range is what keeps a bad file from failing deep in an answer; rows
            # out of order would only make odd candidates.
            if min(rows) < 0 or max(rows) >= self._rows:
                raise _BadField(where, f"row out of range (0 to {self._rows - 1})")
        except _BadField as exc:
            raise _corrupt(self._path, exc) from None
        added = self._added.pop(key, None)
        if added is not None:
            rows += added
        dropped = self._dropped.pop(key, None)
        if dropped is not None:
            rows = without_rows(rows, sorted(dropped))
        return rows

    def __contains__(self, key: object) -> bool:
        # The unread keys first: _take puts a key in the dict before it leaves them.
        return key in self._slots or dict.__contains__(self, key)

    def __getitem__(self, key: str) -> array[int]:
        if key in self._slots:
            return self._take(key)
        return dict.__getitem__(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        if key in self._slots:
            return self._take(key)
        return dict.get(self, key, default)

    def __setitem__(self, key: str, value: array[int]) -> None:
        self._forget(key)
        dict.__setitem__(self, key, value)

    def __delitem__(self, key: str) -> None:
        unread = key in self._slots
        self._forget(key)
        if not unread or dict.__contains__(self, key):
            dict.__delitem__(self, key)

    def __len__(self) -> int:
        return dict.__len__(self) + len(self._slots)

    def __iter__(self) -> Iterator[str]:
        return itertools.chain(dict.__iter__(self), list(self._slots))

    def keys(self) -> Any:
        return list(self)

    def values(self) -> Any:
        return [self[k] for k in self]

    def items(self) -> Any:
        return [(k, self[k]) for k in self]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, dict) and dict(self.items()) == dict(other.items())

    __hash__ = None


def _id_of(entities: list[Entity], index: int) -> str:
    if isinstance(entities, _Entities) and index < len(entities._ids):
        return entities._ids[index]
    return entities[index].id


def save_index(resolver: Resolver, path: str | Path) -> None:
    """Resolver.save: the file a resolver built from the live entities would write."""
    from ._resolve import index_fingerprint

    entities = resolver._entities
    removed = resolver._removed
    live = [i for i in range(len(entities)) if i not in removed]
    rows = resolver._rows
    total = len(rows.normalized)
    lines: list[bytes] = []
    for index in live:
        raw = entities.raw(index) if isinstance(entities, _Entities) else None
        lines.append(raw if raw is not None else _dumps(entity_record(entities[index])))
    offsets = array(_WIDE, itertools.accumulate(map(len, lines), initial=0))
    columns: dict[str, list[Any]] = {"names": rows.names, "normalized": rows.normalized,
                                     "sounds": rows.sounds, "row_layer": resolver._row_layer,
                                     "row_source": resolver._row_source}
    owners, positions, signatures = rows.entity, rows.name_index, rows.signature
    starts = array(_WIDE, (resolver._starts[i] for i in live))
    renumber: array[int] | None = None
    if removed:
        kept = [r for r in range(total) if resolver._live(r)]
        columns = {name: [column[r] for r in kept] for name, column in columns.items()}
        new_entity = array(_WIDE, itertools.repeat(-1, len(entities)))
        for new, old in enumerate(live):
            new_entity[old] = new
        owners = array(_WIDE, (new_entity[rows.entity[r]] for r in kept))
        positions = array(_WIDE, (rows.name_index[r] for r in kept))
        signatures = array("q", (rows.signature[r] for r in kept))
        renumber = array(_WIDE, itertools.repeat(-1, total))
        for new, old in enumerate(kept):
            renumber[old] = new
        starts = array(_WIDE, (renumber[s] for s in starts))
    # Keys sorted: the file does not depend on the order of updates.
    postings = resolver._postings
    keys = sorted(postings)
    flat: array[int] = array(_WIDE)
    key_offsets = array(_WIDE, [0])
    for key in keys:
        # The rows of a key no answer needed are copied as the file has them.
        unread = postings.raw(key) if renumber is None and isinstance(postings, _Postings) \
            else None
        if unread is not None:
            flat += unread
        elif renumber is not None:
            flat += array(_WIDE, map(renumber.__getitem__, postings[key]))
        else:
            flat += array(_WIDE, postings[key])
        key_offsets.append(len(flat))
    layered = any(v is not None for v in columns["row_layer"]) or any(
        v is not None for v in columns["row_source"])
    sections: dict[str, bytes] = {
        "ids": _dumps([_id_of(entities, i) for i in live]),
        "starts": _int_bytes(starts, "q"), "entity_offsets": _int_bytes(offsets, "q"),
        "entities": b"".join(lines),
        "row_entity": _int_bytes(owners, "q"), "row_name": _int_bytes(positions, "q"),
        "names": _dumps(columns["names"]), "normalized": _dumps(columns["normalized"]),
        "sounds": _dumps(columns["sounds"]),
        "row_layer": _dumps(columns["row_layer"] if layered else None),
        "row_source": _dumps(columns["row_source"] if layered else None),
        "keys": _dumps(keys), "key_offsets": _int_bytes(key_offsets, "q"),
        "postings": _int_bytes(flat, "q"),
        "part_df": _dumps(dict(sorted(resolver._part_df.items()))),
        "signatures": _int_bytes(signatures, "q"),
    }
    meta = {"format": INDEX_FORMAT, "version": INDEX_VERSION, "writer": "aliaskit",
            "built_with": index_fingerprint(), "entities": len(live),
            "rows": len(columns["names"]), "layers": resolver._layers}
    write_file(as_path(path), lambda handle: _write_parts(handle, meta, sections))


def _write_parts(handle: IO[bytes], meta: dict[str, Any], sections: dict[str, bytes]) -> None:
    """The header, then each section compressed (zlib at its fastest: the file is a
    quarter of the size, and inflating it costs less than reading the difference)."""
    stored = [zlib.compress(sections[name], 1) for name, _ in _SECTIONS]
    header = _dumps({**meta, "sections": [
        [name, len(data), zlib.crc32(data), len(sections[name])]
        for (name, _), data in zip(_SECTIONS, stored)]})
    handle.write(MAGIC + _FRAME.pack(len(header), zlib.crc32(header)) + header)
    for data in stored:
        handle.write(data)


@attrs.frozen
class _Header:
    meta: dict[str, Any]
    # Section name → (offset in the file, length, CRC-32, length inflated).
    places: dict[str, tuple[int, int, int, int]]
    end: int  # where the delta segments start


def _old_version(handle: IO[bytes]) -> object:
    """The version a gzip'd JSON index (versions up to 5) gives, if it is one."""
    try:
        handle.seek(0)
        with gzip.GzipFile(fileobj=handle) as unzipped:
            start = unzipped.read(64).decode("utf-8", "replace")
    except (OSError, EOFError):
        return None
    marker = '{"format":"aliaskit-index","version":'
    if start.replace(" ", "").startswith(marker):
        return start.replace(" ", "")[len(marker):].split(",")[0].split("}")[0]
    return None


def _id_table(ids: list[str], values: Iterable[int]) -> dict[str, int]:
    """Each id's value; _BadField for a repeated or empty id."""
    table = dict(zip(ids, values))
    if len(table) != len(ids):
        dup = next(i for i, c in Counter(ids).items() if c > 1)
        raise _BadField("ids", f"duplicate id {dup!r}")
    if not all(map(str.strip, ids)):
        raise _BadField("ids", "an empty id")
    return table


def _read_header(handle: IO[bytes], where: str) -> _Header:
    from ._resolve import index_fingerprint

    start = handle.read(len(MAGIC) + _FRAME.size)
    if not start.startswith(MAGIC):
        if start.startswith(b"\x1f\x8b") and (version := _old_version(handle)) is not None:
            raise DataFileError(f"index version {version} is not supported (this aliaskit "
                                f"reads version {INDEX_VERSION}); rebuild the index",
                                path=where)
        raise DataFileError("not an aliaskit index file (wrong format marker)", path=where)
    if len(start) < len(MAGIC) + _FRAME.size:
        raise DataFileError("not an aliaskit index file (truncated header)", path=where)
    length, crc = _FRAME.unpack(start[len(MAGIC):])
    # Every length the file declares is checked against the file before anything is
    # read or allocated: one flipped bit must not ask for exabytes.
    size = _file_size(handle)
    raw = handle.read(length) if length <= size - len(start) else b""
    if len(raw) != length or zlib.crc32(raw) != crc:
        raise DataFileError("not an aliaskit index file (truncated or damaged header)",
                            path=where)
    try:
        meta = parse_json(raw)
        if not isinstance(meta, dict):
            raise _BadField("(header)", "expected an object")
        if meta.get("format") != INDEX_FORMAT:
            raise DataFileError("not an aliaskit index file (wrong format marker)", path=where)
        if meta.get("version") != INDEX_VERSION:
            raise DataFileError(
                f"index version {meta.get('version')!r} is not supported "
                f"(this aliaskit reads version {INDEX_VERSION}); rebuild the index", path=where)
        for field, kind in (("built_with", str), ("entities", int), ("rows", int),
                            ("sections", list), ("layers", list)):
            if not isinstance(meta.get(field), kind) or isinstance(meta.get(field), bool):
                raise _BadField(f"(header).{field}", f"expected {_type_name(kind)}")
        _strings(meta["layers"], "(header).layers", None)
        for field in ("entities", "rows"):
            if not 0 <= meta[field] < 2**31:
                raise _BadField(f"(header).{field}", "out of range")
        names = [name for name, _ in _SECTIONS]
        sections = meta["sections"]
        if [s[0] if isinstance(s, list) and s else None for s in sections] != names or not all(
                len(s) == 4 and all(type(v) is int and 0 <= v < _MAX_INT for v in s[1:])
                for s in sections):
            raise _BadField("(header).sections", f"expected [name, length, crc, inflated "
                            f"length] for {', '.join(names)}")
    except json.JSONDecodeError as exc:
        raise DataFileError(f"not an aliaskit index file ({exc})", path=where) from None
    except _BadField as exc:
        raise _corrupt(where, exc) from None
    if meta["built_with"] != index_fingerprint():
        raise DataFileError(
            f"stale index: built with aliaskit {meta['built_with']}, this is "
            f"{index_fingerprint()}; rebuild the index", path=where)
    offset = len(MAGIC) + _FRAME.size + length
    places = {}
    for name, stored, crc, inflated in sections:
        if offset + stored > size:
            raise DataFileError(f"truncated index file (section {name} ends at byte "
                                f"{offset + stored:,}, the file at {size:,})", path=where)
        if inflated > stored * _MAX_RATIO + 64:
            raise _corrupt(where, _BadField("(header).sections", f"section {name} cannot "
                                            f"inflate from {stored:,} to {inflated:,} bytes"))
        places[name] = (offset, stored, crc, inflated)
        offset += stored
    return _Header(meta, places, offset)


def _file_size(handle: IO[bytes]) -> int:
    here = handle.tell()
    size = handle.seek(0, os.SEEK_END)
    handle.seek(here)
    return size


def _read_section(handle: IO[bytes], header: _Header, name: str, where: str) -> bytes:
    offset, size, crc, inflated = header.places[name]
    handle.seek(offset)
    raw = handle.read(size)
    if len(raw) != size:
        raise DataFileError(f"truncated index file (section {name} ends at byte "
                            f"{offset + size:,}, the file at {offset + len(raw):,})", path=where)
    if zlib.crc32(raw) != crc:
        raise DataFileError(f"corrupt aliaskit index file: section {name} does not match "
                            "its checksum", path=where)
    try:
        inflater = zlib.decompressobj()
        data = inflater.decompress(raw, inflated)  # no more than the header says
        if len(data) != inflated or inflater.unconsumed_tail or not inflater.eof:
            raise zlib.error(f"{len(data):,} bytes inflated, the header says {inflated:,}")
    except zlib.error as exc:
        raise DataFileError(f"corrupt aliaskit index file: section {name} ({exc})",
                            path=where) from None
    return data


def _decode(raw: bytes, name: str) -> Any:
    code = dict(_SECTIONS)[name]
    if code == "json":
        try:
            return parse_json(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise _BadField(name, f"not JSON ({exc})") from None
    return _ints(raw, code, name)


@attrs.frozen
class _Segment:
    offset: int
    remove: list[str]
    add: list[Any]  # entity records


def _segments(handle: IO[bytes], header: _Header, where: str, *, lenient: bool = False
              ) -> tuple[list[_Segment], int]:
    """The delta segments after the base, and where the last whole one ends. A segment
    cut short is an error, unless ``lenient`` (an update, about to drop it); a whole
    segment that does not match its checksum always is."""
    size = _file_size(handle)
    handle.seek(header.end)
    found: list[_Segment] = []
    offset = header.end
    while True:
        start = handle.read(len(DELTA_MAGIC) + _FRAME.size)
        if not start:
            return found, offset
        number = len(found) + 1
        # Only the end of the file can be an interrupted update: a marker that is not one,
        # or a length that runs past a whole payload or into a later update, is damage
        # (and an update must not drop it as unfinished).
        if not start.startswith(DELTA_MAGIC[:len(start)]):
            raise DataFileError(f"corrupt aliaskit index file: update {number} (at byte "
                                f"{offset:,}) does not start with an update marker", path=where)
        length = crc = -1
        payload = b""
        if len(start) == len(DELTA_MAGIC) + _FRAME.size:
            length, crc = _FRAME.unpack(start[len(DELTA_MAGIC):])
            # No more than the file holds: a damaged length would ask for exabytes.
            payload = handle.read(min(length, size - handle.tell()))
            if len(payload) < length and (zlib.crc32(payload) == crc or DELTA_MAGIC in payload):
                raise DataFileError(f"corrupt aliaskit index file: update {number} (at byte "
                                    f"{offset:,}) has a damaged length", path=where)
        if len(payload) != length:
            if lenient:
                return found, offset
            raise DataFileError(
                f"update {number} (at byte {offset:,}) is incomplete: an `index update` was "
                "interrupted; run `aliaskit index update` again (it drops the incomplete "
                "part) or rebuild the index", path=where)
        if zlib.crc32(payload) != crc:
            raise DataFileError(f"corrupt aliaskit index file: update {number} (at byte "
                                f"{offset:,}) does not match its checksum", path=where)
        try:
            document = parse_json(payload)
            if not isinstance(document, dict) or set(document) != {"remove", "add"}:
                raise _BadField(f"update {number}", "expected an object of remove and add")
            remove = _strings(document["remove"], f"update {number}.remove", None)
            if not isinstance(document["add"], list):
                raise _BadField(f"update {number}.add", "expected a list")
        except (ValueError, UnicodeDecodeError) as exc:
            raise DataFileError(f"corrupt aliaskit index file: update {number} is not JSON "
                                f"({exc})", path=where) from None
        except _BadField as exc:
            raise _corrupt(where, exc) from None
        found.append(_Segment(offset, remove, document["add"]))
        offset += len(start) + length


def load_file(path: str | Path) -> Resolver:
    """Resolver.load: the base, checked, then each delta segment replayed."""
    from ._resolve import Resolver, _Rows

    path = as_path(path)
    where = str(path)
    try:
        with open(path, "rb") as handle:
            header = _read_header(handle, where)
            raws = {name: _read_section(handle, header, name, where) for name, _ in _SECTIONS}
            segments = _segments(handle, header, where)[0]
    except FileNotFoundError:
        raise DataFileError("file not found", path=where) from None
    except IsADirectoryError:
        raise DataFileError("not an aliaskit index file (a directory)", path=where) from None
    except OSError as exc:
        raise DataFileError(f"cannot read the index ({exc.strerror or exc})", path=where) from None
    meta = header.meta
    count, total = meta["entities"], meta["rows"]
    resolver = Resolver()
    try:
        entities_blob = raws.pop("entities")
        data = {name: _decode(raw, name) for name, raw in raws.items()}
        raws.clear()
        ids = _strings(data["ids"], "ids", count)
        names = _strings(data["names"], "names", total)
        normalized = _strings(data["normalized"], "normalized", total)
        sounds = _strings(data["sounds"], "sounds", total)
        layer, source = data["row_layer"], data["row_source"]
        if (layer is None) != (source is None):
            raise _BadField("row_layer", "one of row_layer and row_source is null")
        if layer is None:
            layer = source = [None] * total
        _strings(layer, "row_layer", total, optional=True)
        _strings(source, "row_source", total, optional=True)
        keys = _strings(data["keys"], "keys", None)
        starts, owners, positions = data["starts"], data["row_entity"], data["row_name"]
        offsets, key_offsets = data["entity_offsets"], data["key_offsets"]
        for name, column, size in (("starts", starts, count), ("row_entity", owners, total),
                                   ("row_name", positions, total),
                                   ("entity_offsets", offsets, count + 1),
                                   ("key_offsets", key_offsets, len(keys) + 1),
                                   ("signatures", data["signatures"], total)):
            if len(column) != size:
                raise _BadField(name, f"has {len(column):,} items, expected {size:,}")
        _in_range(owners, "row_entity", 0, count)
        _in_range(positions, "row_name", 0, _MAX_INT)
        _in_range(starts, "starts", 0, max(total, 1))
        _in_range(data["signatures"], "signatures", 0, 1 << SIGNATURE_BITS)
        # Each row is name k of its entity, k rows after the entity's first: in C.
        if not all(map(operator.eq, range(total),
                       map(operator.add, map(starts.__getitem__, owners), positions))):
            at = next(r for r in range(total) if starts[owners[r]] + positions[r] != r)
            raise _BadField(f"row_name[{at}]", f"row {at} is not name {positions[at]} of "
                            f"entity {owners[at]}'s rows")
        # ... and an entity's rows are consecutive: name 0 begins them, name k follows
        # name k - 1.
        if positions and (positions[0] != 0 or not all(map(
                operator.or_, map(operator.not_, itertools.islice(positions, 1, None)),
                map(operator.eq, itertools.islice(positions, 1, None),
                    map((1).__add__, positions))))):
            at = next(r for r in range(total) if positions[r] and (
                r == 0 or positions[r] != positions[r - 1] + 1))
            raise _BadField(f"row_name[{at}]", f"row {at} is name {positions[at]} of entity "
                            f"{owners[at]}, its row before is not the name before")
        resolver._ids = _id_table(ids, range(count))
        resolver._postings = _Postings(where, keys, key_offsets, data["postings"], total)
        part_df = data["part_df"]
        if not isinstance(part_df, dict) or not all(
                type(v) is int and 0 <= v < _MAX_INT for v in part_df.values()):
            raise _BadField("part_df", "expected an object of non-negative integers")
    except _BadField as exc:
        raise _corrupt(where, exc) from None
    resolver._rows = _Rows(owners, positions, normalized, sounds, names, data["signatures"])
    resolver._entities = _Entities(where, entities_blob, offsets, ids, starts, resolver._rows)
    resolver._entity_ids = ids
    resolver._starts = starts
    resolver._row_layer, resolver._row_source = layer, source
    resolver._part_df = Counter(part_df)
    resolver._layers = list(meta["layers"])
    resolver._weights_stale = True
    for number, segment in enumerate(segments, 1):
        _replay(resolver, segment, f"update {number}", where)
    return resolver


def _replay(resolver: Resolver, segment: _Segment, field: str, where: str) -> None:
    try:
        new = [entity_from_record(raw, f"{field}.add[{i}]") for i, raw in enumerate(segment.add)]
        update_index(resolver, add=new, remove=segment.remove)
    except _BadField as exc:
        raise _corrupt(where, exc) from None
    except InvalidArgumentError as exc:
        raise DataFileError(f"corrupt aliaskit index file: {field}: {exc}", path=where) from None


@attrs.frozen
class FileUpdate:
    """What :func:`update_file` did: the delta, the index after it (entities, names),
    the delta segments now in the file (0: it was rewritten whole), and the bytes of an
    interrupted update it dropped."""

    delta: IndexDelta
    entities: int
    aliases: int
    segments: int
    dropped: int = 0


def update_file(path: str | Path, *, add: Iterable[Entity] = (), remove: Iterable[str] = (),
                output: str | Path | None = None, compact: bool = False) -> FileUpdate:
    """Apply a delta to a saved index: remove, then add (replacing an entity with the
    same id), as :func:`update_index` does, by appending a delta segment to the file (or
    to a copy at ``output``): the cost is the delta's, not the index's. With
    ``compact``, or once the segments hold more than :data:`COMPACT_FRACTION` of the
    entities, the file is rewritten whole instead (:func:`compact_file`).

    Checked first, as update_index checks; a file that is stale, corrupt, or whose last
    update was interrupted (then the incomplete segment is dropped) is handled as
    :meth:`Resolver.load` does: :class:`~aliaskit.DataFileError`.
    """
    path = as_path(path)
    output = None if output is None else as_path(output, "output")
    new, gone = _delta_args(add, remove)
    where = str(path)
    target = Path(output) if output is not None else Path(path)
    try:
        with open(path, "rb") as handle:
            header = _read_header(handle, where)
            try:
                ids = _strings(_decode(_read_section(handle, header, "ids", where), "ids"), "ids",
                               header.meta["entities"])
                starts = _decode(_read_section(handle, header, "starts", where), "starts")
                ends = [*starts[1:], header.meta["rows"]]
                counts = _id_table(ids, map(operator.sub, ends, starts))
            except _BadField as exc:
                raise _corrupt(where, exc) from None
            segments, end = _segments(handle, header, where, lenient=True)
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
    except FileNotFoundError:
        raise DataFileError("file not found", path=where) from None
    except IsADirectoryError:
        raise DataFileError("not an aliaskit index file (a directory)", path=where) from None
    moved = 0
    try:
        for number, segment in enumerate(segments, 1):
            for i in segment.remove:
                counts.pop(i)
            for raw in segment.add:
                record = _fields(raw, f"update {number}.add", _ENTITY_FIELDS)
                aliases = [a["name"] if isinstance(a, dict) else None for a in record["aliases"]]
                counts[record["id"]] = len(dict.fromkeys([record["name"], *aliases]))
            moved += len(segment.remove) + len(segment.add)
    except (KeyError, TypeError) as exc:
        raise DataFileError(f"corrupt aliaskit index file: update {number} ({exc})",
                            path=where) from None
    except _BadField as exc:
        raise _corrupt(where, exc) from None
    delta = _check_delta(counts, new, gone)
    moved += len(gone) + len(new)
    if compact or moved > max(COMPACT_FRACTION * len(ids), COMPACT_MIN):
        resolver = load_file(path) if end == size else None
        if resolver is None:  # the interrupted part is dropped from a copy, then loaded
            resolver = _load_prefix(Path(path), end)
        update_index(resolver, add=new, remove=gone)
        resolver.save(target)
        return FileUpdate(delta, len(resolver), resolver.alias_count, 0, size - end)
    payload = _dumps({"remove": gone, "add": [entity_record(e) for e in new]})
    framed = _delta_segment(payload)
    for i in dict.fromkeys([*gone, *(e.id for e in new)]):
        counts.pop(i, None)
    for entity in new:
        counts[entity.id] = len(entity.names)
    result = FileUpdate(delta, len(counts), sum(counts.values()), len(segments) + 1, size - end)
    if target.resolve() == Path(path).resolve():
        with open_file(target, "r+b") as appended:
            appended.truncate(end)  # an interrupted update's part, if any
            appended.seek(end)
            appended.write(framed)
            appended.flush()
            os.fsync(appended.fileno())
    else:
        def write(out: IO[bytes]) -> None:
            with open(path, "rb") as source:
                _copy(source, out, end)
            out.write(framed)

        write_file(target, write)
    return result


def _copy(source: IO[bytes], out: IO[bytes], size: int) -> None:
    while size > 0:
        chunk = source.read(min(size, 1 << 24))
        if not chunk:
            break
        out.write(chunk)
        size -= len(chunk)


def _load_prefix(path: Path, end: int) -> Resolver:
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        copy = Path(tmp) / path.name
        with open(path, "rb") as source, open(copy, "wb") as out:
            _copy(source, out, end)
        return load_file(copy)


def compact_file(path: str | Path, output: str | Path | None = None) -> Resolver:
    """Rewrite a saved index whole, its delta segments applied: the file a rebuild from
    the same entities writes (and loads fastest)."""
    path = as_path(path)
    output = None if output is None else as_path(output, "output")
    resolver = load_file(path)
    resolver.save(output if output is not None else path)
    return resolver


def _parts(path: str | Path) -> tuple[dict[str, Any], dict[str, bytes], bytes]:
    """A saved index taken apart: header, sections (raw bytes), delta segments (raw).
    For tests and fuzzing, which damage a part and put the file back together."""
    where = str(path)
    with open(path, "rb") as handle:
        header = _read_header(handle, where)
        sections = {name: _read_section(handle, header, name, where) for name, _ in _SECTIONS}
        handle.seek(header.end)
        return header.meta, sections, handle.read()


def _assemble(meta: dict[str, Any], sections: dict[str, bytes], tail: bytes = b"") -> bytes:
    """An index file from its parts, each section's length and checksum recomputed."""
    out = io.BytesIO()
    _write_parts(out, meta, sections)
    return out.getvalue() + tail


def _delta_segment(payload: bytes) -> bytes:
    return DELTA_MAGIC + _FRAME.pack(len(payload), zlib.crc32(payload)) + payload
