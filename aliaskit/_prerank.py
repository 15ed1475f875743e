"""The resolver's pre-rank: which of the candidate rows are worth comparing with a query.

:func:`shortlist` ranks the candidates by their part keys and by :func:`key_overlap`,
the share of the query's distinctive keys each holds, and keeps the best names of the
leading entities. A module of its own so that it is compiled with mypyc (setup.py) like
the comparison: at a million aliases this, not the comparison, was the largest cost of a
query. Without a compiler the same source runs as plain Python.
"""

from __future__ import annotations

import bisect
import math
import zlib
from array import array
from collections.abc import Iterator, Mapping, MutableSequence, Sequence
from typing import Any

from rapidfuzz import fuzz, process

__all__ = ["MIN_RERANK", "NAMES_PER_ENTITY", "PRERANK", "PRERANK_MARGIN", "RERANK",
           "SIGNATURE_BITS", "has_key", "key_mask", "key_overlap", "key_signature", "own_weight",
           "row_weights", "shortlist"]

# How many candidates are pre-ranked by rapidfuzz, and how many leading entities are
# compared (more when more answers are asked for: see Resolver.resolve's limit).
PRERANK = 200
RERANK = 6
MIN_RERANK = 2
# At most this many names of one leading entity are compared with the query.
NAMES_PER_ENTITY = 2
PRERANK_MARGIN = 25
# Further names with as many parts as the query are looked for in this many leading rows.
LOOKAHEAD = 40
# A key one letter off ("~HKN": Haqqani's key less a letter, or another's) counts for
# this share of a key the row has itself: a near spelling is weaker evidence than the
# same one ("Haqqani" shares its key with Haqqani Network, and only a near key with the
# acronym HCNR, which scored as high and pushed Haqqani Network out of the shortlist).
NEAR_SHARE = 0.75
# A row's signature (key_signature) sets two of this many bits for each of its keys:
# below 63, so that a signature is a small int, never a long, to a compiled build.
SIGNATURE_BITS = 61


def key_overlap(rows: list[int], groups: Sequence[Sequence[str]], postings: Mapping[str, Any],
                sounds: list[str], n: int, own_weights: MutableSequence[float],
                key_weights: dict[str, float] | None = None,
                signatures: Sequence[int] | None = None) -> list[float]:
    """How much each of ``rows`` (ascending) shares with the query, 0-100.

    Each of the query's parts (a group of the keys that stand for it) weighs the inverse
    document frequency of its rarest key among the ``n`` rows, log(1 + n / df), not
    counting keys that other groups have too (two parts joined as one word), and counts
    for a row with the weight of its rarest key that the row has, at most its own. The shared
    weight is divided by the mean weight of the two names (a Dice coefficient): the
    row's own weight, the sum over its part keys (``sounds``: "AMR MTK XN"), is kept in
    ``own_weights`` between queries (one number per row of ``sounds``, negative while
    not known yet), and the weight of each part key in ``key_weights``
    (both for this ``n``: the caller empties them when the index changes).
    ``signatures``, when given, holds each row's :func:`key_signature`: a row whose
    signature lacks a key's bits does not have the key, and is not looked up.

    ```pycon
    >>> postings = {"AMR": [0, 2], "MTK": [0], "KRM": [1, 2]}
    >>> [round(x, 1) for x in key_overlap([0, 1, 2], [["AMR"], ["MTK"]], postings,
    ...                                   ["AMR MTK", "KRM", "AMR KRM"], 3, [-1.0] * 3)]
    [100.0, 0.0, 44.3]

    ```
    """
    if key_weights is None:
        key_weights = {}
    size = len(rows)
    credit = [0.0] * size
    total = 0.0
    index: dict[int, int] = {}
    marks: list[int] = []  # the signatures of rows, in their order
    # A key of two groups stands for two parts written as one word (_key_groups' joined
    # keys): how rare that word is says nothing of how rare either part is.
    groups_of: dict[str, int] = {}
    for group in groups:
        for key in dict.fromkeys(group):
            groups_of[key] = groups_of.get(key, 0) + 1
    for group in groups:
        # A part counts for a row by the weight of its rarest key the row has, at most
        # the part's own weight: keys are taken rarest first, so a row credited already
        # needs no further look.
        found: list[tuple[int, str, Any]] = []
        for key in dict.fromkeys(group):
            plist = postings.get(key)
            found.append((len(plist) if plist is not None else 0, key, plist))
        if not found:
            continue
        found.sort(key=_first)
        # The part weighs as its rarest key of its own (a key of this group alone).
        own_df = found[0][0]
        for df, key, _ in found:
            if groups_of[key] == 1:
                own_df = df
                break
        part = math.log(1.0 + n / max(own_df, 1))
        total += part
        # Keys in the order of what they credit, most first: the rarer, the more, and a
        # key one letter off (NEAR_SHARE) less than the same key would.
        credits: list[tuple[float, int, str, Any]] = []
        for df, key, plist in found:
            if plist is not None:
                weight = min(math.log(1.0 + n / df), part)
                credits.append((-weight * NEAR_SHARE if key[0] == "~" else -weight, df, key, plist))
        credits.sort(key=_first_credit)
        best = [0.0] * size  # the weight a row is credited with (0: none yet)
        for negative, df, key, plist in credits:
            weight = -negative
            if df <= 4 * size:
                if not index:
                    index = {row: k for k, row in enumerate(rows)}
                for r in plist:
                    k = index.get(r, -1)
                    if k >= 0 and best[k] == 0.0:
                        best[k] = weight
                continue
            # A common key: a row's signature says it may have it (most rows that lack
            # it are known so at once); then its own part keys say it has it; else the
            # row is looked up in the key's (ascending) rows, which also hold rows that
            # have the key as two of their parts joined, as a stem or as a meaning.
            at = 0
            mask = key_mask(key) if signatures is not None and key[0] != "~" and "+" not in key \
                else 0
            if mask and not marks and signatures is not None:
                marks = [int(signatures[r]) for r in rows]
            for k in range(size):
                if best[k] != 0.0:
                    continue
                if mask and marks[k] & mask != mask:
                    continue
                r = rows[k]
                if has_key(sounds[r], key):
                    best[k] = weight
                    continue
                at = bisect.bisect_left(plist, r, at)
                if at == df:
                    break
                if plist[at] == r:
                    best[k] = weight
        for k in range(size):
            if best[k] != 0.0:
                credit[k] += best[k]
    # Shared weight over the mean weight of the two names (Dice), so that words present
    # on one side only lower it whichever side they are on.
    out: list[float] = []
    for k in range(size):
        row = rows[k]
        own = own_weights[row]
        if own < 0.0:
            own = own_weights[row] = own_weight(sounds[row], postings, n, key_weights)
        out.append(200.0 * credit[k] / (total + own) if total + own else 0.0)
    return out


