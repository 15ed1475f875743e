"""aliaskit on Apache Spark: resolve and compare names in DataFrames.

An optional extra: ``pip install ".[spark]"`` in the aliaskit checkout. Everything is map-only (no
shuffle) and vectorised with Arrow through ``mapInPandas``. The resolver is shipped to
the executors once (a saved index added with ``SparkContext.addFile``; the bundled
reference data needs no shipping, it is in the installed package) and loaded once per
Python worker process, never per row or per batch.

Results are the same as the single-process :class:`aliaskit.Resolver` on the same input.
Null names give null results; names that are not valid (empty, no letters, ...) give a
result whose ``error`` field says why; a missing or non-string column raises
:class:`~aliaskit.AliaskitError` on the driver, before any job runs.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import tempfile
from collections import OrderedDict
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ._compare import compare
from ._errors import AliaskitError
from ._resolve import Resolver
from ._types import Kind, _require_kind

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from pyspark.sql import DataFrame

__all__ = ["compare_columns", "resolve_column"]

# Per Python worker: index file name → resolver, the most recently used last. At most
# WORKER_RESOLVERS are kept: a session that resolves with many resolvers one after the
# other must not hold them all (each is about 1 GB at a million aliases).
_RESOLVERS: OrderedDict[str, Resolver] = OrderedDict()
WORKER_RESOLVERS = 2
# On the driver: the index files shipped so far (a resolver saved again with the same
# content is the same file, shipped once).
_SHIPPED: set[str] = set()


def _pyspark() -> Any:
    try:
        import pyspark.sql.types as types
    except ImportError:
        raise AliaskitError(
            'aliaskit.spark needs pyspark: pip install ".[spark]" in the aliaskit checkout'
        ) from None
    return types


def _check_column(df: DataFrame, column: str) -> None:
    types = _pyspark()
    if column not in df.columns:
        raise AliaskitError(f"no column {column!r} in the DataFrame (columns: {', '.join(df.columns)})")
    data_type = df.schema[column].dataType
    if not isinstance(data_type, types.StringType):
        raise AliaskitError(
            f"column {column!r} holds {data_type.simpleString()}, not strings; cast it first"
        )


# The fields of Match.to_dict() that the struct carries, with their Spark types (the
# alias's provenance, a list of mentions, stays out), then the error.
_MATCH_FIELDS = {"id": "string", "name": "string", "kind": "string", "score": "double",
                 "is_match": "boolean", "ambiguous": "boolean", "alternatives": "strings",
                 "alias": "string", "alias_origin": "string", "layer": "string",
                 "layer_source": "string", "error": "string"}
_COMPARISON_FIELDS = {"score": "double", "is_match": "boolean", "error": "string"}


def _struct(types: Any, fields: dict[str, str]) -> Any:
    spark_type = {"string": types.StringType(), "double": types.DoubleType(),
                  "boolean": types.BooleanType(), "strings": types.ArrayType(types.StringType())}
    return types.StructType([types.StructField(name, spark_type[kind])
                             for name, kind in fields.items()])


def _row(record: dict[str, Any] | None, fields: dict[str, str], error: str | None = None
         ) -> dict[str, Any]:
    """The struct value: ``record``'s values of ``fields`` (None: every field null) and error."""
    row = {name: None if record is None else record.get(name) for name in fields}
    row["error"] = error
    return row


def _worker_resolver(index_file: str | None) -> Resolver:
    """The resolver of this worker process, loaded on first use."""
    key = index_file or ""
    resolver = _RESOLVERS.get(key)
    if resolver is None:
        if index_file is None:
            resolver = Resolver.from_reference()
        else:
            from pyspark import SparkFiles

            resolver = Resolver.load(SparkFiles.get(index_file))
        _RESOLVERS[key] = resolver
        while len(_RESOLVERS) > WORKER_RESOLVERS:
            _RESOLVERS.popitem(last=False)
    _RESOLVERS.move_to_end(key)
    return resolver


