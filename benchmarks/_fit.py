"""Fitting aliaskit's comparison model (data/model.txt) on labelled pairs of names.

Shared by benchmarks/fit.py (writes the bundled model from every training pair) and
benchmarks/realworld.py (fits on some entities, measures on the others). Needs the
``fit`` extra (SciPy); aliaskit itself only reads the fitted numbers.

Training pairs come from two sources, never from anything scored later in the same run:
- the real-world set (benchmarks/realworld/): pairs of names of one entity (positives);
  the documented look-alikes, random pairs of the same kind, and each name's nearest
  names of other entities by token_sort_ratio (negatives);
- the calibration half of benchmarks/pairs.csv (never its test half).
"""

from __future__ import annotations

import functools
import importlib.util
import json
import math
import random
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from itertools import combinations
from pathlib import Path
from typing import Any

import attrs
from _common import clear_comparison_caches, has_script, load_pairs

import aliaskit
from aliaskit import _data, _scoring

HERE = Path(__file__).parent
REALWORLD = HERE / "realworld"
SEED = 20261204
CAP_POSITIVE = 15  # pairs of one entity's names, at most (a few entities have 30 names)
NEAREST = 3  # nearest names of other entities per name, as negatives
MINED = 3  # names of other entities the resolver ranks highest, as negatives
# Mining compares this many leading entities per name, more than a query does by
# default (RERANK): the negatives are the names a resolver could rank high, and the
# model must not move when the resolver's speed settings do.
MINING_DEPTH = 8

# A word found in at least this many training organisations gets a fitted weight.
MIN_ORGS = 3
# The lowest fitted weight of a word (as the resolver's gazetteer weights).
MIN_WORD_WEIGHT = 0.2
# Features that can only speak for a match: an equal part is worth at least a listed
# spelling ("listed" counts equal parts too, "exact" is what equality adds). Unconstrained,
# the fit made equality worth less, because the look-alike pairs were chosen for sharing
# a word spelled alike (benchmarks/realworld/README.md), not because it is.
NON_NEGATIVE = frozenset({"exact", "whole", "skeleton", "min_sim"})

Pair = tuple[str, str, int]
NEUTRAL = _data.Model(_scoring.FEATURES, (0.0,) * len(_scoring.FEATURES), 0.0,
                      tuple((p, 0.5) for p in ("default", "screening", "dedupe")))


def word_weights(clusters: Sequence[dict]) -> tuple[tuple[str, float], ...]:
    """The weight of each word common among the organisations of ``clusters``: its
    inverse document frequency, log(N / df) / log(N) over the N organisations (a
    document is one organisation, all its names), at least MIN_WORD_WEIGHT; words found
    in fewer than MIN_ORGS organisations keep their bundled weight."""
    orgs = [c for c in clusters if c["kind"] == "org"]
    df: Counter[str] = Counter()
    for c in orgs:
        words: set[str] = set()
        for name in c["names"]:
            try:
                words.update(p.text for p in _scoring._light(name)
                             if p.role == "name" and len(p.text) > 1)
            except aliaskit.AliaskitError:
                continue
        df.update(words)
    n = len(orgs)
    if n < 2:
        return ()
    # At most the bundled weight: a few hundred organisations of one kind of list can
    # show a word to be common, not that a word the word lists know as common ("Islamic",
    # "Bank") is rare elsewhere (as the resolver's gazetteer weights are capped).
    return tuple(sorted(
        (word, round(max(MIN_WORD_WEIGHT, min(1.0, math.log(n / count) / math.log(n),
                                              _scoring._bundled_weight(word, "org"))), 3))
        for word, count in df.items() if count >= MIN_ORGS))


