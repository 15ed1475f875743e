"""`aliaskit calibrate` on the real-world set: thresholds fitted on half its entities,
measured on the other half, against the bundled profiles (default, screening, dedupe).

    python benchmarks/calibrate_realworld.py            # refits the model on each half (fit extra)
    python benchmarks/calibrate_realworld.py --bundled-model --save

The entities are split in two by benchmarks/_fit.py's folds (entities joined by a
look-alike pair stay together, kinds balanced), as benchmarks/realworld.py splits them.
For each direction (half 1 → half 2, then 2 → 1):

- the comparison model is refitted on the calibration half alone (``_fit.fit_twice``),
  which also fits the bundled profiles' thresholds on that half, so nothing scored on
  the other half was seen in any fitting; ``--bundled-model`` uses data/model.txt instead,
  which was fitted on all 527 entities (in-sample scores: for comparison only);
- labelled pairs of the calibration half, drawn as the set's scorer draws them
  (benchmarks/realworld/score.py, build_pairs), go through aliaskit.calibrate
  (objective F1, 5-fold cross-validation on that half: its own held-out estimate);
- the other half's pairs are decided with the calibrated profile and with each bundled
  profile: precision, recall and F1, overall, Latin and cross-script.

Pairs are scored twice: with the names only (as score.py does: kind hidden, so the
calibrated groups are pair scripts only) and with the entity's kind (kind groups too).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Sequence
from typing import Any

import _fit
from _common import clear_comparison_caches, machine, save

import aliaskit
from aliaskit import _data
from aliaskit._calibrate import LabelledPair, Point, _point, calibrate
from aliaskit._compare import pair_script

PROFILES = ("default", "screening", "dedupe")


def labelled(clusters: Sequence[dict], negatives: Sequence[dict], with_kind: bool) -> list[LabelledPair]:
    """The pairs score.py draws from these entities (and the look-alikes among them)."""
    ids = {c["id"] for c in clusters}
    negs = [h for h in negatives if h["a_id"] in ids and h["b_id"] in ids]
    score = _fit.score_module()
    pos, neg = score.build_pairs(list(clusters), negs, 10, 6, random.Random(score.SEED))
    out = []
    for label, split in ((True, pos), (False, neg)):
        for pairs in split.values():
            for p in pairs:
                out.append(LabelledPair(p[0], p[1], label, p[4] if with_kind else None))
    return out


def decide(pairs: Sequence[LabelledPair], profile: str | aliaskit.Profile) -> dict[str, Point]:
    counts: dict[str, list[int]] = {}
    for p in pairs:
        try:
            match = aliaskit.compare(p.name1, p.name2, kind=p.kind, profile=profile).is_match
        except aliaskit.AliaskitError:
            match = False
        for key in ("all", pair_script(p.name1, p.name2)):
            c = counts.setdefault(key, [0, 0, 0, 0])
            c[0 if match and p.is_match else 1 if match else 2 if p.is_match else 3] += 1
    return {k: _point(float("nan"), *c) for k, c in counts.items()}


def direction(train: Sequence[dict], test: Sequence[dict], negatives: Sequence[dict],
              refit: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"train_entities": len(train), "test_entities": len(test)}
    if refit:
        t0 = time.perf_counter()
        model, n = _fit.fit_twice(train, negatives)
        print(f"  model refitted on {len(train)} entities ({n} pairs) in "
              f"{time.perf_counter() - t0:.0f} s", file=sys.stderr)
        _data.use_model(model)
    else:
        _data.use_model(None)
    clear_comparison_caches()
    out["bundled_thresholds"] = {p: _data.profiles()[p].threshold for p in PROFILES}
    for with_kind in (False, True):
        setting = "with kind" if with_kind else "names only"
        train_pairs = labelled(train, negatives, with_kind)
        test_pairs = labelled(test, negatives, with_kind)
        result = calibrate(train_pairs, folds=5)
        rows = {"calibrated": decide(test_pairs, result.profile)}
        for p in PROFILES:
            rows[p] = decide(test_pairs, p)
        out[setting] = {
            "train_pairs": len(train_pairs), "test_pairs": len(test_pairs),
            "profile": {"threshold": result.profile.threshold, "groups": dict(result.profile.groups)},
            "cv_estimate_on_train": _record(result.held_out),
            "test": {name: {k: _record(v) for k, v in r.items()} for name, r in rows.items()},
        }
    return out


def _record(p: Point) -> dict[str, float | int]:
    return {"precision": p.precision, "recall": p.recall, "f1": p.f1, "tp": p.tp, "fp": p.fp,
            "fn": p.fn, "tn": p.tn}


def pooled(directions: Sequence[dict], setting: str, profile: str, split: str) -> dict[str, float]:
    tp = fp = fn = tn = 0
    for d in directions:
        r = d[setting]["test"][profile].get(split)
        if r:
            tp, fp, fn, tn = tp + r["tp"], fp + r["fp"], fn + r["fn"], tn + r["tn"]
    return _record(_point(float("nan"), tp, fp, fn, tn))


def table(out: dict) -> str:
    lines = []
    for setting in ("names only", "with kind"):
        lines.append(f"\n{setting}: F1 on the held-out half (precision / recall), both directions pooled")
        lines.append(f"  {'profile':<12} {'all':>21} {'latin':>21} {'cross-script':>21}")
        for profile in ("calibrated", *PROFILES):
            cells = []
            for split in ("all", "latin", "cross-script"):
                r = pooled(out["directions"], setting, profile, split)
                cells.append(f"{r['f1']:.3f} ({r['precision']:.2f}/{r['recall']:.2f})")
            lines.append(f"  {profile:<12} " + " ".join(f"{c:>21}" for c in cells))
        for i, d in enumerate(out["directions"], start=1):
            s = d[setting]
            groups = ", ".join(f"{k} {v:.2f}" for k, v in s["profile"]["groups"].items())
            lines.append(f"  direction {i}: calibrated {s['profile']['threshold']:.2f} ({groups}); "
                         f"bundled {d['bundled_thresholds']}; CV estimate on the calibration half "
                         f"F1 {s['cv_estimate_on_train']['f1']:.3f}, measured on the other "
                         f"{s['test']['calibrated']['all']['f1']:.3f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundled-model", action="store_true",
                        help="score with data/model.txt (fitted on every entity: in-sample)")
    parser.add_argument("--save", action="store_true",
                        help="write benchmarks/results/calibrate_realworld[_bundled].json")
    args = parser.parse_args(argv)
    clusters, negatives = _fit.load_set()
    halves = _fit.folds(clusters, negatives, 2)
    out: dict[str, Any] = {"machine": machine(), "model": "bundled (in-sample)" if args.bundled_model
                           else "refitted on the calibration half", "directions": []}
    try:
        for i, (fit_half, test_half) in enumerate(((0, 1), (1, 0)), start=1):
            train = [c for c in clusters if c["id"] in halves[fit_half]]
            test = [c for c in clusters if c["id"] in halves[test_half]]
            print(f"direction {i}: calibrate on {len(train)} entities, measure on {len(test)}",
                  file=sys.stderr)
            out["directions"].append(direction(train, test, negatives, not args.bundled_model))
    finally:
        _data.use_model(None)
    if args.save:
        name = "calibrate_realworld_bundled" if args.bundled_model else "calibrate_realworld"
        print(f"saved {save(name, out)}", file=sys.stderr)
    print(f"model: {out['model']}" + table(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
