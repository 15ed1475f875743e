"""Pairwise precision and recall of aliaskit.cluster() on the labelled pairs.

    python benchmarks/cluster.py

All names of a half of benchmarks/pairs.csv are clustered together (profile "dedupe");
a labelled pair counts as predicted "same" when both names land in one cluster.
Writes benchmarks/results/cluster.json.
"""

from __future__ import annotations

import time

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
        tp = fp = fn = tn = 0
        for r in rows:
            same = where[r["name1"]] == where[r["name2"]]
            truth = r["is_match"] == "1"
            tp += same and truth
            fp += same and not truth
            fn += (not same) and truth
            tn += (not same) and not truth
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        report["splits"][split] = {"names": len(names), "clusters": len(clusters),
                                   "precision": precision, "recall": recall,
                                   "seconds": elapsed}
        print(f"{split}: {len(names)} names -> {len(clusters)} clusters in {elapsed:.2f} s; "
              f"pairwise precision {precision:.3f}, recall {recall:.3f} "
              f"(tp {tp}, fp {fp}, fn {fn}, tn {tn})")
    print(f"wrote {save('cluster', report)}")


if __name__ == "__main__":
    main()
