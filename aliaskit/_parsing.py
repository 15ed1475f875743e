"""The engine of stage 1: tokens, scripts, romanisation and the structure of a name.

The public functions are in :mod:`aliaskit._normalize`; this module does the work and
is compiled with mypyc when the package is built (setup.py). Functions that take what a
user passed (``_parse``, ``_plain_words``) accept any object and check it first.

All word lists and letter rules come from ``data/`` (see docs/normalisation.md).
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Container, Iterable, Sequence
from typing import Final

from unidecode import unidecode

from . import _data
from ._errors import InvalidNameError
from ._types import NamePart, PartRole, Script

MAX_NAME_LENGTH: Final = 1000
"""Longest input, in characters, that a name may have. Longer input raises
:class:`~aliaskit.InvalidNameError`: no person, place or organisation name is that long,
and running text belongs in :func:`aliaskit.link`."""

# Format characters that carry no letter and are dropped (_DROPPED) where they stand:
# zero-width space, non-joiner and joiner, direction marks, embeddings and isolates,
# word joiner, byte-order mark, soft hyphen, Arabic letter mark. Text copied from web
# pages and right-to-left documents has them inside words ("Moham\u200bmad").
_FORMAT = "\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
# Word characters: letters and digits (not "_"), combining marks, the format characters
# above (the zero-width joiners are used inside Persian words), tatweel; apostrophe-like
# marks are allowed inside a word ("Sa'id", "Mu’tasim") so they do not split it.
_MARKS = (
    "\u0300-\u036f\u0483-\u0489\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u08d3-\u08ff"
    "\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\u0640\ufffd" + _FORMAT
)
_APOSTROPHES = "'\u2019\u2018\u02bc\u02bb\u02bf\u02be`\u00b4\u2032\u02b9"
_WORD_CHAR = rf"(?:[^\W_]|[{_MARKS}])"
_TOKEN: Final = re.compile(rf"{_WORD_CHAR}+(?:[{_APOSTROPHES}]+{_WORD_CHAR}+)*")
# _TOKEN on ASCII text, where word characters are letters and digits: a third faster
# than its Unicode classes.
_ASCII_APOSTROPHES: Final = "".join(ch for ch in _APOSTROPHES if ch.isascii())
_ASCII_TOKEN: Final = re.compile(rf"[A-Za-z0-9]+(?:[{_ASCII_APOSTROPHES}]+[A-Za-z0-9]+)*")
_POSSESSIVE: Final = re.compile(rf"[{_APOSTROPHES}][sS]$")
# What joins two words of one name: hyphen-minus, hyphen, non-breaking hyphen, en dash.
_HYPHENS: Final = frozenset({"-", "\u2010", "\u2011", "\u2013"})
_NON_ALNUM: Final = re.compile(r"[^a-z0-9]+")
_LETTER: Final = re.compile(r"[^\W\d_]")
# Format characters (zero-width space/joiners, bidi controls, soft hyphen), the
# apostrophe-like transliteration marks for ain and hamza, and U+FFFD (what a decoder
# puts for bytes it could not read) carry no letters.
# (Deleted by one regular expression: str.translate with a table looks up every
# character, several times slower on a word.)
_DROPPED: Final = re.compile("[" + "".join(re.escape(chr(cp)) for cp in (
    *map(ord, _APOSTROPHES), 0x02BE, 0x02BF, 0xFFFD)) + _FORMAT + "]+")


def _tokens(text: str) -> re.Pattern[str]:
    """The pattern that finds the words of ``text`` (_TOKEN, or its ASCII equivalent)."""
    return _ASCII_TOKEN if text.isascii() else _TOKEN


def _is_arabic(ch: str) -> bool:
    cp = ord(ch)
    return (
        0x0600 <= cp <= 0x06FF or 0x0750 <= cp <= 0x077F or 0x08A0 <= cp <= 0x08FF
        or 0xFB50 <= cp <= 0xFDFF or 0xFE70 <= cp <= 0xFEFF
    )


def _is_latin(ch: str) -> bool:
    cp = ord(ch)
    # Up to U+02AF: the IPA block holds letters of Latin alphabets too (Azerbaijani ə).
    return cp < 0x02B0 or 0x1E00 <= cp <= 0x1EFF or 0x2C60 <= cp <= 0x2C7F or 0xA720 <= cp <= 0xA7FF


# The records below are plain slotted classes, not NamedTuples or attrs classes: names
# parse by the million, and compiled with mypyc a plain class is built about 6x faster
# than a NamedTuple (and 1.5x faster without mypyc).


class _Word:
    """A normalised word before roles are assigned."""

    __slots__ = ("end", "gap", "raw", "script", "start", "text")

    def __init__(self, text: str, start: int, end: int, script: Script, raw: str) -> None:
        self.text = text
        self.start = start
        self.end = end
        self.script = script
        self.raw = raw  # the folded Perso-Arabic letters, for whole-compound look-ups; else ""
        self.gap = ""  # what the text has between this word and the next ("" for the last)


class _Part:
    """A name part without its original text: what comparison needs, cheap to make."""

    __slots__ = ("end", "role", "script", "start", "text")

    def __init__(self, text: str, role: PartRole, start: int, end: int, script: Script) -> None:
        self.text = text
        self.role = role
        self.start = start
        self.end = end
        self.script = script


# --- one word ------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _script_index() -> dict[str, str]:
    """Perso-Arabic word (folded) → romanisation, from the variant groups' native forms."""
    index: dict[str, str] = {}
    for group in _data.variant_groups():
        latin = _latin_word(group.spellings[0])
        for form in group.script_forms:
            folded = _fold_arabic(form).replace(" ", "")
            index.setdefault(folded, latin)
    return index


