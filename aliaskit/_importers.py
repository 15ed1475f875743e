"""Readers for the published lists that screening starts from.

Each reader streams one file, given open (it may be a pipe, which can be opened only
once) with its path (which names it, and the files beside it), and yields ``(file,
line, entity or RowError)`` in file order, so :func:`aliaskit.read_gazetteer` reports
every malformed row with its line:

- ``ftm``: FollowTheMoney entities, one JSON object a line, as OpenSanctions publishes
  them (``schema``, ``properties.name`` / ``alias`` / ``weakAlias`` / ``previousName`` /
  ``birthDate`` / ``country`` / ``nationality``). Records of schemata that are not named
  parties (sanctions, addresses, relations) carry no name to screen and are skipped.
- ``ofac``: the OFAC SDN legacy CSV files, without a header row: ``sdn.csv`` (12
  columns), with ``alt.csv`` (aliases, 5 columns) and ``add.csv`` (addresses, 6 columns)
  read from beside it when present. ``-0-`` is the files' empty value.
- ``un``: the UN Security Council consolidated list XML (``INDIVIDUAL`` and ``ENTITY``
  records, aliases with their ``QUALITY``: "Low" aliases are kept as weak). Read with
  ElementTree's pull parser; a file with a DOCTYPE or ENTITY declaration is refused
  (no entity expansion).
- ``geonames``: a GeoNames dump (``XX.txt``, ``allCountries.txt``: 19 tab-separated
  columns), places with their alternate names; with ``alternateNamesV2.txt`` beside it,
  a place's alternate names come from its rows there with their language codes (in the
  alias note), colloquial names as weak aliases, and codes (post, iata, link, ...) left
  out (a place without rows there keeps the dump's own column of names).
"""

from __future__ import annotations

import contextlib
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, cast

from ._errors import AliaskitError, DataFileError, open_file, parse_json
from ._gazetteer import RowError, alias_list, check_names, csv_rows, decoded_lines
from ._lines import marked_encoding
from ._types import Alias, Entity, Kind

__all__ = ["READERS", "sniff_head"]

Record = tuple[str, int, Entity | RowError]

# --- FollowTheMoney (OpenSanctions) ---------------------------------------------------

FTM_KINDS: dict[str, Kind | None] = {
    "Person": "person", "Organization": "org", "Company": "org", "PublicBody": "org",
    "LegalEntity": None, "Vessel": None, "Airplane": None,
}
"""FollowTheMoney schemata read as entities, and their kind; other schemata (Sanction,
Address, Ownership, ...) are not named parties and are skipped."""


def _ftm_entity(record: Any) -> Entity | None:
    if not isinstance(record, dict):
        raise RowError(f"expected an object, found {type(record).__name__}")
    schema = record.get("schema")
    if not isinstance(schema, str):
        raise RowError("'schema' is required and must be a string")
    if schema not in FTM_KINDS:
        return None
    entity_id = record.get("id")
    if not isinstance(entity_id, str) or not entity_id:
        raise RowError("'id' is required and must be a string")
    props = record.get("properties")
    if not isinstance(props, dict):
        raise RowError("'properties' must be an object")

    def values(key: str) -> list[str]:
        found = props.get(key) or []
        if not isinstance(found, list) or not all(isinstance(v, str) for v in found):
            raise RowError(f"properties.{key} must be a list of strings")
        return found

    names = values("name")
    if not names:
        raise RowError("properties.name is empty")
    seen = {names[0].strip()}
    aliases = alias_list(names[1:], seen=seen) + alias_list(values("alias"), seen=seen)
    aliases += alias_list(values("previousName"), note="previous name", seen=seen)
    aliases += alias_list(values("weakAlias"), weak=True, note="weak alias", seen=seen)
    countries = [c.lower() for c in dict.fromkeys(
        values("country") + values("nationality") + values("citizenship"))]
    datasets = record.get("datasets")
    source = ("opensanctions:" + ",".join(datasets) if isinstance(datasets, list) and datasets
              and all(isinstance(d, str) for d in datasets) else "ftm")
    return check_names(Entity(id=entity_id, name=names[0].strip(), kind=FTM_KINDS[schema],
                              aliases=aliases, birth_dates=values("birthDate"),
                              countries=countries, source=source))


