"""The engine of stage 3: weighing, aligning and scoring the parts of two names.

The public functions are in :mod:`aliaskit._compare`; this module does the work and is
compiled with mypyc when the package is built (setup.py). :func:`_name_of` accepts any
object and checks it first.

All word lists come from data/. How an alignment becomes a score is fitted, not set by
hand: :func:`_plan` measures the features named in FEATURES, and a logistic regression
whose coefficients are in the generated data/model.txt (benchmarks/fit.py) turns them
into the probability that the two names are one. The constants below only say how parts
are paired: the similarity each kind of evidence gives a pair of parts, and when two
parts are similar enough to be aligned.
"""

from __future__ import annotations

import functools
import itertools
import math
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Final, cast

from rapidfuzz.distance import Indel, Levenshtein
from rapidfuzz.fuzz import token_sort_ratio

from . import _data
from ._errors import DataFileError, InvalidArgumentError
from ._keys import part_key, rule_key, variant_index
from ._normalize import normalize
from ._parsing import (
    _first_words,
    _name_parts_of,
    _parse,
    _Part,
    _plain_words,
    _require_str,
    _rewrite,
)
from ._types import (
    _SETTERS,
    AlignedPart,
    Comparison,
    Kind,
    Method,
    NamePart,
    PartRole,
    _DeferredComparison,
)

# Final: the compiled module reads these as constants, not from the module's dict
# (benchmarks/calibrate.py, which varies them, runs on the .py modules).

# Similarity given by each kind of evidence (exact equality is 1.0).
SIM_VARIANT: Final = 0.97
SIM_TRANSLITERATION: Final = 0.95
SIM_JOINED: Final = 0.94
SIM_CROSS_SCRIPT: Final = 0.90
SIM_TRANSLATION: Final = 0.90
SIM_ACRONYM: Final = 0.90
SIM_COMPOUND: Final = 0.80
SIM_INITIAL: Final = 0.75
# Two parts that are spellings of different known names (data/variants.txt) are
# capped here; related names (Karim / Karimi) a little higher.
SIM_DIFFERENT: Final = 0.40
SIM_RELATED: Final = 0.55
VOWEL_COST: Final = 0.4
# Below this similarity two parts are not aligned: they are a conflict.
ALIGN_MIN: Final = 0.5
# Joining two parts to match one on the other side needs at least this similarity.
JOIN_MIN: Final = 0.89
# The most readings of one part (data/fold.txt's @ lines): a part of many ambiguous
# letters is compared by the first ones in sorted order.
MAX_READINGS: Final = 8
# Words at least this long are looked up in data/translations.txt by their folded
# spellings too (shorter ones fold onto too many other words).
MIN_FOLDED_TRANSLATION: Final = 4
# A part this long may be an acronym (the initials of parts of the other name).
ACRONYM_SIZES: Final = (2, 6)
# An acronym this long may end in its last word's first two letters (IKCO: Iran Khodro
# COmpany), the rest being at least three initials.
MIN_TWO_LETTER_END: Final = 4
# A score of 1.0 is reserved for names equal after normalisation.
MAX_UNEQUAL: Final = 0.99

# What the fitted model (data/model.txt) reads of an alignment, in this order. Shares
# are of the total weight of both names' identity parts (aligned pairs counted once).
FEATURES: Final[tuple[str, ...]] = (
    "evidence",        # aligned parts: weight x similarity
    "exact",           # aligned parts equal after normalisation (fitted >= 0: see listed)
    "listed",          # aligned as the same name: equal, or spellings or translations
                       # listed in data/; so an equal part is never worth less than a
                       # listed spelling, whatever the training pairs' look-alikes share
    "edit",            # aligned by edit similarity alone (a spelling nobody listed): weight x sim
    "edit_gap",        # ... weight x (1 - sim)^2: far spellings count more than near ones
    "script",          # aligned across scripts (letter-by-letter romanisation): weight x sim
    "conflict",        # parts in the same slot that do not align
    "conflict_known",  # ... both listed spellings of different names (Jamiat / Jamaat)
    "conflict_sim",    # ... weight x their similarity (near misses of the alignment)
    "missing",         # parts present on one side only
    "missing_inner",   # ... between two aligned parts (Ahmad [Shah] Massoud)
    "min_sim",         # the lowest similarity of an aligned pair (0 when none)
    "whole",           # the normalised names as strings, words sorted (token_sort_ratio)
    "skeleton",        # the folded names as strings, words sorted
    "acronym",         # one name is the initials of the other
    "unbalanced",      # difference in the number of identity parts (fitting initials
                       # not counted), over the larger
)

WEIGHT_OF: Final[dict[str, float]] = {"very-common": 0.3, "common": 0.55, "usual": 0.8, "rare": 1.0}
UNKNOWN_WEIGHT: Final = 0.9
INITIAL_WEIGHT: Final = 0.3
# A part weighing no more than this is generic: a word or name so common (valley, bank,
# Mohammad, Khan, an initial) that a name made of it alone identifies nothing.
GENERIC_WEIGHT: Final = WEIGHT_OF["very-common"]

_levenshtein: Final[Callable[[str, str], int]] = Levenshtein.distance
_token_sort_ratio: Final[Callable[[str, str], float]] = token_sort_ratio


@functools.lru_cache(maxsize=200_000)
def _light(text: str) -> tuple[_Part, ...]:
    return _parse(text)


@functools.lru_cache(maxsize=200_000)
def _parts(text: str) -> tuple[NamePart, ...]:
    """name_parts(), cached and made from the cached light parts."""
    return _name_parts_of(text, _light(text))


