"""Saved indexes: build, save and load times, file size, and delta updates of 1% against
a rebuild, in memory and on file.

    python benchmarks/index_update.py                      # 100,000 entities, 3 runs
    python benchmarks/index_update.py --entities 420000 --repeats 1   # about 1M names

The list is benchmarks/resolve.py's generated gazetteer (attested name parts and their
spellings; about 2.4 names per entity), cut to --entities entities, written as JSON Lines
as `aliaskit index build` reads it. Each run, in one process:

- build: read the list and index it (what `index build` does before writing), then
  save (the file); load it back, in this process and in a fresh one (whose peak
  memory, ru_maxrss, is the load's own);
- three deltas of 1% of the entities: add 1% new entities; remove 1%; both at once.
  "file update" is what `aliaskit index update` does (aliaskit._index.update_file:
  read the ids, append a delta segment), then the load of the updated file (which
  replays the segment); "update in memory" is update_index on a loaded index;
- the rebuild they replace: index the resulting list from scratch (Resolver(entities));
  for files, reading the list, indexing it and saving (what `index build` does).

Prints the median of the runs for each step, and ratios measured in the same process
(the machine is shared: the ratios are the figures to quote). The first run checks
that each updated file answers like the rebuilt index (resolve() over sample queries)
and, compacted, is the file the rebuild writes.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from resolve import SEED, make_gazetteer, make_queries

from aliaskit import Entity, Resolver
from aliaskit._index import compact_file, update_file, update_index

# The peak resident memory of the load: Linux's VmHWM, reset first (a child's
# ru_maxrss starts from its parent's size at the fork).
LOAD = """
import resource, sys, time
from pathlib import Path
from aliaskit import Resolver
try:
    Path("/proc/self/clear_refs").write_text("5")
except OSError:
    pass
start = time.perf_counter()
index = Resolver.load(sys.argv[1])
seconds = time.perf_counter() - start
try:
    status = Path("/proc/self/status").read_text().split("VmHWM:")[1].split()[0]
except (OSError, IndexError):
    status = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(seconds, status)
"""


def entities_of(gazetteer: list[dict[str, object]], prefix: str = "") -> list[Entity]:
    return [Entity(id=prefix + str(e["id"]), name=str(e["name"]), kind=e["kind"],  # type: ignore[arg-type]
                   aliases=e["aliases"]) for e in gazetteer]  # type: ignore[arg-type]


def timed(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    value = fn(*args, **kwargs)
    return value, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entities", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--queries", type=int, default=500)
    args = parser.parse_args()
    rng = random.Random(SEED)
    pool = make_gazetteer(int(args.entities * 2.6), rng)
    base_raw, extra_raw = pool[:args.entities], pool[args.entities:]
    delta = max(1, args.entities // 100)
    assert len(extra_raw) >= delta, "not enough generated entities for the additions"
    base = entities_of(base_raw)
    new = entities_of(extra_raw[:delta], prefix="new-")
    gone = [e.id for e in rng.sample(base, delta)]
    gone_set = set(gone)
    kept = [e for e in base if e.id not in gone_set]
    deltas = {
        "add 1%": ({"add": new, "remove": []}, [*base, *new]),
        "remove 1%": ({"add": [], "remove": gone}, kept),
        "add+remove 1%": ({"add": new, "remove": gone}, [*kept, *new]),
    }
    queries = [q for q, _, _ in make_queries(base_raw + extra_raw[:delta], args.queries, rng)]
    times: dict[str, list[float]] = {}

    def note(step: str, seconds: float) -> None:
        times.setdefault(step, []).append(seconds)

    peaks: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        listing = Path(tmp) / "list.jsonl"
        import json

        with listing.open("w", encoding="utf-8") as handle:
            for e in base_raw:
                handle.write(json.dumps({k: e[k] for k in ("id", "name", "kind", "aliases")},
                                        ensure_ascii=False) + "\n")
        index = Path(tmp) / "list.idx"
        size = 0
        for run in range(args.repeats):
            from aliaskit import read_gazetteer

            entities, seconds = timed(read_gazetteer, listing)
            note("read list", seconds)
            built, seconds = timed(Resolver, entities)
            note("build (index the list)", seconds)
            _, seconds = timed(built.save, index)
            note("save", seconds)
            size = index.stat().st_size
            aliases = built.alias_count
            del built, entities
            out = subprocess.run([sys.executable, "-c", LOAD, str(index)], check=True,
                                 capture_output=True, text=True, env=os.environ).stdout.split()
            note("load (fresh process)", float(out[0]))
            peaks.append(int(out[1]) / 1024)
            _, seconds = timed(Resolver.load, index)
            note("load", seconds)
            for name, (change, result) in deltas.items():
                updated = Path(tmp) / "updated.idx"
                shutil.copyfile(index, updated)
                _, seconds = timed(update_file, updated, **change)
                note(f"file update {name}", seconds)
                reloaded, seconds = timed(Resolver.load, updated)
                note(f"load updated {name}", seconds)
                loaded = Resolver.load(index)
                _, seconds = timed(update_index, loaded, **change)
                note(f"delta {name}", seconds)
                del loaded
                rebuilt, seconds = timed(Resolver, result)
                note(f"rebuild {name}", seconds)
                again = Path(tmp) / "rebuilt.idx"
                _, seconds = timed(rebuilt.save, again)
                note(f"save rebuilt {name}", seconds)
                if run == 0:
                    same = all(reloaded.resolve(q) == rebuilt.resolve(q) for q in queries)
                    compact_file(updated)
                    same_file = updated.read_bytes() == again.read_bytes()
                    print(f"{name}: updated file answers like the rebuilt index over "
                          f"{len(queries)} queries: {same}; compacted, the same file: "
                          f"{same_file}", flush=True)
                    assert same and same_file
                del reloaded, rebuilt
            print(f"run {run + 1} done", flush=True)

    median = {step: statistics.median(values) for step, values in times.items()}
    build = median["build (index the list)"]
    print(f"\n{args.entities:,} entities, {aliases:,} names; {delta:,} entities a delta; "
          f"median of {args.repeats} runs; index file {size:,} bytes "
          f"({size / aliases:.0f} bytes a name); {os.cpu_count()} CPUs")
    for step in ("read list", "build (index the list)", "save", "load", "load (fresh process)"):
        print(f"  {step:<34} {median[step]:>8.2f} s")
    print(f"  build / load: {build / median['load']:.1f}x (fresh process: "
          f"{build / median['load (fresh process)']:.1f}x); peak memory of a fresh load "
          f"{statistics.median(peaks):,.0f} MB, of this process "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")
    print(f"  {'delta':<16} {'in memory':>9} {'rebuild':>8} {'speed-up':>9}   "
          f"{'file update':>11} {'index build':>11} {'speed-up':>9}   {'load updated':>12}")
    for name in deltas:
        update, rebuild = median[f"delta {name}"], median[f"rebuild {name}"]
        file_update = median[f"file update {name}"]
        file_rebuild = median["read list"] + rebuild + median[f"save rebuilt {name}"]
        print(f"  {name:<16} {update:>8.3f}s {rebuild:>7.2f}s {rebuild / update:>8.1f}x   "
              f"{file_update:>10.3f}s {file_rebuild:>10.2f}s {file_rebuild / file_update:>8.1f}x"
              f"   {median[f'load updated {name}']:>11.2f}s")


if __name__ == "__main__":
    main()