def own_weight(keys: str, postings: Mapping[str, Any], n: int,
               key_weights: dict[str, float]) -> float:
    """The weight of a row for key_overlap: the sum of log(1 + n / df) over its distinct
    part keys (``keys``: "AMR MTK XN"), each key's weight kept in ``key_weights``."""
    own = 0.0
    for key in dict.fromkeys(keys.split(" ")):
        weight = key_weights.get(key, -1.0)
        if weight < 0.0:
            plist = postings.get(key)
            weight = math.log(1.0 + n / max(len(plist) if plist is not None else 0, 1))
            key_weights[key] = weight
        own += weight
    return own


def row_weights(sounds: list[str], postings: Mapping[str, Any], n: int,
                key_weights: dict[str, float]) -> array[float]:
    """:func:`own_weight` of every row of ``sounds`` at once, as key_overlap keeps them:
    a resolver works them out when it is built, not a few at each query."""
    return array("d", (own_weight(keys, postings, n, key_weights) for keys in sounds))


def key_mask(key: str) -> int:
    """The two bits of :data:`SIGNATURE_BITS` that stand for ``key`` in a signature
    (from its CRC-32: the same in every process and on every platform, so a saved index
    keeps its signatures; changing this function needs a new index format version).

    ```pycon
    >>> key_mask("MTK") == 2**47 + 2**24
    True

    ```
    """
    code = zlib.crc32(key.encode())
    return (1 << code % SIGNATURE_BITS) | (1 << (code >> 16) % SIGNATURE_BITS)


def key_signature(keys: Sequence[str]) -> int:
    """A row's signature: the bits of its index keys (:func:`key_mask`), less those of
    its pairs of parts ("AMR+MTK") and of its keys less a letter ("~MTK"), which never
    stand for a part. A key whose bits a signature lacks is not among the row's keys;
    one whose bits it has may be (a Bloom filter in one int).

    ```pycon
    >>> signature = key_signature(["AMR", "MTK", "AMR+MTK", "~MT"])
    >>> signature & key_mask("MTK") == key_mask("MTK")
    True

    ```
    """
    signature = 0
    for key in keys:
        if key[0] != "~" and "+" not in key:
            signature |= key_mask(key)
    return signature


