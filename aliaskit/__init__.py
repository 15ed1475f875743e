"""aliaskit: resolve the names of Afghan and Iranian people, places and organisations.

```pycon
>>> import aliaskit
>>> aliaskit.normalize("Amir Khan Mottaki")
'amir khan mottaki'
>>> aliaskit.phonetic_key("Mottaki") == aliaskit.phonetic_key("Muttaqi")
True

```
"""

from importlib import metadata as _metadata

from ._cluster import cluster
from ._compare import Profile, compare, load_profile, part_weight
from ._errors import AliaskitError, DataFileError, InvalidArgumentError, InvalidNameError
from ._gazetteer import iter_gazetteer, read_gazetteer
from ._judgements import Judgement, Judgements, JudgementValue
from ._keys import metaphone_key, nysiis_key, phonetic_key, variant_group
from ._link import LINK_THRESHOLD, link
from ._normalize import MAX_NAME_LENGTH, name_parts, normalize
from ._reference import load_reference
from ._regional import load_regional
from ._resolve import AMBIGUITY_MARGIN, Resolver, bundled_layers, merge_layers
from ._types import (
    Alias,
    AliasOrigin,
    AlignedPart,
    Cluster,
    ClusterMember,
    Comparison,
    Entity,
    Kind,
    Layer,
    LinkedMention,
    Match,
    Mention,
    Method,
    NamePart,
    PartRole,
    Script,
)

try:
    __version__ = _metadata.version("aliaskit")
except _metadata.PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

__all__ = [
    "AMBIGUITY_MARGIN",
    "LINK_THRESHOLD",
    "MAX_NAME_LENGTH",
    "Alias",
    "AliasOrigin",
    "AliaskitError",
    "AlignedPart",
    "Cluster",
    "ClusterMember",
    "Comparison",
    "DataFileError",
    "Entity",
    "InvalidArgumentError",
    "InvalidNameError",
    "Judgement",
    "JudgementValue",
    "Judgements",
    "Kind",
    "Layer",
    "LinkedMention",
    "Match",
    "Mention",
    "Method",
    "NamePart",
    "PartRole",
    "Profile",
    "Resolver",
    "Script",
    "__version__",
    "bundled_layers",
    "cluster",
    "compare",
    "iter_gazetteer",
    "link",
    "load_profile",
    "load_reference",
    "load_regional",
    "merge_layers",
    "metaphone_key",
    "name_parts",
    "normalize",
    "nysiis_key",
    "part_weight",
    "phonetic_key",
    "read_gazetteer",
    "variant_group",
]
