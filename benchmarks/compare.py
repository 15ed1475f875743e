"""Accuracy and speed of aliaskit.compare() against baselines on the labelled pairs.

    python benchmarks/compare.py            # calibration and held-back test halves
    python benchmarks/compare.py --split test

Baselines, measured in the same run on the same pairs: rapidfuzz token_sort_ratio and
jellyfish Jaro-Winkler, both on unidecode'd, lower-cased names, and, when the package is
installed (``pip install nomenklatura``; it is not an aliaskit dependency), the
OpenSanctions rule matcher nomenklatura logic-v2 on followthemoney entities made from the
names. Thresholds for the baselines are their best-F1 thresholds on the calibration half
(fair to them); aliaskit uses its profiles from data/profiles.txt.

Speed is pairs per second in one thread, for all pairs, for the short ones (at most
three words a side), for the person and the organisation pairs apart (of the labelled
pairs and of the names of benchmarks/realworld/'s entities; their ratio is taken within
a round), the median of --repeats rounds in which every method takes one run
in turn (this machine's speed varies up to 2x within minutes; taking turns lets every
method see the same phases), and the ratio of aliaskit to the rule matcher is the median
of the ratios within a round. Each round starts aliaskit with an untimed run: right after
the rule matcher's runs, which sweep a far larger heap, its first run measured up to a
third slower. aliaskit runs in three states of its caches, emptied before
a timed run (outside the timing): "cold" empties every per-name, per-word and
per-word-pair cache (every name, word and pair of words is new: a process that has just
started, with its data tables loaded); "new names" empties the per-name caches only
(every name is new, but its words and pairs of words were seen before: a long-running
process, whose vocabulary of name parts is finite); "warm" runs again over the same pairs
(names seen before: resolution and deduplication, where each name meets many others).
aliaskit runs in processes of its own (this one holds the other matchers' tables): the
installed build, and when that is the compiled one (mypyc), also the pure-Python modules
of this checkout. nomenklatura is measured cold (its caches emptied) and warm. Writes
benchmarks/results/compare.json.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
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
            if positives else None,  # (no positive pairs: no recall)
        }
    result["by_category"] = by_category
    hard = [i for i, r in enumerate(rows) if r["category"] in HARD_NEGATIVES]
    result["hard_negatives_accepted"] = (
        sum(1 for i in hard if scores[i] >= default) / len(hard) if hard else None
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
    # Organisation pairs beside person pairs (issue #16): those of the labelled pairs, and
    # the names of the real-world set's entities (benchmarks/realworld/), each entity's
    # first name against each of its other names, where organisations are long company
    # names with legal forms.
    for kind in ("person", "org"):
        sets[kind] = [(r["name1"], r["name2"]) for r in rows if r["kind"] == kind]
    for kind in ("person", "org"):
        sets[f"{kind}, real-world"] = [(c["names"][0], other) for c in _realworld()
                                       if c["kind"] == kind for other in c["names"][1:]]
    return sets


def _realworld() -> list[dict]:
    import json

    with (HERE / "realworld" / "clusters.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _rate(scorer: Callable[..., float], pairs: list[tuple[str, str]], repeats: int,
          clear: Callable[[], None] | None = None) -> float:
    def go() -> int:
        for a, b in pairs:
            scorer(a, b)
        return len(pairs)
    # Caches are emptied before each timed run, outside the timing.
    return median_rate(go, repeats, setup=clear)


STATES: dict[str, Callable[[], None] | None] = {
    "cold": clear_comparison_caches, "new names": clear_name_caches, "warm": None}


def _compare_pair(a: str, b: str) -> float:
    return aliaskit.compare(a, b).score


def _worker() -> None:
    """Time aliaskit on request: read "<set>\t<state>" lines, print one rate per line."""
    sets = _speed_sets()
    _compare_pair("Amir Khan Muttaqi", "Amir Khan Mottaki")  # loads the data tables
    for line in sys.stdin:
        label, state = line.rstrip("\n").split("\t")
        print(_rate(_compare_pair, sets[label], 1, STATES[state]), flush=True)


class _Worker:
    """aliaskit in a process of its own, as a user's process would run it (this one holds
    the other matchers' tables and caches, which slow down its garbage collection)."""

    def __init__(self, *, pure: bool) -> None:
        env = dict(os.environ)
        if pure:  # the .py modules of this checkout first on the path
            env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])
        self.process = subprocess.Popen([sys.executable, __file__, "--worker"], env=env, text=True,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def rate(self, label: str, state: str) -> float:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(f"{label}\t{state}\n")
        self.process.stdin.flush()
        return float(self.process.stdout.readline())

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait()


def _speed(repeats: int, rule_matcher: Callable[..., float] | None
           ) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, float]], str]:
    """Pairs/s per set of pairs and method (medians), and the medians of the ratios of
    aliaskit to the rule matcher measured in the same round.

    The methods take turns, one run each per round, so that every method sees the same
    phases of this machine's speed (which varies up to 2x within minutes).
    """
    build = "compiled" if _build() != "pure Python" else "pure Python"
    workers = {build: _Worker(pure=False)}
    if build == "compiled":  # and what users without a C compiler get
        workers["pure Python"] = _Worker(pure=True)
    sets = _speed_sets()
    runs: dict[str, dict[str, list[float]]] = {label: defaultdict(list) for label in sets}
    ratios: dict[str, dict[str, list[float]]] = {label: defaultdict(list) for label in sets}
    for _ in range(repeats):
        for name, worker in workers.items():
            # An untimed run first: right after the other matchers' runs, which sweep a
            # far larger heap, aliaskit's first run measured up to a third slower.
            worker.rate("short", "cold")
            for label in sets:
                for state in STATES:
                    runs[label][f"aliaskit ({name}), {state}"].append(worker.rate(label, state))
        for label, pairs in sets.items():
            if rule_matcher is not None:
                for state, clear in (("cold", _clear_rule_matcher_caches), ("warm", None)):
                    rate = _rate(rule_matcher, pairs, 1, clear)
                    runs[label][f"{RULE_MATCHER}, {state}"].append(rate)
                    ratios[label][state].append(runs[label][f"aliaskit ({build}), {state}"][-1] / rate)
            for name in ("rapidfuzz token_sort_ratio", "jellyfish jaro_winkler"):
                runs[label][name].append(_rate(METHODS[name], pairs, 1))
    for worker in workers.values():
        worker.close()
    medians = {label: {name: statistics.median(rates) for name, rates in by_name.items()}
               for label, by_name in runs.items()}
    ratio = {label: {state: statistics.median(r) for state, r in by_state.items()}
             for label, by_state in ratios.items()}
    # Organisation pairs against person pairs, within a round, by the same worker.
    for source in ("", ", real-world"):
        for state in STATES:
            key = f"aliaskit ({build}), {state}"
            org, person = runs[f"org{source}"][key], runs[f"person{source}"][key]
            ratio.setdefault(f"org / person{source}", {})[state] = statistics.median(
                o / p for o, p in zip(org, person))
    return medians, ratio, build


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["calib", "test", "both"], default="both")
    parser.add_argument("--repeats", type=int, default=5, help="timing repeats (median)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker()
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
    print(f"\n=== speed, pairs/s in one thread, median of {args.repeats} rounds: all "
          f"{len(sets['all'])} pairs, short {len(sets['short'])} (at most three words a side)")
    speed, ratio, build = _speed(args.repeats, rule_matcher)
    for label, rates in speed.items():
        base = rates["rapidfuzz token_sort_ratio"]
        print(f"  {label} pairs ({len(sets[label])}):")
        for name, rate in rates.items():
            print(f"    {name:<40} {rate:>12,.0f} pairs/s   {rate / base:>6.3f}x token_sort_ratio")
        for state, r in ratio.get(label, {}).items():
            print(f"    aliaskit ({build}) / {RULE_MATCHER}, both {state}, same round: {r:.1f}x")
    for label in ("org / person", "org / person, real-world"):
        print(f"  aliaskit ({build}), {label} pairs/s, same round: " + ", ".join(
            f"{state} {r:.2f}x" for state, r in ratio[label].items()))
    report["ratio_org_to_person"] = {label: ratio.pop(label)
                                     for label in ("org / person", "org / person, real-world")}
    report["ratio_to_rule_matcher"] = ratio
    report["build"] = build
    report["speed_pairs_per_second"] = speed
    print(f"\nwrote {save('compare', report)}")


if __name__ == "__main__":
    main()
