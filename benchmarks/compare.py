"""Accuracy and speed of aliaskit.compare() against baselines on the labelled pairs.

    python benchmarks/compare.py            # calibration and held-back test halves
    python benchmarks/compare.py --split test

Baselines, measured in the same run on the same pairs: rapidfuzz token_sort_ratio and
jellyfish Jaro-Winkler, both on unidecode'd, lower-cased names. Thresholds for the
baselines are their best-F1 thresholds on the calibration half (fair to them); aliaskit
uses its profiles from data/profiles.txt. Writes benchmarks/results/compare.json.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from collections.abc import Callable

import jellyfish
from _common import (
    best_f1_threshold,
    clear_comparison_caches,
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


def evaluate(rows: list[dict[str, str]], scorer: Callable[..., float], name: str,
             thresholds: dict[str, float]) -> dict[str, object]:
    if name == "aliaskit":
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["calib", "test", "both"], default="both")
    parser.add_argument("--repeats", type=int, default=5, help="timing repeats (median)")
    args = parser.parse_args()
    calib = load_pairs("calib")
    splits = ["calib", "test"] if args.split == "both" else [args.split]
    profiles = {p.name: p.threshold for p in _data.profiles().values()}
    baseline_thresholds = {}
    for name, scorer in METHODS.items():
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
        for name, scorer in METHODS.items():
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

    rows = load_pairs("all")
    pairs = [(r["name1"], r["name2"]) for r in rows]
    print(f"\n=== speed: {len(pairs)} pairs, median of {args.repeats} runs, single thread")
    speed = {}

    def run(scorer: Callable[..., float]) -> Callable[[], int]:
        def go() -> int:
            for a, b in pairs:
                scorer(a, b)
            return len(pairs)
        return go

    for name, scorer in METHODS.items():
        speed[name] = median_rate(run(scorer), args.repeats)
    # A cold cache is the honest figure for aliaskit: names are new in a real pipeline.
    def cold() -> int:
        clear_comparison_caches()
        for a, b in pairs:
            aliaskit.compare(a, b)
        return len(pairs)

    speed["aliaskit (cold caches)"] = median_rate(cold, args.repeats)
    base = speed["rapidfuzz token_sort_ratio"]
    for name, rate in speed.items():
        print(f"  {name:<28} {rate:>12,.0f} pairs/s   {rate / base:>6.3f}x token_sort_ratio")
    report["speed_pairs_per_second"] = speed
    print(f"\nwrote {save('compare', report)}")


if __name__ == "__main__":
    main()