def _ship(df: DataFrame, resolver: Resolver) -> str:
    """Save ``resolver`` and add it to the session's files; its file name, which is the
    digest of its content (the same resolver shipped again is the same file). The
    driver's copy is removed when the driver's Python exits."""
    folder = tempfile.mkdtemp(prefix="aliaskit-spark-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    saved = os.path.join(folder, "index.idx")
    resolver.save(saved)
    digest = hashlib.sha256()
    with open(saved, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    name = f"aliaskit-index-{digest.hexdigest()[:24]}.idx"
    if name not in _SHIPPED:
        path = os.path.join(folder, name)
        os.replace(saved, path)
        df.sparkSession.sparkContext.addFile(path)
        _SHIPPED.add(name)
    else:
        shutil.rmtree(folder, ignore_errors=True)
    return name


def _resolve_value(resolver: Resolver, name: Any, kind: Kind | None, limit: int,
                   profile: str, cache: dict[str, Any]) -> Any:
    if name is None or (isinstance(name, float) and name != name):  # null arrives as None or NaN
        return None
    if name in cache:
        return cache[name]
    try:
        matches = resolver.resolve(str(name), kind=kind, limit=limit, profile=profile)
        records = [_row(m.to_dict(), _MATCH_FIELDS) for m in matches]
        value: Any = (records[0] if records else None) if limit == 1 else records
    except AliaskitError as exc:
        error = _row(None, _MATCH_FIELDS, str(exc))
        value = error if limit == 1 else [error]
    cache[name] = value
    return value


def resolve_column(
    df: DataFrame,
    column: str,
    *,
    resolver: Resolver | None = None,
    kind: Kind | None = None,
    limit: int = 1,
    profile: str = "default",
    output: str | None = None,
) -> DataFrame:
    """Add a column with the resolution of each name in ``column``.

    The new column (``output``, default ``<column>_entity``) is a struct ``id, name,
    kind, score, is_match, ambiguous, alternatives, alias, alias_origin, layer,
    layer_source, error`` (those fields of :meth:`aliaskit.Match.to_dict`, which also
    has the mentions, the judgement and whether it was rejected; null where nothing
    matches), or with ``limit > 1`` an array of such structs, best first. ``resolver``
    defaults to the seed reference (``Resolver.from_reference()``; pass
    ``Resolver.bundled()`` for the CLI's data, with the regional layer); a custom
    resolver is saved and shipped to every executor with ``SparkContext.addFile``, once
    for the same content, and each Python worker keeps the last WORKER_RESOLVERS
    resolvers it loaded.
    """
    types = _pyspark()
    _check_column(df, column)
    _require_kind(kind)
    from ._resolve import _check_limit

    _check_limit(limit)
    from ._compare import _profile

    _profile(profile)
    output = output or f"{column}_entity"
    if output in df.columns:
        raise AliaskitError(f"column {output!r} already exists; pass output=")
    index_file = None
    if resolver is not None:
        if not isinstance(resolver, Resolver):
            raise TypeError(f"resolver must be a Resolver, not {type(resolver).__name__}")
        index_file = _ship(df, resolver)
    match_type = _struct(types, _MATCH_FIELDS)
    result_type = match_type if limit == 1 else types.ArrayType(match_type)
    schema = types.StructType([*df.schema.fields, types.StructField(output, result_type, True)])

    def resolve_batches(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        worker = _worker_resolver(index_file)
        cache: dict[str, Any] = {}
        for batch in batches:
            batch[output] = [_resolve_value(worker, name, kind, limit, profile, cache)
                             for name in batch[column]]
            yield batch

    return df.mapInPandas(resolve_batches, schema)


def compare_columns(
    df: DataFrame,
    left: str,
    right: str,
    *,
    kind: Kind | None = None,
    profile: str = "default",
    output: str = "comparison",
) -> DataFrame:
    """Add a struct column ``score, is_match, error`` comparing two name columns.

    For candidate pairs you have already blocked. Null on either side gives null.
    """
    types = _pyspark()
    _check_column(df, left)
    _check_column(df, right)
    from ._compare import _profile

    _profile(profile)
    if output in df.columns:
        raise AliaskitError(f"column {output!r} already exists; pass output=")
    result_type = _struct(types, _COMPARISON_FIELDS)
    schema = types.StructType([*df.schema.fields, types.StructField(output, result_type, True)])

    def compare_batches(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            values: list[dict[str, Any] | None] = []
            for a, b in zip(batch[left], batch[right]):
                if a is None or b is None or (isinstance(a, float) and a != a) or (
                        isinstance(b, float) and b != b):
                    values.append(None)
                    continue
                try:
                    c = compare(str(a), str(b), kind=kind, profile=profile)
                    values.append(_row(c.to_dict(), _COMPARISON_FIELDS))
                except AliaskitError as exc:
                    values.append(_row(None, _COMPARISON_FIELDS, str(exc)))
            batch[output] = values
            yield batch

    return df.mapInPandas(compare_batches, schema)