@functools.lru_cache(maxsize=1)
def _compound_affixes() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The prefixes and suffixes flagged "compound" in data/particles.txt, as they
    appear inside a folded name ("abdul", "ula", "udin"): each single-word form, as
    written and folded (prefixes of four letters or more, suffixes of three), longest
    first (the resolver cuts the longest one off: _resolve._compound_stem)."""
    out: dict[str, set[str]] = {"prefix": set(), "suffix": set()}
    for particle in _data.particles():
        if particle.compound:
            for form in particle.forms:
                if " " not in form:
                    # "abd" alone would make a compound of any name starting with it.
                    least = 4 if particle.role == "prefix" else 3
                    out[particle.role].update(f for f in (form, _folds(form)[0]) if len(f) >= least)
    return (tuple(sorted(out["prefix"], key=lambda f: (-len(f), f))),
            tuple(sorted(out["suffix"], key=lambda f: (-len(f), f))))


def _folds(text: str) -> tuple[str, ...]:
    """The folded spellings of a part (e read as a and as i).

    The bundled spellings' folds come from the generated data/folds.txt: folding runs some
    thirty rewrite rules, the most expensive per-word step of a first comparison.
    """
    known = _data.fold_table().get(text)
    return known if known is not None else _fold_spelling(text)


def _fold_spelling(text: str) -> tuple[str, ...]:
    """:func:`_folds` worked out from the rules of data/fold.txt."""
    folded = _rewrite(_data.fold_rules(), text)
    readings = _data.fold_readings()
    ambiguous = [ch for ch in dict.fromkeys(folded) if ch in readings]
    if not ambiguous and folded.isalpha():
        # One reading, and fold.txt's last rule left no doubled letter (digits it leaves).
        return (folded.lower(),)
    variants = {folded}
    for symbol in ambiguous:
        # Every symbol is read each of its ways (E: a and i), at most MAX_READINGS in all.
        variants = {v.replace(symbol, r) for v in variants for r in readings[symbol]}
        if len(variants) > MAX_READINGS:
            variants = set(sorted(variants)[:MAX_READINGS])
    out = []
    for v in sorted(variants):
        v = v.lower()
        collapsed = "".join(ch for i, ch in enumerate(v) if i == 0 or ch != v[i - 1])
        out.append(collapsed)
    return tuple(dict.fromkeys(out))


def _fold_table_text() -> str:
    """data/folds.txt: the folds of every spelling of data/variants.txt (generated)."""
    lines = ["# Generated by `aliaskit data build` from data/variants.txt and data/fold.txt; do not edit.",
             "# Folded spellings of every variant spelling (aliaskit/_scoring.py, _folds).",
             f"{_data.FOLD_DIGEST}{_data.fold_rules_digest()}",
             "# spelling | folds"]
    lines += [f"{spelling} | {', '.join(_fold_spelling(spelling))}"
              for spelling in sorted(variant_index().group_of)]
    return "\n".join(lines) + "\n"


@functools.lru_cache(maxsize=8)
def _generic(kind: Kind | None) -> dict[str, str]:
    """Generic words and their commonness for a kind (all kinds when it is unknown): those
    of data/generic_words.txt, and the words data/translations.txt gives for its place
    words in other languages and scripts (valley: Darreh, دره; province: Ostan, استان),
    which say no more. (Organisation words weigh as fitted, data/model.txt: "Niru",
    force, is also a company's name.) A translation that is also a person's name (Dara)
    is generic only when the kind is known to be a place."""
    table = _data.generic_words()
    kinds = ("any", "org", "place") if kind is None else ("any", kind)
    generic = {word: c for (k, word), c in table.items() if k in kinds}
    places = {word: c for (k, word), c in table.items() if k in kinds and k != "org"}
    names = variant_index().group_of
    for _, english, native in _normal_translations():
        found = [places[w] for w in english if w in places]
        if not found:
            continue
        commonness = min(found, key=lambda c: WEIGHT_OF[c])  # the most common reading
        for word in native:
            word = word.replace(" ", "")
            if word not in generic and (kind is not None or word not in names):
                generic[word] = commonness
    return generic


_ORG_WORDS: Final[list[dict[str, float]]] = []


def _org_words() -> dict[str, float]:
    """The fitted weights of words common among organisation names (data/model.txt)."""
    if not _ORG_WORDS:
        _ORG_WORDS.append(dict(_data.model().words))
    return _ORG_WORDS[0]


def _part_weight(text: str, kind: Kind | None) -> float:
    """:func:`aliaskit.part_weight` (see there)."""
    if len(text) == 1:
        return INITIAL_WEIGHT
    if kind is None or kind == "org":
        # How common the word is among organisation names, where it is (fitted).
        fitted = _org_words().get(text)
        if fitted is not None:
            return fitted
    return _bundled_weight(text, kind)


def _bundled_weight(text: str, kind: Kind | None) -> float:
    """A part's weight from the bundled word lists alone (data/generic_words.txt, the
    commonness of its variant group), without the fitted organisation words."""
    commonness = _generic(kind).get(text)
    if commonness is None:
        index = variant_index()
        group = index.group_of.get(text)
        if group is not None:
            commonness = index.groups[group].commonness
    return WEIGHT_OF[commonness] if commonness else UNKNOWN_WEIGHT


def _no_vowels(text: str) -> str:
    # Folded spellings have no o or e. (Three replaces: a str.translate table looks up
    # every letter, several times slower on a word.)
    return text.replace("a", "").replace("i", "").replace("u", "")


class _Spelling:
    """What weighing a part and scoring a pair of parts need to know about one normalised
    part, worked out once per part (plain slotted class: see _parsing._Word)."""

    __slots__ = ("_features", "_folds", "_weights", "group", "related", "text", "translations")

    def __init__(self, text: str, group: str | None, related: tuple[str, ...],
                 translations: frozenset[str] | None, folds: tuple[str, ...] | None = None
                 ) -> None:
        self.text = text
        self.group = group  # its variant group (data/variants.txt), if attested
        self.related = related  # the groups of related names (Karim / Karimi)
        self.translations = translations  # ids of data/translations.txt it belongs to
        # Worked out when first needed (see below), unless already known:
        self._folds = folds
        self._features: tuple[tuple[str, str, bool], ...] | None = None
        self._weights: dict[Kind | None, float] | None = None

    def folds(self) -> tuple[str, ...]:
        """Its folded spellings (:func:`_folds`)."""
        if self._folds is None:
            self._folds = _folds(self.text)
        return self._folds

    def features(self) -> tuple[tuple[str, str, bool], ...]:
        """Per folded spelling: the spelling, its consonant skeleton, whether it ends in i."""
        if self._features is None:
            self._features = tuple([_fold_features(f) for f in self.folds()])
        return self._features

    def weight(self, kind: Kind | None) -> float:
        """:func:`_part_weight` of the part for a kind."""
        if self._weights is None:
            self._weights = {}
        weight = self._weights.get(kind)
        if weight is None:
            weight = self._weights[kind] = _part_weight(self.text, kind)
        return weight


@functools.lru_cache(maxsize=200_000)
def _spelling(text: str) -> _Spelling:
    """The facts of one part (cached: parts recur far more than names, and one look-up
    here replaces several)."""
    index = variant_index()
    group = index.group_of.get(text)
    translations = _translation_index().get(text)
    folds: tuple[str, ...] | None = None
    if translations is None and len(text) >= MIN_FOLDED_TRANSLATION:
        # A spelling the list does not give, of a word it does (Foolad: Foulad, Fulad).
        by_fold = _translation_folds()
        folds = _folds(text)
        for fold in folds:
            translations = by_fold.get(fold)
            if translations is not None:
                break
    return _Spelling(text, group, index.groups[group].related if group is not None else (),
                     translations, folds)


def _fold_features(fold: str) -> tuple[str, str, bool]:
    """A folded spelling, its consonant skeleton, and whether it ends in i (what
    :func:`_edit_similarity` compares)."""
    return fold, fold[:1] + _no_vowels(fold[1:]), fold[-1:] == "i"


def _key_similarity(ka: str, kb: str) -> float:
    """1 - the edit distance of two skeleton keys over the longer one's length."""
    return 1.0 - _levenshtein(ka, kb) / max(len(ka), len(kb), 1)


def _fold_similarity(a: _Spelling, b: _Spelling) -> tuple[float, int]:
    """Edit similarity of two parts' folded spellings, and their plain folded distance:
    the best of :func:`_edit_similarity` over their readings."""
    features_a, features_b = a.features(), b.features()
    if len(features_a) == 1 and len(features_b) == 1:  # the usual case: no e to read two ways
        return _edit_similarity(features_a[0], features_b[0])
    best = 0.0
    distance = 99
    for fa in features_a:
        for fb in features_b:
            s, d = _edit_similarity(fa, fb)
            if s > best or (s == best and d < distance):
                best, distance = s, d
    return best, distance


def _edit_similarity(a: tuple[str, str, bool], b: tuple[str, str, bool]) -> tuple[float, int]:
    """Edit similarity of two folded spellings (see _Spelling.features), and their distance.

    Consonant edits cost 1, vowel-only edits cost VOWEL_COST (vowels are the least
    reliable letters of a transliteration), and a final i on one side only costs 1
    more: it is usually the -i of a family name or adjective (Karim / Karimi). Another
    final vowel is a spelling (Kerman / Carmana / Kermano).
    """
    fa, sa, va = a  # (flat: mypyc unpacks nested tuples through iterators)
    fb, sb, vb = b
    if fa == fb:
        return 1.0, 0
    d = _levenshtein(fa, fb)
    consonants = 0 if sa == sb else _levenshtein(sa, sb)  # often: vowels differ
    cost = consonants + VOWEL_COST * max(0, d - consonants) + (1.0 if va != vb else 0.0)
    return max(0.0, 1.0 - cost / max(max(len(fa), len(fb)), 1)), d


@functools.lru_cache(maxsize=1)
def _normal_translations() -> tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]:
    """The rows of data/translations.txt, normalised as name parts are: (id, English
    words, native words); a word of several keeps its spaces ("holy defence")."""
    return tuple((tid, tuple(dict.fromkeys(normalize(w) for w in english)),
                  tuple(normalize(w) for w in native))
                 for tid, english, native, _ in _data.translations())


@functools.lru_cache(maxsize=1)
def _translation_index() -> dict[str, frozenset[str]]:
    """Normalised word → ids of data/translations.txt (and org symbols) it belongs to."""
    index = variant_index()
    found: dict[str, set[str]] = {}
    for tid, english, native in _normal_translations():
        words = {w.replace(" ", "") for w in (*english, *native)}
        for word in list(words):
            group = index.group_of.get(word)
            if group is not None:
                words.update(
                    normalize(s).replace(" ", "") for s in index.groups[group].spellings
                )
        for word in words:
            found.setdefault(word, set()).add(tid)
    # The generic words of organisation names in their forms and languages (rigour's
    # symbols, data/org_words.txt): Industry / Industries / Industrial.
    for term in _data.org_terms():
        if term.role == "word":
            for form in term.forms:
                found.setdefault(form.replace(" ", ""), set()).add("org:" + term.symbol)
    return {word: frozenset(ids) for word, ids in found.items()}


@functools.lru_cache(maxsize=1)
def _translation_folds() -> dict[str, frozenset[str]]:
    """The folded spellings of the words of data/translations.txt → their ids (words
    whose folds belong to several ids are left out: folding must not pick a meaning)."""
    found: dict[str, set[frozenset[str]]] = {}
    for word, ids in _translation_index().items():
        if len(word) >= MIN_FOLDED_TRANSLATION and word.isascii():
            for fold in _folds(word):
                found.setdefault(fold, set()).add(ids)
    return {fold: next(iter(meanings)) for fold, meanings in found.items() if len(meanings) == 1}


def _similarity(a: str, b: str, a_script: bool, b_script: bool) -> tuple[float, Method]:
    """Similarity of two normalised parts; ``*_script``: romanised by letter rules."""
    return _similarity_of(_spelling(a), _spelling(b), a_script, b_script)


