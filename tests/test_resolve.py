from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from conftest import load_csv

from aliaskit import (
    AliaskitError,
    DataFileError,
    Entity,
    InvalidNameError,
    Resolver,
    load_reference,
    normalize,
    read_gazetteer,
)
from aliaskit._resolve import INDEX_VERSION

SEEDS = load_csv("resolve_seeds.csv")


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver.from_reference()


@pytest.mark.parametrize("case", SEEDS, ids=[c["query"] for c in SEEDS])
def test_seed_checks(resolver: Resolver, case: dict[str, str]) -> None:
    matches = resolver.resolve(case["query"])
    assert matches, f"no match for {case['query']!r}"
    expected = case["expected"].split("|")
    assert matches[0].entity.id in expected
    assert matches[0].ambiguous == bool(int(case["ambiguous"]))
    if len(expected) > 1:
        assert {m.entity.id for m in matches[: len(expected)]} == set(expected)
        assert set(matches[0].alternatives) == set(expected) - {matches[0].entity.id}


def test_karimi_does_not_go_to_amin_karim_first(resolver: Resolver) -> None:
    matches = resolver.resolve("Karimi", profile="screening")
    assert not matches or matches[0].entity.id != "person/amin-karim"


def test_match_carries_provenance_and_explanation(resolver: Resolver) -> None:
    match = resolver.resolve("Nangahar")[0]
    mention = match.alias.mentions[0]
    assert mention.source.endswith(".txt") and mention.text == "Nangahar"
    assert "Nangahar" in match.explain() and match.comparison.score == match.score


def test_kind_filter(resolver: Resolver) -> None:
    assert resolver.resolve("Panjshir", kind="person") == [] or all(
        m.entity.kind == "person" for m in resolver.resolve("Panjshir", kind="person"))
    assert all(m.entity.kind == "place" for m in resolver.resolve("Panjshir", kind="place"))


def test_resolve_many_equals_resolve(resolver: Resolver) -> None:
    names = [c["query"] for c in SEEDS] + ["Mottaki", "", "Nangahar"]
    seen: list[int] = []
    batch = resolver.resolve_many(names, progress=seen.append)
    assert seen[-1] == len(names)
    for name, result in zip(names, batch):
        if name == "":
            assert isinstance(result, InvalidNameError)
        else:
            assert result == resolver.resolve(name)


def test_user_gazetteer_and_add() -> None:
    r = Resolver([Entity(id="x1", name="Amir Khan Muttaqi", kind="person", aliases=["Mottaki"])])
    r.add(Entity(id="x2", name="Ashraf Ghani", kind="person"))
    assert r.resolve("Amir Khan Mottaqi")[0].entity.id == "x1"
    assert r.resolve("Ashraf Ghani Ahmadzai")[0].entity.id == "x2"
    with pytest.raises(AliaskitError, match="already"):
        r.add(Entity(id="x2", name="Someone"))


def test_save_and_load_roundtrip(tmp_path: Path, resolver: Resolver) -> None:
    path = tmp_path / "index.json.gz"
    resolver.save(path)
    loaded = Resolver.load(path)
    assert len(loaded) == len(resolver) and loaded.alias_count == resolver.alias_count
    for case in SEEDS:
        assert loaded.resolve(case["query"]) == resolver.resolve(case["query"])


