"""Deduplication: group a list of names into entities.

Candidate pairs come from the resolver's index (so millions of names never meet every
other name), are scored with :func:`aliaskit.compare`, and are grouped around
representatives: every member of a group must match the group's representative
itself, not merely some other member, so that common tokens ("Mohammad", "Khan")
cannot chain unrelated names into one group.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from ._compare import _profile, compare
from ._errors import AliaskitError, InvalidNameError
from ._keys import variant_index
from ._normalize import name_parts
from ._resolve import Resolver
from ._types import Cluster, ClusterMember, Entity, Kind, _require_kind

__all__ = ["cluster"]

NEIGHBOURS = 20


def _canonical_parts(name: str) -> int:
    """How many parts of ``name`` are the canonical spelling of their variant group."""
    index = variant_index()
    count = 0
    for part in name_parts(name):
        group = index.group_of.get(part.text)
        count += group is not None and index.canonical[group] == part.text and part.script == "latin"
    return count


def cluster(
    names: Iterable[str],
    *,
    kind: Kind | None = None,
    profile: str = "dedupe",
    progress: Callable[[int], None] | None = None,
) -> list[Cluster]:
    """Group ``names`` into clusters of names for the same entity, largest first.

    Identical strings are grouped first; every distinct name ends up in exactly one
    cluster (a name that matches nothing is a cluster of one). The representative is
    the name with the most matches (ties: the most frequent, then the one written
    with the most canonical spellings of data/variants.txt, then the longest).

    ```pycon
    >>> groups = cluster(["Amir Khan Muttaqi", "Amir Khan Mottaki", "Mohammad Karim",
    ...                   "Mohammad Khan", "امیر خان متقی"])
    >>> [(g.representative, g.size) for g in groups]
    [('Amir Khan Muttaqi', 3), ('Mohammad Karim', 1), ('Mohammad Khan', 1)]

    ```

    Raises :class:`~aliaskit.InvalidNameError` naming the first position whose name is
    not valid (empty, no letters, ...), :class:`TypeError` for a name that is not a string.
    """
    _require_kind(kind)
    _profile(profile)
    positions: dict[str, list[int]] = defaultdict(list)
    for position, name in enumerate(names):
        positions[name].append(position)
    distinct = list(positions)
    entities = []
    for i, name in enumerate(distinct):
        try:
            entities.append(Entity(id=str(i), name=name, kind=kind))
        except AliaskitError as exc:
            raise InvalidNameError(f"name at position {positions[name][0]}: {exc}") from None
    try:
        resolver = Resolver(entities)
    except AliaskitError as exc:
        raise InvalidNameError(f"cannot index the names: {exc}") from None

    edges: dict[int, dict[int, float]] = defaultdict(dict)
    for i, name in enumerate(distinct):
        for match in resolver.resolve(name, kind=kind, limit=NEIGHBOURS, profile=profile,
                                      partial=False):
            j = int(match.entity.id)
            if j != i:
                edges[i][j] = max(edges[i].get(j, 0.0), match.score)
                edges[j][i] = max(edges[j].get(i, 0.0), match.score)
        if progress is not None:
            progress(i + 1)

    order = sorted(range(len(distinct)), key=lambda i: (
        -len(edges[i]), -len(positions[distinct[i]]), -_canonical_parts(distinct[i]),
        -len(distinct[i]), distinct[i]))
    assigned: set[int] = set()
    clusters: list[Cluster] = []
    for rep in order:
        if rep in assigned:
            continue
        assigned.add(rep)
        rep_name = distinct[rep]
        members = [ClusterMember(rep_name, tuple(positions[rep_name]),
                                 compare(rep_name, rep_name, kind=kind, profile=profile))]
        for j in sorted(edges[rep], key=lambda j: (-edges[rep][j], distinct[j])):
            if j in assigned:
                continue
            evidence = compare(rep_name, distinct[j], kind=kind, profile=profile)
            if evidence.is_match:  # direct match with the representative, never a chain
                assigned.add(j)
                members.append(ClusterMember(distinct[j], tuple(positions[distinct[j]]), evidence))
        clusters.append(Cluster(rep_name, tuple(members)))
    clusters.sort(key=lambda c: (-c.size, c.representative))
    return clusters
