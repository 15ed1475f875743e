"""The engine of stage 3: weighing, aligning and scoring the parts of two names.

The public functions are in :mod:`aliaskit._compare`; this module does the work and is
compiled with mypyc when the package is built (setup.py). :func:`_name_of` accepts any
object and checks it first.

All word lists come from data/; the numeric constants below are the model's
parameters, calibrated on the calibration half of benchmarks/pairs.csv.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence

from rapidfuzz.distance import Levenshtein

from . import _data
from ._errors import InvalidNameError
from ._keys import part_key, variant_index
from ._normalize import normalize
from ._parsing import _first_words, _name_parts_of, _parse, _Part, _plain_words, _rewrite
from ._types import (
    Kind,
    Method,
    NamePart,
    PartRole,
)

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
    folded = _rewrite(_data.fold_rules(), text)
    if "E" not in folded and folded.isalpha():
        # One reading, and fold.txt's last rule left no doubled letter (digits it leaves).
        return (folded.lower(),)
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


def _part_weight(text: str, kind: Kind | None) -> float:
    """:func:`aliaskit.part_weight` (see there)."""
    if len(text) == 1:
        return INITIAL_WEIGHT
    commonness = _generic(kind).get(text)
    if commonness is None:
        index = variant_index()
        group = index.group_of.get(text)
        if group is not None:
            commonness = index.groups[group].commonness
    return WEIGHT_OF[commonness] if commonness else UNKNOWN_WEIGHT


_NO_VOWELS = str.maketrans("", "", "aiu")  # folded spellings have no o or e


@functools.lru_cache(maxsize=200_000)
def _fold_features(text: str) -> tuple[tuple[str, str, bool], ...]:
    """Per folded spelling: the spelling, its consonant skeleton, whether it ends in a vowel."""
    return tuple([(f, f[:1] + f[1:].translate(_NO_VOWELS), f[-1:] in ("a", "i", "u"))
                  for f in _folds(text)])


@functools.lru_cache(maxsize=200_000)
def _weight(text: str, kind: Kind | None) -> float:
    return _part_weight(text, kind)


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


# The records below are plain slotted classes (see _parsing._Word for why).


class _Slot:
    """An identity part, or two adjacent ones joined, on one side of a comparison."""

    __slots__ = ("link", "parts", "script", "text", "weight")

    def __init__(self, parts: tuple[int, ...], text: str, script: bool, weight: float,
                 link: str = "") -> None:
        self.parts = parts  # positions in the name's parts
        self.text = text
        self.script = script  # romanised letter by letter (not a known Perso-Arabic word)
        self.weight = weight
        self.link = link  # a connector written between this part and the next ("i" in Mazar-i-Sharif)

    def _fields(self) -> tuple[object, ...]:
        return (self.parts, self.text, self.script, self.weight, self.link)


class _Name:
    """Everything compare() needs to know about one name, worked out once per name."""

    __slots__ = ("aside", "links", "normal", "roles", "slots", "texts", "titles")

    def __init__(self, texts: tuple[str, ...], roles: tuple[PartRole, ...], slots: tuple[_Slot, ...],
                 normal: str, aside: tuple[int, ...], titles: bool, links: bool) -> None:
        self.texts = texts  # the normalised text of each part
        self.roles = roles  # and its role
        self.slots = slots  # identity parts, under the bundled weights for the kind
        self.normal = normal  # the normalised text (equal normal texts score 1.0)
        self.aside = aside  # positions of titles, connectors and particles
        self.titles = titles  # has a part taken as a title
        self.links = links  # has a connector between two identity parts

    def _fields(self) -> tuple[object, ...]:
        return (self.texts, self.roles, tuple([s._fields() for s in self.slots]), self.normal,
                self.aside, self.titles, self.links)


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
                last = slots[-1]
                slots[-1] = _Slot(last.parts, last.text, last.script, last.weight, p.text)
                links = True
            continue
        slots.append(_Slot((k,), p.text, p.script == "arabic" and p.text not in group_of,
                           _weight(p.text, kind)))
    texts = tuple([p.text for p in parts])
    return _Name(texts, tuple([p.role for p in parts]), tuple(slots), " ".join(texts),
                 tuple(aside), titles, links)


def _name_from_normal(text: str, normal: str, kind: Kind | None,
                      weights: Mapping[str, object] | None) -> _Name:
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
               weights: Mapping[str, object] | None) -> _Name:
    """The _Name of a name whose every part is an identity part (``scripts``: romanised
    letter by letter), weighed by ``weights`` where given, else by the bundled table."""
    roles: list[PartRole] = ["name"] * len(texts)
    return _Name(texts, tuple(roles), tuple([
        _Slot((k,), w, script, _given_weight(weights, w) if weights and w in weights
              else _weight(w, kind))
        for k, (w, script) in enumerate(zip(texts, scripts))]), normal, (), False, False)


def _with_weights(name: _Name, weights: Mapping[str, object] | None) -> _Name:
    """The name with gazetteer weights in place of the bundled ones, part by part."""
    if not weights:
        return name
    slots = tuple([_Slot(sl.parts, sl.text, sl.script, _given_weight(weights, sl.text), sl.link)
                   if sl.text in weights else sl for sl in name.slots])
    return _Name(name.texts, name.roles, slots, name.normal, name.aside, name.titles, name.links)


def _given_weight(weights: Mapping[str, object], text: str) -> float:
    """A caller's weight for a part, checked where it is used (a gazetteer's table of
    weights can be large; checking all of it on every comparison would not be)."""
    weight = weights[text]
    if isinstance(weight, (int, float)) and not isinstance(weight, bool) and 0.0 < weight <= 1.0:
        return float(weight)
    raise InvalidNameError(f"the weight of {text!r} must be a number in (0, 1], not {weight!r}")


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


class _Plan:
    """How two names align: the score and what the alignment records are written from."""

    __slots__ = ("acronym_left", "conflicts", "left", "missing", "pairs", "reclaimed", "right",
                 "score")

    def __init__(self, score: float, left: list[_Slot], right: list[_Slot],
                 pairs: list[tuple[int, int, float, Method]],
                 conflicts: list[tuple[_Slot, _Slot, float]], missing: list[tuple[_Slot, bool]],
                 reclaimed: frozenset[tuple[bool, int]], acronym_left: bool | None = None) -> None:
        self.score = score  # evidence over total weight, before the 1.0 rule
        self.left = left
        self.right = right
        self.pairs = pairs  # aligned slots, in order
        self.conflicts = conflicts  # two unaligned slots and their weight
        self.missing = missing  # a slot present on one side only (True: the left)
        self.reclaimed = reclaimed  # titles aligned as names: (on the left, position)
        self.acronym_left = acronym_left  # the acronym's side when one name is the other's acronym


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