def _fold_arabic(text: str) -> str:
    return _DROPPED.sub("", unicodedata.normalize("NFKC", text).translate(_data.script_rules().fold))


def _romanise(word: str) -> str:
    """Romanise one folded Perso-Arabic word: known names whole, the rest letter by letter."""
    known = _script_index().get(word)
    if known is not None:
        return known
    rules = _data.script_rules()
    out: list[str] = []
    previous_vowel = False
    i, n = 0, len(word)
    while i < n:
        for letters, latin, at_start, at_end in rules.sequences:
            if word.startswith(letters, i) and (not at_start or i == 0) \
                    and (not at_end or i + len(letters) == n):
                out.append(latin)
                i += len(letters)
                previous_vowel = bool(latin) and latin[-1] in "aeiou"
                break
        else:
            ch = word[i]
            rule = rules.letters.get(ch)
            if rule is None:
                latin = ch if ch.isascii() else unidecode(ch)
            else:
                final = i == n - 1
                if i == 0 and rule.initial is not None:
                    latin = rule.initial
                elif final and previous_vowel and rule.final_after_vowel is not None:
                    latin = rule.final_after_vowel
                elif final and rule.final is not None:
                    latin = rule.final
                elif previous_vowel and rule.after_vowel is not None:
                    latin = rule.after_vowel
                else:
                    latin = rule.default
            out.append(latin)
            previous_vowel = bool(latin) and latin[-1] in "aeiou"
            i += 1
    return "".join(out).lower()


def _rewrite(rules: _data.RewriteRules, text: str) -> str:
    """Rewrite ``text`` by every rule in order."""
    for literal, replacement, guard, run in rules.steps:
        if run:
            if literal and literal not in text:
                continue
            if guard is None or guard.search(text) is not None:
                for pattern, substitute in run:
                    text = pattern.sub(substitute, text)
        elif literal in text:
            text = text.replace(literal, replacement)
    return text


def _latin_word(text: str) -> str:
    """Lower-case ASCII for a Latin-script word: no diacritics, no marks."""
    folded = _data.strip_marks(text).casefold()
    if not folded.isascii():
        folded = unidecode(folded.translate(_data.letters())).lower()
    return _NON_ALNUM.sub("", folded)