def test_load_rejects_foreign_and_corrupt_files(tmp_path: Path) -> None:
    foreign = tmp_path / "foreign.gz"
    with gzip.open(foreign, "wt", encoding="utf-8") as handle:
        json.dump({"format": "something-else"}, handle)
    with pytest.raises(DataFileError, match="wrong format marker"):
        Resolver.load(foreign)
    garbage = tmp_path / "garbage.gz"
    garbage.write_bytes(b"\x00\x01 not gzip at all")
    with pytest.raises(DataFileError, match="not an aliaskit index"):
        Resolver.load(garbage)
    broken = tmp_path / "broken.gz"
    with gzip.open(broken, "wt", encoding="utf-8") as handle:
        json.dump({"format": "aliaskit-index", "version": INDEX_VERSION, "entities": [],
                   "rows": {"entity": [5], "name_index": [0], "normalized": ["x"],
                            "sounds": ["X"], "keys": [[]]},
                   "part_df": {}}, handle)
    with pytest.raises(DataFileError, match="corrupt"):
        Resolver.load(broken)
    old = tmp_path / "old.gz"
    with gzip.open(old, "wt", encoding="utf-8") as handle:
        json.dump({"format": "aliaskit-index", "version": INDEX_VERSION - 1}, handle)
    with pytest.raises(DataFileError, match="rebuild the index"):
        Resolver.load(old)
    with pytest.raises(DataFileError, match="file not found"):
        Resolver.load(tmp_path / "missing.gz")


def test_bad_queries(resolver: Resolver) -> None:
    with pytest.raises(InvalidNameError):
        resolver.resolve("   ")
    with pytest.raises(InvalidNameError, match="limit"):
        resolver.resolve("Kabul", limit=0)


def test_gazetteer_file_resolves(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_text("id,name,kind,aliases\np1,Sirajuddin Haqqani,person,Siraj Haqqani\n", encoding="utf-8")
    r = Resolver(read_gazetteer(path))
    assert r.resolve("Serajuddin Haqani")[0].entity.id == "p1"


def test_every_reference_name_resolves_to_itself(resolver: Resolver) -> None:
    # The pre-rank puts the query's own spelling first among the spellings of a name,
    # so a known alias is scored as itself (1.0), not as a sibling spelling (0.97).
    for entity in load_reference():
        for name in entity.names:
            best = resolver.resolve(name)[0]
            assert normalize(best.alias.name) == normalize(name) and best.score == 1.0, name
            assert best.entity.id == entity.id or entity.id in best.alternatives, name


ORGANISATIONS = [
    "Niru Battery Manufacturing Company", "Defence Industries Organisation", "Parscloud",
    "Iran Tire Manufacturing Company", "Iran Insurance Company", "Saman Industrial Group",
    "Khazar Steel Co.", "Khazar Sea Shipping Lines", "Iran Marine Industrial Company",
    "Mobarakeh Steel Company", "Agricultural Bank of Iran", "Bank Sepah", "Sina Bank",
    "Islamic Revolutionary Guard Corps", "Islamic Revolutionary Court",
    "National Iranian Oil Company", "National Iranian Tanker Company", "Anar",
]


@pytest.mark.parametrize(("query", "expected"), [
    ("NIRU CO. LTD.", "Niru Battery Manufacturing Company"),  # legal forms only beside the name
    ("Sazman-e Sanaye Defa", "Defence Industries Organisation"),  # every word translated
    ("Sherkat-e Sanati Daryai Iran", "Iran Marine Industrial Company"),
    ("Bank Keshavarzi Iran", "Agricultural Bank of Iran"),
    ("Foulad Khazar", "Khazar Steel Co."),
    ("Pars Cloud", "Parscloud"),  # written apart
    ("IRAN TIRE CO.", "Iran Tire Manufacturing Company"),  # a generic word less
    ("I.R.G.C.", "Islamic Revolutionary Guard Corps"),  # acronyms
    ("IRGC", "Islamic Revolutionary Guard Corps"),
    ("N I O C", "National Iranian Oil Company"),
    ("NITC", "National Iranian Tanker Company"),
])
def test_organisation_names_retrieve_their_entity(query: str, expected: str) -> None:
    resolver = Resolver(Entity(id=str(k), name=n, kind="org") for k, n in enumerate(ORGANISATIONS))
    found = resolver.resolve(query, threshold=0.0, limit=3)
    assert found and found[0].entity.name == expected, [m.entity.name for m in found]
