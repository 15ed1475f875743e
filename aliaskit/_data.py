"""Loading the bundled reference tables in ``data/``.

Every list of titles, particles, letter rules and variant spellings lives in a commented
text file in ``data/`` (the single source of truth); this module parses those files once,
lazily, on first use, and hands out immutable views. Malformed lines raise
:class:`~aliaskit.DataFileError` with the file and line number.

Installed wheels carry the files in ``aliaskit/data``; a source checkout (editable
install) reads them from the repository's top-level ``data/``.
"""

from __future__ import annotations

import functools
import math
import operator
import re
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeAlias, cast

import attrs

from ._errors import DataFileError, InvalidArgumentError, as_path, open_file
from ._lines import decode_marked, split_lines

_TRAILING_COMMENT = re.compile(r"\s{2,}#.*$")
_CODEPOINT = re.compile(r"^U\+([0-9A-Fa-f]{4,6})$")


def data_dir() -> Path:
    """Return the directory holding the bundled data files."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "data", here.parent / "data"):
        if (candidate / "script.txt").is_file():
            return candidate
    raise DataFileError("bundled data directory not found (is the package installed correctly?)")


def read_text(path: Path) -> str:
    """A UTF-8 text file (a byte-order mark is ignored; one of UTF-16 or UTF-32, as Windows
    saves "Unicode" text, is read as such), or a DataFileError saying why not."""
    with open_file(path) as handle:
        try:
            raw = handle.read()
        except OSError as exc:
            raise DataFileError(f"cannot read the file ({exc.strerror})", path=str(path)) from None
    text, line, why = decode_marked(raw)
    if text is None:
        raise DataFileError(why, path=str(path), line=line)
    return text


@attrs.frozen(slots=True)
class Row:
    """One data line: its fields (stripped) and where it came from."""

    fields: tuple[str, ...]
    path: str
    line: int

    def error(self, message: str) -> DataFileError:
        return DataFileError(message, path=self.path, line=self.line)


def read_rows(
    name: str, *, min_fields: int, max_fields: int | None = None, separator: str = "|"
) -> Iterator[Row]:
    """Yield the data lines of ``data/<name>`` split on ``separator``, skipping comments."""
    path = data_dir() / name
    return _rows(read_text(path), path, min_fields=min_fields, max_fields=max_fields,
                 separator=separator)


def _rows(text: str, path: Path, *, min_fields: int, max_fields: int | None = None,
          separator: str = "|") -> Iterator[Row]:
    """:func:`read_rows` of a file's text already read."""
    limit = max_fields if max_fields is not None else min_fields
    for number, raw in enumerate(split_lines(text), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        line = _TRAILING_COMMENT.sub("", line)
        fields = tuple(field.strip() for field in line.split(separator))
        if not min_fields <= len(fields) <= limit:
            expected = str(min_fields) if limit == min_fields else f"{min_fields} to {limit}"
            raise DataFileError(
                f"expected {expected} fields separated by {separator!r}, found {len(fields)}",
                path=str(path),
                line=number,
            )
        yield Row(fields, str(path), number)


def split_list(field: str) -> tuple[str, ...]:
    """Split a comma-separated field into its non-empty items."""
    return tuple(item.strip() for item in field.split(",") if item.strip())


def parse_chars(field: str, row: Row) -> tuple[str, ...]:
    """Parse a space-separated list of characters, each literal or written ``U+XXXX``."""
    chars: list[str] = []
    for item in field.split():
        match = _CODEPOINT.match(item)
        if match:
            chars.append(chr(int(match.group(1), 16)))
        elif len(item) == 1:
            chars.append(item)
        else:
            raise row.error(f"expected single characters or U+XXXX, found {item!r}")
    return tuple(chars)


# --- script rules --------------------------------------------------------------------


@attrs.frozen(slots=True)
class LetterRule:
    """How one Perso-Arabic letter is romanised, by position."""

    default: str
    initial: str | None = None
    final: str | None = None
    after_vowel: str | None = None
    final_after_vowel: str | None = None


@attrs.frozen(slots=True)
class ScriptRules:
    """Folding table, digits, letter sequences and per-letter romanisation."""

    fold: dict[int, str]
    # (letters, latin, anchored at the word's start, anchored at its end)
    sequences: tuple[tuple[str, str, bool, bool], ...]
    letters: dict[str, LetterRule]


_ROMAN_KEYS = {"initial", "final", "after-vowel", "final-after-vowel"}


@functools.cache
def script_rules() -> ScriptRules:
    fold: dict[int, str] = {}
    sequences: list[tuple[str, str, bool, bool]] = []
    letters: dict[str, LetterRule] = {}
    for row in read_rows("script.txt", min_fields=3, max_fields=7):
        kind = row.fields[0]
        if kind in ("fold", "digit"):
            if len(row.fields) != 3:
                raise row.error(f"'{kind}' takes exactly 3 fields")
            for char in parse_chars(row.fields[1], row):
                if ord(char) in fold:
                    raise row.error(f"character U+{ord(char):04X} folded twice")
                fold[ord(char)] = row.fields[2]
        elif kind == "seq":
            letters_field, latin = row.fields[1], row.fields[2]
            start, end = letters_field.startswith("^"), letters_field.endswith("$")
            bare = letters_field.removeprefix("^").removesuffix("$")
            if not bare:
                raise row.error("'seq' needs letters")
            sequences.append((bare, latin, start, end))
        elif kind == "roman":
            letter = row.fields[1]
            if len(letter) != 1:
                raise row.error(f"'roman' takes one letter, found {letter!r}")
            overrides: dict[str, str] = {}
            for item in row.fields[3:]:
                key, sep, value = item.partition("=")
                if not sep or key not in _ROMAN_KEYS:
                    raise row.error(f"unknown override {item!r}")
                overrides[key.replace("-", "_")] = value
            letters[letter] = LetterRule(default=row.fields[2], **overrides)
        else:
            raise row.error(f"unknown rule kind {kind!r}")
    sequences.sort(key=lambda seq: -len(seq[0]))
    return ScriptRules(fold=fold, sequences=tuple(sequences), letters=letters)


# --- titles and particles ------------------------------------------------------------


@attrs.frozen(slots=True)
class Title:
    id: str
    forms: tuple[str, ...]
    script_forms: tuple[str, ...]
    also_name: bool


@functools.cache
def titles() -> tuple[Title, ...]:
    found: list[Title] = []
    for row in read_rows("titles.txt", min_fields=4):
        flags = set(split_list(row.fields[3]))
        unknown = flags - {"also-name"}
        if unknown:
            raise row.error(f"unknown flag(s) {sorted(unknown)}")
        forms = split_list(row.fields[1])
        if not forms:
            raise row.error("a title needs at least one Latin form")
        found.append(Title(row.fields[0], forms, split_list(row.fields[2]), "also-name" in flags))
    return tuple(found)


PARTICLE_ROLES = ("connector", "particle", "suffix", "prefix")


@attrs.frozen(slots=True)
class Particle:
    role: str
    id: str
    forms: tuple[str, ...]
    script_forms: tuple[str, ...]
    compound: bool = False  # flag "compound": a name plus this part is its compound


@functools.cache
def particles() -> tuple[Particle, ...]:
    found: list[Particle] = []
    for row in read_rows("particles.txt", min_fields=4, max_fields=5):
        role = row.fields[0]
        if role not in PARTICLE_ROLES:
            raise row.error(f"unknown role {role!r}; expected one of {', '.join(PARTICLE_ROLES)}")
        forms = split_list(row.fields[2])
        if not forms:
            raise row.error("at least one Latin form is needed")
        flags = row.fields[4] if len(row.fields) > 4 else ""
        if flags not in ("", "compound"):
            raise row.error(f"unknown flag {flags!r}; the only flag is 'compound'")
        if flags and role not in ("prefix", "suffix"):
            raise row.error("only a prefix or a suffix can be flagged 'compound'")
        found.append(Particle(role, row.fields[1], forms, split_list(row.fields[3]),
                              compound=bool(flags)))
    return tuple(found)


# --- key rules -----------------------------------------------------------------------


_LITERAL = re.compile(r"[A-Za-z0-9 ]+")
Replacement: TypeAlias = "str | Callable[[re.Match[str]], str]"
Step: TypeAlias = "tuple[str, str, re.Pattern[str] | None, tuple[tuple[re.Pattern[str], Replacement], ...]]"


@attrs.frozen(slots=True)
class RewriteRules:
    """Ordered rewrite rules (data/keys.txt, data/fold.txt): each applies to the result
    of the one before (applied by ``_parsing._rewrite``, which is compiled)."""

    rules: tuple[tuple[re.Pattern[str], str], ...]
    # The rules as steps with the same result, cheaper to apply to a word:
    # (literal, replacement, None, ()) for a rule whose pattern is plain letters and whose
    # replacement has no group reference: most rules are letter pairs (kh => X) that a word
    # rarely contains, and a substring test skips them for a fraction of a regex pass;
    # (required, "", guard, run) for a run of consecutive regular expressions without
    # groups: ``guard`` is their alternation; if it finds nothing, no rule of the run can
    # match (none changes the text before the next is tried), and one search replaces a
    # pass per rule. A run of one rule has no guard but may have ``required`` letters that
    # every match contains (plain letters between lookarounds: w in (?<=[aeiou])w(?=...)),
    # tested first like a literal rule. A rule with groups is a run of its own; a
    # replacement that is one group reference (\1) is a method call on the match, the rest
    # re.sub expands (in Python below 3.12, through a Python function per match).
    steps: tuple[Step, ...] = attrs.field(init=False)

    @steps.default
    def _split(self) -> tuple[Step, ...]:
        steps: list[Step] = []
        run: list[tuple[re.Pattern[str], Replacement]] = []

        def end_run() -> None:
            if len(run) == 1:
                steps.append((_required(run[0][0]), "", None, (run[0],)))
            elif run:
                steps.append(("", "", _guard(run), tuple(run)))
            run.clear()

        for pattern, replacement in self.rules:
            if _LITERAL.fullmatch(pattern.pattern) and "\\" not in replacement:
                end_run()
                steps.append((pattern.pattern, replacement, None, ()))
            elif pattern.groups:  # group numbers would change meaning in an alternation
                end_run()
                steps.append(("", "", None, ((pattern, _substitute(replacement)),)))
            else:
                run.append((pattern, replacement))
        end_run()
        return tuple(steps)


_LOOKAROUND = re.compile(r"\(\?<?[=!][^()]*\)")
_GROUP_REFERENCE = re.compile(r"\\(?:([1-9][0-9]?)|g<([1-9][0-9]?)>)")


def _required(pattern: re.Pattern[str]) -> str:
    """Letters that every match of ``pattern`` contains, when it is plain letters between
    lookarounds without nested groups; else ""."""
    core = _LOOKAROUND.sub("", pattern.pattern)
    return core if _LITERAL.fullmatch(core) else ""


def _substitute(template: str) -> Replacement:
    """What re.sub takes to replace a match by ``template``: match.group(n) for a template
    that is only a reference to group n (re.sub reads None, an unmatched group, as "")."""
    reference = _GROUP_REFERENCE.fullmatch(template)
    if reference is None:
        return template
    return cast("Callable[[re.Match[str]], str]",
                operator.methodcaller("group", int(reference.group(1) or reference.group(2))))


_GLOBAL_FLAG = re.compile(r"\(\?[aiLmsux]+\)")


def _guard(run: list[tuple[re.Pattern[str], Replacement]]) -> re.Pattern[str] | None:
    """One expression that matches wherever a rule of the run would, or None."""
    if len(run) < 2 or any(p.flags != run[0][0].flags or _GLOBAL_FLAG.match(p.pattern) for p, _ in run):
        return None  # global flags would change meaning in an alternation
    try:
        return re.compile("|".join(f"(?:{p.pattern})" for p, _ in run), run[0][0].flags)
    except re.error:  # each rule compiled alone; without a guard the run still applies
        return None


FOLD_TABLE = "folds.txt"
FOLD_DIGEST = "# fold.txt sha256 = "  # the header line of data/folds.txt naming its rules


def fold_rules_digest() -> str:
    """The SHA-256 of data/fold.txt: the generated fold table records the rules it used."""
    import hashlib

    return hashlib.sha256(read_text(data_dir() / "fold.txt").encode("utf-8")).hexdigest()


@functools.cache
def fold_table() -> dict[str, tuple[str, ...]]:
    """Normalised spelling → folded spellings, from the generated data/folds.txt.

    Empty when the table was made with other fold rules than data/fold.txt's (it is then
    out of date: ``aliaskit data check`` says so, and folds are computed instead).
    """
    path = data_dir() / FOLD_TABLE
    text = read_text(path)
    digest = next((line[len(FOLD_DIGEST):].strip() for line in text.splitlines()[:5]
                   if line.startswith(FOLD_DIGEST)), None)
    if digest is None:
        raise DataFileError(f"no '{FOLD_DIGEST}...' line in the header", path=str(path))
    if digest != fold_rules_digest():
        return {}
    table: dict[str, tuple[str, ...]] = {}
    for row in _rows(text, path, min_fields=2):
        folds = split_list(row.fields[1])
        if not row.fields[0] or not folds:
            raise row.error("expected 'spelling | fold, fold'")
        table[row.fields[0]] = folds
    return table


def _regex_rules(name: str) -> RewriteRules:
    rules: list[tuple[re.Pattern[str], str]] = []
    for row in read_rows(name, min_fields=2, separator="=>"):
        if row.fields[0].startswith(READING):
            continue  # a symbol's readings (fold_readings), not a rule
        try:
            pattern = re.compile(row.fields[0])
        except re.error as exc:
            raise row.error(f"bad regular expression: {exc}") from None
        rules.append((pattern, row.fields[1]))
    return RewriteRules(tuple(rules))


@functools.cache
def key_rules() -> RewriteRules:
    """The ordered rewrite rules of data/keys.txt."""
    return _regex_rules("keys.txt")


@functools.cache
def fold_rules() -> RewriteRules:
    """The ordered rewrite rules of data/fold.txt."""
    return _regex_rules("fold.txt")


# A line of data/fold.txt that gives the readings of a symbol: "@E => a, i".
READING = "@"


@functools.cache
def fold_readings() -> dict[str, tuple[str, ...]]:
    """The symbols of data/fold.txt that read more than one way, with their readings
    ("E" is a or i: Ahmed / Ahmad, Esmail / Ismail)."""
    readings: dict[str, tuple[str, ...]] = {}
    for row in read_rows("fold.txt", min_fields=2, separator="=>"):
        if not row.fields[0].startswith(READING):
            continue
        symbol, options = row.fields[0][len(READING):], split_list(row.fields[1])
        if len(symbol) != 1 or not symbol.isupper() or len(options) < 2 \
                or not all(o.isascii() and o.isalpha() and o.islower() for o in options):
            raise row.error("expected '@SYMBOL => reading, reading' (one upper-case letter, "
                            "lower-case readings)")
        readings[symbol] = options
    return readings


# --- variant groups ------------------------------------------------------------------

VARIANT_TYPES = ("given", "family", "tribal", "place", "org")
COMMONNESS = ("very-common", "common", "usual", "rare")


@attrs.frozen(slots=True)
class VariantGroup:
    """One name part with its attested Latin spellings and Perso-Arabic forms."""

    id: str
    type: str
    commonness: str
    spellings: tuple[str, ...]
    script_forms: tuple[str, ...]
    related: tuple[str, ...]
    line: int


@functools.cache
def variant_groups() -> tuple[VariantGroup, ...]:
    groups: list[VariantGroup] = []
    for row in read_rows("variants.txt", min_fields=6):
        gid, gtype, commonness, latin, script, related = row.fields
        if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", gid):
            raise row.error(f"bad group id {gid!r}")
        if gtype not in VARIANT_TYPES:
            raise row.error(f"bad type {gtype!r}; expected one of {', '.join(VARIANT_TYPES)}")
        if commonness not in COMMONNESS:
            raise row.error(f"bad commonness {commonness!r}; expected one of {', '.join(COMMONNESS)}")
        spellings = split_list(latin)
        if len(spellings) < 2:
            raise row.error("a variant group needs at least two Latin spellings")
        groups.append(
            VariantGroup(
                gid, gtype, commonness, spellings, split_list(script), split_list(related), row.line
            )
        )
    return tuple(groups)


def strip_marks(text: str) -> str:
    """Remove combining marks after canonical decomposition ("Ḥusām" → "Husam")."""
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))


