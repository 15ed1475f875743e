"""Random inputs for every public entry point of aliaskit, and the calls that use them.

Shared by tests/test_fuzz.py (hypothesis: shrinking, a deadline) and benchmarks/fuzz.py
(100,000 seeded plain-random calls, timed). A target draws its arguments through a
:class:`Gen` and calls one public function; the invariant the callers check is the one
of issue 17: a result, or an :class:`aliaskit.AliaskitError`, or a :class:`TypeError`
when an argument of the wrong type was passed (``gen.wrong``), nothing else.
"""

from __future__ import annotations

import atexit
import functools
import gzip
import json
import os
import random
import shutil
import tempfile
from array import array
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import aliaskit
from aliaskit import (
    Alias,
    Entity,
    Judgement,
    Judgements,
    Layer,
    Resolver,
)

MB = 1_000_000

# Fragments that reach the interesting paths: names in both scripts, particles, titles,
# compounds, joiners and the characters a terminal or a parser should not trust.
PIECES: tuple[str, ...] = (
    "Amir Khan Muttaqi", "Mottaki", "امیر خان متقی", "متقی", "خامنه ای", "خامنه‌ای", "خامنهای",
    "Hekmatyar", "Gulbuddin", "Kabul", "Nangarhar", "Qandahar", "Hezb-i Islami", "Taliban",
    "Massoud", "Ahmad Shah", "Sirajuddin Haqqani", "Mohammad", "Khan", "Gul", "Zorbekzada",
    "Mullah", "Maulvi", "Dr.", "Haji", "Abdul", "Abdul Qahar", "ul", "udin", "al-", "Al ",
    "bin", "ibn", "bint", "-zada", "zai", "-e ", "-i ", "Ltd", "PJSC", "Province", "Front",
    "Ḥusām al-Dīn", "Ḥ", "ı", "İ", "ß", "Æ", "ﷺ", "ﻻ", "ك", "ي", "ى", "ە", "ۀ", "ة", "ٔ", "ً",
    "٣", "۴", "123", "0", "-1", "1e309", "1956-03-01", "1955/1958", "af", "ir", "pk",
    "\u200c", "\u200d", "\u200b", "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d",
    "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\ufeff", "\ufffd", "\u00ad", "\u0640",
    "\x00", "\x07", "\x1b", "\x1b]0;pwned\x07", "\x1b[31m", "\x7f", "\x85", "\u2028", "\u2029",
    "\ud800", "\udfff", "\udc80", "\U0001f600", "\U0010ffff", "\U000e0041",
    " ", "  ", "\t", "\n", "\r\n", "\r", "\v", "\f", ".", ",", "'", '"', "-", "–", "/", "|",
    "(", ")", "[", "]", "{", "}", "\\", "&", "%s", "{0}", "*", "?",
)

# Fragments of the files aliaskit reads: gazetteers (JSON Lines, CSV, FtM, OFAC, UN,
# GeoNames), judgements, profiles, saved indexes.
FILE_PIECES: tuple[bytes, ...] = (
    b'{"id": "p1", "name": "Amir Khan Muttaqi", "kind": "person", "aliases": ["Mottaki"]}\n',
    b'{"id": ', b'"name": ', b'"kind": "place"', b'"aliases": [', b'"aliases": "x"', b"}", b"]",
    b"[" * 1000, b"{" * 1000, b"[" * 100_000, b"9" * 70, b"1e999", b"-0", b"NaN", b"Infinity",
    b"null", b"true", b"\\ud800", b'"\\u0000"', b"\xff\xfe", b"\xef\xbb\xbf", b"\xc3(", b"\x00",
    b"id,name,kind,aliases,description\n", b"p1,Kabul,place,Kabol|Caboul,capital\n",
    b'"unterminated', b"a" * 100_000, b",,,,\n", b"\n", b"\r\n", b"\t",
    b'{"left": "Massoud", "right": "person/ahmad-massoud", "judgement": "different"}\n',
    b'"judgement": "same"', b'"time": "2026-13-45T99:99:99Z"', b'"user": 5',
    b"default | 0.5 | mine\n", b"default/person | 0.7 | x\n", b"x | nan | y\n", b"x | 2 | y\n",
    b"# comment\n", b" | ", b"default/latin/person | 0.1 | z\n",
    b'{"schema": "Person", "id": "ftm1", "properties": {"name": ["Mottaki"]}}\n',
    b'{"schema": "Person", "properties": {"name": [1, null]}}\n',
    b'<?xml version="1.0"?><CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL>', b"<FIRST_NAME>",
    b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>&a;', b"</INDIVIDUAL>",
    b"1234\tKabul\tKabul\tKabol,Caboul\t34.5\t69.2\tP\tPPLC\tAF\t\t13\t\t\t\t3043532\t\t1791\tAsia/Kabul\t2020-01-01\n",
    b'36,"AHMADI, Ahmad","individual","SDGT",-0- ,-0- \n',
    "امیر خان متقی".encode(), "خامنه‌ای".encode(), b"\x1b]0;pwned\x07",
)

