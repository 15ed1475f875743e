from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import CASES, REPO

from aliaskit import DataFileError, Entity, load_reference
from aliaskit._reference import build_reference, dump_reference

SEEDS = REPO / "seeds"
ENTITIES_TOML = REPO / "data" / "entities.toml"
GENERATED = REPO / "data" / "reference.json"
EXPLORE_FILE = "002_b42d4b06c29c7d07.txt"


def seed_text(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


def story_text(name: str) -> str:
    text = seed_text(name)
    if name == EXPLORE_FILE:
        text = text[: text.index("\nExplore\n") + 1]
    return text


@pytest.fixture(scope="module")
def entities() -> tuple[Entity, ...]:
    return load_reference()


def test_generated_file_is_up_to_date() -> None:
    built = dump_reference(build_reference(ENTITIES_TOML, SEEDS))
    assert GENERATED.read_text(encoding="utf-8") == built
    assert json.loads(built)["generated"].endswith("do not edit")


def test_every_span_equals_the_seed_text(entities: tuple[Entity, ...]) -> None:
    count = 0
    for entity in entities:
        for mention in entity.mentions:
            text = seed_text(mention.source)
            assert text[mention.start : mention.end] == mention.text
            assert text.count("\n", 0, mention.start) + 1 == mention.line
            assert mention.text in mention.context
            count += 1
    assert count > 300


def test_every_seed_alias_occurs(entities: tuple[Entity, ...]) -> None:
    for entity in entities:
        for alias in entity.aliases:
            if alias.origin == "seed":
                assert alias.mentions, (entity.id, alias.name)
            else:
                assert not alias.mentions and alias.note, (entity.id, alias.name)


def _occurrences(text: str, form: str) -> list[int]:
    found, start = [], text.find(form)
    while start != -1:
        end = start + len(form)
        if (start == 0 or not text[start - 1].isalnum()) and (
            end == len(text) or not text[end].isalnum()
        ):
            found.append(start)
        start = text.find(form, start + 1)
    return found


def test_no_occurrence_is_missed(entities: tuple[Entity, ...]) -> None:
    """Every occurrence of every seed alias is recorded, or lies inside a longer one."""
    recorded: dict[str, list[tuple[int, int]]] = {}
    for entity in entities:
        for m in entity.mentions:
            recorded.setdefault(m.source, []).append((m.start, m.end))
    forms = {a.name for e in entities for a in e.aliases if a.origin == "seed"}
    for path in sorted(SEEDS.glob("*.txt")):
        text = story_text(path.name)
        spans = recorded.get(path.name, [])
        for form in forms:
            for start in _occurrences(text, form):
                end = start + len(form)
                assert any(s <= start and end <= e for s, e in spans), (path.name, form, start)


def test_nothing_is_recorded_in_the_explore_headlines(entities: tuple[Entity, ...]) -> None:
    cut = len(story_text(EXPLORE_FILE))
    assert all(m.start < cut for e in entities for m in e.mentions if m.source == EXPLORE_FILE)


def test_ids_are_unique_and_stable(entities: tuple[Entity, ...]) -> None:
    ids = [e.id for e in entities]
    assert len(ids) == len(set(ids))
    published = (CASES / "reference_ids.txt").read_text(encoding="utf-8").split()
    assert set(published) <= set(ids), "published ids must never disappear"


def test_confusable_entities_stay_distinct(entities: tuple[Entity, ...]) -> None:
    by_id = {e.id: e for e in entities}
    son, father = by_id["person/ahmad-massoud"], by_id["person/ahmad-shah-massoud"]
    assert "Commander Massoud" in son.names and "Lion of Panjshir" in father.names
    assert "Lion of Panjshir" not in son.names
    # A bare "Massoud" was attributed mention by mention, with a reason each time.
    for person in (son, father):
        bare = [m for m in person.mentions if m.text == "Massoud"]
        assert bare and all(m.decision for m in bare)
    assert "Bilal Karimi" in by_id["person/bilal-karimi"].names
    assert "Bilal Karimi" not in by_id["person/amin-karim"].names
    ttp = next(e for e in entities if "TTP" in e.names)
    assert ttp.id != "org/taliban" and "Taliban" not in ttp.names


def test_curated_and_script_aliases_are_marked(entities: tuple[Entity, ...]) -> None:
    muttaqi = next(e for e in entities if e.id == "person/amir-khan-muttaqi")
    origins = {a.name: a.origin for a in muttaqi.aliases}
    assert origins["Mottaki"] == "seed"
    assert origins["امیر خان متقی"] == "curated"


def _copy_inputs(tmp_path: Path) -> tuple[Path, Path]:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    toml = tmp_path / "entities.toml"
    shutil.copy(ENTITIES_TOML, toml)
    return toml, seeds


def test_build_rejects_a_missing_decision(tmp_path: Path) -> None:
    toml, seeds = _copy_inputs(tmp_path)
    text = toml.read_text(encoding="utf-8")
    start = text.index("\n[[decision]]\n")
    end = text.index("\n[[decision]]\n", start + 1)
    toml.write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(DataFileError, match="has no \\[\\[decision\\]\\]"):
        build_reference(toml, seeds)


def test_build_rejects_a_curated_alias_found_in_the_seeds(tmp_path: Path) -> None:
    toml, seeds = _copy_inputs(tmp_path)
    text = toml.read_text(encoding="utf-8").replace(
        '{ name = "Amir Khan Mottaqi"', '{ name = "Bilal Karimi"', 1
    )
    toml.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError, match="occurs in the seeds"):
        build_reference(toml, seeds)


def test_build_rejects_malformed_toml(tmp_path: Path) -> None:
    toml, seeds = _copy_inputs(tmp_path)
    toml.write_text("schema = 1\n[[entity]\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="not valid TOML"):
        build_reference(toml, seeds)