def has_key(keys: str, key: str) -> bool:
    """Is ``key`` one of the space-separated ``keys`` ("AMR MTK XN")? Without splitting
    them: a row's keys are looked at for a few keys of each query."""
    size = len(key)
    end = len(keys)
    at = keys.find(key)
    while at >= 0:
        after = at + size
        if (at == 0 or keys[at - 1] == " ") and (after == end or keys[after] == " "):
            return True
        at = keys.find(key, at + 1)
    return False


def _first_credit(item: tuple[float, int, str, Any]) -> tuple[float, int, str]:
    return item[0], item[1], item[2]


def _first(item: tuple[int, str, Any]) -> int:
    return item[0]


def shortlist(rows: list[int], normalized: str, sounds: str, rerank: int,
              overlap: list[float], sounds_of: list[str], texts: list[str],
              entity_of: Sequence[int], names: list[str], ids: Sequence[str]) -> list[int]:
    """The candidates worth comparing with a query, best first: the best names of the
    ``rerank`` leading entities among ``rows`` (at least MIN_RERANK), given the query's
    normalised text, its sorted part keys (``sounds``) and each row's
    :func:`key_overlap`; ``sounds_of``, ``texts``, ``entity_of`` and ``names`` are the
    index's columns (part keys, normalised text, entity and name as given of each row),
    ``ids`` each entity's id.
    """
    # Pre-rank by the part keys in any order (sorted: "AMR MTK XN"): spellings of a name
    # share its keys, so the pre-rank sees through transliteration; and by the share of
    # the query's distinctive keys a row has (key_overlap), which sees through
    # translated and added generic words.
    ratios = process.extract(sounds, [sounds_of[r] for r in rows], scorer=fuzz.ratio,
                             limit=len(rows))
    # Compare the leaders only: candidates whose key similarity trails the best by more
    # than PRERANK_MARGIN points, and whose share of distinctive keys does too, rarely
    # win, and comparing is the cost. The rest are ranked by the mean of the two; among
    # equal scores (the spellings of one name share its keys), the spelling closest to
    # the query's comes first, then the shorter name ("Massoud" before "Commander
    # Massoud" for the query "Massoud").
    # Ties are broken by the names' texts, then the entities' ids, never by the order
    # rows were added: the answer to a query must not depend on the order of the
    # gazetteer (nor a cluster on the order of its names), even among entities of the
    # same name. Only rows of one entity's one name keep their index order.
    top_ratio: float = ratios[0][1]
    top_share = max(overlap)
    scored: list[tuple[float, int]] = []
    for _, ratio, k in ratios:
        if ratio >= top_ratio - PRERANK_MARGIN or overlap[k] >= top_share - PRERANK_MARGIN:
            scored.append((-(ratio + overlap[k]) / 2, k))
    if len(scored) > PRERANK:
        # The first PRERANK, ties at the cut broken by the rows' texts and ids as below.
        ranked = sorted((negative, texts[rows[k]], names[rows[k]], ids[entity_of[rows[k]]], k)
                        for negative, k in scored)
        scored = [(item[0], item[4]) for item in ranked[:PRERANK]]
    else:
        scored.sort()
    kept = _tie_broken(scored, rows, normalized, texts, names, entity_of, ids)
    owners = _leading(kept, texts, entity_of, max(MIN_RERANK, min(rerank, len(kept))))
    if len(owners) < MIN_RERANK:
        # Fewer than MIN_RERANK entities lead (one entity's several spellings, "Balkh" and
        # "بلخ", can fill the places): the next entities by key similarity join, those of
        # equal key similarity in the order of their texts' similarity to the query's.
        for k in _by_key_then_text(ratios, rows, texts, names, normalized, entity_of, ids):
            if len(owners) >= MIN_RERANK:
                break
            if entity_of[rows[k]] not in owners:
                owners.add(entity_of[rows[k]])
                if rows[k] not in kept:
                    kept.append(rows[k])
    # A leading entity's first name may have more or fewer parts than the query ("Ahmad
    # Shah Massoud" for "Massoud") while another of its names fits it better
    # ("Massoud"): then compare a few more of its names.
    # Of its other names, those with as many parts as the query come first ("Amir Khan
    # Muttaqi" for "A. K. Muttaqi", whose closest keys are those of "Muttaqi" alone), then
    # the rest in pre-rank order; the names with as many parts are looked for among the
    # first LOOKAHEAD rows.
    entities = owners
    words = sounds.count(" ")
    extra = NAMES_PER_ENTITY - 1
    out: list[int] = []
    equal: dict[int, list[int]] = {}  # entity -> positions of its further names: as many parts
    other: dict[int, list[int]] = {}  # ... and the others (entities whose first name fits: none)
    unfilled = 0  # entities still short of ``extra`` names with as many parts as the query
    for position, r in enumerate(kept):
        e = entity_of[r]
        if e not in entities:
            continue
        found = equal.get(e)
        if found is None:
            out.append(r)
            equal[e] = []
            if extra and sounds_of[r].count(" ") != words:
                other[e] = []
                unfilled += 1
        elif e in other and len(found) < extra:
            if sounds_of[r].count(" ") == words:
                found.append(position)
                if len(found) == extra:
                    unfilled -= 1
            elif len(other[e]) < extra:
                other[e].append(position)
        if len(equal) == len(entities) and (not unfilled or (position >= LOOKAHEAD and all(
                len(equal[e]) + len(o) >= extra for e, o in other.items()))):
            break
    chosen = [p for e, o in other.items() for p in (equal[e] + o)[:extra]]
    if chosen:
        out += [kept[p] for p in sorted(chosen)]
    return out


