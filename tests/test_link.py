from __future__ import annotations

import gc
import itertools
import json
import types
from pathlib import Path

import attrs
import pytest
from conftest import CASES, REPO, load_csv
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aliaskit import Entity, Resolver, _link, link, load_reference
from aliaskit._types import LinkedMention, Mention, _instances

SEEDS = REPO / "seeds"
ARTICLES = CASES / "link"


def _seed_texts() -> dict[str, str]:
    texts = {}
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        if "\nExplore\n" in text:
            text = text[: text.index("\nExplore\n") + 1]
        texts[path.name] = text
    return texts


def _score(found: set[tuple[str, int, int, str]], gold: set[tuple[str, int, int, str]]
           ) -> tuple[float, float]:
    tp = len(found & gold)
    return tp / max(len(found), 1), tp / max(len(gold), 1)


def test_seeds_against_reference_provenance() -> None:
    """The issue's target: every gold mention of the seeds found (measured 1.000 / 1.000)."""
    gold = {(m.source, m.start, m.end, e.id) for e in load_reference() for m in e.mentions}
    found = set()
    for name, text in _seed_texts().items():
        found |= {(name, m.start, m.end, m.entity.id) for m in link(text, source=name)}
    precision, recall = _score(found, gold)
    assert recall == 1.0 and precision >= 0.99, (precision, recall)


