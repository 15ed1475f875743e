"""The type contract of the public API (issue 17): a wrong type is a TypeError (never an
AliaskitError), a bad value of the right type an InvalidArgumentError (a ValueError)."""

from __future__ import annotations

import json
import types
from collections.abc import Callable
from typing import Any

import pytest

import aliaskit
from aliaskit import (
    AliaskitError,
    Entity,
    InvalidArgumentError,
    InvalidNameError,
    Resolver,
)


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver([Entity(id="x", name="Amir Khan Muttaqi", kind="person")])


def _name_taking(resolver: Resolver) -> list[Callable[[Any], object]]:
    return [
        aliaskit.normalize, aliaskit.name_parts, aliaskit.phonetic_key, aliaskit.metaphone_key,
        aliaskit.nysiis_key, aliaskit.variant_group, aliaskit.part_weight, aliaskit.link,
        lambda x: aliaskit.compare(x, "Ahmad"), lambda x: aliaskit.compare("Ahmad", x),
        lambda x: aliaskit.cluster(["Ahmad", x]), lambda x: Entity(id="e", name=x),
        lambda x: Entity(id=x, name="Ahmad"), lambda x: Entity(id="e", name="A", aliases=[x]),
        resolver.resolve, resolver.exact, lambda x: resolver.resolve_many(["Kabul", x]),
    ]


@pytest.mark.parametrize("value", [None, 5, 2.5, b"Ahmad", ["x"], ("x",), {"x": 1}])
def test_a_non_string_name_is_a_type_error(resolver: Resolver, value: object) -> None:
    for function in _name_taking(resolver):
        with pytest.raises(TypeError) as info:
            function(value)
        assert not isinstance(info.value, (AliaskitError, ValueError)), function


def test_variant_group_of_none_and_of_a_list() -> None:
    """issue 17: variant_group(None) returned None, variant_group(["x"]) 'unhashable'."""
    with pytest.raises(TypeError, match="must be a string"):
        aliaskit.variant_group(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="must be a string"):
        aliaskit.variant_group(["x"])  # type: ignore[arg-type]


@pytest.mark.parametrize(("limit", "error"), [
    (0, InvalidArgumentError), (-3, InvalidArgumentError), ("5", TypeError), (2.0, TypeError),
    (None, TypeError), (True, TypeError)])
def test_limit(resolver: Resolver, limit: object, error: type[Exception]) -> None:
    with pytest.raises(error, match="limit"):
        resolver.resolve("Muttaqi", limit=limit)  # type: ignore[arg-type]
    with pytest.raises(error, match="limit"):
        resolver.resolve_many(["Muttaqi"], limit=limit)  # type: ignore[arg-type]


def test_bad_values_are_value_errors_and_aliaskit_errors(resolver: Resolver) -> None:
    for call in (lambda: resolver.resolve("Muttaqi", limit=0),
                 lambda: aliaskit.compare("a b", "a b", profile="nope"),
                 lambda: aliaskit.compare("a b", "a b", kind="city"),  # type: ignore[arg-type]
                 lambda: aliaskit.cluster(["a b"], kind="city"),  # type: ignore[arg-type]
                 lambda: resolver.resolve("Muttaqi", threshold=2.0)):
        with pytest.raises(InvalidArgumentError) as info:
            call()
        assert isinstance(info.value, ValueError) and isinstance(info.value, AliaskitError)
        assert not isinstance(info.value, InvalidNameError)
    with pytest.raises(TypeError, match="kind"):
        aliaskit.compare("a b", "a b", kind=3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="profile"):
        aliaskit.compare("a b", "a b", profile=None)  # type: ignore[arg-type]


def test_results_of_cluster_are_exported() -> None:
    groups = aliaskit.cluster(["Amir Khan Muttaqi", "Amir Khan Mottaki"])
    assert isinstance(groups[0], aliaskit.Cluster)
    assert isinstance(groups[0].members[0], aliaskit.ClusterMember)
    assert {"Cluster", "ClusterMember", "InvalidArgumentError"} <= set(aliaskit.__all__)


def test_the_package_namespace_is_its_public_api() -> None:
    """What `import aliaskit` offers besides private names is __all__: version,
    PackageNotFoundError and annotations had leaked in from its imports."""
    public = {n for n in dir(aliaskit) if not n.startswith("_")
              and not isinstance(getattr(aliaskit, n), types.ModuleType)}  # aliaskit.spark
    assert public == set(aliaskit.__all__) - {"__version__"}


