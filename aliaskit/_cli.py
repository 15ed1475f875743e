"""The ``aliaskit`` command line: a thin layer over the Python API.

Input comes from arguments or standard input (one name per line), output goes to
standard output (a table for people, ``--json`` / JSON Lines for programs), messages go
to standard error. Errors are one line and a non-zero exit code: 1 for bad input or
data, 2 for bad usage. ``--debug`` shows tracebacks.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from ._errors import AliaskitError
from ._keys import metaphone_key, nysiis_key, phonetic_key
from ._normalize import name_parts, normalize
from ._types import Match

F = TypeVar("F", bound=Callable[..., Any])


def _inputs(names: tuple[str, ...]) -> Iterator[tuple[int, str]]:
    """Names from the arguments, else one per line of standard input (line numbers from 1)."""
    if names:
        yield from enumerate(names, start=1)
        return
    stream = sys.stdin
    if stream.isatty():
        raise click.UsageError("give names as arguments or one per line on standard input")
    for number, line in enumerate(stream, start=1):
        yield number, line.rstrip("\r\n")


def _emit(record: dict[str, Any]) -> None:
    click.echo(json.dumps(record, ensure_ascii=False))


def _batch(
    names: tuple[str, ...], as_json: bool, fn: Callable[[str], str], field: str
) -> None:
    """Run ``fn`` on every input: one output line per input line, errors included."""
    failures = 0
    for number, name in _inputs(names):
        try:
            value: str | None = fn(name)
            error = None
        except AliaskitError as exc:
            value, error = None, str(exc)
            failures += 1
        if as_json:
            record: dict[str, Any] = {"line": number, "input": name, field: value}
            if error is not None:
                record["error"] = error
            _emit(record)
        elif error is None:
            click.echo(value)
        else:
            click.echo("")
            click.echo(f"aliaskit: line {number}: {error}", err=True)
    if failures:
        raise SystemExit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="aliaskit")
@click.option("--debug", is_flag=True, help="Show Python tracebacks on errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Resolve Afghan and Iranian names of people, places and organisations.

    Names come as arguments or one per line on standard input; results go to
    standard output, messages to standard error.
    """
    ctx.obj = {"debug": debug}


@cli.command("normalize")
@click.argument("names", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="JSON Lines: one record per input.")
def normalize_cmd(names: tuple[str, ...], as_json: bool) -> None:
    """Print the normalised form of each NAME.

    \b
    Example:
      $ aliaskit normalize "Ḥusām al-Dīn" "امیر خان متقی"
      husamaldin
      amir khan muttaqi
    """
    _batch(names, as_json, normalize, "normalized")


@cli.command("key")
@click.argument("names", nargs=-1)
@click.option(
    "--scheme",
    type=click.Choice(["aliaskit", "metaphone", "nysiis"]),
    default="aliaskit",
    show_default=True,
    help="Key scheme: aliaskit's transliteration-aware key or jellyfish's encoders.",
)
@click.option("--json", "as_json", is_flag=True, help="JSON Lines: one record per input.")
def key_cmd(names: tuple[str, ...], scheme: str, as_json: bool) -> None:
    """Print the phonetic key of each NAME (one key per name part).

    \b
    Example:
      $ aliaskit key Muttaqi Mottaki متقی
      MTK
      MTK
      MTK
    """
    fn = {"aliaskit": phonetic_key, "metaphone": metaphone_key, "nysiis": nysiis_key}[scheme]
    _batch(names, as_json, fn, "key")