@functools.cache
def letters() -> dict[int, str]:
    """Letter → replacement ("" drops it), applied to each word before ASCII folding
    (data/letters.txt: Azerbaijani ə, Tajik Cyrillic ҷ)."""
    table: dict[int, str] = {}
    for row in read_rows("letters.txt", min_fields=3):
        letter, replacement, _ = row.fields
        if len(letter) != 1 or not letter.isalpha() or (
                replacement and not (replacement.isascii() and replacement.isalpha())):
            raise row.error("expected one letter and its replacement in ASCII letters (or none)")
        if ord(letter) in table:
            raise row.error(f"letter {letter!r} listed twice")
        table[ord(letter)] = replacement
    return table


# --- generic words and profiles ----------------------------------------------------


@functools.cache
def generic_words() -> dict[tuple[str, str], str]:
    """(kind, word) → commonness, where kind is "org", "place" or "any"."""
    table: dict[tuple[str, str], str] = {}
    for row in read_rows("generic_words.txt", min_fields=3):
        kind, commonness, words = row.fields
        if kind not in ("org", "place", "any"):
            raise row.error(f"bad kind {kind!r}; expected org, place or any")
        if commonness not in COMMONNESS:
            raise row.error(f"bad commonness {commonness!r}")
        for word in split_list(words):
            if (kind, word) in table:
                raise row.error(f"word {word!r} listed twice for {kind}")
            table[(kind, word)] = commonness
    return table


