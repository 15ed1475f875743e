"""Time and memory of aliaskit.link() on long, unusual texts (issue 17).

    python benchmarks/link_stress.py [--sizes 64,256,1024]

Texts made of one name repeated (Latin "Muttaqi ", Perso-Arabic "متقی ", a full name
"Amir Khan Muttaqi "), and invented Persian prose without full stops (one run of
Perso-Arabic words as long as the text), at each size in KB. Each (text, size) runs in a
fresh process after a warm-up call (the bundled resolver is loaded): the wall time of
one link() call, the growth of the process's peak resident memory during it
(ru_maxrss), and the peak of Python allocations in a second call under tracemalloc.
The last column is time per KB relative to the smallest size of the same text (1.0:
linear). Writes benchmarks/results/link_stress.json.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import tracemalloc

from _common import machine, save

import aliaskit

PROSE = ("وزیر امور خارجه امیر خان متقی روز دوشنبه در کابل با احمد مسعود دیدار کرد و "
         "درباره وضعیت ولایت هرات و پنجشیر و روابط با جمهوری اسلامی ایران گفتگو کردند ")
TEXTS = {
    "Muttaqi x n": "Muttaqi ",
    "متقی x n": "متقی ",
    "Amir Khan Muttaqi x n": "Amir Khan Muttaqi ",
    "Persian prose, no full stops": PROSE,
}


def make(kind: str, kb: int) -> str:
    unit = TEXTS[kind]
    size = kb * 1024
    return unit * max(1, size // len(unit.encode("utf-8")))


def one(kind: str, kb: int) -> dict[str, float]:
    aliaskit.link("Amir Khan Muttaqi met Ahmad Massoud in Kabul. امیر خان متقی")  # warm-up
    text = make(kind, kb)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    found = aliaskit.link(text)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    del found
    tracemalloc.start()
    found = aliaskit.link(text)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"kb": len(text.encode("utf-8")) / 1024, "mentions": len(found), "seconds": seconds,
            "rss_growth_mb": (after - before) / 1024, "traced_peak_mb": peak / 2**20}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="64,256,1024")
    parser.add_argument("--one", nargs=2, metavar=("KIND", "KB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one[0], int(args.one[1]))))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    report: dict[str, object] = {"machine": machine()}
    print(f"{'text':32} {'KB':>6} {'mentions':>9} {'seconds':>8} {'RSS +MB':>8} "
          f"{'traced MB':>9} {'s/KB ratio':>10}")
    for kind in TEXTS:
        rows = []
        for kb in sizes:
            out = subprocess.run([sys.executable, __file__, "--one", kind, str(kb)],
                                 capture_output=True, text=True, check=True)
            row = json.loads(out.stdout)
            rows.append(row)
            ratio = (row["seconds"] / row["kb"]) / (rows[0]["seconds"] / rows[0]["kb"])
            print(f"{kind:32} {row['kb']:6.0f} {row['mentions']:9,} {row['seconds']:8.2f} "
                  f"{row['rss_growth_mb']:8.0f} {row['traced_peak_mb']:9.0f} {ratio:10.2f}",
                  flush=True)
        report[kind] = rows
    save("link_stress", report)


if __name__ == "__main__":
    main()