@cli.command("parts")
@click.argument("names", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="JSON Lines: one record per input.")
def parts_cmd(names: tuple[str, ...], as_json: bool) -> None:
    """Show the parts of each NAME with their roles (title, name, connector, particle).

    \b
    Example:
      $ aliaskit parts "Mullah Abdul Qahar Balkhi"
      mullah:title abdulqahar:name balkhi:name
    """

    def show(name: str) -> str:
        parts = name_parts(name)
        if as_json:
            return json.dumps(
                [{"text": p.text, "role": p.role, "original": p.original,
                  "start": p.start, "end": p.end, "script": p.script} for p in parts],
                ensure_ascii=False,
            )
        return " ".join(f"{p.text}:{p.role}" for p in parts)

    if as_json:
        def record(name: str) -> Any:
            return json.loads(show(name))

        failures = 0
        for number, name in _inputs(names):
            try:
                _emit({"line": number, "input": name, "parts": record(name)})
            except AliaskitError as exc:
                failures += 1
                _emit({"line": number, "input": name, "parts": None, "error": str(exc)})
        if failures:
            raise SystemExit(1)
    else:
        _batch(names, False, show, "parts")


def _match_record(match: Match) -> dict[str, Any]:
    alias = match.alias
    return {
        "id": match.entity.id, "name": match.entity.name, "kind": match.entity.kind,
        "score": match.score, "ambiguous": match.ambiguous,
        "alternatives": list(match.alternatives),
        "alias": alias.name, "alias_origin": alias.origin,
        "mentions": [{"source": m.source, "start": m.start, "end": m.end, "line": m.line}
                     for m in alias.mentions],
    }


@cli.command("resolve")
@click.argument("names", nargs=-1)
@click.option("--data", "data_path", type=click.Path(path_type=Path),
              help="Gazetteer (JSON Lines or CSV) instead of the bundled reference data.")
@click.option("--kind", type=click.Choice(["person", "place", "org"]), help="Only entities of this kind.")
@click.option("--limit", type=click.IntRange(min=1), default=1, show_default=True,
              help="Matches per name.")
@click.option("--profile", default="default", show_default=True,
              help="Decision profile: default, screening (recall) or dedupe (precision).")
@click.option("--json", "--jsonl", "as_json", is_flag=True, help="JSON Lines: one record per input.")
@click.option("--explain", is_flag=True, help="Show the alignment behind each match.")
def resolve_cmd(names: tuple[str, ...], data_path: Path | None, kind: str | None, limit: int,
                profile: str, as_json: bool, explain: bool) -> None:
    """Resolve each NAME to the known entities it can refer to.

    \b
    Example:
      $ aliaskit resolve "Amir Khan Mottaki" "Nangahar"
    """
    from ._gazetteer import read_gazetteer
    from ._resolve import Resolver

    resolver = Resolver(read_gazetteer(data_path)) if data_path else Resolver.from_reference()
    failures = 0
    if not as_json:
        click.echo(f"{'line':>4}  {'input':<24} {'entity':<38} {'score':>5}  {'ambig':<5}  alias")
    for number, name in _inputs(names):
        try:
            matches = resolver.resolve(name, kind=kind, limit=limit, profile=profile)  # type: ignore[arg-type]
            error = None
        except AliaskitError as exc:
            matches, error = [], str(exc)
            failures += 1
        if as_json:
            record: dict[str, Any] = {"line": number, "input": name,
                                      "matches": [_match_record(m) for m in matches]}
            if error:
                record["error"] = error
            _emit(record)
            continue
        if error:
            click.echo(f"{number:>4}  {name[:24]:<24} error: {error}")
        elif not matches:
            click.echo(f"{number:>4}  {name[:24]:<24} (no match)")
        for rank, m in enumerate(matches):
            shown = name[:24] if rank == 0 else ""
            click.echo(f"{number:>4}  {shown:<24} {m.entity.id[:38]:<38} {m.score:>5.3f}  "
                       f"{'yes' if m.ambiguous else 'no':<5}  {m.alias.name}")
            if explain:
                click.echo("      " + m.comparison.explain().replace("\n", "\n      "))
    if failures:
        raise SystemExit(1)


