"""aliaskit's data classes, all in one place.

Every result aliaskit returns is a frozen, slotted attrs class: typed, immutable,
hashable, and printable. Provenance is data (source, offsets, text), never prose.
"""

from __future__ import annotations

from typing import Literal

import attrs

__all__ = ["NamePart", "PartRole", "Script"]

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