def _similarity_of(sa: _Spelling, sb: _Spelling, a_script: bool, b_script: bool
                   ) -> tuple[float, Method]:
    """:func:`_similarity` of two parts' records."""
    a, b = sa.text, sb.text
    if a == b:
        return 1.0, "exact"
    ga, gb = sa.group, sb.group
    if ga is not None and ga == gb:
        return SIM_VARIANT, "variant"
    ta, tb = sa.translations, sb.translations
    if ta and tb and ta & tb:
        return SIM_TRANSLATION, "translation"
    if len(a) == 1 or len(b) == 1:
        return (SIM_INITIAL, "initial") if a[0] == b[0] else (0.0, "conflict")
    if a_script or b_script:
        # A letter-by-letter romanisation has no short vowels: compare skeletons.
        best = 0.0
        for ka in _script_keys(a) if a_script else (part_key(a),):
            for kb in _script_keys(b) if b_script else (part_key(b),):
                if ka == kb and len(ka) > 1:
                    return SIM_CROSS_SCRIPT, "cross-script"
                if ka != kb:
                    best = max(best, _key_similarity(ka, kb))
        # The folded letters decide too: a skeleton of one consonant says little (Daud
        # and الدوحة, duha, are both "D"), and keys keep apart letters that folding reads
        # as one (غول ghul and Gul: gh is K in a key, g is G).
        best = max(best, _fold_similarity(sa, sb)[0])
        # As below (حمید الله / Obaidullah differ by what is left), for suffixes only: a
        # prefix folded from a script's unwritten vowels cuts the rest elsewhere (عبداللهی).
        stems = _shared_affix_stems(sa.folds()[0], sb.folds()[0], prefixes=False)
        if stems is not None:
            ka, kb = part_key(stems[0]), part_key(stems[1])
            if ka != kb:
                best = min(best, _key_similarity(ka, kb))
        return SIM_CROSS_SCRIPT * best, "cross-script"
    s, distance = _fold_similarity(sa, sb)
    if distance == 0:
        return SIM_TRANSLITERATION, "transliteration"
    fa, fb = sa.folds()[0], sb.folds()[0]
    if _compound_of(fa, fb):
        return SIM_COMPOUND, "compound"
    if ga is not None and gb is not None:
        # Both are attested spellings of different names: Jamiat is not Jamaat.
        cap = SIM_RELATED if gb in sa.related else SIM_DIFFERENT
        return min(cap, s), "different"
    stems = _shared_affix_stems(fa, fb)
    if stems is not None:
        # Hamidullah / Obaidullah: what tells two compounds apart is what they do not
        # share, so the shared -ullah (Abdul-, -zada, -pour) must not make them alike.
        a_stem, b_stem = stems
        s = min(s, _edit_similarity(_fold_features(a_stem), _fold_features(b_stem))[0])
        # Stems that are spellings of different names (Ahmad-zada / Mahmud-zada).
        stem_a, stem_b = _spelling(a_stem), _spelling(b_stem)
        if stem_a.group is not None and stem_b.group is not None and stem_a.group != stem_b.group:
            s = min(s, SIM_RELATED if stem_b.group in stem_a.related else SIM_DIFFERENT)
    return s, "edit"


def _compound_of(fa: str, fb: str) -> bool:
    """Is one folded part the other with a compound's prefix or suffix (Habibullah /
    Habib, Abdulghani / Ghani)? data/particles.txt says such a name is the other
    shortened, even where data/variants.txt lists both as names."""
    short, long_ = (fa, fb) if len(fa) <= len(fb) else (fb, fa)
    if len(short) >= 4 and short in long_:
        prefixes, suffixes = _compound_affixes()
        return long_.startswith(prefixes) or long_.endswith(suffixes)
    return False


def _affix_replaced(left: Sequence[_Slot], right: Sequence[_Slot], i: int, j: int,
                    used_a: set[int], used_b: set[int]) -> bool:
    """A name aligned with its compound (Kabir / Abdul Kabir) is the compound shortened,
    unless the shorter side has another, unaligned part just before it, where the
    compound's prefix stands: "Mohammad Kabir" is not "Abdul Kabir". (A part after a
    name is its family name as often as not: "Naim Barech" is "Naimullah".)"""
    a, b = left[i], right[j]
    fa, fb = a.spelling.folds()[0], b.spelling.folds()[0]
    short, slots, used, stem, long_ = (a, left, used_a, fa, fb) if len(fa) <= len(fb) else (
        b, right, used_b, fb, fa)
    if not long_.startswith(_compound_affixes()[0]) or long_.startswith(stem):
        return False
    first = short.parts[0]
    return any(k not in used and slot.parts[-1] == first - 1 for k, slot in enumerate(slots))


@functools.lru_cache(maxsize=1)
def _name_affixes() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The folded forms of every prefix and suffix of data/particles.txt (Abdul-, -ullah,
    -uddin, -zada, -nejad, -pour), longest first."""
    # Each form is folded as part of a word ("brb" stands for the rest of it): folding
    # treats the end of a word otherwise than a word on its own (-zada, zada).
    out: dict[str, set[str]] = {"prefix": set(), "suffix": set()}
    for particle in _data.particles():
        for form in particle.forms if particle.role in out else ():
            if particle.role == "suffix":
                found = [f[3:] for f in _folds("brb" + form) if f.startswith("brb")]
            else:
                found = [f[:-3] for f in _folds(form + "brb") if f.endswith("brb")]
            out[particle.role].update(f for f in found if len(f) >= 3 and f.isalpha())
    return (tuple(sorted(out["prefix"], key=lambda f: (-len(f), f))),
            tuple(sorted(out["suffix"], key=lambda f: (-len(f), f))))


def _shared_affix_stems(fa: str, fb: str, *, prefixes: bool = True) -> tuple[str, str] | None:
    """Two folded spellings less the suffix (or, with ``prefixes``, the prefix) they both
    have ("hamidula", "ubaidula": "hamid", "ubaid"), when what is left of each is 3
    letters or more."""
    starts, suffixes = _name_affixes()
    for suffix in suffixes:
        if fa.endswith(suffix) and fb.endswith(suffix):
            a, b = fa[: -len(suffix)], fb[: -len(suffix)]
            return (a, b) if len(a) >= 3 and len(b) >= 3 else None
    for prefix in starts if prefixes else ():
        if fa.startswith(prefix) and fb.startswith(prefix):
            a, b = fa[len(prefix):], fb[len(prefix):]
            return (a, b) if len(a) >= 3 and len(b) >= 3 else None
    return None


@functools.lru_cache(maxsize=65536)
def _script_keys(text: str) -> tuple[str, ...]:
    """The skeleton keys of a part romanised letter by letter: waw is read as a vowel
    after a consonant (محمود mahmud), but as often it is a v between unwritten vowels
    (قروه Qorveh, راور Ravar), so the key with waw as v is kept too. Two letters
    romanised side by side can spell a digraph that no single letter stands for (ت + ه
    in طهران is "th", read as one letter): the key with that h kept apart is kept too
    (Tehran), beside the one that reads the digraph (فتح "fth" as Fath)."""
    keys = [part_key(text)]
    keys.append(part_key(text[:1] + text[1:].replace("u", "v").replace("w", "v")))
    apart = _false_digraph().sub("H", text)
    if apart != text:
        keys.append(rule_key(apart))
    return tuple(dict.fromkeys(keys))


@functools.lru_cache(maxsize=1)
def _false_digraph() -> re.Pattern[str]:
    """An h that follows a consonant in a letter-by-letter romanisation, where the two
    are not the romanisation of one letter (data/script.txt): "th", "dh", "ph" (ث is s,
    ذ is z), but not "kh", "sh", "gh" or "zh"."""
    rules = _data.script_rules()
    spelt = [r for rule in rules.letters.values()
             for r in (rule.default, rule.initial, rule.final, rule.after_vowel,
                       rule.final_after_vowel) if r]
    spelt += [latin for _, latin, _, _ in rules.sequences]
    single = {ch for r in spelt for ch in r if ch not in "aeiouy"}
    alone = sorted(ch for ch in single if not any(ch + "h" in r for r in spelt))
    return re.compile(f"(?<=[{''.join(alone)}])h")


# Cached by text for the alignment records and joins. The alignment itself calls _align()
# on the records its slots carry, uncached: most pairs of a first comparison are new, and
# a pair of records (mostly a few attribute tests; an edit distance for about one pair
# in four) costs little more than a cache look-up of it.
_pair: Final = functools.lru_cache(maxsize=500_000)(_similarity)


def _align(sa: _Spelling, sb: _Spelling, a_script: bool, b_script: bool) -> tuple[float, Method]:
    """:func:`_similarity_of`, except for two attested spellings of different, unrelated names.

    Those are capped at SIM_DIFFERENT, below ALIGN_MIN, so they never align whatever
    their edit similarity: (0.0, "different") tells the alignment so without computing
    it. (A gazetteer is mostly attested spellings, so this is most pairs a resolver sees.)
    """
    if SIM_DIFFERENT < ALIGN_MIN and not a_script and not b_script:
        ga, gb = sa.group, sb.group
        if ga is not None and gb is not None and ga != gb and gb not in sa.related and (
                len(sa.text) > 1 and len(sb.text) > 1):
            ta, tb = sa.translations, sb.translations
            folds = sb.folds()
            if not (ta and tb and ta & tb) and not any(f in folds for f in sa.folds()) \
                    and not _compound_of(sa.folds()[0], folds[0]):
                return 0.0, "different"
    return _similarity_of(sa, sb, a_script, b_script)


# The records below are plain slotted classes (see _parsing._Word for why).


class _Slot:
    """An identity part, or two adjacent ones joined, on one side of a comparison."""

    __slots__ = ("fixed", "link", "parts", "script", "spelling", "text", "weight")

    def __init__(self, parts: tuple[int, ...], spelling: _Spelling, script: bool, weight: float,
                 link: str = "") -> None:
        # Parts joined to stand for a part of the other name whose text it takes, and how
        # they align with it: a run as its acronym (_inner_acronyms), an initial and the
        # name after it as a compound (_initial_compounds).
        self.fixed: tuple[float, Method] | None = None
        self.parts = parts  # positions in the name's parts
        self.spelling = spelling  # the record of its text
        self.text = spelling.text
        self.script = script  # romanised letter by letter (not a known Perso-Arabic word)
        self.weight = weight
        self.link = link  # a connector written between this part and the next ("i" in Mazar-i-Sharif)

    def _fields(self) -> tuple[object, ...]:
        return (self.parts, self.text, self.script, self.weight, self.link, self.fixed)


class _Name:
    """Everything compare() needs to know about one name, worked out once per name."""

    __slots__ = ("_sorted_folds", "aside", "links", "normal", "roles", "slots", "texts", "titles")

    def __init__(self, texts: tuple[str, ...], roles: tuple[PartRole, ...], slots: tuple[_Slot, ...],
                 normal: str, aside: tuple[int, ...], titles: bool, links: bool) -> None:
        self.texts = texts  # the normalised text of each part
        self.roles = roles  # and its role
        self.slots = slots  # identity parts, under the bundled weights for the kind
        self.normal = normal  # the normalised text (equal normal texts score 1.0)
        self.aside = aside  # positions of titles, connectors and particles
        self.titles = titles  # has a part taken as a title
        self.links = links  # has a connector between two identity parts
        # Worked out when first needed, for the model's skeleton feature:
        self._sorted_folds: str | None = None

    def sorted_folds(self) -> str:
        """The folded spellings of its identity parts, sorted (see _skeleton)."""
        if self._sorted_folds is None:
            self._sorted_folds = _skeleton(self.slots)
        return self._sorted_folds

    def _fields(self) -> tuple[object, ...]:
        return (self.texts, self.roles, tuple([s._fields() for s in self.slots]), self.normal,
                self.aside, self.titles, self.links)


@functools.lru_cache(maxsize=200_000)
def _name(text: str, kind: Kind | None) -> _Name:
    """Parse a name and weigh its identity parts (cached: names recur)."""
    group_of = variant_index().group_of
    plain = _plain_words(text)
    if plain is not None:  # every word a name part: the common case, and the quick one
        words, scripts = plain
        texts = tuple(words)
        return _all_names(texts, None if scripts is None else [
            script == "arabic" and word not in group_of for word, script in zip(words, scripts)],
            " ".join(texts), kind, None)
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
                slots[-1] = _Slot(last.parts, last.spelling, last.script, last.weight, p.text)
                links = True
            continue
        spelling = _spelling(p.text)
        slots.append(_Slot(_position(k), spelling, p.script == "arabic" and p.text not in group_of,
                           spelling.weight(kind)))
    texts = tuple([p.text for p in parts])
    return _Name(texts, tuple([p.role for p in parts]), tuple(slots), " ".join(texts),
                 tuple(aside), titles, links)


def _name_from_normal(text: str, normal: str, kind: Kind | None,
                      weights: Mapping[str, object] | None) -> _Name:
    """The _Name of ``text`` whose normalised text ``normal`` is known, under ``weights``.

    An ASCII name none of whose normalised words can begin a title, connector, particle
    or compound has those words as its parts, all of them names (see
    _parsing._parse), so the resolver gets the _Name of such an alias without parsing
    or caching it. Any other name goes through :func:`_name`.
    """
    texts = tuple(normal.split(" "))
    if not text.isascii() or not _first_words().isdisjoint(texts):
        return _with_weights(_name(text, kind), weights)
    return _all_names(texts, None, normal, kind, weights)


def _all_names(texts: tuple[str, ...], scripts: Sequence[bool] | None, normal: str,
               kind: Kind | None, weights: Mapping[str, object] | None) -> _Name:
    """The _Name of a name whose every part is an identity part (``scripts``: romanised
    letter by letter; None: none is), weighed by ``weights`` where given, else by the
    bundled table."""
    slots = []
    for k, w in enumerate(texts):
        spelling = _spelling(w)
        slots.append(_Slot(_position(k), spelling, scripts[k] if scripts is not None else False,
                           _given_weight(weights, w) if weights and w in weights
                           else spelling.weight(kind)))
    return _Name(texts, _all_name_roles(len(texts)), tuple(slots), normal, (), False, False)


_POSITIONS: Final[list[tuple[int, ...]]] = [(k,) for k in range(16)]


def _position(k: int) -> tuple[int, ...]:
    """(k,), shared: a slot's parts."""
    return _POSITIONS[k] if k < len(_POSITIONS) else (k,)


