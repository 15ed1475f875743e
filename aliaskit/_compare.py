"""Stage 3: explained comparison of two names.

``compare(a, b)`` splits both names into parts (titles, connectors and particles are
set aside), scores every pair of identity parts with the best evidence available,
aligns the parts order-independently, and combines the aligned similarities weighted
by how informative each part is. Unmatched parts count against a match
asymmetrically: a part present on one side only (a missing middle name) costs little,
two different parts in the same slot (Khan / Karim) cost a lot.

The work is done in :mod:`aliaskit._scoring` (compiled with mypyc when built); this
module checks the arguments.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from . import _data
from ._data import Profile
from ._errors import DataFileError, InvalidArgumentError, InvalidNameError
from ._parsing import _is_arabic, one_part
from ._scoring import _compared, _part_weight
from ._types import Comparison, Kind, _require_kind

__all__ = ["Profile", "compare", "load_profile", "part_weight"]


def part_weight(text: str, *, kind: Kind | None = None) -> float:
    """How much a name part says about identity, in (0, 1]; ``text`` is normalised first
    ("Mohammad" weighs what "mohammad" does), and must be one part.

    Common parts (Mohammad, Khan, Gul) weigh little, rare ones (Muttaqi) fully; the
    commonness classes come from data/variants.txt and data/generic_words.txt. For an
    organisation (or an unknown kind), a word common among organisation names weighs
    what the fitted model says (data/model.txt: the commoner, the less; "industries"
    little, "Khazar" fully).

    ```pycon
    >>> part_weight("mohammad") < part_weight("muttaqi")
    True

    ```
    """
    _require_kind(kind)
    if not isinstance(text, str):
        raise TypeError(f"a name part must be a string, not {type(text).__name__}")
    if not text.strip():
        raise InvalidNameError(f"a name part must be a non-empty string, not {text!r}")
    return _part_weight(one_part(text), kind)


def _profile(profile: str | Profile) -> Profile:
    if isinstance(profile, Profile):
        return profile
    if not isinstance(profile, str):
        raise TypeError(f"profile must be a profile name or a Profile, not {type(profile).__name__}")
    profiles = _data.profiles()
    if profile not in profiles:
        raise InvalidArgumentError(
            f"unknown profile {profile!r}; choose one of {', '.join(sorted(profiles))}"
        )
    return profiles[profile]


def pair_script(a: str, b: str) -> str:
    """"latin", "cross-script" or "arabic": the scripts two names are written in."""
    left = any(_is_arabic(ch) for ch in a)
    right = any(_is_arabic(ch) for ch in b)
    return "arabic" if left and right else "cross-script" if left or right else "latin"


def load_profile(path: str | Path, name: str | None = None) -> Profile:
    """A decision profile from a profile file (data/profiles.txt's format), such as the
    one ``aliaskit calibrate`` writes: the profile ``name``, or the file's only one.

    The result goes wherever a profile name does: ``compare(a, b, profile=...)``,
    ``Resolver.resolve(name, profile=...)``, ``cluster(names, profile=...)``. Raises
    :class:`~aliaskit.DataFileError` for a missing or malformed file.
    """
    if name is not None and not isinstance(name, str):
        raise TypeError(f"name must be a string, not {type(name).__name__}")
    profiles = _data.load_profiles(path)
    if name is None:
        if len(profiles) == 1:
            return next(iter(profiles.values()))
        raise DataFileError(f"defines several profiles ({', '.join(profiles)}); choose one by name",
                            path=str(path))
    if name not in profiles:
        raise DataFileError(f"no profile {name!r} (the file defines {', '.join(profiles)})",
                            path=str(path))
    return profiles[name]


def compare(
    a: str,
    b: str,
    *,
    kind: Kind | None = None,
    profile: str | Profile = "default",
    weights: Mapping[str, float] | None = None,
) -> Comparison:
    """Compare two names; return the score, the decision and the explained alignment.

    ``kind`` ("person", "place", "org") adjusts the weights of generic words such as
    "Front" or "Province". ``profile`` picks the decision threshold
    (data/profiles.txt: "default", "screening" for recall, "dedupe" for precision; or a
    :class:`Profile` from :func:`load_profile`, whose thresholds may depend on the kind
    and on the scripts of the pair).
    ``weights`` maps normalised parts to weights in (0, 1] that override the bundled
    commonness (e.g. computed from your own gazetteer).

    ```pycon
    >>> c = compare("Amir Khan Muttaqi", "امیر خان متقی")
    >>> c.is_match, c.score > 0.9
    (True, True)
    >>> compare("Mohammad Khan", "Mohammad Karim").is_match
    False
    >>> c = compare("Mullah Abdul Qahar Balkhi", "Abdulqahar Balkhy")
    >>> [(r.method, r.similarity) for r in c.alignment]
    [('exact', 1.0), ('variant', 0.97), ('title', 0.0)]
    >>> print(c.explain().splitlines()[2])
      Balkhi             Balkhy             variant         sim 0.97  weight 0.80  log-odds ...)

    ```

    The score is symmetric, in [0, 1], and 1.0 only for names equal after
    normalisation. Raises :class:`~aliaskit.InvalidNameError` for invalid names,
    :class:`~aliaskit.InvalidArgumentError` for an unknown kind or profile or a weight
    outside (0, 1], and :class:`TypeError` for an argument of the wrong type.
    """
    _require_kind(kind)
    chosen = _profile(profile)
    if chosen.groups and isinstance(a, str) and isinstance(b, str):
        chosen = chosen.for_pair(kind, pair_script(a, b))
    if weights is not None and not isinstance(weights, Mapping):
        raise TypeError(f"weights must map name parts to numbers, not {type(weights).__name__}")
    if weights:
        # The first key only: a gazetteer's table can be large, and its values are
        # checked where they are used (a table keyed by anything else matches no part).
        key = next(iter(weights))
        if not isinstance(key, str):
            raise TypeError(f"weights must map name parts (strings) to numbers, not "
                            f"{type(key).__name__} keys")
    return _compared(a, b, kind, chosen, weights)
