"""The real-world benchmark: aliaskit and other systems on names nobody on the project wrote.

    python benchmarks/realworld.py                 # held-out folds, every system installed
    python benchmarks/realworld.py --systems aliaskit,token_sort --folds 2 --json

The set (benchmarks/realworld/, see its README for sources and licences) holds 527 real
entities. The metrics are those of the set's own scorer, benchmarks/realworld/score.py,
whose functions this script calls (``run``): pairwise ROC AUC and F1 at each system's own
decision, Latin and cross-script; retrieval recall@1/@5 and MRR by query type.

aliaskit's model is fitted (benchmarks/_fit.py), so its figures are held-out: the
entities are split into ``--folds`` groups (look-alike pairs kept together, kinds
balanced); for each, the model is refitted on the other groups (plus the calibration
half of benchmarks/pairs.csv) and every system is scored on that group alone, in the
same run. Figures are pooled over the groups (weighted by their counts).
``--folds 1`` scores the whole set with the bundled model instead (in-sample for
aliaskit: not evidence, for comparison with the figures of issue #15 only).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from types import SimpleNamespace
from typing import Any

import _fit
from _common import machine, save

import aliaskit
from aliaskit import _data

score = _fit.score_module()


# --- systems: each an adapter as score.py defines it (compare, build, query) --------------

class AliaskitSystem:
    name = "aliaskit"

    def __init__(self, profile: str = "default") -> None:
        self.profile = profile
        self.name = "aliaskit" if profile == "default" else f"aliaskit ({profile})"

    def compare(self, a: str, b: str) -> tuple[float, bool]:
        try:
            c = aliaskit.compare(a, b, profile=self.profile)
        except aliaskit.AliaskitError:
            return 0.0, False
        return c.score, c.is_match

    def build(self, entities: Sequence[tuple[str, list[str]]]) -> aliaskit.Resolver:
        return aliaskit.Resolver(aliaskit.Entity(id=i, name=names[0]) for i, names in entities)

    def query(self, index: aliaskit.Resolver, name: str, k: int) -> list[str]:
        try:
            found = index.resolve(name, limit=k, profile=self.profile, threshold=0.0)
        except aliaskit.AliaskitError:
            return []
        return [m.entity.id for m in found]


class BruteForce:
    """A whole-name similarity: compare() is the similarity, query() ranks every entity."""

    def __init__(self, name: str, similarity: Callable[[str, str], float], threshold: float,
                 prepare: Callable[[str], str] = lambda s: s) -> None:
        self.name = name
        self.similarity = similarity
        self.threshold = threshold
        self.prepare = prepare

    def compare(self, a: str, b: str) -> tuple[float, bool]:
        s = self.similarity(self.prepare(a), self.prepare(b))
        return s, s >= self.threshold

    def build(self, entities: Sequence[tuple[str, list[str]]]) -> list[tuple[str, str]]:
        return [(i, self.prepare(names[0])) for i, names in entities]

    def query(self, index: list[tuple[str, str]], name: str, k: int) -> list[str]:
        q = self.prepare(name)
        ranked = sorted(index, key=lambda item: -self.similarity(q, item[1]))
        return [i for i, _ in ranked[:k]]


class RapidfuzzIndex(BruteForce):
    """A rapidfuzz scorer (0-100) with process.extract for retrieval."""

    def __init__(self, name: str, scorer: Any, threshold: float,
                 prepare: Callable[[str], str]) -> None:
        super().__init__(name, lambda a, b: scorer(a, b) / 100, threshold, prepare)
        self.scorer = scorer

    def query(self, index: list[tuple[str, str]], name: str, k: int) -> list[str]:
        from rapidfuzz import process

        found = process.extract(self.prepare(name), [t for _, t in index], scorer=self.scorer, limit=k)
        return [index[j][0] for _, _, j in found]


def _ascii(text: str) -> str:
    from unidecode import unidecode

    return unidecode(text).lower()


def systems(wanted: set[str] | None) -> list[Any]:
    from rapidfuzz import fuzz
    from rapidfuzz.distance import JaroWinkler

    out: list[Any] = [AliaskitSystem(), AliaskitSystem("screening"),
                      RapidfuzzIndex("token_sort", fuzz.token_sort_ratio, 0.85, _ascii),
                      RapidfuzzIndex("jaro_winkler", lambda a, b, **_: 100 * JaroWinkler.similarity(a, b),
                                     0.9, _ascii)]
    try:
        from doublemetaphone import doublemetaphone

        def phonetic(text: str) -> str:
            return " ".join(doublemetaphone(w)[0] for w in _ascii(text).split())

        out.append(RapidfuzzIndex("double_metaphone", fuzz.token_sort_ratio, 0.85, phonetic))
    except ImportError:
        print("(doublemetaphone not installed: Double Metaphone + rapidfuzz skipped)", file=sys.stderr)
    try:
        out.append(_logic_v2())
    except ImportError:
        print("(nomenklatura not installed: logic-v2 skipped)", file=sys.stderr)
    return [s for s in out if wanted is None or s.name.split(" ")[0] in wanted or s.name in wanted]


def _logic_v2() -> BruteForce:
    """nomenklatura's logic-v2 (benchmarks/compare.py), at yente's match threshold 0.7."""
    from compare import _logic_v2 as scorer

    score = scorer()
    if score is None:
        raise ImportError("nomenklatura")
    return BruteForce("logic-v2", score, 0.7)


# --- running and pooling ------------------------------------------------------------

def _args(**kw: Any) -> SimpleNamespace:
    base = {"adapter": "", "seed": score.SEED, "cap_ll": 10, "cap_xs": 6, "k": 10, "max_queries": 0,
            "skip_retrieval": False, "examples": 0}
    base.update(kw)
    return SimpleNamespace(**base)


def run_fold(system: Any, clusters: list[dict], negatives: list[dict], examples: int) -> dict:
    ids = {c["id"] for c in clusters}
    negs = [h for h in negatives if h["a_id"] in ids and h["b_id"] in ids]
    stripped = [{"id": c["id"], "kind": c["kind"], "names": c["names"], "meta": {}} for c in clusters]
    return score.run(system, stripped, negs, _args(adapter=system.name, examples=examples))


def pool(results: Sequence[dict]) -> dict:
    """Metrics of several folds as one: counts add up, rates are weighted by their n."""
    def merge(items: Sequence[Any], weights: Sequence[float]) -> Any:
        first = items[0]
        if isinstance(first, dict):
            out = {}
            for key in first:
                present = [(it[key], w) for it, w in zip(items, weights) if key in it]
                n_key = next((k for k in ("n", "n_pos") if k in first), None)
                if n_key is not None:
                    sub_w = [it.get(n_key) or 0 for it, _ in zip(items, weights)]
                else:
                    sub_w = list(weights)
                out[key] = merge([v for v, _ in present], sub_w[:len(present)] or [1] * len(present))
            return out
        if isinstance(first, bool) or first is None or isinstance(first, str):
            return first
        if isinstance(first, list):  # error examples: those of every fold
            return [x for it in items for x in it]
        if isinstance(first, int):
            return sum(items)
        if isinstance(first, float):
            pairs = [(x, w) for x, w in zip(items, weights) if x is not None]
            total = sum(w for _, w in pairs)
            return sum(x * w for x, w in pairs) / total if total else None
        return first
    return merge(list(results), [1.0] * len(results))


def evaluate(names: set[str] | None, k: int, examples: int) -> dict:
    clusters, negatives = _fit.load_set()
    chosen = systems(names)
    out: dict[str, Any] = {"machine": machine(), "folds": k, "systems": {}}
    per_system: dict[str, list[dict]] = {s.name: [] for s in chosen}
    if k <= 1:
        _data.use_model(None)
        for s in chosen:
            per_system[s.name].append(run_fold(s, clusters, negatives, examples))
    else:
        out["fold_sizes"] = []
        for f, (held_out, seconds) in enumerate(_fit.held_out_models(clusters, negatives, k)):
            out["fold_sizes"].append(len(held_out))
            testing = [c for c in clusters if c["id"] in held_out]
            print(f"fold {f + 1}/{k}: fitted on {len(clusters) - len(testing)} entities in "
                  f"{seconds:.1f} s, scoring {len(testing)}", file=sys.stderr)
            for s in chosen:
                t0 = time.perf_counter()
                per_system[s.name].append(run_fold(s, testing, negatives, examples))
                print(f"  {s.name}: {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    for name, results in per_system.items():
        out["systems"][name] = pool(results) if len(results) > 1 else results[0]
    return out


ROWS = [
    ("recall@1, all queries", ("retrieval", "all", "recall@1"), 0.85),
    ("recall@5, all queries", ("retrieval", "all", "recall@5"), None),
    ("recall@1, Latin spelling variants",
     ("retrieval", "latin_by_variant_type", "spelling", "recall@1"), 0.97),
    ("recall@1, partial names", ("retrieval", "latin_by_variant_type", "partial", "recall@1"), 0.75),
    ("recall@1, Perso-Arabic queries", ("retrieval", "original-script", "recall@1"), 0.92),
    ("recall@1, organisations", ("retrieval", "by_kind", "org", "recall@1"), 0.85),
    ("recall@5, organisations", ("retrieval", "by_kind", "org", "recall@5"), None),
    ("pairwise AUC, Latin organisations", ("pairwise", "latin-latin", "by_kind", "org", "auc"), 0.90),
    ("F1 at own decision, Latin organisations",
     ("pairwise", "latin-latin", "by_kind", "org", "f1"), 0.80),
    ("pairwise AUC, Latin", ("pairwise", "latin-latin", "auc"), 0.93),
    ("AUC against look-alikes only", ("pairwise", "latin-latin", "auc_vs_hard_only"), 0.80),
    ("AUC cross-script", ("pairwise", "cross-script", "auc"), 0.95),
    ("F1 at own decision, Latin", ("pairwise", "latin-latin", "f1"), 0.80),
    ("F1 at own decision, cross-script", ("pairwise", "cross-script", "f1"), 0.85),
]


def dig(result: dict, path: Sequence[str]) -> float | None:
    node: Any = result
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node if isinstance(node, float) else None


def table(out: dict) -> str:
    names = list(out["systems"])
    head = f"{'metric':36s} {'aim':>5s} " + " ".join(f"{n[:16]:>16s}" for n in names)
    lines = [head, "-" * len(head)]
    for label, path, aim in ROWS:
        cells = []
        for n in names:
            v = dig(out["systems"][n], path)
            cells.append(f"{v:16.3f}" if v is not None else f"{'-':>16s}")
        lines.append(f"{label:36s} {aim if aim is not None else '':>5} " + " ".join(cells))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--systems", default="", help="comma-separated subset (aliaskit, token_sort, "
                        "jaro_winkler, double_metaphone, logic-v2)")
    parser.add_argument("--folds", type=int, default=2, help="held-out folds (1: whole set, bundled model)")
    parser.add_argument("--examples", type=int, default=0, help="keep N error examples per system")
    parser.add_argument("--json", action="store_true", help="print the full results as JSON")
    parser.add_argument("--save", action="store_true", help="write benchmarks/results/realworld.json")
    args = parser.parse_args(argv)
    wanted = set(args.systems.split(",")) if args.systems else None
    out = evaluate(wanted, args.folds, args.examples)
    if args.save:
        print(f"saved {save('realworld' if args.folds > 1 else 'realworld_insample', out)}", file=sys.stderr)
    print(json.dumps(out, indent=1, ensure_ascii=False) if args.json else table(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
