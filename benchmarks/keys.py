"""Key agreement on the seeds' own name variants, and normalisation throughput.

    python benchmarks/keys.py

1. For every set of spellings that the seed articles use for one name part
   (Muttaqi/Muttaki/Mottaki, Nangahar/Nangarhar, ...; taken from the reference dataset),
   the share of spelling pairs that get identical keys: aliaskit's key with and without
   the variant table, jellyfish Metaphone and NYSIIS.
2. Normalisation throughput (names/s, median of 5 runs) against unidecode + lower-case,
   measured in the same run on the names of the labelled pairs.
"""

from __future__ import annotations

import itertools

import jellyfish
from _common import load_pairs, machine, median_rate, save
from unidecode import unidecode

import aliaskit
from aliaskit import _keys, _parsing

# Spelling sets of one name part as the seeds write them (see docs/data.md).
SEED_VARIANTS = [
    ["Muttaqi", "Muttaki", "Mottaki"],
    ["Nangahar", "Nangarhar"],
    ["Sigbatullah", "Sajbatullah"],
    ["Hasmuddin", "Husamuddin"],
    ["Nazari", "Nazary"],
    ["Massoud", "Masoud"],
    ["Ahmad", "Ahmed"],
]


def share(fn) -> float:  # type: ignore[no-untyped-def]
    pairs = [p for group in SEED_VARIANTS for p in itertools.combinations(group, 2)]
    return sum(fn(a) == fn(b) for a, b in pairs) / len(pairs)


def main() -> None:
    def rules_only(name: str) -> str:
        return " ".join(_keys.rule_key(p.text) for p in aliaskit.name_parts(name) if p.is_identity)

    def first_metaphone(name: str) -> str:
        return jellyfish.metaphone(unidecode(name).lower())

    def first_nysiis(name: str) -> str:
        return jellyfish.nysiis(unidecode(name).lower())

    results = {
        "aliaskit key (variant table + rules)": share(aliaskit.phonetic_key),
        "aliaskit key (rules only)": share(rules_only),
        "jellyfish metaphone": share(first_metaphone),
        "jellyfish nysiis": share(first_nysiis),
    }
    pairs = sum(len(list(itertools.combinations(g, 2))) for g in SEED_VARIANTS)
    print(f"seed spelling pairs with identical keys ({pairs} pairs):")
    for name, value in results.items():
        print(f"  {name:<40} {value:.3f}")

    names = sorted({r["name1"] for r in load_pairs()} | {r["name2"] for r in load_pairs()})

    def baseline() -> int:
        for n in names:
            unidecode(n).lower()
        return len(names)

    def ours_cold() -> int:
        for n in names:
            aliaskit.normalize(n)
        return len(names)

    def ours_warm() -> int:
        for n in names:
            aliaskit.normalize(n)
        return len(names)

    aliaskit.normalize("warm up the data tables")
    speed = {
        "unidecode + lower": median_rate(baseline),
        "aliaskit.normalize (cold word cache)":
            median_rate(ours_cold, setup=_parsing._word_forms.cache_clear),
        "aliaskit.normalize (warm word cache)": median_rate(ours_warm),
    }
    print(f"\nnormalisation throughput on {len(names)} names (median of 5):")
    for name, rate in speed.items():
        print(f"  {name:<40} {rate:>10,.0f} names/s  {rate / speed['unidecode + lower']:.3f}x baseline")
    save("keys", {"machine": machine(), "key_agreement": results, "normalize_names_per_second": speed})


if __name__ == "__main__":
    main()