@functools.cache
def kind_words() -> dict[str, frozenset[str]]:
    """Kind → the words that say a name is of that kind (data/kind_words.txt)."""
    table: dict[str, set[str]] = {}
    for row in read_rows("kind_words.txt", min_fields=2, max_fields=2):
        kind, words = row.fields
        if kind != "org":
            raise row.error(f"bad kind {kind!r}; expected org")
        found = table.setdefault(kind, set())
        for word in split_list(words):
            if word in found:
                raise row.error(f"word {word!r} listed twice for {kind}")
            found.add(word)
    return {kind: frozenset(words) for kind, words in table.items()}


PAIR_SCRIPTS = ("latin", "cross-script", "arabic")
"""Which scripts a pair of names is written in: both Latin, one of each, both Perso-Arabic."""
PROFILE_KINDS = ("person", "place", "org")


def _check_threshold(value: object, what: str) -> None:
    """A profile's threshold is a number in [0, 1] (a NaN decides nothing)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"Profile {what} must be a number, not {type(value).__name__}")
    if not 0.0 <= value <= 1.0:  # (False for NaN too)
        raise InvalidArgumentError(f"Profile {what} must be in [0, 1], not {value!r}")


def _check_groups(groups: tuple[tuple[str, float], ...]) -> None:
    for key, threshold in groups:
        _check_threshold(threshold, f"groups[{key!r}]")


PROFILE_NAME = re.compile(r"[A-Za-z0-9_.-]+")
"""What a profile's name may be written with (a profile file's first field)."""


@attrs.frozen(slots=True)
class Profile:
    """A decision profile: a pair of names is a match when its score is at least
    ``threshold``.

    The bundled profiles are data/profiles.txt's (``"default"``, ``"screening"``,
    ``"dedupe"``); :func:`aliaskit.load_profile` reads one from a file that
    ``aliaskit calibrate`` wrote. ``groups`` holds thresholds for groups of pairs, keyed
    ``"person"``, ``"latin"``, ``"person/cross-script"`` (a kind, a pair script of
    ``"latin"``, ``"cross-script"``, ``"arabic"``, or both): a pair uses the most
    specific group that has one (kind and script, then kind, then script), else
    ``threshold``.
    """

    name: str = attrs.field(validator=attrs.validators.instance_of(str))
    threshold: float = attrs.field(validator=lambda i, a, v: _check_threshold(v, "threshold"))
    description: str = attrs.field(validator=attrs.validators.instance_of(str))
    groups: tuple[tuple[str, float], ...] = attrs.field(
        default=(), validator=lambda i, a, v: _check_groups(v))

    def for_pair(self, kind: str | None, script: str) -> Profile:
        """The profile that decides a pair of this kind and pair script (see ``groups``)."""
        if not self.groups:
            return self
        table = dict(self.groups)
        for key in (f"{kind}/{script}" if kind else None, kind, script):
            if key is not None and key in table:
                return Profile(f"{self.name}/{key}", table[key], self.description)
        return Profile(self.name, self.threshold, self.description)


MODEL = "model.txt"


@attrs.frozen(slots=True)
class Model:
    """The fitted comparison model: a logistic regression over the features of an
    aligned pair of names (aliaskit/_scoring.py, FEATURES), and the decision threshold
    of each profile, fitted on labelled pairs (benchmarks/fit.py writes data/model.txt)."""

    features: tuple[str, ...]
    coefficients: tuple[float, ...]
    intercept: float
    thresholds: tuple[tuple[str, float], ...]
    # The weight of words common among organisation names, from how many of the
    # training organisations have them (inverse document frequency): "industries"
    # weighs little, "Khazar" (absent: not common) fully.
    words: tuple[tuple[str, float], ...] = ()


def parse_model(text: str, path: str = MODEL) -> Model:
    """A :class:`Model` from the text of a model file (see data/model.txt)."""
    features: list[str] = []
    coefficients: list[float] = []
    thresholds: dict[str, float] = {}
    words: dict[str, float] = {}
    intercept: float | None = None
    for row in _rows(text, Path(path), min_fields=2, max_fields=3):
        what, *rest = row.fields
        try:
            value = float(rest[-1])
        except ValueError:
            raise row.error(f"{rest[-1]!r} is not a number") from None
        if not math.isfinite(value):
            raise row.error("a parameter must be a finite number")
        if what == "intercept" and len(rest) == 1 and intercept is None:
            intercept = value
        elif what == "feature" and len(rest) == 2 and rest[0] not in features:
            features.append(rest[0])
            coefficients.append(value)
        elif what == "threshold" and len(rest) == 2 and rest[0] not in thresholds:
            if not 0.0 < value <= 1.0:
                raise row.error("a threshold must be in (0, 1]")
            thresholds[rest[0]] = value
        elif what == "word" and len(rest) == 2 and rest[0] not in words:
            if not 0.0 < value <= 1.0:
                raise row.error("a word's weight must be in (0, 1]")
            words[rest[0]] = value
        else:
            raise row.error("expected 'intercept | x', 'feature | name | x', "
                            "'threshold | profile | x' or 'word | word | x', each name once")
    if intercept is None or not features:
        raise DataFileError("a model needs an intercept and at least one feature", path=path)
    return Model(tuple(features), tuple(coefficients), intercept, tuple(thresholds.items()),
                 tuple(words.items()))


_ACTIVE: list[Model] = []


def model() -> Model:
    """The model in use: data/model.txt unless :func:`use_model` chose another."""
    if not _ACTIVE:
        path = data_dir() / MODEL
        _ACTIVE.append(parse_model(read_text(path), str(path)))
    return _ACTIVE[0]


def use_model(chosen: Model | None) -> None:
    """Score with ``chosen`` from now on (None: the bundled data/model.txt again).

    For fitting and cross-validation (benchmarks/): the comparison model and the
    profiles' fitted thresholds change together.
    """
    _ACTIVE.clear()
    if chosen is not None:
        _ACTIVE.append(chosen)
    profiles.cache_clear()
    for hook in _MODEL_HOOKS:
        hook()


_MODEL_HOOKS: list[Callable[[], None]] = []  # run when the model changes (cached coefficients)


@functools.cache
def profiles() -> dict[str, Profile]:
    """The decision profiles of data/profiles.txt; a threshold written "fitted" is the
    model's (data/model.txt)."""
    found: dict[str, Profile] = {}
    fitted = dict(model().thresholds)
    for row in read_rows("profiles.txt", min_fields=3):
        name, threshold, description = row.fields
        if threshold == "fitted":
            if name not in fitted:
                raise row.error(f"the model has no fitted threshold for {name!r}")
            value = fitted[name]
        else:
            try:
                value = float(threshold)
            except ValueError:
                raise row.error(f"threshold {threshold!r} is not a number or 'fitted'") from None
        if not 0.0 < value <= 1.0:
            raise row.error("threshold must be in (0, 1]")
        if name in found:
            raise row.error(f"profile {name!r} defined twice")
        found[name] = Profile(name, value, description)
    if "default" not in found:
        raise DataFileError("profiles.txt must define a 'default' profile")
    return found


