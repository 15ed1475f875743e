"""Saved screening indexes (``aliaskit index``): built once, updated by delta.

An index is a :class:`~aliaskit.Resolver` written by :meth:`~aliaskit.Resolver.save`.
:func:`update_index` removes and adds entities in place (an entity whose id is already
there is replaced); the updated index answers exactly as one built from scratch from the
same entities would, and its saved file is byte for byte the one that index writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import attrs

from ._errors import InvalidArgumentError
from ._resolve import Resolver
from ._types import Entity

__all__ = ["IndexDelta", "build_index", "load_index", "read_ids", "update_index"]


def load_index(path: str | Path) -> Resolver:
    """A resolver from a saved index file (:meth:`Resolver.load`: a stale, corrupt or
    foreign file raises :class:`~aliaskit.DataFileError`)."""
    return Resolver.load(path)


def build_index(entities: Iterable[Entity]) -> Resolver:
    """An index over ``entities``, in order (save it with :meth:`Resolver.save`)."""
    return Resolver(entities)


@attrs.frozen
class IndexDelta:
    """What :func:`update_index` changed: ids added (new), replaced (present before, given
    again) and removed (and not given again)."""

    added: int
    replaced: int
    removed: int


def update_index(index: Resolver, *, add: Iterable[Entity] = (),
                 remove: Iterable[str] = ()) -> IndexDelta:
    """Apply a delta to ``index`` in place: first remove the entities with the ids in
    ``remove``, then add ``add``, replacing any entity that has the same id.

    Everything is checked before anything changes: an id in ``remove`` that the index
    does not have, or an id given twice in ``add``, raises
    :class:`~aliaskit.InvalidArgumentError`.
    """
    if isinstance(remove, str):
        raise TypeError("remove must be a list of ids, not one string")
    gone = list(dict.fromkeys(remove))
    new = list(add)
    for entity in new:
        if not isinstance(entity, Entity):
            raise TypeError(f"expected an Entity, not {type(entity).__name__}")
    missing = [i for i in gone if i not in index._ids]
    if missing:
        shown = ", ".join(map(repr, missing[:5])) + (" ..." if len(missing) > 5 else "")
        raise InvalidArgumentError(f"cannot remove {len(missing):,} id(s) the index does not "
                                   f"have: {shown}")
    seen: set[str] = set()
    for entity in new:
        if entity.id in seen:
            raise InvalidArgumentError(f"id {entity.id!r} is given more than once in the "
                                       "entities to add")
        seen.add(entity.id)
    before = [e.id for e in new if e.id in index._ids]
    index.remove(dict.fromkeys([*gone, *before]))
    for entity in new:
        index.add(entity)
    return IndexDelta(added=len(new) - len(before), replaced=len(before),
                      removed=len([i for i in gone if i not in seen]))


def read_ids(path: Path) -> list[str]:
    """The ids in a file, one a line; blank lines and lines starting with ``#`` are
    skipped, and spaces around an id are not part of it."""
    from ._data import read_text

    return [line.strip() for line in read_text(path).splitlines()
            if line.strip() and not line.lstrip().startswith("#")]
