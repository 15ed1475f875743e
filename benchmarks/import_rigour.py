"""Import organisation-name vocabulary from rigour and write data/org_words.txt.

    pip install --no-deps "rigour==1.8.2" orjson   # build time only; not a dependency
    python benchmarks/import_rigour.py           # write data/org_words.txt
    python benchmarks/import_rigour.py --check   # fail if it differs from what rigour gives

rigour (https://github.com/opensanctions/rigour, MIT licence, by OpenSanctions) keeps
two lists that organisation matching needs and that this project should not write by
hand: the legal and company forms of the world's jurisdictions (``ORG_TYPES``, from
OCCRP's list, ISO 20275 and Wikipedia), and the generic words of organisation names
with their forms in many languages (``ORG_SYMBOLS`` and ``ORG_DOMAINS``: "industry",
"industries", "industrial"). The 1.8 wheels hold them as Python data; later releases
compile them into a Rust extension.

What is kept, and why:
- Latin- and Arabic-script forms only (the names aliaskit reads), normalised by
  aliaskit's own tokenizer, so that the parser matches them as it reads names.
- A form that is a spelling of a personal name in data/variants.txt, a title or a
  particle is dropped: it would turn "Ali" or "Mullah" into a company word.
- ``form`` rows are legal and company forms (Ltd, PJSC, Company, Group, Holding): the
  parser sets them aside, as it does titles. A form made only of one-letter words
  ("S A") is dropped: initials of a personal name look the same.
- ``word`` rows are generic words: two forms of one symbol align as a translation.
  Multi-word forms are dropped there (an alignment pairs single words). A few words
  that rigour files under a broader symbol are given their own (``SPLIT``: petrochemical
  is not oil, metal is not steel).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from _common import generated

from aliaskit import _data
from aliaskit._parsing import _form_words

VERSION = "1.8.2"
OUT = Path(__file__).resolve().parent.parent / "data" / "org_words.txt"
# rigour's ORG_SYMBOLS that are company forms rather than words of a name: the issue's
# list (Company, Co., Corporation, Group, Holding) is these symbols.
COMPANY_SYMBOLS = ("CO", "CORP", "GRP", "HOLDING")
# Words that rigour puts under one symbol but that name different things in the names
# aliaskit reads, moved to a symbol of their own: a petrochemical company is not an oil
# company ("Persian Gulf Petrochemical Industries" / "Persian Gulf Star Oil Company"),
# nor is a metal works a steel works. The translations of these words are in
# data/translations.txt.
SPLIT = {
    "OIL": ("PETROCHEMICAL", ("petrochemical", "petrokimya")),
    "STEEL": ("METAL", ("metal", "metallurgical", "metallurgy", "metalurji")),
}


def _is_our_script(text: str) -> bool:
    return all(ch.isascii() or "\u0600" <= ch <= "\u06ff" or not ch.isalpha() for ch in text)


def _normalised(form: str) -> str:
    return " ".join(_form_words(form))


def build() -> str:
    try:
        from importlib.metadata import version

        from rigour.data.names.data import ORG_DOMAINS, ORG_SYMBOLS
        from rigour.data.names.org_types import ORG_TYPES
    except ImportError:
        raise SystemExit(f"needs rigour {VERSION}: pip install 'rigour=={VERSION}'") from None
    found = version("rigour")
    if found != VERSION:
        raise SystemExit(f"needs rigour {VERSION}, found {found}")
    # Personal names, titles and particles as the tokenizer reads them (not through the
    # parser's lexicon: it holds the forms of this very file).
    names = {_form_words(s) for group in _data.variant_groups() for s in group.spellings}
    reserved = {_form_words(form) for entry in (*_data.titles(), *_data.particles())
                for form in (*entry.forms, *entry.script_forms)}

    def keep(form: str, *, single: bool) -> str | None:
        if not _is_our_script(form):
            return None
        words = _form_words(form)
        if not words or (single and len(words) > 1) or all(len(w) == 1 for w in words):
            return None
        if words in reserved or words in names:
            return None
        return " ".join(words)

    rows: dict[tuple[str, str], dict[str, None]] = {}
    seen_forms: set[str] = set()

    def add(role: str, symbol: str, forms: list[str], *, single: bool) -> None:
        for form in forms:
            kept = keep(form, single=single)
            if kept is None or (role == "form" and kept in seen_forms):
                continue
            if role == "form":
                seen_forms.add(kept)
            rows.setdefault((role, symbol), {})[kept] = None

    for spec in ORG_TYPES:
        symbol = "".join(ch for ch in (spec.get("generic") or spec.get("display") or "").upper()
                         if ch.isascii() and ch.isalnum())
        if not symbol:
            continue
        forms = [spec.get("display") or "", spec.get("compare") or "", *spec.get("aliases", [])]
        add("form", symbol, [f for f in forms if f], single=False)
    for symbol in COMPANY_SYMBOLS:
        add("form", symbol, list(ORG_SYMBOLS[symbol]), single=False)
    for table in (ORG_SYMBOLS, ORG_DOMAINS):
        for symbol, forms in table.items():
            if symbol in COMPANY_SYMBOLS:
                continue
            moved, words = SPLIT.get(symbol, ("", ()))
            kept = [f for f in forms if not moved or keep(f, single=True) not in words]
            add("word", symbol, kept, single=True)
            if moved:
                add("word", moved, [f for f in forms if f not in kept], single=True)
    lines = [
        f"# Generated by benchmarks/import_rigour.py from rigour {VERSION}; do not edit.",
        "# rigour: https://github.com/opensanctions/rigour, MIT licence, (c) OpenSanctions;",
        "# its org types come from OCCRP's list, ISO 20275 (GLEIF) and Wikipedia.",
        "# role | symbol | forms (normalised words; comma-separated)",
        "#   form: a legal or company form, set aside when names are compared (like a title)",
        "#   word: a generic word of organisation names; forms of one symbol align as",
        "#         translations (Industry / Industries / Industrial)",
        "# Curated additions (Persian forms, sources given) are in data/org_forms.txt.",
    ]
    for (role, symbol), forms in sorted(rows.items()):
        if forms:
            lines.append(f"{role} | {symbol} | {', '.join(forms)}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if data/org_words.txt differs")
    args = parser.parse_args(argv)
    text = build()
    return generated(OUT, text, "python benchmarks/import_rigour.py", check=args.check)


if __name__ == "__main__":
    sys.exit(main())
