"""Context on entities and queries: birth years and countries as log-odds evidence."""

from __future__ import annotations

import pytest
from conftest import load_csv
from hypothesis import given
from hypothesis import strategies as st

from aliaskit import Entity, InvalidNameError, Resolver
from aliaskit._context import context_evidence, with_context

CASES = load_csv("context.csv")


def _split(text: str) -> list[str]:
    return [t for t in text.split("|") if t]


@pytest.mark.parametrize("case", CASES, ids=[c["note"] for c in CASES])
def test_context_evidence(case: dict[str, str]) -> None:
    entity = Entity(id="x", name="Zarif Tannuri", birth_dates=_split(case["birth_dates"]),
                    countries=_split(case["countries"]))
    evidence, reasons = context_evidence(
        entity, birth_year=int(case["birth_year"]) if case["birth_year"] else None,
        country=case["country"] or None)
    sign = {"+": 1, "-": -1, "0": 0}[case["sign"]]
    assert (evidence > 0) - (evidence < 0) == sign
    assert "; ".join(reasons) == case["reason"]


@given(st.floats(0.0, 1.0), st.floats(-10, 10))
def test_with_context_monotone(score: float, evidence: float) -> None:
    moved = with_context(score, evidence)
    assert 0.0 <= moved <= 1.0
    if evidence == 0:
        assert moved == score
    assert with_context(score, evidence + 1.0) >= moved


PEOPLE = [Entity(id="a", name="Zarif Tannuri", kind="person", birth_dates=["1956"], countries=["ge"]),
          Entity(id="b", name="Zareef Tanuri", kind="person", birth_dates=["1973"]),
          Entity(id="c", name="Velma Orrin", kind="person")]


def test_resolver_context_reranks_and_explains() -> None:
    resolver = Resolver(PEOPLE)
    plain = resolver.resolve("Zarif Tanuri", limit=2)
    assert all(not m.context for m in plain)
    found = resolver.resolve("Zarif Tanuri", limit=2, threshold=0.0, birth_year=1973)
    assert found[0].entity.id == "b"
    far = next(m for m in found if m.entity.id == "a")
    assert far.context == ("born 1956 vs 1973",) and far.context_log_odds < 0
    assert far.score < far.comparison.score
    assert "born 1956 vs 1973" in far.explain()
    # an entity without context is scored on its name alone
    assert [m.score for m in resolver.resolve("Velma Orrin", birth_year=1900)] == \
        [m.score for m in resolver.resolve("Velma Orrin")]


def test_agreeing_context_confirms_a_match_but_never_makes_one() -> None:
    resolver = Resolver([Entity(id="t", name="Zarif Tabrizi", kind="person", birth_dates=["1956"]),
                         Entity(id="k", name="Nadir Kolbaz", kind="person", birth_dates=["1956"])])
    # "Zarif Tannuri" / "Zarif Tabrizi" is no match on the name (about 0.5): a birth year
    # that agrees must not lift it over the threshold (data/context_weights.txt)
    below = resolver.resolve("Zarif Tannuri", threshold=0.0, birth_year=1956)[0]
    assert below.entity.id == "t" and not below.comparison.is_match
    assert below.score == below.comparison.score and below.context_log_odds == 0.0
    assert below.context and not resolver.resolve("Zarif Tannuri", birth_year=1956)
    # a name that matches on its own is confirmed
    above = resolver.resolve("Nadir Kulbaz", birth_year=1956)[0]
    assert above.entity.id == "k" and above.comparison.is_match
    assert above.context_log_odds > 0 and above.score > above.comparison.score


def test_bad_context_is_rejected() -> None:
    resolver = Resolver(PEOPLE)
    with pytest.raises(InvalidNameError, match="birth_year"):
        resolver.resolve("Zarif", birth_year="1956")  # type: ignore[arg-type]
    with pytest.raises(InvalidNameError, match="country"):
        resolver.resolve("Zarif", country="")
