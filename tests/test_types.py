"""The type contract of the public API (issue 17): a wrong type is a TypeError (never an
AliaskitError), a bad value of the right type an InvalidArgumentError (a ValueError)."""

from __future__ import annotations

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
