from __future__ import annotations

import pytest
from conftest import load_csv

from aliaskit import metaphone_key, nysiis_key, phonetic_key, variant_group

GROUPS = load_csv("key_groups.csv")
DISTINCT = load_csv("key_distinct.csv")


@pytest.mark.parametrize("case", GROUPS, ids=[c["group"] for c in GROUPS])
def test_spellings_share_a_key(case: dict[str, str]) -> None:
    spellings = case["spellings"].split("|")
    keys = {s: phonetic_key(s) for s in spellings}
    assert len(set(keys.values())) == 1, keys


@pytest.mark.parametrize("case", DISTINCT, ids=[c["note"] + ": " + c["a"] for c in DISTINCT])
def test_different_names_get_different_keys(case: dict[str, str]) -> None:
    assert phonetic_key(case["a"]) != phonetic_key(case["b"])


def test_key_skips_titles_and_connectors() -> None:
    assert phonetic_key("Mullah Amir Khan Muttaqi") == phonetic_key("Amir Khan Muttaqi")
    assert phonetic_key("Hezb-i Islami") == phonetic_key("Hizb-e-Islami")


def test_variant_group_lookup() -> None:
    assert variant_group("mottaki") == variant_group("muttaqi") is not None
    assert variant_group("zzzqqq") is None


def test_jellyfish_keys_are_exposed() -> None:
    assert metaphone_key("Muttaqi") == metaphone_key("Mottaki")
    assert nysiis_key("Karzai")
