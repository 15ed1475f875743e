from __future__ import annotations

import pytest
from conftest import load_csv
from hypothesis import given, settings
from hypothesis import strategies as st

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


@settings(max_examples=500, deadline=None)
@given(st.one_of(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=14),
    st.sampled_from(["abdullah", "sibghatullah", "nasiruddin", "rezazadeh", "ahmadinejad",
                     "mohammadpour", "abdulqahar", "mawlawi", "shahwali", "kohi", "allah",
                     "abdrahman", "zzz", "abdd", "ullah"]),
))
def test_rewrite_steps_equal_the_rules_in_order(word: str) -> None:
    # The rules are applied as cheaper steps (substring tests, one guard search for a run
    # of expressions); the result must be that of every rule's regex pass in order.
    from aliaskit import _data
    from aliaskit._parsing import _rewrite

    for rules in (_data.fold_rules(), _data.key_rules()):
        expected = word
        for pattern, replacement in rules.rules:
            expected = pattern.sub(replacement, expected)
        assert _rewrite(rules, word) == expected
