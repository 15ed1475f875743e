"""The worker processes of --workers (aliaskit._pool): results in input order, the
input read only a few chunks ahead, an error of the input raised in its place."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Iterator

import pytest

from aliaskit._pool import WINDOW, Workers

pytestmark = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(),
                                reason="the workers here are forked")


def _double(items: list[int]) -> list[int]:
    return [2 * i for i in items]


def test_results_in_order_whatever_the_chunks() -> None:
    with Workers(multiprocessing.get_context("fork"), 3, _double) as workers:
        assert list(workers.map(range(5000), chunk=64)) == [2 * i for i in range(5000)]
        assert list(workers.map([], chunk=64)) == []


def test_the_input_is_read_a_few_chunks_ahead() -> None:
    pulled = 0

    def items() -> Iterator[int]:
        nonlocal pulled
        for i in range(1_000_000):
            pulled += 1
            yield i

    with Workers(multiprocessing.get_context("fork"), 2, _double) as workers:
        results = workers.map(items(), chunk=64)
        assert [next(results) for _ in range(10)] == [2 * i for i in range(10)]
        time.sleep(1)  # (time for the reading thread to run ahead, were it unbounded)
        # The queue of items read, the chunks handed out, one being gathered.
        assert pulled <= 64 * WINDOW * 2 * 2 + 64 + 10 + 1


def test_an_error_of_the_input_comes_after_the_rows_before_it() -> None:
    def items() -> Iterator[int]:
        yield from range(300)
        raise ValueError("line 301: bad input")

    with Workers(multiprocessing.get_context("fork"), 2, _double) as workers:
        got: list[int] = []
        with pytest.raises(ValueError, match="line 301"):
            for value in workers.map(items(), chunk=64):
                got.append(value)
        assert got == [2 * i for i in range(300)]
