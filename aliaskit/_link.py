"""Stage 6: find and resolve entity mentions in running text.

``link(text)`` finds candidate spans (runs of capitalised words with the connectors and
particles that live inside names, acronyms, runs of Perso-Arabic script), splits them
at words that never belong to a name (data/stopwords.txt), resolves each span (or its
best sub-span) with the resolver under a precision-first threshold, and ties short
mentions (a bare surname, an acronym) to an earlier full mention of the same text.
Offsets always refer to the text as given.
"""

from __future__ import annotations

import bisect
import collections
import functools
import gc
import itertools
import operator
import re
import unicodedata
from collections.abc import Callable, Hashable, Iterable
from typing import NamedTuple

import attrs

from . import _data
from ._compare import compare
from ._errors import InvalidArgumentError, InvalidNameError
from ._judgements import Judgements
from ._keys import part_key
from ._lines import line_ends
from ._parsing import MAX_NAME_LENGTH, _is_arabic
from ._parsing import _tokens as _token_pattern
from ._resolve import Resolver
from ._scoring import WEIGHT_OF, _spelling
from ._scoring import _parts as name_parts  # cached: spans recur within and across texts
from ._types import Entity, LinkedMention, Match, Mention, _instances

__all__ = ["LINK_THRESHOLD", "MAX_TEXT_LENGTH", "link"]

LINK_THRESHOLD = 0.88
"""Lowest score at which a span of running text is linked (precision first)."""
MAX_TEXT_LENGTH = 10_000_000
"""Longest text, in characters, that link() accepts in one call."""
MAX_SPAN_WORDS = 7
CONTEXT_CHARS = 60
# Spans resolved in one link() call are remembered (names recur in a text) up to this many.
MAX_CACHED_SPANS = 50_000
_POSSESSIVE = re.compile(r"['\u2019][sS]$")
# Two or more capital letters, each followed by a dot, standing alone: "U.S.", "U.N.";
# or one between two words of a name: "George W. Bush".
_DOTTED = re.compile(r"(?<![\w.])(?:[A-Z]\.){2,}(?![^\W\d_])|(?<=[^\W\d_] )[A-Z]\.(?= [A-Z])")
# Between two words of one name only spaces, a hyphen or an apostrophe may stand.
_JOINER = re.compile(r"[ \t\u00a0\u200c-]{1,3}")


class _Words(NamedTuple):
    """The words of a text, column by column: a text may hold millions of words, and an
    object per word costs its making and the garbage collector's passes over it."""

    starts: list[int]
    ends: list[int]
    texts: list[str]
    kinds: list[str]  # "cap", "acronym", "script", "lower", "other"
    gaps: list[str]  # gaps[k]: the text between word k - 1 and word k (the first: before it)


class _Run(NamedTuple):
    """Words ``lo`` to ``hi - 1`` of a text, a run of name-like words; with ``tail``,
    the last is a generic word that ends the name ("Herat province")."""

    lo: int
    hi: int
    tail: bool


def _folded(word: str) -> str:
    """A word as the word lists are matched: lower case, and a Latin word without its
    accents ("Föreign" is "foreign", a title's word, as "Foreign" is)."""
    lowered = word.lower()
    if lowered.isascii() or any(_is_arabic(ch) for ch in lowered):
        return lowered
    return "".join(ch for ch in unicodedata.normalize("NFKD", lowered)
                   if not unicodedata.combining(ch))


def _kind(word: str) -> str:
    if word.isascii():
        if not word[0].isalpha():
            return "other" if not any(ch.isalpha() for ch in word) else (
                "cap" if word.isupper() else "lower")
        if word[0].isupper():
            return "acronym" if len(word) >= 2 and word.isupper() and word.isalpha() else "cap"
        return "lower"
    letters = [ch for ch in word if ch.isalpha()]
    if not letters:
        return "other"  # digits (Arabic-Indic too), marks, symbols: not a name's word
    if any(_is_arabic(ch) for ch in word):
        return "script"
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


@functools.lru_cache(maxsize=1)
def _place_words() -> frozenset[str]:
    """Lower-case generic words of place names ("airport", "province")."""
    return frozenset(word for (kind, word), _ in _data.generic_words().items()
                     if kind == "place")


