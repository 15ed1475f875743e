"""Scale benchmark of aliaskit.Resolver against brute-force rapidfuzz.

    python benchmarks/resolve.py                 # 10k, 100k and 1M aliases
    python benchmarks/resolve.py --sizes 10000   # one size

Gazetteers are composed from attested name parts (data/variants.txt): person names of
one or two given names and a family or tribal name, place and organisation names from
place and organisation words. Each entity has its canonical name plus one or two
aliases that swap in other attested spellings of its parts. Queries are made from
entities by swapping in another attested spelling of a part, dropping or adding a
middle name or a title, reordering, joining or splitting a compound, or writing the
name in Perso-Arabic script. Each size runs in its own process so that peak memory is
its own. Queries/s is the median of --runs runs of --queries distinct queries, each run
from cold comparison caches. Prints build time, peak memory, queries/s, recall@1 and
recall@5 for aliaskit and for brute force (rapidfuzz.process.extractOne with
token_sort_ratio on unidecode'd, lower-cased names; a sample of queries at large sizes).
Writes benchmarks/results/resolve.json.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from typing import Any

from _common import machine, save

SEED = 20260122
COMPOUND = re.compile(r"(?i)^.{3,}?((?:u|o|a)ll?ah|(?:u|o|e)dd?in|zadeh?|zai)$|^(abdul|abdur|abd)[a-z ]{3,}")
TITLES = ["Mullah", "Haji", "Mawlawi", "Dr", "Commander", "General", "Sheikh", "Qari"]


def _groups() -> dict[str, list[Any]]:
    from aliaskit import _data

    by_type: dict[str, list[Any]] = {}
    for g in _data.variant_groups():
        by_type.setdefault(g.type, []).append(g)
    return by_type


def make_gazetteer(n_aliases: int, rng: random.Random) -> list[dict[str, Any]]:
    groups = _groups()
    given, family = groups["given"], groups["family"] + groups["tribal"]
    places, orgs = groups["place"], groups["org"]
    entities: list[dict[str, Any]] = []
    seen: set[str] = set()
    count = 0
    while count < n_aliases:
        roll = rng.random()
        if roll < 0.8:
            kind = "person"
            parts = [rng.choice(given)] + ([rng.choice(given)] if rng.random() < 0.5 else []) + [
                rng.choice(family)]
        elif roll < 0.9:
            kind = "place"
            parts = [rng.choice(places)] + ([rng.choice(places)] if rng.random() < 0.5 else [])
        else:
            kind = "org"
            parts = [rng.choice(orgs) for _ in range(rng.randint(2, 3))]
        name = " ".join(g.spellings[0] for g in parts)
        if name in seen:
            continue
        seen.add(name)
        aliases = set()
        for _ in range(rng.randint(1, 2)):
            aliases.add(" ".join(rng.choice(g.spellings) for g in parts))
        aliases.discard(name)
        entities.append({"id": f"e{len(entities)}", "name": name, "kind": kind,
                         "aliases": sorted(aliases), "parts": [g.id for g in parts]})
        count += 1 + len(aliases)
    return entities


def make_queries(entities: Sequence[dict[str, Any]], n: int, rng: random.Random
                 ) -> list[tuple[str, str, str]]:
    from aliaskit import _data

    groups = {g.id: g for g in _data.variant_groups()}
    queries = []
    for entity in rng.sample(list(entities), min(n, len(entities))):
        parts = [groups[p] for p in entity["parts"]]
        spellings = [rng.choice(g.spellings) for g in parts]
        how = rng.choice(["spelling", "drop", "title", "reorder", "join", "script"])
        if how == "drop" and len(spellings) >= 3:
            del spellings[1]
        elif how == "title" and entity["kind"] == "person":
            spellings.insert(0, rng.choice(TITLES))
        elif how == "reorder" and len(spellings) >= 2:
            spellings = [spellings[-1] + ",", *spellings[:-1]]
        elif how == "join" and any(COMPOUND.search(s) for s in spellings):
            # Write a compound the other way: split if joined ("Habib Ullah"), else joined.
            k = next(i for i, s in enumerate(spellings) if COMPOUND.search(s))
            m = COMPOUND.search(spellings[k])
            assert m is not None
            cut = m.start(1) if m.group(1) else m.end(2)
            word = spellings[k]
            spellings[k] = word.replace(" ", "") if " " in word else word[:cut] + " " + word[cut:]
        elif how == "script" and all(g.script_forms for g in parts):
            spellings = [rng.choice(g.script_forms) for g in parts]
        else:
            how = "spelling"
        queries.append((" ".join(spellings), entity["id"], how))
    return queries


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_size(n_aliases: int, n_queries: int, n_brute: int, runs: int) -> dict[str, Any]:
    from rapidfuzz import fuzz, process
    from unidecode import unidecode

    import aliaskit

    rng = random.Random(SEED)
    entities = make_gazetteer(n_aliases, rng)
    queries = make_queries(entities, n_queries * runs, rng)
    objects = [aliaskit.Entity(id=e["id"], name=e["name"], kind=e["kind"], aliases=e["aliases"])
               for e in entities]
    aliaskit.compare("warm up", "the caches")
    before = rss_mb()
    start = time.perf_counter()
    resolver = aliaskit.Resolver(objects)
    build = time.perf_counter() - start
    after = rss_mb()
    result: dict[str, Any] = {
        "aliases": resolver.alias_count, "entities": len(resolver),
        "build_seconds": build, "peak_rss_mb": after,
        "index_bytes_per_alias": (after - before) * 1024 * 1024 / resolver.alias_count,
    }
    import os
    import shutil
    import tempfile

    tmp = tempfile.mkdtemp()
    path = os.path.join(tmp, "index.idx")
    start = time.perf_counter()
    resolver.save(path)
    result["save_seconds"] = time.perf_counter() - start
    result["index_file_mb"] = os.path.getsize(path) / 1e6
    start = time.perf_counter()
    aliaskit.Resolver.load(path)
    result["load_seconds"] = time.perf_counter() - start
    # The brute-force choices, made now so that the generator's dicts can go: a pipeline
    # keeps its resolver, not the rows it was built from (and Python's full garbage
    # collections take longer the more objects are alive).
    choices = []
    owner = []
    for e in entities:
        for name in [e["name"], *e["aliases"]]:
            choices.append(" ".join(unidecode(name).lower().split()))
            owner.append(e["id"])
    del entities, objects

    # Runs of distinct queries, each from cold comparison caches; the median rate counts.
    from _common import clear_comparison_caches

    hits1 = hits5 = 0
    rates = []
    size = len(queries) // runs
    for run in range(runs):
        chunk = queries[run * size : (run + 1) * size]
        clear_comparison_caches()
        start = time.perf_counter()
        for query, truth, _ in chunk:
            ids = [m.entity.id for m in resolver.resolve(query, limit=5, profile="screening")]
            hits1 += bool(ids) and ids[0] == truth
            hits5 += truth in ids
        rates.append(len(chunk) / (time.perf_counter() - start))
    done = size * runs
    result.update(queries=done, runs=runs, queries_per_second=statistics.median(rates),
                  queries_per_second_runs=rates, recall_at_1=hits1 / done,
                  recall_at_5=hits5 / done)

    # The same first run's queries against the saved index, loaded: what `screen --index`
    # starts from. Its entities and keys are decoded as queries first meet them.
    loaded = aliaskit.Resolver.load(path)
    clear_comparison_caches()
    chunk = queries[:size]
    start = time.perf_counter()
    answers = [[m.entity.id for m in loaded.resolve(query, limit=5, profile="screening")]
               for query, _, _ in chunk]
    result["loaded_queries_per_second"] = len(chunk) / (time.perf_counter() - start)
    same = sum(ids == [m.entity.id for m in resolver.resolve(query, limit=5, profile="screening")]
               for ids, (query, _, _) in zip(answers, chunk))
    result["loaded_same_answers"] = f"{same:,} of {len(chunk):,}"
    del loaded
    shutil.rmtree(tmp)

    # Candidate generation recall: is the true entity among the rows the index returns?
    found = 0
    sample = queries[: min(len(queries), 500)]
    for query, truth, _ in sample:
        rows = resolver._query_candidates(query, None)[3]
        found += any(resolver._entities[resolver._rows.entity[r]].id == truth for r in rows)
    result["candidate_recall"] = found / len(sample)

    # Brute force on the same machine, same run.
    sample = queries[:n_brute]
    b1 = 0
    start = time.perf_counter()
    for query, truth, _ in sample:
        best = process.extractOne(" ".join(unidecode(query).lower().split()), choices,
                                  scorer=fuzz.token_sort_ratio)
        b1 += best is not None and owner[best[2]] == truth
    brute_elapsed = time.perf_counter() - start
    result.update(brute_queries=len(sample), brute_queries_per_second=len(sample) / brute_elapsed,
                  brute_recall_at_1=b1 / len(sample))
    b5 = 0
    for query, truth, _ in sample[: min(len(sample), 200)]:
        top = process.extract(" ".join(unidecode(query).lower().split()), choices,
                              scorer=fuzz.token_sort_ratio, limit=5)
        b5 += truth in {owner[i] for _, _, i in top}
    result["brute_recall_at_5"] = b5 / min(len(sample), 200)
    result["speedup_vs_brute"] = result["queries_per_second"] / result["brute_queries_per_second"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=2000, help="queries per timed run")
    parser.add_argument("--runs", type=int, default=3, help="timed runs (median)")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        brute = 1000 if args.child <= 10_000 else (300 if args.child <= 100_000 else 100)
        print(json.dumps(run_size(args.child, args.queries, brute, args.runs)))
        return
    results = []
    for size in args.sizes:
        out = subprocess.run([sys.executable, __file__, "--child", str(size), "--queries",
                              str(args.queries), "--runs", str(args.runs)],
                             capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        results.append(r)
        print(f"{r['aliases']:>9,} aliases: build {r['build_seconds']:.1f} s, "
              f"peak RSS {r['peak_rss_mb']:.0f} MB ({r['index_bytes_per_alias']:.0f} B/alias), "
              f"{r['queries_per_second']:,.0f} q/s (median of {r['runs']} runs of "
              f"{r['queries'] // r['runs']:,} queries), recall@1 {r['recall_at_1']:.3f}, "
              f"recall@5 {r['recall_at_5']:.3f}, candidate recall {r['candidate_recall']:.3f}; "
              f"saved index {r['index_file_mb']:.1f} MB, load {r['load_seconds']:.1f} s, "
              f"{r['loaded_queries_per_second']:,.0f} q/s from the loaded index (first run's "
              f"queries; same answers as built: {r['loaded_same_answers']})")
        print(f"{'':>9}  brute force: {r['brute_queries_per_second']:,.1f} q/s "
              f"({r['brute_queries']} queries), recall@1 {r['brute_recall_at_1']:.3f}, "
              f"recall@5 {r['brute_recall_at_5']:.3f}; aliaskit is "
              f"{r['speedup_vs_brute']:,.0f}x faster", flush=True)
    print(f"wrote {save('resolve', {'machine': machine(), 'results': results})}")


if __name__ == "__main__":
    main()