_NAME: Final[tuple[PartRole]] = ("name",)
_NAME_ROLES: Final[list[tuple[PartRole, ...]]] = [_NAME * n for n in range(9)]


def _all_name_roles(n: int) -> tuple[PartRole, ...]:
    """("name",) * n, shared (every parsed name holds one)."""
    return _NAME_ROLES[n] if n < len(_NAME_ROLES) else _NAME * n


def _with_weights(name: _Name, weights: Mapping[str, object] | None) -> _Name:
    """The name with gazetteer weights in place of the bundled ones, part by part."""
    if not weights:
        return name
    slots = tuple([_Slot(sl.parts, sl.spelling, sl.script, _given_weight(weights, sl.text), sl.link)
                   if sl.text in weights else sl for sl in name.slots])
    return _Name(name.texts, name.roles, slots, name.normal, name.aside, name.titles, name.links)


def _given_weight(weights: Mapping[str, object], text: str) -> float:
    """A caller's weight for a part, checked where it is used (a gazetteer's table of
    weights can be large; checking all of it on every comparison would not be)."""
    weight = weights[text]
    if isinstance(weight, (int, float)) and not isinstance(weight, bool) and 0.0 < weight <= 1.0:
        return float(weight)
    if not isinstance(weight, (int, float)) or isinstance(weight, bool):
        raise TypeError(f"the weight of {text!r} must be a number in (0, 1], not {weight!r}")
    raise InvalidArgumentError(f"the weight of {text!r} must be a number in (0, 1], not {weight!r}")


def _name_of(text: object, kind: Kind | None) -> _Name:
    # Checked before the cache, which would fail to hash a list with a TypeError.
    return _name(_require_str(text), kind)


def _better_joined(joined: str, parts: Sequence[_Slot], other: Sequence[_Slot]) -> bool:
    """Does ``joined`` match a part of ``other`` clearly better than its pieces do?"""
    joined_meanings: frozenset[str] | None = None
    for o in other:
        if o.script:
            # Perso-Arabic writes some compounds as one word (مسجدسلیمان, Masjed Soleyman):
            # the join must have the same skeleton, and the pieces a far worse one.
            sim = _pair(joined, o.text, False, True)[0]
            if sim >= SIM_CROSS_SCRIPT and sim > max(
                    _pair(p.text, o.text, False, True)[0] for p in parts) + 0.2:
                return True
            continue
        # Cheap tests first: a join only helps when lengths and first letters agree, the
        # first letters folded when they differ (Qolamreza / Gholamreza: q, gh).
        if abs(len(o.text) - len(joined)) > 3:
            continue
        # Two words that translate one ("Middle East" / Khavarmianeh: data/translations.txt).
        meanings = o.spelling.translations
        if meanings:
            if joined_meanings is None:
                joined_meanings = _spelling(joined).translations or frozenset()
            if meanings & joined_meanings:
                return True
        if o.text[0] != joined[0] and not (
                {f[:1] for f in o.spelling.folds()} & {f[:1] for f in _spelling(joined).folds()}):
            # (The join's record, cached: the pair below reads its folds again, and the
            # other parts and names compared with it ask the same.)
            continue
        sim = _pair(joined, o.text, False, False)[0]
        if sim >= JOIN_MIN:
            # Clearly better than a piece, or a transliteration of the other word that
            # no piece is ("Mad Kandalu" / Madkandalou, where "Kandalu" is close too).
            pieces = max(_pair(p.text, o.text, False, False)[0] for p in parts)
            if sim > pieces + 0.2 or (sim >= SIM_TRANSLITERATION and pieces < SIM_TRANSLITERATION):
                return True
    return False


def _izafe_stems(side: list[_Slot], other: list[_Slot]) -> list[_Slot]:
    """``side`` with the izafe taken off a place word that has it written onto it and
    that the other name has alone ("Mazari Sharif" / مزار شریف, "Puli Khumri" / پل خمری):
    a word before another, ending in the vowel, whose stem is a place word of
    data/variants.txt and not the same name as the whole word."""
    # The other name's place words first: most names have none, and then no word of
    # this one is looked up.
    places = {g for o in other if (g := o.spelling.group) is not None and _group_type(g) == "place"}
    if not places:
        return side
    out = side
    for k in range(len(side) - 1):
        slot = side[k]
        text = slot.text
        if len(text) < 4 or text[-1] not in "ie" or slot.script:
            continue
        stem = _spelling(text[:-1])
        if stem.group in places and stem.group != slot.spelling.group:
            if out is side:
                out = list(side)
            out[k] = _Slot(slot.parts, stem, False, slot.weight, "i")
    return out