@functools.lru_cache(maxsize=65536)
def _word_forms(token: str) -> tuple[tuple[str, Script, str], ...]:
    """Normalise one token of the input: its word(s), script and folded script letters."""
    if token.isascii() and token.isalpha():
        # Plain ASCII letters, most of what comes in: nothing below would change them
        # but the case.
        return ((token.lower(), "latin", ""),)
    token = _POSSESSIVE.sub("", token)
    text = unicodedata.normalize("NFKC", token)
    results: list[tuple[str, Script, str]] = []
    # NFKC can expand a ligature into several words (U+FDFA): normalise each piece.
    for piece in _TOKEN.findall(text):
        piece = _DROPPED.sub("", piece)
        has_arabic = any(_is_arabic(ch) for ch in piece)
        letters = [ch for ch in piece if ch.isalpha()]
        has_latin = any(_is_latin(ch) for ch in letters)
        has_other = any(not _is_latin(ch) and not _is_arabic(ch) for ch in letters)
        if int(has_arabic) + int(has_latin) + int(has_other) > 1:
            raise InvalidNameError(
                f"the word {token!r} mixes scripts; write each word in one script"
            )
        if has_arabic:
            folded = _DROPPED.sub("", piece.translate(_data.script_rules().fold))
            for raw, latin in _split_script(folded):
                results.append((latin, "arabic", raw))
            continue
        words = _latin_word(piece) if has_latin else \
            unidecode(piece.translate(_data.letters())).lower()
        script: Script = "latin" if has_latin else ("other" if has_other else "digits")
        for word in _NON_ALNUM.split(words):
            if word:
                results.append((word, script, ""))
    return tuple(results)


@functools.lru_cache(maxsize=1)
def _articles() -> tuple[tuple[str, str], ...]:
    """The Perso-Arabic articles (data/particles.txt, role particle: "ال"), folded, each
    with its Latin form ("al")."""
    return tuple((_fold_arabic(form), p.forms[0]) for p in _data.particles()
                 if p.role == "particle" for form in p.script_forms if _fold_arabic(form))


@functools.lru_cache(maxsize=1)
def _script_suffixes() -> tuple[str, ...]:
    """The Perso-Arabic forms of the compound suffixes (data/particles.txt), folded,
    longest first."""
    forms = {_fold_arabic(form).replace(" ", "") for p in _data.particles() if p.role == "suffix"
             for form in p.script_forms}
    return tuple(sorted((f for f in forms if f), key=lambda f: (-len(f), f)))


def _split_script(word: str) -> list[tuple[str, str]]:
    """Romanise a folded Perso-Arabic word, splitting what is written joined.

    Persian often writes compound given names and the Arabic article joined to the
    next word ("محمدجواد" Mohammad Javad, "امیرخان" Amir Khan, "القاعده" al-Qaeda). A
    word that is not a known name but splits into two known names (or the article and
    a word) is returned as two words; so are the suffixes of particles.txt at its end
    ("خامنهای" is read as "خامنه ای"), which the parse joins again as when written apart.
    Returns (folded letters, Latin) pairs.
    """
    index = _script_index()
    suffixes: list[str] = []
    while word not in index:
        suffix = next((s for s in _script_suffixes()
                       if word.endswith(s) and len(word) - len(s) >= 2), "")
        if not suffix:
            break
        suffixes.append(suffix)
        word = word[: -len(suffix)]
    if suffixes:
        return [pair for piece in (word, *reversed(suffixes)) for pair in _split_word(piece)]
    return _split_word(word)


def _split_word(word: str) -> list[tuple[str, str]]:
    """:func:`_split_script` of a word without a suffix to split off."""
    index = _script_index()
    if word not in index and len(word) >= 5:
        for cut in range(2, len(word) - 1):
            head, tail = word[:cut], word[cut:]
            if head in index and tail in index:
                return [(head, index[head]), (tail, index[tail])]
        for article, latin in _articles():
            if word.startswith(article) and len(word) > len(article) + 2:
                tail = word[len(article):]
                return [(article, latin), (tail, _romanise(tail))]
    latin = _romanise(word)
    return [(word, w) for w in _NON_ALNUM.split(latin) if w]


# --- the structure of a name ---------------------------------------------------------


