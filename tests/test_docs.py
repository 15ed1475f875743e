"""The examples in docstrings and the README's commands must keep working."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import aliaskit

REPO = Path(__file__).parent.parent
MODULES = sorted(
    name for _, name, _ in pkgutil.walk_packages(aliaskit.__path__, prefix="aliaskit.")
)


@pytest.mark.parametrize("name", ["aliaskit", *MODULES])
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def test_public_api_is_documented() -> None:
    for name in aliaskit.__all__:
        obj = getattr(aliaskit, name)
        if callable(obj) and not isinstance(obj, type(aliaskit.Kind)):
            assert getattr(obj, "__doc__", None), f"{name} has no docstring"


def test_ci_runs_the_readme_test_command() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    commands = re.findall(r"^(python3 -m venv .+)$", readme, flags=re.MULTILINE)
    assert len(commands) == 2, commands
    test_command = next(c for c in commands if "pytest" in c)
    assert test_command in ci.splitlines()


@pytest.mark.parametrize("page", ["README.md", "docs/index.md", "docs/cli.md",
                                  "docs/comparison.md"])
def test_console_example_is_what_the_cli_prints(page: str) -> None:
    """A page's first console example (its command and the lines up to a blank one) is
    what the installed CLI prints: a score quoted there goes stale when the model is
    refitted, unless this fails."""
    import shlex

    from test_cli import run_tty

    text = (REPO / page).read_text(encoding="utf-8")
    block = text.split("```console\n", 1)[1].split("```", 1)[0].split("\n\n", 1)[0].splitlines()
    command, expected = block[0], block[1:]
    assert command.startswith("$ aliaskit ") and expected
    # What a person sees: a terminal (on a pipe the CLI writes JSON Lines).
    code, out, _ = run_tty(*shlex.split(command[2:])[1:])
    assert code == 0 and out.splitlines() == expected


def test_the_profiles_table_quotes_the_fitted_thresholds() -> None:
    """docs/comparison.md's table of profiles gives each threshold of data/model.txt (a
    refit moves them)."""
    from aliaskit import _data

    text = (REPO / "docs" / "comparison.md").read_text(encoding="utf-8")
    quoted = dict(re.findall(r"^\| (default|screening|dedupe) \| ([0-9.]+) \|", text, re.MULTILINE))
    assert {name: float(value) for name, value in quoted.items()} == dict(_data.model().thresholds)


DOC_PAGES = ["README.md", "docs/index.md", "docs/data.md", "docs/resolve.md", "docs/link.md"]


@pytest.mark.parametrize("page", DOC_PAGES)
def test_examples_in_pages_run(page: str) -> None:
    result = doctest.testfile(str(REPO / page), module_relative=False,
                              optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_benchmark_helper_examples(monkeypatch: pytest.MonkeyPatch) -> None:
    # benchmarks/_common.py decides whether CI's regenerated files (the fitted model)
    # are up to date: its examples say what a rounding difference is, and is not.
    monkeypatch.syspath_prepend(str(REPO / "benchmarks"))
    module = importlib.import_module("_common")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 3 and result.failed == 0
