"""The regional layer, layered resolvers and context-reading links (issue 18)."""

from __future__ import annotations

import csv
import functools
import json
import re
import unittest.mock

import pytest
from conftest import CASES
from hypothesis import given, settings
from hypothesis import strategies as st
from test_cli import ALIASKIT

from aliaskit import (
    Alias,
    DataFileError,
    Entity,
    Layer,
    Resolver,
    _resolve,
    bundled_layers,
    link,
    load_reference,
    load_regional,
    merge_layers,
    normalize,
    read_gazetteer,
)
from aliaskit._check import check_all
from aliaskit._parsing import _is_arabic
from aliaskit._regional import regional_places

HERE = CASES / "link_regional"


def _csv(name: str) -> list[dict[str, str]]:
    with (HERE / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@functools.cache
def _bundled() -> Resolver:
    return Resolver.bundled()


@functools.cache
def _with_people() -> Resolver:
    people = Layer("people", read_gazetteer(HERE / "people.jsonl"), "fixture")
    return Resolver.from_layers([*bundled_layers(), people])


def _types() -> dict[str, str]:
    return {p.id: p.type for p in regional_places()[1]}


def _related() -> dict[str, str | None]:
    return {p.id: p.related for p in regional_places()[1]}


# --- the layer's data ---------------------------------------------------------------


def test_layer_holds_every_province_capital_and_country() -> None:
    places = regional_places()[1]
    provinces = [p for p in places if p.type == "province"]
    assert sum(p.iso.startswith("AF-") for p in provinces if p.iso) == 34
    assert sum(p.iso.startswith("IR-") for p in provinces if p.iso) == 31
    assert sum(p.type == "capital" for p in places) == 65
    countries = {p.iso for p in places if p.type == "country"}
    assert {"AF", "IR", "PK", "TJ", "UZ", "TM", "IQ", "SA", "AE", "QA", "KW", "BH", "OM", "CN",
            "IN", "RU", "TR", "US", "GB"} <= countries
    for entity in load_regional():
        assert all(a.note for a in entity.aliases), entity.id  # every name has a source
        # A script form, unless the parser misreads it (آلمان as al-man: left out).
        assert entity.id == "place/germany" or any(_is_arabic(n[0]) for n in entity.names)


def test_data_files_check_clean() -> None:
    assert check_all() == []


def test_iso_table_matches_pycountry() -> None:
    pytest.importorskip("pycountry")
    from aliaskit._data import data_dir
    from aliaskit._regional import ISO_FILE, iso_table_text

    assert (data_dir() / ISO_FILE).read_text(encoding="utf-8") == iso_table_text()
    import pycountry

    for country in ("AF", "IR"):
        codes = {s.code for s in pycountry.subdivisions.get(country_code=country)}
        assert codes == {p.iso for p in regional_places()[1] if p.iso and
                         p.iso.startswith(country + "-")}


# --- every spelling of the layer in running text --------------------------------------


def _spellings(entity: Entity, template: str) -> list[str]:
    words = {w for w in template.lower().replace("{name}", " ").split()}
    out = []
    for name in entity.names:
        lowered = name.lower()
        if "city" in words and lowered.endswith(" city"):
            continue  # "Kandahar city city"
        if {"province", "provincial"} & words and "province" in lowered:
            continue
        out.append(name)
    return out


def test_every_spelling_is_found_in_case_sentences() -> None:
    """Each spelling of each province, capital and country, in the sentences of
    tests/cases/link_regional/templates.csv: 'entity' rows must link exactly that entity;
    'bare' rows may be ambiguous, but only with the related province or capital, and
    only when the spelling is shared with it."""
    resolver = _bundled()
    types, related = _types(), _related()
    templates = _csv("templates.csv")
    failures, total = [], 0
    for entity in load_regional():
        for row in (r for r in templates if r["type"] == types[entity.id]):
            for name in _spellings(entity, row["template"]):
                text = row["template"].format(name=name)
                total += 1
                found = [m for m in link(text, resolver=resolver) if name in m.surface
                         or m.surface in name]
                got = found[0] if found else None
                ok = got is not None and (
                    (got.entity.id == entity.id and not got.ambiguous) if row["expect"] ==
                    "entity" or not entity.alias(name).ambiguous else
                    {got.entity.id, *got.alternatives} == {entity.id, related[entity.id]})
                if not ok:
                    failures.append((text, got and (got.entity.id, got.ambiguous,
                                                    got.alternatives)))
    assert total > 1500
    assert not failures, f"{len(failures)} of {total}: {failures[:20]}"


# --- context --------------------------------------------------------------------------


@pytest.mark.parametrize("case", _csv("context.csv"), ids=lambda c: c["why"][:40])
def test_context_rules(case: dict[str, str]) -> None:
    found = [m for m in link(case["text"], resolver=_with_people())
             if m.surface == case["surface"]]
    assert found, case
    got = found[0]
    assert got.entity.id == case["entity"], (case, got.entity.id, got.alternatives)
    assert got.ambiguous == (case["ambiguous"] == "yes"), (case, got.alternatives)
    if case["via"]:
        assert got.via == case["via"], case
    assert got.match.layer is not None  # every answer names its layer


# --- layers ---------------------------------------------------------------------------


def _user_layer() -> Layer:
    return Layer("mine", [Entity(id="person/zabihullah-mujahid", name="Zabihullah Mujahid",
                                 kind="person", aliases=["Zabiullah Mujahid"]),
                          Entity(id="place/spin-boldak", name="Spin Boldak", kind="place")],
                 "tests")


def test_user_list_and_bundled_layers_answer_both() -> None:
    resolver = Resolver.from_layers([*bundled_layers(), _user_layer()])
    assert resolver.layers == ("reference", "regional", "mine")
    person = resolver.resolve("Zabihullah Mujahed")[0]
    assert (person.entity.id, person.layer, person.source) == (
        "person/zabihullah-mujahid", "mine", "tests")
    place = resolver.resolve("Hilmand")[0]
    assert (place.entity.id, place.layer) == ("place/helmand-province", "regional")
    seed = resolver.resolve("Amir Khan Motaqi")[0]
    assert seed.layer == "reference"
    mentions = link("Mujahid said Spin Boldak and Lashkar Gah were calm.", resolver=resolver)
    assert {m.entity.id for m in mentions} >= {"place/spin-boldak", "place/lashkar-gah"}


def test_removing_a_layer_removes_exactly_its_answers() -> None:
    layers = [*bundled_layers(), _user_layer()]
    full = Resolver.from_layers(layers)
    names = sorted({n for layer in layers for e in layer.entities for n in e.names})
    owners: dict[tuple[str, str], set[str]] = {}  # (layer, normalised name) -> ids
    for layer in layers:
        for e in layer.entities:
            for n in e.names:
                owners.setdefault((layer.name, normalize(n)), set()).add(e.id)
    for dropped in layers:
        rest = Resolver.from_layers([x for x in layers if x is not dropped])
        for name in names:
            key = normalize(name)
            # The entities with this name in a layer that stays.
            expected = set().union(*(owners.get((layer.name, key), set()) for layer in layers
                                     if layer is not dropped))
            got = rest.exact(name)
            assert {m.entity.id for m in got} == expected, (dropped.name, name)
            assert {m.entity.id for m in got} <= {m.entity.id for m in full.exact(name)}
            assert dropped.name not in {m.layer for m in got}


def test_seed_reference_and_its_provenance_are_unchanged() -> None:
    seeds = load_reference()
    assert bundled_layers()[0].entities is seeds
    merged = {e.id: e for e, _ in merge_layers(bundled_layers())}
    for seed in seeds:
        entity = merged[seed.id]
        assert (entity.name, entity.kind, entity.description) == (
            seed.name, seed.kind, seed.description)
        head = entity.aliases[: len(seed.aliases)]
        assert [(a.name, a.origin, a.note, a.mentions) for a in head] == [
            (a.name, a.origin, a.note, a.mentions) for a in seed.aliases]
    assert Resolver.from_reference().layers == ()


def test_merging_layers_with_one_id_of_two_kinds_fails() -> None:
    clash = Layer("clash", [Entity(id="place/kandahar", name="Kandahar", kind="person")])
    with pytest.raises(DataFileError, match="place/kandahar"):
        merge_layers([*bundled_layers(), clash])


def _merged_by_scanning(layers: list[Layer]
                        ) -> list[tuple[Entity, tuple[tuple[str, str], ...]]]:
    """merge_layers as it was, with Entity.alias (a scan of the aliases) once a name:
    what the merge must still give."""
    def scanned(entity: Entity) -> dict[str, Alias]:
        return {name: entity.alias(name) for name in entity.names}

    with unittest.mock.patch.object(_resolve, "_aliases_by_name", scanned):
        return merge_layers(layers)


# Few names and ids, so that names repeat within an entity (an alias spelt as the
# canonical name, one name twice with different notes) and ids across layers.
_NAMES = st.sampled_from(["Kabul", "Kabol", "Herat", "Hirat", "Amir Khan", "Mottaki"])
_ALIASES = st.lists(st.one_of(_NAMES, st.builds(
    Alias, _NAMES, origin=st.sampled_from(["seed", "curated", "user", "canonical"]),
    ambiguous=st.booleans(), note=st.sampled_from([None, "a note", "dataset x"]),
    weak=st.booleans())), max_size=6)
_ENTITIES = st.builds(Entity, id=st.sampled_from(["e1", "e2", "e3"]), name=_NAMES,
                      kind=st.sampled_from([None, None, "place", "person"]), aliases=_ALIASES)
_LAYERS = st.lists(st.builds(Layer, st.sampled_from(["first", "second", "third"]),
                             st.lists(_ENTITIES, max_size=4),
                             st.sampled_from(["", "source s"])), min_size=1, max_size=3)


@settings(max_examples=300, deadline=None)
@given(_LAYERS)
def test_merging_layers_gives_what_the_scan_of_aliases_gave(layers: list[Layer]) -> None:
    """Which alias stands for a repeated name, the provenance of each name and the order
    are what they were when each name was looked up by Entity.alias."""
    try:
        expected = _merged_by_scanning(layers)
    except DataFileError as exc:
        with pytest.raises(DataFileError, match=re.escape(str(exc))):
            merge_layers(layers)
        return
    assert merge_layers(layers) == expected


def test_merging_layers_does_not_scan_aliases_once_a_name(monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    """Entity.alias scans the aliases; once a name, an entity of 20,000 aliases took 3.6 s
    to merge, and one of 200,000 six minutes (with resolve --data). The merge finds
    every name's alias in one pass of the entity's aliases."""
    entity = Entity(id="e1", name="Amir", aliases=[f"Amir{n}" for n in range(50)])
    later = Entity(id="e1", name="Amir Khan", aliases=[f"Amir{n}" for n in range(25, 75)])

    def scan(self: Entity, name: str) -> Alias:
        raise AssertionError(f"Entity.alias({name!r}) called")

    monkeypatch.setattr(Entity, "alias", scan)
    [(merged, provenance)] = merge_layers([Layer("first", [entity]), Layer("second", [later])])
    assert merged.names == ("Amir", *(f"Amir{n}" for n in range(50)), "Amir Khan",
                            *(f"Amir{n}" for n in range(50, 75)))
    assert [layer for layer, _ in provenance] == ["first"] * 51 + ["second"] * 26


def test_saved_index_keeps_layers(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "index.json.gz"
    resolver = Resolver.from_layers([*bundled_layers(), _user_layer()])
    resolver.save(path)
    loaded = Resolver.load(path)
    assert loaded.layers == resolver.layers
    best = loaded.resolve("Spin Boldak")[0]
    assert (best.layer, best.source) == ("mine", "tests")


@pytest.mark.cli
def test_cli_layers(tmp_path: object) -> None:
    import subprocess
    from pathlib import Path

    data = Path(str(tmp_path)) / "mine.jsonl"
    data.write_text(json.dumps({"id": "p1", "name": "Zabihullah Mujahid", "kind": "person"})
                    + "\n", encoding="utf-8")

    def resolve(*args: str) -> list[dict[str, object]]:
        out = subprocess.run([ALIASKIT, "resolve", "--jsonl", *args, "Zabiullah Mujahed",
                              "Qandahar"], capture_output=True, text=True, check=True).stdout
        return [json.loads(line) for line in out.splitlines()]

    both = resolve("--data", str(data))
    assert [r["matches"][0]["layer"] for r in both] == [str(data), "regional"]  # type: ignore[index]
    mine = resolve("--data", str(data), "--no-bundled")
    assert mine[0]["matches"] and not mine[1]["matches"]
    assert not resolve()[0]["matches"]
