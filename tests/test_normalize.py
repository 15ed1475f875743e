from __future__ import annotations

import re

import pytest
from conftest import load_csv, load_json, unescape
from hypothesis import given, settings
from hypothesis import strategies as st

import aliaskit
from aliaskit import AliaskitError, InvalidNameError, name_parts, normalize

NORMALIZE = load_csv("normalize.csv")
PARTS = load_json("name_parts.json")
INVALID = load_csv("invalid_names.csv")


@pytest.mark.parametrize("case", NORMALIZE, ids=[c["note"] for c in NORMALIZE])
def test_normalize_cases(case: dict[str, str]) -> None:
    assert normalize(unescape(case["input"])) == case["expected"]


@pytest.mark.parametrize("case", PARTS, ids=[c["input"] for c in PARTS])
def test_name_parts_cases(case: dict[str, object]) -> None:
    parts = name_parts(str(case["input"]))
    assert [[p.text, p.role] for p in parts] == case["parts"]


@pytest.mark.parametrize("case", INVALID, ids=[c["note"] for c in INVALID])
def test_invalid_names(case: dict[str, str]) -> None:
    with pytest.raises(InvalidNameError, match=case["error"]):
        normalize(unescape(case["input"]))


def test_white_space_controls_stay_word_breaks() -> None:
    # Tab, the separators str.split() splits on and NEL are white space, not the control
    # characters that invalid_names.csv refuses.
    assert normalize("Ahmad\tShah\x1cAhmad\x85Massoud\x0b") == "ahmad shah ahmad massoud"


@pytest.mark.parametrize("value", [None, 42, b"Ahmad", ["Ahmad"]])
def test_non_strings_are_rejected(value: object) -> None:
    with pytest.raises(TypeError, match="must be a string"):
        normalize(value)  # type: ignore[arg-type]


def test_length_limit() -> None:
    ok = "a" * aliaskit.MAX_NAME_LENGTH
    assert normalize(ok) == ok
    with pytest.raises(InvalidNameError, match="limit"):
        normalize(ok + "a")


def test_errors_share_one_root() -> None:
    assert issubclass(InvalidNameError, AliaskitError)
    assert issubclass(InvalidNameError, ValueError)


def test_offsets_point_into_the_input() -> None:
    text = "  Mullah  Abdul-Qahar Balkhi’s "
    for part in name_parts(text):
        assert text[part.start : part.end] == part.original
    joined = name_parts(text)[1]
    assert joined.original == "Abdul-Qahar"


def test_script_is_recorded() -> None:
    parts = name_parts("Amir خان")
    assert [p.script for p in parts] == ["latin", "arabic"]


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=60))
def test_normalize_is_idempotent_or_rejects(text: str) -> None:
    try:
        once = normalize(text)
    except AliaskitError:
        return
    assert normalize(once) == once
    assert once == once.strip() and "  " not in once
    assert all(ch.isascii() for ch in once)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([c["input"] for c in NORMALIZE]), min_size=1, max_size=4))
def test_idempotent_on_realistic_names(names: list[str]) -> None:
    once = normalize(" ".join(names))
    assert normalize(once) == once


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.sampled_from([c["input"] for c in NORMALIZE]), st.text(max_size=40),
                 st.text(alphabet="abcdefghijklmnopqrstuvwxyz -'ابپتجمحخدرزسشعلنوهی", max_size=30)))
def test_quick_parse_agrees_with_the_full_parse(text: str) -> None:
    # Comparison takes a quick path for names whose every word is a name part; it must
    # give what the full parse gives, and fail where the full parse fails.
    from aliaskit._parsing import _parse, _plain_words

    try:
        full = _parse(text)
    except InvalidNameError as exc:
        with pytest.raises(InvalidNameError, match=re.escape(str(exc))):
            _plain_words(text)
        return
    quick = _plain_words(text)
    if quick is not None:
        words, scripts = quick
        assert [(p.text, p.script) for p in full] == list(
            zip(words, scripts if scripts is not None else ["latin"] * len(words)))
        assert all(p.role == "name" for p in full)


# Words as names are written: Perso-Arabic letters (with the suffixes and articles of
# particles.txt), Latin words and particles, joined by spaces, zero-width non-joiners,
# hyphens and apostrophes, short or repeated up to the length limit.
_PERSIAN = "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیيكةۀأإآئؤء"
_WORDS = st.one_of(
    st.text(alphabet=_PERSIAN + "\u200c\u064e\u0650", min_size=1, max_size=8),
    st.sampled_from(["ای", "زاده", "زی", "الله", "الدین", "پور", "ال", "عبد", "بن", "و", "ی",
                     "آقای", "متقی", "خامنه", "حسام", "محمد", "al", "ud", "din", "abdul",
                     "ullah", "zada", "Mullah", "i", "e", "bin", "Khan", "Muttaqi", "'", "-"]),
    st.text(min_size=1, max_size=6),
)
_SEPARATORS = st.sampled_from([" ", "\u200c", "-", " \u200c", "'", "", "  "])


@st.composite
def _names(draw: st.DrawFn) -> str:
    words = draw(st.lists(_WORDS, min_size=1, max_size=8))
    seps = draw(st.lists(_SEPARATORS, min_size=len(words), max_size=len(words)))
    text = "".join(w + s for w, s in zip(words, seps))
    repeat = draw(st.sampled_from([1, 1, 1, 5, 50, 200]))
    return text * repeat


@settings(max_examples=300, deadline=None)
@given(_names())
def test_normalize_is_idempotent_on_names_of_every_script(text: str) -> None:
    try:
        once = normalize(text)
    except InvalidNameError:
        return
    assert normalize(once) == once
    assert len(once) <= aliaskit.MAX_NAME_LENGTH


def test_long_persian_name_is_idempotent_or_rejected() -> None:
    """issue 17: "متقی " * 199 (994 characters) normalised to 1,591, which then raised."""
    text = "متقی " * 199
    with pytest.raises(InvalidNameError, match="once romanised"):
        normalize(text)
    shorter = "متقی " * 120
    once = normalize(shorter)
    assert normalize(once) == once


@pytest.mark.parametrize(("apart", "zwnj", "joined"), [
    ("خامنه ای", "خامنه\u200cای", "خامنهای"),  # issue 17: 0.667, no match
    ("علی خامنه ای", "علی خامنه\u200cای", "علی خامنهای"),
    ("احمد زاده", "احمد\u200cزاده", "احمدزاده"),
    ("حسام الدین", "حسام\u200cالدین", "حسامالدین"),
    ("فلانه ای", "فلانه\u200cای", "فلانهای"),  # not a known name: the same all the same
])
def test_zwnj_space_and_joined_are_one_word(apart: str, zwnj: str, joined: str) -> None:
    assert normalize(apart) == normalize(zwnj) == normalize(joined)
    assert len(name_parts(apart)) == len(name_parts(joined))
    assert aliaskit.compare(apart, zwnj).score == 1.0
    assert aliaskit.compare(apart, joined).is_match