def test_an_entity_id_that_is_not_a_string_is_a_type_error() -> None:
    resolver = aliaskit.Resolver.from_reference()
    with pytest.raises(TypeError, match="entity_id must be a string"):
        resolver.entity(None)  # type: ignore[arg-type]
    with pytest.raises(KeyError):
        resolver.entity("person/nobody")


# --- found by a user's audit of the API (session 18) ------------------------------------

def test_a_failed_add_leaves_the_resolver_as_it_was(tmp_path: Any) -> None:
    """An entity with one name that cannot be indexed was half added: listed, found,
    not removable, and saved as an index that load refused."""
    resolver = Resolver([Entity(id="a", name="Kabul")])
    with pytest.raises(InvalidNameError, match="entity 'b'"):
        resolver.add(Entity(id="b", name="Herat", aliases=["Hirat", "123"]))
    assert [e.id for e in resolver.entities] == ["a"] and len(resolver) == 1
    assert all(m.entity.id == "a" for m in resolver.resolve("Herat"))
    resolver.add(Entity(id="b", name="Herat", aliases=["Hirat"]))  # no "already present"
    assert resolver.remove(["b"]) == 1
    resolver.save(tmp_path / "i.idx")
    assert [e.id for e in Resolver.load(tmp_path / "i.idx").entities] == ["a"]
    with pytest.raises(InvalidArgumentError, match="already in the resolver"):
        resolver.add(Entity(id="a", name="Kabol"))


@pytest.mark.parametrize("call", [
    lambda r: r.resolve_many("Kabul"), lambda r: aliaskit.cluster("Kabul"),
    lambda r: Resolver.from_layers([1]), lambda r: Resolver.from_layers("layer"),
    lambda r: aliaskit.link("Kabul", resolver="x"), lambda r: aliaskit.link("Kabul", source=3),
    lambda r: r.match("Muttaqi", None), lambda r: aliaskit.read_gazetteer("x.jsonl", format=3),
    lambda r: aliaskit.cluster(["Kabul", None]),
    lambda r: Entity(id="x", name="A", birth_dates=[1956]),
    lambda r: Entity(id="x", name="A", countries=[None]),
    lambda r: Entity(id="x", name="A", aliases={"Kabol": 1}),
    lambda r: Entity(id="x", name="A", description=None),
    lambda r: Entity(id="x", name="A", source=3),
    lambda r: aliaskit.Alias(None), lambda r: aliaskit.Alias("x", weak="no"),
    lambda r: aliaskit.Mention(None, 0, 1, 1, "a"),
    lambda r: aliaskit.Mention("s", 0, 1.5, 1, "a"),
])
def test_wrong_types_found_by_the_audit(resolver: Resolver, call: Callable[[Resolver], object]
                                        ) -> None:
    with pytest.raises(TypeError) as info:
        call(resolver)
    assert not isinstance(info.value, AliaskitError)


def _path_taking(resolver: Resolver) -> list[Callable[[Any], object]]:
    from aliaskit._calibrate import read_pairs
    from aliaskit._index import compact_file, update_file

    return [
        Resolver.load, resolver.save, aliaskit.Judgements.load, aliaskit.load_profile,
        aliaskit.read_gazetteer, read_pairs, compact_file,
        lambda path: update_file(path, remove=["x"]),
        lambda path: aliaskit.Judgements.append(path, aliaskit.Judgement("a", "b", "same")),
    ]


@pytest.mark.parametrize("value", [10**6, 2.5, b"x.idx", None])
def test_a_path_of_another_type_is_a_type_error(resolver: Resolver, value: object) -> None:
    for call in _path_taking(resolver):
        with pytest.raises(TypeError, match="path must be a str or Path"):
            call(value)


def test_a_bool_or_an_int_is_not_taken_for_a_file_descriptor() -> None:
    """Resolver.load(True) read from standard output and closed it; Resolver.load(3)
    closed fd 3. In a process of its own: the test must not close this one's."""
    import subprocess
    import sys

    code = """if True:
        import os, aliaskit
        fd = os.open(os.devnull, os.O_RDONLY)
        for value in (True, fd):
            for call in (aliaskit.Resolver.load, aliaskit.Judgements.load):
                try:
                    call(value)
                except TypeError:
                    pass
        os.fstat(fd)
        print("still open")
    """
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.stdout == "still open\n", done.stderr


def test_a_path_with_a_nul_byte_is_a_data_file_error(resolver: Resolver) -> None:
    for call in _path_taking(resolver):
        with pytest.raises(aliaskit.DataFileError, match="holds a NUL byte"):
            call("a\0b.idx")