SUFFIXES = ("", ".jsonl", ".csv", ".json", ".ftm.json", ".xml", ".txt", ".idx", ".gz")
WRONG: tuple[Callable[[], object], ...] = (
    lambda: None, lambda: 0, lambda: 1.5, lambda: float("nan"), lambda: b"Kabul",
    lambda: ["Kabul"], lambda: ("Kabul",), lambda: {"Kabul": 1}, lambda: object(), lambda: True,
    lambda: bytearray(b"x"), lambda: Path("Kabul"),
)
ANY_KIND = (None, "person", "place", "org")
PROFILES = ("default", "screening", "dedupe")


class Gen:
    """Draws arguments; subclasses get their randomness from hypothesis or from random."""

    def __init__(self) -> None:
        self.wrong = False  # an argument of the wrong type was drawn
        self.inputs: list[Any] = []  # what was drawn, for reporting

    # The primitives -----------------------------------------------------------------
    def integer(self, lo: int, hi: int) -> int:
        raise NotImplementedError

    def choice(self, options: Sequence[Any]) -> Any:
        return options[self.integer(0, len(options) - 1)]

    def chance(self, percent: int) -> bool:
        return self.integer(1, 100) <= percent

    def codepoint(self) -> str:
        """One character, biased to the ranges that matter here; surrogates included."""
        band = self.integer(0, 9)
        lo, hi = ((0x0, 0x7f), (0x0, 0x1f), (0x80, 0x24f), (0x600, 0x6ff), (0x750, 0x77f),
                  (0xfb50, 0xfdff), (0x2000, 0x206f), (0xd800, 0xdfff), (0x0, 0x10ffff),
                  (0xfe70, 0xfeff))[band]
        return chr(self.integer(lo, hi))

    # Strings ------------------------------------------------------------------------
    def text(self) -> str:
        shape = self.integer(0, 99)
        if shape < 30:  # random characters
            out = "".join(self.codepoint() for _ in range(self.integer(0, 40)))
        elif shape < 75:  # fragments glued together, random characters between
            parts = []
            for _ in range(self.integer(1, 8)):
                parts.append(self.choice(PIECES) if self.chance(80) else self.codepoint())
            out = "".join(parts)
        elif shape < 90:  # a long repeat
            unit = self.choice(PIECES) + self.choice(("", " ", ". ", "\n", "\u200c"))
            out = unit * self.integer(2, 3000)
        elif shape < 97:  # around the length limits
            unit = self.choice(PIECES) or "a"
            size = self.choice((999, 1000, 1001, 4096, 100_000))
            out = (unit * (size // len(unit) + 1))[:size]
        elif shape < 99:  # empty or blank
            out = self.choice(("", " ", "\t\n", "\u200c", "\u200b\u200b", "\ufeff"))
        else:  # 1 MB
            unit = self.choice(PIECES) + " "
            out = (unit * (MB // len(unit) + 1))[:MB]
        self.inputs.append(out)
        return out

    def value(self) -> Any:
        """A string, or now and then an argument of the wrong type."""
        if self.chance(5):
            self.wrong = True
            wrong = self.choice(WRONG)()
            self.inputs.append(wrong)
            return wrong
        return self.text()

    def texts(self, most: int = 6) -> list[Any]:
        return [self.value() for _ in range(self.integer(0, most))]

    def kind(self) -> Any:
        if self.chance(3):
            return self.value()  # an unknown kind, or a wrong type
        return self.choice(ANY_KIND)

    def profile(self) -> Any:
        if self.chance(3):
            return self.value()
        return self.choice(PROFILES)

    def limit(self) -> Any:
        if self.chance(3):
            self.wrong = True
            return self.choice(("5", 1.5, None))
        return self.integer(-2, 30)

    # Files --------------------------------------------------------------------------
    def file_bytes(self) -> bytes:
        shape = self.integer(0, 9)
        if shape < 2:  # random bytes
            return bytes(self.integer(0, 255) for _ in range(self.integer(0, 200)))
        if shape < 4:  # text
            return "\n".join(self.text() for _ in range(self.integer(0, 5))).encode(
                "utf-8", "surrogatepass" if self.chance(50) else "replace")
        out = b"".join(self.choice(FILE_PIECES) for _ in range(self.integer(1, 12)))
        if self.chance(20):
            position = self.integer(0, len(out))
            out = out[:position] + bytes([self.integer(0, 255)]) + out[position + 1:]
        return out

    def file(self, content: bytes | None = None, suffix: str | None = None) -> Path:
        """A temporary file (removed at exit of the process)."""
        data = self.file_bytes() if content is None else content
        if suffix is None:
            suffix = self.choice(SUFFIXES)
        if self.chance(10):
            data = gzip.compress(data)
        handle, name = tempfile.mkstemp(suffix=suffix, prefix="aliaskit-fuzz-", dir=_scratch())
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        self.inputs.append(f"<file {suffix or 'no suffix'}: {data[:80]!r}, {len(data):,} bytes>")
        return Path(name)


class RandomGen(Gen):
    """Plain seeded random generation (benchmarks/fuzz.py)."""

    def __init__(self, rng: random.Random) -> None:
        super().__init__()
        self.rng = rng

    def integer(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)


@functools.cache
def _scratch() -> str:
    """The directory of the generated files, removed when the process exits."""
    path = tempfile.mkdtemp(prefix="aliaskit-fuzz-")
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


@functools.cache
def bundled() -> Resolver:
    return Resolver.bundled()


@functools.cache
def small_index() -> bytes:
    """A saved index of a small resolver: the base of damaged index files."""
    resolver = Resolver.from_layers([Layer("mine", [
        Entity("p1", "Amir Khan Muttaqi", "person", aliases=["Mottaki", "امیر خان متقی"]),
        Entity("p2", "Kabul", "place", aliases=["Kabol"], birth_dates=["1956"], countries=["af"]),
    ])])
    path = Path(_scratch()) / "small.idx"
    resolver.save(path)
    return path.read_bytes()


def _damaged_index(gen: Gen) -> bytes:
    """The small index with one value of a section (or an entity record) replaced by
    something of another shape, its checksums recomputed; or a delta segment of such
    values appended; or the file cut or one byte changed."""
    from aliaskit._index import _SECTIONS, _assemble, _delta_segment, _parts

    path = Path(_scratch()) / "small.idx"
    if not path.exists():
        path.write_bytes(small_index())
    meta, sections, _ = _parts(path)
    decoded: dict[str, Any] = {name: json.loads(sections[name])
                               for name, code in _SECTIONS if code == "json"}

    def mutate(node: Any, depth: int) -> Any:
        if isinstance(node, dict) and node and (depth < 1 or gen.chance(70)):
            key = gen.choice(sorted(node))
            node[key] = mutate(node[key], depth + 1)
            return node
        if isinstance(node, list) and node and gen.chance(70):
            i = gen.integer(0, len(node) - 1)
            node[i] = mutate(node[i], depth + 1)
            return node
        return gen.choice((None, -1, 2**70, 1.5, "", "x", [], {}, [[[]]], True, "\ud800",
                           10**6, ["p1"], {"a": 1}, gen.text()[:50]))

    roll = gen.integer(0, 3)
    if roll == 0:
        name = gen.choice(sorted(decoded))
        sections[name] = json.dumps(mutate(decoded[name], 1), ensure_ascii=True).encode()
    elif roll == 1:
        record = {"id": "p9", "name": "Kabul", "kind": "place", "description": "", "aliases": []}
        change = mutate({"remove": ["p1"], "add": [record]}, 0)
        return _assemble(meta, sections, _delta_segment(json.dumps(change).encode()))
    elif roll == 2:  # the first entity record (entity_offsets say where each ends)
        offsets = array("q", sections["entity_offsets"])
        record = mutate(json.loads(sections["entities"][:offsets[1]]), 0)
        line = json.dumps(record, ensure_ascii=True).encode()
        sections["entities"] = line + sections["entities"][offsets[1]:]
        shift = len(line) - offsets[1]
        sections["entity_offsets"] = array("q", [0, *(o + shift for o in offsets[1:])]).tobytes()
    data = _assemble(meta, sections)
    if roll == 3:
        position = gen.integer(0, len(data) - 1)
        data = data[:position] if gen.chance(50) else (
            data[:position] + bytes([gen.integer(0, 255)]) + data[position + 1:])
    return data


# The targets: one public call each ----------------------------------------------------

def _entity(gen: Gen) -> Entity:
    aliases = gen.texts(4)
    if gen.chance(5):
        aliases, gen.wrong = gen.value(), True  # one string is not a list of aliases: TypeError
    return Entity(id=gen.value(), name=gen.value(), kind=gen.kind(), aliases=aliases,
                  birth_dates=gen.texts(2), countries=gen.texts(2))


def t_normalize(gen: Gen) -> object:
    return aliaskit.normalize(gen.value())


def t_name_parts(gen: Gen) -> object:
    return aliaskit.name_parts(gen.value())


def t_phonetic_key(gen: Gen) -> object:
    return aliaskit.phonetic_key(gen.value())


def t_metaphone_key(gen: Gen) -> object:
    return aliaskit.metaphone_key(gen.value())


def t_nysiis_key(gen: Gen) -> object:
    return aliaskit.nysiis_key(gen.value())


def t_variant_group(gen: Gen) -> object:
    return aliaskit.variant_group(gen.value())


def t_part_weight(gen: Gen) -> object:
    return aliaskit.part_weight(gen.value(), kind=gen.kind())


def t_compare(gen: Gen) -> object:
    weights = None
    if gen.chance(10):
        weights = {gen.value(): gen.choice((0.5, 1.0, 0.0, 2.0, -1.0, float("nan"), "x"))
                   for _ in range(gen.integer(0, 3))}
        gen.wrong = True  # a weight that is not a number is a TypeError
    result = aliaskit.compare(gen.value(), gen.value(), kind=gen.kind(), profile=gen.profile(),
                              weights=weights)
    result.explain()
    result.to_dict()
    return result


def t_resolve(gen: Gen) -> object:
    kwargs: dict[str, Any] = {"kind": gen.kind(), "limit": gen.limit(), "profile": gen.profile()}
    if gen.chance(20):
        kwargs["partial"] = gen.chance(50)
    if gen.chance(20):
        kwargs["threshold"] = gen.choice((0.0, 0.5, 1.0, 1.5, -0.1, float("nan")))
    if gen.chance(20):
        kwargs["birth_year"] = gen.choice((1956, 0, -5, 10**9))
    if gen.chance(20):
        kwargs["country"] = gen.choice(("af", "ir", "", "zz")) if gen.chance(80) else gen.value()
    matches = bundled().resolve(gen.value(), **kwargs)
    for match in matches:
        match.to_dict()
        match.explain()
    return matches


def t_exact(gen: Gen) -> object:
    return bundled().exact(gen.value(), profile=gen.profile())


def t_resolve_many(gen: Gen) -> object:
    return bundled().resolve_many(gen.texts(5), kind=gen.kind(), limit=gen.limit(),
                                  profile=gen.profile())


def t_link(gen: Gen) -> object:
    text = gen.value()
    if isinstance(text, str) and gen.chance(50):
        text = " ".join([text, *(gen.choice(PIECES) for _ in range(gen.integer(0, 30)))])
    found = aliaskit.link(text, source=gen.choice((None, "a.txt")))
    for mention in found:
        mention.to_dict()
    return found


def t_cluster(gen: Gen) -> object:
    names = gen.texts(8)
    if names and gen.chance(50):
        names += names[: gen.integer(0, len(names))]
    return aliaskit.cluster(names, kind=gen.kind(), profile=gen.choice(PROFILES)
                            if gen.chance(95) else gen.profile())


def t_read_gazetteer(gen: Gen) -> object:
    fmt = gen.choice((None, None, *aliaskit._gazetteer.FORMATS, "xml"))
    errors: list[object] = []
    return aliaskit.read_gazetteer(gen.file(), format=fmt,
                                   errors=errors.append if gen.chance(50) else None)


def t_judgements_load(gen: Gen) -> object:
    loaded = Judgements.load(gen.file(), latest_wins=gen.chance(50), strict=gen.chance(50))
    if loaded:
        loaded.verdict(gen.choice(PIECES), [gen.choice(PIECES)])
    return loaded


PROFILE_LINES = (b"default | 0.5 | mine\n", b"default/person | 0.7 | x\n", b"default/latin | 0.4 | y\n",
                 b"default/person/cross-script | 0.6 | z\n", b"# comment\n", b"\n",
                 b"x | 0.45 | mine too\n", b"x/org | 0.55 | o\n")


def t_load_profile(gen: Gen) -> object:
    content = None
    if gen.chance(50):  # well-formed lines, in any order, now and then one damaged
        content = PROFILE_LINES[0] + b"".join(line for line in PROFILE_LINES[1:] if gen.chance(60))
        if gen.chance(30):
            content += gen.choice(FILE_PIECES) + gen.text().encode("utf-8", "surrogatepass")
    profile = aliaskit.load_profile(gen.file(content), name=gen.choice((None, "default", "x")))
    aliaskit.compare("Kabul", "Kabol", profile=profile)
    return profile


def t_resolver_load(gen: Gen) -> object:
    content = _damaged_index(gen) if gen.chance(60) else gen.file_bytes()
    resolver = Resolver.load(gen.file(content, ".idx"))
    resolver.resolve("Mottaki")
    resolver.resolve("Kabol", kind="place")
    resolver.entities  # noqa: B018 - the entities are decoded (and checked) on demand
    return resolver


def t_entity(gen: Gen) -> object:
    entity = _entity(gen)
    entity.birth_years  # noqa: B018 - the property parses the dates
    entity.to_dict()
    return entity


def t_entity_from_dict(gen: Gen) -> object:
    """A record as a JSON Lines gazetteer may hold it: fields of any type, aliases as
    strings or records; what it reads must read back from its to_dict()."""
    record: dict[str, Any] = {"id": gen.value(), "name": gen.value()}
    for field in ("kind", "aliases", "description", "birth_dates", "countries", "source"):
        if gen.chance(40):
            record[field] = gen.choice((
                gen.value, lambda: gen.texts(3), lambda: None,
                lambda: [{"name": gen.value(), "weak": gen.chance(50),
                          "origin": gen.choice(("user", "seed", "bogus"))}]))()
    if gen.chance(5):
        record[gen.text()] = 1
    entity = Entity.from_dict(record)
    assert Entity.from_dict(entity.to_dict()) == entity
    return entity


def t_alias(gen: Gen) -> object:
    alias = Alias(gen.value(), origin=gen.choice(("user", "seed")), weak=gen.chance(20),
                  note=gen.choice((None, "note")))
    return alias.to_dict()


def t_judgements(gen: Gen) -> object:
    items = [Judgement(gen.value(), gen.value(), gen.choice(("same", "different", "unsure"))
                       if gen.chance(95) else gen.value(), user=gen.choice(("", "maria")),
                       time=gen.choice(("", "2026-12-05T09:12:00Z")) if gen.chance(90) else gen.value())
             for _ in range(gen.integer(0, 3))]
    judgements = Judgements(items, latest_wins=gen.chance(50))
    return judgements.verdict(gen.value(), gen.texts(2) if gen.chance(80) else gen.value())


def t_from_layers(gen: Gen) -> object:
    entities = [Entity(f"e{i}", gen.text(), gen.choice(ANY_KIND), aliases=[gen.text()])
                if gen.chance(70) else _entity(gen) for i in range(gen.integer(1, 3))]
    resolver = Resolver.from_layers([Layer(gen.choice(("mine", "theirs")), entities)])
    return resolver.resolve(gen.value(), limit=3)


def t_merge_layers(gen: Gen) -> object:
    """Two layers sharing ids now and then (merged), with kinds that may disagree."""
    layers = []
    for name in ("first", "second"):
        entities = [Entity(gen.choice(("e1", "e2", "e3")) if gen.chance(80) else gen.text(),
                           gen.text(), gen.choice(ANY_KIND), aliases=gen.texts(2))
                    for _ in range(gen.integer(0, 3))]
        layers.append(Layer(name, entities))
    return aliaskit.merge_layers(layers)


TARGETS: dict[str, Callable[[Gen], object]] = {
    "normalize": t_normalize,
    "name_parts": t_name_parts,
    "phonetic_key": t_phonetic_key,
    "metaphone_key": t_metaphone_key,
    "nysiis_key": t_nysiis_key,
    "variant_group": t_variant_group,
    "part_weight": t_part_weight,
    "compare": t_compare,
    "Resolver.resolve": t_resolve,
    "Resolver.exact": t_exact,
    "Resolver.resolve_many": t_resolve_many,
    "link": t_link,
    "cluster": t_cluster,
    "read_gazetteer": t_read_gazetteer,
    "Judgements.load": t_judgements_load,
    "load_profile": t_load_profile,
    "Resolver.load": t_resolver_load,
    "Entity": t_entity,
    "Alias": t_alias,
    "Entity.from_dict": t_entity_from_dict,
    "Judgements": t_judgements,
    "Resolver.from_layers": t_from_layers,
    "merge_layers": t_merge_layers,
}


def outcome(exc: BaseException | None, gen: Gen) -> str:
    """"result", "AliaskitError", "TypeError" (allowed only when a wrong type was drawn)
    or "OTHER"."""
    if exc is None:
        return "result"
    if isinstance(exc, aliaskit.AliaskitError):
        return "AliaskitError"
    if isinstance(exc, TypeError) and gen.wrong:
        return "TypeError"
    return "OTHER"
