"""aliaskit.spark.resolve_column on local[2] against single-process resolve_many.

    python benchmarks/spark_resolve.py                 # 1M rows, 100k-alias gazetteer
    python benchmarks/spark_resolve.py --rows 200000

Rows are mentions drawn (with repeats, as in real text) from 20,000 distinct query names
made as in benchmarks/resolve.py. Both sides resolve the same rows against the same
gazetteer in the same run; Spark session start-up is reported separately. Writes
benchmarks/results/spark_resolve.json.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time

import resolve as scale
from _common import machine, save

import aliaskit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--aliases", type=int, default=100_000)
    parser.add_argument("--distinct", type=int, default=20_000)
    args = parser.parse_args()
    rng = random.Random(scale.SEED)
    entities = scale.make_gazetteer(args.aliases, rng)
    queries = [q for q, _, _ in scale.make_queries(entities, args.distinct, rng)]
    rows = [rng.choice(queries) for _ in range(args.rows)]
    start = time.perf_counter()
    resolver = aliaskit.Resolver(aliaskit.Entity(id=e["id"], name=e["name"], kind=e["kind"],
                                                 aliases=e["aliases"]) for e in entities)
    build = time.perf_counter() - start

    start = time.perf_counter()
    single = resolver.resolve_many(rows, limit=1)
    single_seconds = time.perf_counter() - start

    os.environ["PYSPARK_PYTHON"] = os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession

    from aliaskit.spark import resolve_column

    start = time.perf_counter()
    spark = (SparkSession.builder.master("local[2]").appName("aliaskit-bench")
             .config("spark.ui.enabled", "false").config("spark.driver.memory", "4g")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    startup = time.perf_counter() - start
    df = spark.createDataFrame([(i, n) for i, n in enumerate(rows)], "row LONG, name STRING")
    df = df.repartition(4).cache()
    df.count()
    start = time.perf_counter()
    out = resolve_column(df, "name", resolver=resolver).select("row", "name_entity.id").collect()
    spark_seconds = time.perf_counter() - start
    spark.stop()

    got = {r["row"]: r["id"] for r in out}
    same = sum(1 for i, result in enumerate(single)
               if (result[0].entity.id if isinstance(result, list) and result else None) == got[i])
    report = {
        "machine": machine(), "rows": args.rows, "distinct_names": len(set(rows)),
        "aliases": resolver.alias_count, "build_seconds": build,
        "single_process_rows_per_second": args.rows / single_seconds,
        "spark_startup_seconds": startup,
        "spark_rows_per_second": args.rows / spark_seconds,
        "identical_results": same / args.rows,
    }
    print(f"{args.rows:,} rows ({report['distinct_names']:,} distinct) against "
          f"{resolver.alias_count:,} aliases (built in {build:.1f} s)")
    print(f"  single process resolve_many: {report['single_process_rows_per_second']:,.0f} rows/s")
    print(f"  Spark local[2] resolve_column: {report['spark_rows_per_second']:,.0f} rows/s "
          f"(session start-up {startup:.1f} s, not included)")
    print(f"  results identical on {report['identical_results']:.4f} of rows")
    print(f"wrote {save('spark_resolve', report)}")


if __name__ == "__main__":
    main()