@pytest.mark.parametrize("call", [
    lambda: aliaskit.Judgements.parse(5), lambda: aliaskit.Judgements.parse(["{}"]),
    lambda: aliaskit.load_profile("p.txt", name=5),
])
def test_other_wrong_types_found_by_the_audit(call: Callable[[], object]) -> None:
    with pytest.raises(TypeError) as info:
        call()
    assert not isinstance(info.value, AliaskitError)


@pytest.mark.parametrize("call", [
    lambda: aliaskit.Alias(""), lambda: aliaskit.Alias("x", origin="bogus"),
    lambda: aliaskit.Mention("s", 5, 3, 1, "a"), lambda: aliaskit.Mention("s", -1, 3, 1, "a"),
])
def test_bad_values_of_records(call: Callable[[], object]) -> None:
    with pytest.raises(InvalidArgumentError):
        call()


def test_positions_of_bad_names_in_a_batch() -> None:
    with pytest.raises(InvalidNameError, match="position 2"):
        aliaskit.cluster(["Kabul", "Herat", "123"])
    with pytest.raises(TypeError, match="position 1"):
        aliaskit.cluster(["Kabul", 5])  # type: ignore[list-item]


def test_entity_records_round_trip(tmp_path: Any) -> None:
    """to_dict() kept neither the context nor weak aliases, and nothing read it back."""
    mention = aliaskit.Mention("a.txt", 3, 8, 1, "Kabol", context="in Kabol", decision=None)
    entity = Entity(id="x", name="Kabul", kind="place", description="a city",
                    aliases=[aliaskit.Alias("Kabol", origin="seed", mentions=(mention,)),
                             aliaskit.Alias("KBL", weak=True, note="quality low")],
                    birth_dates=["1956"], countries=["AF", "Afghanistan"], source="mine")
    record = entity.to_dict()
    assert record["countries"] == ["af", "Afghanistan"] and record["aliases"][1]["weak"]
    assert Entity.from_dict(record) == entity
    path = tmp_path / "g.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    assert aliaskit.read_gazetteer(path) == [entity]
    with pytest.raises(InvalidArgumentError, match="unknown field"):
        Entity.from_dict({**record, "extra": 1})
    with pytest.raises(InvalidArgumentError, match="'name' is required"):
        Entity.from_dict({"id": "x"})
    with pytest.raises(TypeError):
        Entity.from_dict(["x"])


def test_bundled_names_have_no_stray_spaces() -> None:
    bundled = Resolver.bundled()
    assert all(n == n.strip() for e in bundled.entities for n in e.names)
    assert bundled.resolve("Islamic Republic of Pakistan")[0].alias.name == \
        "Islamic Republic of Pakistan"


def test_saving_where_it_cannot_be_written(tmp_path: Any) -> None:
    """A missing directory or a directory in the file's place is a DataFileError naming
    the file, not an OSError; a saved index gets the mode of any new file."""
    import os

    small = Resolver([Entity(id="a", name="Kabul")])
    for target in (tmp_path / "missing" / "i.idx", tmp_path):
        with pytest.raises(aliaskit.DataFileError, match="cannot write"):
            small.save(target)
    mask = os.umask(0o022)
    try:
        small.save(tmp_path / "i.idx")
    finally:
        os.umask(mask)
    assert (tmp_path / "i.idx").stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize("threshold, error", [
    (float("nan"), InvalidArgumentError), (2.0, InvalidArgumentError),
    (-1, InvalidArgumentError), ("0.5", TypeError), (True, TypeError)])
def test_a_profile_threshold_is_a_number_in_0_1(threshold: object, error: type) -> None:
    """A NaN threshold gave score 1.0 with is_match False."""
    with pytest.raises(error):
        aliaskit.Profile("p", threshold, "d")  # type: ignore[arg-type]


def test_part_functions_normalise_their_part() -> None:
    assert aliaskit.part_weight("Mohammad") == aliaskit.part_weight("mohammad")
    assert aliaskit.variant_group("Mottaki") == aliaskit.variant_group("mottaki") == "muttaqi"
    with pytest.raises(InvalidNameError, match="one name part"):
        aliaskit.part_weight("Amir Khan")


def test_a_lone_surrogate_is_not_a_name() -> None:
    with pytest.raises(InvalidNameError, match="not valid Unicode"):
        aliaskit.normalize("Kab\ud800ul")


def test_resolve_many_checks_types_before_resolving(resolver: Resolver) -> None:
    seen: list[int] = []
    with pytest.raises(TypeError, match="position 2"):
        resolver.resolve_many(["Muttaqi", "Kabul", None], progress=seen.append)  # type: ignore[list-item]
    assert seen == []