def read_ftm(path: Path, handle: BinaryIO) -> Iterator[Record]:
    where = str(path)
    with handle:
        for number, line in decoded_lines(handle, name=where):
            if isinstance(line, RowError):
                yield where, number, line
                continue
            if not line.strip():
                continue
            try:
                entity = _ftm_entity(parse_json(line))
            except json.JSONDecodeError as exc:
                yield where, number, RowError(f"not valid JSON ({exc.msg}, column {exc.colno})")
                continue
            except AliaskitError as exc:
                yield where, number, RowError(str(exc))
                continue
            if entity is not None:
                yield where, number, entity


# --- OFAC SDN ----------------------------------------------------------------------------

OFAC_NULL = "-0-"
SDN_COLUMNS = ("ent_num", "SDN_Name", "SDN_Type", "Program", "Title", "Call_Sign",
               "Vess_type", "Tonnage", "GRT", "Vess_flag", "Vess_owner", "Remarks")
ALT_COLUMNS = ("ent_num", "alt_num", "alt_type", "alt_name", "alt_remarks")
ADD_COLUMNS = ("ent_num", "add_num", "address", "city_state_postal", "country", "add_remarks")
_SDN_KINDS: dict[str, Kind | None] = {"individual": "person", "": "org", "vessel": None,
                                      "aircraft": None}
_DOB = re.compile(r"\bDOB\s+(?:circa\s+)?(?:\d{1,2}\s+)?(?:[A-Za-z]{3}\s+)?(\d{4})"
                  r"(?:\s+to\s+(?:\d{1,2}\s+)?(?:[A-Za-z]{3}\s+)?(\d{4}))?")
_NATIONALITY = re.compile(r"\b(?:nationality|citizen)\s+([A-Z][A-Za-z ]+?)(?:;|\.|$| \()")


def _ofac_value(text: str) -> str:
    text = text.strip()
    return "" if text == OFAC_NULL else text


def _ofac_person_name(name: str) -> str:
    """"SURNAME, Given" as "Given SURNAME" (one comma only), else the name as it is."""
    if name.count(",") == 1:
        surname, given = (p.strip() for p in name.split(","))
        if surname and given:
            return f"{given} {surname}"
    return name


_SEP, _REC = "\x1f", "\x1e"  # unit and record separators: never in the list's text


def _number(field: str, name: str) -> int:
    """The numeric id ``field`` (the column ``name``), or a RowError saying it is not one."""
    text = field.strip()
    if text.isdecimal():
        try:
            return int(text)
        except ValueError:  # more digits than Python converts to an int
            raise RowError(f"{name} {text[:20] + '...'!r} ({len(text)} digits) is not a "
                           f"number") from None
    raise RowError(f"{name} {field!r} is not a number")


def _ofac_side(path: Path, columns: tuple[str, ...], keep: tuple[int, ...],
               problems: list[Record]) -> dict[int, str]:
    """An alt.csv or add.csv file: for each ent_num, the line numbers and ``keep``
    columns of its rows, packed in one string (a million rows fit in little memory)."""
    rows: dict[int, str] = {}
    if not path.exists():
        return rows
    with open_file(path) as handle:
        for number, row in csv_rows(handle, name=str(path)):
            if isinstance(row, RowError):
                problems.append((str(path), number, row))
                continue
            if len(row) != len(columns):
                problems.append((str(path), number, RowError(
                    f"expected {len(columns)} columns ({', '.join(columns)}), found {len(row)}")))
                continue
            try:
                ent_num = _number(row[0], "ent_num")
            except RowError as exc:
                problems.append((str(path), number, exc))
                continue
            packed = _SEP.join([str(number), *(row[k].replace(_SEP, " ").replace(_REC, " ")
                                               for k in keep)])
            previous = rows.get(ent_num)
            rows[ent_num] = packed if previous is None else previous + _REC + packed
    return rows


def _unpack(packed: str | None) -> list[list[str]]:
    return [] if packed is None else [rec.split(_SEP) for rec in packed.split(_REC)]


def _side_file(path: Path, name: str) -> Path:
    """The side file ``name`` beside ``path``, whatever the case of its name (OFAC's
    files are also published and unpacked as SDN.CSV, ALT.CSV, ADD.CSV): the one of
    that case first, then the first of the others by name (upper case sorts first)."""
    exact = path.with_name(name)
    if exact.exists():
        return exact
    try:
        found = sorted(p for p in path.parent.iterdir() if p.name.lower() == name)
    except OSError:
        return exact
    return found[0] if found else exact