class _Lexicon:
    """Word-sequence look-ups built from the data files (a plain slotted class, read
    on every full parse: see _Word)."""

    __slots__ = ("legal", "legal_sizes", "prefix_sizes", "prefixes", "role_sizes", "roles",
                 "script_titles", "suffix_sizes", "suffixes", "title_sizes", "titles")

    def __init__(self, titles: dict[tuple[str, ...], bool], roles: dict[tuple[str, ...], PartRole],
                 suffixes: frozenset[tuple[str, ...]], prefixes: frozenset[tuple[str, ...]],
                 legal: dict[tuple[str, ...], str],
                 script_titles: dict[tuple[str, ...], frozenset[str]]) -> None:
        self.titles = titles  # form → also a given name
        # Forms known only in Perso-Arabic script → their letters. Their romanisation may
        # be a name too (والی governor and ولی Wali both read "wali"): such a form is a
        # title only when written in script, with these letters.
        self.script_titles = script_titles
        self.roles = roles  # connector / particle forms
        self.suffixes = suffixes
        self.prefixes = prefixes
        self.legal = legal  # legal and company forms of organisations → their symbol
        # First word → the numbers of words of the forms above that begin with it, longest
        # first (_match_at tries those only).
        self.title_sizes = _sizes(titles)
        self.role_sizes = _sizes(roles)
        self.suffix_sizes = _sizes(suffixes)
        self.prefix_sizes = _sizes(prefixes)
        self.legal_sizes = _sizes(legal)


def _form_letters(form: str) -> str:
    """The folded Perso-Arabic letters of a form, across its words."""
    return "".join(raw for token in _TOKEN.findall(form) for _, _, raw in _word_forms(token))


def _form_words(form: str) -> tuple[str, ...]:
    words: list[str] = []
    for token in _TOKEN.findall(form):
        words.extend(word for word, _, _ in _word_forms(token))
    return tuple(words)


@functools.lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    titles: dict[tuple[str, ...], bool] = {}
    roles: dict[tuple[str, ...], PartRole] = {}
    suffixes: set[tuple[str, ...]] = set()
    prefixes: set[tuple[str, ...]] = set()
    for particle in _data.particles():
        for form in (*particle.forms, *particle.script_forms):
            words = _form_words(form)
            if not words:
                continue
            if particle.role == "suffix":
                suffixes.add(words)
            elif particle.role == "prefix":
                prefixes.add(words)
            elif particle.role == "connector":
                roles.setdefault(words, "connector")
            else:
                roles.setdefault(words, "particle")
    latin_titles: set[tuple[str, ...]] = set()
    script_titles: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for title in _data.titles():
        for form in (*title.forms, *title.script_forms):
            words = _join_compounds_text(_form_words(form), suffixes, prefixes)
            if words:
                titles[words] = titles.get(words, False) or title.also_name
                if form in title.script_forms:
                    script_titles[words].add(_form_letters(form))
                else:
                    latin_titles.add(words)
    legal: dict[tuple[str, ...], str] = {}
    for term in _data.org_terms():
        if term.role == "form":
            for form in term.forms:
                words = _join_compounds_text(_form_words(form), suffixes, prefixes)
                # A title, connector or particle keeps its role ("of", "the").
                if words and words not in titles and words not in roles:
                    legal.setdefault(words, term.symbol)
    return _Lexicon(titles, roles, frozenset(suffixes), frozenset(prefixes), legal,
                    {words: frozenset(letters) for words, letters in script_titles.items()
                     if words not in latin_titles})


def _sizes(forms: Iterable[tuple[str, ...]]) -> dict[str, tuple[int, ...]]:
    found: dict[str, set[int]] = {}
    for form in forms:
        found.setdefault(form[0], set()).add(len(form))
    return {word: tuple(sorted(sizes, reverse=True)) for word, sizes in found.items()}


def _match_at(texts: Sequence[str], i: int, forms: Container[tuple[str, ...]],
              sizes: dict[str, tuple[int, ...]]) -> int:
    """Length of the longest form starting at ``texts[i]`` (0 if none); ``sizes``: see
    _Lexicon."""
    for size in sizes.get(texts[i], ()):  # most words begin no form: no slicing
        if i + size <= len(texts) and tuple(texts[i : i + size]) in forms:
            return size
    return 0


def _join_compounds_text(
    words: tuple[str, ...], suffixes: set[tuple[str, ...]], prefixes: set[tuple[str, ...]],
) -> tuple[str, ...]:
    items = [_Word(w, 0, 0, "latin", "") for w in words]
    return tuple(w.text for w in _join_compounds(items, frozenset(suffixes), _sizes(suffixes),
                                                 frozenset(prefixes), _sizes(prefixes)))


