from __future__ import annotations

import pytest
from conftest import load_csv
from hypothesis import example, given, settings
from hypothesis import strategies as st

from aliaskit import (
    AliaskitError,
    Comparison,
    InvalidArgumentError,
    InvalidNameError,
    compare,
    normalize,
    part_weight,
)

# Organisation names (issue #16): legal forms, translated words, acronyms, word order,
# and companies that share words but must stay apart.
CASES = (load_csv("compare.csv") + load_csv("compare_org.csv") + load_csv("compare_generic.csv")
         + load_csv("compare_kind.csv"))
NAMES = sorted({c["left"] for c in CASES} | {c["right"] for c in CASES})


# Cases the fitted model gets wrong, kept visible (strict: they fail the run once they
# pass), by their note. The real-world training pairs have many true matches that are
# another name minus parts, so a name that is another's minus its country ("Tehreek i
# Taliban Pakistan") scores as a match; the resolver's ranking and ambiguity flags still
# tell such entities apart (tests/test_resolve.py). See issue #15's closing note.
# Of organisations: an acronym of a name that goes on with its country ("National
# Resistance Front of Afghanistan") or of the name's English translation only; and a
# branch that is the whole organisation's name plus words (Quds Force); and a company's
# Persian name against its English translation with a word more ("Saman Shimi
# Khavarmianeh" / "Middle East Saman Chemical Company": 0.580 against the fitted
# threshold 0.58 since a final -a or -u no longer counts as a suffix; 0.567 against 0.56
# before).
KNOWN_MISSES = {"movement vs Pakistani movement", "stay apart: a branch of the organisation"}


@pytest.mark.parametrize("case", [
    pytest.param(c, marks=pytest.mark.xfail(strict=True, reason="known miss of the fitted model"))
    if c["note"] in KNOWN_MISSES else c for c in CASES], ids=[c["note"] + ": " + c["left"] for c in CASES])
def test_compare_cases(case: dict[str, str]) -> None:
    result = compare(case["left"], case["right"], kind=case["kind"])  # type: ignore[arg-type]
    assert result.is_match == bool(int(case["is_match"])), result.explain()


def test_father_and_son_score_visibly_below_exact() -> None:
    son_father = compare("Ahmad Massoud", "Ahmad Shah Massoud").score
    assert son_father <= 0.92
    assert compare("Ahmad Massoud", "Ahmed Masoud").score > son_father


def test_missing_middle_name_scores_above_conflicts() -> None:
    # Like for like: the same names with a middle name added, or with another family
    # name (with and without the middle name). A missing part is weak evidence against
    # a match, a conflicting one strong evidence.
    missing = compare("Ali Nazari", "Ali Maisam Nazary").score
    conflicts = [compare("Ali Nazari", other).score for other in ("Ali Sharifi", "Ali Maisam Sharifi")]
    assert all(missing > 2 * c for c in conflicts)


def test_no_saturation_without_equality() -> None:
    assert compare("Hamid Karzai", "Karzai, Hamid").score < 1.0
    assert compare("Mullah Omar", "Omar").score < 1.0
    assert compare("Ḥusām al-Dīn", "Husam al Din").score == 1.0


def test_alignment_lists_every_part_once() -> None:
    result = compare("Mullah Abdul Qahar Balkhi", "Balkhi, Abdul-Qahar")
    left = [r.left.original for r in result.alignment if r.left]
    right = [r.right.original for r in result.alignment if r.right]
    assert sorted(left) == sorted(["Mullah", "Abdul Qahar", "Balkhi"])
    assert sorted(right) == sorted(["Balkhi", "Abdul-Qahar"])
    assert "Mullah" in result.explain() and "title" in str(result)


@pytest.mark.parametrize(("a", "b", "methods"), [
    # One side writes two parts as one word: both of its lines read "joined".
    ("Arvan Cloud", "Arvancloud", ["joined", "joined"]),
    # Both sides divide the same letters elsewhere.
    ("Reza Pour Karimi", "Reza Pourkarimi", ["joined", "joined"]),
    # A part aligned with a part keeps its own method.
    ("Amir Khan Muttaqi", "Amir Khan Mottaki", ["exact", "exact", "variant"]),
])
def test_joined_parts_read_joined(a: str, b: str, methods: list[str]) -> None:
    result = compare(a, b)
    assert [r.method for r in result.alignment] == methods
    assert "joined" not in result.explain() or "as one word on one side" in result.explain()


@pytest.mark.parametrize(("a", "b", "methods"), [
    # Two acronyms one after the other, each aligned with the run it is the initials of.
    ("IRGC-QF", "Islamic Revolutionary Guard Corps Quds Force", ["acronym"] * 6),
    # An acronym ending in its last word's first two letters takes that run only: the
    # word after it aligns on its own.
    ("SACO Trading", "Saman Arya Construction Trading", ["acronym"] * 3 + ["exact"]),
])
def test_inner_acronyms(a: str, b: str, methods: list[str]) -> None:
    for left, right in ((a, b), (b, a)):
        result = compare(left, right, kind="org")
        assert sorted(r.method for r in result.alignment) == sorted(methods), result.explain()
        assert result.score > 0.95


