"""Context on entities and queries: birth years and countries as log-odds evidence."""

from __future__ import annotations

import pytest
from conftest import load_csv
from hypothesis import given
from hypothesis import strategies as st

from aliaskit import Entity, InvalidArgumentError, InvalidNameError, Resolver
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
    assert far.context == ("born 1956 (query 1973)",) and far.context_log_odds < 0
    assert far.score < far.comparison.score
    assert "born 1956 (query 1973)" in far.explain()
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
    """A wrong type is a TypeError, a bad value an InvalidArgumentError (not a name
    error: neither is a name)."""
    resolver = Resolver(PEOPLE)
    for year in ("1956", 1956.0, True):
        with pytest.raises(TypeError, match="birth_year"):
            resolver.resolve("Zarif", birth_year=year)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="country"):
        resolver.resolve("Zarif", country=3)  # type: ignore[arg-type]
    for bad in ({"birth_year": -5}, {"birth_year": 0}, {"country": ""}, {"country": " "}):
        with pytest.raises(InvalidArgumentError) as info:
            resolver.resolve("Zarif", **bad)  # type: ignore[arg-type]
        assert not isinstance(info.value, InvalidNameError)


def test_country_codes_ignore_case() -> None:
    """A list's "AF" and a query's "af" (or the other way round) are one country."""
    person = Entity(id="x", name="Amir Khan Muttaqi", kind="person", countries=["AF", " ", ""])
    assert person.countries == ("af",)
    resolver = Resolver([person])
    plain = resolver.resolve("Amir Muttaki")[0].score
    for country in ("AF", "af", " Af "):
        assert resolver.resolve("Amir Muttaki", country=country)[0].score >= plain
    named = Entity(id="y", name="Amir Khan Muttaqi", countries=["Afghanistan"])
    assert context_evidence(named, country="AFGHANISTAN")[0] > 0


@pytest.mark.parametrize("date, years", [
    ("۱۹۵۶", ((1956, 1956),)),       # Persian digits are digits
    ("¹⁹⁵⁶", ()),                    # superscripts are not (int() refuses them)
    ("0000", ()),                    # a list's placeholder, not year 0
    ("1956-03-01", ((1956, 1956),)),
    ("1955/1958", ((1955, 1958),)),
])
def test_birth_years_of_any_digits(date: str, years: tuple[tuple[int, int], ...]) -> None:
    assert Entity(id="x", name="A B", birth_dates=[date]).birth_years == years