@functools.lru_cache(maxsize=4096)
def _group_type(group: str) -> str:
    """The type of a variant group of data/variants.txt (given, family, place...)."""
    return variant_index().groups[group].type


def _join_split(left: list[_Slot], right: list[_Slot]) -> tuple[list[_Slot], list[_Slot]]:
    """Join parts on one side that the other side writes as one word.

    Two adjacent parts ("Mazar-i Sharif" / "Mazarisharif", "Miram Shah" / "Miranshah"),
    or a part with the izafe written after it ("Pul-e Khumri" / "Puli Khumri").
    Each side is joined against the other as given, not as joined already, so that
    compare(a, b) and compare(b, a) join the same parts.
    """
    given_left, given_right = list(left), list(right)
    for side, other in ((left, given_right), (right, given_left)):
        i = 0
        while i < len(side):
            a = side[i]
            if a.link and not a.script and _better_joined(a.text + a.link, [a], other):
                side[i] = _Slot(a.parts, _spelling(a.text + a.link), False, a.weight)
            elif i + 1 < len(side) and not a.script and not side[i + 1].script:
                b = side[i + 1]
                plain = a.text + b.text
                for joined in (plain,) if not a.link else (plain, a.text + a.link + b.text):
                    if _better_joined(joined, [a, b], other):
                        side[i : i + 2] = [_joined(a, b, joined)]
                        break
            i += 1
    return left, right


def _joined(a: _Slot, b: _Slot, text: str) -> _Slot:
    """Two adjacent slots as one, written ``text``."""
    return _Slot(a.parts + b.parts, _spelling(text), False, max(a.weight, b.weight), b.link)


def _resegment(left: list[_Slot], right: list[_Slot]) -> tuple[list[_Slot], list[_Slot]]:
    """Join two adjacent parts on each side where the two names divide the same letters
    at another place: "Reza Pour-Karimi" / "Reza Pourkarimi" (pour, read as the end of
    the word before it, begins the next), "Hassanpour Farzaneh" / "Hasan Purfarzaneh".
    Each side's pair becomes one slot, aligned as a whole, when the joined texts are as
    alike as a join needs (JOIN_MIN) and clearly more alike than the parts aligned one
    by one. The most alike pair of pairs is joined, ties broken by their texts, so that
    compare(a, b) and compare(b, a) join the same parts."""
    if len(left) < 2 or len(right) < 2:
        return left, right
    best: tuple[tuple[float, str, str], int, int] | None = None  # (-sim, texts), i, j
    for i in range(len(left) - 1):
        a, a2 = left[i], left[i + 1]
        if a.script or a2.script or a.fixed or a2.fixed:
            continue
        joined_a = a.text + a2.text
        for j in range(len(right) - 1):
            b, b2 = right[j], right[j + 1]
            if b.script or b2.script or b.fixed or b2.fixed:
                continue
            # Cheap tests first: the same letters split elsewhere start alike, are about
            # as long, and the parts themselves are not already the same.
            if a.text == b.text or a2.text == b2.text or a.text[0] != b.text[0]:
                continue
            joined_b = b.text + b2.text
            if abs(len(joined_a) - len(joined_b)) > 3 or len(a.text) == len(b.text):
                continue
            # The parts first: they are compared anyway, while the joins are new words
            # (folding them is the cost); parts this alike leave a join nothing to win.
            pieces = min(_pair(a.text, b.text, False, False)[0],
                         _pair(a2.text, b2.text, False, False)[0])
            if pieces + 0.2 >= 1.0:
                continue
            sim = _pair(joined_a, joined_b, False, False)[0]
            if sim < JOIN_MIN or sim <= pieces + 0.2:
                continue
            key = (-sim, min(joined_a, joined_b), max(joined_a, joined_b))
            if best is None or key < best[0]:
                best = (key, i, j)
    if best is not None:
        _, i, j = best
        left[i : i + 2] = [_joined(left[i], left[i + 1], left[i].text + left[i + 1].text)]
        right[j : j + 2] = [_joined(right[j], right[j + 1], right[j].text + right[j + 1].text)]
    return left, right


def _inner_acronyms(left: list[_Slot], right: list[_Slot]) -> tuple[list[_Slot], list[_Slot]]:
    """Join the run of parts on one side whose initials are a part of the other
    ("EN Bank" / "Eghtesad Novin Bank", "IRISL MTI" / "IRISL Maritime Training
    Institute"): the run becomes one slot, aligned with the acronym (_ACRONYM_PAIR).
    A name may hold several ("IRGC QF" / "Islamic Revolutionary Guard Corps Quds
    Force"); runs do not overlap."""
    for side, other in ((left, right), (right, left)):
        if len(other) < 2:
            continue
        texts = {o.text for o in other}
        # A run already joined is no initial of another ("\0" matches no letter).
        initials = "".join("\0" if o.fixed else o.text[0] for o in other)
        for short in side:
            text = short.text
            if not ACRONYM_SIZES[0] <= len(text) <= ACRONYM_SIZES[1] or short.script \
                    or short.spelling.group is not None or short.fixed \
                    or text in texts or len(text) > len(other):
                continue
            start, size = initials.find(text), len(text)
            if start < 0 and len(text) >= MIN_TWO_LETTER_END:
                # The run's last word by its first two letters (IKCO: Iran Khodro Co.).
                start, size = initials.find(text[:-1]), len(text) - 1
                if start >= 0 and other[start + size - 1].text[1:2] != text[-1]:
                    start = -1
            if start < 0:
                continue
            run = other[start : start + size]
            joined = _Slot(tuple(p for o in run for p in o.parts), _spelling(text), False,
                           max(o.weight for o in run), run[-1].link)
            joined.fixed = _ACRONYM_PAIR
            other[start : start + size] = [joined]
            initials = initials[:start] + "\0" + initials[start + size :]
    return left, right


def _has_initial(slots: Sequence[_Slot]) -> bool:
    return any(len(slot.text) == 1 for slot in slots)


def _initial_compounds(left: list[_Slot], right: list[_Slot]) -> tuple[list[_Slot], list[_Slot]]:
    """Join an initial and the name after it that the other name writes as one compound
    whose prefix has that initial: "A. Kabir" / "Abdul Kabir" (parsed as one part,
    Abdulkabir), "A. Rahman" / "Abdurrahman". Lists shorten the prefix of such a compound
    as they shorten a given name ("M. Anwar" / "Mohammad Anwar"), so the two align as an
    initial that fits (_INITIAL_COMPOUND), not as the different names Kabir and
    Abdulkabir."""
    prefixes = _compound_affixes()[0]
    # Each side against the other as given, so that compare(a, b) and compare(b, a) join
    # the same parts; one join a side (names rarely hold two).
    given_left, given_right = list(left), list(right)
    for side, other in ((left, given_right), (right, given_left)):
        joined = _initial_compound(side, other, prefixes)
        if joined is not None:
            i, slot = joined
            side[i : i + 2] = [slot]
    return left, right


def _initial_compound(side: list[_Slot], other: list[_Slot], prefixes: tuple[str, ...]
                      ) -> tuple[int, _Slot] | None:
    """The first initial of ``side`` and the name after it that are a compound of
    ``other`` (_initial_compounds): its position and the joined slot."""
    for i in range(len(side) - 1):
        initial, name = side[i], side[i + 1]
        if len(initial.text) != 1 or name.script or name.fixed or len(name.text) < 2:
            continue
        for o in other:
            if o.script or o.fixed or len(o.text) <= len(name.text) + 1:
                continue
            if any(p[0] == initial.text and o.text.startswith(p)
                   and _same_stem(o.text[len(p):], name.text) for p in prefixes):
                joined = _Slot(initial.parts + name.parts, o.spelling, False,
                               max(initial.weight, name.weight), name.link)
                joined.fixed = _INITIAL_COMPOUND
                return i, joined
    return None


def _same_stem(stem: str, text: str) -> bool:
    """Is ``stem`` (a compound without its prefix) the name ``text``, in another
    spelling perhaps (folded alike, or attested spellings of one name)?"""
    if stem == text:
        return True
    a, b = _spelling(stem), _spelling(text)
    return (a.group is not None and a.group == b.group) or bool(set(a.folds()) & set(b.folds()))


def _is_acronym(short: Sequence[_Slot], long_: Sequence[_Slot], long_name: _Name) -> bool:
    """Is the one-part name ``short`` the initials of the identity parts or words of ``long_``?"""
    text = short[0].text
    return len(short) == 1 and len(long_) >= 2 and \
        ACRONYM_SIZES[0] <= len(text) <= ACRONYM_SIZES[1] and (
            _spells_initials(text, [s.text for s in long_])
            or any(_spells_initials(text, words)
                   for words in acronym_words(long_name.texts, long_name.roles)))