def test_profiles_and_kind() -> None:
    result = compare("Muttaqi", "Amir Khan Muttaqi", profile="screening")
    assert result.profile == "screening" and result.threshold < 0.82
    with pytest.raises(InvalidArgumentError, match="unknown profile"):
        compare("a b", "a b", profile="nope")
    with pytest.raises(InvalidArgumentError, match="kind"):
        compare("Kabul", "Kabul", kind="city")  # type: ignore[arg-type]
    national = compare("National Resistance Front", "National Islamic Front", kind="org")
    assert not national.is_match


def test_gazetteer_weights_override() -> None:
    plain = compare("Gul Ahmad", "Gul Karim").score
    heavy = compare("Gul Ahmad", "Gul Karim", weights={"gul": 1.0}).score
    assert heavy > plain


@pytest.mark.parametrize(("bad", "error"), [
    ("", AliaskitError), ("   ", AliaskitError), ("123", AliaskitError), (None, TypeError)])
def test_bad_input(bad: object, error: type[Exception]) -> None:
    with pytest.raises(error):
        compare(bad, "Ahmad")  # type: ignore[arg-type]
    with pytest.raises(error):
        compare("Ahmad", bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(("weights", "error"), [
    ({"gul": "heavy"}, TypeError), ({"gul": 0}, InvalidArgumentError),
    ({"gul": 1.5}, InvalidArgumentError), ({"gul": -1}, InvalidArgumentError),
    ({"gul": True}, TypeError), (["gul"], TypeError), ({1: 0.5}, TypeError),
    ({("gul",): 0.5}, TypeError)])
def test_bad_weights(weights: object, error: type[Exception]) -> None:
    with pytest.raises(error, match="weight"):
        compare("Gul Ahmad", "Gul Karim", weights=weights)  # type: ignore[arg-type]


def test_weights_of_parts_not_compared_are_not_looked_at() -> None:
    # A gazetteer's weight table is checked where it is used, not in full on every call.
    assert compare("Gul Ahmad", "Gul Karim", weights={"gul": 0.5, "zzz": "bad"}).score > 0


@pytest.mark.parametrize(("bad", "error"), [
    ("", InvalidNameError), ("  ", InvalidNameError), (None, TypeError), (5, TypeError)])
def test_part_weight_bad_input(bad: object, error: type[Exception]) -> None:
    with pytest.raises(error):
        part_weight(bad)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError):
        part_weight("gul", kind="planet")  # type: ignore[arg-type]


name_strategy = st.one_of(
    st.sampled_from(NAMES),
    st.text(alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Zs", "Pd")), min_size=1,
            max_size=30),
    st.text(alphabet="ابپتجچحخدرزسشعغفقکگلمنوهی ", min_size=1, max_size=20),
)


def _safe(a: str, b: str) -> Comparison | None:
    try:
        return compare(a, b)
    except AliaskitError:
        return None


@settings(max_examples=300, deadline=None)
@given(name_strategy, name_strategy)
def test_score_in_unit_interval_and_symmetric(a: str, b: str) -> None:
    ab, ba = _safe(a, b), _safe(b, a)
    if ab is None or ba is None:
        assert ab is None and ba is None
        return
    assert 0.0 <= ab.score <= 1.0
    assert ab.score == ba.score
    assert ab.is_match == ba.is_match


# Names made of the same few words divided at other places ("Reza Pour Karimi" /
# "Rezapour Karimi" / "Reza Pourkarimi"), where several pairs of parts could be
# re-divided (_resegment) and the choice must not depend on the argument order.
SYLLABLES = ["reza", "pour", "karimi", "hassan", "amiri", "ali", "zadeh", "mohammad", "rezai",
             "rezaee", "a", "abdul", "kabir"]


@st.composite
def redivided(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.sampled_from(SYLLABLES), min_size=2, max_size=6))
    cuts = draw(st.lists(st.booleans(), min_size=len(words) - 1, max_size=len(words) - 1))
    return words[0] + "".join((" " if cut else "") + w for cut, w in zip(cuts, words[1:]))


@settings(max_examples=300, deadline=None)
@given(redivided(), redivided())
# Found by a random search: joining one side against the other side as already joined.
@example("zadeh rezaee zadehrezai", "zadeh rezai")
@example("rezapour rezaee rezai rezairezai", "reza rezai amirirezaihassan")
# Initials joined to the name after them, each side against the other as given.
@example("a kabir abdurrahman", "abdulkabir a rahman")
def test_redivided_names_compare_symmetrically(a: str, b: str) -> None:
    ab, ba = compare(a, b), compare(b, a)
    assert ab.score == ba.score and ab.is_match == ba.is_match


@settings(max_examples=200, deadline=None)
@given(name_strategy)
def test_self_comparison_is_one(a: str) -> None:
    result = _safe(a, a)
    if result is not None:
        assert result.score == 1.0 and result.is_match


