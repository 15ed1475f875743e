"""Saved indexes updated by delta answer exactly like indexes built from scratch."""

from __future__ import annotations

import json
import os
import random
import re
import stat
import threading
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aliaskit import DataFileError, Entity, InvalidArgumentError, Resolver
from aliaskit._files import output_place
from aliaskit._index import (
    _FRAME,
    _SECTIONS,
    MAGIC,
    _assemble,
    _delta_segment,
    _parts,
    compact_file,
    update_file,
    update_index,
)

# Parts with spellings: common ones ("Mohammad", "Khan") pass MIN_DF_FOR_WEIGHT in the
# larger pools, so the gazetteer weights (part frequencies) are exercised too.
GIVEN = [["Mohammad", "Muhammad", "Mohammed"], ["Ahmad", "Ahmed"], ["Abdul Rahman", "Abdurrahman"],
         ["Gul", "Gol"], ["Zabihullah", "Zabiullah"], ["Amir", "Ameer"], ["Sirajuddin", "Serajuddin"],
         ["Hamid", "Hameed"], ["Ashraf"], ["Nasrullah", "Nasrollah"], ["Karim", "Kareem"]]
FAMILY = [["Khan"], ["Haqqani", "Haqani"], ["Karzai", "Karzay"], ["Ghani"], ["Massoud", "Masood"],
          ["Rahimi", "Rahemi"], ["Muttaqi", "Mottaki", "Motaqi"], ["Mujahid", "Mujahed"],
          ["Popal"], ["Stanikzai", "Stanekzai"]]
PLACES = [["Kabul"], ["Herat", "Hirat"], ["Mazar-i-Sharif", "Mazar Sharif"], ["Kandahar", "Qandahar"],
          ["Helmand", "Hilmand"], ["Tabriz", "Tabris"]]


def make_entity(rng: random.Random, entity_id: str) -> Entity:
    if rng.random() < 0.8:
        groups = [rng.choice(GIVEN)] + ([rng.choice(GIVEN)] if rng.random() < 0.4 else []) + \
            [rng.choice(FAMILY)]
        kind = "person"
    else:
        groups = [rng.choice(PLACES)] + ([rng.choice(PLACES)] if rng.random() < 0.3 else [])
        kind = "place"
    name = " ".join(g[0] for g in groups)
    aliases = {" ".join(rng.choice(g) for g in groups) for _ in range(rng.randint(0, 3))}
    aliases.discard(name)
    return Entity(id=entity_id, name=name, kind=kind, aliases=sorted(aliases),
                  birth_dates=[str(rng.randint(1950, 1990))] if rng.random() < 0.3 else [])


def queries(rng: random.Random, count: int) -> list[str]:
    out = []
    for _ in range(count):
        groups = [rng.choice(GIVEN + PLACES)] + ([rng.choice(FAMILY)] if rng.random() < 0.7 else [])
        out.append(" ".join(rng.choice(g) for g in groups))
    return [*out, "Khan", "Mohammad", "Kabul", "Haqqani", "Hirat Kabul"]


def answers(resolver: Resolver, names: list[str]) -> list[object]:
    out: list[object] = []
    for name in names:
        out.append(resolver.resolve(name, limit=3))
        out.append(resolver.resolve(name, limit=2, threshold=0.3))
        out.append(resolver.resolve(name, kind="person", birth_year=1970))
        out.append(resolver.exact(name))
    return out


def apply(resolver: Resolver, rng: random.Random, steps: int, next_id: list[int]) -> None:
    """Random adds, removals, replacements (same id, new names) and re-adds."""
    removed: list[str] = []
    for _ in range(steps):
        roll = rng.random()
        ids = [e.id for e in resolver.entities]
        if roll < 0.35 and ids:
            chosen = rng.sample(ids, min(len(ids), rng.randint(1, 3)))
            assert resolver.remove(chosen) == len(chosen)
            removed += chosen
        elif roll < 0.55 and ids:
            old = rng.choice(ids)
            resolver.remove([old])
            resolver.add(make_entity(rng, old))  # replaced: same id, new names
        elif roll < 0.7 and removed:
            resolver.add(make_entity(rng, removed.pop(rng.randrange(len(removed)))))  # re-added
        else:
            resolver.add(make_entity(rng, f"n{next_id[0]}"))
            next_id[0] += 1


