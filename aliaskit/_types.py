"""aliaskit's data classes, all in one place.

Every result aliaskit returns is a frozen, slotted attrs class: typed, immutable,
hashable, and printable. Provenance is data (source, offsets, text), never prose.
"""

from __future__ import annotations

import collections
import itertools
import math
import operator
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

import attrs

from ._errors import InvalidArgumentError, InvalidNameError

if TYPE_CHECKING:
    from ._judgements import Judgement

__all__ = [
    "Alias",
    "AliasOrigin",
    "AlignedPart",
    "Cluster",
    "ClusterMember",
    "Comparison",
    "Entity",
    "Kind",
    "Layer",
    "LinkedMention",
    "Match",
    "Mention",
    "Method",
    "NamePart",
    "PartRole",
    "Script",
]

Kind = Literal["person", "place", "org"]
"""What an entity is. ``None`` where a gazetteer does not say."""

KINDS: tuple[Kind, ...] = ("person", "place", "org")

PartRole = Literal["name", "title", "connector", "particle", "legal"]
"""What a name part is: an identity-bearing ``"name"``, a ``"title"`` (Mullah, President),
a ``"connector"`` (izafe -i/-e, "of", "and"), a ``"particle"`` (the article al-, bin) or a
``"legal"`` form of an organisation (Ltd, PJSC, Company, Sherkat: data/org_words.txt)."""

Script = Literal["latin", "arabic", "other", "digits"]
"""The script a name part was written in, before romanisation."""


def _of_type(*types: type, optional: bool = False) -> Callable[[object, Any, object], None]:
    """An attrs validator: TypeError unless the value is one of ``types`` (or None)."""
    def check(instance: object, attribute: Any, value: object) -> None:
        if (value is None and optional) or (
                isinstance(value, types) and not (isinstance(value, bool) and bool not in types)):
            return
        names = " or ".join(t.__name__ for t in types) + (" or None" if optional else "")
        raise TypeError(f"{type(instance).__name__}.{attribute.name} must be {names}, "
                        f"not {type(value).__name__}")
    return check


def _not_negative(instance: object, attribute: Any, value: object) -> None:
    if isinstance(value, int) and value < 0:
        raise InvalidArgumentError(
            f"{type(instance).__name__}.{attribute.name} must not be negative, not {value}")


def _field(kind: type, default: Any = attrs.NOTHING, *, optional: bool = False,
           counts: bool = False) -> Any:
    """An attrs field checked to be of ``kind`` (an int that ``counts`` is at least 0)."""
    validators = [_of_type(kind, optional=optional)]
    if counts:
        validators.append(_not_negative)
    return attrs.field(default=default, validator=validators)


def _listed(values: object, what: str) -> tuple[Any, ...]:
    """``values`` as a tuple, when they are a list of items; TypeError saying ``what``
    otherwise (one string, a mapping, a single value: each iterates, wrongly or not at
    all). The items are the caller's to check."""
    if isinstance(values, str):
        raise TypeError(f"{what}, not one string")
    if isinstance(values, Mapping) or not isinstance(values, Iterable):
        raise TypeError(f"{what}, not {type(values).__name__}")
    return tuple(values)


def _mapping(record: object, what: str) -> dict[str, Any]:
    """``record`` as a dict of str keys; TypeError if it is not a mapping."""
    if not isinstance(record, Mapping):
        article = "an" if what[:1] in ("a", "e", "i", "o", "u") else "a"
        raise TypeError(f"{article} {what} record must be a mapping, not {type(record).__name__}")
    return dict(record)


def _from_fields(cls: Any, record: dict[str, Any], what: str, required: tuple[str, ...]) -> Any:
    """``cls(**record)``, with a record's bad fields reported as InvalidArgumentError
    naming the field (the record is data, not a call)."""
    known = {a.name for a in attrs.fields(cls)}
    unknown = sorted(set(record) - known)
    if unknown:
        raise InvalidArgumentError(f"unknown field(s) of {what}: {', '.join(unknown)}")
    missing = [f for f in required if f not in record]
    if missing:
        raise InvalidArgumentError(f"{' and '.join(repr(f) for f in missing)} "
                                   f"{'is' if len(missing) == 1 else 'are'} required")
    try:
        return cls(**record)
    except TypeError as exc:
        raise InvalidArgumentError(str(exc)) from None


