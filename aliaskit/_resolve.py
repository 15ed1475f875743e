"""Stages 4 and 5: the index (candidate generation) and the resolver (ranking).

Every name of every entity (canonical name and aliases) is an *alias row*. Each row is
indexed under the phonetic key of each of its identity parts (data/keys.txt, variant
groups included, Perso-Arabic forms through their romanisation), under what its listed
words mean (data/translations.txt, data/org_words.txt: "=industry" for Sanaye and
Industries), under the keys of adjacent parts joined (Arvan Cloud / Arvancloud) and
under its initials (IRGC); legal forms (Co., Ltd) are not identity parts and are not
indexed, but count among the initials. A query looks up its own keys rarest first, so
that a common part ("khan", "mohammad", "industries") adds candidates only when nothing
rarer does; the candidates are pre-ranked by their part keys (rapidfuzz, in C) and by
the share of the query's distinctive keys they hold (weighed by how rare each key is in
the index), and the best few are scored with the comparison model, one best alias per
entity. Only the answers get a :class:`~aliaskit.Comparison` object.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import math
import unicodedata
from array import array
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence, Sized
from pathlib import Path

import attrs

from ._compare import Profile, _profile, compare, pair_script
from ._context import check_context, confirming, context_evidence, with_context
from ._errors import AliaskitError, DataFileError, InvalidArgumentError, InvalidNameError
from ._index import add_row, load_file, remove_rows, save_index
from ._judgements import Judgement, Judgements, name_key
from ._keys import part_key
from ._parsing import _parse, _require_str
from ._prerank import MIN_RERANK, RERANK, key_overlap, key_signature, row_weights, shortlist
from ._reference import load_reference
from ._regional import load_regional
from ._scoring import (
    ACRONYM_SIZES,
    MIN_TWO_LETTER_END,
    _comparison,
    _compound_affixes,
    _final_score,
    _folds,
    _light,
    _Name,
    _name_from_normal,
    _name_of,
    _part_weight,
    _Plan,
    _plan,
    _script_keys,
    _spelling,
    _with_weights,
    acronym_words,
)
from ._types import Alias, Comparison, Entity, Kind, Layer, Match, _require_kind

__all__ = ["AMBIGUITY_MARGIN", "Resolver", "bundled_layers", "merge_layers"]

AMBIGUITY_MARGIN = 0.05
"""A match is ambiguous when another entity scores within this margin of it."""

# A candidate kept by resolve(): entity, alias, comparison, score, decisive, the
# reviewer's judgement, its row (None for one a reviewer confirmed off the index), and
# the context's reasons and log-odds.
_Found = tuple[Entity, Alias, Comparison, float, bool, "Judgement | None", "int | None",
               tuple[str, ...], float]

# Keys with at most this many rows add all their rows as candidates; commoner keys
# only narrow (see Resolver._candidates). At most MAX_POSTINGS rows come from them.
CANDIDATE_BUDGET = 80
# A single part key this rare adds its rows even when pairs of keys already matched.
RARE_KEY = 20
# Pair keys are made from the first this many distinct part keys of a name.
MAX_PAIR_PARTS = 5
MAX_POSTINGS = 5000
# Pairs of keys add their rows rarest first, until there are this many candidates.
PAIR_TARGET = 40
# When every pair of the query's keys is commoner than CANDIDATE_BUDGET, the rarest pair
# still adds up to this many rows: rows sharing two parts are the best candidates there
# are (a two-part query for a three-part organisation), and _shortlist pre-ranks them.
PAIR_BUDGET = 400
# Part keys this long are also indexed less one letter each (see _deletions); those rows
# are added when fewer than PAIR_TARGET candidates were found, rarest key first.
MIN_DELETION_KEY = 3
# Each part is also indexed under the letter trigrams of its folded spelling ("#bah"):
# when the keys found fewer than PAIR_TARGET rows, rows sharing at least GRAM_SHARE of
# the query's trigrams are added, most shared first, at most PAIR_TARGET of them (a
# spelling two letters or more from any listed one: Cahbahar / Chabahar, whose part keys
# KHBR and CBR share no deletion). Trigrams of more than GRAM_BUDGET rows are skipped:
# they say little, and counting them is the stage's cost (at 100,000 aliases, where
# four queries in five run it, 0.14 ms a query with a budget of 800, 0.02 ms with 300).
GRAM_SHARE = 1 / 3
MIN_GRAMS = 2
GRAM_BUDGET = 300
# Gazetteer-derived weights apply to parts at least this frequent among the aliases.
MIN_DF_FOR_WEIGHT = 20
# The bundled data files that shape an index's rows (normalisation, parts, keys): an
# index written with other versions of them is stale (its keys are not this aliaskit's).
INDEX_DATA_FILES = (
    "demonyms.txt", "fold.txt", "folds.txt", "generic_words.txt", "keys.txt", "letters.txt",
    "org_forms.txt", "org_words.txt", "particles.txt", "script.txt", "stopwords.txt",
    "titles.txt", "translations.txt", "variants.txt")


# At most this many acronyms written one after the other are read as one ("IRGC QF").
MAX_ACRONYM_RUN = 3
# A query part longer than this is not looked up as two words written together (each
# cut costs two keys; two joined names are far shorter).
MAX_SPLIT = 40

# The scheme of the keys a name is indexed under: raised when they change (2: compound
# parts also under the name they are made from; 3: an organisation also under the
# initials of its words without connectors; 4: and of its translation in English
# order; 5: each part under its letter trigrams), so that an index saved before is
# refused as stale rather than answering without the new keys.
KEY_SCHEME = 5


@functools.lru_cache(maxsize=1)
def index_fingerprint() -> str:
    """What a saved index depends on besides its entities: the aliaskit version, the
    scheme of its keys (:data:`KEY_SCHEME`) and a digest of :data:`INDEX_DATA_FILES` and
    of the Unicode version of this Python ("0.5.0 keys:3 data:1a2b3c4d5e6f")."""
    from . import __version__
    from ._data import data_dir

    digest = hashlib.sha256()
    for name in INDEX_DATA_FILES:
        path = data_dir() / name
        digest.update(name.encode() + b"\0")
        if path.is_file():
            digest.update(path.read_bytes())
    # Normalising (NFKC, which characters are letters) follows Python's Unicode data: an
    # index saved under other Unicode data may hold other normalised text and keys than
    # its names get here, and loading does not parse every name again to find out.
    digest.update(b"unicode\0" + unicodedata.unidata_version.encode())
    return f"{__version__} keys:{KEY_SCHEME} data:{digest.hexdigest()[:12]}"


def _identity_keys(name: str, *, cached: bool = True, initials: bool = True
                   ) -> tuple[str, tuple[str, ...], str, tuple[str, ...], list[list[str]]]:
    """Normalised text, identity part texts, their keys sorted ("AMR MTK XN"), the
    index keys of one name, and the keys that stand for each part (_key_groups).

    A query is parsed through the cache that the comparison uses next; the names of a
    gazetteer being indexed are not (a million of them would only evict useful entries).
    """
    parts = _light(name) if cached else _parse(name)
    texts = tuple([p.text for p in parts if p.role == "name"])
    sounds = [part_key(t) for t in texts]
    single = list(dict.fromkeys(sounds))
    groups = _key_groups(texts, sounds)
    # Pairs of part keys too ("MD+KRM"): two common parts together are rare, so a query
    # made only of common parts finds its few candidates without a set intersection.
    # A part's meanings pair like its key ("BNK+=agriculture").
    firsts = single[:MAX_PAIR_PARTS]
    pairs = list(dict.fromkeys(
        f"{a}+{b}" if a < b else f"{b}+{a}"
        for i, j in itertools.combinations(range(len(texts)), 2)
        if sounds[i] in firsts and sounds[j] in firsts and sounds[i] != sounds[j]
        for a in groups[i] if a[0] == "=" or a == sounds[i]
        for b in groups[j] if b[0] == "=" or b == sounds[j]
        if a != b))
    extra = list(dict.fromkeys(k for group in groups for k in group if k not in single))
    if initials and len(texts) >= 2:
        # The initials, for a query that is the acronym of this name (IRGC, N.I.O.C.),
        # of its identity parts, of its words (the C of Company) and of its translation
        # (Sepah-e Pasdaran-e Enqelab-e Eslami: acronym_words); not
        # indexed for people and places (``initials``), whose names are not written as
        # acronyms.
        extra += list(dict.fromkeys("^" + "".join(w[0] for w in words) for words in (
            texts, *acronym_words([p.text for p in parts], [p.role for p in parts]))))
    # The keys sorted: fuzz.ratio on them is token_sort_ratio without re-sorting a
    # million candidates' words at every query.
    return (" ".join([p.text for p in parts]), texts, " ".join(sorted(sounds)),
            tuple(single + pairs + extra + _deletions(single)), groups)


def _with_readings(name: str, keys: tuple[str, ...], groups: list[list[str]]
                   ) -> tuple[tuple[str, ...], list[list[str]], frozenset[str]]:
    """A query's keys and key groups (_identity_keys) with the other skeleton readings
    of its parts in Perso-Arabic script, which has no short vowels (waw as v, an h apart
    from the letter before: _script_keys), and its extra keys (_extra_keys), which they
    are not: they are the part's own keys. Queries only: an index keeps the keys it was
    built with, so that a saved index answers as before."""
    extra = _extra_keys(groups)
    parts = [p for p in _light(name) if p.role == "name"]
    if all(p.script != "arabic" for p in parts):
        return keys, groups, extra
    readings: list[str] = []
    groups = [list(group) for group in groups]
    for group, part in zip(groups, parts):
        if part.script == "arabic":
            more = [k for k in _script_keys(part.text)[1:] if k not in group]
            group += more
            readings += more
    return tuple(dict.fromkeys(keys + tuple(readings) + tuple(_deletions(readings)))), groups, extra


def _with_inner_acronyms(texts: Sequence[str], keys: tuple[str, ...], groups: list[list[str]],
                         extra: frozenset[str], postings: Mapping[str, object]
                         ) -> tuple[tuple[str, ...], list[list[str]], frozenset[str]]:
    """A query's keys with those of a short part, or a run of them, read as the initials
    of several words of an indexed name ("EN Bank" for Eghtesad Novin Bank: "^enb", the
    initials that an organisation's name is indexed under; "IRGC QF": "^irgcqf"), where
    some row has them. They stand for those parts, so that the pre-rank credits the rows
    that have them."""
    if len(texts) < 2:
        return keys, groups, extra
    found: list[str] = []
    short = [ACRONYM_SIZES[0] <= len(text) <= ACRONYM_SIZES[1] for text in texts]
    # A run of such parts may be acronyms one after the other ("IRGC QF": Islamic
    # Revolutionary Guard Corps Quds Force), each standing for the run's key.
    for i in range(len(texts)):
        for j in range(i + 1, min(i + MAX_ACRONYM_RUN, len(texts)) + 1):
            if not short[j - 1]:
                break
            key = "^" + "".join(t[0] for t in texts[:i]) + "".join(texts[i:j]) + \
                "".join(t[0] for t in texts[j:])
            if key in postings and key not in found and key not in groups[i]:
                groups = [list(g) for g in groups] if not found else groups
                for k in range(i, j):
                    groups[k].append(key)
                found.append(key)
    if not found:
        return keys, groups, extra
    return keys + tuple(found), groups, extra | frozenset(found)


def _key_groups(texts: Sequence[str], sounds: Sequence[str]) -> list[list[str]]:
    """The index keys that stand for each identity part: its key; what it means, when it
    is a word listed in data/translations.txt or data/org_words.txt ("=industry" for
    Sanaye, Industries and Industrial alike), so that a name written in another
    language shares keys with it; and the key of it joined to a neighbour, which another
    name writes as one word ("Arvan Cloud" / "Arvancloud", "Iran o Shargh" /
    "Iranoshargh"); and, for a short one-word name, the key of the initials of the
    names it may be the acronym of ("^irgc")."""
    groups = [[key, *sorted("=" + t for t in _spelling(text).translations or ())]
              for text, key in zip(texts, sounds)]
    for text, group in zip(texts, groups):
        # A compound is also found by the name it is made from (Rahmatullah by "Qari
        # Rahmat", Abdul Kabir by "A. Kabir"): data/particles.txt says they align as a
        # compound, so the index must bring them together.
        stem = _compound_stem(text)
        if stem is not None and (stem_key := part_key(stem)) not in group:
            group.append(stem_key)
    for i in range(len(texts) - 1):
        joined = part_key(texts[i] + texts[i + 1])
        if joined not in sounds:
            groups[i].append(joined)
            groups[i + 1].append(joined)
    if len(texts) == 1 and ACRONYM_SIZES[0] <= len(texts[0]) <= ACRONYM_SIZES[1]:
        groups[0].append("^" + texts[0])  # may be an acronym: the initials of a name
        if len(texts[0]) >= MIN_TWO_LETTER_END:
            # or with the last word's first two letters (IKCO: Iran Khodro COmpany); the
            # comparison checks the second letter.
            groups[0].append("^" + texts[0][:-1])
    return groups


@functools.lru_cache(maxsize=65536)
def _compound_stem(text: str) -> str | None:
    """The name a compound part is made from ("rahmat" of "rahmatullah", "kabir" of
    "abdulkabir"), when what is left has 3 letters or more; None for any other part.
    (Cached: a gazetteer's millions of parts are a few thousand words.)"""
    prefixes, suffixes = _compound_affixes()  # longest first
    if text.endswith(suffixes):
        for suffix in suffixes:
            if text.endswith(suffix) and len(text) - len(suffix) >= 3:
                return text[: -len(suffix)]
    if text.startswith(prefixes):
        for prefix in prefixes:
            if text.startswith(prefix) and len(text) - len(prefix) >= 3:
                return text[len(prefix):]
    return None


def _with_splits(texts: Sequence[str], keys: tuple[str, ...], groups: list[list[str]],
                 extra: frozenset[str], postings: Mapping[str, object]
                 ) -> tuple[tuple[str, ...], list[list[str]], frozenset[str]]:
    """A query's keys with those of two words that a part no row has may be written
    together ("Jabalussaraj": jabal + ussaraj, as "Jabal os Saraj" is indexed), where
    rows have both. They stand for that part, as its extra keys."""
    added: dict[int, list[str]] = {}
    for i, text in enumerate(texts):
        if groups[i][0] in postings or not 6 <= len(text) <= MAX_SPLIT or not text.isascii():
            continue
        for cut in range(3, len(text) - 2):
            a, b = part_key(text[:cut]), part_key(text[cut:])
            if a != b and a in postings and b in postings:
                added.setdefault(i, []).extend((a, b))
    return _with_part_keys(keys, groups, extra, added)


def _with_near(keys: tuple[str, ...], groups: list[list[str]], extra: frozenset[str],
               postings: Mapping[str, Sized]
               ) -> tuple[tuple[str, ...], list[list[str]], frozenset[str]]:
    """A query's keys with the key of each rare part less one letter, where rows are
    indexed under it: a part that few rows have or none may be a spelling one letter off
    a listed one ("Shoushtari", STR, for Shustari, SSTR: rows under "~STR"). They stand
    for that part, as its extra keys, so that its rows are candidates however many rows
    the other parts found ("Shahid"), and the pre-rank credits them."""
    added: dict[int, list[str]] = {}
    for i, group in enumerate(groups):
        key = group[0]
        near = "~" + key
        if (len(key) >= MIN_DELETION_KEY and near not in group
                and len(postings.get(key, ())) <= RARE_KEY
                and 0 < len(postings.get(near, ())) <= RARE_KEY):
            added[i] = [near]
    return _with_part_keys(keys, groups, extra, added)


def _with_part_keys(keys: tuple[str, ...], groups: list[list[str]], extra: frozenset[str],
                    added: Mapping[int, Sequence[str]]
                    ) -> tuple[tuple[str, ...], list[list[str]], frozenset[str]]:
    """A query's keys, key groups and extra keys with the ``added`` keys of part i in
    its group (once) and among the extra keys (_with_splits, _with_near). The groups are
    copied before they change: the caller's are _identity_keys'."""
    if not added:
        return keys, groups, extra
    groups = [list(g) for g in groups]
    found: list[str] = []
    for i, more in added.items():
        for key in more:
            if key not in groups[i]:
                groups[i].append(key)
            if key not in found:
                found.append(key)
    return keys + tuple(k for k in found if k not in keys), groups, extra | frozenset(found)


def _extra_keys(groups: Sequence[Sequence[str]]) -> frozenset[str]:
    """The keys of _key_groups other than the parts' own: meanings, joined parts,
    initials (Resolver._candidates adds their rows after the parts' own)."""
    return frozenset(k for group in groups for k in group[1:])


def _deletions(keys: Sequence[str]) -> list[str]:
    """Each part key less one letter ("~TBR" for TBRZ), for spellings whose key differs
    from a listed one by a letter (Tabris / Tabriz, Makhabad / Mahabad): two keys one
    letter apart share one of these, or one is the other's."""
    out: list[str] = []
    for key in keys:
        if len(key) >= MIN_DELETION_KEY:
            out += [f"~{key[:k]}{key[k + 1:]}" for k in range(len(key))]
    return list(dict.fromkeys(out))


def _gram_keys(texts: Sequence[str]) -> list[str]:
    """The letter trigrams of each part's first folded spelling, from its start to its
    end ("#^ka", "#kah", ..., "#ar$" for Cahbahar: kahbahar), once each (GRAM_SHARE)."""
    out: list[str] = []
    for text in texts:
        padded = f"^{_folds(text)[0]}$"
        out += [f"#{padded[k:k + 3]}" for k in range(len(padded) - 2)]
    return list(dict.fromkeys(out))


@attrs.define
class _Rows:
    """Columnar storage of alias rows: compact enough for millions of aliases."""

    entity: array[int] = attrs.field(factory=lambda: array("l"))
    name_index: array[int] = attrs.field(factory=lambda: array("l"))  # index into entity.names
    normalized: list[str] = attrs.field(factory=list)
    sounds: list[str] = attrs.field(factory=list)  # the part keys of the name, sorted ("AMR MTK XN")
    names: list[str] = attrs.field(factory=list)  # the name itself (entity.names[name_index])
    # The signature of the row's index keys (_prerank.key_signature): the pre-rank looks
    # a row up in a common key's rows only when its signature may have the key.
    signature: array[int] = attrs.field(factory=lambda: array("q"))


REFERENCE_SOURCE = "seed articles (data/entities.toml, built into data/reference.json)"
REGIONAL_SOURCE = "data/regional.txt and data/iso3166.txt (iso-codes via pycountry)"


def bundled_layers() -> tuple[Layer, ...]:
    """The bundled layers, in order: the seed reference (:func:`aliaskit.load_reference`)
    and the regional layer (:func:`aliaskit.load_regional`)."""
    return (Layer("reference", load_reference(), REFERENCE_SOURCE),
            Layer("regional", load_regional(), REGIONAL_SOURCE))


def _alias_source(alias: Alias, layer: Layer) -> str:
    """The dataset one name of an entity comes from."""
    if alias.origin == "seed":
        return REFERENCE_SOURCE
    if alias.origin == "curated" and alias.note:
        return alias.note
    return layer.source or layer.name


def _aliases_by_name(entity: Entity) -> dict[str, Alias]:
    """:meth:`Entity.alias` of each of the entity's names, found in one pass: that method
    scans the aliases, and called once a name it made merging an entity of n aliases
    n² work (resolve --data with 200,000 aliases on one entity took over six minutes)."""
    found: dict[str, Alias] = {}
    for alias in entity.aliases:
        found.setdefault(alias.name, alias)  # (the first alias of a name, as alias() finds)
    found.setdefault(entity.name, Alias(entity.name, origin="canonical"))
    return found


def merge_layers(layers: Iterable[Layer]
                 ) -> list[tuple[Entity, tuple[tuple[str, str], ...]]]:
    """The entities of several layers, merged by id, each with the (layer, source) of
    every one of its names (in the order of ``entity.names``).

    An entity whose id an earlier layer already has is merged into it: the earlier
    layer's id, name, kind and description stay, and the later layer's names that are
    not already names of the entity are added as aliases (a later canonical name as an
    alias of origin ``"canonical"``). Two layers giving one id different kinds is an
    error. Layers are otherwise independent: entities with different ids stay apart.
    """
    merged: dict[str, tuple[Entity, list[tuple[str, str]], str]] = {}
    for layer in layers:
        if not isinstance(layer, Layer):
            raise TypeError(f"expected a Layer, not {type(layer).__name__}")
        for entity in layer.entities:
            by_name = _aliases_by_name(entity)
            here = [(layer.name, _alias_source(by_name[name], layer)) for name in entity.names]
            current = merged.get(entity.id)
            if current is None:
                merged[entity.id] = (entity, here, layer.name)
                continue
            first, provenance, first_layer = current
            if first.kind is not None and entity.kind is not None and first.kind != entity.kind:
                raise DataFileError(
                    f"entity {entity.id!r} is a {first.kind} in layer {first_layer!r} and a "
                    f"{entity.kind} in layer {layer.name!r}")
            known = set(first.names)
            added: list[Alias] = []
            for name, origin in zip(entity.names, here):
                if name in known:
                    continue
                known.add(name)
                alias = by_name[name]
                if alias.origin == "canonical":
                    alias = Alias(name, origin="canonical",
                                  note=f"canonical name in layer {layer.name!r}")
                added.append(alias)
                provenance.append(origin)
            if added or (first.kind is None and entity.kind is not None):
                first = attrs.evolve(first, aliases=(*first.aliases, *added),
                                     kind=first.kind or entity.kind)
            merged[entity.id] = (first, provenance, first_layer)
    return _shared_ambiguity([(entity, tuple(provenance)) for entity, provenance, _ in
                              merged.values()])


def _shared_ambiguity(entries: list[tuple[Entity, tuple[tuple[str, str], ...]]]
                      ) -> list[tuple[Entity, tuple[tuple[str, str], ...]]]:
    """A name that one layer calls ambiguous ("Kabul": city or province) is ambiguous for
    every entity of another layer that has it too (the seed reference's Kabul)."""
    owners: dict[str, set[str]] = {}
    flagged: set[str] = set()
    layers_of: dict[str, set[str]] = {}
    for entity, provenance in entries:
        for alias in entity.aliases:
            key = " ".join([p.text for p in _light(alias.name)])
            owners.setdefault(key, set()).add(entity.id)
            if alias.ambiguous:
                flagged.add(key)
        for (layer, _), name in zip(provenance, entity.names):
            key = " ".join([p.text for p in _light(name)])
            layers_of.setdefault(key, set()).add(layer)
    shared = {k for k in flagged if len(owners[k]) > 1 and len(layers_of.get(k, ())) > 1}
    if not shared:
        return entries
    out = []
    for entity, provenance in entries:
        if any(not a.ambiguous and " ".join([p.text for p in _light(a.name)]) in shared
               for a in entity.aliases):
            entity = attrs.evolve(entity, aliases=[
                attrs.evolve(a, ambiguous=True)
                if " ".join([p.text for p in _light(a.name)]) in shared else a
                for a in entity.aliases])
        out.append((entity, provenance))
    return out


PARTIAL_MIN = 0.6
"""Lowest score at which a partial name (a surname alone, a name without its middle or
tribal part) is still accepted by the resolver, provided nothing conflicts."""


def _is_partial_name(plan: _Plan, score: float) -> bool:
    """True when one name is the other minus some parts, with nothing contradicting.

    compare() cannot tell "Muttaqi" from "a different Muttaqi", so it scores a missing
    part below the match threshold; within a gazetteer, a name whose every part fits
    one entity's alias (and conflicts with none) is a sound answer, and the ranking and
    ambiguity flags show when several entities fit.
    """
    if score < PARTIAL_MIN or plan.conflicts:
        return False
    if plan.acronym_left is not None:
        return True
    return bool(plan.pairs) and all(sim >= 0.9 and method != "different" and method != "generic"
                                    for _, _, sim, method in plan.pairs)


def names_list(names: Iterable[str]) -> list[str]:
    """``names`` as a list, every one checked to be a string first (TypeError naming the
    position; one string is not a list of names): a batch fails before any work, not
    halfway through it."""
    if isinstance(names, str):
        raise TypeError("names must be a list of names, not one string")
    listed = list(names)
    for position, name in enumerate(listed):
        if not isinstance(name, str):
            raise TypeError(f"name at position {position} is a {type(name).__name__}, "
                            "not a string")
    return listed


def _check_flags(**flags: object) -> None:
    """A TypeError for an option that must be True or False and is not ("no" is true)."""
    for option, value in flags.items():
        if not isinstance(value, bool):
            raise TypeError(f"{option} must be True or False, not {type(value).__name__}")


def _check_limit(limit: object) -> None:
    """TypeError unless ``limit`` is an int (not a bool); InvalidArgumentError below 1."""
    if isinstance(limit, bool) or not isinstance(limit, int):
        raise TypeError(f"limit must be an integer, not {type(limit).__name__}")
    if limit < 1:
        raise InvalidArgumentError(f"limit must be a positive integer, not {limit!r}")


class Resolver:
    """Answers "which known entity is this name?" against a gazetteer.

    ```pycon
    >>> resolver = Resolver.from_reference()
    >>> best = resolver.resolve("Amir Khan Motaqi")[0]
    >>> best.entity.id, best.ambiguous
    ('person/amir-khan-muttaqi', False)
    >>> [m.entity.id for m in resolver.resolve("Massoud", limit=2)]
    ['person/ahmad-massoud', 'person/ahmad-shah-massoud']
    >>> resolver.resolve("Massoud")[0].ambiguous
    True

    ```
    """

    def __init__(self, entities: Iterable[Entity] = ()) -> None:
        self._entities: list[Entity] = []
        self._ids: dict[str, int] = {}
        # Each entity's id by its index: what breaks ties between otherwise equal
        # candidates (same-named entities), so that no answer depends on the order in
        # which entities were added.
        self._entity_ids: list[str] = []
        self._rows = _Rows()
        self._postings: dict[str, array[int]] = {}
        self._part_df: Counter[str] = Counter()
        self._weights: dict[str, float] = {}
        self._weights_stale = False
        self._exact_rows: tuple[dict[str, list[int]], int] | None = None
        # The layer and source of each row (None for entities added without a layer).
        self._row_layer: list[str | None] = []
        self._row_source: list[str | None] = []
        self._layers: list[str] = []
        self._names_index: tuple[dict[str, list[int]], int] | None = None
        # The first row of each entity (an entity's rows are consecutive).
        self._starts: array[int] = array("l")
        # Removed entities (see remove()) stay in _entities, their rows in _rows, out of
        # every posting list and lookup; save() leaves them out.
        self._removed: set[int] = set()
        self._dead_rows = 0
        # The summed key weights of rows and the weights of part keys (see _overlap), for
        # an index of this many rows.
        self._row_weights: tuple[int, array[float], dict[str, float]] = (0, array("d"), {})
        for entity in entities:
            self.add(entity)
        if self._rows.sounds:
            # Every row's pre-rank weight now, with the index (about a microsecond a row),
            # rather than a hundred of them at each query that meets new rows.
            n, key_weights = self.alias_count, dict[str, float]()
            self._row_weights = (n, row_weights(self._rows.sounds, self._postings, n, key_weights),
                                 key_weights)

    @classmethod
    def from_reference(cls) -> Resolver:
        """A resolver over the seed reference dataset alone (:func:`aliaskit.load_reference`)."""
        return cls(load_reference())

    @classmethod
    def from_layers(cls, layers: Iterable[Layer]) -> Resolver:
        """A resolver over several layers of entities (see :func:`merge_layers`): every
        answer names the layer and the source of the alias it matched.

        ```pycon
        >>> from aliaskit import Entity, Layer
        >>> mine = Layer("mine", [Entity(id="p1", name="Zabihullah Mujahid", kind="person")])
        >>> resolver = Resolver.from_layers([*bundled_layers(), mine])
        >>> [(m.entity.id, m.layer) for m in resolver.resolve("Zabiullah Mujahed")]
        [('p1', 'mine')]
        >>> best = resolver.resolve("Hilmand")[0]
        >>> best.entity.id, best.alias.name, best.layer
        ('place/helmand-province', 'Hilmand', 'regional')
        >>> best.source
        "English-language news usage (Reuters, AP, AFP, BBC, TOLOnews...), curator's knowledge"

        ```
        """
        resolver = cls()
        if isinstance(layers, (str, Layer)):
            raise TypeError(f"layers must be a list of Layer, not {type(layers).__name__}")
        layers = list(layers)
        for layer in layers:
            if not isinstance(layer, Layer):
                raise TypeError(f"expected a Layer, not {type(layer).__name__}")
        resolver._layers = [layer.name for layer in layers]
        for entity, provenance in merge_layers(layers):
            resolver._add(entity, provenance)
        return resolver

    @classmethod
    def bundled(cls) -> Resolver:
        """A resolver over the bundled layers (:func:`bundled_layers`): the seed reference
        and the regional layer. :func:`aliaskit.link` uses it by default."""
        return cls.from_layers(bundled_layers())

    @property
    def layers(self) -> tuple[str, ...]:
        """The names of the layers this resolver was built from, in order."""
        return tuple(self._layers)

    @property
    def entities(self) -> tuple[Entity, ...]:
        """Every entity of the resolver (merged across layers), in the order added."""
        if self._removed:
            return tuple(e for i, e in enumerate(self._entities) if i not in self._removed)
        return tuple(self._entities)

    # --- building ---------------------------------------------------------------------

    def add(self, entity: Entity) -> None:
        """Add one entity (all its names). Raises if the id is already present."""
        if not isinstance(entity, Entity):
            raise TypeError(f"expected an Entity, not {type(entity).__name__}")
        if entity.id in self._ids:
            raise InvalidArgumentError(
                f"an entity with id {entity.id!r} is already in the resolver")
        self._add(entity, ())

    def _add(self, entity: Entity, provenance: Sequence[tuple[str, str]]) -> None:
        # Every name is analysed before anything changes, so that a name that cannot be
        # indexed leaves the resolver as it was (and says which entity it belongs to).
        analysed = []
        for name in entity.names:
            try:
                analysed.append(_identity_keys(
                    name, cached=False, initials=entity.kind in (None, "org")))
            except InvalidNameError as error:
                raise type(error)(f"entity {entity.id!r}: {error}") from None
        index = len(self._entities)
        self._entities.append(entity)
        self._entity_ids.append(entity.id)
        self._ids[entity.id] = index
        self._starts.append(len(self._rows.normalized))
        self._exact_rows = self._names_index = None
        for position, (name, (normalized, texts, sounds, keys, _)) in enumerate(
                zip(entity.names, analysed)):
            layer, source = provenance[position] if provenance else (None, None)
            self._row_layer.append(layer)
            self._row_source.append(source)
            self._add_row(index, position, name, normalized, texts, sounds, keys)

    def _add_row(self, entity: int, position: int, name: str, normalized: str,
                 texts: Sequence[str], sounds: str, keys: Sequence[str]) -> None:
        row = len(self._rows.normalized)
        self._rows.entity.append(entity)
        self._rows.name_index.append(position)
        self._rows.normalized.append(normalized)
        self._rows.sounds.append(sounds)
        self._rows.names.append(name)
        self._rows.signature.append(key_signature(keys))
        add_row(self._postings, (*keys, *_gram_keys(texts)), row)
        self._part_df.update(set(texts))
        self._weights_stale = True

    def remove(self, ids: Iterable[str]) -> int:
        """Remove the entities with these ids (all their names); returns how many.

        Their rows leave every posting list, the part frequencies and the lookups, so
        that the resolver answers exactly as one built from the remaining entities (in
        their order, then those added after). Re-adding an id afterwards (:meth:`add`)
        replaces the entity. Nothing is removed when an id is absent: that raises
        :class:`~aliaskit.InvalidArgumentError` naming it.
        """
        if isinstance(ids, str):
            raise TypeError("ids must be a list of ids, not one string")
        wanted = list(dict.fromkeys(ids))
        missing = [i for i in wanted if i not in self._ids]
        if missing:
            shown = ", ".join(map(repr, missing[:5])) + (" ..." if len(missing) > 5 else "")
            raise InvalidArgumentError(
                f"{len(missing):,} id(s) not in the resolver: {shown}")
        dead: dict[str, list[int]] = {}
        parts: set[str] = set()
        for entity_id in wanted:
            index = self._ids.pop(entity_id)
            self._removed.add(index)
            entity = self._entities[index]
            start = self._starts[index]
            for position, name in enumerate(entity.names):
                row = start + position
                assert self._rows.entity[row] == index and self._rows.names[row] == name
                # The keys add() indexed the name under (initials too for organisations).
                _, texts, _, keys, _ = _identity_keys(
                    name, cached=False, initials=entity.kind in (None, "org"))
                for key in (*keys, *_gram_keys(texts)):
                    dead.setdefault(key, []).append(row)
                found = set(texts)
                self._part_df.subtract(found)
                parts |= found
            self._dead_rows += len(entity.names)
        for part in parts:
            if self._part_df[part] <= 0:
                del self._part_df[part]
        remove_rows(self._postings, dead)
        self._exact_rows = self._names_index = None
        self._weights_stale = True
        self._row_weights = (0, array("d"), {})
        return len(wanted)

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def alias_count(self) -> int:
        """How many names (canonical names and aliases) are indexed."""
        return len(self._rows.normalized) - self._dead_rows

    def _live(self, row: int) -> bool:
        return not self._removed or self._rows.entity[row] not in self._removed

    def entity(self, entity_id: str) -> Entity:
        """The entity with this id (KeyError if absent; TypeError for an id that is not
        a string)."""
        if not isinstance(entity_id, str):
            raise TypeError(f"entity_id must be a string, not {type(entity_id).__name__}")
        return self._entities[self._ids[entity_id]]

    def _gazetteer_weights(self) -> dict[str, float]:
        """Weights of parts that are common in this gazetteer (IDF), capped by the bundled ones."""
        if self._weights_stale:
            n = max(self.alias_count, 1)
            weights = {}
            for part, df in self._part_df.items():
                if df >= MIN_DF_FOR_WEIGHT:
                    idf = math.log(n / df) / math.log(max(n, 2))
                    weights[part] = max(0.2, min(_part_weight(part, None), idf))
            self._weights = weights
            self._weights_stale = False
        return self._weights

    # --- candidates -------------------------------------------------------------------

    def _candidates(self, keys: Sequence[str], kind: Kind | None,
                    extra: Collection[str] = (), grams: Sequence[str] = ()) -> list[int]:
        """Rows that share two part keys with the query, else rows that share a rare one.

        Keys are part keys ("MTK") and pairs of part keys ("AMR+MTK"). Rows sharing a
        pair come first, rarest pair first, until PAIR_TARGET rows are found (a row with
        all the query's parts shares its rarest pair too); rows sharing only a single key
        are added when a single key is very rare (a distinctive surname), or when no pair
        matched (a typo in one part). When every pair is commoner than that, the rarest
        pair still adds its rows if there are at most PAIR_BUDGET.
        Keys with more than CANDIDATE_BUDGET rows ("khan", "mohammad" alone) add nothing
        unless nothing else matched, and then at most MAX_POSTINGS rows of the rarest,
        so a common part can never flood the candidate list.
        Then the keys of what the query's words mean (pairs with "=") and the ``extra``
        keys (_extra_keys: meanings, adjacent parts joined, initials) add up to
        PAIR_TARGET rows more, rarest first, each key at most CANDIDATE_BUDGET rows.
        Still short of PAIR_TARGET rows, the rows sharing most of the query's letter
        ``grams`` are added (_gram_rows).
        """
        postings = self._postings
        extra = frozenset(extra)
        found = [(k, postings[k]) for k in keys
                 if k in postings and k[0] != "~" and "=" not in k and k not in extra]
        rows: set[int] = set()
        for plist in sorted((p for k, p in found if "+" in k and len(p) <= CANDIDATE_BUDGET),
                            key=len):
            if len(rows) >= PAIR_TARGET:
                break
            rows.update(plist)
        paired = bool(rows)
        if not paired:
            common = [p for k, p in found if "+" in k]
            if common:
                rarest = min(common, key=len)
                if len(rarest) <= PAIR_BUDGET:
                    rows.update(rarest)
                    paired = True
        for key, plist in sorted(found, key=lambda kp: len(kp[1])):
            if "+" in key:
                continue
            if len(plist) > (RARE_KEY if paired else CANDIDATE_BUDGET):
                break
            rows.update(plist)
        if len(rows) < PAIR_TARGET:
            # A key one letter off: the query's key is another's less a letter, or the
            # reverse, or both lose a letter (see _deletions).
            near = [k for k in keys if k[0] == "~"]
            near += ["~" + k for k in keys
                     if k[0] not in "~=^" and "+" not in k and k not in extra]
            near += [k[1:] for k in keys if k[0] == "~"]
            for plist in sorted((postings[k] for k in dict.fromkeys(near) if k in postings), key=len):
                if len(rows) >= PAIR_TARGET or len(plist) > CANDIDATE_BUDGET:
                    break
                rows.update(plist)
        more = sorted((postings[k] for k in keys if ("=" in k or k in extra) and k in postings),
                      key=len)
        limit = len(rows) + PAIR_TARGET
        for plist in more:
            if len(rows) >= limit or len(plist) > CANDIDATE_BUDGET:
                break
            rows.update(plist)
        if len(rows) < PAIR_TARGET and grams:
            rows.update(self._gram_rows(grams, rows))
        if not rows:
            everything = [p for k in keys if k[0] != "~" and (p := postings.get(k)) is not None]
            if everything:
                rows.update(min(everything, key=len)[:MAX_POSTINGS])
        # In row order: what follows must not depend on how a set orders its rows (an
        # index with removed entities numbers its rows otherwise than a rebuilt one).
        if kind is not None:
            return sorted(r for r in rows if self._entities[self._rows.entity[r]].kind == kind)
        return sorted(rows)

    def _query_candidates(self, name: str, kind: Kind | None
                          ) -> tuple[str, str, list[list[str]], list[int]]:
        """A query's normalised text, sorted part keys and key groups (_identity_keys),
        and its candidate rows (_candidates), with every kind of key a query is looked up
        by: other readings of its script, initials, splits, letter trigrams."""
        normalized, texts, sounds, keys, groups = _identity_keys(name)
        keys, groups, extra = _with_readings(name, keys, groups)
        keys, groups, extra = _with_inner_acronyms(texts, keys, groups, extra, self._postings)
        keys, groups, extra = _with_splits(texts, keys, groups, extra, self._postings)
        keys, groups, extra = _with_near(keys, groups, extra, self._postings)
        return normalized, sounds, groups, self._candidates(keys, kind, extra, _gram_keys(texts))

    def _gram_rows(self, grams: Sequence[str], taken: Collection[int]) -> list[int]:
        """Rows not ``taken`` that share at least GRAM_SHARE of ``grams`` (and MIN_GRAMS),
        most shared first, then in row order; at most PAIR_TARGET. Trigrams of more than
        GRAM_BUDGET rows count for nothing: "^mo" says little, "ahb" a lot."""
        counts: Counter[int] = Counter()
        for gram in grams:
            plist = self._postings.get(gram)
            if plist is not None and len(plist) <= GRAM_BUDGET:
                counts.update(plist)
        need = max(MIN_GRAMS, math.ceil(len(grams) * GRAM_SHARE))
        rows = self._rows
        ranked = sorted((-count, rows.normalized[row], rows.names[row],
                         self._entity_ids[rows.entity[row]], row)
                        for row, count in counts.items() if count >= need and row not in taken)
        return [item[-1] for item in ranked[:PAIR_TARGET]]

    # --- resolving --------------------------------------------------------------------

    def resolve(
        self,
        name: str,
        *,
        kind: Kind | None = None,
        limit: int = 5,
        profile: str | Profile = "default",
        partial: bool = True,
        threshold: float | None = None,
        judgements: Judgements | None = None,
        include_rejected: bool = False,
        birth_year: int | None = None,
        country: str | None = None,
    ) -> list[Match]:
        """The best-matching entities for ``name``, best first (at most ``limit``).

        Only entities whose best alias is a match under ``profile`` are returned (the
        list may be empty), plus partial names: a query that is an alias minus some
        parts, or the reverse, with nothing contradicting it and a score of at least
        :data:`PARTIAL_MIN` ("Muttaqi" for "Amir Khan Muttaqi"); ``partial=False``
        turns that off. ``threshold`` (a number in [0, 1]) returns every candidate
        scoring at least that much instead, for review: those below the profile's
        threshold have ``match.comparison.is_match`` false, so a reviewer sees the
        runner-up. ``kind`` keeps only entities of that kind. Each
        :class:`Match` carries the matched alias with its provenance, the explained
        comparison, and whether the answer is ambiguous.

        ``judgements`` (:class:`~aliaskit.Judgements`) are reviewers' decisions: an
        entity judged ``different`` from ``name`` is never returned (with
        ``include_rejected=True`` it is, after the others and outside ``limit``, with
        ``match.rejected`` true: "rejected by <user> on <date>"); an entity judged the
        ``same`` is always returned, first, whatever its score, and is not ambiguous.
        A judgement made for a birth year or country holds only when ``birth_year`` and
        ``country`` are the same (:meth:`~aliaskit.Judgement.applies`).
        """
        _require_kind(kind)
        check_context(birth_year, country)
        use_context = birth_year is not None or country is not None
        _check_limit(limit)
        _check_flags(partial=partial, include_rejected=include_rejected)
        if threshold is not None:
            if isinstance(threshold, bool) or not isinstance(threshold, (int, float)):
                raise TypeError(f"threshold must be a number, not {type(threshold).__name__}")
            if not 0.0 <= threshold <= 1.0:
                raise InvalidArgumentError(f"threshold must be a number in [0, 1], not {threshold!r}")
        _require_str(name)
        if judgements is not None and not isinstance(judgements, Judgements):
            raise TypeError(f"judgements must be a Judgements collection, not {type(judgements).__name__}")
        chosen = _profile(profile)
        # Only judgements about this name can apply (cheap to ask, most names have none).
        judged = judgements if judgements and judgements.names(name) else None
        normalized, sounds, groups, candidates = self._query_candidates(name, kind)
        rows = self._shortlist(candidates, normalized, sounds, max(RERANK, limit), groups)
        weights = self._gazetteer_weights() or None
        # Candidates are scored without writing their alignment records (the cost of a
        # comparison that nobody reads); the Comparison objects are made for the answers.
        queries: dict[Kind | None, _Name] = {}
        best: dict[int, tuple[float, bool, int, Kind | None, _Name, _Name, _Plan]] = {}
        for row in rows:
            entity_index = self._rows.entity[row]
            entity = self._entities[entity_index]
            row_kind = kind or entity.kind
            query = queries.get(row_kind)
            if query is None:
                query = queries[row_kind] = _with_weights(_name_of(name, row_kind), weights)
            parsed = _name_from_normal(self._rows.names[row], self._rows.normalized[row],
                                       row_kind, weights)
            plan = _plan(query, parsed, row_kind)
            score = _final_score(query, parsed, plan.score)
            exact = self._rows.normalized[row] == normalized
            current = best.get(entity_index)
            if current is None or (score, exact) > current[:2] or (
                    # Of an entity's equal names, the one written as the query was
                    # ("Kabul", not a seed dateline's "KABUL").
                    (score, exact) == current[:2] and self._rows.names[row] == name
                    and self._rows.names[current[2]] != name):
                best[entity_index] = (score, exact, row, row_kind, query, parsed, plan)
        def deciding(row: int, row_kind: Kind | None) -> Profile:
            """The profile that decides a match with this row (per kind and script)."""
            return chosen.for_pair(row_kind, pair_script(name, self._rows.names[row])) \
                if chosen.groups else chosen

        context: dict[int, tuple[float, tuple[str, ...], float]] = {}
        if use_context:
            for entity_index, value in best.items():
                evidence, reasons = context_evidence(self._entities[entity_index],
                                                     birth_year=birth_year, country=country)
                evidence = confirming(evidence, value[0], deciding(value[2], value[3]).threshold)
                context[entity_index] = (evidence, reasons, value[0])
                best[entity_index] = (with_context(value[0], evidence), *value[1:])
        ordered = sorted(best.items(), key=lambda item: (-item[1][0], -item[1][1],
                                                        self._entities[item[0]].id))
        found: list[_Found] = []
        for entity_index, (score, exact, row, row_kind, query, parsed, plan) in ordered:
            entity = self._entities[entity_index]
            verdict = judged.verdict(name, entity.names, entity.id, birth_year=birth_year,
                                     country=country) if judged else None
            decides = deciding(row, row_kind)
            evidence, reasons, name_score = context.get(entity_index, (0.0, (), score))
            if (verdict is not None and verdict.judgement == "same") or (
                    score >= threshold if threshold is not None else
                    score >= decides.threshold or (partial and evidence >= 0
                                                    and _is_partial_name(plan, name_score))):
                alias = entity.alias(self._rows.names[row])
                comparison = _comparison(name, alias.name, query, parsed, plan, row_kind, decides)
                # An exact hit on an alias that is not itself ambiguous ("Commander
                # Massoud") is decisive: near misses of other entities don't rival it;
                # so is a pair a reviewer confirmed.
                decisive = (exact and not alias.ambiguous) or verdict is not None
                found.append((entity, alias, comparison, score, decisive, verdict, row,
                              reasons, evidence))
        rejected: list[Match] = []
        if judged:
            # Confirmed pairs come first: only as many as the answer has room for are
            # needed (each costs a comparison with every name of its entity).
            room = limit - sum(1 for f in found if f[5] is not None and f[5].judgement == "same")
            if room > 0:
                found += self._confirmed(name, kind, chosen, judged, {id(f[0]) for f in found},
                                         room, birth_year, country)
            found.sort(key=lambda f: f[5] is None or f[5].judgement != "same")  # stable
            rejected = [Match(e, a, c, s, False, (), *self._provenance(r), v, why, ev)
                        for e, a, c, s, _, v, r, why, ev in found
                        if v is not None and v.judgement == "different"]
            found = [f for f in found if f[5] is None or f[5].judgement != "different"]
        matches: list[Match] = []
        for (entity, alias, comparison, score, decisive, verdict, kept_row, reasons,
             evidence) in found[:limit]:
            # Indexing, not unpacking the records: this runs for every pair of answers.
            rivals = () if verdict is not None else tuple(
                other[0].id for other in found
                if other[0] is not entity and abs(other[3] - score) <= AMBIGUITY_MARGIN
                and other[4] == decisive
            )
            if verdict is None and judged:
                # Shown, deciding nothing: what a reviewer left for follow-up.
                verdict = judged.unsure(name, entity.names, entity.id, birth_year=birth_year,
                                        country=country)
            matches.append(Match(entity, alias, comparison, score, bool(rivals), rivals,
                                 *self._provenance(kept_row), verdict, reasons, evidence))
        return matches + rejected if include_rejected else matches

    def _provenance(self, row: int | None) -> tuple[str | None, str | None]:
        """The layer and source of a row (none for a row not known)."""
        if row is None:
            return None, None
        return self._row_layer[row], self._row_source[row]

    def _confirmed(self, name: str, kind: Kind | None, profile: Profile, judgements: Judgements,
                   seen: set[int], room: int, birth_year: int | None, country: str | None
                   ) -> list[_Found]:
        """Entities a reviewer confirmed for ``name`` (in this context) that the candidates
        missed (at most ``room`` of them)."""
        out: list[_Found] = []
        for judgement in judgements.confirmed_for(name, birth_year=birth_year, country=country):
            if len(out) >= room:
                break
            other = judgements.other_side(judgement, name)
            indexes = [self._ids[other]] if other in self._ids else \
                self._judged_names().get(name_key(other) or "", [])
            for index in dict.fromkeys(indexes):
                entity = self._entities[index]
                if id(entity) in seen or (kind is not None and entity.kind != kind):
                    continue
                if judgements.verdict(name, entity.names, entity.id, birth_year=birth_year,
                                      country=country) is not judgement:
                    continue  # its other names were judged otherwise
                seen.add(id(entity))
                weights = self._gazetteer_weights() or None
                best = max((compare(name, n, kind=kind or entity.kind, profile=profile, weights=weights)
                            for n in entity.names), key=lambda c: c.score)
                row = next((r for r in self._exact_index().get(
                    " ".join([p.text for p in _light(best.right)]), [])
                            if self._rows.entity[r] == index), None)
                out.append((entity, entity.alias(best.right), best, best.score, True, judgement, row,
                            (), 0.0))
        return out

    def _judged_names(self) -> dict[str, list[int]]:
        """Each name as judgements compare names -> the entities that have it."""
        if self._names_index is None or self._names_index[1] != self.alias_count:
            by_name: dict[str, list[int]] = {}
            for entity, name in zip(self._rows.entity, self._rows.names):
                if self._removed and entity in self._removed:
                    continue
                key = name_key(name)
                if key is not None and entity not in by_name.setdefault(key, []):
                    by_name[key].append(entity)
            self._names_index = (by_name, self.alias_count)
        return self._names_index[0]

    def _exact_index(self) -> dict[str, list[int]]:
        """Normalised name -> its rows."""
        if self._exact_rows is None or self._exact_rows[1] != self.alias_count:
            by_text: dict[str, list[int]] = {}
            for row, text in enumerate(self._rows.normalized):
                if self._live(row):
                    by_text.setdefault(text, []).append(row)
            self._exact_rows = (by_text, self.alias_count)
        return self._exact_rows[0]

    def _overlap(self, rows: list[int], groups: Sequence[Sequence[str]]) -> list[float]:
        """How much each row shares with the query, 0-100: the query's parts weighed by
        how rare their keys are in this index (inverse document frequency), a part
        counting for a row when one of its keys (_key_groups) is among the row's, over
        the mean weight of the two names (a Dice coefficient).

        The distinctive words of a name carry its identity ("Khazar" of "Khazar Steel
        Co."): a row that shares them ranks high even when it adds or lacks common words.
        """
        n = max(self.alias_count, 1)  # live rows: an updated index weighs as a rebuilt one
        if self._row_weights[0] != n or len(self._row_weights[1]) != len(self._rows.sounds):
            # The index changed: every weight did. One number per row (8 bytes), none
            # known yet (negative).
            self._row_weights = (n, array("d", [-1.0]) * len(self._rows.sounds), {})
        return key_overlap(rows, groups, self._postings, self._rows.sounds, n,
                           self._row_weights[1], self._row_weights[2], self._rows.signature)

    def _shortlist(self, rows: list[int], normalized: str, sounds: str, rerank: int,
                   groups: Sequence[Sequence[str]] = ()) -> list[int]:
        """The candidates worth scoring, best first: the best names of the ``rerank``
        leading entities (_prerank.shortlist)."""
        if len(rows) <= MIN_RERANK:
            return rows
        overlap = self._overlap(rows, groups) if groups else [0.0] * len(rows)
        return shortlist(rows, normalized, sounds, rerank, overlap, self._rows.sounds,
                         self._rows.normalized, self._rows.entity, self._rows.names,
                         self._entity_ids)

    def _indexed(self, name: str) -> bool:
        """Does every identity part of ``name`` have a key (its spelling's, a reading of
        its script, what it means), or that key less a letter, under which some row is
        indexed? A name with a part that no indexed name has in any such form cannot
        match one closely: link() does not resolve it (most runs of capitalised words in
        a text are such names: "Minister Said That"). The keys that resolve() finds in
        the index itself (a part read as two words written together, or as initials) are
        not looked at."""
        try:
            _, texts, _, keys, groups = _identity_keys(name)
            keys, groups, _ = _with_readings(name, keys, groups)
        except InvalidNameError:
            return False
        postings = self._postings
        for group in groups:
            if not any(k in postings or (k[0] not in "=^~" and any(
                    d in postings for d in _deletions([k]))) for k in group):
                return False
        return bool(texts)

    def exact(self, name: str, *, profile: str | Profile = "default") -> list[Match]:
        """Entities with a name equal to ``name`` after normalisation, best first.

        A cheap path for running text (:func:`aliaskit.link`), where an exact alias is
        decisive: no candidate generation and no near misses. Ambiguous when several
        entities share the name ("Massoud"). Empty when no name is equal.
        """
        normalized = " ".join([p.text for p in _light(name)])
        rows = self._exact_index().get(normalized, [])
        # The very spelling asked for first: its alias's provenance is the answer's.
        rows = sorted(rows, key=lambda r: (self._rows.entity[r], self._rows.names[r] != name))
        seen: dict[int, Match] = {}
        for row in rows:
            entity_index = self._rows.entity[row]
            if entity_index in seen:
                continue
            entity = self._entities[entity_index]
            alias = entity.alias(self._rows.names[row])
            comparison = compare(name, alias.name, kind=entity.kind, profile=profile)
            seen[entity_index] = Match(entity, alias, comparison, comparison.score, False, (),
                                       *self._provenance(row))
        matches = list(seen.values())
        if len(matches) > 1:
            ids = [m.entity.id for m in matches]
            matches = [attrs.evolve(m, ambiguous=True,
                                    alternatives=tuple(i for i in ids if i != m.entity.id))
                       for m in matches]
        return matches

    def match(self, name: str, entity_id: str, *, profile: str = "default") -> Match:
        """``name`` compared with one entity's names: a :class:`Match` for its best-scoring
        name, whatever the score (KeyError if the id is absent).

        :func:`aliaskit.link` uses it for a surname alone that names the person the text
        named in full before.
        """
        if not isinstance(entity_id, str):
            raise TypeError(f"entity_id must be a string, not {type(entity_id).__name__}")
        index = self._ids[entity_id]
        entity = self._entities[index]
        best: tuple[float, int, Comparison] | None = None
        for position, alias_name in enumerate(entity.names):
            comparison = compare(name, alias_name, kind=entity.kind, profile=profile)
            if best is None or comparison.score > best[0]:
                best = (comparison.score, position, comparison)
        assert best is not None
        score, position, comparison = best
        row = self._starts[index] + position
        return Match(entity, entity.alias(entity.names[position]), comparison, score, False, (),
                     self._row_layer[row], self._row_source[row])

    def resolve_many(
        self,
        names: Iterable[str],
        *,
        kind: Kind | None = None,
        limit: int = 5,
        profile: str | Profile = "default",
        progress: Callable[[int], None] | None = None,
        judgements: Judgements | None = None,
        include_rejected: bool = False,
    ) -> list[list[Match] | AliaskitError]:
        """Resolve a batch; one result per input, in order.

        A name that cannot be resolved (invalid input) yields its
        :class:`~aliaskit.AliaskitError` in its place instead of stopping the batch.
        ``progress`` is called with the number of names done so far.
        Repeated names are resolved once. The options are checked first: a bad
        ``limit``, ``kind`` or ``profile`` raises instead, like :meth:`resolve`.
        """
        names = names_list(names)  # a None halfway must not throw away the work before it
        _check_limit(limit)
        _check_flags(include_rejected=include_rejected)
        _require_kind(kind)
        _profile(profile)
        cache: dict[str, list[Match] | AliaskitError] = {}
        results: list[list[Match] | AliaskitError] = []
        for done, name in enumerate(names, start=1):
            key = name if isinstance(name, str) else None
            if key is not None and key in cache:
                results.append(cache[key])
            else:
                try:
                    result: list[Match] | AliaskitError = self.resolve(
                        name, kind=kind, limit=limit, profile=profile, judgements=judgements,
                        include_rejected=include_rejected)
                except AliaskitError as exc:
                    result = exc
                if key is not None:
                    cache[key] = result
                results.append(result)
            if progress is not None:
                progress(done)
        return results

    # --- saving and loading -----------------------------------------------------------

    def save(self, path: str | Path) -> None:
        """Write the resolver (entities and their index keys) to an index file.

        The format holds data only (no pickle), so a file from elsewhere cannot run code
        when loaded. It is versioned, and names the aliaskit version and data it was
        built with (:func:`index_fingerprint`): :meth:`load` refuses other ones. The file
        is written whole to a temporary file beside ``path``, then renamed over it, so a
        reader never sees half an index. Removed entities are left out: the file is the
        one a resolver built from the remaining entities would write. See
        :mod:`aliaskit._index` for the layout and for updates that append to it.
        """
        save_index(self, path)

    @classmethod
    def load(cls, path: str | Path) -> Resolver:
        """Load a resolver written by :meth:`save` (and updated by ``aliaskit index
        update``); reject corrupt, stale or foreign files with
        :class:`~aliaskit.DataFileError`. An entity, or a key's rows, is decoded and
        checked when first needed: loading costs little more than reading the file."""
        return load_file(path)
