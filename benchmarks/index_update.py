"""Saved indexes: build time and file size, and delta updates of 1% against a rebuild.

    python benchmarks/index_update.py                      # 100,000 entities, 3 runs
    python benchmarks/index_update.py --entities 20000 --repeats 5

The list is benchmarks/resolve.py's generated gazetteer (attested name parts and their
spellings; about 2.4 names per entity), cut to --entities entities, written as JSON Lines
as `aliaskit index build` reads it. Each run, in one process:

- build: read the list and index it (what `index build` does before writing), then
  save (the file), then load it back;
- three deltas of 1% of the entities, each applied to a freshly loaded index
  (aliaskit._index.update_index): add 1% new entities; remove 1%; both at once;
- the rebuild they replace: index the resulting list from scratch (Resolver(entities));
  for files, reading the list, indexing it and saving (what `index build` does).

Prints the median of the runs for each step, and ratios against the rebuild measured in
the same process (the machine is shared: the ratios are the figures to quote). "file"
figures include what `index update` does around the delta (load, then save) against a
rebuild that saves too. The first run checks that each updated index answers like the
rebuilt one (resolve() over sample queries) and that the saved files are identical.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from resolve import SEED, make_gazetteer, make_queries

from aliaskit import Entity, Resolver
from aliaskit._index import update_index


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
            del built
            _, seconds = timed(Resolver.load, index)
            note("load", seconds)
            for name, (change, result) in deltas.items():
                loaded, seconds = timed(Resolver.load, index)
                note("load", seconds)
                _, seconds = timed(update_index, loaded, **change)
                note(f"delta {name}", seconds)
                out = Path(tmp) / "updated.idx"
                _, seconds = timed(loaded.save, out)
                note(f"save {name}", seconds)
                rebuilt, seconds = timed(Resolver, result)
                note(f"rebuild {name}", seconds)
                if run == 0:
                    again = Path(tmp) / "rebuilt.idx"
                    rebuilt.save(again)
                    same_file = out.read_bytes() == again.read_bytes()
                    same = all(loaded.resolve(q) == rebuilt.resolve(q) for q in queries)
                    print(f"{name}: updated index answers like the rebuilt one over "
                          f"{len(queries)} queries: {same}; same file: {same_file}", flush=True)
                    assert same and same_file
                del loaded, rebuilt
            print(f"run {run + 1} done", flush=True)

    median = {step: statistics.median(values) for step, values in times.items()}
    print(f"\n{args.entities:,} entities, {aliases:,} names; {delta:,} entities a delta; "
          f"median of {args.repeats} runs; index file {size:,} bytes "
          f"({size / aliases:.0f} bytes a name); {os.cpu_count()} CPUs")
    for step in ("read list", "build (index the list)", "save", "load"):
        print(f"  {step:<34} {median[step]:>8.2f} s")
    print(f"  load / build: {median['load'] / median['build (index the list)']:.2f}x")
    print(f"  {'delta':<16} {'update s':>9} {'rebuild s':>10} {'speed-up':>9}   "
          f"{'file: load+update+save':>23} {'read+rebuild+save':>18} {'speed-up':>9}")
    for name in deltas:
        update, rebuild = median[f"delta {name}"], median[f"rebuild {name}"]
        file_update = median["load"] + update + median[f"save {name}"]
        file_rebuild = median["read list"] + rebuild + median["save"]
        print(f"  {name:<16} {update:>9.3f} {rebuild:>10.2f} {rebuild / update:>8.1f}x   "
              f"{file_update:>23.2f} {file_rebuild:>18.2f} {file_rebuild / file_update:>8.2f}x")


if __name__ == "__main__":
    main()