def read_ofac(path: Path, handle: BinaryIO) -> Iterator[Record]:
    problems: list[Record] = []
    alt_file, add_file = _side_file(path, "alt.csv"), _side_file(path, "add.csv")
    alts = _ofac_side(alt_file, ALT_COLUMNS, (2, 3, 4), problems)
    adds = _ofac_side(add_file, ADD_COLUMNS, (4,), problems)
    yield from problems
    where = str(path)
    used: set[int] = set()
    with handle:
        for number, row in csv_rows(handle, name=where):
            if isinstance(row, RowError):
                yield where, number, row
                continue
            if row == ["\x1a"]:
                continue
            if len(row) != len(SDN_COLUMNS):
                yield where, number, RowError(
                    f"expected {len(SDN_COLUMNS)} columns (ent_num, SDN_Name, SDN_Type, ..., "
                    f"Remarks), found {len(row)}")
                continue
            try:
                ent_num = _number(row[0], "ent_num")
            except RowError as exc:
                yield where, number, exc
                continue
            used.add(ent_num)
            try:
                sdn_type = _ofac_value(row[2]).lower()
                if sdn_type not in _SDN_KINDS:
                    raise RowError(f"unknown SDN_Type {row[2]!r}")
                kind = _SDN_KINDS[sdn_type]
                name = _ofac_value(row[1])
                if not name:
                    raise RowError("SDN_Name is empty")
                fix = _ofac_person_name if kind == "person" else (lambda n: n)
                seen = {fix(name)}
                aliases: list[Alias] = []
                for _, alt_type, alt_name, alt_remarks in _unpack(alts.get(ent_num)):
                    weak = "weak" in alt_remarks.lower() or alt_type.strip().lower() == "weak"
                    aliases += alias_list([fix(_ofac_value(alt_name))], weak=weak,
                                          note=_ofac_value(alt_type) or None, seen=seen)
                remarks = _ofac_value(row[11])
                births = [f"{a}/{b}" if b else a for a, b in _DOB.findall(remarks)]
                countries = [m.strip().lower() for m in _NATIONALITY.findall(remarks)]
                countries += [_ofac_value(c).lower() for _, c in _unpack(adds.get(ent_num))
                              if _ofac_value(c)]
                yield where, number, check_names(Entity(
                    id=f"ofac:{ent_num}", name=fix(name), kind=kind, aliases=aliases,
                    description=_ofac_value(row[3]), birth_dates=births,
                    countries=list(dict.fromkeys(countries)), source="ofac-sdn"))
            except AliaskitError as exc:
                yield where, number, RowError(str(exc))
    for side, side_file in ((alts, alt_file), (adds, add_file)):
        for ent_num in sorted(set(side) - used):
            for fields in _unpack(side[ent_num]):
                yield (str(side_file), int(fields[0]),
                       RowError(f"ent_num {ent_num} is not in {path.name}"))


# --- UN Security Council consolidated list ----------------------------------------------

_FORBIDDEN = (b"<!DOCTYPE", b"<!ENTITY")


def _text(element: ET.Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _un_entity(element: ET.Element) -> Entity:
    tag = element.tag
    dataid = _text(element.find("DATAID"))
    if not dataid:
        raise RowError(f"{tag} without a DATAID")
    parts = [_text(element.find(f)) for f in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME",
                                                "FOURTH_NAME")]
    name = " ".join(p for p in parts if p)
    if not name:
        raise RowError(f"{tag} {dataid} has no name (FIRST_NAME)")
    seen = {name}
    aliases = alias_list([_text(element.find("NAME_ORIGINAL_SCRIPT"))], note="original script",
                         seen=seen)
    for alias in element.iter(f"{tag}_ALIAS"):
        quality = _text(alias.find("QUALITY")).lower()
        aliases += alias_list([_text(alias.find("ALIAS_NAME"))], weak=quality == "low",
                              note=f"quality {quality}" if quality else None, seen=seen)
    births = []
    for dob in element.iter("INDIVIDUAL_DATE_OF_BIRTH"):
        date, year = _text(dob.find("DATE")), _text(dob.find("YEAR"))
        low, high = _text(dob.find("FROM_YEAR")), _text(dob.find("TO_YEAR"))
        if date or year:
            births.append(date or year)
        elif low and high:
            births.append(f"{low}/{high}")
    countries = [_text(v).lower() for nat in element.iter("NATIONALITY") for v in nat.iter("VALUE")]
    countries += [_text(c).lower() for c in element.iter("COUNTRY")]
    kind: Kind = "person" if tag == "INDIVIDUAL" else "org"
    return check_names(Entity(
        id=f"un:{_text(element.find('REFERENCE_NUMBER')) or dataid}", name=name, kind=kind,
        aliases=aliases, description=_text(element.find("UN_LIST_TYPE")),
        birth_dates=births, countries=[c for c in dict.fromkeys(countries) if c],
        source="un-sc"))


