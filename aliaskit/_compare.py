"""Stage 3: explained comparison of two names.

``compare(a, b)`` splits both names into parts (titles, connectors and particles are
set aside), scores every pair of identity parts with the best evidence available,
aligns the parts order-independently, and combines the aligned similarities weighted
by how informative each part is. Unmatched parts count against a match
asymmetrically: a part present on one side only (a missing middle name) costs little,
two different parts in the same slot (Khan / Karim) cost a lot.

All word lists come from data/; the numeric constants below are the model's
parameters, calibrated on the calibration half of benchmarks/pairs.csv.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from rapidfuzz.distance import Levenshtein

from . import _data
from ._errors import InvalidNameError
from ._keys import part_key, variant_index
from ._normalize import _first_words, _name_parts_of, _parse, _Part, _plain_words, normalize
from ._types import (
    AlignedPart,
    Comparison,
    Kind,
    Method,
    NamePart,
    PartRole,
    _DeferredComparison,
    _require_kind,
)

__all__ = ["compare", "part_weight"]

# Similarity given by each kind of evidence (exact equality is 1.0).
SIM_VARIANT = 0.97
SIM_TRANSLITERATION = 0.95
SIM_JOINED = 0.94
SIM_CROSS_SCRIPT = 0.90
SIM_TRANSLATION = 0.90
SIM_ACRONYM = 0.90
SIM_COMPOUND = 0.80
SIM_INITIAL = 0.75
# Two parts that are spellings of different known names (data/variants.txt) are
# capped here; related names (Karim / Karimi) a little higher.
SIM_DIFFERENT = 0.40
SIM_RELATED = 0.55
# Edit similarity after folding is raised to this power: a one-letter difference that
# is not a known alternation (Karim/Karimi, Rezai/Rezavi) usually means another name.
EDIT_EXPONENT = 3.0
VOWEL_COST = 0.4
# Below this similarity two parts are not aligned: they are a conflict.
ALIGN_MIN = 0.5
# Joining two parts to match one on the other side needs at least this similarity.
JOIN_MIN = 0.7
# How much unaligned parts weigh against a match, relative to their weight.
CONFLICT_COST = 1.0
MISSING_COST = 0.35
# A score of 1.0 is reserved for names equal after normalisation.
MAX_UNEQUAL = 0.99

WEIGHT_OF = {"very-common": 0.3, "common": 0.55, "usual": 0.8, "rare": 1.0}
UNKNOWN_WEIGHT = 0.9
INITIAL_WEIGHT = 0.3


@functools.lru_cache(maxsize=200_000)
def _light(text: str) -> tuple[_Part, ...]:
    return _parse(text)


@functools.lru_cache(maxsize=200_000)
def _parts(text: str) -> tuple[NamePart, ...]:
    """name_parts(), cached and made from the cached light parts."""
    return _name_parts_of(text, _light(text))


@functools.lru_cache(maxsize=200_000)
def _folds(text: str) -> tuple[str, ...]:
    """The folded spellings of a part (e read as a and as i)."""
    folded = text
    for pattern, replacement in _data.fold_rules():
        folded = pattern.sub(replacement, folded)
    variants = {folded.replace("E", "A"), folded.replace("E", "I")}
    out = []
    for v in sorted(variants):
        collapsed = "".join(ch for i, ch in enumerate(v) if i == 0 or ch != v[i - 1])
        out.append(collapsed.lower())
    return tuple(dict.fromkeys(out))


@functools.lru_cache(maxsize=8)
def _generic(kind: Kind | None) -> dict[str, str]:
    """Generic words and their commonness for a kind (all kinds when it is unknown)."""
    table = _data.generic_words()
    kinds = ("any", "org", "place") if kind is None else ("any", kind)
    return {word: c for (k, word), c in table.items() if k in kinds}


def part_weight(text: str, *, kind: Kind | None = None) -> float:
    """How much a normalised name part says about identity, in (0, 1].

    Common parts (Mohammad, Khan, Gul) weigh little, rare ones (Muttaqi) fully; the
    commonness classes come from data/variants.txt and data/generic_words.txt.

    ```pycon
    >>> part_weight("mohammad") < part_weight("muttaqi")
    True

    ```
    """
    if len(text) == 1:
        return INITIAL_WEIGHT
    commonness = _generic(kind).get(text)
    if commonness is None:
        index = variant_index()
        group = index.group_of.get(text)
        if group is not None:
            commonness = index.groups[group].commonness
    return WEIGHT_OF[commonness] if commonness else UNKNOWN_WEIGHT


@functools.lru_cache(maxsize=200_000)
def _fold_features(text: str) -> tuple[tuple[str, str, bool], ...]:
    """Per folded spelling: the spelling, its consonant skeleton, whether it ends in a vowel."""
    return tuple(
        (f, f[:1] + "".join(ch for ch in f[1:] if ch not in "aiu"), f[-1:] in ("a", "i", "u"))
        for f in _folds(text)
    )


@functools.lru_cache(maxsize=200_000)
def _weight(text: str, kind: Kind | None) -> float:
    return part_weight(text, kind=kind)


def _fold_similarity(a: str, b: str) -> tuple[float, int]:
    """Edit similarity of two folded parts, and their plain folded distance.

    Consonant edits cost 1, vowel-only edits cost VOWEL_COST (vowels are the least
    reliable letters of a transliteration), and a final vowel present on one side
    only costs 1 more: it is usually the -i of a family name (Karim / Karimi).
    """
    features_a, features_b = _fold_features(a), _fold_features(b)
    if len(features_a) == 1 and len(features_b) == 1:  # the usual case: no e to read two ways
        (fa, sa, va), (fb, sb, vb) = features_a[0], features_b[0]
        if fa == fb:
            return 1.0, 0
        d = Levenshtein.distance(fa, fb)
        consonants = Levenshtein.distance(sa, sb)
        cost = consonants + VOWEL_COST * max(0, d - consonants) + (va != vb)
        return max(0.0, 1.0 - cost / max(len(fa), len(fb), 1)), d
    best = 0.0
    distance = 99
    for fa, sa, va in features_a:
        for fb, sb, vb in features_b:
            d = Levenshtein.distance(fa, fb)
            consonants = Levenshtein.distance(sa, sb)
            cost = consonants + VOWEL_COST * max(0, d - consonants) + (va != vb)
            s = max(0.0, 1.0 - cost / max(len(fa), len(fb), 1))
            if s > best or (s == best and d < distance):
                best, distance = s, d
    return best, distance


@functools.lru_cache(maxsize=1)
def _translation_index() -> dict[str, frozenset[str]]:
    """Normalised word → ids of data/translations.txt it belongs to."""
    index = variant_index()
    found: dict[str, set[str]] = {}
    for tid, english, native, _ in _data.translations():
        words = {normalize(w).replace(" ", "") for w in (*english, *native)}
        for word in list(words):
            group = index.group_of.get(word)
            if group is not None:
                words.update(
                    normalize(s).replace(" ", "") for s in index.groups[group].spellings
                )
        for word in words:
            found.setdefault(word, set()).add(tid)
    return {word: frozenset(ids) for word, ids in found.items()}


def _similarity(a: str, b: str, a_script: bool, b_script: bool) -> tuple[float, Method]:
    """Similarity of two normalised parts; ``*_script``: romanised by letter rules."""
    if a == b:
        return 1.0, "exact"
    index = variant_index()
    ga, gb = index.group_of.get(a), index.group_of.get(b)
    if ga is not None and ga == gb:
        return SIM_VARIANT, "variant"
    translations = _translation_index()
    ta, tb = translations.get(a), translations.get(b)
    if ta and tb and ta & tb:
        return SIM_TRANSLATION, "translation"
    if len(a) == 1 or len(b) == 1:
        return (SIM_INITIAL, "initial") if a[0] == b[0] else (0.0, "conflict")
    if a_script or b_script:
        # A letter-by-letter romanisation has no short vowels: compare skeletons.
        ka, kb = part_key(a), part_key(b)
        if ka == kb:
            return SIM_CROSS_SCRIPT, "cross-script"
        s = 1.0 - Levenshtein.distance(ka, kb) / max(len(ka), len(kb))
        return SIM_CROSS_SCRIPT * s**EDIT_EXPONENT, "cross-script"
    s, distance = _fold_similarity(a, b)
    if distance == 0:
        return SIM_TRANSLITERATION, "transliteration"
    if ga is not None and gb is not None:
        # Both are attested spellings of different names: Jamiat is not Jamaat.
        cap = SIM_RELATED if gb in index.groups[ga].related else SIM_DIFFERENT
        return min(cap, s**EDIT_EXPONENT), "different"
    fa, fb = _folds(a)[0], _folds(b)[0]
    short, long_ = (fa, fb) if len(fa) <= len(fb) else (fb, fa)
    if len(short) >= 4 and (long_.startswith("abdul") or long_.endswith(("ula", "udin"))) and (
        short in long_
    ):
        return SIM_COMPOUND, "compound"
    return s**EDIT_EXPONENT, "edit"


_pair = functools.lru_cache(maxsize=500_000)(_similarity)


@functools.lru_cache(maxsize=500_000)
def _aligning(a: str, b: str, a_script: bool, b_script: bool) -> tuple[float, Method]:
    """:func:`_pair`, except for two attested spellings of different, unrelated names.

    Those are capped at SIM_DIFFERENT, below ALIGN_MIN, so they never align whatever
    their edit similarity: (0.0, "different") tells the alignment so without computing
    it. (A gazetteer is mostly attested spellings, so this is most pairs a resolver sees.)
    """
    if SIM_DIFFERENT < ALIGN_MIN and a != b and not a_script and not b_script and (
            len(a) > 1 and len(b) > 1):
        index = variant_index()
        ga, gb = index.group_of.get(a), index.group_of.get(b)
        if ga is not None and gb is not None and ga != gb and gb not in index.groups[ga].related:
            translations = _translation_index()
            ta, tb = translations.get(a), translations.get(b)
            if not (ta and tb and ta & tb) and not set(_folds(a)).intersection(_folds(b)):
                return 0.0, "different"
    return _similarity(a, b, a_script, b_script)


class _Slot(NamedTuple):
    """An identity part, or two adjacent ones joined, on one side of a comparison."""

    parts: tuple[int, ...]  # positions in the name's parts
    text: str
    script: bool  # romanised letter by letter (not a known Perso-Arabic word)
    weight: float
    link: str = ""  # a connector written between this part and the next ("i" in Mazar-i-Sharif)


class _Name(NamedTuple):
    """Everything compare() needs to know about one name, worked out once per name."""

    texts: tuple[str, ...]  # the normalised text of each part
    roles: tuple[PartRole, ...]  # and its role
    slots: tuple[_Slot, ...]  # identity parts, under the bundled weights for the kind
    normal: str  # the normalised text (equal normal texts score 1.0)
    aside: tuple[int, ...]  # positions of titles, connectors and particles
    titles: bool  # has a part taken as a title
    links: bool  # has a connector between two identity parts


@functools.lru_cache(maxsize=200_000)
def _name(text: str, kind: Kind | None) -> _Name:
    """Parse a name and weigh its identity parts (cached: names recur)."""
    group_of = variant_index().group_of
    plain = _plain_words(text)
    if plain is not None:  # every word a name part: the common case, and the quick one
        texts = tuple([word for word, _ in plain])
        return _all_names(texts, [script == "arabic" and word not in group_of
                                  for word, script in plain], " ".join(texts), kind, None)
    parts = _light(text)
    slots: list[_Slot] = []
    aside: list[int] = []
    links = titles = False
    for k, p in enumerate(parts):
        if p.role != "name":
            aside.append(k)
            titles = titles or p.role == "title"
            if slots and p.role == "connector" and not slots[-1].link:
                slots[-1] = slots[-1]._replace(link=p.text)
                links = True
            continue
        slots.append(_Slot((k,), p.text, p.script == "arabic" and p.text not in group_of,
                           _weight(p.text, kind)))
    texts = tuple([p.text for p in parts])
    return _Name(texts, tuple([p.role for p in parts]), tuple(slots), " ".join(texts),
                 tuple(aside), titles, links)


def _name_from_normal(text: str, normal: str, kind: Kind | None,
                      weights: Mapping[str, float] | None) -> _Name:
    """The _Name of ``text`` whose normalised text ``normal`` is known, under ``weights``.

    An ASCII name none of whose normalised words can begin a title, connector, particle
    or compound has those words as its parts, all of them names (see
    _normalize._parse), so the resolver gets the _Name of such an alias without parsing
    or caching it. Any other name goes through :func:`_name`.
    """
    texts = tuple(normal.split(" "))
    if not text.isascii() or not _first_words().isdisjoint(texts):
        return _with_weights(_name(text, kind), weights)
    return _all_names(texts, [False] * len(texts), normal, kind, weights)


def _all_names(texts: tuple[str, ...], scripts: Sequence[bool], normal: str, kind: Kind | None,
               weights: Mapping[str, float] | None) -> _Name:
    """The _Name of a name whose every part is an identity part (``scripts``: romanised
    letter by letter), weighed by ``weights`` where given, else by the bundled table."""
    roles: list[PartRole] = ["name"] * len(texts)
    return _Name(texts, tuple(roles), tuple([
        _Slot((k,), w, script, weights[w] if weights and w in weights else _weight(w, kind))
        for k, (w, script) in enumerate(zip(texts, scripts))]), normal, (), False, False)


def _with_weights(name: _Name, weights: Mapping[str, float] | None) -> _Name:
    """The name with gazetteer weights in place of the bundled ones, part by part."""
    if not weights:
        return name
    return name._replace(slots=tuple([
        sl._replace(weight=weights[sl.text]) if sl.text in weights else sl for sl in name.slots]))


def _name_of(text: object, kind: Kind | None) -> _Name:
    if not isinstance(text, str):
        raise InvalidNameError(f"a name must be a string, not {type(text).__name__}")
    return _name(text, kind)


def _better_joined(joined: str, parts: Sequence[_Slot], other: Sequence[_Slot]) -> bool:
    """Does ``joined`` match a part of ``other`` clearly better than its pieces do?"""
    for o in other:
        # Cheap tests first: a join only helps when lengths and first letters agree.
        if o.script or o.text[0] != joined[0] or abs(len(o.text) - len(joined)) > 3:
            continue
        sim = _pair(joined, o.text, False, False)[0]
        if sim >= JOIN_MIN and sim > max(_pair(p.text, o.text, False, False)[0] for p in parts) + 0.2:
            return True
    return False


def _join_split(left: list[_Slot], right: list[_Slot]) -> tuple[list[_Slot], list[_Slot]]:
    """Join parts on one side that the other side writes as one word.

    Two adjacent parts ("Mazar-i Sharif" / "Mazarisharif", "Miram Shah" / "Miranshah"),
    or a part with the izafe written after it ("Pul-e Khumri" / "Puli Khumri").
    """
    for side, other in ((left, right), (right, left)):
        i = 0
        while i < len(side):
            a = side[i]
            if a.link and not a.script and _better_joined(a.text + a.link, [a], other):
                side[i] = _Slot(a.parts, a.text + a.link, False, a.weight)
            elif i + 1 < len(side):
                b = side[i + 1]
                for joined in dict.fromkeys((a.text + b.text, a.text + a.link + b.text)):
                    if not a.script and not b.script and _better_joined(joined, [a, b], other):
                        side[i : i + 2] = [_Slot(a.parts + b.parts, joined, False,
                                                 max(a.weight, b.weight), b.link)]
                        break
            i += 1
    return left, right


def _is_acronym(short: Sequence[_Slot], long_: Sequence[_Slot], long_texts: Sequence[str]
                ) -> bool:
    """Is the one-part name ``short`` the initials of the identity parts or words of ``long_``?"""
    text = short[0].text
    return len(short) == 1 and len(long_) >= 2 and 2 <= len(text) <= 6 and text in (
        "".join(s.text[0] for s in long_), "".join(t[0] for t in long_texts))


def _profile(profile: str) -> _data.Profile:
    profiles = _data.profiles()
    if profile not in profiles:
        raise InvalidNameError(
            f"unknown profile {profile!r}; choose one of {', '.join(sorted(profiles))}"
        )
    return profiles[profile]


class _Plan(NamedTuple):
    """How two names align: the score and what the alignment records are written from."""

    score: float  # evidence over total weight, before the 1.0 rule
    left: list[_Slot]
    right: list[_Slot]
    pairs: list[tuple[int, int, float, Method]]  # aligned slots, in order
    conflicts: list[tuple[_Slot, _Slot, float]]  # two unaligned slots and their weight
    missing: list[tuple[_Slot, bool]]  # a slot present on one side only (True: the left)
    reclaimed: frozenset[tuple[bool, int]]  # titles aligned as names: (on the left, position)
    acronym_left: bool | None = None  # the acronym's side when one name is the other's acronym


_NOTHING: frozenset[tuple[bool, int]] = frozenset()
_EXACT: tuple[float, Method] = (1.0, "exact")


def _plan(na: _Name, nb: _Name) -> _Plan:
    """Align two parsed and weighed names and score the alignment (the comparison model)."""
    left, right = list(na.slots), list(nb.slots)
    if na.normal == nb.normal and len(left) == len(right):
        # Equal after normalisation (the commonest case in resolution): part i is part i.
        return _Plan(1.0, left, right, [(i, i, 1.0, "exact") for i in range(len(left))],
                     [], [], _NOTHING)
    if len(left) == 1 and _is_acronym(left, right, nb.texts):
        return _Plan(SIM_ACRONYM, left, right, [], [], [], _NOTHING, True)
    if len(right) == 1 and _is_acronym(right, left, na.texts):
        return _Plan(SIM_ACRONYM, left, right, [], [], [], _NOTHING, False)
    if len(left) != len(right) or na.links or nb.links:
        left, right = _join_split(left, right)

    # Every pair of slots, best first; ties broken symmetrically so that
    # compare(a, b) and compare(b, a) align the same way.
    candidates = []
    for i, sa in enumerate(left):
        for j, sb in enumerate(right):
            sim, method = _EXACT if sa.text == sb.text else _aligning(
                sa.text, sb.text, sa.script, sb.script)
            if sim >= ALIGN_MIN:
                if method == "cross-script" and sa.script == sb.script:
                    method = "edit"
                lo, hi = (sa.text, sb.text) if sa.text <= sb.text else (sb.text, sa.text)
                candidates.append((-sim, lo, hi, i, j, sim, method))
    candidates.sort()  # equal (sim, texts) means equal parts: any order aligns the same
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs: list[tuple[int, int, float, Method]] = []
    for _, _, _, i, j, sim, method in candidates:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        pairs.append((i, j, sim, method))

    # A part taken as a title on one side ("Akhund, Mohammad Hassan") that is a name
    # on the other ("Mohammad Hassan Akhund") is a name after all.
    reclaimed: set[tuple[bool, int]] = set()
    if (na.titles or nb.titles) and (len(used_a) < len(left) or len(used_b) < len(right)):
        for name, slots, used, on_left in ((na, right, used_b, True), (nb, left, used_a, False)):
            for k, slot in enumerate(slots):
                if k in used:
                    continue
                for position in name.aside:
                    text = name.texts[position]
                    if name.roles[position] == "title" and (on_left, position) not in reclaimed and (
                            _pair(text, slot.text, False, slot.script)[0] >= SIM_VARIANT):
                        reclaimed.add((on_left, position))
                        used.add(k)
                        title_slot = _Slot((position,), text, False, slot.weight)
                        if on_left:
                            left.append(title_slot)
                            used_a.add(len(left) - 1)
                            pairs.append((len(left) - 1, k, SIM_VARIANT, "variant"))
                        else:
                            right.append(title_slot)
                            used_b.add(len(right) - 1)
                            pairs.append((k, len(right) - 1, SIM_VARIANT, "variant"))
                        break

    pairs.sort()
    evidence = total = 0.0
    for i, j, sim, _ in pairs:
        w = min(left[i].weight, right[j].weight)
        evidence += w * sim
        total += w
    conflicts: list[tuple[_Slot, _Slot, float]] = []
    missing: list[tuple[_Slot, bool]] = []
    if len(used_a) < len(left) or len(used_b) < len(right):
        # Unaligned parts on both sides conflict pairwise, heaviest with heaviest; what is
        # left over is missing on the other side.
        rest_a = sorted((s for k, s in enumerate(left) if k not in used_a),
                        key=lambda s: (-s.weight, s.text))
        rest_b = sorted((s for k, s in enumerate(right) if k not in used_b),
                        key=lambda s: (-s.weight, s.text))
        for sa, sb in zip(rest_a, rest_b):
            w = (sa.weight + sb.weight) / 2
            total += CONFLICT_COST * w
            conflicts.append((sa, sb, w))
        for slot in rest_a[len(rest_b):]:
            total += MISSING_COST * slot.weight
            missing.append((slot, True))
        for slot in rest_b[len(rest_a):]:
            total += MISSING_COST * slot.weight
            missing.append((slot, False))
    raw = evidence / total if total > 0 else 0.0
    return _Plan(raw, left, right, pairs, conflicts, missing, frozenset(reclaimed))


def _final_score(na: _Name, nb: _Name, raw: float) -> float:
    # 1.0 is kept for names that normalise to the same text (the documented guarantee).
    return round(1.0 if na.normal == nb.normal else min(MAX_UNEQUAL, raw), 6)


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
    unknown kind or an unknown profile.
    """
    _require_kind(kind)
    chosen = _profile(profile)
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
