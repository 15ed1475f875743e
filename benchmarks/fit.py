"""Fit the comparison model and write data/model.txt (``--check``: fail if it differs).

    python benchmarks/fit.py            # needs the fit extra: pip install ".[fit]"
    python benchmarks/fit.py --check    # CI: the bundled model is the one these pairs give

Fitted on every training pair there is: the whole real-world set in
benchmarks/realworld/ and the calibration half of benchmarks/pairs.csv. Figures for a
model are only ever reported on entities it was not fitted on: benchmarks/realworld.py
refits on half of the entities and scores the other half.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import _fit

from aliaskit import _data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if data/model.txt is out of date")
    args = parser.parse_args(argv)
    clusters, negatives = _fit.load_set()
    _data.use_model(None)
    model, n_pairs = _fit.fit_twice(clusters, negatives)
    text = _fit.model_text(model, [
        f"Training pairs: {n_pairs}, labelled same or different, from the",
        f"{len(clusters)} entities of benchmarks/realworld/ and the calibration half of",
        "benchmarks/pairs.csv. Held-out figures: python benchmarks/realworld.py.",
    ])
    path = Path(__file__).resolve().parent.parent / "data" / _data.MODEL
    if args.check:
        if path.read_text(encoding="utf-8") != text:
            print(f"{path} is out of date: run python benchmarks/fit.py", file=sys.stderr)
            return 1
        print(f"{path} is up to date")
        return 0
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