def _threshold(field: str, row: Row, fitted: dict[str, float], name: str) -> float:
    if field == "fitted":
        if name not in fitted:
            raise row.error(f"the model has no fitted threshold for {name!r}")
        value = fitted[name]
    else:
        try:
            value = float(field)
        except ValueError:
            raise row.error(f"threshold {field!r} is not a number or 'fitted'") from None
    if not 0.0 < value <= 1.0:
        raise row.error("threshold must be in (0, 1]")
    return value


def load_profiles(path: str | Path) -> dict[str, Profile]:
    """The profiles of a profile file in data/profiles.txt's format (``name | threshold |
    what it is for``), as ``aliaskit calibrate`` writes them. A name ``base/group``
    (group: a kind, a pair script, or ``kind/script``) gives the profile ``base`` a
    threshold for that group of pairs (see :class:`Profile`). Malformed lines raise
    :class:`~aliaskit.DataFileError` with the file and line.
    """
    where = as_path(path)
    return parse_profiles(read_text(where), where)


def parse_profiles(text: str, where: Path) -> dict[str, Profile]:
    """:func:`load_profiles` of a file's text already read (or about to be written)."""
    fitted = dict(model().thresholds)
    bases: dict[str, Profile] = {}
    groups: dict[str, dict[str, float]] = {}
    for row in _rows(text, where, min_fields=3):
        name, field, description = row.fields
        base, _, group = name.partition("/")
        if not PROFILE_NAME.fullmatch(base):
            raise row.error(f"bad profile name {base!r} (letters, digits, _ . - only)")
        if not group:
            if base in bases:
                raise row.error(f"profile {base!r} defined twice")
            bases[base] = Profile(base, _threshold(field, row, fitted, base), description)
            groups[base] = {}
            continue
        if base not in bases:
            raise row.error(f"group {name!r} before its profile {base!r}")
        kind, _, script = group.rpartition("/")
        if not kind and script in PROFILE_KINDS:
            kind, script = script, ""
        if (kind and kind not in PROFILE_KINDS) or (script and script not in PAIR_SCRIPTS):
            raise row.error(f"unknown group {group!r}: expected a kind ({', '.join(PROFILE_KINDS)}), "
                            f"a pair script ({', '.join(PAIR_SCRIPTS)}) or kind/script")
        if group in groups[base]:
            raise row.error(f"group {name!r} defined twice")
        groups[base][group] = _threshold(field, row, fitted, base)
    if not bases:
        raise DataFileError("no profile defined", path=str(where))
    return {name: attrs.evolve(p, groups=tuple(groups[name].items())) for name, p in bases.items()}