@attrs.frozen(slots=True)
class NamePart:
    """One part of a name, as :func:`aliaskit.name_parts` returns it.

    ``text`` is the normalised form (lower-case ASCII, compounds joined); ``original``
    is the exact text of the input between ``start`` and ``end`` (character offsets
    into the string that was passed in): ``name[start:end] == original``.

    ```pycon
    >>> from aliaskit import name_parts
    >>> [(p.text, p.role) for p in name_parts("Mullah Abdul Qahar")]
    [('mullah', 'title'), ('abdulqahar', 'name')]

    ```
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

    def to_dict(self) -> dict[str, Any]:
        """The part as a JSON-ready dict (the record of ``aliaskit parts --format jsonl``)."""
        return {"text": self.text, "role": self.role, "original": self.original,
                "start": self.start, "end": self.end, "script": self.script}


@attrs.frozen(slots=True)
class Mention:
    """Where a name was seen: ``text`` is ``source``'s text between ``start`` and ``end``.

    Offsets are character offsets (Python ``str`` indices) into the source decoded as
    UTF-8; ``line`` counts from 1. ``context`` is the surrounding text on one line.
    ``decision`` is the recorded reason when the name was ambiguous and a person chose
    the entity (see docs/data.md), else ``None``.
    """

    source: str = _field(str)
    start: int = _field(int, counts=True)
    end: int = _field(int, counts=True)
    line: int = _field(int, counts=True)
    text: str = _field(str)
    context: str = _field(str, "")
    decision: str | None = _field(str, None, optional=True)

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise InvalidArgumentError(
                f"Mention.end ({self.end}) must not be before its start ({self.start})")

    def to_dict(self) -> dict[str, Any]:
        """The mention as a JSON-ready dict: ``source, start, end, line, text, context,
        decision``."""
        return {"source": self.source, "start": self.start, "end": self.end, "line": self.line,
                "text": self.text, "context": self.context, "decision": self.decision}

    @classmethod
    def from_dict(cls, record: Any) -> Mention:
        """The mention of a :meth:`to_dict` record; a bad field raises
        :class:`~aliaskit.InvalidArgumentError` naming it."""
        fields = _mapping(record, "mention")
        return cast(Mention, _from_fields(cls, fields, "mention",
                                          ("source", "start", "end", "line", "text")))


AliasOrigin = Literal["canonical", "seed", "curated", "user"]
"""Where an alias comes from: the entity's canonical name, seen in the seed articles,
curated from other sources, or given by the user's own gazetteer."""


ALIAS_ORIGINS: tuple[AliasOrigin, ...] = ("canonical", "seed", "curated", "user")


def _check_origin(instance: object, attribute: object, value: object) -> None:
    if not isinstance(value, str):
        raise TypeError(f"Alias.origin must be a string, not {type(value).__name__}")
    if value not in ALIAS_ORIGINS:
        raise InvalidArgumentError(
            f"Alias.origin must be one of {', '.join(ALIAS_ORIGINS)}, not {value!r}")


def _to_mentions(values: object) -> tuple[Mention, ...]:
    out = _listed(values, "mentions must be a list of Mention")
    for value in out:
        if not isinstance(value, Mention):
            raise TypeError(f"a mention must be a Mention, not {type(value).__name__}")
    return out


def _check_text(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str):
        raise TypeError(f"{type(instance).__name__}.{attribute.name} must be a string, "
                        f"not {type(value).__name__}")
    if not value.strip():
        raise InvalidNameError(
            f"{type(instance).__name__}.{attribute.name} must be a non-empty string, not {value!r}")
    if "\0" in value:
        # No text holds one: it is what is left of a file in UTF-16, or of a binary one,
        # and normalisation, dropping it, would let the rest match.
        raise InvalidNameError(f"{type(instance).__name__}.{attribute.name} must not hold a "
                               f"NUL character, as {value[:40]!r} does")


