"""Accuracy and speed of aliaskit.compare() against baselines on the labelled pairs.

    python benchmarks/compare.py            # calibration and held-back test halves
    python benchmarks/compare.py --split test

Baselines, measured in the same run on the same pairs: rapidfuzz token_sort_ratio and
jellyfish Jaro-Winkler, both on unidecode'd, lower-cased names, and, when the package is
installed (``pip install nomenklatura``; it is not an aliaskit dependency), the
OpenSanctions rule matcher nomenklatura logic-v2 on followthemoney entities made from the
names. Thresholds for the baselines are their best-F1 thresholds on the calibration half
(fair to them); aliaskit uses its profiles from data/profiles.txt.

Speed is pairs per second in one thread, median of --repeats runs, for all pairs and for
the short ones (at most three words a side), in three states of aliaskit's caches,
emptied before each timed run (outside the timing): "cold" empties every per-name,
per-word and per-word-pair cache (every name, word and pair of words is new: a process
that has just started, with its data tables loaded); "new names" empties the per-name
caches only (every name is new, but its words and pairs of words were seen before: a
long-running process, whose vocabulary of name parts is finite); "warm" runs again over
the same pairs (names seen before: resolution and deduplication, where each name meets
many others). aliaskit is timed in processes of its own (this one holds the other
matchers' tables): the installed build, and when that is the compiled one (mypyc), also
the pure-Python modules of this checkout. nomenklatura is measured cold (its caches
emptied) and warm. Writes benchmarks/results/compare.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
from collections import defaultdict
from collections.abc import Callable

import jellyfish
from _common import (
    HERE,
    best_f1_threshold,
    clear_comparison_caches,
    clear_name_caches,
    has_script,
    load_pairs,
    machine,
    median_rate,
    prf,
    roc_auc,
    save,
)
from rapidfuzz import fuzz
from unidecode import unidecode

import aliaskit
from aliaskit import _data
from aliaskit._cli import _build

REPO = HERE.parent
NEGATIVE_CATEGORIES = ("neg_relative", "neg_common_token", "neg_one_letter", "neg_other")
HARD_NEGATIVES = ("neg_relative", "neg_common_token", "neg_one_letter")


def _plain(text: str) -> str:
    return " ".join(unidecode(text).lower().split())


def rapidfuzz_token_sort(a: str, b: str) -> float:
    return fuzz.token_sort_ratio(_plain(a), _plain(b)) / 100.0


def jellyfish_jaro_winkler(a: str, b: str) -> float:
    return jellyfish.jaro_winkler_similarity(_plain(a), _plain(b))


def aliaskit_score(a: str, b: str, kind: str | None = None) -> float:
    return aliaskit.compare(a, b, kind=kind).score  # type: ignore[arg-type]


METHODS: dict[str, Callable[..., float]] = {
    "aliaskit": aliaskit_score,
    "rapidfuzz token_sort_ratio": rapidfuzz_token_sort,
    "jellyfish jaro_winkler": jellyfish_jaro_winkler,
}
RULE_MATCHER = "nomenklatura logic-v2"


def _logic_v2() -> Callable[..., float] | None:
    """nomenklatura's logic-v2 matcher as a scorer of two names, if it is installed."""
    try:
        from followthemoney import model
        from nomenklatura.matching import get_algorithm
        from nomenklatura.matching.types import ScoringConfig
    except ImportError:
        return None
    matcher = get_algorithm("logic-v2")
    if matcher is None:
        return None
    config = ScoringConfig.defaults()
    schemata = {"person": "Person", "org": "Organization"}

    def score(a: str, b: str, kind: str = "") -> float:
        pair = []
        for name in (a, b):
            entity = model.make_entity(schemata.get(kind, "LegalEntity"))
            # The matcher caches by entity id: one id per distinct name.
            entity.id = hashlib.sha1(f"{kind}:{name}".encode()).hexdigest()
            entity.add("name", name)
            pair.append(entity)
        return float(matcher.compare(pair[0], pair[1], config).score)

    score("Amir Khan Muttaqi", "Amir Khan Mottaki")  # loads its name tables (seconds)
    return score


def _clear_rule_matcher_caches() -> None:
    """Forget what nomenklatura and rigour cached about names: their cold start."""
    import functools
    import gc

    for obj in gc.get_objects():
        if isinstance(obj, functools._lru_cache_wrapper) and getattr(
                obj, "__module__", "").startswith(("nomenklatura", "rigour", "followthemoney")):
            obj.cache_clear()