def postings(resolver: Resolver) -> dict[str, list[tuple[str, int]]]:
    """Each key's rows as (entity id, name index): row numbers differ after removals."""
    rows, entities = resolver._rows, resolver._entities
    return {k: [(entities[rows.entity[r]].id, rows.name_index[r]) for r in v]
            for k, v in resolver._postings.items()}


def check_same(updated: Resolver, names: list[str], tmp_path: Path) -> None:
    scratch = Resolver(updated.entities)
    # Saved, the updated index is the file the rebuilt one writes, and loads alike. (First:
    # an updated loaded index saves the lists no answer has read yet as they wait.)
    updated.save(tmp_path / "updated.idx")
    scratch.save(tmp_path / "scratch.idx")
    assert (tmp_path / "updated.idx").read_bytes() == (tmp_path / "scratch.idx").read_bytes()
    assert updated.entities == scratch.entities
    assert len(updated) == len(scratch) and updated.alias_count == scratch.alias_count
    assert updated._part_df == scratch._part_df
    assert postings(updated) == postings(scratch)
    assert answers(updated, names) == answers(scratch, names)
    loaded = Resolver.load(tmp_path / "updated.idx")
    assert answers(loaded, names) == answers(scratch, names)
    for entity in scratch.entities[:20]:
        assert updated.match(entity.name, entity.id) == scratch.match(entity.name, entity.id)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), size=st.integers(0, 40), steps=st.integers(1, 15),
       loaded=st.booleans())
def test_updated_index_answers_like_a_rebuilt_one(tmp_path: Path, seed: int, size: int,
                                                  steps: int, loaded: bool) -> None:
    rng = random.Random(seed)
    resolver = Resolver(make_entity(rng, f"e{i}") for i in range(size))
    if loaded:  # a loaded index keeps the changes to lists not read yet aside
        resolver.save(tmp_path / "base.idx")
        resolver = Resolver.load(tmp_path / "base.idx")
    apply(resolver, rng, steps, [0])
    check_same(resolver, queries(rng, 25), tmp_path)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_updated_large_index_answers_like_a_rebuilt_one(tmp_path: Path, seed: int) -> None:
    """A pool large enough for common parts to get gazetteer weights, many updates."""
    rng = random.Random(seed)
    resolver = Resolver(make_entity(rng, f"e{i}") for i in range(400))
    next_id = [0]
    for _ in range(3):
        apply(resolver, rng, 40, next_id)
        # Loaded from a file, then updated further: the same.
        resolver.save(tmp_path / "step.idx")
        resolver = Resolver.load(tmp_path / "step.idx")
    apply(resolver, rng, 40, next_id)
    assert resolver._gazetteer_weights()  # common parts are weighted
    check_same(resolver, queries(rng, 150), tmp_path)


def test_remove_is_all_or_nothing() -> None:
    resolver = Resolver([Entity(id="a", name="Amir Khan Muttaqi"), Entity(id="b", name="Kabul")])
    with pytest.raises(InvalidArgumentError, match="'zz'"):
        resolver.remove(["a", "zz"])
    assert len(resolver) == 2 and resolver.resolve("Mottaki")[0].entity.id == "a"
    with pytest.raises(TypeError):
        resolver.remove("a")
    assert resolver.remove(["a", "a"]) == 1
    assert resolver.resolve("Mottaki") == [] and resolver.entities == (resolver.entity("b"),)
    with pytest.raises(KeyError):
        resolver.entity("a")


def test_stale_index_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "i.idx"
    Resolver([Entity(id="a", name="Kabul")]).save(path)
    meta, sections, _ = _parts(path)
    path.write_bytes(_assemble({**meta, "built_with": "0.0.1 data:000000000000"}, sections))
    with pytest.raises(DataFileError, match=r"stale index: built with aliaskit 0\.0\.1.*rebuild"):
        Resolver.load(path)


def test_save_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "i.idx"
    Resolver([Entity(id="a", name="Kabul")]).save(path)
    before = path.read_bytes()

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("aliaskit._files.os.replace", fail)
    with pytest.raises(DataFileError, match="disk full"):
        Resolver([Entity(id="b", name="Herat")]).save(path)
    assert path.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["i.idx"]