def _articles(folder: Path) -> tuple[float, float]:
    """Precision and recall of link() on the annotated articles of a folder."""
    found, gold = set(), set()
    for path in sorted(folder.glob("*.gold.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        text = (folder / doc["source"]).read_text(encoding="utf-8")
        gold |= {(doc["source"], m["start"], m["end"], m["entity"]) for m in doc["mentions"]}
        found |= {(doc["source"], m.start, m.end, m.entity.id) for m in link(text)}
    assert gold, f"no annotated articles in {folder}"
    return _score(found, gold)


def test_annotated_articles() -> None:
    """Regression guard; measured held-out 0.947 / 0.952 before any change made after
    reading the articles (see the closing note of the linking issue)."""
    assert len(list(ARTICLES.glob("*.gold.json"))) == 2
    precision, recall = _articles(ARTICLES)
    assert precision >= 0.90 and recall >= 0.90, (precision, recall)


def test_offsets_refer_to_the_text_as_given() -> None:
    text = ("Foreign Minister Amir Khan Mottaqi (امیر خان متقی) met Masood’s envoy; "
            "the NRF's Ali Nazari said\u200b Hizb-e Islami was absent.")
    found = link(text, source="note.txt")
    for m in found:
        assert text[m.start : m.end] == m.surface == m.mention.text
        assert m.mention.source == "note.txt"
    surfaces = [m.surface for m in found]
    assert "Amir Khan Mottaqi" in surfaces  # the title is not part of the span
    assert "امیر خان متقی" in surfaces  # Perso-Arabic run
    assert "Masood" in surfaces and "NRF" in surfaces  # possessives trimmed
    assert "Hizb-e Islami" in surfaces


def test_short_mentions_follow_the_document() -> None:
    son = link("Ahmad Massoud, the NRF leader, met them. Massoud said no.")
    assert [m.entity.id for m in son] == ["person/ahmad-massoud", "org/national-resistance-front",
                                         "person/ahmad-massoud"]
    father = link("Ahmad Shah Massoud, known as the Lion of Panjshir, fought on. Massoud died.")
    assert father[-1].entity.id == "person/ahmad-shah-massoud" and father[-1].via == "document"
    alone = link("Massoud said no.")
    assert alone[0].ambiguous and alone[0].alternatives


def test_non_names_are_not_linked() -> None:
    assert link("On Monday the Iranian media said But nothing happened.") == []


@pytest.mark.parametrize("case", load_csv("link_common_words.csv"), ids=lambda c: c["text"][:20])
def test_english_words_do_not_link_by_the_consonants_of_a_persian_name(
        case: dict[str, str]) -> None:
    # Compared across scripts these words match the Persian names of countries (compare
    # scores "Kind" / کانادا 0.96); in English text the entity's English names decide.
    assert [(m.surface, m.entity.id) for m in link(case["text"])] == [], case["note"]


@pytest.mark.parametrize("case", load_csv("link_adjacent_names.csv"), ids=lambda c: c["text"][:24])
def test_names_side_by_side_are_each_linked(case: dict[str, str]) -> None:
    expected = case["surfaces"].split("|") if case["surfaces"] else []
    assert [m.surface for m in link(case["text"])] == expected, case["note"]


@pytest.mark.parametrize("case", load_csv("link_names_within_names.csv"),
                         ids=lambda c: c["text"][:24])
def test_names_inside_other_names_and_dotted_acronyms(case: dict[str, str]) -> None:
    expected = [tuple(pair.split("=")) for pair in case["links"].split("|") if pair]
    assert [(m.surface, m.entity.id) for m in link(case["text"])] == expected, case["note"]


def test_a_near_word_is_not_a_partial_name_of_an_entity_named_before() -> None:
    # Below the threshold a one-word name links to an entity named before only when it
    # is one of its names' words: "Pairs" (0.59 against Paris) is not.
    assert [m.surface for m in link("Paris talks began. Pairs of diplomats met.")] == ["Paris"]
    found = link("Abdul Qahar Balkhi spoke. Balkhi said no.")
    assert [(m.surface, m.entity.id) for m in found][-1] == (
        "Balkhi", "person/abdul-qahar-balkhi")


def test_runs_of_capitalised_words_are_resolved_only_when_each_part_is_indexed() -> None:
    # A headline in capitals is a run of capitalised words: each span of it was resolved,
    # and "TALKS RIGHTS TALKS WOULD" linked TRT World (0.96) by its initials.
    headline = "TALKS RIGHTS TALKS WOULD CONTINUE AFTER THE MEETING IN TEHRAN"
    assert [(m.surface, m.entity.id) for m in link(headline)] == [("TEHRAN", "place/tehran")]
    resolver = Resolver([Entity(id="mt", name="Amir Khan Muttaqi", kind="person"),
                         Entity(id="bk", name="Bank Keshavarzi Iran", kind="org")])
    indexed = resolver._indexed
    assert indexed("Amir Khan Mottaki") and indexed("Mutaqi") and indexed("امیر خان متقی")
    assert indexed("Agricultural Bank")  # a listed meaning of Keshavarzi
    assert not indexed("Minister Said") and not indexed("Muttaqi Talks")


def test_an_alias_flagged_ambiguous_needs_the_full_name_before() -> None:
    # data/entities.toml flags "Khan" ambiguous for Ismail Khan: alone (or after
    # another Khan) it is not settled; after "Ismail Khan" the text settles it.
    for text in ("Khan said no.", "Sadiq Khan said no. Khan left."):
        found = [(m.surface, m.ambiguous) for m in link(text)]
        assert found == [("Khan", True)], text
    after = link("Ismail Khan arrived. Khan said no.")
    assert [(m.surface, m.entity.id, m.ambiguous, m.via) for m in after][-1] == (
        "Khan", "person/ismail-khan", False, "document")


def test_a_latin_spelling_still_links_through_the_persian_name_alone() -> None:
    # An entity without a Latin name is found across scripts all the same.
    resolver = Resolver([Entity(id="x", name="امیر خان متقی", kind="person")])
    assert [m.entity.id for m in link("Amir Khan Muttaqi spoke.", resolver=resolver)] == ["x"]


def test_custom_resolver_and_bad_input() -> None:
    resolver = Resolver([Entity(id="x", name="Zabihullah Mujahid", kind="person")])
    found = link("Spokesman Zabiullah Mujahid denied it.", resolver=resolver)
    assert [m.entity.id for m in found] == ["x"]
    with pytest.raises(TypeError):
        link(None)  # type: ignore[arg-type]
    assert link("") == []


def test_held_out_article() -> None:
    """Regression guard for the article kept out of development (measured 0.990 / 1.000
    with the hand-set scorer, 0.953 / 1.000 with the fitted model of 2026-12-06)."""
    precision, recall = _articles(CASES / "link_heldout")
    assert precision >= 0.95 and recall >= 0.95, (precision, recall)


@pytest.mark.parametrize("text", [
    "متقی " * 1000,  # issue 17: RecursionError
    "Muttaqi " * 3000,  # issue 17: time and memory quadratic in the run's length
    "Amir Khan Muttaqi " * 500,
])
def test_long_runs_of_names(text: str) -> None:
    found = link(text)
    assert found and all(text[m.start : m.end] == m.surface for m in found)
    assert [m.start for m in found] == sorted(m.start for m in found)
    assert all(a.end <= b.start for a, b in itertools.pairwise(found))


# Units that link, alone or next to each other, and words around them.
REPEATED = ("Muttaqi ", "متقی ", "Amir Khan Muttaqi ", "Ahmad Massoud ", "Massoud ", "Kabul ",
            "Hezb-i Islami ", "NRF ", "Kandahar province ", "Dr. ", "Khan ", "Abdul Qahar ")
AROUND = ("said", "the", "Interior minister", "Haqqani", "and", "of", ".", "Iranian", "Mottaqi")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(REPEATED), min_size=1, max_size=3), st.integers(1, 60),
       st.lists(st.sampled_from(AROUND), max_size=4), st.lists(st.sampled_from(AROUND), max_size=4))
def test_repeats_linked_at_once_as_by_the_search(units: list[str], times: int, before: list[str],
                                                   after: list[str]) -> None:
    """_best_subspans() links a span repeated right after itself in one pass: the same
    mentions as when each repeat is searched for (takewhile stopped after one)."""
    text = " ".join([*before, "".join(units) * times, *after])
    fast = [m.to_dict() for m in link(text)]
    one_by_one = types.SimpleNamespace(**{
        name: getattr(itertools, name) for name in dir(itertools) if not name.startswith("_")})
    one_by_one.takewhile = lambda test, items: itertools.islice(itertools.takewhile(test, items), 1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_link, "itertools", one_by_one)
        slow = [m.to_dict() for m in link(text)]
    assert fast == slow