def _join(words: Sequence[_Word]) -> _Word:
    raw = "".join(w.raw for w in words) if all(w.raw for w in words) else ""
    text = "".join(w.text for w in words)
    if raw:
        # A compound written apart in script may be known whole (حبیب الله → habibullah).
        text = _script_index().get(raw, text)
    script = words[0].script if all(w.script == words[0].script for w in words) else "latin"
    joined = _Word(text, words[0].start, words[-1].end, script, raw)
    joined.gap = words[-1].gap
    return joined


@functools.lru_cache(maxsize=1)
def _first_words() -> frozenset[str]:
    """Every word that can begin a title, connector, particle or compound form: a name
    with none of them is all name parts (the first words of _Lexicon's forms)."""
    lexicon = _lexicon()
    return frozenset().union(lexicon.title_sizes, lexicon.role_sizes, lexicon.suffix_sizes,
                             lexicon.prefix_sizes, lexicon.legal_sizes)


def _join_compounds(
    words: list[_Word], suffixes: frozenset[tuple[str, ...]],
    suffix_sizes: dict[str, tuple[int, ...]], prefixes: frozenset[tuple[str, ...]],
    prefix_sizes: dict[str, tuple[int, ...]],
) -> list[_Word]:
    """Join compounds written apart, until nothing more joins: a compound may itself be
    a suffix or prefix form ("abd" + "u" is "abdu"), and normalising the result again
    must not join more (normalize is idempotent). Each pass that joins shortens the
    list, so there are at most as many passes as words."""
    while True:
        joined = _join_pass(words, suffixes, suffix_sizes, prefixes, prefix_sizes)
        if len(joined) == len(words):
            return joined
        words = joined


def _join_pass(
    words: list[_Word], suffixes: frozenset[tuple[str, ...]],
    suffix_sizes: dict[str, tuple[int, ...]], prefixes: frozenset[tuple[str, ...]],
    prefix_sizes: dict[str, tuple[int, ...]],
) -> list[_Word]:
    # Suffixes first ("Hussam al Din"), joined to the word before them ...
    out: list[_Word] = []
    texts = [w.text for w in words]
    i = 0
    while i < len(words):
        size = _match_at(texts, i, suffixes, suffix_sizes) if out else 0
        if size and i + size < len(words) and words[i + size - 1].gap in _HYPHENS and \
                out[-1].gap not in _HYPHENS and tuple(texts[i : i + size]) in prefixes:
            # A form that both ends and begins names (pour) belongs to the word it is
            # hyphenated to: "Mostafa Pour-Mohammadi" is Mostafa Pourmohammadi.
            size = 0
        if size:
            out[-1] = _join([out[-1], *words[i : i + size]])
            i += size
        else:
            out.append(words[i])
            i += 1
    # ... then prefixes, joined to the word after them ("Abdul Qahar").
    joined: list[_Word] = []
    i = 0
    texts = [w.text for w in out]
    while i < len(out):
        size = _match_at(texts, i, prefixes, prefix_sizes)
        if size and i + size < len(out):
            joined.append(_join(out[i : i + size + 1]))
            i += size + 1
        else:
            joined.append(out[i])
            i += 1
    return joined


def _require_str(text: object) -> str:
    """``text``, or TypeError when it is not a string."""
    if not isinstance(text, str):
        raise TypeError(f"a name must be a string, not {type(text).__name__}")
    return text


# (chr(): mypyc does not compile surrogates written in a string literal.)
_SURROGATE: Final = re.compile(f"[{chr(0xD800)}-{chr(0xDFFF)}]")
# Control characters that are not white space (C0 but tab, line breaks and the
# separators Python splits on; DEL; C1 but NEL): no name holds one. They come of a
# terminal's escape sequences, a binary file or bytes decoded in the wrong encoding.
_CONTROL: Final = re.compile("[\x01-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")


