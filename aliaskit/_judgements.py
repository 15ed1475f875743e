"""Reviewers' decisions on pairs of names: kept in a file, honoured by every matcher.

A screening or deduplication run is the start of a reviewer's work: they confirm some
hits and reject others ("not the same Mohammad Khan"). Each decision is a
:class:`Judgement`, one line of a JSON Lines file::

    {"left": "Mohammad Khan", "right": "person/mohammad-khan-2", "judgement": "different",
     "user": "maria", "time": "2026-12-05T09:12:00Z", "note": "father, not the son"}

``left`` and ``right`` are entity ids or names; names are compared in their normalised
form (:func:`aliaskit.normalize`) without titles, so "Mohammad KHAN" is "Mohammad Khan"
and "Mullah Abdul Qahar" is "Abdul Qahar". A name on the entity side stands for the
entity that has that name (canonical name or alias); an id is safer.

A judgement may record the context of the ``left`` side it was made for, ``birth_year``
and ``country`` (a screened customer's): it then holds only for queries with that
context, so that rejecting the father for one "Ahmad Massoud" born 1989 does not hide
him for the next, born in the father's year. Where judgements with and without context
apply to one query, those with the most context decide.

:class:`Judgements` loads such a file (a malformed line is reported with its number,
the others are kept), appends to it without rewriting earlier lines, and answers "what
did reviewers say about this pair?". Two decisive judgements that disagree about one
pair (``same`` and ``different``) are a *conflict*: reported
(:attr:`Judgements.conflicts`) and not applied, unless the collection is made with
``latest_wins=True`` (the latest ``time`` decides, then the later line).

:meth:`aliaskit.Resolver.resolve`, :func:`aliaskit.cluster` and :func:`aliaskit.link`
take ``judgements=``: a ``different`` pair is never returned as a match, a ``same`` pair
always is. ``unsure`` is recorded and listed, and changes nothing; where nobody decided
the pair, the resolver shows its latest unsure mark with the hit (:meth:`Judgements.unsure`).
"""

from __future__ import annotations

import codecs
import functools
import io
import json
import os
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

import attrs

from ._context import check_context, country_key, same_country
from ._errors import AliaskitError, DataFileError, InvalidArgumentError, InvalidNameError, as_path, parse_json
from ._lines import decode_marked, first_line, marked_encoding, read_lines, wide_text
from ._parsing import _parse
from ._types import MAX_YEAR, MIN_YEAR

__all__ = ["Judgement", "JudgementValue", "Judgements"]

JudgementValue = Literal["same", "different", "unsure"]
"""What a reviewer decided about a pair of names."""

VALUES: tuple[JudgementValue, ...] = ("same", "different", "unsure")
FIELDS = ("left", "right", "judgement", "user", "time", "note")
CONTEXT = ("birth_year", "country")
"""A judgement's optional fields: the context of its left side, written only when set."""


def _check_side(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str):
        raise TypeError(f"judgement {attribute.name} must be a string, not {type(value).__name__}")
    if not value.strip():
        raise InvalidNameError(f"judgement {attribute.name} must not be empty")
    # A side is a name or an entity id: one with no letter, or with a control character
    # (a terminal's escape sequence), is neither, and no query could ever meet it.
    if not any(ch.isalpha() for ch in value):
        raise InvalidNameError(f"judgement {attribute.name} {value!r} holds no letter")
    bad = next((ch for ch in value if unicodedata.category(ch) == "Cc" and not ch.isspace()), None)
    if bad is not None:
        raise InvalidNameError(f"judgement {attribute.name} {value!r} holds a control "
                               f"character (U+{ord(bad):04X})")


def _check_value(instance: object, attribute: object, value: object) -> None:
    if value not in VALUES:
        raise InvalidArgumentError(f"judgement must be one of {', '.join(VALUES)}, not {value!r}")


def _check_str(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str):
        raise TypeError(f"judgement {attribute.name} must be a string, not {type(value).__name__}")