def test_link_over_an_updated_resolver() -> None:
    import aliaskit

    entities = [Entity(id="a", name="Amir Khan Muttaqi", kind="person", aliases=["Mottaki"]),
                Entity(id="b", name="Kabul", kind="place"),
                Entity(id="c", name="Ahmad Massoud", kind="person")]
    updated = Resolver(entities)
    updated.remove(["a"])
    text = "Foreign Minister Mottaki met Ahmad Massoud in Kabul."
    found = aliaskit.link(text, resolver=updated)
    assert found == aliaskit.link(text, resolver=Resolver(entities[1:]))
    assert [m.entity.id for m in found if m.entity] == ["c", "b"]


# --- delta segments: updates appended to the file -------------------------------------


def _pool(rng: random.Random, size: int) -> list[Entity]:
    return [make_entity(rng, f"e{i}") for i in range(size)]


def test_file_updates_append_and_answer_like_a_rebuild(tmp_path: Path) -> None:
    """update_file appends a segment per update (the base is untouched); loading replays
    them: the same answers as the index built from the resulting list, and compacted,
    the same file."""
    rng = random.Random(7)
    entities = _pool(rng, 300)
    path = tmp_path / "i.idx"
    Resolver(entities).save(path)
    base = path.read_bytes()
    expected = Resolver(entities)
    for step in range(4):
        ids = [e.id for e in expected.entities]
        gone = rng.sample(ids, 5)
        replaced = [make_entity(rng, i) for i in rng.sample([i for i in ids if i not in gone], 3)]
        new = [make_entity(rng, f"s{step}-{k}") for k in range(4)]
        again = [make_entity(rng, gone[0])] if step % 2 else []  # removed, then re-added
        change = {"add": [*replaced, *new, *again], "remove": gone}
        result = update_file(path, **change)  # type: ignore[arg-type]
        update_index(expected, **change)  # type: ignore[arg-type]
        assert result.segments == step + 1 and path.read_bytes().startswith(base)
        assert (result.entities, result.aliases) == (len(expected), expected.alias_count)
    names = queries(rng, 60)
    check_same(Resolver.load(path), names, tmp_path)
    assert answers(Resolver.load(path), names) == answers(Resolver(expected.entities), names)
    compact_file(path)
    Resolver(expected.entities).save(tmp_path / "rebuilt.idx")
    assert path.read_bytes() == (tmp_path / "rebuilt.idx").read_bytes()


def test_file_update_to_another_file_and_compaction(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                    ) -> None:
    rng = random.Random(3)
    entities = _pool(rng, 100)
    path = tmp_path / "i.idx"
    Resolver(entities).save(path)
    before = path.read_bytes()
    result = update_file(path, remove=["e1"], output=tmp_path / "j.idx")
    assert path.read_bytes() == before and result.segments == 1
    assert Resolver.load(tmp_path / "j.idx").entities == tuple(entities[:1] + entities[2:])
    # Past COMPACT_MIN (and COMPACT_FRACTION) entities in segments, the file is
    # rewritten whole.
    monkeypatch.setattr("aliaskit._index.COMPACT_MIN", 2)
    monkeypatch.setattr("aliaskit._index.COMPACT_FRACTION", 0.01)
    update_file(path, remove=["e2"])
    result = update_file(path, remove=["e3", "e4"])
    assert result.segments == 0 and result.delta.removed == 2
    assert path.read_bytes() == _saved(tmp_path, entities[:2] + entities[5:])
    with pytest.raises(InvalidArgumentError, match="'e3'"):
        update_file(path, remove=["e3"])
    with pytest.raises(InvalidArgumentError, match="more than once"):
        update_file(path, add=[entities[0], entities[0]])
    assert path.read_bytes() == _saved(tmp_path, entities[:2] + entities[5:])


def _saved(tmp_path: Path, entities: list[Entity]) -> bytes:
    Resolver(entities).save(tmp_path / "scratch.idx")
    return (tmp_path / "scratch.idx").read_bytes()