def _check_input(text: object) -> str:
    text = _require_str(text)
    if len(text) > MAX_NAME_LENGTH:
        raise InvalidNameError(
            f"name is {len(text):,} characters long; the limit is {MAX_NAME_LENGTH:,} "
            "(running text is for link(): `aliaskit link` on the command line)"
        )
    if not text.strip():
        raise InvalidNameError("name is empty" if not text else "name is only whitespace")
    if "\0" in text:
        # No name holds one: it is what is left of text in UTF-16 read as UTF-8, or of a
        # binary file, and dropped as a non-letter it let the rest match.
        at = text.index("\0") + 1
        raise InvalidNameError(f"name {text[:40]!r} holds a NUL character (at character {at})")
    if not text.isprintable():  # (fast: most names are printable, and none of these is)
        control = _CONTROL.search(text)
        if control is not None:
            # Read as a word break, "Ahmad\x7fMassoud" was equal to "Ahmad Massoud".
            raise InvalidNameError(
                f"name {text[:40]!r} holds a control character (U+{ord(control.group()):04X} "
                f"at character {control.start() + 1})")
    if not text.isascii():
        surrogate = _SURROGATE.search(text)
        if surrogate is not None:
            # Half of a UTF-16 pair, or a byte that was not UTF-8 (surrogateescape): not
            # text, and no name part.
            raise InvalidNameError(
                f"name {text[:40]!r} is not valid Unicode (a lone surrogate at "
                f"character {surrogate.start() + 1})")
    return text


def _words(text: str) -> list[_Word]:
    words: list[_Word] = []
    for match in _tokens(text).finditer(text):
        start, end = match.span()
        for word, script, raw in _word_forms(match.group()):
            words.append(_Word(word, start, end, script, raw))
    for before, after in itertools.pairwise(words):
        before.gap = text[before.end : after.start]
    return words


def _name_parts_of(text: str, parts: Sequence[_Part]) -> tuple[NamePart, ...]:
    """The public NamePart records of parsed parts, with their original text."""
    return tuple([NamePart(p.text, p.role, text[p.start : p.end], p.start, p.end, p.script)
                  for p in parts])


def _require_letter(text: str, words: list[str]) -> None:
    # Words are lower-case ASCII by now, so one search finds a letter if there is one.
    if not _LETTER.search(" ".join(words)):
        raise InvalidNameError(f"name {text[:40]!r} contains no letters")
    _require_short(words)


def _require_short(words: list[str]) -> None:
    """The normalised name, not only the input, is at most MAX_NAME_LENGTH characters:
    romanisation writes vowels that Perso-Arabic script leaves out, and a name whose
    normalised form is accepted must be accepted again (normalize is idempotent)."""
    length = sum([len(w) for w in words]) + len(words) - 1
    if length > MAX_NAME_LENGTH:
        raise InvalidNameError(
            f"name is {length:,} characters long once romanised; the limit is "
            f"{MAX_NAME_LENGTH:,} (running text is for link(): `aliaskit link` on the command line)")


def _plain_words(text: object) -> tuple[list[str], list[Script] | None] | None:
    """The words and their scripts (None: all Latin) of a name whose every word is a name
    part, else None.

    The quick path of :func:`_parse` for what comparison needs (no offsets): None means
    some word may begin a title, connector, particle or compound, and the name needs
    the full parse. Raises like :func:`_parse`.
    """
    text = _check_input(text)
    scripts: list[Script] | None = None
    if text.isascii() and text.replace(" ", "").isalpha():
        # ASCII letters and spaces (most names): the tokens are the words, lower-cased
        # (no longer than the input).
        texts = text.lower().split()
    else:
        forms = [form for token in _tokens(text).findall(text) for form in _word_forms(token)]
        texts = [word for word, _, _ in forms]
        scripts = [script for _, script, _ in forms]
        _require_letter(text, texts)
    if _is_spelt_acronym(texts):
        return None
    return (texts, scripts) if _first_words().isdisjoint(texts) else None


def _is_spelt_acronym(texts: Sequence[str]) -> bool:
    """Is a name only single letters ("N.I.O.C.", "I R G C")? It is then one word, an
    acronym: a name of initials alone names no one part by part."""
    return len(texts) >= 2 and all(len(t) == 1 and t.isalpha() for t in texts)


