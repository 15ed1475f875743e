"""`aliaskit index build/update` and `screen --index`, end to end with the installed script."""

from __future__ import annotations

import gzip
import json
import os
import stat
import threading
from pathlib import Path

import pytest
from conftest import CASES
from test_cli import run

from aliaskit._index import INDEX_VERSION, _assemble, _parts

pytestmark = pytest.mark.cli

DIR = CASES / "screen"
LIST = DIR / "list.jsonl"
INPUT = str(DIR / "input.jsonl")


def _entities() -> list[dict[str, object]]:
    return [json.loads(line) for line in LIST.read_text(encoding="utf-8").splitlines()]


def _write(path: Path, entities: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(e) + "\n" for e in entities), encoding="utf-8")
    return path


def test_built_index_screens_like_the_list(tmp_path: Path) -> None:
    index = tmp_path / "list.idx"
    built = run("index", "build", str(LIST), "-o", str(index))
    assert built.returncode == 0, built.stderr
    record = json.loads(built.stdout)
    assert (record["entities"], record["index"]) == (len(_entities()), str(index))
    assert record["bytes"] == index.stat().st_size
    for extra in ([], ["--threshold", "0.05"], ["--csv"]):
        against = run("screen", INPUT, "--against", str(LIST), *extra)
        indexed = run("screen", INPUT, "--index", str(index), *extra)
        assert indexed.stdout == against.stdout and indexed.stdout
        assert indexed.returncode == against.returncode == 1  # the input has bad rows


def test_updated_index_is_the_rebuilt_one(tmp_path: Path) -> None:
    """Remove, replace (same id, new names), re-add and add: the updated file is the file
    built from the resulting list, and screens the same."""
    entities = _entities()
    first, rest = entities[:1], entities[1:]
    index = _write(tmp_path / "base.jsonl", entities)
    run("index", "build", str(index), "-o", str(tmp_path / "u.idx"))
    changed = {**rest[0], "name": "Zarif Tanouri", "aliases": ["Z. Tanuri"]}
    new = {"id": "n1", "name": "Zareef Tannury", "kind": "person", "birth_dates": ["1956"]}
    added = _write(tmp_path / "added.jsonl", [changed, new])
    ids = tmp_path / "gone.txt"
    ids.write_text(f"# delisted\n{rest[1]['id']}\n\n", encoding="utf-8")
    update = run("index", "update", str(tmp_path / "u.idx"), "--add", str(added),
                 "--remove", f"{first[0]['id']},{rest[2]['id']}", "--remove", str(rest[3]["id"]),
                 "--remove-file", str(ids))
    assert update.returncode == 0, update.stderr
    record = json.loads(update.stdout)
    assert (record["added"], record["replaced"], record["removed"]) == (1, 1, 4)
    assert record["updates"] == 1 and record["bytes"] == (tmp_path / "u.idx").stat().st_size
    # Then re-add a removed one: it goes after the others, as in the rebuilt list.
    again = _write(tmp_path / "again.jsonl", [first[0]])
    run("index", "update", str(tmp_path / "u.idx"), "--add", str(again), "--json")
    expected = [*rest[4:], changed, new, first[0]]
    run("index", "build", str(_write(tmp_path / "expected.jsonl", expected)),
        "-o", str(tmp_path / "rebuilt.idx"))
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".idx") == ["rebuilt.idx", "u.idx"]
    for path in ("u.idx", "rebuilt.idx"):
        screened = run("screen", INPUT, "--index", str(tmp_path / path), "--threshold", "0.05")
        assert screened.stdout == run("screen", INPUT, "--against", str(tmp_path / "expected.jsonl"),
                                      "--threshold", "0.05").stdout
    # Compacted, the updated file is the rebuilt one.
    compacted = run("index", "compact", str(tmp_path / "u.idx"), "-o", str(tmp_path / "c.idx"))
    assert json.loads(compacted.stdout)["updates"] == 0
    assert (tmp_path / "c.idx").read_bytes() == (tmp_path / "rebuilt.idx").read_bytes()
    run("index", "update", str(tmp_path / "u.idx"), "--remove", str(first[0]["id"]), "--compact")
    run("index", "update", str(tmp_path / "rebuilt.idx"), "--remove", str(first[0]["id"]))
    run("index", "compact", str(tmp_path / "rebuilt.idx"))
    assert (tmp_path / "u.idx").read_bytes() == (tmp_path / "rebuilt.idx").read_bytes()


def test_update_to_another_file_and_errors(tmp_path: Path) -> None:
    index = tmp_path / "i.idx"
    run("index", "build", str(LIST), "-o", str(index))
    before = index.read_bytes()
    result = run("index", "update", str(index), "--remove", "p1", "-o", str(tmp_path / "j.idx"))
    assert result.returncode == 0 and index.read_bytes() == before
    assert json.loads(result.stdout)["entities"] == len(_entities()) - 1
    missing = run("index", "update", str(index), "--remove", "p1,nobody")
    assert missing.returncode == 1 and missing.stdout == "" and index.read_bytes() == before
    assert missing.stderr.count("\n") == 1 and "'nobody'" in missing.stderr
    nothing = run("index", "update", str(index))
    assert nothing.returncode == 2 and "nothing to update" in nothing.stderr
    table = run("index", "update", str(index), "--remove", "p2", "--format", "table")
    assert "(+0 added, 0 replaced, -1 removed)" in table.stdout