@attrs.frozen(slots=True)
class Alias:
    """One name under which an entity is known, with its provenance."""

    name: str = attrs.field(validator=_check_text)
    origin: AliasOrigin = attrs.field(default="user", validator=_check_origin)
    ambiguous: bool = _field(bool, False)
    note: str | None = _field(str, None, optional=True)
    mentions: tuple[Mention, ...] = attrs.field(default=(), converter=_to_mentions)
    weak: bool = _field(bool, False)
    """A weak alias (a list's "low quality" or ``weakAlias``: a nickname, a short or
    generic form): kept for review, flagged on every hit through it."""

    def to_dict(self) -> dict[str, Any]:
        """The alias as a JSON-ready dict, with its mentions (:meth:`Mention.to_dict`)."""
        return {"name": self.name, "origin": self.origin, "ambiguous": self.ambiguous,
                "note": self.note, "mentions": [m.to_dict() for m in self.mentions],
                "weak": self.weak}

    @classmethod
    def from_dict(cls, record: Any) -> Alias:
        """The alias of a :meth:`to_dict` record; a bad field raises
        :class:`~aliaskit.InvalidArgumentError` naming it."""
        fields = _mapping(record, "alias")
        if isinstance(fields.get("mentions"), list):
            fields["mentions"] = [Mention.from_dict(m) if isinstance(m, Mapping) else m
                                  for m in fields["mentions"]]
        return cast(Alias, _from_fields(cls, fields, "alias", ("name",)))


def _to_aliases(values: Iterable[str | Alias]) -> tuple[Alias, ...]:
    aliases: list[Alias] = []
    for value in _listed(values, "aliases must be a list of names"):
        if isinstance(value, Alias):
            aliases.append(value)
        elif isinstance(value, str):
            aliases.append(Alias(value))
        else:
            raise TypeError(f"an alias must be a string or Alias, not {type(value).__name__}")
    return tuple(aliases)


MIN_YEAR, MAX_YEAR = 1000, 2999
"""Birth years outside these are not years ("0000" is a list's placeholder)."""


def _year(text: str) -> int | None:
    """The year a date starts with ("1956-03-01" -> 1956), else None. Digits of any
    script count (Persian ۱۹۵۶ too), as int() reads them."""
    text = text.strip()
    if len(text) < 4 or not text[:4].isdecimal() or (len(text) > 4 and text[4].isdecimal()):
        return None
    year = int(text[:4])
    return year if MIN_YEAR <= year <= MAX_YEAR else None


def _to_strings(values: Iterable[str]) -> tuple[str, ...]:
    out = _listed(values, "expected a list of strings")
    for value in out:
        if not isinstance(value, str):
            raise TypeError(f"expected a list of strings, found {type(value).__name__}")
    return out


def _to_countries(values: Iterable[str]) -> tuple[str, ...]:
    """Countries without blanks; ISO codes in lower case, as context compares them."""
    out = []
    for value in _to_strings(values):
        value = value.strip()
        if value:
            out.append(value.lower() if len(value) == 2 and value.isascii() else value)
    return tuple(out)


def _require_kind(value: object) -> None:
    """Raise unless ``value`` is one of KINDS or None: TypeError for a value that is
    not a string, InvalidArgumentError for another string."""
    if value is not None and not isinstance(value, str):
        raise TypeError(f"kind must be a string or None, not {type(value).__name__}")
    if value is not None and value not in KINDS:
        raise InvalidArgumentError(f"kind must be one of {', '.join(KINDS)} or None, not {value!r}")


def _check_kind(instance: object, attribute: object, value: object) -> None:
    _require_kind(value)


