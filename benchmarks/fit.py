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
from _common import generated

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
    status = generated(path, text, "python benchmarks/fit.py", check=args.check, last_digit=True)
    if not args.check:
        print(text)
    return status


if __name__ == "__main__":
    sys.exit(main())
