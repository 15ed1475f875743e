"""Text shown to a person (a terminal, the review page): characters that can drive a
terminal, or hide or reorder text (bidi overrides), written as Python escapes."""

from __future__ import annotations

import functools
import unicodedata

__all__ = ["visible", "visible_text"]

# Invisible but meaningful in Persian text: the zero-width (non-)joiner stays as it is.
_KEEP = frozenset("\u200c\u200d")
# Deletes the kept characters: a text that is printable without them has nothing unsafe,
# and Persian names often carry a zero-width non-joiner.
_WITHOUT_KEPT = str.maketrans(dict.fromkeys(_KEEP))
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _nothing_unsafe(text: str) -> bool:
    """A shortcut checked in C: every unsafe character is unprintable, and most text has
    none but the kept joiners."""
    return text.isprintable() or text.translate(_WITHOUT_KEPT).isprintable()


@functools.lru_cache(maxsize=4096)
def _is_unsafe(char: str) -> bool:
    """Control characters (C0, DEL, C1), format characters such as the bidi overrides
    (U+202A-U+202E, U+2066-U+2069) and zero-width spaces, line and paragraph separators,
    and lone surrogates: what can drive a terminal or hide or reorder text."""
    category = unicodedata.category(char)
    return category in ("Cc", "Cs", "Zl", "Zp") or (category == "Cf" and char not in _KEEP)


def _escape_char(char: str) -> str:
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def visible(text: str) -> str:
    r"""``text`` safe for a terminal: unsafe characters written as Python escapes.

    ```pycon
    >>> visible("Muttaqi\x1b]0;pwned\x07 \u202eabc")
    'Muttaqi\\x1b]0;pwned\\x07 \\u202eabc'
    >>> visible("خامنه\u200cای") == "خامنه\u200cای"
    True

    ```
    """
    if _nothing_unsafe(text):
        return text
    return "".join(_escape_char(c) if _is_unsafe(c) else c for c in text)


# Kept in running text besides the joiners: line breaks and tabs, and the marks that
# only set the direction of the characters next to them (left-to-right, right-to-left,
# Arabic letter mark), which Persian web text carries and which reorder nothing.
_KEEP_IN_TEXT = frozenset("\n\r\t\u200e\u200f\u061c")


def visible_text(text: str) -> str:
    r"""Running text (an article in the link page) safe to show: as :func:`visible`,
    but its line breaks, tabs and direction marks kept.

    ```pycon
    >>> visible_text("met \u202eAmir\u202c in Kabul.\nNext line")
    'met \\u202eAmir\\u202c in Kabul.\nNext line'

    ```
    """
    if _nothing_unsafe(text.replace("\n", "").replace("\t", "").replace("\r", "")):
        return text
    return "".join(_escape_char(c) if _is_unsafe(c) and c not in _KEEP_IN_TEXT else c
                   for c in text)