def test_line_numbers_of_mentions() -> None:
    text = "Kabul\n\nAmir Khan Muttaqi met\nAhmad Massoud. Mottaqi said"
    found = link(text)
    assert [(m.surface, m.mention.line) for m in found] == [
        (m.surface, text.count("\n", 0, m.start) + 1) for m in found]
    assert len({m.mention.line for m in found}) == 3


def test_results_are_those_of_their_constructors() -> None:
    """link() makes its results column by column (_types._instances), with the garbage
    collector paused meanwhile: the same objects as the classes' constructors make, and
    the collector left as it was."""
    text = "Amir Khan Muttaqi met\nAhmad Massoud. Mottaqi said " * 3
    found = link(text, source="a.txt")
    assert gc.isenabled()
    for m in found:
        mention = Mention(*(getattr(m.mention, a.name) for a in attrs.fields(Mention)))
        again = LinkedMention(*(mention if a.name == "mention" else getattr(m, a.name)
                                for a in attrs.fields(LinkedMention)))
        assert type(m) is LinkedMention and type(m.mention) is Mention
        assert (m, repr(m), hash(m)) == (again, repr(again), hash(again))
    gc.disable()
    try:
        assert link(text, source="a.txt") == found
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(ValueError, match="columns"):
        _instances(Mention, 2, ["a"] * 2, [0] * 2, [1] * 2, [1] * 2, ["x"] * 2, ["c"] * 2, [None])


@pytest.mark.parametrize("text, expected", [
    # Perso-Arabic script has no capitals: its function words split a run of words.
    ("احمد مسعود در تهران", [("احمد مسعود", "person/ahmad-massoud"), ("تهران", "place/tehran")]),
    ("او در کابل بود", [("کابل", "place/kabul")]),
    ("در", []),  # "in", not the valley (دره) of Panjshir
    # A sentence's first word is not part of the name after it.
    ("Later Tehran said no.", [("Tehran", "place/tehran")]),
    ("Yesterday Kabul was calm.", [("Kabul", "place/kabul")]),
    # Word lists match a Latin word without its accents: "Föreign Minister" is a title,
    # as "Foreign Minister" is (it linked the Ministry of Foreign Affairs).
    ("He met the Föreign Minister.", []),
    ("Mottaqi visited Tehrān.", [("Mottaqi", "person/amir-khan-muttaqi"), ("Tehrān", "place/tehran")]),
])
def test_function_words_split_names(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(m.surface, m.entity.id) for m in link(text)] == expected


@pytest.mark.parametrize(("text", "entity"), [("Massoud said no.", "person/ahmad-shah-massoud"),
                                              ("Khan said no.", "person/ismail-khan")])
def test_a_mention_judged_the_same_is_not_ambiguous(text: str, entity: str) -> None:
    """A reviewer's "same" settles a mention in link() as it settles resolve()'s answer
    (docs/review.md): it was linked, yet flagged ambiguous with no alternatives."""
    from aliaskit import Judgement, Judgements

    judged = Judgements([Judgement(text.split()[0], entity, "same")])
    [mention] = link(text, judgements=judged)
    assert mention.entity.id == entity and mention.match.confirmed
    assert not mention.ambiguous and mention.alternatives == ()


@pytest.mark.parametrize("text", [
    "Ismail Khan arrived. Mohammad Khan left.",   # inside another full name
    "Khan said no. Mohammad Karim left.",         # only an ambiguous "Khan" before
    "Ismail Khan arrived. Mohammad said no.",     # a very common given name alone
    "Ahmad Massoud arrived. Ahmad said no.",
    "Ali Maisam Nazary arrived. Ali said no."])
def test_a_common_given_name_is_not_tied_to_an_earlier_full_name(text: str) -> None:
    """Below the threshold, a lone word links only to an entity named in full (and
    unambiguously) before, and not when it is a very common given name: "Mohammad" of
    "Mohammad Khan" was linked to Mohammad Ismail Khan, via "name"."""
    surfaces = [m.surface for m in link(text)]
    assert not {"Mohammad", "Ahmad", "Ali"} & set(surfaces), surfaces


def test_a_lone_word_tied_to_an_earlier_full_name_says_so() -> None:
    [full, short] = link("Abdul Qahar Balkhi spoke. Balkhi said.")
    assert full.via == "name" and short.entity == full.entity
    assert short.via == "document" and short.score < _link.LINK_THRESHOLD


def test_format_characters_inside_words_do_not_split_them() -> None:
    """Zero-width spaces, direction marks and soft hyphens, common in text copied from
    web pages, are dropped where they stand (normalisation.md), not read as word breaks."""
    text = "Amir Khan Mut\u200btaqi met Ahmad\u00adMassoud in Ka\u200ebul."
    found = [(m.surface, m.entity.id) for m in link(text)]
    assert found == [("Amir Khan Mut\u200btaqi", "person/amir-khan-muttaqi"),
                     ("Ahmad\u00adMassoud", "person/ahmad-massoud"),
                     ("Ka\u200ebul", "place/kabul")]
