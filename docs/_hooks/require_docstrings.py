"""MkDocs hook: fail the build when a public name of aliaskit has no docstring."""

from __future__ import annotations

import inspect
from typing import Any


def on_pre_build(config: Any) -> None:
    import aliaskit
    import aliaskit.spark

    missing = []
    for module in (aliaskit, aliaskit.spark):
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if (inspect.isclass(obj) or inspect.isfunction(obj)) and not inspect.getdoc(obj):
                missing.append(f"{module.__name__}.{name}")
    if missing:
        raise SystemExit("public names without a docstring: " + ", ".join(missing))
