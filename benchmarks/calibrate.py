"""Choose compare()'s free parameters and the profile thresholds on the CALIBRATION half.

    PYTHONPATH=. python benchmarks/calibrate.py   (the .py modules, not the compiled ones)

Never reads the test half. For each value of MISSING_COST on a small grid, it finds:
default = the threshold with the best F1 among those that keep spelling-variant recall
>= 0.95 and accept <= 5% of hard negatives; screening = the highest threshold with
recall >= 0.98; dedupe = the lowest threshold with precision >= 0.985. It prints the
table; the chosen values are then written by hand into aliaskit/_scoring.py and
data/profiles.txt (with this script's output quoted in the commit message).
"""

from __future__ import annotations

from _common import load_pairs, prf

import aliaskit
from aliaskit import _scoring

HARD = ("neg_relative", "neg_common_token", "neg_one_letter")


def main() -> None:
    if not (_scoring.__file__ or "").endswith(".py"):
        # The compiled module reads its parameters as constants: setting them does nothing.
        raise SystemExit("calibrate.py varies _scoring's parameters, which needs the .py "
                         "modules: run it as PYTHONPATH=. python benchmarks/calibrate.py")
    rows = load_pairs("calib")
    labels = [int(r["is_match"]) for r in rows]
    print(f"calibration half: {len(rows)} pairs")
    print(f"{'missing':>8} {'default':>8} {'P':>6} {'R':>6} {'F1':>6} {'spell R':>8} {'hard acc':>8}"
          f" {'screen':>7} {'dedupe':>7}")
    for missing in (0.2, 0.25, 0.3, 0.35, 0.4, 0.5):
        _scoring.MISSING_COST = missing
        _scoring._pair.cache_clear()
        scores = [aliaskit.compare(r["name1"], r["name2"], kind=r["kind"]).score  # type: ignore[arg-type]
                  for r in rows]
        best = None
        for t in [x / 100 for x in range(60, 96)]:
            spelling = [s for s, r, y in zip(scores, rows, labels) if r["category"] == "spelling" and y]
            hard = [s for s, r in zip(scores, rows) if r["category"] in HARD]
            spell_recall = sum(s >= t for s in spelling) / len(spelling)
            hard_acc = sum(s >= t for s in hard) / len(hard)
            m = prf(scores, labels, t)
            if spell_recall >= 0.95 and hard_acc <= 0.05 and (best is None or m["f1"] > best[1]["f1"]):
                best = (t, m, spell_recall, hard_acc)
        screening = max((t / 100 for t in range(50, 96) if prf(scores, labels, t / 100)["recall"] >= 0.98),
                        default=float("nan"))
        dedupe = min((t / 100 for t in range(60, 100)
                      if prf(scores, labels, t / 100)["precision"] >= 0.985), default=float("nan"))
        if best is None:
            print(f"{missing:>8.2f} {'none':>8}")
            continue
        t, m, sr, ha = best
        print(f"{missing:>8.2f} {t:>8.2f} {m['precision']:>6.3f} {m['recall']:>6.3f} {m['f1']:>6.3f}"
              f" {sr:>8.3f} {ha:>8.3f} {screening:>7.2f} {dedupe:>7.2f}")


if __name__ == "__main__":
    main()
