"""Decision thresholds fitted on a user's own labelled pairs (``aliaskit calibrate``).

The bundled profiles' thresholds were chosen on the project's pairs; a user's data may
call for others. :func:`calibrate` scores labelled pairs with :func:`aliaskit.compare`
(the scores themselves do not change), chooses the threshold that best meets an
objective, overall and for each group of pairs with enough of them (a kind, a pair
script, or both), and reports only held-out figures: k-fold cross-validation in which
pairs that share a name (through any chain of pairs) stay in one fold. The result is a
:class:`~aliaskit.Profile` that ``compare``, ``Resolver.resolve`` and ``cluster`` take,
and :func:`profile_text` writes it in data/profiles.txt's format.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

import attrs

from . import _data
from ._compare import Profile, compare, pair_script
from ._data import PAIR_SCRIPTS, PROFILE_KINDS, read_text
from ._errors import AliaskitError, DataFileError, InvalidArgumentError, as_path, parse_json
from ._judgements import name_key
from ._lines import split_lines
from ._types import Kind

__all__ = ["Calibration", "LabelledPair", "calibrate", "profile_text", "read_pairs"]

Objective = Literal["f1", "balanced", "precision", "recall"]
OBJECTIVES: tuple[Objective, ...] = ("f1", "balanced", "precision", "recall")

MIN_GROUP_PAIRS = 50
"""A group of pairs (a kind, a pair script, or both) gets its own threshold only with at
least this many pairs, MIN_GROUP_LABEL of them matches and as many non-matches; other
groups use the broader threshold (kind and script → kind → script → overall)."""
MIN_GROUP_LABEL = 10
CANDIDATES = tuple(k / 100 for k in range(1, 101))
"""The thresholds tried: 0.01 to 1.00 in steps of 0.01."""
SEED = 20261205

_TRUE = {"1", "true", "yes", "y", "same", "match", "t"}
_FALSE = {"0", "false", "no", "n", "different", "no match", "f"}


@attrs.frozen(slots=True)
class LabelledPair:
    """One labelled pair: two names, whether they are the same entity, their kind, and
    the line (or CSV row) it was read from."""

    name1: str
    name2: str
    is_match: bool
    kind: Kind | None = None
    line: int | None = None


@attrs.frozen(slots=True)
class Point:
    """Precision, recall and F1 of the decision ``score >= threshold`` on some pairs."""

    threshold: float
    precision: float
    recall: float
    f1: float
    tp: int
    fp: int
    fn: int
    tn: int


@attrs.frozen(slots=True)
class Group:
    """A group of pairs with its own threshold (``key`` "person", "latin", "org/latin")."""

    key: str
    pairs: int
    matches: int
    threshold: float


@attrs.frozen(slots=True)
class Calibration:
    """What :func:`calibrate` found.

    ``profile`` holds the thresholds fitted on every pair (overall and per group);
    ``curve`` the precision, recall and F1 of every candidate threshold on all pairs (a
    description of the scores, nothing fitted); ``held_out`` the figures of the whole
    procedure (thresholds and groups fitted on k-1 folds, applied to the k-th, pooled);
    ``bundled`` the bundled profiles' figures on the same pairs; ``skipped`` the pairs
    that could not be scored, with the reason.
    """

    profile: Profile
    objective: Objective
    target: float | None
    pairs: int
    matches: int
    folds: int
    groups: tuple[Group, ...]
    curve: tuple[Point, ...]
    held_out: Point
    held_out_by_script: tuple[tuple[str, Point], ...]
    bundled: tuple[tuple[str, Point], ...]
    skipped: tuple[tuple[LabelledPair, str], ...]


def _label(value: object, where: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{where}is_match must be 1/0, true/false, yes/no or same/different, not {value!r}")


def _kind(value: object) -> Kind | None:
    if value is None or value == "":
        return None
    if value not in PROFILE_KINDS:
        raise ValueError(f"kind must be one of {', '.join(PROFILE_KINDS)} or empty, not {value!r}")
    return value  # type: ignore[return-value]


def read_pairs(path: str | Path) -> list[LabelledPair]:
    """Labelled pairs from a CSV file (columns ``name1``, ``name2``, ``is_match``,
    optional ``kind``) or a JSON Lines file (objects with those keys; ``.jsonl`` /
    ``.json``, or a first character ``{``). Raises :class:`~aliaskit.DataFileError`
    with the line of the first malformed record."""
    path = as_path(path)
    where = str(path)
    text = read_text(path)
    if path.suffix.lower() in (".jsonl", ".json") or text.lstrip().startswith("{"):
        return _read_jsonl(text, where)
    return _read_csv(text, where)


def _read_jsonl(text: str, where: str) -> list[LabelledPair]:
    pairs = []
    for number, line in enumerate(split_lines(text), start=1):
        if not line.strip():
            continue
        try:
            record = parse_json(line)
            if not isinstance(record, dict):
                raise ValueError("not a JSON object")
            missing = [k for k in ("name1", "name2", "is_match") if k not in record]
            if missing:
                raise ValueError(f"missing field(s) {', '.join(missing)}")
            if not isinstance(record["name1"], str) or not isinstance(record["name2"], str):
                raise ValueError("name1 and name2 must be strings")
            pairs.append(LabelledPair(record["name1"], record["name2"], _label(record["is_match"], ""),
                                      _kind(record.get("kind")), number))
        except json.JSONDecodeError as exc:
            raise DataFileError(f"not a JSON object ({exc.msg})", path=where, line=number) from None
        except ValueError as exc:
            raise DataFileError(str(exc), path=where, line=number) from None
    return pairs


def _read_csv(text: str, where: str) -> list[LabelledPair]:
    # The CSV reader of gazetteers: a record's line is where it starts, and a quote left
    # open is reported on its own line.
    from ._gazetteer import RowError, csv_header, csv_rows_of_text, field_count_error

    rows = csv_rows_of_text(text, where)
    try:
        columns = csv_header(rows, ("name1", "name2", "is_match"))
    except RowError as exc:
        raise DataFileError(f"{exc}; expected name1, name2, is_match and optionally kind",
                            path=where, line=1) from None
    if columns is None:
        raise DataFileError("no header; expected name1, name2, is_match and optionally kind",
                            path=where)
    pairs = []
    for number, row in rows:
        if isinstance(row, RowError):
            raise DataFileError(str(row), path=where, line=number)
        error = field_count_error(row, columns)
        if error is not None:
            raise DataFileError(str(error), path=where, line=number)
        record = dict(zip(columns, row))
        try:
            pairs.append(LabelledPair(record["name1"], record["name2"],
                                      _label(record["is_match"], ""), _kind(record.get("kind")),
                                      number))
        except ValueError as exc:
            raise DataFileError(str(exc), path=where, line=number) from None
    return pairs


def measure(scores: Sequence[float], labels: Sequence[bool], threshold: float) -> Point:
    """The decision ``score >= threshold`` on labelled scores."""
    tp = fp = fn = tn = 0
    for s, y in zip(scores, labels):
        if s >= threshold:
            tp += y
            fp += not y
        else:
            fn += y
            tn += not y
    return _point(threshold, tp, fp, fn, tn)


def _point(threshold: float, tp: int, fp: int, fn: int, tn: int) -> Point:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Point(threshold, precision, recall, f1, tp, fp, fn, tn)


def _choose(scores: Sequence[float], labels: Sequence[bool], objective: Objective,
            target: float | None) -> float:
    """The candidate threshold that best meets the objective on these pairs."""
    points = [measure(scores, labels, t) for t in CANDIDATES]
    if objective == "precision":  # the lowest threshold with precision >= target
        goal = 0.99 if target is None else target
        return next((p.threshold for p in points if p.tp and p.precision >= goal), 1.0)
    if objective == "recall":  # the highest threshold with recall >= target
        goal = 0.95 if target is None else target
        return max((p.threshold for p in points if p.recall >= goal), default=CANDIDATES[0])
    if objective == "balanced":
        def value(p: Point) -> float:
            return p.tp / max(p.tp + p.fn, 1) + p.tn / max(p.tn + p.fp, 1)
    else:
        def value(p: Point) -> float:
            return p.f1
    best = max(value(p) for p in points)
    tied = [p.threshold for p in points if value(p) >= best - 1e-12]
    return tied[len(tied) // 2]  # the middle of the best thresholds


def _group_keys(kind: str | None, script: str) -> tuple[str, ...]:
    return ((f"{kind}/{script}", kind) if kind else ()) + (script,)


def _fit(scores: Sequence[float], labels: Sequence[bool], keys: Sequence[tuple[str, ...]],
         objective: Objective, target: float | None) -> tuple[float, list[Group]]:
    """The overall threshold and those of the groups with enough pairs."""
    overall = _choose(scores, labels, objective, target)
    members: dict[str, list[int]] = defaultdict(list)
    for i, ks in enumerate(keys):
        for key in ks:
            members[key].append(i)
    groups = []
    for key in sorted(members, key=lambda k: (k.count("/"), k)):
        rows = members[key]
        positives = sum(labels[i] for i in rows)
        if len(rows) < MIN_GROUP_PAIRS or min(positives, len(rows) - positives) < MIN_GROUP_LABEL:
            continue
        threshold = _choose([scores[i] for i in rows], [labels[i] for i in rows], objective, target)
        groups.append(Group(key, len(rows), positives, threshold))
    return overall, groups


def _decide(overall: float, groups: Iterable[Group], keys: tuple[str, ...]) -> float:
    table = {g.key: g.threshold for g in groups}
    return next((table[k] for k in keys if k in table), overall)


def folds_of(pairs: Sequence[LabelledPair], k: int, seed: int = SEED) -> list[int]:
    """A fold number for each pair: pairs connected through shared names (normalised)
    are in one fold, so no name is seen both when fitting and when measuring."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    ends = [(name_key(p.name1) or p.name1, name_key(p.name2) or p.name2) for p in pairs]
    for a, b in ends:
        parent[root(a)] = root(b)
    components: dict[str, list[int]] = defaultdict(list)
    for i, (a, _) in enumerate(ends):
        components[root(a)].append(i)
    ordered = sorted(components.values(), key=lambda c: (-len(c), c[0]))
    random.Random(seed).shuffle(ordered)
    ordered.sort(key=len, reverse=True)  # largest first, random order among equals
    sizes = [0] * k
    fold = [0] * len(pairs)
    for component in ordered:
        target = min(range(k), key=lambda f: (sizes[f], f))
        sizes[target] += len(component)
        for i in component:
            fold[i] = target
    return fold


class _TooFewPairs(InvalidArgumentError):
    """Calibration cannot fit a threshold; ``skipped`` are the pairs that could not be
    scored, with the reason, for the caller to report as it reports them otherwise."""

    def __init__(self, message: str, skipped: tuple[tuple[LabelledPair, str], ...]) -> None:
        super().__init__(message)
        self.skipped = skipped


def calibrate(pairs: Sequence[LabelledPair], *, objective: Objective = "f1",
              target: float | None = None, folds: int = 5, name: str = "calibrated",
              description: str = "") -> Calibration:
    """Fit decision thresholds to labelled pairs; report cross-validated figures.

    ``objective``: ``"f1"`` (the best F1), ``"balanced"`` (the best recall of matches
    plus recall of non-matches), ``"precision"`` (the lowest threshold keeping
    precision at ``target`` or more, default 0.99) or ``"recall"`` (the highest keeping
    recall at ``target`` or more, default 0.95). Groups of pairs (kind, pair script,
    both) with at least :data:`MIN_GROUP_PAIRS` pairs get their own threshold.

    ```pycon
    >>> pairs = [LabelledPair(a, b, y) for a, b, y in [
    ...     ("Amir Khan Muttaqi", "Amir Khan Mottaki", True), ("Muttaqi", "Mottaki", True),
    ...     ("Mohammad Khan", "Mohammad Karim", False), ("Herat", "Heart", True),
    ...     ("Kabul", "Kandahar", False), ("Tabriz", "Tabris", True)]]
    >>> result = calibrate(pairs, folds=2)
    >>> result.profile.name, 0 < result.profile.threshold <= 1, result.pairs
    ('calibrated', True, 6)

    ```
    """
    if objective not in OBJECTIVES:
        raise InvalidArgumentError(f"objective must be one of {', '.join(OBJECTIVES)}, not {objective!r}")
    if target is not None and not 0.0 < target <= 1.0:
        raise InvalidArgumentError(f"target must be in (0, 1], not {target!r}")
    if not isinstance(folds, int) or folds < 2:
        raise InvalidArgumentError(f"folds must be an integer of at least 2, not {folds!r}")
    scored: list[LabelledPair] = []
    scores: list[float] = []
    skipped: list[tuple[LabelledPair, str]] = []
    for pair in pairs:
        try:
            scores.append(compare(pair.name1, pair.name2, kind=pair.kind).score)
            scored.append(pair)
        except AliaskitError as exc:
            skipped.append((pair, str(exc)))
    labels = [p.is_match for p in scored]
    matches = sum(labels)
    if matches == 0 or matches == len(labels):
        unscored = f" ({len(skipped)} could not be scored)" if skipped else ""
        raise _TooFewPairs(f"calibration needs matches and non-matches; the {len(labels)} "
                           f"scored pairs have {matches} matches{unscored}", tuple(skipped))
    scripts = [pair_script(p.name1, p.name2) for p in scored]
    keys = [_group_keys(p.kind, s) for p, s in zip(scored, scripts)]
    k = min(folds, len(set(folds_of(scored, len(scored)))))
    if k < 2:
        raise InvalidArgumentError("every pair shares names with the others: nothing to hold out")
    fold = folds_of(scored, k)
    # Held out: fit on k-1 folds, decide the k-th; pool the decisions.
    decided = [False] * len(scored)
    for f in range(k):
        train = [i for i in range(len(scored)) if fold[i] != f]
        train_labels = [labels[i] for i in train]
        groups: list[Group] = []
        if all(train_labels) or not any(train_labels):
            overall = 0.5
        else:
            overall, groups = _fit([scores[i] for i in train], train_labels, [keys[i] for i in train],
                                   objective, target)
        for i in range(len(scored)):
            if fold[i] == f:
                decided[i] = scores[i] >= _decide(overall, groups, keys[i])
    held_out = _pooled(decided, labels, float("nan"))
    by_script = tuple(
        (script, _pooled([d for d, s in zip(decided, scripts) if s == script],
                         [y for y, s in zip(labels, scripts) if s == script], float("nan")))
        for script in PAIR_SCRIPTS if script in scripts)
    overall, fitted = _fit(scores, labels, keys, objective, target)
    what = description or f"{objective} on {len(scored)} labelled pairs"
    profile = Profile(name, overall, what, tuple((g.key, g.threshold) for g in fitted))
    bundled = tuple((p.name, measure(scores, labels, p.threshold)) for p in _data.profiles().values())
    return Calibration(profile, objective, target, len(scored), matches, k, tuple(fitted),
                       tuple(measure(scores, labels, t) for t in CANDIDATES), held_out, by_script,
                       bundled, tuple(skipped))


def _pooled(decided: Sequence[bool], labels: Sequence[bool], threshold: float) -> Point:
    tp = sum(1 for d, y in zip(decided, labels) if d and y)
    fp = sum(1 for d, y in zip(decided, labels) if d and not y)
    fn = sum(1 for d, y in zip(decided, labels) if not d and y)
    return _point(threshold, tp, fp, fn, len(labels) - tp - fp - fn)


def profile_text(result: Calibration, source: str, when: str, version: str) -> str:
    """The profile file (data/profiles.txt's format) for ``result``."""
    p = result.profile
    h = result.held_out
    goal = f" {result.target}" if result.target is not None else ""
    lines = [
        f"# Written by `aliaskit calibrate` (aliaskit {version}) on {when} from {source}.",
        f"# Decision thresholds for aliaskit.compare() scores, objective {result.objective}{goal},",
        f"# fitted on {result.pairs} labelled pairs ({result.matches} matches). Held out "
        f"({result.folds}-fold",
        "# cross-validation, pairs sharing a name in one fold): "
        f"precision {h.precision:.3f}, recall {h.recall:.3f}, F1 {h.f1:.3f}.",
        "# The thresholds fit this version's comparison model (data/model.txt): calibrate again",
        "# after upgrading aliaskit.",
        "# Use: aliaskit compare --profile FILE ...; aliaskit resolve --profile FILE ...; in Python,",
        "# aliaskit.load_profile(FILE).",
        "# Format: name | threshold | what it is for. name/group: the threshold for pairs of that",
        "# group (a kind, a pair script latin/cross-script/arabic, or kind/script); a pair uses the",
        f"# most specific group listed, else the profile's threshold. Groups need {MIN_GROUP_PAIRS} pairs",
        f"# ({MIN_GROUP_LABEL} of each label).",
        "",
        f"{p.name} | {p.threshold:.2f} | {p.description}",
    ]
    for g in result.groups:
        lines.append(f"{p.name}/{g.key} | {g.threshold:.2f} | {g.pairs} pairs, {g.matches} matches")
    return "\n".join(lines) + "\n"


def plot(result: Calibration, path: str | Path) -> None:
    """A PNG of precision, recall and F1 against the threshold, with the calibrated and
    bundled thresholds marked. Needs matplotlib (the ``docs`` extra)."""
    path = as_path(path)
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise AliaskitError("--plot needs matplotlib: pip install matplotlib "
                            "(or aliaskit[docs])") from None
    xs = [p.threshold for p in result.curve]
    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=110)
    ax.plot(xs, [p.precision for p in result.curve], label="precision", color="#2a7ab9")
    ax.plot(xs, [p.recall for p in result.curve], label="recall", color="#3a8a32")
    ax.plot(xs, [p.f1 for p in result.curve], label="F1", color="#222222", linewidth=2)
    ax.axvline(result.profile.threshold, color="#c0392b", linestyle="-",
               label=f"calibrated {result.profile.threshold:.2f} (held-out F1 {result.held_out.f1:.3f})")
    styles = iter([":", "--", "-."])
    for name, point in result.bundled:
        ax.axvline(point.threshold, color="#888888", linestyle=next(styles, ":"),
                   label=f"bundled {name} {point.threshold:.2f} (F1 {point.f1:.3f})")
    ax.set_xlabel("threshold on aliaskit.compare() score")
    ax.set_ylabel("on the labelled pairs")
    ax.set_ylim(0, 1.02)
    ax.set_xlim(0, 1)
    ax.set_title(f"aliaskit calibrate: {result.pairs} pairs, {result.matches} matches")
    ax.legend(loc="lower left", fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    try:
        fig.savefig(str(path), format="png")
    except OSError as exc:
        raise DataFileError(exc.strerror or "cannot be written", path=str(path)) from None
    finally:
        plt.close(fig)