def test_an_interrupted_update_is_refused_then_dropped(tmp_path: Path) -> None:
    rng = random.Random(5)
    entities = _pool(rng, 50)
    path = tmp_path / "i.idx"
    Resolver(entities).save(path)
    update_file(path, remove=["e0"])
    whole = path.read_bytes()
    update_file(path, add=[make_entity(rng, "x1")], remove=["e1"])
    second = path.read_bytes()[len(whole):]
    for keep in (len(second) - 1, 20, 5):  # in the payload, in the length, in the marker
        path.write_bytes(whole + second[:keep])
        with pytest.raises(DataFileError, match=r"i\.idx: update 2 \(at byte [\d,]+\) is incomplete"):
            Resolver.load(path)
    # The next update drops the incomplete part, then appends its own.
    path.write_bytes(whole + b"aliaskit-del")
    result = update_file(path, remove=["e2"])
    assert result.dropped == len(b"aliaskit-del") and result.segments == 2
    assert Resolver.load(path).entities == tuple(entities[1:2] + entities[3:])


@pytest.mark.parametrize(("at", "flip", "expected"), [
    (16, 4, "has a damaged length"),          # the length runs past a whole payload
    (15, 1, "has a damaged length|does not match its checksum"),  # one more or one less
    # A high bit of the length: more than the interpreter can read (OverflowError) or
    # allocate (MemoryError) was asked for before the length was checked.
    (22, 0x80, "has a damaged length"),
    (20, 0x80, "has a damaged length"),
    (19, 0x01, "has a damaged length"),
    (5, 1, "does not start with an update marker"),
])
def test_a_damaged_update_is_not_taken_for_an_interrupted_one(
        tmp_path: Path, at: int, flip: int, expected: str) -> None:
    """A flipped byte in an update's length or marker was reported as an interrupted
    update, and the next update dropped the whole finished delta with a warning."""
    rng = random.Random(6)
    entities = _pool(rng, 30)
    path = tmp_path / "i.idx"
    Resolver(entities).save(path)
    base = len(path.read_bytes())
    update_file(path, add=[make_entity(rng, "x1")], remove=["e0"])
    update_file(path, remove=["e1"])
    for segment in (0, 1):  # the last update, and one with another after it
        data = bytearray(path.read_bytes())
        offset = base if segment == 0 else base + data[base:].index(b"aliaskit-delta\n", 1)
        data[offset + at] ^= flip
        damaged = tmp_path / f"d{segment}.idx"
        damaged.write_bytes(bytes(data))
        with pytest.raises(DataFileError, match=expected):
            Resolver.load(damaged)
        with pytest.raises(DataFileError, match=expected):
            update_file(damaged, remove=["e2"])
        assert damaged.read_bytes() == bytes(data)


@pytest.mark.parametrize(("payload", "expected"), [
    (b'{"remove":["nobody"],"add":[]}', r"update 1: cannot remove 1 id\(s\).*'nobody'"),
    (b'{"remove":[],"add":[{"id":"z"}]}', r"field update 1\.add\[0\]: missing name"),
    (b'{"remove":[3],"add":[]}', r"field update 1\.remove\[0\]: expected a string"),
    (b'{"remove":[]}', r"field update 1: expected an object of remove and add"),
    (b'[[[[', r"update 1 is not JSON"),
])
def test_a_bad_delta_segment_is_refused(tmp_path: Path, payload: bytes, expected: str) -> None:
    path = tmp_path / "i.idx"
    Resolver([Entity(id="a", name="Kabul")]).save(path)
    path.write_bytes(path.read_bytes() + _delta_segment(payload))
    with pytest.raises(DataFileError, match=r"i\.idx: .*" + expected):
        Resolver.load(path)
    damaged = bytearray(path.read_bytes())
    damaged[-2] ^= 0x20
    path.write_bytes(bytes(damaged))
    with pytest.raises(DataFileError, match=r"update 1 \(at byte [\d,]+\) does not match its checksum"):
        Resolver.load(path)
    with pytest.raises(DataFileError, match="does not match its checksum"):
        update_file(path, remove=["a"])


