"""Build step: compile the comparison hot path with mypyc, or install it as pure Python.

``compare()`` spends its time in Python-level code in two modules, and the resolver at
a million aliases as much in its pre-rank (_prerank.py); compiled to C with mypyc (from
the same, type-checked sources) comparison runs 1.6-3x faster (benchmarks/compare.py).
Everything else in the build is declared in pyproject.toml.

The compiled modules are optional: with ``ALIASKIT_PURE_PYTHON=1`` in the environment,
on interpreters mypyc does not support, or when there is no C compiler, the same
modules are installed as plain Python and behave identically (CI runs the tests both
ways). Editable installs (``pip install -e .``) are always pure Python: a compiled
module next to its .py file would shadow every edit.
"""

from __future__ import annotations

import os
import platform
import sys

from setuptools import setup

COMPILED = ["aliaskit/_parsing.py", "aliaskit/_prerank.py", "aliaskit/_scoring.py"]


def ext_modules() -> list[object]:
    if os.environ.get("ALIASKIT_PURE_PYTHON") or platform.python_implementation() != "CPython":
        return []
    if "editable_wheel" in sys.argv:
        # An editable install is for editing the sources: a compiled module next to its
        # .py file would shadow every edit.
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:
        print("aliaskit: mypyc is not available; installing pure Python", file=sys.stderr)
        return []
    try:
        extensions = mypycify(COMPILED, opt_level="3", group_name="aliaskit")
    except (Exception, SystemExit) as exc:  # a type error here would be a bug: say so, still install
        print(f"aliaskit: mypyc failed ({exc}); installing pure Python", file=sys.stderr)
        return []
    for extension in extensions:
        extension.optional = True  # no C compiler: the .py modules are used
    return list(extensions)


setup(ext_modules=ext_modules())
