"""Screening throughput: names/s of `screen` with 1 and 2 workers, and the plain loop.

    python benchmarks/screen.py                          # 100,000 names, 1M aliases
    python benchmarks/screen.py --aliases 100000 --names 10000

The gazetteer and the names are benchmarks/resolve.py's (attested name parts, queries
made by respelling, dropping, reordering, ...). In one process: the resolver is built
once; then, over the same names, (a) the plain resolver loop (``resolve(name, limit=5)``
for each name, what a user's script would do), (b) aliaskit._screen.screen_records with
one worker and (c) with two (forked after the build, sharing the index). Each of (b) and
(c) produces every record (hits, parts, explanations) as JSON; their outputs must be
identical. Prints names/s and the ratios to one worker (the machine may be shared:
ratios from the same run are the figure to quote). Each run starts from cold comparison
caches.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import sys
import time

from _common import clear_comparison_caches
from resolve import SEED, make_gazetteer, make_queries

from aliaskit import Entity, Resolver
from aliaskit._screen import screen_records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--aliases", type=int, default=1_000_000)
    parser.add_argument("--names", type=int, default=100_000)
    args = parser.parse_args()
    rng = random.Random(SEED)
    gazetteer = make_gazetteer(args.aliases, rng)
    names = [q for q, _, _ in make_queries(gazetteer, args.names, rng)]
    while len(names) < args.names:  # more names than entities: repeat with other spellings
        names += [q for q, _, _ in make_queries(gazetteer, args.names - len(names), rng)]
    start = time.perf_counter()
    resolver = Resolver(Entity(id=e["id"], name=e["name"], kind=e["kind"], aliases=e["aliases"])
                        for e in gazetteer)
    print(f"{resolver.alias_count:,} aliases ({len(resolver):,} entities) built in "
          f"{time.perf_counter() - start:.1f} s; {len(names):,} names", flush=True)
    rows = [(i, n, n, None, None, None) for i, n in enumerate(names, start=1)]
    options = {"limit": 5, "profile": "default", "threshold": None, "kind": None}

    clear_comparison_caches()
    start = time.perf_counter()
    for name in names:
        resolver.resolve(name, limit=5)
    plain = len(names) / (time.perf_counter() - start)
    print(f"plain resolver loop      {plain:>8,.0f} names/s", flush=True)

    results = {}
    for workers in (1, 2):
        clear_comparison_caches()  # each run from cold caches (forked workers inherit them)
        load = os.getloadavg()[0]
        before = os.times()
        start = time.perf_counter()
        digest = hashlib.sha256()
        count = 0
        for text, _ in screen_records(resolver, rows, options, workers):
            digest.update(text.encode())
            count += 1
        rate = len(names) / (time.perf_counter() - start)
        after = os.times()
        assert count == len(names)
        results[workers] = (rate, digest.hexdigest())
        # CPU seconds of this process and of the workers: when the workers' total is about
        # one worker's, a ratio under 2 is the machine's other load (given before the run).
        own = after.user + after.system - before.user - before.system
        children = (after.children_user + after.children_system
                    - before.children_user - before.children_system)
        print(f"screen, {workers} worker(s)       {rate:>8,.0f} names/s  (CPU s: this process "
              f"{own:.1f}, workers {children:.1f}; load average before {load:.1f})", flush=True)
    one, two = results[1][0], results[2][0]
    print(f"2 workers / 1 worker: {two / one:.2f}x; 1 worker / plain loop: {one / plain:.2f}x; "
          f"identical output: {results[1][1] == results[2][1]}")
    if results[1][1] != results[2][1]:
        sys.exit("outputs differ")


if __name__ == "__main__":
    main()