@attrs.frozen(slots=True)
class Entity:
    """A canonical person, place or organisation and the names it is known by.

    Users build their own gazetteer from plain strings:

    ```pycon
    >>> e = Entity(id="x1", name="Amir Khan Muttaqi", kind="person",
    ...            aliases=["Mottaki", "امیر خان متقی"])
    >>> e.names
    ('Amir Khan Muttaqi', 'Mottaki', 'امیر خان متقی')

    ```
    """

    id: str = attrs.field(validator=_check_text)
    name: str = attrs.field(validator=_check_text)
    kind: Kind | None = attrs.field(default=None, validator=_check_kind)
    aliases: tuple[Alias, ...] = attrs.field(default=(), converter=_to_aliases)
    description: str = _field(str, "")
    birth_dates: tuple[str, ...] = attrs.field(default=(), converter=_to_strings)
    """Dates of birth as the source gives them: "1956", "1956-03-01", or a range of years
    "1955/1958"; see :attr:`birth_years`."""
    countries: tuple[str, ...] = attrs.field(default=(), converter=_to_countries)
    """Countries the entity is tied to (nationality, citizenship, location), as ISO
    3166-1 alpha-2 codes where the source gives codes (in lower case: "af", "ir"), else
    as written; blank values are left out."""
    source: str = _field(str, "")
    """The list the entity was read from ("ofac-sdn", "un-sc", "opensanctions", ...)."""

    @property
    def birth_years(self) -> tuple[tuple[int, int], ...]:
        """Each birth date as a range of years (first, last): "1956-03-01" is (1956, 1956),
        "1955/1958" is (1955, 1958); dates without a year are left out.

        ```pycon
        >>> Entity(id="x", name="A B", birth_dates=["1956-03-01", "1960/1962"]).birth_years
        ((1956, 1956), (1960, 1962))

        ```
        """
        years = []
        for date in self.birth_dates:
            ends = [_year(part) for part in date.split("/", 1)]
            if ends[0] is not None and ends[-1] is not None:
                years.append((min(ends[0], ends[-1]), max(ends[0], ends[-1])))
        return tuple(years)

    @property
    def names(self) -> tuple[str, ...]:
        """The canonical name and every alias, without repeats, canonical first."""
        return tuple(dict.fromkeys((self.name, *(a.name for a in self.aliases))))

    @property
    def mentions(self) -> tuple[Mention, ...]:
        """Every recorded mention of the entity, in source order: where it was seen."""
        found = [m for alias in self.aliases for m in alias.mentions]
        return tuple(sorted(found, key=lambda m: (m.source, m.start)))

    def alias(self, name: str) -> Alias:
        """The :class:`Alias` record for one of :attr:`names` (the canonical name too)."""
        for alias in self.aliases:
            if alias.name == name:
                return alias
        if name == self.name:
            return Alias(name, origin="canonical")
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        """The entity as a JSON-ready dict: ``id, name, kind, description``, its
        ``aliases`` (:meth:`Alias.to_dict`, with their mentions), ``birth_dates``,
        ``countries`` and ``source``. :meth:`from_dict` (and a JSON Lines gazetteer)
        reads it back.

        ```pycon
        >>> e = Entity(id="x", name="Kabul", kind="place", aliases=["Kabol"], countries=["AF"])
        >>> Entity.from_dict(e.to_dict()) == e
        True

        ```
        """
        return {"id": self.id, "name": self.name, "kind": self.kind,
                "description": self.description, "aliases": [a.to_dict() for a in self.aliases],
                "birth_dates": list(self.birth_dates), "countries": list(self.countries),
                "source": self.source}

    @classmethod
    def from_dict(cls, record: Any) -> Entity:
        """The entity of a :meth:`to_dict` record, or of a row of a JSON Lines gazetteer
        (where aliases may be plain strings and only ``id`` and ``name`` are required).
        A bad field raises :class:`~aliaskit.InvalidArgumentError` naming it; a record
        that is not a mapping, TypeError."""
        fields = _mapping(record, "entity")
        aliases = fields.get("aliases")
        if isinstance(aliases, list):
            fields["aliases"] = [Alias.from_dict(a) if isinstance(a, Mapping) else a
                                 for a in aliases]
        for name in ("kind", "description", "source", "aliases", "birth_dates", "countries"):
            if name in fields and (fields[name] is None or fields[name] == ""):
                del fields[name]  # JSON null or an empty field: the default
        return cast(Entity, _from_fields(cls, fields, "entity", ("id", "name")))


Method = Literal[
    "exact", "variant", "transliteration", "joined", "compound", "initial", "acronym",
    "translation", "cross-script", "edit", "different", "conflict", "missing", "title",
    "connector", "particle", "legal", "generic", "kind",
]
"""How a part was matched (or why it was not): see :class:`AlignedPart`."""

