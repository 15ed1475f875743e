"""aliaskit's data classes, all in one place.

Every result aliaskit returns is a frozen, slotted attrs class: typed, immutable,
hashable, and printable. Provenance is data (source, offsets, text), never prose.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import attrs

from ._errors import InvalidNameError

__all__ = ["Alias", "Entity", "Kind", "Mention", "NamePart", "PartRole", "Script"]

Kind = Literal["person", "place", "org"]
"""What an entity is. ``None`` where a gazetteer does not say."""

KINDS: tuple[Kind, ...] = ("person", "place", "org")

PartRole = Literal["name", "title", "connector", "particle"]
"""What a name part is: an identity-bearing ``"name"``, a ``"title"`` (Mullah, President),
a ``"connector"`` (izafe -i/-e, "of", "and") or a ``"particle"`` (the article al-, bin)."""

Script = Literal["latin", "arabic", "other", "digits"]
"""The script a name part was written in, before romanisation."""


@attrs.frozen(slots=True)
class NamePart:
    """One part of a name, as :func:`aliaskit.name_parts` returns it.

    ``text`` is the normalised form (lower-case ASCII, compounds joined); ``original``
    is the exact text of the input between ``start`` and ``end`` (character offsets
    into the string that was passed in): ``name[start:end] == original``.

    >>> from aliaskit import name_parts
    >>> [(p.text, p.role) for p in name_parts("Mullah Abdul Qahar")]
    [('mullah', 'title'), ('abdulqahar', 'name')]
    """

    text: str
    role: PartRole
    original: str
    start: int
    end: int
    script: Script

    @property
    def is_identity(self) -> bool:
        """True for parts that decide identity (role ``"name"``)."""
        return self.role == "name"


@attrs.frozen(slots=True)
class Mention:
    """Where a name was seen: ``text`` is ``source``'s text between ``start`` and ``end``.

    Offsets are character offsets (Python ``str`` indices) into the source decoded as
    UTF-8; ``line`` counts from 1. ``context`` is the surrounding text on one line.
    ``decision`` is the recorded reason when the name was ambiguous and a person chose
    the entity (see docs/data.md), else ``None``.
    """

    source: str
    start: int
    end: int
    line: int
    text: str
    context: str = ""
    decision: str | None = None


AliasOrigin = Literal["seed", "curated", "user"]
"""Where an alias comes from: seen in the seed articles, curated from other sources,
or given by the user's own gazetteer."""


@attrs.frozen(slots=True)
class Alias:
    """One name under which an entity is known, with its provenance."""

    name: str
    origin: AliasOrigin = "user"
    ambiguous: bool = False
    note: str | None = None
    mentions: tuple[Mention, ...] = ()


def _to_aliases(values: Iterable[str | Alias]) -> tuple[Alias, ...]:
    if isinstance(values, str):
        raise InvalidNameError("aliases must be a list of names, not one string")
    aliases: list[Alias] = []
    for value in values:
        if isinstance(value, Alias):
            aliases.append(value)
        elif isinstance(value, str):
            aliases.append(Alias(value))
        else:
            raise InvalidNameError(f"an alias must be a string or Alias, not {type(value).__name__}")
    return tuple(aliases)


def _check_kind(instance: object, attribute: object, value: object) -> None:
    if value is not None and value not in KINDS:
        raise InvalidNameError(f"kind must be one of {', '.join(KINDS)} or None, not {value!r}")


def _check_text(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidNameError(f"entity {attribute.name} must be a non-empty string, not {value!r}")


@attrs.frozen(slots=True)
class Entity:
    """A canonical person, place or organisation and the names it is known by.

    Users build their own gazetteer from plain strings:

    >>> e = Entity(id="x1", name="Amir Khan Muttaqi", kind="person",
    ...            aliases=["Mottaki", "امیر خان متقی"])
    >>> e.names
    ('Amir Khan Muttaqi', 'Mottaki', 'امیر خان متقی')
    """

    id: str = attrs.field(validator=_check_text)
    name: str = attrs.field(validator=_check_text)
    kind: Kind | None = attrs.field(default=None, validator=_check_kind)
    aliases: tuple[Alias, ...] = attrs.field(default=(), converter=_to_aliases)
    description: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        """The canonical name and every alias, without repeats, canonical first."""
        return tuple(dict.fromkeys((self.name, *(a.name for a in self.aliases))))

    @property
    def mentions(self) -> tuple[Mention, ...]:
        """Every recorded mention of the entity, in source order: where it was seen."""
        found = [m for alias in self.aliases for m in alias.mentions]
        return tuple(sorted(found, key=lambda m: (m.source, m.start)))