@settings(max_examples=200, deadline=None)
@given(name_strategy)
def test_equal_normal_forms_score_one(a: str) -> None:
    try:
        normal = normalize(a)
    except AliaskitError:
        return
    assert compare(a, normal).score == 1.0
    assert all(0.0 <= r.similarity <= 1.0 and r.weight >= 0.0 for r in compare(a, normal).alignment)


@pytest.mark.parametrize("pair", [("Mullah Abdul Qahar Balkhi", "Abdulqahar Balkhy"),
                                  ("IRGC", "Islamic Revolutionary Guard Corps"),
                                  ("Amir Khan Muttaqi", "Amir Khan Muttaqi")])
def test_comparison_behaves_as_a_plain_value(pair: tuple[str, str]) -> None:
    # compare() writes its alignment records lazily; nobody may be able to tell.
    import copy
    import pickle

    import attrs

    lazy = compare(*pair)
    plain = Comparison(lazy.left, lazy.right, lazy.score, lazy.is_match, lazy.profile,
                       lazy.threshold, lazy.kind, compare(*pair).alignment)
    fresh = compare(*pair)  # nothing read yet
    assert fresh == plain and plain == fresh and hash(fresh) == hash(plain)
    assert repr(compare(*pair)) == repr(plain)
    assert attrs.asdict(compare(*pair)) == attrs.asdict(plain)
    assert pickle.loads(pickle.dumps(compare(*pair))) == plain
    assert copy.deepcopy(compare(*pair)) == plain
    assert attrs.evolve(compare(*pair), profile="x") == attrs.evolve(plain, profile="x")
    assert compare(*pair) != attrs.evolve(plain, score=0.5)
    assert isinstance(lazy, Comparison) and lazy.alignment is lazy.alignment
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        lazy.score = 0.0  # type: ignore[misc]


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.sampled_from(NAMES),
                 st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ -'",
                         min_size=1, max_size=40)),
       st.sampled_from([None, "person", "place", "org"]))
def test_resolver_shortcut_gives_the_parsed_name(text: str, kind: str | None) -> None:
    # The resolver builds a plain ASCII alias from its normal text instead of parsing it
    # again; the result must be exactly what parsing gives.
    from aliaskit._scoring import _name, _name_from_normal

    try:
        parsed = _name(text, kind)  # type: ignore[arg-type]
    except InvalidNameError:
        return
    shortcut = _name_from_normal(text, parsed.normal, kind, None)  # type: ignore[arg-type]
    assert shortcut._fields() == parsed._fields()
    weights = {t: 0.123 for t in parsed.texts}
    weighted = _name_from_normal(text, parsed.normal, kind, weights)  # type: ignore[arg-type]
    assert [s.weight for s in weighted.slots] == [0.123] * len(parsed.slots)


def test_unalignable_shortcut_agrees_with_the_full_similarity() -> None:
    # _align() skips the edit distance for attested spellings of different names;
    # it may only do so where the full similarity could not align them anyway.
    from itertools import islice, product

    from aliaskit._keys import variant_index
    from aliaskit._scoring import ALIGN_MIN, _align, _pair, _spelling

    spellings = sorted(variant_index().group_of)[::7]
    checked = 0
    for a, b in islice(product(spellings, spellings), 0, None, 13):
        full, fast = _pair(a, b, False, False), _align(_spelling(a), _spelling(b), False, False)
        if full[0] >= ALIGN_MIN:
            assert fast == full, (a, b)
        else:
            assert fast[0] < ALIGN_MIN, (a, b)
        checked += 1
    assert checked > 5000


@pytest.mark.parametrize("left, right", [("Abdul Ghani", "Ghani"), ("Habibullah", "Habib"),
                                         ("Abdul Wahid", "Wahid")])
def test_a_listed_name_and_its_compound_align_as_a_compound(left: str, right: str) -> None:
    # Both are names of data/variants.txt; data/particles.txt flags Abdul- and -ullah as
    # making a compound of a name, which is that name shortened, not a different one.
    assert [p.method for p in compare(left, right).alignment] == ["compound"]


def test_alignment_records_carry_rounded_figures() -> None:
    # Sums of weights were written as 0.42500000000000004 in the JSON records.
    for record in compare("Mohammad Khan", "Mohammad Karim").to_dict()["alignment"]:
        for field in ("similarity", "weight", "contribution"):
            assert record[field] == round(record[field], 6)
            assert len(repr(record[field])) <= 10, record


@pytest.mark.parametrize("case", load_csv("initials_order.csv"), ids=lambda c: c["note"] + ": " + c["name"])
def test_an_initial_that_fits_is_closer_than_a_missing_part(case: dict[str, str]) -> None:
    # Initials are rare in the training pairs (11 matches of 15,021), so their ranking
    # is held here: a fitting initial is the part written shorter, more than no part and
    # more than an initial that does not fit.
    closer = compare(case["name"], case["closer"], kind=case["kind"])  # type: ignore[arg-type]
    further = compare(case["name"], case["further"], kind=case["kind"])  # type: ignore[arg-type]
    assert closer.score > further.score, (closer.explain(), further.explain())
