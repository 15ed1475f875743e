"""Importer throughput: a generated file of each list format, read by read_gazetteer.

    python benchmarks/importers.py              # 1,000,000 rows of each format
    python benchmarks/importers.py --rows 100000 --formats ofac,un

Each file is generated in a temporary directory (invented names: random syllables), then
read in a fresh subprocess with ``errors=`` collecting problems (there are none); the
subprocess reports rows/s and its peak resident memory (ru_maxrss), which includes the
interpreter and aliaskit's data tables (the baseline printed first: the same subprocess
importing aliaskit and reading nothing).
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

SYLLABLES = ["ka", "ro", "zan", "ti", "mur", "lo", "ve", "dra", "sel", "qu", "no", "bar",
             "fen", "dal", "is", "ur", "tov", "mi", "gor", "han"]


def _name(rng: random.Random, words: int = 2) -> str:
    return " ".join("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).title()
                    for _ in range(words))


def write_ftm(path: Path, rows: int, rng: random.Random) -> Path:
    out = path / "entities.ftm.json"
    with out.open("w", encoding="utf-8") as h:
        for i in range(rows):
            props = {"name": [_name(rng)], "alias": [_name(rng)], "weakAlias": [_name(rng, 1)],
                     "birthDate": [f"{rng.randint(1940, 2000)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"],
                     "nationality": ["xx"]}
            h.write(json.dumps({"id": f"p{i}", "schema": "Person", "properties": props,
                                "datasets": ["bench"]}) + "\n")
    return out


def write_ofac(path: Path, rows: int, rng: random.Random) -> Path:
    with (path / "sdn.csv").open("w", encoding="utf-8") as sdn, \
            (path / "alt.csv").open("w", encoding="utf-8") as alt, \
            (path / "add.csv").open("w", encoding="utf-8") as add:
        for i in range(rows):
            surname, given = _name(rng, 1).upper(), _name(rng, 1)
            sdn.write(f'{i},"{surname}, {given}","individual","BENCH","-0- ","-0- ","-0- ","-0- ",'
                      f'"-0- ","-0- ","-0- ","DOB {rng.randint(1940, 2000)}; nationality Xland."\n')
            alt.write(f'{i},{i},"aka","{_name(rng, 1).upper()}, {given}","-0- "\n')
            add.write(f'{i},{i},"-0- ","City","Xland","-0- "\n')
    return path / "sdn.csv"


def write_un(path: Path, rows: int, rng: random.Random) -> Path:
    out = path / "consolidated.xml"
    with out.open("w", encoding="utf-8") as h:
        h.write('<?xml version="1.0" encoding="UTF-8"?>\n<CONSOLIDATED_LIST>\n<INDIVIDUALS>\n')
        for i in range(rows):
            first, second = _name(rng, 1).upper(), _name(rng, 1).upper()
            h.write(f"<INDIVIDUAL>\n<DATAID>{i}</DATAID>\n<FIRST_NAME>{first}</FIRST_NAME>\n"
                    f"<SECOND_NAME>{second}</SECOND_NAME>\n<REFERENCE_NUMBER>B.{i}</REFERENCE_NUMBER>\n"
                    f"<NATIONALITY><VALUE>Xland</VALUE></NATIONALITY>\n"
                    f"<INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>{_name(rng)}</ALIAS_NAME>"
                    f"</INDIVIDUAL_ALIAS>\n<INDIVIDUAL_DATE_OF_BIRTH><YEAR>{rng.randint(1940, 2000)}"
                    "</YEAR></INDIVIDUAL_DATE_OF_BIRTH>\n</INDIVIDUAL>\n")
        h.write("</INDIVIDUALS>\n</CONSOLIDATED_LIST>\n")
    return out


def write_geonames(path: Path, rows: int, rng: random.Random) -> Path:
    out = path / "XX.txt"
    with out.open("w", encoding="utf-8") as h, \
            (path / "alternateNamesV2.txt").open("w", encoding="utf-8") as alt:
        for i in range(rows):
            name = _name(rng)
            h.write("\t".join([str(i), name, name, _name(rng), "1", "2", "P", "PPL", "XX", "", "01",
                               "", "", "", "100", "", "10", "Asia/X", "2026-01-01"]) + "\n")
            alt.write("\t".join([str(i), str(i), "en", _name(rng), "", "", "", "", "", ""]) + "\n")
    return out


WRITERS = {"ftm": write_ftm, "ofac": write_ofac, "un": write_un, "geonames": write_geonames}

READ = """
import json, resource, sys, time
import aliaskit
path, fmt = sys.argv[1], sys.argv[2]
problems = []
start = time.perf_counter()
count = 0
if fmt != "none":
    for _ in aliaskit.iter_gazetteer(path, format=fmt, errors=problems.append):
        count += 1
seconds = time.perf_counter() - start
print(json.dumps({"entities": count, "problems": len(problems), "seconds": seconds,
                  "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure(path: Path | str, fmt: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", READ, str(path), fmt], capture_output=True,
                         text=True, check=True).stdout
    return json.loads(out.splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--formats", default=",".join(WRITERS))
    args = parser.parse_args()
    base = measure("-", "none")
    print(f"baseline (import aliaskit, read nothing): peak RSS {base['maxrss_mb']:.0f} MB")
    print(f"{'format':<9} {'rows':>10} {'entities':>10} {'seconds':>8} {'rows/s':>9} {'peak MB':>8}")
    for fmt in args.formats.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            path = WRITERS[fmt](Path(tmp), args.rows, random.Random(7))
            r = measure(path, fmt)
        assert r["entities"] == args.rows and r["problems"] == 0, r
        print(f"{fmt:<9} {args.rows:>10,} {r['entities']:>10,.0f} {r['seconds']:>8.1f} "
              f"{args.rows / r['seconds']:>9,.0f} {r['maxrss_mb']:>8.0f}", flush=True)


if __name__ == "__main__":
    main()