@functools.cache
def translations() -> tuple[tuple[str, tuple[str, ...], tuple[str, ...], int], ...]:
    """(id, English words, native words, line) from data/translations.txt."""
    found = []
    ids: set[str] = set()
    for row in read_rows("translations.txt", min_fields=3):
        tid, english, native = row.fields
        if tid in ids:
            raise row.error(f"translation id {tid!r} defined twice")
        ids.add(tid)
        english_words, native_words = split_list(english), split_list(native)
        if not english_words or not native_words:
            raise row.error("a translation needs English and native words")
        found.append((tid, english_words, native_words, row.line))
    return tuple(found)


ORG_ROLES = ("form", "word")


@attrs.frozen(slots=True)
class OrgTerm:
    """A row of data/org_words.txt (generated from rigour) or data/org_forms.txt (curated)."""

    role: str  # "form": a legal or company form; "word": a generic word of organisation names
    symbol: str
    forms: tuple[str, ...]
    source: str


ORG_FILES = ("org_words.txt", "org_forms.txt")


@functools.cache
def org_terms() -> tuple[OrgTerm, ...]:
    """The rows of data/org_words.txt and data/org_forms.txt, in that order."""
    found: list[OrgTerm] = []
    for name in ORG_FILES:
        for row in read_rows(name, min_fields=3, max_fields=4):
            role, symbol, forms = row.fields[:3]
            if role not in ORG_ROLES:
                raise row.error(f"unknown role {role!r}; expected form or word")
            if not symbol.isupper() or not symbol.isalnum():
                raise row.error(f"a symbol is upper-case letters and digits, not {symbol!r}")
            words = split_list(forms)
            if not words:
                raise row.error("at least one form is needed")
            source = row.fields[3] if len(row.fields) > 3 else f"rigour ({name})"
            found.append(OrgTerm(role, symbol, words, source))
    return tuple(found)


