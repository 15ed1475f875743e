"""The fitted comparison model (data/model.txt) and the candidates of unlisted spellings."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import load_csv

from aliaskit import (
    DataFileError,
    Entity,
    InvalidArgumentError,
    Resolver,
    _data,
    compare,
)
from aliaskit._scoring import FEATURES

BAD_MODELS = [
    ("intercept | x\n", "not a number"),
    ("intercept | 1\nintercept | 2\nfeature | evidence | 1\n", "each name once"),
    ("feature | evidence | 1\n", "needs an intercept"),
    ("intercept | 1\n", "needs an intercept and at least one feature"),
    ("intercept | 1\nfeature | evidence | nan\n", "finite"),
    ("intercept | 1\nfeature | evidence | 1\nthreshold | default | 1.5\n", "(0, 1]"),
    ("intercept | 1\nfeature | evidence | 1 | 2\n", "expected"),
    ("intercept | 1\nfeature | evidence | 1\nword | bank | 0\n", "(0, 1]"),
    ("intercept | 1\nfeature | evidence | 1\nword | bank | 0.5\nword | bank | 0.4\n", "expected"),
]


@pytest.fixture()
def restore_model() -> Iterator[None]:
    yield
    _data.use_model(None)


@pytest.mark.parametrize(("text", "message"), BAD_MODELS)
def test_malformed_model_files_say_where(text: str, message: str) -> None:
    with pytest.raises(DataFileError, match=message.replace("(", r"\(").replace(")", r"\)")
                       .replace("[", r"\[")):
        _data.parse_model(text, "model.txt")


def test_bundled_model_covers_the_features() -> None:
    model = _data.model()
    assert set(model.features) == set(FEATURES)
    assert dict(model.thresholds).keys() >= {"default", "screening", "dedupe"}
    profiles = _data.profiles()
    assert profiles["screening"].threshold <= profiles["default"].threshold <= profiles["dedupe"].threshold


def test_a_model_with_unknown_features_is_refused(restore_model: None) -> None:
    _data.use_model(_data.parse_model("intercept | 0\nfeature | shoe_size | 1\n"
                                      "threshold | default | 0.5\nthreshold | screening | 0.5\n"
                                      "threshold | dedupe | 0.5\n"))
    with pytest.raises(DataFileError, match="shoe_size"):
        compare("Amir Khan Muttaqi", "Amir Khan Mottaki")


def test_another_model_changes_scores_and_thresholds(restore_model: None) -> None:
    before = compare("Tabris", "Tabriz")
    flat = "intercept | 0\nfeature | evidence | 0\n" + "".join(
        f"threshold | {p} | 0.4\n" for p in ("default", "screening", "dedupe"))
    _data.use_model(_data.parse_model(flat))
    after = compare("Tabris", "Tabriz")
    assert after.score == 0.5 and after.threshold == 0.4 and after.is_match
    _data.use_model(None)
    assert compare("Tabris", "Tabriz") == before


def test_words_common_among_organisations_weigh_less() -> None:
    from aliaskit import part_weight

    words = dict(_data.model().words)
    assert words["industries"] < 0.6 and "khazar" not in words
    assert part_weight("industries", kind="org") == words["industries"]
    assert part_weight("industries", kind="org") < part_weight("khazar", kind="org")
    # A person's name parts keep the bundled weights.
    assert part_weight("iran", kind="person") != words["iran"]


def test_fitted_word_weights_are_at_most_the_bundled_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    # A few hundred organisations of one kind of list can show a word to be common, not
    # that a word the word lists know as common ("Islamic") is rare: the fit caps it.
    from aliaskit._scoring import _bundled_weight

    words = dict(_data.model().words)
    assert all(weight <= _bundled_weight(word, "org") for word, weight in words.items())
    assert words["islamic"] == _bundled_weight("islamic", "org") < 0.5
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import _fit
    orgs = [{"kind": "org", "names": [name]} for name in (
        "Islamic State", "Khazar Islamic Steel", "Parchin Islamic Chemical", "Sina Bank",
        "Mellat Bank", "Tejarat Bank", "Novin Star", "Iran Novin", "Arya Novin")]
    fitted = dict(_fit.word_weights(orgs))
    assert fitted["islamic"] == _bundled_weight("islamic", "org")  # 3 of 9: would be 0.5
    assert fitted["novin"] == round(math.log(3) / math.log(9), 3)  # not capped: 0.5


def test_another_models_word_weights_take_effect(restore_model: None) -> None:
    from aliaskit import part_weight

    before = part_weight("khazar", kind="org")
    _data.use_model(_data.parse_model(_data.read_text(_data.data_dir() / _data.MODEL)
                                      + "word | khazar | 0.25\n"))
    assert part_weight("khazar", kind="org") == 0.25
    _data.use_model(None)
    assert part_weight("khazar", kind="org") == before


@pytest.mark.parametrize(("listed", "query"), [
    ("Tabriz", "Tabris"), ("Zanjan", "Zandschan"), ("Mahabad", "Makhabad"),
    ("Eslamshahr", "Eslamschahr"), ("Parsabad", "Farsabad"),
])
def test_a_spelling_one_key_letter_off_is_a_candidate(listed: str, query: str) -> None:
    # Decoys that share no part key with either spelling, and one that shares a letter.
    resolver = Resolver([Entity(id="x", name=listed), Entity(id="a", name="Kabul"),
                         Entity(id="b", name="Herat"), Entity(id="c", name="Tirana")])
    found = resolver.resolve(query, threshold=0.0, limit=5)
    assert "x" in [m.entity.id for m in found]


def test_threshold_lists_runners_up_below_the_decision() -> None:
    resolver = Resolver.from_reference()
    matches = resolver.resolve("Mohammad Khan", limit=5)
    ranked = resolver.resolve("Mohammad Khan", limit=5, threshold=0.0)
    assert [m.entity.id for m in ranked][: len(matches)] == [m.entity.id for m in matches]
    assert len(ranked) > len(matches)
    assert any(not m.comparison.is_match for m in ranked)
    assert all(m.score >= 0.0 for m in ranked)
    assert [m.score for m in ranked] == sorted((m.score for m in ranked), reverse=True)


@pytest.mark.parametrize(("bad", "error"), [
    (-0.1, InvalidArgumentError), (1.5, InvalidArgumentError), ("0.5", TypeError),
    (True, TypeError), (float("nan"), InvalidArgumentError)])
def test_threshold_must_be_a_number_in_range(bad: object, error: type[Exception]) -> None:
    with pytest.raises(error, match="threshold"):
        Resolver.from_reference().resolve("Kabul", threshold=bad)  # type: ignore[arg-type]


SEEDS = load_csv("resolve_seeds.csv")


def test_unlisted_spellings_of_seed_names_resolve() -> None:
    resolver = Resolver.from_reference()
    for query, expected in [("Hamid Karsai", "person/hamid-karzai"), ("Məsud", "person/ahmad-massoud")]:
        assert expected in [m.entity.id for m in resolver.resolve(query, limit=3)], query


def test_each_part_says_what_it_adds_to_the_score() -> None:
    conflict = compare("Mohammad Khan", "Mohammad Karim")
    by_method = {r.method: r.contribution for r in conflict.alignment}
    assert by_method["conflict"] < 0 < by_method["exact"]
    missing = compare("Ahmad Massoud", "Ahmad Shah Massoud")
    assert [r.contribution < 0 for r in missing.alignment if r.method == "missing"] == [True]
    titled = compare("Mullah Abdul Qahar Balkhi", "Abdulqahar Balkhy")
    assert [r.contribution for r in titled.alignment if r.method == "title"] == [0.0]
    assert "log-odds" in titled.explain() and "(whole names)" in titled.explain()


@pytest.mark.parametrize(("left", "right", "sign"), [
    ("Karim", "Khan", -1), ("X", "Y", -1), ("Ahmad", "Mahmud", -1),
    ("Tabriz", "Tabris", 1), ("Kabul", "Kabol", 1)])
def test_a_single_part_reads_for_or_against_as_it_decides(left: str, right: str, sign: int) -> None:
    # Names of one part each: the part is measured against the base rate (nothing else is
    # left to measure it against), so a conflict reads against a match.
    result = compare(left, right)
    [record] = result.alignment
    assert record.contribution * sign > 0 and (result.score >= 0.5) == (sign > 0)


def test_equal_names_have_no_contributions() -> None:
    same = compare("Amir Khan Muttaqi", "امیر خان متقی")
    assert same.score == 1.0 and all(r.contribution == 0.0 for r in same.alignment)
    assert "log-odds" not in same.explain()


@pytest.mark.parametrize("case", load_csv("compare.csv")[:60], ids=lambda c: c["left"])
def test_cached_skeletons_equal_the_computed_ones(case: dict[str, str]) -> None:
    # _plan reads a name's sorted folds from its cache when the alignment kept its slots.
    from rapidfuzz.distance import Indel

    from aliaskit import _scoring

    na, nb = _scoring._name_of(case["left"], None), _scoring._name_of(case["right"], None)
    plan = _scoring._plan(na, nb)
    if plan.features is not None and plan.acronym_left is None:
        expected = Indel.normalized_similarity(_scoring._skeleton(plan.left),
                                               _scoring._skeleton(plan.right))
        assert plan.features[_scoring._SKELETON] == expected


def test_feature_positions_match_their_names() -> None:
    from aliaskit import _scoring

    positions = {name: getattr(_scoring, "_" + name.upper()) for name in FEATURES if name != "exact"}
    positions["exact"] = _scoring._EXACT_SHARE
    assert [FEATURES[k] for k in positions.values()] == list(positions)
    assert sorted(positions.values()) == list(range(len(FEATURES)))


@pytest.mark.parametrize("case", load_csv("exact_over_variant.csv"), ids=lambda c: c["query"])
def test_a_part_spelled_as_the_query_never_scores_below_a_listed_spelling(
        case: dict[str, str]) -> None:
    # What can only speak for a match is fitted with coefficients of at least 0
    # (benchmarks/_fit.py, NON_NEGATIVE), so respelling a matching part never helps.
    kind = case["kind"]
    exact = compare(case["query"], case["exact"], kind=kind).score  # type: ignore[arg-type]
    variant = compare(case["query"], case["variant"], kind=kind).score  # type: ignore[arg-type]
    assert exact >= variant, (exact, variant)


def test_only_evidence_for_a_match_is_fitted_non_negative() -> None:
    coefficients = dict(zip(_data.model().features, _data.model().coefficients))
    assert all(coefficients[name] >= 0.0 for name in ("exact", "whole", "skeleton", "min_sim"))
