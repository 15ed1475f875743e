"""Random inputs against every public function: anything but a result, an AliaskitError
or (for an argument of the wrong type) a TypeError is a bug, and so is a call over 2 s.

    python benchmarks/fuzz.py [--calls 100000] [--seed 17] [--only NAME ...]

The generators are tests/fuzzing.py's (those of tests/test_fuzz.py), driven by a seeded
random.Random instead of hypothesis: no shrinking, reproducible from the seed. Calls go
round-robin over the functions. Prints a table per function (calls, results,
AliaskitError, TypeError, OTHER, calls over 2 s, median and max time), the first few
OTHER exceptions with their tracebacks and inputs, and saves the table to
benchmarks/results/fuzz.txt.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import time
import traceback
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent / "tests"))

import fuzzing  # noqa: E402

SLOW = 2.0
SHOWN = 5


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--only", nargs="*", default=None, help="function names (see TARGETS)")
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    names = args.only or list(fuzzing.TARGETS)
    rng = random.Random(args.seed)
    fuzzing.bundled()  # built once, outside the timings
    fuzzing.small_index()
    counts = {name: {"calls": 0, "result": 0, "AliaskitError": 0, "TypeError": 0, "OTHER": 0,
                     "slow": 0} for name in names}
    times: dict[str, list[float]] = {name: [] for name in names}
    slowest: dict[str, str] = {}
    shown: list[str] = []
    started = time.perf_counter()
    for i in range(args.calls):
        name = names[i % len(names)]
        gen = fuzzing.RandomGen(random.Random(rng.getrandbits(64)))
        error: BaseException | None = None
        t0 = time.perf_counter()
        try:
            fuzzing.TARGETS[name](gen)
        except Exception as exc:
            error = exc
        elapsed = time.perf_counter() - t0
        kind = fuzzing.outcome(error, gen)
        row = counts[name]
        row["calls"] += 1
        row[kind] += 1
        times[name].append(elapsed)
        if elapsed > max(times[name][:-1], default=0.0):
            slowest[name] = describe(gen.inputs)
        if elapsed > SLOW:
            row["slow"] += 1
            print(f"SLOW {name}: {elapsed:.2f} s on {describe(gen.inputs)}", file=sys.stderr)
        if kind == "OTHER" and len(shown) < SHOWN:
            assert error is not None
            report = "".join(traceback.format_exception(error))
            shown.append(f"{name} on {describe(gen.inputs)}\n{report}")
            print(f"OTHER {shown[-1]}", file=sys.stderr)
        if (i + 1) % 5000 == 0:
            print(f"{i + 1:,} calls, {time.perf_counter() - started:.0f} s", file=sys.stderr)
    total = time.perf_counter() - started
    shutil.rmtree(fuzzing._scratch(), ignore_errors=True)

    header = (f"{'function':<22} {'calls':>7} {'results':>8} {'Aliaskit':>9} {'TypeErr':>8} "
              f"{'OTHER':>6} {'>2 s':>5} {'median ms':>10} {'max s':>7}  slowest input")
    lines = [header, "-" * len(header)]
    for name in names:
        row = counts[name]
        lines.append(
            f"{name:<22} {row['calls']:>7,} {row['result']:>8,} {row['AliaskitError']:>9,} "
            f"{row['TypeError']:>8,} {row['OTHER']:>6,} {row['slow']:>5,} "
            f"{statistics.median(times[name]) * 1000:>10.3f} {max(times[name]):>7.3f}  "
            f"{slowest.get(name, '')}")
    every = [t for ts in times.values() for t in ts]
    lines.append("-" * len(header))
    lines.append(
        f"{'all':<22} {sum(r['calls'] for r in counts.values()):>7,} "
        f"{sum(r['result'] for r in counts.values()):>8,} "
        f"{sum(r['AliaskitError'] for r in counts.values()):>9,} "
        f"{sum(r['TypeError'] for r in counts.values()):>8,} "
        f"{sum(r['OTHER'] for r in counts.values()):>6,} {sum(r['slow'] for r in counts.values()):>5,} "
        f"{statistics.median(every) * 1000:>10.3f} {max(every):>7.3f}")
    build = "compiled with mypyc" if _compiled() else "pure Python"
    title = (f"# python benchmarks/fuzz.py --calls {args.calls} --seed {args.seed} "
             f"({datetime.now(timezone.utc):%Y-%m-%d}, {build}, 2-core machine shared with "
             f"other engineers)\n{args.calls:,} random inputs over {len(names)} public functions "
             f"in {total:.0f} s; allowed: a result, an AliaskitError, a TypeError for an "
             f"argument of the wrong type; a bug: anything else (OTHER) or a call over {SLOW:.0f} s")
    text = "\n".join([title, *lines]) + "\n"
    if shown:
        text += f"\nfirst {len(shown)} OTHER exception(s):\n" + "\n".join(shown)
    print(text)
    if not args.no_save:
        (HERE / "results" / "fuzz.txt").write_text(text, encoding="utf-8")
    return 1 if any(r["OTHER"] or r["slow"] for r in counts.values()) else 0


def describe(inputs: list[object]) -> str:
    shown = []
    for value in inputs[:4]:
        text = repr(value)
        if len(text) > 60:
            length = f", {len(value):,} long" if isinstance(value, (str, bytes)) else ""
            text = text[:50] + f"…{length}"
        shown.append(text)
    return " ".join(shown) + (" …" if len(inputs) > 4 else "")


def _compiled() -> bool:
    from aliaskit import _scoring

    return not str(getattr(_scoring, "__file__", "")).endswith(".py")


if __name__ == "__main__":
    sys.exit(main())