@functools.cache
def stopwords() -> frozenset[str]:
    """Lower-cased words of data/stopwords.txt (never part of a name in running text)."""
    words: set[str] = set()
    for row in read_rows("stopwords.txt", min_fields=1):
        for word in split_list(row.fields[0]):
            if not word.isalpha():
                raise row.error(f"stop word {word!r} must be letters only")
            words.add(word.lower())
    return frozenset(words)


@functools.cache
def demonyms() -> dict[str, str]:
    """Lower-cased demonym (and country name) → country name, from data/demonyms.txt."""
    table: dict[str, str] = {}
    for row in read_rows("demonyms.txt", min_fields=2):
        country, words = row.fields
        for word in (country, *split_list(words)):
            if word.lower() in table and table[word.lower()] != country:
                raise row.error(f"{word!r} points at two countries")
            table[word.lower()] = country
    return table


CONTEXT_SIDES = ("before", "after", "apposition")


@attrs.frozen(slots=True)
class ContextCue:
    """A word next to a name that points at a kind of entity (data/context.txt)."""

    side: str
    phrase: str  # lower-cased, single spaces
    kind: str
    word: str | None  # a word one of the entity's names must contain


@functools.cache
def context_cues() -> tuple[ContextCue, ...]:
    """The cues of data/context.txt, longest phrase first."""
    cues: list[ContextCue] = []
    seen: set[tuple[str, str]] = set()
    for row in read_rows("context.txt", min_fields=4):
        side, phrases, kind, word = row.fields
        if side not in CONTEXT_SIDES:
            raise row.error(f"side must be one of {', '.join(CONTEXT_SIDES)}, not {side!r}")
        if kind not in ("person", "place", "org"):
            raise row.error(f"kind must be person, place or org, not {kind!r}")
        if word != "-" and not word.isalpha():
            raise row.error(f"word {word!r} must be letters only, or '-'")
        for phrase in split_list(phrases):
            text = " ".join(phrase.lower().split())
            if not all(w.replace("-", "").isalpha() for w in text.split()):
                raise row.error(f"cue {phrase!r} must be words of letters")
            if (side, text) in seen:
                raise row.error(f"cue {phrase!r} listed twice for side {side!r}")
            seen.add((side, text))
            cues.append(ContextCue(side, text, kind, None if word == "-" else word.lower()))
    return tuple(sorted(cues, key=lambda c: -len(c.phrase)))


