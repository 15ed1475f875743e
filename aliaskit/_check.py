"""Validation of the bundled data files (``aliaskit data check``, run in CI).

Parsing already rejects malformed lines; this adds the rules that span lines and
files: unique ids, no spelling in two unrelated variant groups, symmetric relations,
every spelling a single name part, every form non-empty after normalisation.
"""

from __future__ import annotations

import itertools
from collections import defaultdict

from . import _data
from ._errors import AliaskitError
from ._keys import variant_index
from ._normalize import name_parts, normalize
from ._parsing import _fold_arabic
from ._regional import check_regional


def _spelling_key(spelling: str) -> str:
    return normalize(spelling).replace(" ", "")


def check_variants() -> list[str]:
    problems: list[str] = []
    groups = _data.variant_groups()
    path = str(_data.data_dir() / "variants.txt")
    by_id = {}
    for group in groups:
        if group.id in by_id:
            problems.append(f"{path}:{group.line}: duplicate group id {group.id!r}")
        by_id[group.id] = group
    owners: dict[str, list[str]] = defaultdict(list)
    script_owners: dict[str, list[str]] = defaultdict(list)
    for group in groups:
        seen: set[str] = set()
        for spelling in group.spellings:
            try:
                parts = name_parts(spelling)
            except AliaskitError as exc:
                problems.append(f"{path}:{group.line}: spelling {spelling!r}: {exc}")
                continue
            if len(parts) != 1:
                problems.append(
                    f"{path}:{group.line}: spelling {spelling!r} is {len(parts)} name parts "
                    f"({' '.join(p.text for p in parts)}); a group holds one part"
                )
            key = _spelling_key(spelling)
            if key in seen:
                problems.append(f"{path}:{group.line}: spelling {spelling!r} listed twice")
            seen.add(key)
            owners[key].append(group.id)
        seen_script: set[str] = set()
        for form in group.script_forms:
            folded = _fold_arabic(form).replace(" ", "")
            if not folded:
                problems.append(f"{path}:{group.line}: empty Perso-Arabic form {form!r}")
                continue
            if folded in seen_script:
                problems.append(f"{path}:{group.line}: Perso-Arabic form {form!r} listed twice")
            seen_script.add(folded)
            script_owners[folded].append(group.id)
        for other in group.related:
            if other not in by_id:
                problems.append(f"{path}:{group.line}: related id {other!r} does not exist")
            elif group.id not in by_id[other].related:
                problems.append(
                    f"{path}:{group.line}: relation {group.id} → {other} is not declared back"
                )
    for kind, table in (("spelling", owners), ("Perso-Arabic form", script_owners)):
        for key, ids in table.items():
            for a, b in itertools.combinations(sorted(set(ids)), 2):
                if b not in by_id[a].related:
                    problems.append(
                        f"{path}:{by_id[b].line}: {kind} {key!r} is in groups {a!r} and {b!r}, "
                        "which are not declared related"
                    )
    return problems


def check_forms() -> list[str]:
    problems: list[str] = []
    for title in _data.titles():
        for form in (*title.forms, *title.script_forms):
            try:
                normalize(form)
            except AliaskitError as exc:
                problems.append(f"titles.txt: {title.id}: form {form!r}: {exc}")
    for particle in _data.particles():
        for form in (*particle.forms, *particle.script_forms):
            try:
                normalize(form)
            except AliaskitError as exc:
                problems.append(f"particles.txt: {particle.id}: form {form!r}: {exc}")
    return problems


def check_org_terms() -> list[str]:
    """Organisation forms and words normalise, and no legal form is a personal name."""
    problems: list[str] = []
    names = variant_index().group_of
    for term in _data.org_terms():
        for form in term.forms:
            try:
                normal = normalize(form)
            except AliaskitError as exc:
                problems.append(f"org forms: {term.symbol}: form {form!r}: {exc}")
                continue
            if term.role == "form" and normal in names:
                problems.append(f"org forms: {term.symbol}: {form!r} is a spelling of a name "
                                "in variants.txt; it would be set aside in personal names")
    return problems


def check_all() -> list[str]:
    """Return every problem found in the data files (an empty list means all is well)."""
    problems: list[str] = []
    for loader in (_data.script_rules, _data.titles, _data.particles, _data.key_rules,
                   _data.fold_rules, _data.fold_readings, _data.variant_groups,
                   _data.generic_words, _data.kind_words, _data.model, _data.profiles,
                   _data.translations, _data.letters, _data.stopwords, _data.demonyms,
                   _data.context_cues, _data.org_terms, _data.context_weights):
        try:
            loader()
        except AliaskitError as exc:
            problems.append(str(exc))
    if problems:
        return problems
    try:
        if not _data.fold_table():
            problems.append(f"{_data.FOLD_TABLE}: made with other fold rules than fold.txt's; "
                            "run `aliaskit data build`")
    except AliaskitError as exc:
        problems.append(str(exc))
    return problems + check_forms() + check_variants() + check_org_terms() + check_regional()