def read_un(path: Path, handle: BinaryIO) -> Iterator[Record]:
    where = str(path)
    parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("start", "end"))
    stack: list[ET.Element] = []
    with handle:
        for number, raw in enumerate(handle, start=1):
            # The list is UTF-8. In UTF-16 (zero bytes, or its byte-order mark) the
            # declarations refused below would not be seen, so such a file is refused.
            if b"\x00" in raw or (number == 1 and raw[:2] in (b"\xff\xfe", b"\xfe\xff")):
                raise DataFileError("not UTF-8 XML (the list is published in UTF-8)",
                                    path=where, line=number)
            if any(mark in raw for mark in _FORBIDDEN):
                raise DataFileError("DOCTYPE and ENTITY declarations are refused "
                                    "(entity expansion)", path=where, line=number)
            try:
                parser.feed(raw)
                events = list(parser.read_events())
            except ET.ParseError as exc:
                raise DataFileError(f"not well-formed XML ({exc})", path=where,
                                    line=number) from None
            for item in events:
                event, element = cast("tuple[str, ET.Element]", item)
                if event == "start":
                    stack.append(element)
                    continue
                stack.pop()
                if element.tag not in ("INDIVIDUAL", "ENTITY"):
                    continue
                try:
                    yield where, number, _un_entity(element)
                except AliaskitError as exc:
                    yield where, number, RowError(str(exc))
                if stack:
                    stack[-1].remove(element)
        try:
            parser.close()
        except ET.ParseError as exc:
            raise DataFileError(f"not well-formed XML ({exc})", path=where) from None


# --- GeoNames ----------------------------------------------------------------------------

GEONAMES_COLUMNS = 19
ALTERNATE_COLUMNS = 10
GEONAMES_CODES = frozenset({"post", "iata", "icao", "faac", "tcid", "link", "wkdt", "unlc",
                            "abbr", "phon", "piny"})
"""alternateNamesV2.txt "language" codes that are not names in a language (postal codes,
airport codes, links, ...): not aliases."""


def _alternates(path: Path, ids: set[int], problems: list[Record]
                ) -> dict[int, list[tuple[str, str, bool, bool]]]:
    """alternateNamesV2.txt rows of the places in ``ids``: (name, language, colloquial,
    historic)."""
    found: dict[int, list[tuple[str, str, bool, bool]]] = {}
    with open_file(path) as handle:
        for number, line in decoded_lines(handle, name=str(path)):
            if isinstance(line, RowError):
                problems.append((str(path), number, line))
                continue
            if not line.strip():
                continue
            fields = line.split("\t")
            if len(fields) != ALTERNATE_COLUMNS:
                problems.append((str(path), number, RowError(
                    f"expected {ALTERNATE_COLUMNS} tab-separated columns, found {len(fields)}")))
                continue
            try:
                place = _number(fields[1], "geonameid")
            except RowError as exc:
                problems.append((str(path), number, exc))
                continue
            if place in ids and fields[2] not in GEONAMES_CODES and fields[3].strip():
                found.setdefault(place, []).append(
                    (fields[3].strip(), fields[2], fields[6] == "1", fields[7] == "1"))
    return found


def _letters(name: str) -> bool:
    return any(c.isalpha() for c in name)