def evaluate(rows: list[dict[str, str]], scorer: Callable[..., float], name: str,
             thresholds: dict[str, float]) -> dict[str, object]:
    if name in ("aliaskit", RULE_MATCHER):
        scores = [scorer(r["name1"], r["name2"], r["kind"]) for r in rows]
    else:
        scores = [scorer(r["name1"], r["name2"]) for r in rows]
    labels = [int(r["is_match"]) for r in rows]
    cross = [i for i, r in enumerate(rows) if has_script(r["name1"] + r["name2"])]
    result: dict[str, object] = {
        "pairs": len(rows),
        "auc": roc_auc(scores, labels),
        "auc_cross_script": roc_auc([scores[i] for i in cross], [labels[i] for i in cross]),
        "at_threshold": {p: {"threshold": t, **prf(scores, labels, t)}
                         for p, t in thresholds.items()},
    }
    by_category: dict[str, dict[str, float]] = {}
    groups: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        groups[r["category"]].append(i)
    default = thresholds.get("default", next(iter(thresholds.values())))
    for category, idx in sorted(groups.items()):
        accepted = sum(1 for i in idx if scores[i] >= default)
        positives = sum(labels[i] for i in idx)
        by_category[category] = {
            "pairs": len(idx),
            "accepted_share": accepted / len(idx),
            "recall": (sum(1 for i in idx if labels[i] and scores[i] >= default) / positives)
            if positives else float("nan"),
        }
    result["by_category"] = by_category
    hard = [i for i, r in enumerate(rows) if r["category"] in HARD_NEGATIVES]
    result["hard_negatives_accepted"] = (
        sum(1 for i in hard if scores[i] >= default) / len(hard) if hard else float("nan")
    )
    spelling = [i for i, r in enumerate(rows) if r["category"] == "spelling" and labels[i]]
    result["spelling_recall"] = (
        sum(1 for i in spelling if scores[i] >= default) / len(spelling) if spelling else 1.0
    )
    return result


def _speed_sets() -> dict[str, list[tuple[str, str]]]:
    rows = load_pairs("all")
    sets = {"all": [(r["name1"], r["name2"]) for r in rows]}
    sets["short"] = [(a, b) for a, b in sets["all"] if len(a.split()) <= 3 and len(b.split()) <= 3]
    return sets


def _rate(scorer: Callable[..., float], pairs: list[tuple[str, str]], repeats: int,
          clear: Callable[[], None] | None = None) -> float:
    def go() -> int:
        for a, b in pairs:
            scorer(a, b)
        return len(pairs)
    # Caches are emptied before each timed run, outside the timing.
    return median_rate(go, repeats, setup=clear)


def _aliaskit_speed(sets: dict[str, list[tuple[str, str]]], repeats: int) -> dict[str, dict[str, float]]:
    """aliaskit.compare() pairs/s per set of pairs, in the three states of its caches."""

    def compare_pair(a: str, b: str) -> float:
        return aliaskit.compare(a, b).score

    compare_pair("Amir Khan Muttaqi", "Amir Khan Mottaki")  # loads the data tables
    return {label: {"cold": _rate(compare_pair, pairs, repeats, clear_comparison_caches),
                    "new names": _rate(compare_pair, pairs, repeats, clear_name_caches),
                    "warm": _rate(compare_pair, pairs, repeats)}
            for label, pairs in sets.items()}