CONTEXT = "context_weights.txt"
_CONTEXT_NAMES = ("birth_year_tolerance", "birth_year_far", "birth_year_same",
                  "birth_year_near", "birth_year_other", "country_same", "country_other")


@functools.cache
def context_weights() -> dict[str, float]:
    """The weights of data/context_weights.txt: how a birth year or country weighs on a match."""
    found: dict[str, float] = {}
    for row in read_rows(CONTEXT, min_fields=3):
        name, value = row.fields[0], row.fields[1]
        if name not in _CONTEXT_NAMES:
            raise row.error(f"unknown context weight {name!r}")
        if name in found:
            raise row.error(f"{name!r} defined twice")
        try:
            found[name] = float(value)
        except ValueError:
            raise row.error(f"{value!r} is not a number") from None
        if name.startswith("birth_year_") and name.endswith(("tolerance", "far")) and (
                found[name] < 0 or found[name] != int(found[name])):
            raise row.error(f"{name} must be a whole number of years")
        if (name.endswith("_same") and found[name] < 0) or (name.endswith(("_other", "_near")) \
                and found[name] > 0):
            raise row.error(f"{name} has the wrong sign")
    missing = [n for n in _CONTEXT_NAMES if n not in found]
    if missing:
        raise DataFileError(f"missing: {', '.join(missing)}", path=str(data_dir() / CONTEXT))
    if found["birth_year_far"] < found["birth_year_tolerance"]:
        raise DataFileError("birth_year_far is below birth_year_tolerance",
                            path=str(data_dir() / CONTEXT))
    return found
