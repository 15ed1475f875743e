"""The resolver's pre-rank (aliaskit/_prerank.py, compiled by mypyc) held equal to the
plain definition of its key overlap."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from aliaskit._prerank import NEAR_SHARE, has_key, key_mask, key_overlap, key_signature, row_weights


def reference(rows: list[int], groups: list[list[str]], postings: dict[str, list[int]],
              sounds: list[str], n: int) -> list[float]:
    """Each part: the weight log(1 + n / df) of its rarest key found in no other part's
    group (of its rarest key, when every key is shared); a row gets, per part, the most
    that one of the part's keys it is listed under credits: the key's weight, at most the
    part's, times NEAR_SHARE for a key one letter off ("~..."); over the mean of the two
    names' weights (Dice)."""
    def weight(key: str) -> float:
        return math.log(1.0 + n / max(len(postings.get(key, [])), 1))

    def part(group: list[str]) -> float:
        alone = [k for k in group if sum(k in other for other in groups) == 1]
        return max(weight(k) for k in (alone or group))

    total = sum(part(group) for group in groups if group)
    out = []
    for row in rows:
        shared = sum(max((min(weight(k), part(group)) * (NEAR_SHARE if k[0] == "~" else 1.0)
                          for k in group if row in postings.get(k, [])), default=0.0)
                     for group in groups if group)
        own = sum(weight(k) for k in dict.fromkeys(sounds[row].split(" ")))
        out.append(200.0 * shared / (total + own) if total + own else 0.0)
    return out


@st.composite
def indexes(draw: st.DrawFn) -> tuple[list[int], list[list[str]], dict[str, list[int]],
                                      list[str], int]:
    vocabulary = [f"K{i}" for i in range(draw(st.integers(1, 10)))]
    n = draw(st.integers(1, 80))
    sounds = [" ".join(draw(st.lists(st.sampled_from(vocabulary), min_size=1, max_size=4)))
              for _ in range(n)]
    postings: dict[str, set[int]] = {}
    for row, text in enumerate(sounds):  # a row is listed under each of its part keys ...
        for key in text.split(" "):
            postings.setdefault(key, set()).add(row)
    # ... and under others (joined parts, meanings, keys one letter off)
    extra = [*vocabulary, "=meaning", "^ab", "~K0", "~K1"]
    for key in draw(st.lists(st.sampled_from(extra), max_size=6)):
        postings.setdefault(key, set()).update(draw(st.lists(st.integers(0, n - 1), max_size=n)))
    rows = sorted(set(draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=12))))
    keys = [*extra, "MISSING"]
    groups = draw(st.lists(st.lists(st.sampled_from(keys), max_size=4), max_size=4))
    return rows, groups, {k: sorted(v) for k, v in postings.items() if v}, sounds, n


@settings(max_examples=200)
@given(indexes())
def test_key_overlap_is_its_definition(case: tuple[list[int], list[list[str]],
                                                   dict[str, list[int]], list[str], int]) -> None:
    rows, groups, postings, sounds, n = case
    cache = [-1.0] * n
    fast = key_overlap(rows, groups, postings, sounds, n, cache)
    expected = reference(rows, groups, postings, sounds, n)
    assert all(math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12) for a, b in zip(fast, expected)), \
        (fast, expected)
    assert key_overlap(rows, groups, postings, sounds, n, cache) == fast  # from the cache too


@settings(max_examples=100)
@given(indexes())
def test_weights_worked_out_at_build_are_those_of_the_query_path(
        case: tuple[list[int], list[list[str]], dict[str, list[int]], list[str], int]) -> None:
    # A resolver works out every row's weight when it is built (row_weights); a query
    # must answer as it would with weights worked out as it meets the rows.
    rows, groups, postings, sounds, n = case
    built = row_weights(sounds, postings, n, {})
    assert key_overlap(rows, groups, postings, sounds, n, built) == \
        key_overlap(rows, groups, postings, sounds, n, [-1.0] * n)


@given(st.lists(st.sampled_from(["K1", "K10", "K2", "AMR", "MTK", "A"]), min_size=1, max_size=5),
       st.sampled_from(["K1", "K10", "K2", "AMR", "MTK", "A", "MT", "K"]))
def test_has_key_is_membership_of_the_split_keys(keys: list[str], key: str) -> None:
    text = " ".join(keys)
    assert has_key(text, key) == (key in text.split(" "))


@settings(max_examples=200)
@given(indexes(), st.integers(0, 2**61 - 1))
def test_signatures_skip_only_rows_that_lack_the_key(
        case: tuple[list[int], list[list[str]], dict[str, list[int]], list[str], int],
        noise: int) -> None:
    # A row's signature holds the bits of every key it is listed under (and, as a Bloom
    # filter, maybe others: ``noise``); skipping the rows whose signature lacks a key's
    # bits must not change a single overlap.
    rows, groups, postings, sounds, n = case
    listed = [[k for k, v in postings.items() if row in v] for row in range(n)]
    exact = [key_signature(keys) for keys in listed]
    noisy = [signature | noise for signature in exact]
    plain = key_overlap(rows, groups, postings, sounds, n, [-1.0] * n)
    assert key_overlap(rows, groups, postings, sounds, n, [-1.0] * n, signatures=exact) == plain
    assert key_overlap(rows, groups, postings, sounds, n, [-1.0] * n, signatures=noisy) == plain


@given(st.lists(st.text(min_size=1, max_size=6), max_size=8), st.text(min_size=1, max_size=6))
def test_a_signature_has_the_bits_of_its_keys(keys: list[str], key: str) -> None:
    signature = key_signature(keys)
    assert 0 <= signature < 2**61
    for k in keys:
        # Pairs of parts and keys less a letter never stand for a part: left out.
        if k[0] != "~" and "+" not in k:
            assert signature & key_mask(k) == key_mask(k)
    assert 1 <= bin(key_mask(key)).count("1") <= 2