METHOD_HELP: dict[str, str] = {
    "exact": "same normalised spelling",
    "variant": "attested spellings of the same name (data/variants.txt)",
    "transliteration": "same after folding transliteration alternations (q/k, o/u, e/i, ...)",
    "joined": "the same letters written as one word on one side, or divided at another place",
    "compound": "one side is part of a compound name on the other (Abdul Ghani / Ghani)",
    "initial": "an initial that fits the name",
    "acronym": "an acronym of the other name's words",
    "translation": "the same word in Persian/Dari and English (data/translations.txt)",
    "different": "both are known, different names (data/variants.txt)",
    "cross-script": "Perso-Arabic script on one side or both: compared by phonetic skeleton",
    "edit": "similar spelling (edit distance after folding)",
    "conflict": "different names in the same position: evidence against a match",
    "missing": "present on one side only (a middle name or extra part)",
    "title": "title or honorific: not used for identity",
    "connector": "connector (izafe, of, and): not used for identity",
    "particle": "particle (al-, bin): not used for identity",
    "legal": "legal or company form (Ltd, PJSC, Company; data/org_words.txt): not used for identity",
    "kind": "an organisation's name (it has a word of organisation names: bank, university, "
            "a legal form; data/kind_words.txt) compared as a place's or a person's: what they "
            "share counts for nothing, the organisation's words against",
    "generic": "a very common word or name that is all one name has (Valley, Bank, Mohammad): "
               "shared, it says nothing of identity, and counts as missing on both sides",
}


@attrs.frozen(slots=True)
class AlignedPart:
    """One line of a comparison's alignment.

    ``left``/``right`` are the parts of the first/second name (``None`` on the side
    where a part has no counterpart). ``similarity`` is in [0, 1]; ``weight`` is how
    much the part counts towards the score (0 for titles, connectors and particles;
    low for common parts such as Mohammad or Khan). ``contribution`` is what the part
    adds to the log-odds of the fitted model's score (positive: for a match); the rest of
    the log-odds comes from the whole names (see :meth:`Comparison.explain`).
    """

    left: NamePart | None
    right: NamePart | None
    method: Method
    similarity: float
    weight: float
    contribution: float = 0.0

    def describe(self) -> str:
        """A one-line, human-readable description of this alignment record."""
        left = self.left.original if self.left else "—"
        right = self.right.original if self.right else "—"
        # (Parts of names equal after normalisation have no contribution: they score 1.0.)
        odds = f"log-odds {self.contribution:+.2f}  " if self.contribution else ""
        return (
            f"{left:<18} {right:<18} {self.method:<15} sim {self.similarity:.2f}  "
            f"weight {self.weight:.2f}  {odds}({METHOD_HELP[self.method]})"
        )

    def to_dict(self) -> dict[str, Any]:
        """The record as a JSON-ready dict; ``left``/``right`` are the parts' original text."""
        return {"left": self.left.original if self.left else None,
                "right": self.right.original if self.right else None,
                "method": self.method, "similarity": round(self.similarity, 6),
                "weight": round(self.weight, 6),
                "contribution": self.contribution}


@attrs.frozen(slots=True)
class Comparison:
    """The verdict of :func:`aliaskit.compare` on two names.

    ``score`` is in [0, 1], higher is closer; it is 1.0 only when both names are the
    same after normalisation. ``is_match`` is ``score >= threshold`` of ``profile``.
    ``alignment`` has one record per name part of both names (every part appears
    exactly once). ``str()`` and :meth:`explain` give a reviewer-readable account.
    """

    left: str
    right: str
    score: float
    is_match: bool
    profile: str
    threshold: float
    kind: Kind | None
    alignment: tuple[AlignedPart, ...]

    def explain(self) -> str:
        """A multi-line explanation: the verdict, then one line per name part."""
        verdict = "MATCH" if self.is_match else "no match"
        lines = [
            f"{self.left!r} vs {self.right!r}: score {self.score:.3f} -> {verdict} "
            f"({self.profile} profile, threshold {self.threshold:.2f}"
            + (f", kind {self.kind}" if self.kind else "")
            + ")"
        ]
        lines += ["  " + record.describe() for record in self.alignment]
        if 0.0 < self.score < 0.99:
            # The log-odds of the score that no single part accounts for: the names as
            # whole strings, their part counts, and the model's intercept.
            rest = math.log(self.score / (1.0 - self.score)) - sum(
                r.contribution for r in self.alignment)
            lines.append(f"  {'(whole names)':<53} log-odds {rest:+.2f}  "
                         "(string similarity, part counts and base rate)")
        elif self.score >= 1.0:
            lines.append(f"  {'(whole names)':<53} equal once normalised: 1.0 whatever "
                         "their parts weigh (no part is measured)")
        elif self.score >= 0.99:
            lines.append(f"  {'(whole names)':<53} 0.99 at most: only names equal once "
                         "normalised score 1.0")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.explain()

    def to_dict(self) -> dict[str, Any]:
        """The comparison as a JSON-ready dict, alignment included (:meth:`AlignedPart.to_dict`).

        ```pycon
        >>> from aliaskit import compare
        >>> record = compare("Mottaki", "Muttaqi").to_dict()
        >>> sorted(record)
        ['alignment', 'is_match', 'kind', 'left', 'profile', 'right', 'score', 'threshold']

        ```
        """
        return {"left": self.left, "right": self.right, "score": self.score,
                "is_match": self.is_match, "profile": self.profile, "threshold": self.threshold,
                "kind": self.kind, "alignment": [r.to_dict() for r in self.alignment]}


