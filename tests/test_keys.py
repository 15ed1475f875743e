from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import load_csv
from hypothesis import given, settings
from hypothesis import strategies as st

from aliaskit import DataFileError, metaphone_key, nysiis_key, phonetic_key, variant_group

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


# Rules of every kind of step: letters between lookarounds (a substring test first),
# one-group references (a method call on the match), an optional group, a template that
# is more than a reference, inline flags, and a run behind one guard.
OTHER_RULES = [
    (r"(?<=[ae])w(?=[^aeiou]|$)", "U"), (r"q", "k"), (r"(?i)w", "v"), (r"([a-z])\1+", r"\1"),
    (r"(x)?a(b)", r"\g<2>"), (r"(x)?a", r"\1"), (r"(k)(h)", r"\2-\1"), (r"^y", "Y"),
    (r"(?<=[aeiou])h(?=[aeiou]|$)", ""), (r"b", "B"), (r"z(?=z)", "Z"),
]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="aehkqwxyzbW", min_size=1, max_size=12))
def test_rewrite_steps_equal_other_rules_in_order(word: str) -> None:
    import re

    from aliaskit import _data
    from aliaskit._parsing import _rewrite

    rules = _data.RewriteRules(tuple((re.compile(p), r) for p, r in OTHER_RULES))
    expected = word
    for pattern, replacement in rules.rules:
        expected = pattern.sub(replacement, expected)
    assert _rewrite(rules, word) == expected


def test_generated_fold_table_is_up_to_date() -> None:
    from aliaskit import _data
    from aliaskit._scoring import _fold_table_text

    assert (_data.data_dir() / _data.FOLD_TABLE).read_text(encoding="utf-8") == _fold_table_text()
    assert _data.fold_table()  # made with the current fold rules, so it is used


def test_fold_table_of_other_rules_is_ignored_and_reported(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from aliaskit import _check, _data

    for path in _data.data_dir().iterdir():
        shutil.copy(path, tmp_path / path.name)
    with (tmp_path / "fold.txt").open("a", encoding="utf-8") as handle:
        handle.write("zz => Z\n")  # the table's rules are no longer fold.txt's
    monkeypatch.setattr(_data, "data_dir", lambda: tmp_path)
    _data.fold_table.cache_clear()
    try:
        assert _data.fold_table() == {}
        assert any("run `aliaskit data build`" in p for p in _check.check_all())
        (tmp_path / _data.FOLD_TABLE).write_text("no header\n", encoding="utf-8")
        _data.fold_table.cache_clear()
        with pytest.raises(DataFileError, match="sha256"):
            _data.fold_table()
    finally:
        _data.fold_table.cache_clear()


def test_fold_readings_are_data_and_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from aliaskit import _data
    from aliaskit._scoring import _fold_spelling

    assert _data.fold_readings()["E"] == ("a", "i")
    # kh is read as kh and as the h of Russian romanisations; each reading is kept.
    assert set(_fold_spelling("tekheran")) == {"taxaran", "tixiran", "taharan", "tihiran"}
    for path in _data.data_dir().iterdir():
        shutil.copy(path, tmp_path / path.name)
    with (tmp_path / "fold.txt").open("a", encoding="utf-8") as handle:
        handle.write("@X => h\n")  # one reading is no choice
    monkeypatch.setattr(_data, "data_dir", lambda: tmp_path)
    _data.fold_readings.cache_clear()
    try:
        with pytest.raises(DataFileError, match=r"fold\.txt.*@SYMBOL"):
            _data.fold_readings()
    finally:
        _data.fold_readings.cache_clear()