@functools.cache
def score_module() -> Any:
    """The set's own scorer, benchmarks/realworld/score.py (a script, not a package)."""
    spec = importlib.util.spec_from_file_location("realworld_score", REALWORLD / "score.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_set(directory: Path = REALWORLD) -> tuple[list[dict], list[dict]]:
    def read(name: str) -> list[dict]:
        with (directory / name).open(encoding="utf-8") as handle:
            return [json.loads(line) for line in handle if line.strip()]
    return read("clusters.jsonl"), read("hard_negatives.jsonl")


def folds(clusters: Sequence[dict], negatives: Iterable[dict], k: int, seed: int = SEED
          ) -> list[set[str]]:
    """Entity ids in ``k`` folds. Entities joined by a look-alike pair share a fold (so
    that every look-alike pair is scored in one fold), and each kind is spread evenly."""
    parent = {c["id"]: c["id"] for c in clusters}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for h in negatives:
        if h["a_id"] in parent and h["b_id"] in parent:
            parent[root(h["a_id"])] = root(h["b_id"])
    groups: dict[str, list[dict]] = defaultdict(list)
    for c in clusters:
        groups[root(c["id"])].append(c)
    ordered = sorted(groups.values(), key=lambda g: (-len(g), g[0]["id"]))
    rng = random.Random(seed)
    rng.shuffle(ordered)
    ordered.sort(key=lambda g: -len(g))  # big groups first, random order among equals
    out: list[set[str]] = [set() for _ in range(k)]
    count: list[dict[str, int]] = [defaultdict(int) for _ in range(k)]
    for group in ordered:
        kind = group[0]["kind"]
        target = min(range(k), key=lambda f: (count[f][kind], len(out[f])))
        for c in group:
            out[target].add(c["id"])
            count[target][c["kind"]] += 1
    return out


def realworld_pairs(clusters: Sequence[dict], negatives: Iterable[dict], seed: int = SEED
                    ) -> list[Pair]:
    """Labelled pairs from the entities ``clusters`` (and look-alikes among them)."""
    from rapidfuzz import fuzz, process

    rng = random.Random(seed)
    ids = {c["id"] for c in clusters}
    pairs: list[Pair] = []
    for c in clusters:
        both = list(combinations(c["names"], 2))
        rng.shuffle(both)
        pairs += [(a, b, 1) for a, b in both[:CAP_POSITIVE]]
    hard = [(h["a"], h["b"], 0) for h in negatives if h["a_id"] in ids and h["b_id"] in ids]
    pairs += hard
    by_kind: dict[str, list[dict]] = defaultdict(list)
    for c in clusters:
        by_kind[c["kind"]].append(c)
    n_random = len(pairs) // 2
    for _ in range(n_random):
        kind = rng.choice(sorted(by_kind))
        if len(by_kind[kind]) < 2:
            continue
        x, y = rng.sample(by_kind[kind], 2)
        pairs.append((rng.choice(x["names"]), rng.choice(y["names"]), 0))
    # The nearest names of other entities: what a resolver must rank below the right one.
    latin = [(n, c["id"]) for c in clusters for n in c["names"] if not has_script(n)]
    folded = [aliaskit.normalize(n) for n, _ in latin]
    for k, (name, owner) in enumerate(latin):
        found = process.extract(folded[k], folded, scorer=fuzz.token_sort_ratio, limit=NEAREST + 12)
        taken = 0
        for _, _, j in found:
            if latin[j][1] != owner and taken < NEAREST:
                pairs.append((name, latin[j][0], 0))
                taken += 1
    return pairs


def mined_pairs(clusters: Sequence[dict]) -> list[Pair]:
    """Negatives as a resolver meets them: for every name, the names of other entities
    that the current model ranks highest, in an index of every entity's first name and
    in one of all their names (Perso-Arabic ones too: Latin queries meet them in the
    bundled reference)."""
    pairs: list[Pair] = []
    for names_of in (lambda c: c["names"][:1], lambda c: c["names"]):
        resolver = aliaskit.Resolver(
            aliaskit.Entity(id=c["id"], name=c["names"][0], aliases=names_of(c)[1:])
            for c in clusters)
        for c in clusters:
            for name in c["names"]:
                try:
                    found = resolver.resolve(name, limit=MINING_DEPTH, threshold=0.0)
                except aliaskit.AliaskitError:
                    continue
                pairs += [(name, m.alias.name, 0) for m in found if m.entity.id != c["id"]][:MINED]
    return pairs


def fit_twice(clusters: Sequence[dict], negatives: Iterable[dict]) -> tuple[_data.Model, int]:
    """Fit, mine the negatives that model ranks high (:func:`mined_pairs`), fit again on all;
    the model and the number of training pairs."""
    pairs = realworld_pairs(clusters, negatives) + calibration_pairs()
    # Features depend on the model in use through its word weights only (word_weights,
    # from these entities); the bundled model may not even fit this version's features
    # (while it is being regenerated), so start from a neutral one.
    words = word_weights(clusters)
    _data.use_model(attrs.evolve(NEUTRAL, words=words))
    try:
        _data.use_model(fit(pairs))
        pairs += mined_pairs(clusters)
        return fit(pairs, decision_pairs(clusters, negatives)), len(pairs)
    finally:
        _data.use_model(None)


def held_out_models(clusters: Sequence[dict], negatives: Sequence[dict], k: int
                    ) -> Iterator[tuple[set[str], float]]:
    """Each of ``k`` folds (:func:`folds`): its entity ids and the seconds it took to fit
    the model on the other folds' entities (:func:`fit_twice`), which is in use, from
    cold comparison caches, while the caller works on the fold; the bundled model
    again afterwards."""
    try:
        for held in folds(clusters, negatives, k):
            start = time.perf_counter()
            model, _ = fit_twice([c for c in clusters if c["id"] not in held], negatives)
            _data.use_model(model)
            clear_comparison_caches()
            yield held, time.perf_counter() - start
    finally:
        _data.use_model(None)


def calibration_pairs() -> list[Pair]:
    """The calibration half of benchmarks/pairs.csv."""
    return [(r["name1"], r["name2"], int(r["is_match"])) for r in load_pairs("calib")]


def features(a: str, b: str) -> list[float] | None:
    """What the model reads of a pair (None: equal after normalisation, scored 1.0 anyway)."""
    na, nb = _scoring._name_of(a, None), _scoring._name_of(b, None)
    plan = _scoring._plan(na, nb)
    if plan.features is None or na.normal == nb.normal:
        return None
    return list(plan.features)


def _rows(pairs: Sequence[Pair]) -> tuple[list[list[float]], list[int]]:
    rows, labels = [], []
    for a, b, label in pairs:
        try:
            x = features(a, b)
        except aliaskit.AliaskitError:
            continue
        if x is not None:
            rows.append(x)
            labels.append(label)
    return rows, labels


def fit(pairs: Sequence[Pair], decisions: Sequence[Pair] = ()) -> _data.Model:
    """A model fitted on ``pairs``: logistic regression over FEATURES, and each profile's
    threshold chosen on the fitted probabilities of ``decisions`` (default: ``pairs``)."""
    rows, labels = _rows(pairs)
    weights, bias = _regression(rows, labels)
    coefficients = tuple(round(c, 4) + 0.0 for c in weights)
    intercept = round(bias, 4)
    words = _data.model().words
    model = _data.Model(_scoring.FEATURES, coefficients, intercept, (), words)
    previous = _data._ACTIVE[:]
    _data.use_model(model)
    try:
        if decisions:
            rows, labels = _rows(decisions)
        scores = [_scoring._probability(x) for x in rows]
    finally:
        _data.use_model(previous[0] if previous else None)
    return _data.Model(_scoring.FEATURES, coefficients, intercept, thresholds(scores, labels),
                       words)


def _regression(rows: Sequence[Sequence[float]], labels: Sequence[int]
                ) -> tuple[list[float], float]:
    """Logistic regression as scikit-learn's LogisticRegression(C=1, class_weight=
    "balanced") fits it (L2 penalty on the coefficients, not on the intercept), with the
    coefficients of NON_NEGATIVE features bounded below by 0 (L-BFGS-B)."""
    import numpy as np
    from scipy.optimize import minimize
    from scipy.special import expit, log_expit

    x = np.asarray(rows, dtype=float)
    y = np.asarray(labels, dtype=float)
    positives = float(y.sum())
    # "balanced": each class weighs as much as the other in total
    sample = np.where(y == 1, len(y) / (2 * positives), len(y) / (2 * (len(y) - positives)))
    sign = 2 * y - 1
    n = x.shape[1]

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:n], theta[n]
        margin = sign * (x @ w + b)
        value = 0.5 * float(w @ w) - float(sample @ log_expit(margin))
        slope = -sample * sign * expit(-margin)
        return value, np.concatenate([w + x.T @ slope, [slope.sum()]])

    bounds = [(0.0, None) if name in NON_NEGATIVE else (None, None)
              for name in _scoring.FEATURES] + [(None, None)]
    found = minimize(loss, np.zeros(n + 1), jac=True, method="L-BFGS-B", bounds=bounds,
                     options={"maxiter": 10_000, "gtol": 1e-8})
    if not found.success:
        raise RuntimeError(f"the fit did not converge: {found.message}")
    return [float(v) for v in found.x[:n]], float(found.x[n])


