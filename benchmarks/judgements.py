"""Loading reviewers' judgements: 10,000 decisions in a JSON Lines file, and what they
cost the resolver.

    python benchmarks/judgements.py [--count 10000] [--save]

The judgements are invented: pairs of names of the bundled reference data (and their
entity ids), same, different or unsure, with users, times and notes. Prints the median
load time (aim: under a second for 10,000) and the resolver's queries per second with
and without them, as a ratio measured in the same run.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _common import machine, save

import aliaskit
from aliaskit import Judgement, Judgements

SEED = 20261205


def invented(count: int) -> list[Judgement]:
    rng = random.Random(SEED)
    entities = aliaskit.load_reference()
    names = [(e, n) for e in entities for n in e.names]
    out = []
    for k in range(count):
        (_, left), (b, right) = rng.sample(names, 2)
        other = b.id if rng.random() < 0.5 else right
        out.append(Judgement(left, other, rng.choice(("same", "different", "different", "unsure")),
                             user=rng.choice(("maria", "omid", "leila")),
                             time=f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                                  f"T10:{k % 60:02d}:00Z",
                             note=f"case {k}"))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--save", action="store_true", help="write benchmarks/results/judgements.json")
    args = parser.parse_args(argv)
    items = invented(args.count)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "judgements.jsonl"
        t0 = time.perf_counter()
        for j in items[:1000]:
            Judgements.append(path, j)
        append_each = (time.perf_counter() - t0) / 1000
        with path.open("a", encoding="utf-8") as handle:
            handle.writelines(j.to_json() + "\n" for j in items[1000:])
        times = []
        for _ in range(5):
            aliaskit._judgements.name_key.cache_clear()  # a process that has just started
            t0 = time.perf_counter()
            loaded = Judgements.load(path)
            times.append(time.perf_counter() - t0)
    load = statistics.median(times)
    resolver = aliaskit.Resolver.from_reference()
    queries = [n for e in aliaskit.load_reference() for n in e.names][:400]

    def rate(judgements: Judgements | None) -> float:
        t0 = time.perf_counter()
        for q in queries:
            resolver.resolve(q, judgements=judgements)
        return len(queries) / (time.perf_counter() - t0)

    rate(None)  # warm the caches
    plain = statistics.median(rate(None) for _ in range(3))
    judged = statistics.median(rate(loaded) for _ in range(3))
    out = {"machine": machine(), "judgements": len(loaded), "conflicts": len(loaded.conflicts),
           "errors": len(loaded.errors), "load_seconds_median": load,
           "append_seconds_each": append_each, "resolve_per_s": plain,
           "resolve_per_s_with_judgements": judged, "ratio": judged / plain}
    print(f"{len(loaded):,} judgements ({len(loaded.conflicts)} conflicting pairs) load in "
          f"{load:.3f} s (median of 5; aim < 1 s); append {append_each * 1e3:.2f} ms each")
    print(f"resolver: {plain:,.0f} queries/s without, {judged:,.0f} with them "
          f"(ratio {judged / plain:.2f})")
    if args.save:
        print(f"saved {save('judgements', out)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