def _check_birth_year(instance: object, attribute: object, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"judgement birth_year must be an int such as 1956 or None, not "
                        f"{type(value).__name__}")
    if not MIN_YEAR <= value <= MAX_YEAR:
        raise InvalidArgumentError(f"judgement birth_year must be a year such as 1956, not {value!r}")


def _check_country(instance: object, attribute: object, value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        raise TypeError(f"judgement country must be a string or None, not {type(value).__name__}")
    if not value.strip():
        raise InvalidArgumentError(f"judgement country must not be blank, not {value!r}")
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise InvalidArgumentError(f"judgement country {value!r} holds a control character")


def _check_time(instance: object, attribute: object, value: object) -> None:
    if not isinstance(value, str):
        raise TypeError(f"judgement time must be a string, not {type(value).__name__}")
    if not value:
        return
    try:
        _utc(value)
    except ValueError:
        raise InvalidArgumentError(f"judgement time {value!r} is not an ISO 8601 date and time"
                               ) from None
    except OverflowError:
        # Refused here, not where the date is shown: every command that shows it failed.
        raise InvalidArgumentError(f"judgement time {value!r} is out of range (years 1 to 9999 "
                               f"in UTC)") from None


def _utc(value: str) -> datetime:
    parsed = datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith("Z") else value)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def _parse_time(value: str) -> datetime | None:
    """``value`` in UTC; None when it is not a time or out of range."""
    try:
        return _utc(value)
    except (ValueError, OverflowError):
        return None


