"""Stage 1 of the pipeline: normalisation and name parts.

``normalize()`` turns any written form of a name (Latin with diacritics or
transliteration marks, Perso-Arabic script in Dari, Pashto, Farsi or Arabic) into one
comparable representation: lower-case ASCII words separated by single spaces, with
Perso-Arabic words romanised and split compounds joined. ``name_parts()`` returns the
same words with their roles and their offsets in the input.

The work is done in :mod:`aliaskit._parsing` (compiled with mypyc when built); all word
lists and letter rules come from ``data/`` (see docs/normalisation.md).
"""

from __future__ import annotations

from ._parsing import MAX_NAME_LENGTH, _name_parts_of, _parse
from ._types import NamePart

__all__ = ["MAX_NAME_LENGTH", "name_parts", "normalize"]


def name_parts(text: str) -> tuple[NamePart, ...]:
    """Split a name into normalised parts with their roles and offsets.

    Roles: ``"title"`` for titles and honorifics at the start (data/titles.txt),
    ``"connector"`` and ``"particle"`` for izafe, "of", "and", al-, bin
    (data/particles.txt), ``"name"`` for everything that decides identity. Compounds
    written apart are joined into one part ("Habib Ullah" → ``habibullah``).

    ```pycon
    >>> [(p.text, p.role) for p in name_parts("President Hamid Karzai")]
    [('president', 'title'), ('hamid', 'name'), ('karzai', 'name')]
    >>> [(p.text, p.role) for p in name_parts("Hezb-i Islami")]
    [('hezb', 'name'), ('i', 'connector'), ('islami', 'name')]
    >>> [p.text for p in name_parts("امیر خان متقی")]
    ['amir', 'khan', 'muttaqi']

    ```

    Raises :class:`~aliaskit.InvalidNameError` for input that is not a name: not a
    string, empty or whitespace, no letters, longer than :data:`MAX_NAME_LENGTH`, or a
    word mixing scripts.
    """
    return _name_parts_of(text, _parse(text))


def normalize(text: str) -> str:
    """Return the normalised form of a name: lower-case ASCII words, single spaces.

    ```pycon
    >>> normalize("  Ḥusām al-Dīn ")
    'husamaldin'
    >>> normalize("Hizb-e-Islami")
    'hizb e islami'
    >>> normalize("امیر خان متقی")
    'amir khan muttaqi'

    ```

    Idempotent: ``normalize(normalize(x)) == normalize(x)``. Raises
    :class:`~aliaskit.InvalidNameError` like :func:`name_parts`.
    """
    return " ".join([part.text for part in _parse(text)])
