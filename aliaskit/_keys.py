"""Stage 2: keys for candidate generation.

A key is a short, transliteration-invariant code for one name part: every attested
spelling of the part (data/variants.txt) gets the key of its group's canonical
spelling, and any other spelling gets the key that the rules of data/keys.txt give
(vowel classes, doubled letters, q/k, kh, gh, z/dh, w/v, silent h, ...). Keys find
candidates; they never decide a match (that is :func:`aliaskit.compare`).
"""

from __future__ import annotations

import functools

import attrs
import jellyfish

from . import _data
from ._normalize import name_parts, normalize
from ._parsing import _rewrite, one_part

__all__ = ["metaphone_key", "nysiis_key", "phonetic_key", "variant_group"]


@attrs.frozen(slots=True)
class _VariantIndex:
    group_of: dict[str, str]  # normalised spelling → group id
    canonical: dict[str, str]  # group id → normalised canonical spelling
    groups: dict[str, _data.VariantGroup]


@functools.lru_cache(maxsize=1)
def variant_index() -> _VariantIndex:
    group_of: dict[str, str] = {}
    canonical: dict[str, str] = {}
    groups: dict[str, _data.VariantGroup] = {}
    for group in _data.variant_groups():
        groups[group.id] = group
        canonical[group.id] = normalize(group.spellings[0]).replace(" ", "")
        for spelling in (*group.spellings, *group.script_forms):
            group_of.setdefault(normalize(spelling).replace(" ", ""), group.id)
    return _VariantIndex(group_of, canonical, groups)


def variant_group(part: str) -> str | None:
    """Return the id of the variant group a name part belongs to, if any (the part is
    normalised first, and must be one part).

    ```pycon
    >>> variant_group("mottaki")
    'muttaqi'

    ```
    """
    if not isinstance(part, str):
        raise TypeError(f"a name part must be a string, not {type(part).__name__}")
    return variant_index().group_of.get(one_part(part))


@functools.lru_cache(maxsize=65536)
def rule_key(part: str) -> str:
    """Key of one normalised name part by the rules of data/keys.txt alone."""
    return _rewrite(_data.key_rules(), part).upper()


@functools.lru_cache(maxsize=65536)
def part_key(part: str) -> str:
    """Key of one normalised name part: its variant group's key, else the rule key."""
    index = variant_index()
    group = index.group_of.get(part)
    return rule_key(index.canonical[group] if group is not None else part)


def phonetic_key(text: str) -> str:
    """Return the phonetic key of a name: one key per identity part, space-separated.

    Titles, connectors and particles are left out. The same key comes out of the
    Latin spellings and the Perso-Arabic form of a name:

    ```pycon
    >>> phonetic_key("Muttaqi") == phonetic_key("Mottaki") == phonetic_key("متقی")
    True
    >>> phonetic_key("Mullah Amir Khan Muttaqi")
    'AMR XN MTK'

    ```

    Raises :class:`~aliaskit.InvalidNameError` for invalid input, like normalize().
    """
    return " ".join(part_key(p.text) for p in name_parts(text) if p.is_identity)


def metaphone_key(text: str) -> str:
    """jellyfish's Metaphone of each identity part (for comparison with phonetic_key)."""
    return " ".join(jellyfish.metaphone(p.text) for p in name_parts(text) if p.is_identity)


def nysiis_key(text: str) -> str:
    """jellyfish's NYSIIS of each identity part (for comparison with phonetic_key)."""
    return " ".join(jellyfish.nysiis(p.text) for p in name_parts(text) if p.is_identity)
