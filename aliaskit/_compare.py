"""Stage 3: explained comparison of two names.

``compare(a, b)`` splits both names into parts (titles, connectors and particles are
set aside), scores every pair of identity parts with the best evidence available,
aligns the parts order-independently, and combines the aligned similarities weighted
by how informative each part is. Unmatched parts count against a match
asymmetrically: a part present on one side only (a missing middle name) costs little,
two different parts in the same slot (Khan / Karim) cost a lot.

The scoring itself is in :mod:`aliaskit._scoring` (compiled with mypyc when built);
this module checks the arguments and writes the explanation.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence

from . import _data
from ._errors import InvalidNameError
from ._scoring import (
    SIM_ACRONYM,
    _final_score,
    _Name,
    _name_of,
    _pair,
    _part_weight,
    _parts,
    _Plan,
    _plan,
    _Slot,
    _with_weights,
)
from ._types import AlignedPart, Comparison, Kind, Method, NamePart, _DeferredComparison, _require_kind

__all__ = ["compare", "part_weight"]


def part_weight(text: str, *, kind: Kind | None = None) -> float:
    """How much a normalised name part says about identity, in (0, 1].

    Common parts (Mohammad, Khan, Gul) weigh little, rare ones (Muttaqi) fully; the
    commonness classes come from data/variants.txt and data/generic_words.txt.

    ```pycon
    >>> part_weight("mohammad") < part_weight("muttaqi")
    True

    ```
    """
    _require_kind(kind)
    if not isinstance(text, str) or not text.strip():
        raise InvalidNameError(f"a name part must be a non-empty string, not {text!r}")
    return _part_weight(text, kind)


def _profile(profile: str) -> _data.Profile:
    profiles = _data.profiles()
    if profile not in profiles:
        raise InvalidNameError(
            f"unknown profile {profile!r}; choose one of {', '.join(sorted(profiles))}"
        )
    return profiles[profile]


def _record(parts_a: Sequence[NamePart], slot_a: _Slot | None, parts_b: Sequence[NamePart],
            slot_b: _Slot | None, method: Method, sim: float, weight: float
            ) -> list[AlignedPart]:
    """Alignment records for two slots; a joined slot yields one record per part."""
    if slot_a is not None and slot_b is not None and len(slot_a.parts) == len(slot_b.parts) == 1:
        return [AlignedPart(parts_a[slot_a.parts[0]], parts_b[slot_b.parts[0]], method, sim,
                            weight)]
    side_a = [parts_a[k] for k in slot_a.parts] if slot_a else []
    side_b = [parts_b[k] for k in slot_b.parts] if slot_b else []
    return [AlignedPart(side_a[k] if k < len(side_a) else None,
                        side_b[k] if k < len(side_b) else None, method, sim, weight)
            for k in range(max(len(side_a), len(side_b)))]


def _records(a: str, b: str, na: _Name, nb: _Name, plan: _Plan) -> tuple[AlignedPart, ...]:
    """The alignment of a plan as records: every part of both names exactly once."""
    parts_a, parts_b = _parts(a), _parts(b)
    left, right = plan.left, plan.right
    records: list[AlignedPart] = []
    if plan.acronym_left is not None:
        short, long_parts = (parts_a, parts_b) if plan.acronym_left else (parts_b, parts_a)
        acronym = short[(left if plan.acronym_left else right)[0].parts[0]]
        for p in long_parts:
            pair = (acronym, p) if plan.acronym_left else (p, acronym)
            records.append(AlignedPart(*pair, "acronym", SIM_ACRONYM, 1.0 / len(long_parts)))
        return tuple(records)
    for i, j, sim, method in plan.pairs:
        records += _record(parts_a, left[i], parts_b, right[j], method, sim,
                           min(left[i].weight, right[j].weight))
    for sa, sb, w in plan.conflicts:
        sim = _pair(sa.text, sb.text, sa.script, sb.script)[0]
        records += _record(parts_a, sa, parts_b, sb, "conflict", sim, w)
    for slot, on_left in plan.missing:
        records += (_record(parts_a, slot, parts_b, None, "missing", 0.0, slot.weight) if on_left
                    else _record(parts_a, None, parts_b, slot, "missing", 0.0, slot.weight))
    # Titles, connectors and particles (weight 0), except titles aligned as names.
    for name, parts, on_left in ((na, parts_a, True), (nb, parts_b, False)):
        for position in name.aside:
            if (on_left, position) not in plan.reclaimed:
                p = parts[position]
                role: Method = "title" if p.role == "title" else (
                    "connector" if p.role == "connector" else "particle")
                records.append(AlignedPart(p if on_left else None, None if on_left else p,
                                           role, 0.0, 0.0))
    return tuple(records)


def compare(
    a: str,
    b: str,
    *,
    kind: Kind | None = None,
    profile: str = "default",
    weights: Mapping[str, float] | None = None,
) -> Comparison:
    """Compare two names; return the score, the decision and the explained alignment.

    ``kind`` ("person", "place", "org") adjusts the weights of generic words such as
    "Front" or "Province". ``profile`` picks the decision threshold
    (data/profiles.txt: "default", "screening" for recall, "dedupe" for precision).
    ``weights`` maps normalised parts to weights in (0, 1] that override the bundled
    commonness (e.g. computed from your own gazetteer).

    ```pycon
    >>> c = compare("Amir Khan Muttaqi", "امیر خان متقی")
    >>> c.is_match, c.score > 0.9
    (True, True)
    >>> compare("Mohammad Khan", "Mohammad Karim").is_match
    False
    >>> c = compare("Mullah Abdul Qahar Balkhi", "Abdulqahar Balkhy")
    >>> [(r.method, r.similarity) for r in c.alignment]
    [('exact', 1.0), ('variant', 0.97), ('title', 0.0)]
    >>> print(c.explain().splitlines()[2])
      Balkhi             Balkhy             variant         sim 0.97  weight 0.80  (attested ...)

    ```

    The score is symmetric, in [0, 1], and 1.0 only for names equal after
    normalisation. Raises :class:`~aliaskit.InvalidNameError` for invalid names, an
    unknown kind or profile, or a weight that is not a number in (0, 1].
    """
    _require_kind(kind)
    chosen = _profile(profile)
    if weights is not None and not isinstance(weights, Mapping):
        raise InvalidNameError(f"weights must map name parts to numbers, not {type(weights).__name__}")
    na = _with_weights(_name_of(a, kind), weights)
    nb = _with_weights(_name_of(b, kind), weights)
    return _comparison(a, b, na, nb, _plan(na, nb), kind, chosen)


def _comparison(a: str, b: str, na: _Name, nb: _Name, plan: _Plan, kind: Kind | None,
                chosen: _data.Profile) -> Comparison:
    score = _final_score(na, nb, plan.score)
    # The records are written when first read: most callers only read the score.
    return _DeferredComparison(a, b, score, score >= chosen.threshold, chosen.name,
                               chosen.threshold, kind,
                               build=functools.partial(_records, a, b, na, nb, plan))