@functools.lru_cache(maxsize=2)
def _splitter(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """``pattern`` capturing the whole word: split() then returns gaps and words."""
    return re.compile(f"({pattern.pattern})")


def _tokens(text: str) -> _Words:
    # Built column by column with C-level maps, not a Python step per word: a text may
    # hold millions of words. Split gives [gap, word, gap, word, ..., gap].
    pieces = _splitter(_token_pattern(text)).split(text)
    offsets = list(itertools.accumulate(map(len, pieces), initial=0))
    words, starts, ends = pieces[1::2], offsets[1:-1:2], offsets[2::2]
    gaps = pieces[0:-1:2]  # the text before each word
    if "'" in text or "\u2019" in text:
        # Possessives ("Masood's"): only the words that end in one take a Python step.
        # The "'s" goes to the gap after the word.
        possessives = list(map(_POSSESSIVE.search, words))
        for k in itertools.compress(itertools.count(), possessives):
            words[k] = words[k][: possessives[k].start()]  # type: ignore[union-attr]
            ends[k] = starts[k] + len(words[k])
            if k + 1 < len(words):
                gaps[k + 1] = text[ends[k] : starts[k + 1]]
    if "." in text:
        _join_dotted(text, words, starts, ends, gaps)
    kinds = {word: _kind(word) for word in dict.fromkeys(words)}  # words recur
    return _Words(starts, ends, words, list(map(kinds.__getitem__, words)), gaps)


def _join_dotted(text: str, words: list[str], starts: list[int], ends: list[int],
                 gaps: list[str]) -> None:
    """Make each dotted acronym ("U.S.", "U.N.") and middle initial ("W.") one word, its
    last dot included: the dots split a name into pieces no name is made of."""
    for found in reversed(list(_DOTTED.finditer(text))):
        first = bisect.bisect_left(starts, found.start())
        last = bisect.bisect_left(starts, found.end()) - 1
        if first >= len(starts) or starts[first] != found.start() or last < first:
            continue
        if len(found.group()) == 2 and not (first and words[first - 1][:1].isupper()):
            continue  # a middle initial follows a name's word: "plan B. Karzai" is none
        words[first:last + 1] = [found.group()]
        starts[first:last + 1] = [found.start()]
        ends[first:last + 1] = [found.end()]
        del gaps[first + 1:last + 1]
        if first + 1 < len(gaps):
            gaps[first + 1] = text[found.end():starts[first + 1]]


def _runs(words: _Words) -> list[_Run]:
    """Maximal runs of name-like words, joined only by spaces or hyphens."""
    stop = _data.stopwords()
    inner = _inner_words()
    tails = _tail_words()
    texts, kinds = words.texts, words.kinds
    runs: list[_Run] = []
    lo = -1  # the first word of the run being read; -1: none

    def close(hi: int, tail: bool = False) -> None:
        """The run being read ends before word ``hi``."""
        nonlocal lo
        if lo >= 0:
            while not tail and hi > lo and kinds[hi - 1] == "lower":
                hi -= 1  # a name does not end in "of" or "al"
            if hi > lo and not (all(_folded(texts[k]) in stop for k in range(lo, hi)) and
                                "acronym" not in kinds[lo:hi]):
                runs.append(_Run(lo, hi, tail))
        lo = -1

    # Whether each word is joined to the one before it (only spaces, a hyphen or an
    # apostrophe between them). The gaps recur: each is tested once.
    joinable = {gap: _JOINER.fullmatch(gap) is not None for gap in set(words.gaps)}
    joined = list(map(joinable.__getitem__, words.gaps))
    # A word of a run being read always follows the run's previous word: any word that
    # does not join the run closes it.
    for i, kind in enumerate(kinds):
        if lo >= 0 and not joined[i]:
            close(i)
        if kind in ("cap", "acronym"):
            if lo >= 0 and kinds[i - 1] == "script":
                close(i)  # one name is written in one script
            if lo < 0:
                lo = i
        elif kind == "lower" and lo >= 0 and texts[i].lower() in tails:
            # "Herat province and Ahmad Massoud": the generic word ends the name.
            close(i + 1, tail=True)
        elif kind == "script":
            if lo >= 0 and kinds[i - 1] != "script":
                close(i)
            if lo < 0:
                lo = i
        elif kind == "lower" and texts[i].lower() in inner and (
                lo >= 0 or (i + 1 < len(kinds) and kinds[i + 1] == "cap")):
            if lo < 0:
                lo = i  # "Hezb-i Islami", "Lion of Panjshir", "al-Qaeda"
        else:
            close(i)
    close(len(kinds))
    return runs


@attrs.define
class _Linker:
    resolver: Resolver
    cache: dict[str, list[Match]] = attrs.field(factory=dict)
    exact: frozenset[str] = frozenset()
    # Entities this text has named unambiguously, by the part keys of their names.
    seen: dict[str, list[Entity]] = attrs.field(factory=dict)
    judgements: Judgements | None = None
    # The identity parts of spans met (None: not a valid name), for earlier().
    identity: dict[str, tuple[str, ...] | None] = attrs.field(factory=dict)

    def resolve(self, span: str) -> list[Match]:
        found = self.cache.get(span)
        if found is None:
            try:
                if self.judgements is not None and self.judgements.names(span):
                    # Reviewers judged this name: the resolver honours their decisions.
                    found = self.resolver.resolve(span, limit=3, judgements=self.judgements)
                else:
                    found = self.resolver.exact(span) or (
                        self.resolver.resolve(span, limit=3) if self.resolver._indexed(span)
                        else [])
            except InvalidNameError:
                found = []
            if len(self.cache) >= MAX_CACHED_SPANS:
                self.cache.clear()  # a long text of distinct spans: memory stays bounded
            self.cache[span] = found
        return found or self.earlier(span)

    def earlier(self, span: str) -> list[Match]:
        """A surname alone that the resolver does not answer ("Balkhi", whose rivals in a
        large gazetteer crowd out the person): the person this text named in full before,
        when exactly one such entity has that part."""
        if span in self.identity:
            parts = self.identity[span]
        else:
            # Remembered, invalid spans too: a run of thousands of words that are not
            # names ("٣ ٣ ٣ ...") meets each span several times, and an invalid name is
            # not cached by name_parts (it raises).
            try:
                parts = tuple(p.text for p in name_parts(span) if p.is_identity)
            except InvalidNameError:
                parts = None
            if len(self.identity) >= MAX_CACHED_SPANS:
                self.identity.clear()
            self.identity[span] = parts
        if parts is None or len(parts) != 1:
            return []
        text = parts[0]
        named = [e for e in self.seen.get(part_key(text), [])
                 if any(text in _normal(name).split() for name in e.names)]
        if len(named) != 1:
            return []
        if self.judgements is not None:
            verdict = self.judgements.verdict(span, named[0].names, named[0].id)
            if verdict is not None and verdict.judgement == "different":
                return []  # a reviewer said this name is not that person
        return [self.resolver.match(span, named[0].id)]


@functools.lru_cache(maxsize=1)
def _articles() -> frozenset[str]:
    """Particles that may begin a name in running text ("al-Qaeda")."""
    return frozenset(f.lower() for p in _data.particles() if p.role == "particle" for f in p.forms)


def _numbered(items: Iterable[Hashable]) -> list[int]:
    """Each item's number: the position where an equal item first occurs."""
    first: dict[Hashable, int] = {}
    return list(map(first.setdefault, items, itertools.count()))


class _Scan:
    """The positions of a run where a span of one size may still be linked, in one mode
    of _best_subspans; spans are decided when first needed, each distinct one once."""

    def __init__(self, keys: list[int], judge: Callable[[int], Match | None],
                 counts: collections.Counter[int] | None = None) -> None:
        self.keys = keys  # by position: the span's number (the first position it occurs at)
        self.judge = judge  # a span's match by its number, None when refused
        self.counts = collections.Counter(keys) if counts is None else counts
        self.open = bytearray(b"\x01") * len(keys)  # 0: the span there is refused
        self.live = bytearray(b"\x01") * len(keys)  # by span number: 0 when refused
        self.verdicts: dict[int, Match | None] = {}
        self.undecided = len(self.counts)
        self.accepted = 0
        self.spent = False  # every span is judged and refused: nothing here is linked
        # Positions still open whose span is refused: when they are many (a name
        # repeated), one pass in C closes them all, instead of a Python step each. Each
        # pass closes a sixteenth of the positions or more: at most sixteen per scan.
        self.closable = 0
        self.pass_size = max(16, len(keys) >> 4)

    def verdict(self, key: int) -> Match | None:
        """The match of the span numbered ``key`` (None: refused), judged once."""
        if key in self.verdicts:
            return self.verdicts[key]
        best = self.verdicts[key] = self.judge(key)
        self.undecided -= 1
        if best is None:
            self.live[key] = 0
            self.closable += self.counts[key]
        else:
            self.accepted += 1
        self.spent = not (self.undecided or self.accepted)
        return best

    def first(self, lo: int, last: int) -> tuple[int, Match] | None:
        """The leftmost position in [lo, last] whose span is linked, and its match."""
        keys, open_, verdicts = self.keys, self.open, self.verdicts
        while not self.spent:
            i = open_.find(1, lo, last + 1)
            if i < 0:
                return None
            key = keys[i]
            best = verdicts[key] if key in verdicts else self.verdict(key)
            if best is not None:
                return i, best
            open_[i] = 0
            self.closable -= 1
            if self.closable > self.pass_size:
                if self.undecided <= 16:
                    # A few spans left to judge (those at the ends of a name repeated)
                    # cost less than the pass, and may leave nothing to pass over.
                    for key in [k for k in self.counts if k not in self.verdicts]:
                        self.verdict(key)
                if not self.spent:
                    open_[:] = bytearray(map(self.live.__getitem__, keys))
                self.closable = 0
            lo = i + 1
        return None


class _Subspans(NamedTuple):
    """The sub-spans linked in a run, in order: words ``firsts[k]`` to ``ends[k] - 1``
    of the run, linked by ``matches[k]`` (lists, not a tuple per span: a run of a name
    repeated holds hundreds of thousands)."""

    firsts: list[int]
    ends: list[int]
    matches: list[Match]


def _best_subspans(linker: _Linker, text: str, run_words: _Words, run: _Run, named: set[str]
                   ) -> _Subspans:
    """Non-overlapping sub-spans of a run that resolve: exact aliases first, longest first.

    ``named`` holds the ids of entities this text has already linked: a one-word partial
    name ("Khatibzadeh" after "Saeed Khatibzadeh") is linked to them below LINK_THRESHOLD.
    A sub-span inside a longer run of names ("Khan" in "Imran Khan") is linked only when
    it is an exact alias that is not ambiguous in general.
    """
    # The spans found, in stretches of one span repeated: words first, first + size, ...
    # up to past (a name repeated is found in one stretch), with the match.
    stretches: list[tuple[int, int, int, Match]] = []
    stop = _data.stopwords()
    joins = _exact_only_words()
    articles = _articles()
    titles = _title_set()
    tails = _tail_words()
    places = _place_words()

    # The run's columns; positions below are positions in the run.
    starts, ends = run_words.starts[run.lo : run.hi], run_words.ends[run.lo : run.hi]
    texts, kinds = run_words.texts[run.lo : run.hi], run_words.kinds[run.lo : run.hi]
    if run.tail:
        kinds[-1] = "tail"
    size_of_run = len(texts)
    # Each word's tests, once per run (a span test then costs no string work).
    lower = {w: _folded(w) for w in dict.fromkeys(texts)}  # words recur
    lowered = list(map(lower.__getitem__, texts))
    in_stop = list(map(stop.__contains__, lowered))
    # A word that is a name of its own in the gazetteer does not make its neighbour part
    # of a longer unknown name: "Kabul Herat highway", "Ghani Karzai rivalry" are two
    # names side by side, where "Imran Khan" is one name that is not Khan's.
    alone = {w: _normal(w) in linker.exact for w in dict.fromkeys(texts)}
    name_like = list(map(operator.and_, map(operator.contains, itertools.repeat(
        ("cap", "script")), kinds), map(operator.not_, map(
            operator.or_, map(operator.or_, in_stop, map(titles.__contains__, lowered)),
            map(alone.__getitem__, texts)))))
    # Prefix counts: words of the run up to k that are generic tail words, and that are
    # joining connectors written in lower case ("and", "of").
    tail_count = list(itertools.accumulate(map(tails.__contains__, lowered), initial=0))
    join_count = list(itertools.accumulate(map(
        operator.and_, map(operator.eq, kinds, itertools.repeat("lower")),
        map(joins.__contains__, lowered)), initial=0))

    # A span's verdict depends only on its text, its words' kinds, whether a name-like
    # word stands just before and just after it, and the mode: in a long run the same
    # spans recur (a name repeated, a list of initials), so each distinct span is judged
    # once, whatever the length of the run. Spans are numbered, per size, by the first
    # position where they occur; each number is made from the previous size's (maps
    # over zipped lists, no per-position Python code).
    # A word with whether a name-like word follows it (for a word inside a span, a
    # function of the next word; for the last, the verdict's right-hand context).
    words = _numbered(zip(texts, kinds, [*name_like[1:], False]))
    gaps = _numbered(run_words.gaps[run.lo + 1 : run.hi])
    # spans[size - 1][i]: the number of the run's words i to i + size - 1 with their
    # context. Numbers are positions, below the run's length, so two combine into one
    # integer (no tuples): joined[i - 1]: the gap before word i and word i.
    base = size_of_run
    joined = list(map(operator.add, map(operator.mul, gaps, itertools.repeat(base)), words[1:]))
    spans = [_numbered(map(operator.add, map(operator.mul, words, itertools.repeat(2)),
                           [False, *name_like[:-1]]))]
    scans: dict[tuple[int, bool], _Scan] = {}

    def scan(size: int, exact_only: bool) -> _Scan:
        found = scans.get((size, exact_only))
        if found is None:
            while len(spans) < size:
                k = len(spans)  # the size being numbered, less one
                spans.append(_numbered(map(operator.add, map(
                    operator.mul, spans[-1], itertools.repeat(base * base)), joined[k - 1 :])))
            other = scans.get((size, not exact_only))
            found = scans[(size, exact_only)] = _Scan(
                spans[size - 1], functools.partial(judge, size=size, exact_only=exact_only),
                other.counts if other is not None else None)
        return found

    def judge(i: int, size: int, exact_only: bool) -> Match | None:
        j = i + size
        first_kind, last_kind = kinds[i], kinds[j - 1]
        starts_with_article = first_kind == "lower" and lowered[i] in articles
        if (first_kind in ("lower", "tail") and not starts_with_article) or \
                last_kind == "lower":
            return None
        span = text[starts[i] : ends[j - 1]]
        exact = _normal(span) in linker.exact
        needs_exact = (in_stop[i] or in_stop[j - 1] or last_kind == "tail"
                       or join_count[j - 1] - join_count[i + 1] > 0  # inside the span
                       or tail_count[j] - tail_count[i] == size)
        if needs_exact and not exact:
            # "But Ahmadi", "Tehran and Russia", "Foreign" (only generic words),
            # unless exactly an alias
            return None
        if exact_only and not exact:
            return None
        matches = [m for m in linker.resolve(span) if _in_own_script(span, m)]
        if not matches:
            return None
        best = matches[0]
        if best.entity.kind == "person" and j < size_of_run and (
                (kinds[j] == "cap" and lowered[j] in tails)
                or (kinds[j] == "tail" and lowered[j] in places)):
            # A person's name that goes on with a capitalised generic word, or with a
            # place's, names what is named after them: "Hamid Karzai International
            # Airport", "the Hamid Karzai airport" are not the man; "the Karzai
            # government" is.
            return None
        inside = (i > 0 and name_like[i - 1]) or (j < size_of_run and name_like[j])
        if inside and not (exact and not best.alias.ambiguous and not best.ambiguous):
            return None
        if best.score >= LINK_THRESHOLD or best.confirmed:
            return best
        # Below the threshold, a one-word name of an entity this text named before
        # ("Balkhi" after "Abdul Qahar Balkhi"), when the word is one of its names'
        # words: "Pairs" is close to Paris, but no part of it.
        # A very common given name ("Mohammad", "Ahmad": data/variants.txt) is not one:
        # "Mohammad" of "Mohammad Karim" is not Mohammad Ismail Khan named before.
        parts = [p.text for p in name_parts(span) if p.is_identity]
        if len(parts) == 1 and best.entity.id in named and any(
                parts[0] in _normal(n).split() for n in best.entity.names) and \
                _spelling(parts[0]).weight(best.entity.kind) > WEIGHT_OF["very-common"]:
            return best
        return None

    # Exact aliases first, longest first, leftmost first; then the parts of the run on
    # either side of what was found, the same way (a stack of ranges, not recursion: a
    # run may hold thousands of names). Ranges are independent, and a span's verdict
    # does not depend on when it is judged: the order in which they are searched does
    # not change what is found. A range comes with the largest size it may hold: left
    # of a span found there is no linked span as long, right of it none longer.
    # The sizes still searched in each mode, largest first: a size whose spans are all
    # judged and refused is dropped (a name repeated: every size but its own).
    searched = {mode: list(range(MAX_SPAN_WORDS, 0, -1)) for mode in (True, False)}
    pending: list[tuple[int, int, bool, int]] = [(0, size_of_run, True, MAX_SPAN_WORDS)]
    while pending:
        lo, hi, exact_only, largest = pending.pop()
        while lo < hi:  # the part right of each span found is searched next
            for size in searched[exact_only]:
                if size > largest or size > hi - lo:
                    continue
                sized = scan(size, exact_only)
                first = sized.first(lo, hi - size)
                if sized.spent:
                    searched[exact_only] = [s for s in searched[exact_only] if s != size]
                if first is not None:
                    i, match = first
                    if i > lo:
                        pending.append((lo, i, exact_only, size - 1))
                    # The same span again right after it is the next one found (right of
                    # it none is longer, and it is the leftmost): a name repeated is
                    # linked in C passes, not a search per mention.
                    # (map over a range, not islice: that would step through the
                    # positions before i each time.)
                    repeats = len(list(itertools.takewhile(sized.keys[i].__eq__, map(
                        sized.keys.__getitem__, range(i, hi - size + 1, size)))))
                    past = i + repeats * size  # the first word after the last repeat
                    stretches.append((i, past, size, match))
                    lo, largest = past, size
                    break
            else:
                if exact_only:
                    pending.append((lo, hi, False, MAX_SPAN_WORDS))
                break
    stretches.sort(key=operator.itemgetter(0))  # stretches do not overlap
    return _Subspans(
        list(itertools.chain.from_iterable(range(i, past, size) for i, past, size, _ in stretches)),
        list(itertools.chain.from_iterable(range(i + size, past + size, size)
                                           for i, past, size, _ in stretches)),
        list(itertools.chain.from_iterable(itertools.repeat(match, (past - i) // size)
                                           for i, past, size, match in stretches)))


def _in_own_script(span: str, match: Match) -> bool:
    """Does ``span`` match its entity in its own script, when the entity has names in
    that script? Across scripts, a word is compared by its consonants alone (a
    Perso-Arabic name has no short vowels), which in running text matches common words:
    "Kind" and کانادا (Canada), "Seed" and سوئد (Sweden). The gazetteer's own spelling in
    the text's script is what a mention must match; across scripts only when it has none.
    """
    if _in_script(span) == _in_script(match.alias.name):
        return True
    own = [n for n in match.entity.names if _in_script(n) == _in_script(span)]
    return not own or max(compare(span, n, kind=match.entity.kind).score
                          for n in own) >= LINK_THRESHOLD


def _in_script(text: str) -> bool:
    """Is ``text`` written in Perso-Arabic script (a letter of it)?"""
    return any(_is_arabic(ch) for ch in text)


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


@functools.lru_cache(maxsize=1)
def _cue_patterns() -> dict[str, tuple[re.Pattern[str], dict[str, _data.ContextCue]]]:
    """One pattern per side of data/context.txt, and its cues by phrase."""
    out = {}
    for side in _data.CONTEXT_SIDES:
        cues = {c.phrase: c for c in _data.context_cues() if c.side == side}
        if not cues:
            continue
        words = "|".join(r"\s+".join(map(re.escape, phrase.split())) for phrase in cues)
        if side == "before":
            pattern = rf"(?:^|\W)({words})\s+$"
        elif side == "after":
            pattern = rf"^(?:['\u2019]s?)?\s+({words})\b"
        else:
            pattern = rf"^(?:['\u2019]s?)?\s*,\s+(?:the|a|an)\s+(?:[\w'\u2019-]+\s+){{0,2}}?({words})\b"
        out[side] = (re.compile(pattern, re.IGNORECASE), cues)
    return out


def _cues_at(text: str, start: int, end: int) -> list[_data.ContextCue]:
    """The context cues around ``text[start:end]`` (data/context.txt)."""
    return list(_cues_between(text[max(0, start - CONTEXT_CHARS) : start],
                              text[end : end + CONTEXT_CHARS]))


@functools.lru_cache(maxsize=4096)  # the same words surround a name repeated in a text
def _cues_between(before: str, after: str) -> tuple[_data.ContextCue, ...]:
    found = []
    for side, (pattern, cues) in _cue_patterns().items():
        m = pattern.search(before if side == "before" else after)
        if m is not None:
            found.append(cues[" ".join(m.group(1).lower().split())])
    return tuple(found)


def _named_plus_generic(entity: Entity, parts: set[str]) -> bool:
    """True when one of the entity's names is ``parts`` plus generic words only."""
    generic = _tail_words()
    for name in entity.names:
        words = set(_normal(name).split())
        if parts <= words and words - parts and all(w in generic for w in words - parts):
            return True
    return False


def _fits(entity: Entity, cue: _data.ContextCue) -> bool:
    """True when the entity is of the cue's kind and has a name with the cue's word."""
    return entity.kind == cue.kind and (
        cue.word is None or any(cue.word in _normal(name).split() for name in entity.names))


def _steer(text: str, start: int, end: int, resolver: Resolver, entity: Entity,
           alternatives: tuple[str, ...]) -> tuple[Entity, tuple[str, ...]] | None:
    """The entities that the words around a mention point at, best first, when they
    narrow its candidates ("Kandahar province": the province, not the city); ``None``
    when no cue applies or the cues fit none or all of the candidates."""
    cues = _cues_at(text, start, end)
    if not cues:
        return None
    candidates = [entity, *(resolver.entity(i) for i in alternatives)]
    if not any(_fits(e, cue) for cue in cues for e in candidates):
        # "the Haqqani group", "the valley of Panjshir": an entity that fits the cue,
        # named by the mention plus generic words only ("Haqqani network", "Panjshir
        # Valley"), if the resolver knows one.
        parts = {p.text for p in name_parts(text[start:end]) if p.is_identity}
        for cue in cues:
            try:
                more = resolver.resolve(text[start:end], kind=cue.kind, limit=3)  # type: ignore[arg-type]
            except InvalidNameError:
                continue
            candidates += [m.entity for m in more
                           if m.entity not in candidates and _named_plus_generic(m.entity, parts)]
    kept = candidates
    for cue in cues:
        fits = [e for e in kept if _fits(e, cue)]
        if fits:
            kept = fits
    if len(kept) == len(candidates):
        return None
    return kept[0], tuple(e.id for e in kept[1:])


def _context(text: str, start: int, end: int) -> str:
    left, right = max(0, start - CONTEXT_CHARS), min(len(text), end + CONTEXT_CHARS)
    return " ".join(text[left:right].split())


class _Reading(NamedTuple):
    """What a mention's own words and the words around it decide, whatever the rest of
    the text says; offsets are within the window that _read() was given."""

    start: int  # after leading titles
    surface: str
    entity: Entity
    ambiguous: bool
    alternatives: tuple[str, ...]
    via: str
    match: Match
    identity: tuple[str, ...]  # the part keys of the mention's identity parts
    context: str


def _read(window: str, start: int, end: int, match: Match, resolver: Resolver) -> _Reading:
    """The span ``window[start:end]`` that resolved to ``match``, read with the words
    around it. ``window`` holds the text up to CONTEXT_CHARS on either side of the span
    (less at the text's edges): all that the titles, the country before it, the context
    cues and the context line look at, so the reading is the same for the whole text."""
    lo, _ = _trim_titles(window[start:end], match)
    start += lo
    surface = window[start:end]
    # A person's alias the gazetteer flags ambiguous ("Khan" for Ismail Khan) is the
    # name of many people no gazetteer lists: it does not settle the entity alone, the
    # text has to have named it in full before (via "document"). A place's or an
    # organisation's ("Panjshir") is ambiguous among the entities the resolver knows,
    # which its rivals say.
    # Below the threshold, only an earlier mention in full linked it (_best_subspans).
    entity = match.entity
    via = "document" if match.score < LINK_THRESHOLD and not match.confirmed else "name"
    # A reviewer's "same" settles it, as it does in resolve() (docs/review.md).
    ambiguous = not match.confirmed and (
        match.ambiguous or (match.alias.ambiguous and entity.kind == "person"))
    alternatives = match.alternatives
    identity = tuple(part_key(p.text) for p in name_parts(surface) if p.is_identity)
    country = _country_before(window, start) if match.ambiguous else None
    if country is not None:
        # "Iranian Foreign Ministry", "Iran's Foreign Ministry": the country decides.
        fits = [e for e in (resolver.entity(i) for i in (match.entity.id, *match.alternatives))
                if f" {country} " in f" {' '.join(p.text for p in name_parts(e.name))} "]
        if len(fits) == 1:
            entity, ambiguous, alternatives = fits[0], False, ()
    steered = _steer(window, start, end, resolver, entity, alternatives)
    if steered is not None:
        # "Kandahar province", "interior minister Haqqani": the words around decide.
        (entity, alternatives), via = steered, "context"
        ambiguous = bool(alternatives)
        if entity is not match.entity:
            match = resolver.match(surface, entity.id)
    return _Reading(start, surface, entity, ambiguous, alternatives, via, match, identity,
                    _context(window, start, end))


def link(text: str, *, resolver: Resolver | None = None, source: str | None = None,
         judgements: Judgements | None = None) -> list[LinkedMention]:
    """Find every mention of a known entity in ``text``, in order of position.

    ``resolver`` defaults to one over the bundled layers (:meth:`Resolver.bundled`: the
    seed reference and the regional layer). ``source`` names the
    text in the provenance records. ``judgements`` (:class:`~aliaskit.Judgements`) are
    reviewers' decisions on names and entities: a name judged ``different`` from an
    entity is never linked to it; one judged the ``same`` is linked to it (decisions made
    for a birth year or country do not apply: a mention in a text has none).

    ```pycon
    >>> found = link("Foreign Minister Amir Khan Mottaqi met Ahmad Masood. Mottaqi said...")
    >>> [(m.surface, m.entity.id, m.via) for m in found]  # doctest: +NORMALIZE_WHITESPACE
    [('Amir Khan Mottaqi', 'person/amir-khan-muttaqi', 'name'),
     ('Ahmad Masood', 'person/ahmad-massoud', 'name'),
     ('Mottaqi', 'person/amir-khan-muttaqi', 'name')]

    ```
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, not {type(text).__name__}")
    if len(text) > MAX_TEXT_LENGTH:
        raise InvalidArgumentError(f"text is {len(text):,} characters; the limit is {MAX_TEXT_LENGTH:,}")
    if judgements is not None and not isinstance(judgements, Judgements):
        raise TypeError(f"judgements must be a Judgements collection, not {type(judgements).__name__}")
    if resolver is not None and not isinstance(resolver, Resolver):
        raise TypeError(f"resolver must be a Resolver, not {type(resolver).__name__}")
    if source is not None and not isinstance(source, str):
        raise TypeError(f"source must be a string, not {type(source).__name__}")
    # (An empty resolver is a resolver: it links nothing, rather than the bundled names.)
    chosen = resolver if resolver is not None else _reference_resolver()
    linker = _Linker(chosen, exact=frozenset(chosen._exact_index()),
                     judgements=judgements if judgements else None)
    # The mentions found, column by column: their objects are made at the end, all at
    # once (see _results). What the rest of the text may change (the entity, whether it
    # is ambiguous, the alternatives, how it was linked) is in ``decided``.
    found_starts: list[int] = []
    found_ends: list[int] = []
    found_readings: list[_Reading] = []
    decided: list[tuple[Entity, bool, tuple[str, ...], str]] = []
    # Entities named in full earlier in this text, by the identity parts of those names.
    seen_parts: dict[str, list[Entity]] = linker.seen
    counts: dict[str, int] = {}
    named: set[str] = set()

    def record(entity: Entity, ambiguous: bool, identity: tuple[str, ...], score: float) -> None:
        """What a mention of ``entity`` tells the rest of the text."""
        if not ambiguous:
            for part in identity:
                bucket = seen_parts.get(part)
                if bucket is None:
                    seen_parts[part] = [entity]
                elif entity not in bucket:
                    bucket.append(entity)
        if score >= LINK_THRESHOLD and not ambiguous:  # named in full, not "Khan" alone
            named.add(entity.id)
    # The sub-spans found in a run, by its text and kinds: a run recurs ("Dr.", a name
    # repeated), and its answer changes only with what the text has named so far.
    answers: dict[tuple[str, tuple[str, ...], bool], _Subspans] = {}
    state = (0, 0)
    readings: dict[tuple[str, int, int, int],
                   tuple[Match, _Reading, tuple[Entity, bool, tuple[str, ...], str], bool]] = {}
    words = _tokens(text)
    for run in _runs(words):
        now = (len(named), sum(map(len, seen_parts.values())))
        if now != state or len(answers) >= MAX_CACHED_SPANS:
            answers.clear()
            state = now
        key = (text[words.starts[run.lo] : words.ends[run.hi - 1]],
               tuple(words.kinds[run.lo : run.hi]), run.tail)
        subspans = answers.get(key)
        if subspans is None:
            subspans = answers[key] = _best_subspans(linker, text, words, run, named)
        # This loop runs once per mention, up to hundreds of thousands of times in a text:
        # it does only what depends on the document so far.
        starts, ends = words.starts[run.lo : run.hi], words.ends[run.lo : run.hi]
        for i, j, match in zip(*subspans):
            start, end = starts[i], ends[j - 1]
            if end - start > MAX_NAME_LENGTH:
                continue
            # What the mention's words and the words around it decide is read once per
            # distinct (window, match): a name repeated is mostly read in the same words.
            left = start - CONTEXT_CHARS if start > CONTEXT_CHARS else 0
            window = text[left : end + CONTEXT_CHARS]
            # The key holds the match by id(); the value holds the match itself, so the
            # id is not reused by another object while the entry lives.
            where = (window, start - left, end - left, id(match))
            known = readings.get(where)
            if known is None:
                if len(readings) >= MAX_CACHED_SPANS:
                    readings.clear()
                reading = _read(window, start - left, end - left, match, linker.resolver)
                # Unless the text decides between the entities the name may denote, the
                # reading's entity is the same wherever it recurs: what it tells the rest
                # of the text is recorded at once, not again at each recurrence.
                undecided = reading.ambiguous and bool(reading.identity)
                known = readings[where] = (match, reading, (
                    reading.entity, reading.ambiguous, reading.alternatives, reading.via),
                    undecided)
                if not undecided:
                    record(reading.entity, reading.ambiguous, reading.identity,
                           reading.match.score)
            _, reading, decision, undecided = known
            if undecided:
                # The name alone does not decide ("Massoud"): the entities this text has
                # already named with this part do, the most mentioned one first.
                match, identity = reading.match, reading.identity
                allowed = {match.entity.id, *match.alternatives}
                earlier = [e for e in seen_parts.get(identity[-1], []) if e.id in allowed]
                if earlier:
                    ranked = sorted(earlier, key=lambda e: -counts.get(e.id, 0))
                    alternatives = tuple(e.id for e in ranked[1:])
                    decision = (ranked[0], bool(alternatives), alternatives, "document")
                record(decision[0], decision[1], identity, match.score)
            entity_id = decision[0].id
            counts[entity_id] = counts.get(entity_id, 0) + 1
            found_starts.append(reading.start + left)
            found_ends.append(end)
            found_readings.append(reading)
            decided.append(decision)
    return _results(text, source or "", found_starts, found_ends, found_readings, decided)


def _results(text: str, source: str, starts: list[int], ends: list[int],
             readings: list[_Reading], decided: list[tuple[Entity, bool, tuple[str, ...], str]]
             ) -> list[LinkedMention]:
    """The LinkedMention of each mention found, from the columns that link() gathered
    (mention ``k``: ``text[starts[k]:ends[k]]``, read as ``readings[k]``, with the
    entity, ambiguity, alternatives and ``via`` of ``decided[k]``), in order of position."""
    count = len(starts)
    if not count:
        return []
    # Line numbers: the line ends from each mention to the next are counted, in one pass
    # over the text. Mentions come in order of position; were they not, each line is
    # counted from the start of the text (exact, slower). A line ends where every reader
    # of a user's file ends it (_lines: "\n", "\r\n" or a lone "\r").
    if "\n" not in text and "\r" not in text:
        lines: Iterable[int] = itertools.repeat(1, count)
    elif all(map(operator.le, starts, itertools.islice(starts, 1, None))):
        lines = list(itertools.accumulate(map(
            line_ends, itertools.repeat(text), [0, *starts[:-1]], starts), initial=1))[1:]
    else:
        lines = [line_ends(text, 0, start) + 1 for start in starts]
    surfaces = list(map(operator.itemgetter(1), readings))
    matches = list(map(operator.itemgetter(6), readings))
    entities, ambiguous, alternatives, vias = zip(*decided)
    # Two objects per mention, hundreds of thousands in a long text: the garbage
    # collector, run every few hundred of them, would walk all those made so far again
    # and again (a third of the time of link() on a name repeated 200,000 times), and
    # they hold no reference cycle for it to find. It is paused while they are made
    # (no other code runs meanwhile in this thread), and left as it was.
    collecting = gc.isenabled()
    gc.disable()
    try:
        mentions = _instances(Mention, count, itertools.repeat(source, count), starts, ends,
                              lines, surfaces, list(map(operator.itemgetter(8), readings)),
                              itertools.repeat(None, count))
        return _instances(LinkedMention, count, starts, ends, surfaces, entities,
                          list(map(operator.attrgetter("score"), matches)), ambiguous,
                          alternatives, vias, mentions, matches)
    finally:
        if collecting:
            gc.enable()


@functools.lru_cache(maxsize=1)
def _reference_resolver() -> Resolver:
    """One resolver over the bundled layers (seed reference and regional layer), shared
    by every link() call."""
    return Resolver.bundled()