_ALIGNMENT = Comparison.__dict__["alignment"]  # the slot that holds a Comparison's alignment
_FIELDS = tuple(a.name for a in attrs.fields(Comparison))
_SET = object.__setattr__


class _DeferredComparison(Comparison):
    """A :class:`Comparison` whose alignment records are written when first read.

    compare() is called in tight loops (resolution, clustering, screening) that mostly
    read only the score; the records cost as much as the scoring. To every reader the
    object is a Comparison: same fields, equality, hash, repr and pickling.
    """

    __slots__ = ("_build",)
    _build: Callable[[], tuple[AlignedPart, ...]] | None

    def __init__(self, left: str, right: str, score: float, is_match: bool, profile: str,
                 threshold: float, kind: Kind | None,
                 alignment: tuple[AlignedPart, ...] | None = None, *,
                 build: Callable[[], tuple[AlignedPart, ...]] | None = None) -> None:
        if alignment is None and build is None:
            raise TypeError("either alignment or build is needed")
        for setter, value in zip(_SETTERS, (left, right, score, is_match, profile, threshold,
                                            kind, build)):
            setter(self, value)
        if alignment is not None:
            _ALIGNMENT.__set__(self, alignment)

    @property
    def alignment(self) -> tuple[AlignedPart, ...]:
        try:
            return cast("tuple[AlignedPart, ...]", _ALIGNMENT.__get__(self))
        except AttributeError:
            build = self._build
            assert build is not None
            records = build()
            _ALIGNMENT.__set__(self, records)
            _SET(self, "_build", None)
            return records

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in _FIELDS)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Comparison):
            return NotImplemented
        return self._values() == tuple(getattr(other, name) for name in _FIELDS)

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = Comparison.__hash__

    def __repr__(self) -> str:
        return Comparison.__repr__(self).replace(type(self).__qualname__, "Comparison", 1)

    def __reduce__(self) -> tuple[type[Comparison], tuple[object, ...]]:
        return Comparison, self._values()


# The slots of a _DeferredComparison but its alignment, in the order of its __init__,
# set through their descriptors: compare() builds one per call, and aliaskit._scoring's
# _comparison (compiled) does so with these, several times faster than through __init__.
_SETTERS: tuple[Callable[[object, object], None], ...] = (
    *(Comparison.__dict__[name].__set__ for name in _FIELDS if name != "alignment"),
    _DeferredComparison.__dict__["_build"].__set__)


