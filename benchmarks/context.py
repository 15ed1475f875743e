"""Birth years against look-alikes: the real-world set's persons with birth years.

    python benchmarks/context.py

Negatives: the look-alike person pairs of benchmarks/realworld/hard_negatives.jsonl whose
two entities both have birth years (``meta.dob_years``); the query is name ``a`` with the
first birth year of its entity, the candidate is name ``b``'s entity with all its years.
Positives: every pair of names of each person that has birth years (the query carries the
entity's first year, so the year agrees: context can only help these). The name score is
aliaskit.compare() with the bundled model, which was fitted on these 527 entities' names
(in-sample for the names; the context weights in data/context_weights.txt were not fitted at all).
Reports ROC AUC and F1 at the default threshold, without and with context.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

from _common import prf, roc_auc

import aliaskit
from aliaskit._context import confirming, context_evidence, with_context

SET = Path(__file__).parent / "realworld"


def main() -> None:
    entities = {r["id"]: r for r in map(json.loads, (SET / "clusters.jsonl").open(encoding="utf-8"))}
    negatives = [n for n in map(json.loads, (SET / "hard_negatives.jsonl").open(encoding="utf-8"))
                 if n["kind"] == "person" and entities[n["a_id"]]["meta"].get("dob_years")
                 and entities[n["b_id"]]["meta"].get("dob_years")]
    pairs: list[tuple[str, int, str, list[int], int]] = []
    for n in negatives:
        pairs.append((n["a"], entities[n["a_id"]]["meta"]["dob_years"][0], n["b"],
                      entities[n["b_id"]]["meta"]["dob_years"], 0))
    persons = [e for e in entities.values() if e["kind"] == "person" and e["meta"].get("dob_years")]
    for e in persons:
        years = e["meta"]["dob_years"]
        for a, b in itertools.combinations(e["names"], 2):
            pairs.append((a, years[0], b, years, 1))
    threshold = aliaskit._data.profiles()["default"].threshold
    plain, context, labels = [], [], []
    for a, year, b, years, label in pairs:
        try:
            score = aliaskit.compare(a, b, kind="person").score
        except aliaskit.AliaskitError:
            score = 0.0
        entity = aliaskit.Entity(id="x", name="x", birth_dates=[str(y) for y in years])
        evidence, _ = context_evidence(entity, birth_year=year)
        plain.append(score)
        context.append(with_context(score, confirming(evidence, score, threshold)))
        labels.append(label)
    print(f"{len(negatives)} look-alike negative pairs, {sum(labels)} positive pairs "
          f"({len(persons)} persons with birth years); default threshold {threshold:.3f}")
    print(f"{'':<16} {'AUC':>6} {'F1':>6} {'precision':>9} {'recall':>6} {'false +':>7}")
    for name, scores in (("name only", plain), ("name + year", context)):
        m = prf(scores, labels, threshold)
        fp = sum(1 for s, y in zip(scores, labels) if s >= threshold and not y)
        print(f"{name:<16} {roc_auc(scores, labels):>6.3f} {m['f1']:>6.3f} {m['precision']:>9.3f} "
              f"{m['recall']:>6.3f} {fp:>7}")


if __name__ == "__main__":
    main()