def now() -> str:
    """The current time in UTC, as a judgement records it ("2026-12-05T09:12:00Z")."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@attrs.frozen(slots=True)
class Judgement:
    """One reviewer's decision about a pair of names (or a name and an entity id).

    ```pycon
    >>> j = Judgement("Mohammad Khan", "person/mohammad-khan-2", "different",
    ...               user="maria", time="2026-12-05T09:12:00Z", note="the father")
    >>> j.describe()
    'rejected by maria on 2026-12-05 (the father)'

    ```

    ``birth_year`` and ``country`` (keyword-only) are the context of the ``left`` side
    the decision was made for: the judgement then holds only for queries with that
    context (:meth:`applies`).

    ```pycon
    >>> j = Judgement("Ahmad Massoud", "person/ahmad-shah-massoud", "different",
    ...               user="maria", birth_year=1989, note="the son")
    >>> j.describe()
    'rejected by maria for birth year 1989 (the son)'
    >>> j.applies(birth_year=1989), j.applies(birth_year=1953), j.applies()
    (True, False, False)

    ```

    ``line`` is where the judgement was read (None when made in code); it is not part
    of equality.
    """

    left: str = attrs.field(validator=_check_side)
    right: str = attrs.field(validator=_check_side)
    judgement: JudgementValue = attrs.field(validator=_check_value)
    user: str = attrs.field(default="", validator=_check_str)
    time: str = attrs.field(default="", validator=_check_time)
    note: str = attrs.field(default="", validator=_check_str)
    line: int | None = attrs.field(default=None, eq=False)
    birth_year: int | None = attrs.field(default=None, validator=_check_birth_year, kw_only=True)
    country: str | None = attrs.field(default=None, validator=_check_country, kw_only=True)

    @property
    def context(self) -> str:
        """The context the decision was made for, as read: "birth year 1989, country af"
        ("" for a judgement about names alone)."""
        parts = ([f"birth year {self.birth_year}"] if self.birth_year is not None else []) + \
            ([f"country {self.country}"] if self.country is not None else [])
        return ", ".join(parts)

    def applies(self, *, birth_year: int | None = None, country: str | None = None) -> bool:
        """Does the decision hold for a query with this context? One made without context
        holds for every query; one made for a birth year or a country only for a query
        with the same one (a query without it may be another person)."""
        if self.birth_year is not None and self.birth_year != birth_year:
            return False
        return self.country is None or (country is not None and same_country(self.country, country))

    @property
    def _specificity(self) -> int:
        return (self.birth_year is not None) + (self.country is not None)

    @property
    def date(self) -> str:
        """The day of the decision (YYYY-MM-DD), or "" when no time was recorded."""
        parsed = _parse_time(self.time) if self.time else None
        return parsed.strftime("%Y-%m-%d") if parsed else ""

    def describe(self) -> str:
        """"rejected by <user> on <date>", "confirmed by ...", "unsure (...)", with the note."""
        verb = {"same": "confirmed", "different": "rejected", "unsure": "marked unsure"}[self.judgement]
        text = verb + (f" by {self.user}" if self.user else "") + (f" on {self.date}" if self.date else "")
        text += f" for {self.context}" if self.context else ""
        return text + (f" ({self.note})" if self.note else "")

    def to_dict(self) -> dict[str, Any]:
        """The judgement as a JSON-ready dict: its fields (``birth_year`` and ``country``
        null when not set), the ``line`` of its file, and ``describe`` (:meth:`describe`).
        The CLI and the match records use it."""
        return {"left": self.left, "right": self.right, "judgement": self.judgement,
                "user": self.user, "time": self.time, "note": self.note,
                "birth_year": self.birth_year, "country": self.country, "line": self.line,
                "describe": self.describe()}

    def to_json(self) -> str:
        """The judgement as one line of a judgements file (no newline); the context
        fields only when set, so that a judgement about names reads as it always has."""
        record = {name: getattr(self, name) for name in FIELDS}
        record.update({name: getattr(self, name) for name in CONTEXT
                       if getattr(self, name) is not None})
        return json.dumps(record, ensure_ascii=False)


Key = tuple[str, str]  # ("id", raw text) or ("name", normalised text)


@functools.lru_cache(maxsize=100_000)
def name_key(text: str) -> str | None:
    """The normalised form of a name without its titles, as judgements compare names
    ("Foreign Minister Amir Khan Mottaqi" is "amir khan mottaqi"); None: not a name."""
    try:
        parts = _parse(text)
    except AliaskitError:
        return None
    kept = [part.text for part in parts if part.role != "title"] or [part.text for part in parts]
    return " ".join(kept)


def _keys(text: str) -> tuple[Key, ...]:
    """What a side of a judgement can stand for: an entity id, and a name."""
    normal = name_key(text)
    raw = ("id", text.strip())
    return (raw, ("name", normal)) if normal is not None else (raw,)


def _pair_id(j: Judgement) -> tuple[str, str, int | None, str | None]:
    """Which pair a judgement is about, for finding conflicts: both sides' normalised
    forms (the text itself where it is not a name), in order, and the context it was
    made for (decisions for two customers of one name do not conflict)."""
    a = name_key(j.left) or j.left.strip()
    b = name_key(j.right) or j.right.strip()
    country = country_key(j.country) if j.country is not None else None
    return ((a, b) if a <= b else (b, a)) + (j.birth_year, country)


def _index_both_ways(index: dict[tuple[Key, Key], list[Judgement]], j: Judgement) -> None:
    """File ``j`` under every pair of what its two sides stand for, in both orders."""
    for a in _keys(j.left):
        for b in _keys(j.right):
            index.setdefault((a, b), []).append(j)
            index.setdefault((b, a), []).append(j)


def _other_keys(other: str | Iterable[str], entity_id: str | None) -> list[Key]:
    """What the other side of a question stands for: its names (one, or all of an
    entity's), and the entity's id when given."""
    others = [other] if isinstance(other, str) else list(other)
    keys: list[Key] = [("name", k) for k in dict.fromkeys(name_key(o) for o in others) if k]
    if entity_id is not None:
        keys.append(("id", entity_id))
    return keys


def _order(j: Judgement, position: int) -> tuple[datetime, int]:
    parsed = _parse_time(j.time) if j.time else None
    return (parsed or datetime.min.replace(tzinfo=timezone.utc), position)


class Judgements:
    """A collection of :class:`Judgement` records: what reviewers decided.

    ```pycon
    >>> js = Judgements([
    ...     Judgement("Mohammad Khan", "Mohammad Khan Karimi", "different", user="maria"),
    ...     Judgement("Amir Khan Muttaqi", "Mottaki", "same", user="omid")])
    >>> js.verdict("MOHAMMAD KHAN", ["Mohammad Khan Karimi"]).describe()
    'rejected by maria'
    >>> js.verdict("Mottaki", ["Amir Khan Muttaqi"]).judgement
    'same'
    >>> js.verdict("Mohammad Khan", ["Mohammad Karim"]) is None
    True

    ```

    ``conflicts`` lists the pairs with decisive judgements that disagree (each a tuple
    of the judgements, in file order); they are not applied unless ``latest_wins``.
    ``errors`` holds a :class:`~aliaskit.DataFileError` per malformed line of a loaded
    file (with its line number); the other lines are kept.
    """

    def __init__(self, judgements: Iterable[Judgement] = (), *, latest_wins: bool = False,
                 errors: Iterable[DataFileError] = ()) -> None:
        items = list(judgements)
        for item in items:
            if not isinstance(item, Judgement):
                raise TypeError(f"expected Judgement records, not {type(item).__name__}")
        self.items: tuple[Judgement, ...] = tuple(items)
        self.latest_wins = latest_wins
        self.errors: tuple[DataFileError, ...] = tuple(errors)
        by_pair: dict[tuple[str, str, int | None, str | None], list[tuple[int, Judgement]]] = {}
        for position, j in enumerate(self.items):
            by_pair.setdefault(_pair_id(j), []).append((position, j))
        conflicts: list[tuple[Judgement, ...]] = []
        self._index: dict[tuple[Key, Key], list[Judgement]] = {}
        self._named: dict[Key, list[Judgement]] = {}
        self._applied: list[Judgement] = []
        # Pairs only marked unsure: the latest such mark, shown with the pair's hits (a
        # second reviewer sees what was left for follow-up); it decides nothing.
        self._unsure: dict[tuple[Key, Key], list[Judgement]] = {}
        for group in by_pair.values():
            decisive = [(p, j) for p, j in group if j.judgement != "unsure"]
            if not decisive:
                latest = max(group, key=lambda pj: _order(pj[1], pj[0]))[1]
                _index_both_ways(self._unsure, latest)
                for key in {*_keys(latest.left), *_keys(latest.right)}:
                    self._named.setdefault(key, [])
                continue
            if len({j.judgement for _, j in decisive}) > 1:
                conflicts.append(tuple(j for _, j in decisive))
                if not latest_wins:
                    continue
            effective = max(decisive, key=lambda pj: _order(pj[1], pj[0]))[1]
            self._applied.append(effective)
            _index_both_ways(self._index, effective)
            for key in {*_keys(effective.left), *_keys(effective.right)}:
                self._named.setdefault(key, []).append(effective)
        self.conflicts: tuple[tuple[Judgement, ...], ...] = tuple(conflicts)

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[Judgement]:
        return iter(self.items)

    def __bool__(self) -> bool:
        return bool(self._index or self._unsure)

    def __repr__(self) -> str:
        return (f"Judgements({len(self.items)} judgements, {len(self.conflicts)} conflicts, "
                f"{len(self.errors)} errors)")

    @classmethod
    def load(cls, path: str | Path, *, latest_wins: bool = False, strict: bool = False) -> Judgements:
        """Read a judgements file (JSON Lines); a missing file is an empty collection.

        A malformed line is kept out and reported in :attr:`errors` with its line number;
        with ``strict=True`` the first one raises :class:`~aliaskit.DataFileError` instead.
        """
        path = as_path(path)
        where = str(path)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return cls(latest_wins=latest_wins)
        except OSError as exc:
            raise DataFileError(exc.strerror or "cannot be read", path=where) from None
        return cls.parse(raw, where, latest_wins=latest_wins, strict=strict)

    @classmethod
    def parse(cls, raw: bytes | str, where: str = "<judgements>", *, latest_wins: bool = False,
              strict: bool = False) -> Judgements:
        """The judgements of the JSON Lines text ``raw``, as bytes (as :meth:`load` reads a
        file) or as a string; ``where`` names it in the errors, e.g. a review page's
        export."""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogatepass")
        if not isinstance(raw, (bytes, bytearray)):
            raise TypeError(f"raw must be bytes or a string, not {type(raw).__name__}")
        if not isinstance(where, str):
            raise TypeError(f"where must be a string, not {type(where).__name__}")
        items: list[Judgement] = []
        errors: list[DataFileError] = []
        # A byte-order mark, as Windows editors save one: of UTF-8, ignored; of UTF-16
        # or UTF-32, read as such, as every other file aliaskit reads.
        # (UTF-16 or UTF-32 without the mark is refused as a whole, not line by line.)
        if marked_encoding(raw, "utf-8") != "utf-8" or wide_text(first_line(bytes(raw))) is not None:
            text, bad_line, why = decode_marked(bytes(raw))
            if text is None:
                raise DataFileError(why, path=where, line=bad_line)
            raw = text.encode("utf-8")
        raw = raw.removeprefix(codecs.BOM_UTF8)
        for number, line in enumerate(read_lines(io.BytesIO(raw)), start=1):
            if not line.strip():
                continue
            try:
                items.append(_parse_line(line, number))
            except (ValueError, TypeError) as exc:
                error = DataFileError(str(exc), path=where, line=number)
                if strict:
                    raise error from None
                errors.append(error)
        return cls(items, latest_wins=latest_wins, errors=errors)

    @staticmethod
    def append(path: str | Path, judgement: Judgement) -> None:
        """Add one judgement at the end of the file ``path`` (created if missing).

        Earlier lines are never rewritten: the file is opened for appending, and a last
        line without its newline (an interrupted write) is ended first.
        """
        if not isinstance(judgement, Judgement):
            raise TypeError(f"expected a Judgement, not {type(judgement).__name__}")
        Judgements.extend(path, [judgement])

    @staticmethod
    def extend(path: str | Path, judgements: Iterable[Judgement]) -> int:
        """Add judgements at the end of the file ``path`` (created if missing), in one
        write, as :meth:`append` adds one; the number added."""
        path = as_path(path)
        items = list(judgements)
        for item in items:
            if not isinstance(item, Judgement):
                raise TypeError(f"expected a Judgement, not {type(item).__name__}")
        if not items:
            return 0
        where = str(path)
        text = b"".join(j.to_json().encode("utf-8") + b"\n" for j in items)
        try:
            with open(path, "ab") as handle:
                if handle.tell() > 0:
                    with open(path, "rb") as reader:
                        # Lines are added in UTF-8: not to a file in UTF-16 or UTF-32,
                        # which they would corrupt (its reader goes by the first bytes).
                        encoding = marked_encoding(reader.read(4), "utf-8")
                        if encoding != "utf-8":
                            raise DataFileError(
                                f"is {encoding.upper()} text, and judgements are added in "
                                "UTF-8: save it as UTF-8 first", path=where)
                        reader.seek(-1, os.SEEK_END)
                        if reader.read(1) != b"\n":
                            handle.write(b"\n")
                handle.write(text)
        except OSError as exc:
            raise DataFileError(exc.strerror or "cannot be written", path=where) from None
        return len(items)

    def _verdicts(self, left: Iterable[Key], right: Iterable[Key]) -> list[Judgement]:
        right = list(right)
        found: list[Judgement] = []
        for a in left:
            if a not in self._named:
                continue
            for b in right:
                for j in self._index.get((a, b), ()):
                    if j not in found:
                        found.append(j)
        return found

    def verdict(self, name: str, other: str | Iterable[str], entity_id: str | None = None, *,
                birth_year: int | None = None, country: str | None = None) -> Judgement | None:
        """The judgement that applies to ``name`` against ``other`` (a name, or all the
        names of an entity) or the entity ``entity_id``, for a query with the context
        ``birth_year`` and ``country`` (see :meth:`Judgement.applies`; of those that
        apply, the ones made for the most context decide); None when reviewers said
        nothing decisive (or disagree: see :attr:`conflicts`)."""
        check_context(birth_year, country)
        if not self._index:
            return None
        normal = name_key(name) if isinstance(name, str) else None
        if normal is None:
            return None
        left: list[Key] = [("name", normal)]
        found = [j for j in self._verdicts(left, _other_keys(other, entity_id))
                 if j.applies(birth_year=birth_year, country=country)]
        most = max((j._specificity for j in found), default=0)
        found = [j for j in found if j._specificity == most]
        if len({j.judgement for j in found}) != 1:
            return None  # nothing, or judgements of its different names disagree
        return found[0]

    def unsure(self, name: str, other: str | Iterable[str], entity_id: str | None = None, *,
               birth_year: int | None = None, country: str | None = None) -> Judgement | None:
        """The latest ``unsure`` mark on ``name`` against ``other`` (a name, or all the
        names of an entity) or the entity ``entity_id``, for a query with this context,
        where no decisive judgement was made on the pair: shown with a hit, it decides
        nothing (:meth:`verdict` never returns it)."""
        check_context(birth_year, country)
        normal = name_key(name) if self._unsure and isinstance(name, str) else None
        if normal is None:
            return None
        found = [j for b in _other_keys(other, entity_id)
                 for j in self._unsure.get((("name", normal), b), ())
                 if j.applies(birth_year=birth_year, country=country)]
        return max(found, key=lambda j: (j._specificity, _order(j, j.line or 0)), default=None)

    def applied(self) -> tuple[Judgement, ...]:
        """The decisive judgements in force: one per pair (conflicting pairs left out
        unless ``latest_wins``, which keeps the latest)."""
        return tuple(self._applied)

    def names(self, name: str) -> bool:
        """True when some applied judgement, or an unsure mark, is about ``name``."""
        normal = name_key(name) if isinstance(name, str) else None
        return normal is not None and ("name", normal) in self._named

    def confirmed_for(self, name: str, *, birth_year: int | None = None,
                      country: str | None = None) -> list[Judgement]:
        """The ``same`` judgements about ``name`` (whatever the other side) that hold for
        a query with this context."""
        normal = name_key(name) if isinstance(name, str) else None
        if normal is None or ("name", normal) not in self._named:
            return []
        return [j for j in self._named[("name", normal)] if j.judgement == "same"
                and j.applies(birth_year=birth_year, country=country)]

    def other_side(self, judgement: Judgement, name: str) -> str:
        """The side of ``judgement`` that is not ``name``."""
        return judgement.right if name_key(judgement.left) == name_key(name) else judgement.left


def _parse_line(line: bytes, number: int) -> Judgement:
    try:
        record = parse_json(line.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ValueError(f"not valid UTF-8 at byte {exc.start}") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"not a JSON object ({exc.msg})") from None
    if not isinstance(record, dict):
        raise ValueError("not a JSON object")
    missing = [f for f in ("left", "right", "judgement") if f not in record]
    if missing:
        raise ValueError(f"missing field(s) {', '.join(missing)}")
    values = {name: record[name] for name in FIELDS + CONTEXT
              if name in record and record[name] is not None}
    try:
        return Judgement(**values, line=number)
    except TypeError as exc:
        raise ValueError(str(exc)) from None