def _tie_broken(scored: list[tuple[float, int]], rows: list[int], normalized: str,
                texts: list[str], names: list[str], entity_of: Sequence[int],
                ids: Sequence[str]) -> list[int]:
    """The rows of ``scored`` ((negative score, position in ``rows``), best first), each
    run of equal scores ordered by :func:`_by_text`, then by row. Only the runs need the
    rows' texts: at a million aliases, reading them for every candidate cost more than
    the order they give."""
    kept: list[int] = []
    i = 0
    size = len(scored)
    while i < size:
        negative = scored[i][0]
        j = i + 1
        while j < size and scored[j][0] == negative:
            j += 1
        if j == i + 1:
            kept.append(rows[scored[i][1]])
        else:
            tied = [(_by_text(normalized, texts[row], names[row], ids[entity_of[row]]), row)
                    for row in [rows[item[1]] for item in scored[i:j]]]
            tied.sort()
            kept += [item[1] for item in tied]
        i = j
    return kept


def _by_text(normalized: str, text: str, name: str, entity_id: str
             ) -> tuple[float, int, str, bool, str, str]:
    """How rows otherwise equal are ordered: the text closest to the query's first, then
    the shorter, then by text, by the name as given (one not all in capitals first: of
    "Kabul" and a seed dateline's "KABUL", which normalise alike and of which only one
    is compared, the answer shows the way names are written) and by the entity's id
    (never by row order)."""
    return -fuzz.ratio(normalized, text), len(text), text, name.isupper(), name, entity_id


def _by_key_then_text(ratios: list[tuple[str, float, int]], rows: list[int],
                      texts: list[str], names: list[str], normalized: str,
                      entity_of: Sequence[int], ids: Sequence[str]) -> Iterator[int]:
    """The positions of ``ratios`` (best key similarity first), each run of equal key
    similarity ordered as :func:`_by_text` orders them (a run at a time: the caller mostly
    needs one)."""
    i = 0
    while i < len(ratios):
        j = i
        while j < len(ratios) and ratios[j][1] == ratios[i][1]:
            j += 1
        tied = [(_by_text(normalized, texts[rows[k]], names[rows[k]], ids[entity_of[rows[k]]]), k)
                for _, _, k in ratios[i:j]]
        tied.sort()
        for item in tied:
            yield item[1]
        i = j


def _leading(kept: list[int], texts: list[str], entity_of: Sequence[int],
             budget: int) -> set[int]:
    """The entities worth comparing, from ``kept`` (rows best first): those whose best
    row's text is one of the first ``budget`` such texts, at most ``budget`` entities of
    each. One entity's many aliases take one place, and so do entities of the same name,
    which score alike: eleven "Homa Hosseini" must not crowd "Homa Rahimi" out of the
    comparisons for "Hossein Homa Rahimi" (an answer that changed with ``limit``, which
    widens the budget)."""
    leading: set[int] = set()
    seen: set[int] = set()
    per_text: dict[str, int] = {}
    for row in kept:
        entity = entity_of[row]
        if entity in seen:
            continue
        seen.add(entity)
        text = texts[row]
        count = per_text.get(text, 0)
        if count < budget and (count or len(per_text) < budget):
            per_text[text] = count + 1
            leading.add(entity)
    return leading