def read_geonames(path: Path, handle: BinaryIO) -> Iterator[Record]:
    where = str(path)
    alternate_path = path.with_name("alternateNamesV2.txt")
    alternates: dict[int, list[tuple[str, str, bool, bool]]] | None = None
    if alternate_path.exists() and alternate_path != path:
        # The dump is read twice (its ids, then its places): a pipe cannot be read again.
        if not handle.seekable():
            raise DataFileError(f"is not a regular file, and a GeoNames dump with "
                                f"{alternate_path.name} beside it is read twice; save it "
                                "to a file first", path=where)
        ids: set[int] = set()
        wide = marked_encoding(handle.read(4), "utf-8") != "utf-8"
        handle.seek(0)
        # Saved as UTF-16 or UTF-32: its lines decoded (else the bytes, a third faster).
        lines = (line.encode("utf-8") for _, line in decoded_lines(handle, name=where)
                 if not isinstance(line, RowError)) if wide else handle
        for raw in lines:
            head = raw.split(b"\t", 1)[0]
            # A bad id is reported when the row is read, below.
            if head.isdigit():
                with contextlib.suppress(RowError):
                    ids.add(_number(head.decode("ascii"), "geonameid"))
        handle.seek(0)
        problems: list[Record] = []
        alternates = _alternates(alternate_path, ids, problems)
        yield from problems
    with handle:
        for number, line in decoded_lines(handle, name=where):
            if isinstance(line, RowError):
                yield where, number, line
                continue
            if not line.strip():
                continue
            fields = line.split("\t")
            if len(fields) != GEONAMES_COLUMNS:
                yield where, number, RowError(
                    f"expected {GEONAMES_COLUMNS} tab-separated columns, found {len(fields)}")
                continue
            try:
                place = _number(fields[0], "geonameid")
            except RowError as exc:
                yield where, number, exc
                continue
            try:
                name = fields[1].strip()
                if not name:
                    raise RowError("name is empty")
                seen = {name}
                aliases = alias_list([fields[2]], seen=seen)
                rows = None if alternates is None else alternates.get(place)
                if not rows:
                    # No alternateNamesV2.txt, or none of its rows are of this place (a
                    # file of another country): the dump's own column of names.
                    aliases += alias_list([a for a in fields[3].split(",") if _letters(a)],
                                          seen=seen)
                else:
                    for alt, lang, colloquial, historic in rows:
                        note = " ".join(filter(None, (f"lang {lang}" if lang else "",
                                                      "historic" if historic else "")))
                        aliases += alias_list([alt], weak=colloquial, note=note or None,
                                              seen=seen)
                country = fields[8].strip().lower()
                yield where, number, check_names(Entity(
                    id=f"geonames:{place}", name=name, kind="place", aliases=aliases,
                    description=f"{fields[6]}.{fields[7]}".strip("."),
                    countries=[country] if country else [], source="geonames"))
            except AliaskitError as exc:
                yield where, number, RowError(str(exc))


READERS: dict[str, Callable[[Path, BinaryIO], Iterator[Record]]] = {
    "ftm": read_ftm, "ofac": read_ofac, "un": read_un, "geonames": read_geonames,
}


def sniff_head(path: Path, head: bytes) -> str | None:
    """The format of the file ``path`` whose first bytes are ``head``, when they and its
    name tell it unambiguously."""
    suffix = path.suffix.lower()
    wide = marked_encoding(head, "utf-8")
    if wide != "utf-8":
        # Saved as UTF-16 or UTF-32 with its byte-order mark (the readers read it so):
        # told by the same bytes in UTF-8.
        head = head.decode(wide, errors="ignore").encode("utf-8")
    first = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].strip()
    if suffix in (".jsonl", ".ndjson", ".json"):
        try:
            record = parse_json(first.decode("utf-8")) if first else None
        except (UnicodeDecodeError, ValueError):
            return "jsonl"  # reported row by row
        if isinstance(record, dict) and "schema" in record and "properties" in record:
            return "ftm"
        return "jsonl"
    if suffix == ".xml":
        return "un" if b"<CONSOLIDATED_LIST" in head else None
    if suffix == ".csv":
        if path.name.lower() == "sdn.csv":
            return "ofac"
        fields = first.split(b",")
        if fields and fields[0].strip().isdigit() and len(fields) >= len(SDN_COLUMNS):
            return "ofac"
        return "csv"
    if suffix == ".txt" and first.count(b"\t") == GEONAMES_COLUMNS - 1 and \
            first.split(b"\t", 1)[0].isdigit():
        return "geonames"
    return None
