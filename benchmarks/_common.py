"""Shared helpers for the benchmark scripts (not part of the installed package)."""

from __future__ import annotations

import csv
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
PAIRS = HERE / "pairs.csv"
RESULTS = HERE / "results"
ARABIC = range(0x0600, 0x0700)


def generated(path: Path, text: str, command: str, *, check: bool,
              last_digit: bool = False) -> int:
    """Write a generated file, or with ``check`` compare it with ``text``: 1 when it is
    out of date (saying which ``command`` regenerates it), else 0. With ``last_digit``,
    numbers may differ by one unit in their last printed digit (see same_but_rounding)."""
    if check:
        old = path.read_text(encoding="utf-8") if path.exists() else None
        if old is None or (old != text and not (last_digit and same_but_rounding(old, text))):
            print(f"{path} is out of date: run {command}", file=sys.stderr)
            return 1
        print(f"{path} is up to date" + ("" if old == text else
                                          " (a last digit differs: floating-point rounding)"))
        return 0
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}")
    return 0


def same_but_rounding(old: str, new: str) -> bool:
    """Do two generated texts differ only in the last printed digit of some numbers, by
    one unit? A fit's sums and exponentials round differently on processors with other
    vector instructions (numpy and OpenBLAS pick their kernels by the processor), which
    can turn a coefficient's fifth decimal, and so the fourth printed, one way or the
    other: that is not a model out of date.

    ```pycon
    >>> same_but_rounding("evidence | 8.0456", "evidence | 8.0457")
    True
    >>> same_but_rounding("evidence | 8.0456", "evidence | 8.0458")
    False
    >>> same_but_rounding("word | bank | 0.44", "word | banks | 0.44")
    False

    ```
    """
    old_lines, new_lines = old.splitlines(), new.splitlines()
    if len(old_lines) != len(new_lines):
        return False
    for a, b in zip(old_lines, new_lines):
        old_words, new_words = a.split(), b.split()
        if a != b and (len(old_words) != len(new_words) or not all(
                x == y or _one_unit_apart(x, y) for x, y in zip(old_words, new_words))):
            return False
    return True


def _one_unit_apart(x: str, y: str) -> bool:
    """Two numbers printed with the same decimals, at most one unit of the last apart."""
    places = len(x.partition(".")[2])
    try:
        gap = abs(float(x) - float(y))
    except ValueError:
        return False
    return places == len(y.partition(".")[2]) and gap <= 1.01 * 10.0 ** -places


def has_script(text: str) -> bool:
    return any(ord(ch) in ARABIC for ch in text)


def load_pairs(split: str = "all") -> list[dict[str, str]]:
    with PAIRS.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if split != "all":
        rows = [r for r in rows if r["split"] == split]
    return rows


def roc_auc(scores: Sequence[float], labels: Sequence[int]) -> float:
    """Area under the ROC curve (Mann-Whitney statistic, ties count one half)."""
    ranked = sorted(zip(scores, labels), key=lambda x: x[0])
    positives = sum(labels)
    negatives = len(labels) - positives
    if positives == 0 or negatives == 0:
        return float("nan")
    rank_sum = 0.0
    i = 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        average_rank = (i + j + 1) / 2  # ranks are 1-based
        rank_sum += average_rank * sum(label for _, label in ranked[i:j])
        i = j
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def prf(scores: Sequence[float], labels: Sequence[int], threshold: float) -> dict[str, float]:
    tp = sum(1 for s, y in zip(scores, labels) if s >= threshold and y)
    fp = sum(1 for s, y in zip(scores, labels) if s >= threshold and not y)
    fn = sum(1 for s, y in zip(scores, labels) if s < threshold and y)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def best_f1_threshold(scores: Sequence[float], labels: Sequence[int]) -> float:
    best, best_t = -1.0, 0.5
    for t in sorted(set(scores)):
        f1 = prf(scores, labels, t)["f1"]
        if f1 > best:
            best, best_t = f1, t
    return best_t


def median_rate(fn: Callable[[], int], repeats: int = 5, *,
                setup: Callable[[], None] | None = None) -> float:
    """Median items per second of ``fn`` (which returns how many items it processed).

    ``setup`` (e.g. emptying caches) runs before each timed run, outside the timing.
    """
    rates = []
    for _ in range(repeats):
        if setup is not None:
            setup()
        start = time.perf_counter()
        count = fn()
        rates.append(count / (time.perf_counter() - start))
    return statistics.median(rates)


def machine() -> dict[str, Any]:
    import os

    return {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "command": " ".join(["python", *sys.argv]),
    }


def _no_nan(value: Any) -> Any:
    """``value`` with every NaN as None: NaN is not JSON, and strict parsers refuse it."""
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, dict):
        return {k: _no_nan(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_no_nan(v) for v in value]
    return value


def save(name: str, data: dict[str, Any]) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(_no_nan(data), indent=1, ensure_ascii=False, allow_nan=False)
                    + "\n", encoding="utf-8")
    return path


def clear_comparison_caches() -> None:
    """Forget everything learnt about names, words and pairs of words: a process that
    has just started (with its data files loaded)."""
    from aliaskit import _keys, _parsing, _scoring

    clear_name_caches()
    for cached in (
        _scoring._pair,  # pairs of words
        _parsing._word_forms, _scoring._spelling,
        _keys.part_key, _keys.rule_key,  # single words
    ):
        cached.cache_clear()


def clear_name_caches() -> None:
    """Forget every per-name result; keep what is known about words and pairs of words."""
    from aliaskit import _scoring

    for cached in (_scoring._light, _scoring._parts, _scoring._name,
                   _scoring._translated_orders):
        cached.cache_clear()
