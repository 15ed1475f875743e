"""Pairwise precision and recall of aliaskit.cluster() on the labelled pairs and on the
real-world set.

    python benchmarks/cluster.py

All names of a half of benchmarks/pairs.csv are clustered together (profile "dedupe");
a labelled pair counts as predicted "same" when both names land in one cluster.
Then the real-world set (benchmarks/realworld/), held out: in each of 2 folds (grouped
as realworld.py groups them), the model is fitted on the other fold and every name of
the fold's entities is clustered together; every pair of those names counts, same
entity or not (names shared by two entities, and names compare() refuses, are left
out). Writes benchmarks/results/cluster.json.
"""

from __future__ import annotations

import itertools
import time
from collections import Counter

import _fit
from _common import load_pairs, machine, save

import aliaskit


def main() -> None:
    report = {"machine": machine(), "splits": {}}
    for split in ("calib", "test"):
        rows = load_pairs(split)
        names = sorted({r["name1"] for r in rows} | {r["name2"] for r in rows})
        start = time.perf_counter()
        clusters = aliaskit.cluster(names)
        elapsed = time.perf_counter() - start
        where = {m.name: i for i, c in enumerate(clusters) for m in c.members}
        tp, fp, fn, tn = pair_counts(Counter(
            (where[r["name1"]] == where[r["name2"]], r["is_match"] == "1") for r in rows))
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        report["splits"][split] = {"names": len(names), "clusters": len(clusters),
                                   "precision": precision, "recall": recall,
                                   "seconds": elapsed}
        print(f"{split}: {len(names)} names -> {len(clusters)} clusters in {elapsed:.2f} s; "
              f"pairwise precision {precision:.3f}, recall {recall:.3f} "
              f"(tp {tp}, fp {fp}, fn {fn}, tn {tn})")
    report["splits"]["real-world, held out"] = realworld()
    print(f"wrote {save('cluster', report)}")


def pair_counts(outcomes: Counter[tuple[bool, bool]]) -> tuple[int, int, int, int]:
    """(tp, fp, fn, tn) of pairs counted by (clustered together, truly the same)."""
    return (outcomes[True, True], outcomes[True, False], outcomes[False, True],
            outcomes[False, False])


def realworld() -> dict[str, float | int]:
    clusters, negatives = _fit.load_set()
    outcomes: Counter[tuple[bool, bool]] = Counter()
    names = groups = 0
    elapsed = 0.0
    for held, _ in _fit.held_out_models(clusters, negatives, 2):
        owner: dict[str, set[str]] = {}
        for c in clusters:
            if c["id"] in held:
                for name in c["names"]:
                    owner.setdefault(name, set()).add(c["id"])
        fold = []
        for name, ids in owner.items():
            try:
                aliaskit.compare(name, name)
            except aliaskit.AliaskitError:
                continue
            if len(ids) == 1:
                fold.append(name)
        start = time.perf_counter()
        found = aliaskit.cluster(fold)
        elapsed += time.perf_counter() - start
        where = {m.name: i for i, g in enumerate(found) for m in g.members}
        outcomes.update((where[a] == where[b], owner[a] == owner[b])
                        for a, b in itertools.combinations(fold, 2))
        names += len(fold)
        groups += len(found)
    tp, fp, fn, _ = pair_counts(outcomes)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    print(f"real-world, held out: {names} names -> {groups} clusters in {elapsed:.2f} s; "
          f"pairwise precision {precision:.3f}, recall {recall:.3f} (tp {tp}, fp {fp}, fn {fn})")
    return {"names": names, "clusters": groups, "precision": precision, "recall": recall,
            "seconds": elapsed}


if __name__ == "__main__":
    main()
