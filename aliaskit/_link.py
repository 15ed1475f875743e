"""Stage 6: find and resolve entity mentions in running text.

``link(text)`` finds candidate spans (runs of capitalised words with the connectors and
particles that live inside names, acronyms, runs of Perso-Arabic script), splits them
at words that never belong to a name (data/stopwords.txt), resolves each span (or its
best sub-span) with the resolver under a precision-first threshold, and ties short
mentions (a bare surname, an acronym) to an earlier full mention of the same text.
Offsets always refer to the text as given.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import NamedTuple

import attrs

from . import _data
from ._errors import InvalidNameError
from ._judgements import Judgements
from ._keys import part_key
from ._parsing import MAX_NAME_LENGTH, _is_arabic
from ._parsing import _tokens as _token_pattern
from ._resolve import Resolver
from ._scoring import _parts as name_parts  # cached: spans recur within and across texts
from ._types import Entity, LinkedMention, Match, Mention

__all__ = ["LINK_THRESHOLD", "MAX_TEXT_LENGTH", "link"]

LINK_THRESHOLD = 0.88
"""Lowest score at which a span of running text is linked (precision first)."""
MAX_TEXT_LENGTH = 10_000_000
"""Longest text, in characters, that link() accepts in one call."""
MAX_SPAN_WORDS = 7
CONTEXT_CHARS = 60
_POSSESSIVE = re.compile(r"['\u2019][sS]$")
# Between two words of one name only spaces, a hyphen or an apostrophe may stand.
_JOINER = re.compile(r"[ \t\u00a0\u200c-]{1,3}")


class _Tok(NamedTuple):
    """A word of the text (a named tuple: running text has many)."""

    start: int
    end: int
    text: str
    kind: str  # "cap", "acronym", "script", "lower", "tail", "other"


def _kind(word: str) -> str:
    if word.isascii():
        if not word[0].isalpha():
            return "other" if not any(ch.isalpha() for ch in word) else (
                "cap" if word.isupper() else "lower")
        if word[0].isupper():
            return "acronym" if len(word) >= 2 and word.isupper() and word.isalpha() else "cap"
        return "lower"
    if any(_is_arabic(ch) for ch in word):
        return "script"
    letters = [ch for ch in word if ch.isalpha()]
    if not letters:
        return "other"
    if len(letters) >= 2 and all(ch.isupper() for ch in letters):
        return "acronym"
    return "cap" if letters[0].isupper() else "lower"


@functools.lru_cache(maxsize=1)
def _inner_words() -> frozenset[str]:
    """Lower-case words that may stand inside a name: connectors, particles, compounds."""
    words: set[str] = set()
    for particle in _data.particles():
        for form in particle.forms:
            words.update(w.lower() for w in re.split(r"[\s-]+", form) if w)
    return frozenset(words)


@functools.lru_cache(maxsize=1)
def _exact_only_words() -> frozenset[str]:
    """Connectors that join two names as often as they sit inside one ("Tehran and
    Russia", "Center in Washington"): a span with one inside must be an exact alias."""
    return frozenset(
        form.lower() for p in _data.particles() if p.role == "connector" and p.id in ("and", "of")
        for form in p.forms
    )


@functools.lru_cache(maxsize=1)
def _tail_words() -> frozenset[str]:
    """Lower-case generic words that may end a name ("Haqqani network", "Herat province")."""
    return frozenset(word for (_, word), _ in _data.generic_words().items())


def _tokens(text: str) -> list[_Tok]:
    out = []
    for m in _token_pattern(text).finditer(text):
        word = m.group()
        end = m.end()
        if "'" in word or "\u2019" in word:
            possessive = _POSSESSIVE.search(word)
            if possessive:
                word = word[: possessive.start()]
                end = m.start() + len(word)
        out.append(_Tok(m.start(), end, word, _kind(word)))
    return out


def _runs(text: str, tokens: Sequence[_Tok]) -> list[list[_Tok]]:
    """Maximal runs of name-like words, joined only by spaces or hyphens."""
    stop = _data.stopwords()
    inner = _inner_words()
    runs: list[list[_Tok]] = []
    current: list[_Tok] = []

    def close() -> None:
        while current and current[-1].kind == "lower":
            current.pop()  # a name does not end in "of" or "al"
        if all(t.text.lower() in stop for t in current) and not any(
                t.kind == "acronym" for t in current):
            current.clear()
        if current:
            runs.append(list(current))
        current.clear()

    for i, tok in enumerate(tokens):
        joined = bool(current) and _JOINER.fullmatch(text[current[-1].end : tok.start]) is not None
        if current and not joined:
            close()
        if tok.kind in ("cap", "acronym"):
            if current and current[-1].kind == "script":
                close()  # one name is written in one script
            current.append(tok)
        elif tok.kind == "lower" and current and tok.text.lower() in _tail_words():
            current.append(tok._replace(kind="tail"))
            close()  # "Herat province and Ahmad Massoud": the generic word ends the name
        elif tok.kind == "script":
            if current and current[-1].kind != "script":
                close()
            current.append(tok)
        elif tok.kind == "lower" and tok.text.lower() in inner and (
                current or (i + 1 < len(tokens) and tokens[i + 1].kind == "cap")):
            current.append(tok)  # "Hezb-i Islami", "Lion of Panjshir", "al-Qaeda"
        else:
            close()
    close()
    return runs


@attrs.define
class _Linker:
    resolver: Resolver
    cache: dict[str, list[Match]] = attrs.field(factory=dict)
    exact: frozenset[str] = frozenset()
    judgements: Judgements | None = None

    def resolve(self, span: str) -> list[Match]:
        found = self.cache.get(span)
        if found is None:
            try:
                if self.judgements is not None and self.judgements.names(span):
                    # Reviewers judged this name: the resolver honours their decisions.
                    found = self.resolver.resolve(span, limit=3, judgements=self.judgements)
                else:
                    found = self.resolver.exact(span) or self.resolver.resolve(span, limit=3)
            except InvalidNameError:
                found = []
            self.cache[span] = found
        return found


@functools.lru_cache(maxsize=1)
def _articles() -> frozenset[str]:
    """Particles that may begin a name in running text ("al-Qaeda")."""
    return frozenset(f.lower() for p in _data.particles() if p.role == "particle" for f in p.forms)


def _best_subspans(linker: _Linker, text: str, run: list[_Tok], named: set[str]
                   ) -> list[tuple[int, int, Match]]:
    """Non-overlapping sub-spans of a run that resolve: exact aliases first, longest first.

    ``named`` holds the ids of entities this text has already linked: a one-word partial
    name ("Khatibzadeh" after "Saeed Khatibzadeh") is linked to them below LINK_THRESHOLD.
    A sub-span inside a longer run of names ("Khan" in "Imran Khan") is linked only when
    it is an exact alias that is not ambiguous in general.
    """
    found: list[tuple[int, int, Match]] = []
    stop = _data.stopwords()
    joins = _exact_only_words()
    articles = _articles()
    titles = _title_set()
    tails = _tail_words()

    def namelike(k: int) -> bool:
        return 0 <= k < len(run) and run[k].kind in ("cap", "script") and (
            run[k].text.lower() not in stop and run[k].text.lower() not in titles)

    def candidates(lo: int, hi: int) -> list[tuple[int, int, str, bool]]:
        out = []
        for size in range(min(hi - lo, MAX_SPAN_WORDS), 0, -1):
            for i in range(lo, hi - size + 1):
                first, last = run[i], run[i + size - 1]
                starts_with_article = first.kind == "lower" and first.text.lower() in articles
                if (first.kind in ("lower", "tail") and not starts_with_article) or \
                        last.kind == "lower":
                    continue
                span = text[first.start : last.end]
                exact = _normal(span) in linker.exact
                inner = run[i + 1 : i + size - 1]
                needs_exact = (first.text.lower() in stop or last.text.lower() in stop
                               or last.kind == "tail"
                               or any(t.kind == "lower" and t.text.lower() in joins for t in inner)
                               or all(t.text.lower() in tails for t in run[i : i + size]))
                if needs_exact and not exact:
                    # "But Ahmadi", "Tehran and Russia", "Foreign" (only generic words),
                    # unless exactly an alias
                    continue
                out.append((i, i + size, span, exact))
        return out

    def search(lo: int, hi: int, exact_only: bool) -> None:
        if lo >= hi:
            return
        for i, j, span, exact in candidates(lo, hi):
            if exact_only and not exact:
                continue
            matches = linker.resolve(span)
            if not matches:
                continue
            best = matches[0]
            inside = namelike(i - 1) or namelike(j)
            if inside and not (exact and not best.alias.ambiguous and not best.ambiguous):
                continue
            short = len([p for p in name_parts(span) if p.is_identity]) == 1
            if best.score >= LINK_THRESHOLD or best.confirmed or (short and best.entity.id in named):
                found.append((i, j, best))
                search(lo, i, exact_only)
                search(j, hi, exact_only)
                return
        if exact_only:
            search(lo, hi, False)

    search(0, len(run), True)
    return sorted(found, key=lambda f: f[0])


@functools.lru_cache(maxsize=100_000)
def _normal(span: str) -> str:
    try:
        return " ".join(p.text for p in name_parts(span))
    except InvalidNameError:
        return ""


@functools.lru_cache(maxsize=1)
def _title_words() -> tuple[tuple[str, ...], ...]:
    """Lower-cased words of every title form (Commander, President, Foreign Minister...)."""
    return tuple(tuple(w.lower() for w in re.split(r"[\s.-]+", f) if w)
                 for t in _data.titles() for f in t.forms)


@functools.lru_cache(maxsize=1)
def _title_set() -> frozenset[str]:
    return frozenset(w for form in _title_words() for w in form)


def _trim_titles(span: str, match: Match) -> tuple[int, int]:
    """Offsets within ``span`` without leading titles, unless the alias itself has them."""
    parts = name_parts(span)
    alias_parts = [p.text for p in name_parts(match.alias.name)]
    if [p.text for p in parts] == alias_parts or all(p.role == "title" for p in parts):
        return 0, len(span)
    first = next((p for p in parts if p.role != "title"), parts[0])
    return first.start, len(span)


_BEFORE = re.compile(r"(\w+)(['\u2019]s)?\s+$")


def _country_before(text: str, start: int) -> str | None:
    """The normalised country named by the word just before ``start``, if any."""
    m = _BEFORE.search(text[max(0, start - 40) : start])
    if m is None:
        return None
    country = _data.demonyms().get(m.group(1).lower())
    if country is None:
        return None
    return " ".join(p.text for p in name_parts(country))


def _context(text: str, start: int, end: int) -> tuple[int, str]:
    line = text.count("\n", 0, start) + 1
    left, right = max(0, start - CONTEXT_CHARS), min(len(text), end + CONTEXT_CHARS)
    return line, " ".join(text[left:right].split())


def link(text: str, *, resolver: Resolver | None = None, source: str | None = None,
         judgements: Judgements | None = None) -> list[LinkedMention]:
    """Find every mention of a known entity in ``text``, in order of position.

    ``resolver`` defaults to one over the bundled reference data. ``source`` names the
    text in the provenance records. ``judgements`` (:class:`~aliaskit.Judgements`) are
    reviewers' decisions on names and entities: a name judged ``different`` from an
    entity is never linked to it; one judged the ``same`` is linked to it.

    ```pycon
    >>> found = link("Foreign Minister Amir Khan Mottaqi met Ahmad Masood. Mottaqi said...")
    >>> [(m.surface, m.entity.id, m.via) for m in found]  # doctest: +NORMALIZE_WHITESPACE
    [('Amir Khan Mottaqi', 'person/amir-khan-muttaqi', 'name'),
     ('Ahmad Masood', 'person/ahmad-massoud', 'name'),
     ('Mottaqi', 'person/amir-khan-muttaqi', 'name')]

    ```
    """
    if not isinstance(text, str):
        raise InvalidNameError(f"text must be a string, not {type(text).__name__}")
    if len(text) > MAX_TEXT_LENGTH:
        raise InvalidNameError(f"text is {len(text):,} characters; the limit is {MAX_TEXT_LENGTH:,}")
    if judgements is not None and not isinstance(judgements, Judgements):
        raise TypeError(f"judgements must be a Judgements collection, not {type(judgements).__name__}")
    chosen = resolver or _reference_resolver()
    linker = _Linker(chosen, exact=frozenset(chosen._rows.normalized),
                     judgements=judgements if judgements else None)
    found: list[LinkedMention] = []
    # Entities named in full earlier in this text, by the identity parts of those names.
    seen_parts: dict[str, list[Entity]] = {}
    counts: dict[str, int] = {}
    named: set[str] = set()
    for run in _runs(text, _tokens(text)):
        for i, j, match in _best_subspans(linker, text, run, named):
            start, end = run[i].start, run[j - 1].end
            if end - start > MAX_NAME_LENGTH:
                continue
            lo, _ = _trim_titles(text[start:end], match)
            start += lo
            surface = text[start:end]
            entity, ambiguous, via = match.entity, match.ambiguous, "name"
            alternatives = match.alternatives
            identity = [part_key(p.text) for p in name_parts(surface) if p.is_identity]
            country = _country_before(text, start) if match.ambiguous else None
            if country is not None:
                # "Iranian Foreign Ministry", "Iran's Foreign Ministry": the country decides.
                fits = [e for e in (linker.resolver.entity(i) for i in
                                    (match.entity.id, *match.alternatives))
                        if f" {country} " in f" {' '.join(p.text for p in name_parts(e.name))} "]
                if len(fits) == 1:
                    entity, ambiguous, alternatives = fits[0], False, ()
            if ambiguous and identity:
                # The name alone does not decide ("Massoud"): the entities this text has
                # already named with this part do, the most mentioned one first.
                allowed = {match.entity.id, *match.alternatives}
                earlier = [e for e in seen_parts.get(identity[-1], []) if e.id in allowed]
                if earlier:
                    ranked = sorted(earlier, key=lambda e: -counts.get(e.id, 0))
                    entity, via = ranked[0], "document"
                    alternatives = tuple(e.id for e in ranked[1:])
                    ambiguous = bool(alternatives)
            if not ambiguous:
                for part in identity:
                    bucket = seen_parts.setdefault(part, [])
                    if entity not in bucket:
                        bucket.append(entity)
            counts[entity.id] = counts.get(entity.id, 0) + 1
            if match.score >= LINK_THRESHOLD:
                named.add(entity.id)
            line, context = _context(text, start, end)
            found.append(LinkedMention(
                start=start, end=end, surface=surface, entity=entity, score=match.score,
                ambiguous=ambiguous, alternatives=alternatives, via=via,  # type: ignore[arg-type]
                mention=Mention(source or "", start, end, line, surface, context),
                match=match,
            ))
    return found


@functools.lru_cache(maxsize=1)
def _reference_resolver() -> Resolver:
    """One resolver over the bundled reference data, shared by every link() call."""
    return Resolver.from_reference()