@pytest.mark.parametrize("kind", ["stale", "corrupt", "version", "garbage", "truncated", "old"])
def test_bad_index_files_are_refused_on_one_line(tmp_path: Path, kind: str) -> None:
    good = tmp_path / "good.idx"
    run("index", "build", str(LIST), "-o", str(good))
    meta, sections, _ = _parts(good)
    bad = tmp_path / "bad.idx"
    if kind == "stale":
        bad.write_bytes(_assemble({**meta, "built_with": "0.1.0 data:0123456789ab"}, sections))
        expected = "stale index: built with aliaskit 0.1.0 data:0123456789ab"
    elif kind == "corrupt":
        ids = json.loads(sections["ids"])
        ids[1] = ids[0]
        bad.write_bytes(_assemble(meta, {**sections, "ids": json.dumps(ids).encode()}))
        expected = f"corrupt aliaskit index file: field ids: duplicate id {ids[0]!r}"
    elif kind == "version":
        bad.write_bytes(_assemble({**meta, "version": INDEX_VERSION - 1}, sections))
        expected = f"index version {INDEX_VERSION - 1} is not supported"
    elif kind == "garbage":
        bad.write_text("not an index", encoding="utf-8")
        expected = "not an aliaskit index file"
    elif kind == "truncated":
        bad.write_bytes(good.read_bytes()[:200])
        expected = "not an aliaskit index file"
    else:  # gzip'd JSON, as versions up to 5 wrote
        bad.write_bytes(gzip.compress(b'{"format":"aliaskit-index","version":5,"entities":[]}'))
        expected = f"index version 5 is not supported (this aliaskit reads version {INDEX_VERSION}); rebuild"
    for args in (["screen", INPUT, "--index", str(bad)], ["index", "update", str(bad), "--remove", "p1"],
                 ["index", "compact", str(bad)]):
        result = run(*args)
        assert result.returncode == 1 and result.stdout == "", args
        assert result.stderr.count("\n") == 1 and expected in result.stderr, result.stderr
        assert result.stderr.startswith(f"aliaskit: error: {bad}: ")


def test_outputs_keep_a_fifo_and_follow_a_link(tmp_path: Path) -> None:
    """-o into a FIFO writes into it (renaming over it would put a regular file in its
    place; as root, -o /dev/null would replace the device); -o a link replaces the file
    it points to and keeps the link."""
    index = tmp_path / "i.idx"
    run("index", "build", str(LIST), "-o", str(index))
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = run("index", "build", str(LIST), "-o", str(fifo))
    reader.join(10)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and got == [index.read_bytes()]
    target, link = tmp_path / "target.idx", tmp_path / "link.idx"
    link.symlink_to(target.name)
    for args in (["index", "build", str(LIST)], ["index", "compact", str(index)],
                 ["index", "update", str(index), "--remove", "p1"]):
        target.write_bytes(b"old")
        result = run(*args, "-o", str(link))
        assert result.returncode == 0, result.stderr
        assert link.is_symlink() and target.read_bytes().startswith(b"aliaskit-index"), args


def test_remove_file_lines_end_at_line_ends_only(tmp_path: Path) -> None:
    """A form feed is no line end: 'p1\\fp2' is one id (unknown), not p1 and p2."""
    index = tmp_path / "i.idx"
    run("index", "build", str(LIST), "-o", str(index))
    before = index.read_bytes()
    ids = tmp_path / "gone.txt"
    ids.write_bytes(b"p1\x0cp2\n")
    result = run("index", "update", str(index), "--remove-file", str(ids))
    assert result.returncode == 1 and index.read_bytes() == before, result.stderr
    ids.write_bytes(b"p1\rp2\r")  # lone CRs: two lines
    result = run("index", "update", str(index), "--remove-file", str(ids))
    assert result.returncode == 0 and json.loads(result.stdout)["removed"] == 2, result.stderr


def test_remove_file_ids_may_have_a_comment_after_them(tmp_path: Path) -> None:
    """'p1   # delisted' is the id p1: the data files allow such comments, and the whole
    line was taken for an id ("cannot remove ... 'p1 # delisted'")."""
    index = tmp_path / "i.idx"
    run("index", "build", str(LIST), "-o", str(index))
    ids = tmp_path / "gone.txt"
    ids.write_text("# delisted on 2026-12-01\np1   # by resolution 12\n\tp2\t# too\n", encoding="utf-8")
    result = run("index", "update", str(index), "--remove-file", str(ids))
    assert result.returncode == 0 and json.loads(result.stdout)["removed"] == 2, result.stderr