@attrs.frozen(slots=True)
class Match:
    """One answer of :meth:`aliaskit.Resolver.resolve`: an entity and why.

    ``alias`` is the entity's name that matched best (with its provenance),
    ``comparison`` the explained comparison of the query with that alias, ``score`` its
    score. ``ambiguous`` is True when another entity scores within
    :data:`aliaskit.AMBIGUITY_MARGIN` of the best one (a bare "Massoud": the son or the
    father); ``alternatives`` then lists those entities' ids. ``layer`` names the
    :class:`Layer` the matched alias came from ("reference", "regional", a user list)
    and ``source`` the dataset behind that alias (``None`` for a resolver built without
    layers).

    ``judgement`` is the reviewer's decision on this pair when the resolver was given
    judgements: ``confirmed`` matches come first whatever their score, ``rejected`` ones
    are returned only when asked for (``include_rejected=True``).
    """

    entity: Entity
    alias: Alias
    comparison: Comparison
    score: float
    ambiguous: bool
    alternatives: tuple[str, ...] = ()
    layer: str | None = None
    source: str | None = None
    judgement: Judgement | None = None
    context: tuple[str, ...] = ()
    """Why the query's context (birth year, country) moved the score: "born 1956 (query
    1973)"; empty when the query or the entity has none."""
    context_log_odds: float = 0.0
    """What the context added to the name score's log-odds (negative: against)."""

    @property
    def confirmed(self) -> bool:
        """A reviewer judged this pair the same entity."""
        return self.judgement is not None and self.judgement.judgement == "same"

    @property
    def rejected(self) -> bool:
        """A reviewer judged this pair different entities: not a match, whatever the score."""
        return self.judgement is not None and self.judgement.judgement == "different"

    @property
    def is_match(self) -> bool:
        """The decision: confirmed by a reviewer, rejected by one, else on :attr:`score`
        (the name score with the context's evidence, when there is context)."""
        if self.confirmed or self.rejected:
            return self.confirmed
        if not self.context:
            return self.comparison.is_match
        return self.score >= self.comparison.threshold

    def explain(self) -> str:
        """The entity, the matched alias and its provenance, then the comparison."""
        head = f"{self.entity.id} ({self.entity.name}) via alias {self.alias.name!r} [{self.alias.origin}]"
        if self.layer is not None:
            head += f" from layer {self.layer!r}"
        if self.alias.weak:
            head += "  (weak alias)"
        if self.ambiguous:
            head += "  AMBIGUOUS with " + ", ".join(self.alternatives)
        if self.judgement is not None:
            head += f"  [{self.judgement.describe()}]"
        seen = [f"    seen in {m.source}:{m.line} [{m.start}:{m.end}]" for m in self.alias.mentions[:3]]
        lines = [head, *seen, self.comparison.explain()]
        if self.context:
            verdict = "MATCH" if self.is_match else "no match"
            lines.append(f"  {'(context) ' + '; '.join(self.context):<53} log-odds "
                         f"{self.context_log_odds:+.2f}  -> score {self.score:.3f} {verdict}")
        if self.rejected:
            # The names' decision above is the names'; the reviewer's is the answer.
            lines.append("  (reviewer) judged a different entity -> no match, whatever the "
                         "names' score")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """The match as a flat JSON-ready dict: the entity's ``id, name, kind``, ``score``,
        ``is_match``, ``ambiguous``, ``alternatives``, and the ``alias`` that matched with its
        ``alias_origin`` and ``mentions`` (:meth:`Mention.to_dict`), the ``layer`` and
        its ``layer_source``, the reviewer's ``judgement`` (``None`` if none) and whether
        it ``rejected`` the match. The CLI, the Spark columns and the HTML page all use
        this record."""
        return {"id": self.entity.id, "name": self.entity.name, "kind": self.entity.kind,
                "score": self.score, "is_match": self.is_match,
                "ambiguous": self.ambiguous, "alternatives": list(self.alternatives),
                "alias": self.alias.name, "alias_origin": self.alias.origin,
                "layer": self.layer, "layer_source": self.source,
                "judgement": None if self.judgement is None else self.judgement.to_dict(),
                "rejected": self.rejected, "mentions": [m.to_dict() for m in self.alias.mentions]}


def _to_entities(values: Iterable[Entity]) -> tuple[Entity, ...]:
    entities = tuple(values)
    for entity in entities:
        if not isinstance(entity, Entity):
            raise TypeError(f"a layer holds Entity records, not {type(entity).__name__}")
    return entities


@attrs.frozen(slots=True)
class Layer:
    """One list of entities among those a :class:`~aliaskit.Resolver` answers from.

    ``name`` is what answers report (:attr:`Match.layer`); ``source`` says where the
    list comes from (a file, a dataset): the answer's :attr:`Match.source` when the
    matched alias does not name its own source. See :meth:`aliaskit.Resolver.from_layers`
    for how layers merge.
    """

    name: str = attrs.field(validator=_check_text)
    entities: tuple[Entity, ...] = attrs.field(converter=_to_entities)
    source: str = ""


