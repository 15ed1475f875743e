"""Context on top of a name: a query's birth year and country against an entity's.

:func:`context_evidence` compares them and returns log-odds evidence with the reasons
("born 1956 (query 1973)"); :func:`with_context` adds that evidence to a name score's
log-odds. Context that either side lacks counts for nothing. The weights are in
data/context_weights.txt, set from stated assumptions (not fitted, not tuned on a benchmark).

```pycon
>>> from aliaskit import Entity
>>> e = Entity(id="x", name="Zarif Tannuri", birth_dates=["1956"], countries=["ge"])
>>> evidence, reasons = context_evidence(e, birth_year=1973)
>>> round(evidence, 2), reasons
(-4.36, ('born 1956 (query 1973)',))
>>> context_evidence(e)
(0.0, ())
>>> round(with_context(0.9, evidence), 3)
0.103
>>> round(with_context(1.0, evidence), 3)
0.559

```
"""

from __future__ import annotations

import functools
import math

from . import _data
from ._errors import InvalidArgumentError
from ._types import MAX_YEAR, MIN_YEAR, Entity

__all__ = ["check_context", "confirming", "context_evidence", "country_key", "same_country",
           "with_context"]


NAME_ODDS_FLOOR = 0.01
"""Name scores are clipped to [0.01, 0.99] before context evidence is added."""


def check_context(birth_year: object, country: object) -> None:
    """Check a query's context: TypeError unless ``birth_year`` is an int (not a bool)
    or None and ``country`` a string or None; InvalidArgumentError for a year outside
    [MIN_YEAR, MAX_YEAR] or a blank country."""
    if birth_year is not None:
        if isinstance(birth_year, bool) or not isinstance(birth_year, int):
            raise TypeError(f"birth_year must be an int such as 1956, not "
                            f"{type(birth_year).__name__}")
        if not MIN_YEAR <= birth_year <= MAX_YEAR:
            raise InvalidArgumentError(
                f"birth_year must be a year such as 1956, not {birth_year!r}")
    if country is not None:
        if not isinstance(country, str):
            raise TypeError(f"country must be a string, not {type(country).__name__}")
        if not country.strip():
            raise InvalidArgumentError(f"country must be a non-empty string, not {country!r}")


@functools.cache
def _country_codes() -> dict[str, str]:
    """Lower-cased country names → their ISO 3166 code: the ISO names of
    data/iso3166.txt ("Iran, Islamic Republic of", "Iran"), and the names and demonyms of
    data/demonyms.txt ("Afghan"). Lists write a country either way (OFAC and the UN list
    names, OpenSanctions codes); a query may too."""
    from ._regional import iso_names

    codes: dict[str, str] = {}
    for code, names in iso_names().items():
        for name in (*names.names, *names.persian):
            codes.setdefault(name.lower(), code.lower())
    for word, country in _data.demonyms().items():
        known = codes.get(country.lower())
        if known is not None:
            codes.setdefault(word, known)
    return codes


def _country(value: str) -> str:
    """A country as compared: its code where it is one or its name is known, else the
    lower-cased name."""
    value = value.strip().lower()
    return value if len(value) == 2 else _country_codes().get(value, value)


def country_key(value: str) -> str:
    """A country as two values of it are compared: "Afghanistan", "AF" and "Afghan" are
    all "af"."""
    return _country(value)


def same_country(a: str, b: str) -> bool:
    """Are ``a`` and ``b`` one country (codes, names or demonyms, in any case)?"""
    return _country(a) == _country(b)


def _comparable(a: str, b: str) -> bool:
    """Two country values can be compared when both are codes or both are names."""
    return (len(a) == 2) == (len(b) == 2)


def context_evidence(entity: Entity, *, birth_year: int | None = None,
                     country: str | None = None) -> tuple[float, tuple[str, ...]]:
    """Log-odds evidence for ``entity`` being the queried one, from the context, and why.

    The birth year counts by its gap to the nearest of the entity's birth years (a range
    "1955/1958" has no gap to 1956); the country by whether it is among the entity's
    countries, compared only with values of the same form (ISO codes with codes, names
    with names). Either missing on either side: no evidence, no reason.
    """
    weights = _data.context_weights()
    evidence = 0.0
    reasons: list[str] = []
    years = entity.birth_years
    if birth_year is not None and years:
        gap = min(max(low - birth_year, birth_year - high, 0) for low, high in years)
        listed = ", ".join(str(low) if low == high else f"{low}-{high}" for low, high in years)
        if gap <= weights["birth_year_tolerance"]:
            weight = weights["birth_year_same"]
        elif gap <= weights["birth_year_far"]:
            weight = weights["birth_year_near"]
        else:
            weight = weights["birth_year_other"]
        evidence += weight
        reasons.append(f"born {listed} (query {birth_year})")
    if country is not None:
        wanted = _country(country)
        known = list(dict.fromkeys(
            c for c in map(_country, entity.countries) if _comparable(c, wanted)))
        if known:
            same = wanted in known
            evidence += weights["country_same" if same else "country_other"]
            reasons.append(f"country {'/'.join(known)} (query {wanted})")
    return evidence, tuple(reasons)


def confirming(evidence: float, score: float, threshold: float) -> float:
    """The evidence that applies to a name score under a decision ``threshold``: context
    confirms a name that matches on its own, it cannot make a match of one that does not
    (data/context_weights.txt), so agreement below the threshold counts for nothing;
    disagreement always counts.

    ```pycon
    >>> confirming(0.5, 0.9, 0.56), confirming(0.5, 0.45, 0.56), confirming(-4.36, 0.45, 0.56)
    (0.5, 0.0, -4.36)

    ```
    """
    return 0.0 if evidence > 0 and score < threshold else evidence


def with_context(score: float, evidence: float) -> float:
    """The name score with the context's evidence added to its log-odds.

    Without evidence the score is returned as it is. Otherwise the name score is first
    clipped to [:data:`NAME_ODDS_FLOOR`, 1 - NAME_ODDS_FLOOR]: a name alone never says
    more than 99 to 1 (the same name is not the same person), so a birth year decades
    apart can outweigh even an exact name.
    """
    if not evidence:
        return score
    p = min(max(score, NAME_ODDS_FLOOR), 1.0 - NAME_ODDS_FLOOR)
    moved = 1.0 / (1.0 + math.exp(-(math.log(p / (1.0 - p)) + evidence)))
    # The clip must not turn evidence for a match into a lower score (an exact 1.0 with
    # an agreeing birth year), nor evidence against into a higher one.
    return max(moved, score) if evidence > 0 else min(moved, score)