def test_truncated_or_damaged_base_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "i.idx"
    Resolver(_pool(random.Random(1), 30)).save(path)
    data = path.read_bytes()
    for size in (0, 10, 40, 200, len(data) // 2, len(data) - 1):
        path.write_bytes(data[:size])
        with pytest.raises(DataFileError, match=r"i\.idx: (not an aliaskit index|truncated)"):
            Resolver.load(path)
    for at in (len(data) // 2, len(data) - 3):
        damaged = bytearray(data)
        damaged[at] ^= 0x01
        path.write_bytes(bytes(damaged))
        with pytest.raises(DataFileError, match=r"section \w+ does not match its checksum"):
            Resolver.load(path)


@pytest.mark.parametrize(("field", "value", "expected"), [
    # A section longer than the file: read whole before (MemoryError).
    (1, 2**61, r"truncated index file \(section part_df ends at byte [\d,]+, the file at"),
    (1, 10**9, r"truncated index file \(section part_df ends"),
    # Inflating to more than deflate can: memory taken on the header's word.
    (3, 2**40, r"corrupt aliaskit index file: field \(header\)\.sections: section part_df "
               r"cannot inflate from [\d,]+ to 1,099,511,627,776 bytes"),
])
def test_a_header_claiming_more_than_the_file_holds_is_refused(
        tmp_path: Path, field: int, value: int, expected: str) -> None:
    """A header (its checksum recomputed) whose section lengths the file cannot hold is
    refused before anything is read or allocated."""
    path = tmp_path / "i.idx"
    Resolver(_pool(random.Random(2), 20)).save(path)
    update_file(path, remove=["e0"])
    meta, sections, tail = _parts(path)
    stored = [zlib.compress(sections[name], 1) for name, _ in _SECTIONS]
    listed = [[name, len(data), zlib.crc32(data), len(sections[name])]
              for (name, _), data in zip(_SECTIONS, stored)]
    listed[[name for name, _ in _SECTIONS].index("part_df")][field] = value
    header = json.dumps({**meta, "sections": listed}).encode()
    path.write_bytes(MAGIC + _FRAME.pack(len(header), zlib.crc32(header)) + header
                     + b"".join(stored) + tail)
    before = path.read_bytes()
    with pytest.raises(DataFileError, match=r"i\.idx: " + expected):
        Resolver.load(path)
    with pytest.raises(DataFileError, match=expected):
        update_file(path, remove=["e1"])
    assert path.read_bytes() == before


def test_entities_and_postings_are_checked_when_first_used(tmp_path: Path) -> None:
    """A file whose checksums fit but whose content does not: refused when the bad
    entity or key is first needed, naming the field."""
    path = tmp_path / "i.idx"
    Resolver([Entity(id="a", name="Amir Khan Muttaqi", kind="person", aliases=["Mottaki"]),
              Entity(id="b", name="Kabul", kind="place")]).save(path)
    meta, sections, _ = _parts(path)
    bad = dict(sections, entities=sections["entities"].replace(b'"kind":"place"', b'"kind":"plaza"'))
    path.write_bytes(_assemble(meta, bad))
    loaded = Resolver.load(path)
    assert loaded.resolve("Mottaki")[0].entity.id == "a"
    with pytest.raises(DataFileError, match=r"i\.idx: corrupt .*field entities\[1\]: kind must"):
        loaded.resolve("Kabol")
    keys = json.loads(sections["keys"])
    from array import array

    flat = array("q", sections["postings"])
    flat[0] = 99
    path.write_bytes(_assemble(meta, dict(sections, postings=flat.tobytes())))
    with pytest.raises(DataFileError,
                       match=rf"field postings\[{re.escape(repr(keys[0]))}\]: row out of range"):
        Resolver.load(path)._postings[keys[0]]


# --- where a saved file goes ------------------------------------------------------------


def _reading(fifo: Path) -> tuple[threading.Thread, list[bytes]]:
    """A reader on ``fifo``, as a writer into it needs one."""
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    return reader, got


def test_output_place_keeps_special_files_and_follows_links(tmp_path: Path) -> None:
    """Renamed over: a regular or new file, and the file a link points to (not the link).
    Written in place: a FIFO, a directory (whose write then fails)."""
    regular, fifo, link, dangling = (tmp_path / n for n in ("f.idx", "p", "l.idx", "d.idx"))
    regular.write_bytes(b"")
    os.mkfifo(fifo)
    link.symlink_to(regular)
    dangling.symlink_to(tmp_path / "new.idx")
    real = tmp_path.resolve()
    assert output_place(regular) == (real / "f.idx", True)
    assert output_place(tmp_path / "missing.idx") == (real / "missing.idx", True)
    assert output_place(link) == (real / "f.idx", True)
    assert output_place(dangling) == (real / "new.idx", True)
    assert output_place(fifo) == (real / "p", False)
    assert output_place(tmp_path) == (real, False)


def test_save_into_a_fifo_or_through_a_link(tmp_path: Path) -> None:
    small = Resolver([Entity(id="a", name="Kabul")])
    small.save(tmp_path / "expected.idx")
    expected = (tmp_path / "expected.idx").read_bytes()
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader, got = _reading(fifo)
    small.save(fifo)
    reader.join(10)
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and got == [expected]
    target, link = tmp_path / "target.idx", tmp_path / "link.idx"
    target.write_bytes(b"old")
    link.symlink_to(target.name)
    small.save(link)
    assert link.is_symlink() and target.read_bytes() == expected
    update_file(link, remove=["a"], output=tmp_path / "link2.idx")
    (tmp_path / "link3.idx").symlink_to(target.name)
    update_file(tmp_path / "link2.idx", add=[Entity(id="b", name="Herat")],
                output=tmp_path / "link3.idx")
    assert (tmp_path / "link3.idx").is_symlink()
    assert [e.id for e in Resolver.load(target).entities] == ["b"]


def _names_grid() -> tuple[list[Entity], list[str]]:
    given = ["Abdul Basir", "Mohammad Nabi", "Ghulam Sakhi", "Nowruz", "Azizullah", "Talib",
             "Shaikh Ali", "Qari Rahmat", "Hafiz", "Amanullah"]
    family = ["Rasooli", "Heidari", "Khomeini", "Araghchi", "Ghori", "Vahidi", "Mohseni",
              "Ghalibaf", "Karimi", "Popal", "Noorzai", "Akhundzada"]
    entities = [Entity(id=f"e{i}", name=f"{g} {f}", kind="person")
                for i, (g, f) in enumerate((g, f) for g in given for f in family)]
    queries = [f"{g} {f}" for g in ("Abdul Baseer", "Mohammed Nabi", "Gulam Sakhi", "Nowrouz",
                                    "Aziz Ullah", "Taleb", "Sheikh Ali", "Qari Rehmat", "Hafez",
                                    "Amanollah")
               for f in ("Rasuli", "Haidari", "Khomeiny", "Araqchi", "Ghouri", "Wahidi",
                         "Mohsini", "Qalibaf", "Karimy", "Popalzai", "Nurzai", "Akhundzadeh")]
    return entities, queries


def test_a_loaded_index_answers_alike_in_several_threads(tmp_path: Path) -> None:
    """A loaded index reads a key's rows when a query first needs them: queries in
    several threads at once read them once, and answer as one thread does (before, a
    KeyError, or a key seen with no rows, whose weight was then kept)."""
    import sys
    from concurrent.futures import ThreadPoolExecutor

    entities, queries = _names_grid()
    path = tmp_path / "grid.idx"
    Resolver(entities).save(path)
    alone = Resolver.load(path)
    want = {q: [m.entity.id for m in alone.resolve(q)] for q in queries}
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        for trial in range(6):
            resolver = Resolver.load(path)
            start = threading.Barrier(8)

            def answers(seed: int, resolver: Resolver = resolver,
                        start: threading.Barrier = start) -> dict[str, list[str]]:
                start.wait()
                order = random.Random(seed).sample(queries, len(queries))
                return {q: [m.entity.id for m in resolver.resolve(q)] for q in order}

            with ThreadPoolExecutor(8) as pool:
                for got in pool.map(answers, range(trial * 8, trial * 8 + 8)):
                    assert got == want
            assert {q: [m.entity.id for m in resolver.resolve(q)] for q in queries} == want
    finally:
        sys.setswitchinterval(interval)


def test_a_loaded_index_pickles(tmp_path: Path) -> None:
    """A resolver loaded from a file goes to another process as a built one does."""
    import pickle

    entities, queries = _names_grid()
    path = tmp_path / "grid.idx"
    Resolver(entities).save(path)
    loaded = Resolver.load(path)
    loaded.resolve(queries[0])  # some keys read, most not
    copy = pickle.loads(pickle.dumps(loaded))
    for q in queries[::7]:
        assert [(m.entity.id, m.score) for m in copy.resolve(q)] == [
            (m.entity.id, m.score) for m in loaded.resolve(q)]
    saved = tmp_path / "copy.idx"
    copy.save(saved)
    assert saved.read_bytes() == path.read_bytes()
