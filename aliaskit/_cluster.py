"""Deduplication: group a list of names into entities.

Candidate pairs come from the resolver's index (so millions of names never meet every
other name), are scored with :func:`aliaskit.compare`, and are grouped around
representatives: every member of a group must match the group's representative
itself, not merely some other member, so that common tokens ("Mohammad", "Khan")
cannot chain unrelated names into one group.
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable

from ._compare import Profile, _profile, compare
from ._errors import AliaskitError, InvalidNameError
from ._judgements import Judgement, Judgements, name_key
from ._keys import variant_index
from ._normalize import name_parts, normalize
from ._resolve import Resolver, names_list
from ._scoring import middle_missing
from ._types import Cluster, ClusterMember, Comparison, Entity, Kind, _require_kind

__all__ = ["cluster"]

NEIGHBOURS = 20


def _canonical_parts(name: str) -> int:
    """How many parts of ``name`` are the canonical spelling of their variant group."""
    index = variant_index()
    count = 0
    for part in name_parts(name):
        if part.role != "name":  # a title written canonically ("Mawlawi") is still a title
            continue
        group = index.group_of.get(part.text)
        count += group is not None and index.canonical[group] == part.text and part.script == "latin"
    return count


def _middle_part_missing(comparison: Comparison) -> bool:
    """Does one name lack a given name that the other has between two parts they share
    ("Ahmad [Shah] Massoud")? Such a pair is not merged without a reviewer: the model matches it
    (a middle name is often left out: "Amir [Khan] Muttaqi"), but a son is named after
    his father less a part as often ("Ahmad Massoud", the son of Ahmad Shah Massoud), and
    merging two people corrupts a list where leaving two names apart does not."""
    return any(r.method == "missing" for r in comparison.alignment) and middle_missing(
        comparison.left, comparison.right, comparison.kind)


def _extras(name: str) -> int:
    """How many parts of ``name`` are titles or legal forms (Mawlawi, Dr., PLC, Co.)."""
    return sum(1 for part in name_parts(name) if part.role in ("title", "legal"))


def cluster(
    names: Iterable[str],
    *,
    kind: Kind | None = None,
    profile: str | Profile = "dedupe",
    progress: Callable[[int], None] | None = None,
    judgements: Judgements | None = None,
) -> list[Cluster]:
    """Group ``names`` into clusters of names for the same entity, largest first.

    Identical strings are grouped first; every distinct name ends up in exactly one
    cluster (a name that matches nothing is a cluster of one). The representative is
    the name with the most matches (ties: the most frequent, then the one written
    with the most canonical spellings of data/variants.txt, then the one with the fewest
    titles and legal forms, then the longest, then one not all in capitals), and a
    name that matches several representatives joins the one it matches best. A name
    that lacks a given name the other has between two parts they share ("Ahmad [Shah]
    Massoud") is not merged without a reviewer's judgement.

    ```pycon
    >>> groups = cluster(["Amir Khan Muttaqi", "Amir Khan Mottaki", "Mohammad Karim",
    ...                   "Mohammad Khan", "امیر خان متقی"])
    >>> [(g.representative, g.size) for g in groups]
    [('Amir Khan Muttaqi', 3), ('Mohammad Karim', 1), ('Mohammad Khan', 1)]

    ```

    ``judgements`` (:class:`~aliaskit.Judgements`, names compared normalised) are
    reviewers' decisions: names judged the ``same`` are in one cluster (even when the
    score says otherwise; ``member.judgement`` says why), and names judged ``different``
    are never in one cluster, not even through a third name that matches both
    (cannot-link constraints hold for the whole cluster). A ``same`` decision that
    would join two names judged different is not applied (a warning says which).
    Decisions made for a birth year or country (a screened customer's) are not applied:
    the names grouped have none.

    Raises :class:`~aliaskit.InvalidNameError` naming the first position whose name is
    not valid (empty, no letters, ...), :class:`TypeError` for a name that is not a string.
    """
    _require_kind(kind)
    _profile(profile)
    positions: dict[str, list[int]] = defaultdict(list)
    for position, name in enumerate(names_list(names)):
        positions[name].append(position)
    distinct = list(positions)
    entities = []
    for i, name in enumerate(distinct):
        try:
            normalize(name)  # to name the position of a name that cannot be indexed
            entities.append(Entity(id=str(i), name=name, kind=kind))
        except AliaskitError as exc:
            raise InvalidNameError(f"name at position {positions[name][0]}: {exc}") from None
    try:
        resolver = Resolver(entities)
    except AliaskitError as exc:
        raise InvalidNameError(f"cannot index the names: {exc}") from None

    if judgements is not None and not isinstance(judgements, Judgements):
        raise TypeError(f"judgements must be a Judgements collection, not {type(judgements).__name__}")
    groups, cannot, why = _constraints(distinct, judgements)

    edges: dict[int, dict[int, float]] = defaultdict(dict)
    for i, name in enumerate(distinct):
        for match in resolver.resolve(name, kind=kind, limit=NEIGHBOURS, profile=profile,
                                      partial=False):
            j = int(match.entity.id)
            if j != i and j not in cannot[i]:
                edges[i][j] = max(edges[i].get(j, 0.0), match.score)
                edges[j][i] = max(edges[j].get(i, 0.0), match.score)
        if progress is not None:
            progress(i + 1)

    # Last, a name not all in capitals before one that is (a list's or a dateline's
    # "KABUL"), as the resolver shows them, then by text: never by input order.
    # A title or legal form says nothing of who the entity is: of names otherwise alike,
    # "Amir Khan Muttaqi" represents "Mawlawi Amir Khan Muttaqi", and "Bank Melli Iran"
    # "Bank Melli Iran PLC".
    order = sorted(range(len(distinct)), key=lambda i: (
        -len(edges[i]), -len(positions[distinct[i]]), -_canonical_parts(distinct[i]),
        _extras(distinct[i]), -len(distinct[i]), distinct[i].isupper(), distinct[i]))
    assigned: set[int] = set()
    built: list[tuple[int, list[tuple[int, ClusterMember]]]] = []
    for rep in order:
        if rep in assigned:
            continue
        rep_name = distinct[rep]
        members = [(rep, ClusterMember(rep_name, tuple(positions[rep_name]),
                                       compare(rep_name, rep_name, kind=kind, profile=profile)))]
        unit = groups.get(rep, [rep])
        blocked: set[int] = set()
        for m in unit:
            assigned.add(m)
            blocked |= cannot[m]
            if m != rep:
                members.append((m, ClusterMember(
                    distinct[m], tuple(positions[distinct[m]]),
                    compare(rep_name, distinct[m], kind=kind, profile=profile), why.get(m))))
        for j in sorted(edges[rep], key=lambda j: (-edges[rep][j], distinct[j])):
            if j in assigned or j in blocked:
                continue
            joined = groups.get(j, [j])
            if any(m in blocked or m in assigned for m in joined):
                continue  # a reviewer split a name of j's group from one of this cluster
            evidence = compare(rep_name, distinct[j], kind=kind, profile=profile)
            # A direct match with the representative, never a chain, and never a name
            # that lacks a middle given name of the other (_middle_part_missing).
            if evidence.is_match and not _middle_part_missing(evidence):
                for m in joined:
                    assigned.add(m)
                    blocked |= cannot[m]
                    members.append((m, ClusterMember(
                        distinct[m], tuple(positions[distinct[m]]),
                        evidence if m == j else compare(rep_name, distinct[m], kind=kind,
                                                        profile=profile),
                        None if m == j else why.get(m))))
        built.append((rep, members))
    clusters = [Cluster(distinct[rep], tuple(m for _, m in members))
                for rep, members in _closest(built, edges, groups, cannot, distinct, kind, profile)]
    clusters.sort(key=lambda c: (-c.size, c.representative))
    return clusters


def _closest(built: list[tuple[int, list[tuple[int, ClusterMember]]]],
             edges: dict[int, dict[int, float]], groups: dict[int, list[int]],
             cannot: defaultdict[int, set[int]], distinct: list[str], kind: Kind | None,
             profile: str | Profile) -> list[tuple[int, list[tuple[int, ClusterMember]]]]:
    """The clusters with each member moved to the representative it matches best.

    Representatives take their matches in turn, the one with most matches first, so a
    name that matches two of them went to the first ("Ahmed Masoud" to the father
    "Ahmad Shah Masood" before the son "Ahmad Massoud" had his turn). A member that
    matches another representative better moves there, unless a reviewer put it where
    it is (a group judged the same) or judged it different from a name there.
    """
    cluster_of_rep = {rep: k for k, (rep, _) in enumerate(built)}
    names_in = [{m for m, _ in members} for _, members in built]
    moves: list[tuple[int, ClusterMember, int, int]] = []  # (name, member, from, to cluster)
    for k, (rep, members) in enumerate(built):
        for m, member in members:
            if m == rep or len(groups.get(m, ())) > 1:
                continue
            best, target = member.comparison.score, k
            for other, score in edges[m].items():
                to = cluster_of_rep.get(other)
                if to is None or to == k or score <= best or cannot[m] & names_in[to]:
                    continue
                best, target = score, to
            if target != k:
                moves.append((m, member, k, target))
    if not moves:
        return built
    out = [(rep, list(members)) for rep, members in built]
    for m, before, source, target in moves:
        evidence = compare(distinct[out[target][0]], distinct[m], kind=kind, profile=profile)
        if (not evidence.is_match or _middle_part_missing(evidence)
                or evidence.score <= before.comparison.score
                or any(i in cannot[m] for i, _ in out[target][1])):
            continue
        out[source] = (out[source][0], [(i, c) for i, c in out[source][1] if i != m])
        out[target][1].append((m, ClusterMember(before.name, before.positions, evidence)))
    return out


def _constraints(distinct: list[str], judgements: Judgements | None
                 ) -> tuple[dict[int, list[int]], defaultdict[int, set[int]], dict[int, Judgement]]:
    """The reviewers' decisions on these names: groups of names judged the same
    (index -> the sorted members of its group, for names in a group of two or more),
    names judged different (index -> indexes), and the judgement that put each grouped
    name in its group."""
    cannot: defaultdict[int, set[int]] = defaultdict(set)
    if not judgements:
        return {}, cannot, {}
    by_key: dict[str, list[int]] = defaultdict(list)
    for i, name in enumerate(distinct):
        key = name_key(name)
        if key is not None:
            by_key[key].append(i)
    # Names to group carry no birth year or country: a decision made for one customer's
    # context is not about these names.
    applied = [j for j in judgements.applied() if j.applies()]

    def indexes(j: Judgement) -> tuple[list[int], list[int]]:
        return by_key.get(name_key(j.left) or "", []), by_key.get(name_key(j.right) or "", [])

    for j in applied:
        if j.judgement == "different":
            left, right = indexes(j)
            for a in left:
                for b in right:
                    if a != b:
                        cannot[a].add(b)
                        cannot[b].add(a)
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    members: dict[int, set[int]] = {}
    why: dict[int, Judgement] = {}
    for j in applied:
        if j.judgement != "same":
            continue
        left, right = indexes(j)
        for a in left:
            for b in right:
                ra, rb = root(a), root(b)
                if ra == rb:
                    continue
                group_a, group_b = members.get(ra, {ra}), members.get(rb, {rb})
                if any(cannot[x] & group_b for x in group_a):
                    warnings.warn(f"judgement {j.left!r} = {j.right!r} not applied: it would join "
                                  "names a reviewer judged different", stacklevel=3)
                    continue
                parent[rb] = ra
                members[ra] = group_a | group_b
                members.pop(rb, None)
                why.setdefault(a, j)
                why.setdefault(b, j)
    groups: dict[int, list[int]] = {}
    for group in members.values():
        ordered = sorted(group)
        for x in ordered:
            groups[x] = ordered
    return groups, cannot, why