@cli.command("compare")
@click.argument("left")
@click.argument("right")
@click.option("--kind", type=click.Choice(["person", "place", "org"]), help="Kind of both names.")
@click.option("--profile", default="default", show_default=True, help="Decision profile.")
@click.option("--explain", is_flag=True, help="Show the alignment, one line per name part.")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
def compare_cmd(left: str, right: str, kind: str | None, profile: str, explain: bool,
                as_json: bool) -> None:
    """Compare two names: score, decision and (with --explain) why.

    \b
    Example:
      $ aliaskit compare "Amir Khan Muttaqi" "امیر خان متقی" --explain
    """
    from ._compare import compare

    c = compare(left, right, kind=kind, profile=profile)  # type: ignore[arg-type]
    if as_json:
        _emit({
            "left": left, "right": right, "score": c.score, "is_match": c.is_match,
            "profile": c.profile, "threshold": c.threshold,
            "alignment": [{
                "left": r.left.original if r.left else None,
                "right": r.right.original if r.right else None,
                "method": r.method, "similarity": r.similarity, "weight": r.weight,
            } for r in c.alignment],
        })
    elif explain:
        click.echo(c.explain())
    else:
        click.echo(f"{c.score:.3f}\t{'match' if c.is_match else 'no match'}")


@cli.group("reference")
def reference_group() -> None:
    """Build and inspect the reference dataset of the seed articles."""


@reference_group.command("build")
@click.option("--entities", "entities_path", type=click.Path(path_type=Path),
              default=Path("data/entities.toml"), show_default=True,
              help="The curated entity file.")
@click.option("--seeds", "seeds_dir", type=click.Path(path_type=Path),
              default=Path("seeds"), show_default=True, help="Directory of seed articles.")
@click.option("--output", type=click.Path(path_type=Path),
              default=Path("data/reference.json"), show_default=True,
              help="Where to write the generated dataset.")
@click.option("--check", is_flag=True,
              help="Write nothing; exit 1 if the output file is not up to date.")
def reference_build_cmd(entities_path: Path, seeds_dir: Path, output: Path, check: bool) -> None:
    """Find every alias of data/entities.toml in seeds/ and write data/reference.json.

    Run it from the repository root after editing data/entities.toml.
    """
    from ._reference import build_reference, dump_reference

    data = build_reference(entities_path, seeds_dir)
    text = dump_reference(data)
    count = sum(len(a["mentions"]) for e in data["entities"] for a in e["aliases"])
    summary = f"{len(data['entities'])} entities, {count} mentions"
    if check:
        current = output.read_text(encoding="utf-8") if output.exists() else ""
        if current != text:
            raise click.ClickException(f"{output} is out of date; run `aliaskit reference build`")
        click.echo(f"{output} is up to date ({summary})", err=True)
        return
    output.write_text(text, encoding="utf-8")
    click.echo(f"wrote {output} ({summary})", err=True)


@cli.group("data")
def data_group() -> None:
    """Check the bundled data files."""


@data_group.command("check")
def data_check_cmd() -> None:
    """Validate every file in data/ (formats, duplicates, variant-group rules)."""
    from ._check import check_all

    problems = check_all()
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) in the data files")
    click.echo("data files OK", err=True)


def _run(fn: Callable[[], object], debug: bool) -> int:
    try:
        fn()
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.Abort:
        click.echo("aliaskit: aborted", err=True)
        return 1
    except AliaskitError as exc:
        if debug:
            raise
        click.echo(f"aliaskit: error: {exc}", err=True)
        return 1
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, without Python's exit warning.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        return 130
    return 0


def main(argv: Iterable[str] | None = None) -> None:
    """Entry point of the ``aliaskit`` console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    def invoke() -> None:
        # Not cli.main(): it turns a closed pipe into exit code 1; we handle it in _run.
        with cli.make_context("aliaskit", args) as ctx:
            cli.invoke(ctx)

    code = _run(invoke, debug)
    sys.exit(code)