def _speed_in_subprocess(repeats: int, *, pure: bool) -> dict[str, dict[str, float]]:
    env = dict(os.environ)
    if pure:
        env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])
    done = subprocess.run([sys.executable, __file__, "--speed-only", "--repeats", str(repeats)],
                          env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["calib", "test", "both"], default="both")
    parser.add_argument("--repeats", type=int, default=5, help="timing repeats (median)")
    parser.add_argument("--speed-only", action="store_true",
                        help="print aliaskit's speed as JSON and stop (used for the pure-Python build)")
    args = parser.parse_args()
    if args.speed_only:
        print(json.dumps(_aliaskit_speed(_speed_sets(), args.repeats)))
        return
    methods = dict(METHODS)
    rule_matcher = _logic_v2()
    if rule_matcher is None:
        print(f"({RULE_MATCHER} not measured: pip install nomenklatura to include it)")
    else:
        methods[RULE_MATCHER] = rule_matcher
    calib = load_pairs("calib")
    splits = ["calib", "test"] if args.split == "both" else [args.split]
    profiles = {p.name: p.threshold for p in _data.profiles().values()}
    baseline_thresholds = {}
    for name, scorer in methods.items():
        if name != "aliaskit":
            scores = [scorer(r["name1"], r["name2"]) for r in calib]
            baseline_thresholds[name] = {
                "best-F1 on calib": best_f1_threshold(scores, [int(r["is_match"]) for r in calib])
            }
    report: dict[str, object] = {"machine": machine(), "splits": {}}
    for split in splits:
        rows = load_pairs(split)
        print(f"\n=== {split} half: {len(rows)} pairs "
              f"({sum(int(r['is_match']) for r in rows)} matches, "
              f"{sum(1 for r in rows if has_script(r['name1'] + r['name2']))} cross-script)")
        out = {}
        for name, scorer in methods.items():
            thresholds = profiles if name == "aliaskit" else baseline_thresholds[name]
            out[name] = evaluate(rows, scorer, name, thresholds)
        report["splits"][split] = out  # type: ignore[index]
        print(f"{'method':<28} {'AUC':>6} {'AUC x-script':>12} {'spelling rec':>12} "
              f"{'hard neg acc':>12}")
        for name, r in out.items():
            print(f"{name:<28} {r['auc']:>6.3f} {r['auc_cross_script']:>12.3f} "
                  f"{r['spelling_recall']:>12.3f} {r['hard_negatives_accepted']:>12.3f}")
        print(f"\n{'method / threshold':<44} {'thr':>5} {'prec':>6} {'rec':>6} {'F1':>6}")
        for name, r in out.items():
            for label, m in r["at_threshold"].items():  # type: ignore[attr-defined]
                print(f"{name + ' / ' + label:<44} {m['threshold']:>5.2f} {m['precision']:>6.3f} "
                      f"{m['recall']:>6.3f} {m['f1']:>6.3f}")
        print(f"\naliaskit by category (default threshold {profiles['default']:.2f}):")
        for category, m in out["aliaskit"]["by_category"].items():  # type: ignore[index]
            print(f"  {category:<18} {m['pairs']:>4} pairs  accepted {m['accepted_share']:.3f}")

    sets = _speed_sets()
    print(f"\n=== speed, pairs/s in one thread, median of {args.repeats} runs: all "
          f"{len(sets['all'])} pairs, short {len(sets['short'])} (at most three words a side)")
    build = "compiled" if _build() != "pure Python" else "pure Python"
    # aliaskit is timed in processes of its own, as a user's process would run it: this one
    # holds the other matchers' tables and caches, which slow down garbage collection.
    ours = _speed_in_subprocess(args.repeats, pure=False)
    # The pure-Python build of the same checkout, in a process that imports the .py modules:
    # what users without a C compiler get.
    others = _speed_in_subprocess(args.repeats, pure=True) if build == "compiled" else {}
    speed: dict[str, dict[str, float]] = {}
    for label, pairs in sets.items():
        rates = {f"aliaskit ({build}), {state}": rate for state, rate in ours[label].items()}
        rates.update({f"aliaskit (pure Python), {state}": rate
                      for state, rate in others.get(label, {}).items()})
        if rule_matcher is not None:
            rates[RULE_MATCHER + ", cold"] = _rate(rule_matcher, pairs, args.repeats,
                                                   _clear_rule_matcher_caches)
            rates[RULE_MATCHER + ", warm"] = _rate(rule_matcher, pairs, args.repeats)
        for name in ("rapidfuzz token_sort_ratio", "jellyfish jaro_winkler"):
            rates[name] = _rate(METHODS[name], pairs, args.repeats)
        speed[label] = rates
        base = rates["rapidfuzz token_sort_ratio"]
        print(f"  {label} pairs:")
        for name, rate in rates.items():
            print(f"    {name:<40} {rate:>12,.0f} pairs/s   {rate / base:>6.3f}x token_sort_ratio")
        if rule_matcher is not None:
            for state in ("cold", "warm"):
                ratio = rates[f"aliaskit ({build}), {state}"] / rates[f"{RULE_MATCHER}, {state}"]
                print(f"    aliaskit ({build}) / {RULE_MATCHER}, both {state}: {ratio:.1f}x")
    report["build"] = build
    report["speed_pairs_per_second"] = speed
    print(f"\nwrote {save('compare', report)}")


if __name__ == "__main__":
    main()