def decision_pairs(clusters: Sequence[dict], negatives: Iterable[dict]) -> list[Pair]:
    """Pairs drawn as the set's scorer draws them (benchmarks/realworld/score.py,
    build_pairs), from these entities only: where the profiles' thresholds are chosen."""
    ids = {c["id"] for c in clusters}
    negs = [h for h in negatives if h["a_id"] in ids and h["b_id"] in ids]
    pos, neg = score_module().build_pairs(list(clusters), negs, 10, 6, random.Random(SEED))
    return ([(p[0], p[1], 1) for split in pos.values() for p in split]
            + [(p[0], p[1], 0) for split in neg.values() for p in split])


def thresholds(scores: Sequence[float], labels: Sequence[int]) -> tuple[tuple[str, float], ...]:
    """Each profile's threshold, in steps of 0.01, none depending on how many of the pairs
    are matches: default maximises balanced accuracy (recall of matches plus recall of
    non-matches); screening is the highest keeping recall >= 0.95; dedupe the lowest
    letting at most 1% of non-matches through."""
    positives = [s for s, y in zip(scores, labels) if y]
    negatives = [s for s, y in zip(scores, labels) if not y]
    best, default = -1.0, 0.5
    screening, dedupe = 0.01, 0.99
    for t in (k / 100 for k in range(1, 100)):
        tpr = sum(1 for s in positives if s >= t) / max(len(positives), 1)
        fpr = sum(1 for s in negatives if s >= t) / max(len(negatives), 1)
        if tpr - fpr > best:
            best, default = tpr - fpr, t
        if tpr >= 0.95:
            screening = t
        if fpr <= 0.01 and dedupe == 0.99:
            dedupe = t
    return (("default", default), ("screening", min(screening, default)),
            ("dedupe", max(dedupe, default)))


def model_text(model: _data.Model, notes: Sequence[str]) -> str:
    lines = ["# Generated by `python benchmarks/fit.py`; do not edit (CI regenerates and diffs it).",
             "# aliaskit's comparison model: a logistic regression over the features of an",
             "# aligned pair of names (aliaskit/_scoring.py, FEATURES), and the fitted threshold",
             "# of each profile (data/profiles.txt says which profiles use them).",
             *[f"# {n}" for n in notes],
             "# Format: intercept | x;  feature | name | coefficient;  threshold | profile | x;",
             f"#   word | word | weight: words found in at least {MIN_ORGS} of the training",
             "#   organisations, weighed by inverse document frequency (benchmarks/_fit.py,",
             "#   word_weights): the commoner a word among organisation names, the less it says.",
             "",
             f"intercept | {model.intercept}"]
    lines += [f"feature | {name} | {c}" for name, c in zip(model.features, model.coefficients)]
    lines += [f"threshold | {name} | {t}" for name, t in model.thresholds]
    lines += [f"word | {word} | {w}" for word, w in model.words]
    return "\n".join(lines) + "\n"