def _title_run(words: Sequence[_Word], texts: Sequence[str], lexicon: _Lexicon,
               roles: list[PartRole], start: int, others: int) -> int:
    """Mark the titles of a run from ``start`` in ``roles``; return where the run ends.
    ``others``: the words before ``start`` that are not titles. A word that is also a
    given name ("Hafiz") only counts as a title when at least two other words remain."""
    i = start
    while i < len(words):
        size = _match_at(texts, i, lexicon.titles, lexicon.title_sizes)
        if not size:
            break
        form = tuple(texts[i : i + size])
        letters = lexicon.script_titles.get(form)
        if letters is not None and "".join(w.raw for w in words[i : i + size]) not in letters:
            break
        if lexicon.titles[form] and others + len(words) - i - size < 2:
            break
        roles[i : i + size] = ["title"] * size
        i += size
    return i


def _parse(text: object) -> tuple[_Part, ...]:
    """The parts of a name (the work behind :func:`name_parts`)."""
    text = _check_input(text)
    words = _words(text)
    texts = [w.text for w in words]
    _require_letter(text, texts)
    if _is_spelt_acronym(texts):
        return (_Part("".join(texts), "name", words[0].start, words[-1].end, words[0].script),)
    if _first_words().isdisjoint(texts):
        # No word can start a title, connector, particle or compound: all are names.
        return tuple([_Part(w.text, "name", w.start, w.end, w.script) for w in words])
    lexicon = _lexicon()
    words = _join_compounds(words, lexicon.suffixes, lexicon.suffix_sizes, lexicon.prefixes,
                            lexicon.prefix_sizes)
    texts = [w.text for w in words]
    roles: list[PartRole] = ["name"] * len(words)

    # Titles: a run at the start (_title_run).
    i = _title_run(words, texts, lexicon, roles, 0, 0)
    # And a run after the comma (Latin or Arabic) of a name written surname first, as
    # lists write them ("Naqshbandi, Hajji Karim"): the surname counts among the other
    # words.
    comma = next((k for k in range(i + 1, len(words))
                  if "," in words[k - 1].gap or "\u060c" in words[k - 1].gap), 0)
    if comma:
        _title_run(words, texts, lexicon, roles, comma, comma - i)
    # An izafe joining a title to the name ("Hafez-e Daryay-e Aria", "Mullah-e Kabir") is
    # a connector, not the first name word (a one-letter "e" would read as an initial).
    while 0 < i < len(words) - 1 and lexicon.roles.get((texts[i],)) == "connector" and (
            roles[i - 1] == "title"):
        roles[i] = "connector"
        i += 1
    # Connectors and particles, anywhere after the titles but never the first name word.
    j = i + 1
    while j < len(words):
        size = _match_at(texts, j, lexicon.roles, lexicon.role_sizes)
        if size and "title" not in roles[j : j + size]:
            role = lexicon.roles[tuple(texts[j : j + size])]
            roles[j : j + size] = [role] * size
            j += size
        else:
            j += 1
    # Legal and company forms of organisations, anywhere among the names ("Sherkat-e
    # Rishmak", "Niru Co. Ltd."); a form of one-letter words ("S. A.") only after a name,
    # where it cannot be the initials that begin a personal name.
    k = i
    while k < len(words):
        size = _match_at(texts, k, lexicon.legal, lexicon.legal_sizes) if roles[k] == "name" else 0
        if size and "title" not in roles[k : k + size] and (
                k > i or any(len(t) > 1 for t in texts[k : k + size])):
            roles[k : k + size] = ["legal"] * size
            k += size
        else:
            k += 1
    # A particle at the very start ("al-Qaeda") is a particle too.
    if i < len(words) and lexicon.roles.get((texts[i],)) == "particle" and i + 1 < len(words):
        roles[i] = "particle"
    # Never leave a name without identity: "Commander" alone is a name.
    if "name" not in roles:
        roles = ["name" if r != "title" else r for r in roles]
        if "name" not in roles:
            roles = ["name"] * len(words)
    return tuple([_Part(w.text, role, w.start, w.end, w.script) for w, role in zip(words, roles)])


def one_part(text: str) -> str:
    """``text`` normalised, which must be one name part (for the functions that take a
    part: part_weight, variant_group); InvalidNameError otherwise."""
    words = [part.text for part in _parse(text)]
    if len(words) != 1:
        raise InvalidNameError(f"expected one name part, not {len(words)}: {text[:40]!r}")
    return words[0]