@attrs.frozen(slots=True)
class ClusterMember:
    """One distinct name in a :class:`Cluster`: where it occurred in the input
    (``positions``, 0-based) and how it compares with the representative.
    ``judgement`` is the reviewer's ``same`` decision that put it there, if any."""

    name: str
    positions: tuple[int, ...]
    comparison: Comparison
    judgement: Judgement | None = None

    def to_dict(self) -> dict[str, Any]:
        """``name``, ``positions``, the ``score``/``is_match`` against the representative,
        and the reviewer's ``judgement`` that put it there (``None`` if none)."""
        return {"name": self.name, "positions": list(self.positions),
                "score": self.comparison.score, "is_match": self.comparison.is_match,
                "judgement": None if self.judgement is None else self.judgement.to_dict()}


@attrs.frozen(slots=True)
class Cluster:
    """A group of names that :func:`aliaskit.cluster` considers one entity.

    ``representative`` is the chosen canonical name; every member matches it directly
    (``member.comparison`` is the evidence), so common tokens cannot chain unrelated
    names together, or was put there by a reviewer (``member.judgement``).
    """

    representative: str
    members: tuple[ClusterMember, ...]

    @property
    def size(self) -> int:
        """How many input rows the cluster covers."""
        return sum(len(m.positions) for m in self.members)

    def to_dict(self) -> dict[str, Any]:
        """``representative``, ``size`` and ``members`` (:meth:`ClusterMember.to_dict`)."""
        return {"representative": self.representative, "size": self.size,
                "members": [m.to_dict() for m in self.members]}


@attrs.frozen(slots=True)
class LinkedMention:
    """A mention of a known entity found in running text by :func:`aliaskit.link`.

    ``start``/``end`` are offsets into the text as given (``text[start:end] ==
    surface``). ``entity`` is the best entity; ``ambiguous`` is True when the text does
    not settle between it and ``alternatives``. ``via`` says how it was linked:
    ``"name"`` (resolved from the words themselves), ``"document"`` (a short mention
    tied to an earlier full mention in the same text) or ``"context"`` (the words around
    the name chose among the entities it may denote: "Kandahar province", "interior
    minister Haqqani"; data/context.txt). ``mention`` is the provenance
    record (``source`` is the name given to :func:`link`).
    """

    start: int
    end: int
    surface: str
    entity: Entity
    score: float
    ambiguous: bool
    alternatives: tuple[str, ...]
    via: Literal["name", "document", "context"]
    mention: Mention
    match: Match

    def to_dict(self) -> dict[str, Any]:
        """The mention as a flat JSON-ready dict: ``source`` (as given to :func:`link`),
        ``line``, ``start``, ``end``, ``surface``, the ``entity`` id with its ``name`` and
        ``kind``, ``score``, ``ambiguous``, ``alternatives``, ``via``, and the ``layer`` of
        the matched alias with its ``layer_source``."""
        return {"source": self.mention.source, "line": self.mention.line, "start": self.start,
                "end": self.end, "surface": self.surface, "entity": self.entity.id,
                "name": self.entity.name, "kind": self.entity.kind, "score": self.score,
                "ambiguous": self.ambiguous, "alternatives": list(self.alternatives),
                "via": self.via, "layer": self.match.layer, "layer_source": self.match.source}


_A = TypeVar("_A", bound=attrs.AttrsInstance)


def _instances(cls: type[_A], count: int, *columns: Iterable[Any]) -> list[_A]:
    """``count`` instances of the frozen, slotted attrs class ``cls``, given one column of
    values per field, in the order of its fields: what ``cls(*row)`` makes for each row,
    for a class without validators, converters or post-init. link() makes two results per
    mention, hundreds of thousands in a text: here each field is written in a C-level
    map over all of them, not by a Python call per instance."""
    setters = [cls.__dict__[field.name].__set__ for field in attrs.fields(cls)]
    if len(columns) != len(setters) or any(
            operator.length_hint(column, -1) != count for column in columns):
        # A short column would leave fields unset: every column must say its length.
        raise ValueError(f"{cls.__name__} needs {len(setters)} columns of {count} values")
    made = list(map(object.__new__, itertools.repeat(cls, count)))
    for setter, column in zip(setters, columns):
        collections.deque(map(setter, made, column), maxlen=0)
    return made