def acronym_words(texts: Sequence[str], roles: Sequence[PartRole]) -> tuple[Sequence[str], ...]:
    """The words of a name whose initials an acronym of it may spell besides its identity
    parts: all of them, and those left without its connectors and particles, legal form
    included (PEDC: Petroleum Engineering and Development Company), and its translation
    in English order (IRGC: Sepah-e Pasdaran-e Enqelab-e Eslami; _translated_orders)."""
    kept = [t for t, r in zip(texts, roles) if r != "connector" and r != "particle"]
    found: tuple[Sequence[str], ...] = (texts, kept) if len(kept) != len(texts) else (texts,)
    translated = _translated_orders(tuple([t for t, r in zip(texts, roles) if r == "name"]))
    return found + translated if translated else found


@functools.lru_cache(maxsize=4096)
def _translated_orders(names: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """The name's words in English, in English order, when it is a Persian phrase whose
    words data/translations.txt translates. Persian puts the head first and English
    last: Sepah-e Pasdaran-e Enqelab-e Eslami is the corps of the guards of the Islamic
    revolution, the Islamic Revolutionary Guard Corps (IRGC). A last word without a
    translation is a proper name and stays last ("of Iran": Bank-e Keshavarzi Iran, the
    Agricultural Bank of Iran). A word of translations with other initials gives one
    order for each (Sepah: Corps or Army; at most MAX_READINGS)."""
    if len(names) < 2:
        return ()
    english, of_id = _english_words()
    proper = () if _spelling(names[-1]).translations else names[-1:]
    body = names[: len(names) - len(proper)]
    if len(body) < 2 or all(text in english for text in body):
        return ()  # too short, or English already, in English order
    meanings: list[tuple[str, ...]] = []
    for k, text in enumerate(reversed(body)):
        last = k == len(body) - 1 and not proper  # its translation ends the order
        if text in english:
            meanings.append((text,))
            continue
        ids = _spelling(text).translations
        if not ids:
            return ()  # not all of it is a phrase that data/ translates
        # Only the initials count (and the last word's second letter: _spells_initials),
        # so one translation stands for all that begin alike: Guard for Guards.
        found: dict[str, str] = {}
        for word in sorted({word for tid in ids for word in of_id.get(tid, ())}):
            found.setdefault(word[:2] if last else word[:1], word)
        if not found:
            return ()
        meanings.append(tuple(found.values()))
    orders: list[tuple[str, ...]] = []
    for choice in itertools.islice(itertools.product(*meanings), MAX_READINGS):
        orders.append(tuple(w for meaning in choice for w in meaning.split()) + proper)
    return tuple(orders)


@functools.lru_cache(maxsize=1)
def _english_words() -> tuple[frozenset[str], dict[str, tuple[str, ...]]]:
    """The English words of data/translations.txt, normalised as name parts are, and
    each translation id's English words ("corps": corps, army)."""
    words: set[str] = set()
    of_id: dict[str, tuple[str, ...]] = {}
    for tid, english, _ in _normal_translations():
        of_id[tid] = english
        words.update(w.replace(" ", "") for w in english)
    return frozenset(words), of_id


def _spells_initials(text: str, words: Sequence[str]) -> bool:
    """Is ``text`` the initials of ``words``, the last word's perhaps by its first two
    letters? Company acronyms are often written so: IKCO (Iran Khodro Company), NICICO
    (National Iranian Copper Industries Company)."""
    initials = "".join(w[0] for w in words)
    return text == initials or (
        len(text) >= MIN_TWO_LETTER_END and len(words[-1]) > 1
        and text == initials + words[-1][1])


class _Plan:
    """How two names align: the score and what the alignment records are written from."""

    __slots__ = ("acronym_left", "conflicts", "features", "kinded", "left", "missing", "pairs",
                 "reclaimed", "right", "score", "total")

    def __init__(self, score: float, left: list[_Slot], right: list[_Slot],
                 pairs: list[tuple[int, int, float, Method]],
                 conflicts: list[tuple[_Slot, _Slot, float, float]],
                 missing: list[tuple[_Slot, bool, bool]],
                 reclaimed: frozenset[tuple[bool, int]], acronym_left: bool | None = None,
                 features: list[float] | None = None, total: float = 0.0,
                 kinded: list[tuple[_Slot, bool]] | None = None) -> None:
        self.score = score  # the model's probability, before the 1.0 rule
        self.features = features  # what the model read (FEATURES), None for equal names
        self.total = total  # the weight that the shares among the features are shares of
        self.left = left
        self.right = right
        self.pairs = pairs  # aligned slots, in order
        self.conflicts = conflicts  # two unaligned slots, their weight and similarity
        self.missing = missing  # a slot present on one side only: (slot, on the left, a middle part)
        self.reclaimed = reclaimed  # titles aligned as names: (on the left, position)
        self.acronym_left = acronym_left  # the acronym's side when one name is the other's acronym
        # A word of an organisation's name that the other name, a place's or a person's,
        # lacks (see _org_word): (slot, on the left); its legal forms are in reclaimed.
        self.kinded = kinded if kinded is not None else _NO_KINDED


_NOTHING: Final[frozenset[tuple[bool, int]]] = frozenset()
_NO_KINDED: Final[list[tuple[_Slot, bool]]] = []
_EXACT: Final[tuple[float, Method]] = (1.0, "exact")
_ACRONYM_PAIR: Final[tuple[float, Method]] = (SIM_ACRONYM, "acronym")
# An initial and a name that are a compound of the other name ("A. Kabir" / Abdulkabir).
_INITIAL_COMPOUND: Final[tuple[float, Method]] = (SIM_COMPOUND, "initial")


def _plan(na: _Name, nb: _Name, kind: Kind | None = None) -> _Plan:
    """Align two parsed and weighed names and score the alignment (the comparison model).
    ``kind``: what both are compared as (a place's or a person's name has no word of an
    organisation's: see _org_word)."""
    left, right = list(na.slots), list(nb.slots)
    if na.normal == nb.normal and len(left) == len(right):
        # Equal after normalisation (the commonest case in resolution): part i is part i.
        return _Plan(1.0, left, right, [(i, i, 1.0, "exact") for i in range(len(left))],
                     [], [], _NOTHING)
    # A person is not written as the initials of their names ("MK" is no Mohammad Karim);
    # organisations are (IRGC), and so may be what is of no known kind.
    for acronym_left in (True, False) if kind != "person" else ():
        short, long_, long_name = (left, right, nb) if acronym_left else (right, left, na)
        if len(short) == 1 and _is_acronym(short, long_, long_name):
            features = [0.0] * len(FEATURES)
            features[_ACRONYM] = 1.0
            features[_WHOLE] = _whole(na, nb)
            return _Plan(_probability(features), left, right, [], [], [], _NOTHING, acronym_left,
                         features)
    if len(left) > 1 or len(right) > 1:
        left, right = _izafe_stems(left, right), _izafe_stems(right, left)
    if len(left) > 1 or len(right) > 1 or na.links or nb.links:
        # Equal counts too: one side may write two parts as one and have a part more
        # ("Reza Mozaffarinia Hosein" / "Reza Mozafari-niya"); and one part may have the
        # izafe written after it ("Pul-e" / "Puli").
        left, right = _join_split(left, right)
    if len(left) != len(right) and (kind != "person" or min(len(left), len(right)) > 1):
        # (A person's initials go with a name: "AQ Khan", not "MK" alone; see above.)
        left, right = _inner_acronyms(left, right)
    if _has_initial(left) or _has_initial(right):
        left, right = _initial_compounds(left, right)
    left, right = _resegment(left, right)

    # Every pair of slots, best first; ties broken symmetrically so that
    # compare(a, b) and compare(b, a) align the same way.
    candidates = []
    for i, sa in enumerate(left):
        for j, sb in enumerate(right):
            sim, method = (sa.fixed or sb.fixed or _EXACT) \
                if sa.text == sb.text else _align(sa.spelling, sb.spelling, sa.script, sb.script)
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
    # Judged against the alignment as it stands, then taken out together.
    dropped = [p for p in pairs if p[3] == "compound"
               and _affix_replaced(left, right, p[0], p[1], used_a, used_b)]
    for pair in dropped:
        pairs.remove(pair)
        used_a.discard(pair[0])
        used_b.discard(pair[1])

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
                        title_slot = _Slot((position,), _spelling(text), False, slot.weight)
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
    # What the aligned pairs are, when they are no evidence: "generic" ("Valley" /
    # "Panjshir Valley", "Mohammad" / "Mohammad Karimi": the shared part is all one name
    # has, and says nothing of which of the many it is) or "kind" (below).
    void: Method | None = None
    if pairs and _generic_alone(na, nb, left, right, pairs, used_a, used_b):
        void = "generic"
    kinded: list[tuple[_Slot, bool]] | None = None
    out_a: set[int] = used_a  # aligned, or counted as an organisation's word
    out_b: set[int] = used_b
    if (kind == "place" or kind == "person") and _org_cues(na, left) != _org_cues(nb, right):
        # One name has an organisation's words (or legal form), the other, compared as a
        # place's or a person's, none: "Bank Melli Iran" is not Iran, whatever they share.
        # Its unaligned such words count as conflicts.
        kinded = []
        out_a, out_b = set(used_a), set(used_b)
        for name, slots, out, on_left in ((na, left, out_a, True), (nb, right, out_b, False)):
            for k, slot in enumerate(slots):
                if k not in out and _org_word(slot.spelling):
                    out.add(k)
                    kinded.append((slot, on_left))
            for position in name.aside:
                if name.roles[position] == "legal":
                    spelling = _spelling(name.texts[position])
                    kinded.append((_Slot((position,), spelling, False, spelling.weight(kind)),
                                   on_left))
                    reclaimed.add((on_left, position))
        if kinded:
            void = "kind"
    features = [0.0] * len(FEATURES)
    total = 0.0
    if void is not None:
        pairs = [(i, j, sim, void) for i, j, sim, _ in pairs]
        for i, j, _, _ in pairs:
            total += _add_generic(features, left[i].weight, right[j].weight)
    min_sim = 1.0 if pairs and void is None else 0.0  # 0: nothing aligned as evidence
    for i, j, sim, method in pairs if void is None else ():
        w = min(left[i].weight, right[j].weight)
        total += w
        _add_aligned(features, w, sim, method)
        if sim < min_sim:
            min_sim = sim
    for slot, _ in kinded or ():
        total += slot.weight
        features[_CONFLICT] += slot.weight
    conflicts: list[tuple[_Slot, _Slot, float, float]] = []
    missing: list[tuple[_Slot, bool, bool]] = []
    if len(out_a) < len(left) or len(out_b) < len(right):
        # Unaligned parts on both sides conflict pairwise, heaviest with heaviest; what is
        # left over is missing on the other side.
        rest_a = _heaviest_first([s for k, s in enumerate(left) if k not in out_a])
        rest_b = _heaviest_first([s for k, s in enumerate(right) if k not in out_b])
        for sa, sb in zip(rest_a, rest_b):
            w = (sa.weight + sb.weight) / 2
            total += w
            sim = _pair(sa.text, sb.text, sa.script, sb.script)[0]
            _add_conflict(features, sa, sb, w, sim)
            conflicts.append((sa, sb, w, sim))
        for slots, rest, used, on_left in ((left, rest_a[len(rest_b):], used_a, True),
                                           (right, rest_b[len(rest_a):], used_b, False)):
            for slot in rest:
                total += slot.weight
                inner = _inner(slot, slots, used)
                _add_missing(features, slot.weight, inner)
                missing.append((slot, on_left, inner))
    if total > 0.0:
        for k in _SHARES:
            features[k] /= total
    features[_MIN_SIM] = min_sim
    features[_WHOLE] = _whole(na, nb)
    features[_SKELETON] = Indel.normalized_similarity(
        na.sorted_folds() if _same_slots(left, na.slots) else _skeleton(left),
        nb.sorted_folds() if _same_slots(right, nb.slots) else _skeleton(right))
    # An initial that fits its part is that part written shorter, as a partial name is
    # the name written shorter: it counts as a part neither name has in full.
    n_a, n_b = len(na.slots), len(nb.slots)
    for i, j, _, method in pairs:
        if method == "initial":
            n_a -= len(left[i].text) == 1
            n_b -= len(right[j].text) == 1
    features[_UNBALANCED] = abs(n_a - n_b) / max(n_a, n_b, 1)
    return _Plan(_probability(features), left, right, pairs, conflicts, missing,
                 frozenset(reclaimed) if reclaimed else _NOTHING, None, features, total, kinded)


@functools.lru_cache(maxsize=1)
def _org_words_of_kind() -> frozenset[str]:
    """The words that say a name is an organisation's (data/kind_words.txt), and the ids
    of data/translations.txt that have one of them among their English words (بانک)."""
    words = _data.kind_words().get("org", frozenset())
    normal = {normalize(w).replace(" ", "") for w in words}
    ids = {tid for tid, english, _ in _normal_translations()
           if any(w.replace(" ", "") in normal for w in english)}
    return frozenset(normal | {"=" + tid for tid in ids})


def _org_cues(name: _Name, slots: list[_Slot]) -> bool:
    """Does a name have a word of organisation names (_org_word) or a legal form?"""
    return any(_org_word(slot.spelling) for slot in slots) or any(
        name.roles[position] == "legal" for position in name.aside)


def _org_word(spelling: _Spelling) -> bool:
    """Is the part a word of organisation names only (data/kind_words.txt, in any of its
    forms that data/translations.txt lists)?"""
    marks = _org_words_of_kind()
    if spelling.text in marks:
        return True
    return spelling.translations is not None and any(
        "=" + t in marks for t in spelling.translations)


# What each part adds to the features, before the shares are divided by the total
# weight: written once, for the model's input (_plan) and for the explanation of each
# part's contribution (_records).

def _add_aligned(features: list[float], w: float, sim: float, method: Method) -> None:
    features[_EVIDENCE] += w * sim
    if method == "exact":
        features[_EXACT_SHARE] += w
        features[_LISTED] += w
    elif method == "edit" or method == "different":
        features[_EDIT] += w * sim
        features[_EDIT_GAP] += w * (1.0 - sim) * (1.0 - sim)
    elif method == "cross-script":
        features[_SCRIPT] += w * sim
    elif method != "initial" and method != "compound":  # those count as evidence only
        features[_LISTED] += w


def _add_generic(features: list[float], wa: float, wb: float) -> float:
    """A generic part aligned with the other name's (see _generic_alone) counts as no
    evidence: as a part missing on either side. The weight it adds to the total."""
    _add_missing(features, wa, False)
    _add_missing(features, wb, False)
    return wa + wb


def _generic_alone(na: _Name, nb: _Name, left: list[_Slot], right: list[_Slot],
                   pairs: list[tuple[int, int, float, Method]], used_a: set[int],
                   used_b: set[int]) -> bool:
    """Is one name a single part aligned as a generic part (GENERIC_WEIGHT, on either
    side: "Valley", "Bank", "Mohammad"), while the other has a part besides that is not
    generic and not aligned ("Panjshir")? Names of two or more parts are left to the
    model: "Bank Melli" is a name, though each of its words is common."""
    if len(pairs) != 1:
        return False
    i, j = pairs[0][0], pairs[0][1]
    if min(left[i].weight, right[j].weight) > GENERIC_WEIGHT:
        return False
    for name, one, other, used in ((na, left, right, used_b), (nb, right, left, used_a)):
        if len(name.slots) == 1 and len(one) == 1 and any(
                k not in used and slot.weight > GENERIC_WEIGHT for k, slot in enumerate(other)):
            return True
    return False


def _add_conflict(features: list[float], sa: _Slot, sb: _Slot, w: float, sim: float) -> None:
    features[_CONFLICT] += w
    ga, gb = sa.spelling.group, sb.spelling.group
    if ga is not None and gb is not None and ga != gb:
        features[_CONFLICT_KNOWN] += w
    features[_CONFLICT_SIM] += w * sim


def _add_missing(features: list[float], w: float, inner: bool) -> None:
    features[_MISSING] += w
    if inner:
        features[_MISSING_INNER] += w


def _contribution(plan: _Plan, terms: list[float], weight: float) -> float:
    """What one part adds to the log-odds of the score: the model's share features with
    the part, less the same without it (its ``terms`` taken out of the sums and its
    ``weight`` out of the total). A missing or conflicting part thus counts against a
    match through the shares it takes from the others; the whole-name features are held
    as they are (see _records)."""
    features, total = plan.features, plan.total
    if features is None or total <= 0.0:
        return 0.0
    coefficients = _coefficients()
    weights = coefficients.weights
    rest = total - weight
    with_part = without = 0.0
    for k in _SHARES:
        with_part += weights[k] * features[k]
        if rest > 0.0:
            without += weights[k] * (features[k] * total - terms[k]) / rest
    if rest <= 0.0:
        # The only part of the pair (Karim / Khan): taken out, nothing is left to
        # measure it against, so it is measured against the base rate (the intercept),
        # as the names' sole evidence: a conflict reads against a match, a spelling for.
        without = -coefficients.intercept
    return with_part - without


_EVIDENCE: Final = 0
_EXACT_SHARE: Final = 1
_LISTED: Final = 2
_EDIT: Final = 3
_EDIT_GAP: Final = 4
_SCRIPT: Final = 5
_CONFLICT: Final = 6
_CONFLICT_KNOWN: Final = 7
_CONFLICT_SIM: Final = 8
_MISSING: Final = 9
_MISSING_INNER: Final = 10
_MIN_SIM: Final = 11
_WHOLE: Final = 12
_SKELETON: Final = 13
_ACRONYM: Final = 14
_UNBALANCED: Final = 15
_SHARES: Final = (_EVIDENCE, _EXACT_SHARE, _LISTED, _EDIT, _EDIT_GAP, _SCRIPT, _CONFLICT,
                  _CONFLICT_KNOWN, _CONFLICT_SIM, _MISSING, _MISSING_INNER)


def middle_missing(a: str, b: str, kind: Kind | None) -> bool:
    """Does the alignment of two names (as compare() aligns them) leave a given name of
    one (a given-name group of data/variants.txt) unmatched between two of its aligned
    parts ("Ahmad [Shah] Massoud"), each name read in its natural order ("MASSOUD, Ahmad
    Shah" as "Ahmad Shah MASSOUD")?"""
    plan = _plan(_name_of(_natural_order(a), kind), _name_of(_natural_order(b), kind), kind)
    return any(inner and slot.spelling.group is not None
               and _group_type(slot.spelling.group) == "given"
               for slot, _, inner in plan.missing)


def _natural_order(text: str) -> str:
    """A name written surname first, as lists write them ("MASSOUD, Ahmad Shah"), with
    the part after the comma first; other names as they are."""
    # The Arabic comma and the full-width one mark a surname as the Latin one does.
    head, comma, tail = text.translate(_COMMAS).partition(",")
    return f"{tail.strip()} {head.strip()}" if comma and head.strip() and tail.strip() else text


_COMMAS = str.maketrans({"\u060c": ",", "\uff0c": ","})


def _inner(slot: _Slot, slots: list[_Slot], used: set[int]) -> bool:
    """Is an unaligned slot between two aligned slots of its name (a middle part)?"""
    position = slot.parts[0]
    before = after = False
    for k in used:
        p = slots[k].parts[0]
        if p < position:
            before = True
        elif p > position:
            after = True
    return before and after


def _whole(na: _Name, nb: _Name) -> float:
    """Similarity of the two normalised names as strings, their words sorted (rapidfuzz
    splits and sorts them in C)."""
    return _token_sort_ratio(na.normal, nb.normal) / 100.0


def _skeleton(slots: Sequence[_Slot]) -> str:
    """The first folded spelling of each slot, sorted, as one string."""
    return " ".join(sorted([s.spelling.folds()[0] for s in slots]))


def _same_slots(slots: list[_Slot], own: tuple[_Slot, ...]) -> bool:
    """Are the aligned slots a name's own (no parts joined, no title reclaimed)?"""
    return len(slots) == len(own) and all(a is b for a, b in zip(slots, own))


class _Coefficients:
    """The active model's parameters in FEATURES order (data/model.txt, or another model
    chosen with _data.use_model)."""

    __slots__ = ("intercept", "weights")

    def __init__(self, intercept: float, weights: list[float]) -> None:
        self.intercept = intercept
        self.weights = weights


_COEFFICIENTS: Final[list[_Coefficients]] = []


def _coefficients() -> _Coefficients:
    if not _COEFFICIENTS:
        model = _data.model()
        by_name = dict(zip(model.features, model.coefficients))
        unknown = sorted(set(by_name) - set(FEATURES))
        if unknown:
            raise DataFileError(f"model features {unknown} are not computed by this "
                                f"version of aliaskit", path=_data.MODEL)
        _COEFFICIENTS.append(_Coefficients(model.intercept,
                                           [by_name.get(name, 0.0) for name in FEATURES]))
    return _COEFFICIENTS[0]


_data._MODEL_HOOKS.append(_COEFFICIENTS.clear)
# The model's word weights are part of what is cached of every word and name.
_data._MODEL_HOOKS.extend([_ORG_WORDS.clear, _spelling.cache_clear, _name.cache_clear])


def _probability(features: list[float]) -> float:
    """The fitted logistic model: the probability that two names with these features are
    one (calibrated on labelled pairs of real names; see data/model.txt)."""
    c = _coefficients()
    z = c.intercept
    weights = c.weights
    for k in range(len(features)):
        z += weights[k] * features[k]
    if z < -30.0:
        return 0.0
    return 1.0 / (1.0 + math.exp(-z))


_BY_TEXT: Final = operator.attrgetter("text")
_BY_WEIGHT: Final = operator.attrgetter("weight")


def _heaviest_first(slots: list[_Slot]) -> list[_Slot]:
    """Slots by weight, heaviest first, then by text (two stable sorts: no key tuples)."""
    slots.sort(key=_BY_TEXT)
    slots.sort(key=_BY_WEIGHT, reverse=True)
    return slots


_TOP: Final = round(MAX_UNEQUAL, 6)


def _final_score(na: _Name, nb: _Name, raw: float) -> float:
    # 1.0 is kept for names that normalise to the same text (the documented guarantee).
    # Scores are rounded to 6 decimals; round() is skipped where it changes nothing (it
    # costs as much as scoring a known pair).
    if na.normal == nb.normal:
        return 1.0
    if raw >= MAX_UNEQUAL:
        return _TOP
    return round(raw, 6) if raw > 0.0 else 0.0


# How a pair with a joined slot may align, reported as "joined" (an acronym, a conflict
# or a missing part keeps its own name).
_JOINABLE: Final = frozenset({"exact", "variant", "transliteration", "edit", "cross-script",
                              "translation", "compound"})


def _record(parts_a: Sequence[NamePart], slot_a: _Slot | None, parts_b: Sequence[NamePart],
            slot_b: _Slot | None, method: Method, sim: float, weight: float, contribution: float
            ) -> list[AlignedPart]:
    """Alignment records for two slots; a joined slot yields one record per part (each with
    an equal share of the contribution), and a pair aligned as a whole with a joined
    slot reads "joined" (the model saw its own method: exact, edit, ...)."""
    if slot_a is not None and slot_b is not None and len(slot_a.parts) == len(slot_b.parts) == 1:
        return [AlignedPart(parts_a[slot_a.parts[0]], parts_b[slot_b.parts[0]], method, sim,
                            weight, round(contribution, 6))]
    if slot_a is not None and slot_b is not None and method in _JOINABLE:
        method = "joined"
    side_a = [parts_a[k] for k in slot_a.parts] if slot_a else []
    side_b = [parts_b[k] for k in slot_b.parts] if slot_b else []
    n = max(len(side_a), len(side_b))
    return [AlignedPart(side_a[k] if k < len(side_a) else None,
                        side_b[k] if k < len(side_b) else None, method, sim, weight,
                        round(contribution / n, 6))
            for k in range(n)]


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
            share = _coefficients().weights[_ACRONYM] / len(long_parts)
            records.append(AlignedPart(*pair, "acronym", SIM_ACRONYM, 1.0 / len(long_parts),
                                       round(share, 6)))
        return tuple(records)
    n = len(FEATURES)
    for i, j, sim, method in plan.pairs:
        terms = [0.0] * n
        if method == "generic" or method == "kind":
            w = _add_generic(terms, left[i].weight, right[j].weight)
        else:
            w = min(left[i].weight, right[j].weight)
            _add_aligned(terms, w, sim, method)
        records += _record(parts_a, left[i], parts_b, right[j], method, sim,
                           min(left[i].weight, right[j].weight), _contribution(plan, terms, w))
    for sa, sb, w, sim in plan.conflicts:
        terms = [0.0] * n
        _add_conflict(terms, sa, sb, w, sim)
        records += _record(parts_a, sa, parts_b, sb, "conflict", sim, w,
                           _contribution(plan, terms, w))
    for slot, on_left in plan.kinded:
        terms = [0.0] * n
        terms[_CONFLICT] += slot.weight
        contribution = _contribution(plan, terms, slot.weight)
        records += (_record(parts_a, slot, parts_b, None, "kind", 0.0, slot.weight, contribution)
                    if on_left else
                    _record(parts_a, None, parts_b, slot, "kind", 0.0, slot.weight, contribution))
    for slot, on_left, inner in plan.missing:
        terms = [0.0] * n
        _add_missing(terms, slot.weight, inner)
        contribution = _contribution(plan, terms, slot.weight)
        records += (_record(parts_a, slot, parts_b, None, "missing", 0.0, slot.weight, contribution)
                    if on_left else
                    _record(parts_a, None, parts_b, slot, "missing", 0.0, slot.weight, contribution))
    # Titles, connectors and particles (weight 0), except titles aligned as names.
    for name, parts, on_left in ((na, parts_a, True), (nb, parts_b, False)):
        for position in name.aside:
            if (on_left, position) not in plan.reclaimed:
                p = parts[position]
                role: Method = "particle" if p.role == "name" else p.role
                records.append(AlignedPart(p if on_left else None, None if on_left else p,
                                           role, 0.0, 0.0))
    return tuple(records)


_NEW: Final = object.__new__


def _comparison(a: str, b: str, na: _Name, nb: _Name, plan: _Plan, kind: Kind | None,
                chosen: _data.Profile) -> Comparison:
    score = _final_score(na, nb, plan.score)
    # The records are written when first read: most callers only read the score.
    # _DeferredComparison(...) does what follows, at several times the cost.
    comparison = _NEW(_DeferredComparison)
    left, right, set_score, match, profile, threshold, set_kind, build = _SETTERS
    left(comparison, a)
    right(comparison, b)
    set_score(comparison, score)
    limit = chosen.threshold
    match(comparison, score >= limit)
    profile(comparison, chosen.name)
    threshold(comparison, limit)
    set_kind(comparison, kind)
    build(comparison, functools.partial(_records, a, b, na, nb, plan))
    return cast(Comparison, comparison)


def _compared(a: object, b: object, kind: Kind | None, chosen: _data.Profile,
              weights: Mapping[str, object] | None) -> Comparison:
    """compare(), once its kind, profile and weights are checked."""
    na = _with_weights(_name_of(a, kind), weights)
    nb = _with_weights(_name_of(b, kind), weights)
    # _name_of() has checked that both are strings.
    return _comparison(cast(str, a), cast(str, b), na, nb, _plan(na, nb, kind), kind, chosen)
