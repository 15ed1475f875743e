"""End-to-end tests of the installed ``aliaskit`` console script."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CASES, load_csv, unescape

pytestmark = pytest.mark.cli

BIN = Path(sys.executable).parent
ALIASKIT = shutil.which("aliaskit", path=str(BIN)) or shutil.which("aliaskit")


def run(*args: str, stdin: str | None = None, cwd: Path | None = None
        ) -> subprocess.CompletedProcess[str]:
    assert ALIASKIT, "the aliaskit console script is not installed"
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run([ALIASKIT, *args], input=stdin, capture_output=True, text=True,
                          encoding="utf-8", timeout=120, cwd=cwd, env=env)


def run_tty(*args: str, both: bool = False) -> tuple[int, str, str]:
    """Run the CLI with standard output on a pseudo-terminal, as a person at a terminal
    sees it: (exit code, output with \\n line ends, standard error). With ``both``,
    standard error goes to the same terminal (and comes back in the output)."""
    import pty

    assert ALIASKIT
    master, slave = pty.openpty()
    env = {**os.environ, "NO_COLOR": "1"}
    process = subprocess.Popen([ALIASKIT, *args], stdin=subprocess.DEVNULL, stdout=slave,
                               stderr=slave if both else subprocess.PIPE, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the process closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    err = process.stderr.read().decode() if process.stderr else ""
    code = process.wait(timeout=60)
    return code, b"".join(chunks).decode().replace("\r\n", "\n"), err


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0 and result.stdout.startswith("aliaskit, version")
    # Which build is installed (setup.py falls back to pure Python without a C compiler).
    assert result.stdout.rstrip().endswith(("(compiled with mypyc)", "(pure Python)"))


def test_python_dash_m() -> None:
    result = subprocess.run([sys.executable, "-m", "aliaskit", "normalize", "--format", "table", "Mottaki"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout == "mottaki\n"


def test_normalize_arguments() -> None:
    result = run("normalize", "--format", "table", "Ḥusām al-Dīn", "امیر خان متقی")
    assert result.returncode == 0
    assert result.stdout.splitlines() == ["husamaldin", "amir khan muttaqi"]


def test_normalize_stdin_keeps_every_line_in_order() -> None:
    lines = ["Amir Khan Muttaqi", "", "Hezb-i Islami", "12345", "Nangahar"]
    result = run("normalize", "--jsonl", stdin="\n".join(lines) + "\n")
    assert result.returncode == 1  # two lines were invalid
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["line"] for r in records] == [1, 2, 3, 4, 5]
    assert [r["input"] for r in records] == lines
    assert records[0]["normalized"] == "amir khan muttaqi"
    assert records[1]["normalized"] is None and "empty" in records[1]["error"]
    assert "no letters" in records[3]["error"]


@pytest.mark.parametrize("command", ["normalize", "key", "parts", "resolve"])
def test_a_dash_reads_names_from_stdin(command: str) -> None:
    """'-' is standard input, as for the commands that take a FILE, never a name."""
    lines = ["Mottaki", "Nangahar"]
    from_dash = run(command, "--jsonl", "-", stdin="\n".join(lines) + "\n")
    plain = run(command, "--jsonl", stdin="\n".join(lines) + "\n")
    assert from_dash.returncode == 0, from_dash.stderr
    assert from_dash.stdout == plain.stdout
    assert [json.loads(line)["input"] for line in from_dash.stdout.splitlines()] == lines
    # Among other names, in its place, as cat reads it: "NIOC - Kabul" (it was a name,
    # refused for holding no letter); once, however many dashes.
    mixed = run(command, "--jsonl", "Herat", "-", "Kabul", "-", stdin="\n".join(lines) + "\n")
    assert mixed.returncode == 0, mixed.stderr
    records = [json.loads(line) for line in mixed.stdout.splitlines()]
    assert [(r["line"], r["input"]) for r in records] == [
        (1, "Herat"), (2, "Mottaki"), (3, "Nangahar"), (4, "Kabul")]


@pytest.mark.parametrize("args", [
    ["calibrate", "-"], ["judgements", "-"], ["resolve", "--data", "-", "Mottaki"],
    ["screen", "names.csv", "--against", "-"], ["index", "build", "-", "-o", "x.idx"],
    ["index", "update", "x.idx", "--add", "-"], ["index", "update", "x.idx", "--remove-file", "-"]],
    ids=lambda args: " ".join(args))
def test_a_dash_where_a_file_is_read_by_name_is_a_usage_error(args: list[str], tmp_path: Path) -> None:
    """Options whose file is read by name (its format told by its suffix) refuse '-'
    as bad usage, rather than looking for a file called '-' ("file not found")."""
    result = run(*args, stdin="id,name\n1,Ahmad Massoud\n", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "not standard input ('-')" in result.stderr and "not found" not in result.stderr


@pytest.mark.parametrize("args", [
    ["index", "build", "list.csv", "-o", "-"], ["index", "update", "x.idx", "--remove", "1", "-o", "-"],
    ["index", "compact", "x.idx", "-o", "-"], ["screen", "-", "--against", "list.csv", "--html", "-"],
    ["calibrate", "pairs.csv", "-o", "-"], ["calibrate", "pairs.csv", "--plot", "-"],
    ["reference", "build", "--output", "-"]], ids=lambda args: " ".join(args))
def test_a_dash_where_a_file_is_written_is_a_usage_error(args: list[str], tmp_path: Path) -> None:
    """Options that write a file refuse '-' (standard output has the records): they
    wrote a file called '-'."""
    (tmp_path / "list.csv").write_text("id,name\n1,Ahmad Massoud\n", encoding="utf-8")
    result = run(*args, stdin="Ahmad Massoud\n", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "not standard output ('-')" in result.stderr
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize("formats", [["--format", "table", "--format", "csv"], ["--csv", "--jsonl"],
                                     ["--format", "json", "--csv"]])
def test_two_output_formats_are_a_usage_error(formats: list[str]) -> None:
    result = run("resolve", "Kabul", *formats)
    assert result.returncode == 2 and "choose one output format" in result.stderr
    assert result.stdout == ""


def test_an_unknown_encoding_is_bad_usage_with_names_as_arguments_too() -> None:
    for args in (["resolve", "--encoding", "nope", "Kabul"], ["normalize", "--encoding", "nope", "Kabul"]):
        result = run(*args)
        assert result.returncode == 2 and "unknown encoding 'nope'" in result.stderr
        assert result.stdout == ""


def test_key_command() -> None:
    result = run("key", "--format", "table", "Muttaqi", "Mottaki", "متقی")
    assert result.returncode == 0
    assert len(set(result.stdout.split())) == 1


def test_parts_command() -> None:
    result = run("parts", "--format", "table", "Mullah Abdul Qahar Balkhi")
    assert result.stdout.strip() == "mullah:title abdulqahar:name balkhi:name"


def test_bad_input_is_one_line_and_exit_1() -> None:
    result = run("normalize", "   ")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == "aliaskit: line 1: name is only whitespace"


def test_usage_error_exit_2() -> None:
    result = run("normalize", "--no-such-option")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_closed_pipe_is_quiet(tmp_path: Path) -> None:
    """`aliaskit normalize < names | head -1`: no traceback, exit 0."""
    names = tmp_path / "names.txt"
    names.write_text("\n".join(["Amir Khan Muttaqi"] * 50000) + "\n", encoding="utf-8")
    assert ALIASKIT
    with names.open(encoding="utf-8") as stdin:
        producer = subprocess.Popen([ALIASKIT, "normalize", "--format", "table"], stdin=stdin,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert producer.stdout and producer.stderr
        first = producer.stdout.readline()
        producer.stdout.close()
        producer.wait(timeout=60)
        err = producer.stderr.read()
    assert first == "amir khan muttaqi\n"
    assert "Traceback" not in err and "BrokenPipe" not in err and "Exception" not in err
    assert producer.returncode == 0


def test_data_check() -> None:
    result = run("data", "check")
    assert result.returncode == 0, result.stderr


def test_reference_build_check(tmp_path: Path) -> None:
    repo = Path(__file__).parent.parent
    result = run("reference", "build", "--check", cwd=repo)
    assert result.returncode == 0, result.stderr
    stale = tmp_path / "reference.json"
    stale.write_text("{}", encoding="utf-8")
    result = run("reference", "build", "--check", "--output", str(stale), cwd=repo)
    assert result.returncode == 1 and "out of date" in result.stderr


def test_resolve_table_and_jsonl() -> None:
    result = run("resolve", "--format", "table", "Amir Khan Mottaki", "Nangahar", "Massoud")
    assert result.returncode == 0, result.stderr
    assert "person/amir-khan-muttaqi" in result.stdout
    assert "place/nangarhar-province" in result.stdout
    result = run("resolve", "--jsonl", stdin="Mottaki\n\nxyzzy qqq\nMassoud\n")
    assert result.returncode == 1  # one empty line
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["line"] for r in records] == [1, 2, 3, 4]
    assert records[0]["matches"][0]["id"] == "person/amir-khan-muttaqi"
    assert records[0]["matches"][0]["mentions"], "provenance of the alias"
    assert "error" in records[1] and records[2]["matches"] == []
    assert records[3]["matches"][0]["ambiguous"] is True


def test_resolve_with_user_gazetteer(tmp_path: Path) -> None:
    gazetteer = tmp_path / "g.jsonl"
    gazetteer.write_text('{"id": "p1", "name": "Sirajuddin Haqqani"}\n', encoding="utf-8")
    result = run("resolve", "--data", str(gazetteer), "--jsonl", "Serajuddin Haqani")
    assert json.loads(result.stdout)["matches"][0]["id"] == "p1"
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "p1"}\n', encoding="utf-8")
    result = run("resolve", "--data", str(bad), "x")
    assert result.returncode == 1 and "row 1" in result.stderr and "Traceback" not in result.stderr


def test_compare_command() -> None:
    result = run("compare", "Amir Khan Muttaqi", "امیر خان متقی", "--json")
    [record] = json.loads(result.stdout)
    assert record["is_match"] is True and record["score"] == 1.0
    result = run("compare", "Mohammad Khan", "Mohammad Karim", "--explain", "--format", "table")
    assert "conflict" in result.stdout and "no match" in result.stdout
    record = json.loads(run("compare", "Mohammad Khan", "Mohammad Karim", "--jsonl").stdout)
    assert [r["contribution"] < 0 for r in record["alignment"] if r["method"] == "conflict"] == [True]


def test_docs_cli_reference_is_current() -> None:
    docs = (Path(__file__).parent.parent / "docs" / "cli.md").read_text(encoding="utf-8")
    generated = run("cli-reference").stdout
    begin = "<!-- BEGIN GENERATED CLI REFERENCE -->\n"
    end = "<!-- END GENERATED CLI REFERENCE -->"
    assert docs[docs.index(begin) + len(begin) : docs.index(end)] == generated, (
        "docs/cli.md is stale: regenerate its reference with `aliaskit cli-reference`")


def test_hundred_thousand_lines_in_order(tmp_path: Path) -> None:
    names = ["Mottaki", "Nangahar", "", "Ahmed Masoud", "xyzzy qqq"] * 20000
    path = tmp_path / "names.txt"
    path.write_text("\n".join(names) + "\n", encoding="utf-8")
    with path.open(encoding="utf-8") as stdin:
        assert ALIASKIT
        result = subprocess.run([ALIASKIT, "normalize", "--jsonl"], stdin=stdin,
                                capture_output=True, text=True, timeout=600)
    lines = result.stdout.splitlines()
    assert len(lines) == len(names)
    for number, (line, name) in enumerate(zip(lines, names), start=1):
        record = json.loads(line)
        assert record["line"] == number and record["input"] == name
    assert result.returncode == 1  # the empty lines


def test_resolve_workers_keep_order(tmp_path: Path) -> None:
    names = ["Mottaki", "Nangahar", "", "Ahmed Masoud", "Massoud"] * 400
    path = tmp_path / "names.txt"
    path.write_text("\n".join(names) + "\n", encoding="utf-8")
    outputs = []
    for workers in ("1", "2"):
        with path.open(encoding="utf-8") as stdin:
            assert ALIASKIT
            outputs.append(subprocess.run([ALIASKIT, "resolve", "--jsonl", "--workers", workers],
                                          stdin=stdin, capture_output=True, text=True,
                                          timeout=600).stdout)
    assert outputs[0] == outputs[1]
    assert len(outputs[0].splitlines()) == len(names)


def _feed(*args: str) -> subprocess.Popen[bytes]:
    """The CLI in a session of its own (as a shell job: its group gets Ctrl-C), its first
    line given and its first record read, standard input left open."""
    assert ALIASKIT
    process = subprocess.Popen([ALIASKIT, *args, "--jsonl"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True)
    assert process.stdin and process.stdout
    process.stdin.write(b"Kabul\n")
    process.stdin.flush()
    assert json.loads(_line(process))["input"] == "Kabul"  # (before the input ends)
    return process


def _line(process: subprocess.Popen[bytes]) -> bytes:
    """The next line of output, which must come within a minute."""
    import select

    assert process.stdout
    if not select.select([process.stdout], [], [], 60)[0]:
        process.kill()
        pytest.fail("no record within a minute: the line was not answered")
    return process.stdout.readline()


def _group(process: subprocess.Popen[bytes]) -> list[str]:
    listed = subprocess.run(["ps", "-o", "stat=", "-g", str(process.pid)], capture_output=True,
                            text=True).stdout.split()
    return [state for state in listed if not state.startswith("Z")]  # (zombies: being reaped)


@pytest.mark.parametrize("workers", ["1", "2"])
@pytest.mark.parametrize(("signal_name", "group", "code", "said"),
                         [("SIGINT", True, 130, "interrupted"), ("SIGTERM", True, 143, "terminated"),
                          ("SIGTERM", False, 143, "terminated")],
                         ids=["ctrl-c", "sigterm-to-the-group", "sigterm-to-the-parent"])
def test_interrupted_on_one_line(workers: str, signal_name: str, group: bool, code: int,
                                 said: str) -> None:
    """Ctrl-C (SIGINT to the whole group, workers included) and SIGTERM (as a scheduler
    stops a job, `kill PID`): one line, the shell's exit code, no traceback, no worker
    left."""
    import signal
    import time

    for command in (["resolve"], ["screen", "-", "--against", str(CASES / "screen" / "list.jsonl")]):
        process = _feed(*command, "--workers", workers)
        (os.killpg if group else os.kill)(process.pid, getattr(signal, signal_name))
        _, err = process.communicate(timeout=60)
        assert (process.returncode, err.decode()) == (code, f"aliaskit: {said}\n"), command
        for _ in range(50):
            if not _group(process):
                break
            time.sleep(0.1)
        assert not _group(process), command


@pytest.mark.parametrize("command", [["resolve"], ["screen", "-", "--against",
                                                   str(CASES / "screen" / "list.jsonl")]])
def test_workers_answer_each_line_as_it_comes(command: list[str]) -> None:
    """With --workers 2, a record is written as soon as its line is read, not when a chunk
    of lines is full (_feed reads the first while the input is still open)."""
    process = _feed(*command, "--workers", "2")
    assert process.stdin and process.stdout
    process.stdin.write(b"Herat\n")
    process.stdin.flush()
    assert json.loads(_line(process))["input"] == "Herat"
    process.stdin.close()
    assert process.stdout.read() == b"" and process.wait(timeout=60) == 0


def test_cluster_column_accounts_for_a_row_it_cannot_decode(tmp_path: Path) -> None:
    """A CSV row that is not valid in the encoding is an error record of its own, the
    others clustered, as screen reads the same file (it stopped the whole file)."""
    path = tmp_path / "people.csv"
    path.write_bytes(b"id,name\n1,Ahmad Massoud\n2,Ahm\xe9d Masoud\n3,Ahmed Masoud\n")
    result = run("cluster", "--column", "name", str(path), "--jsonl")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 1 and [r["line"] for r in records] == [2, 3, 4]
    assert "not valid utf-8" in records[1]["error"] and records[0]["cluster"] == records[2]["cluster"]
    assert result.stderr.splitlines() == [
        "aliaskit: line 3: not valid utf-8 (byte 6); use --encoding, or --errors replace"]


def test_empty_input() -> None:
    result = run("resolve", "--jsonl", stdin="")
    assert result.returncode == 0 and result.stdout == ""


def test_non_utf8_input_reports_the_line() -> None:
    assert ALIASKIT
    result = subprocess.run([ALIASKIT, "normalize"], input=b"Ahmad\nMass\xffoud\n",
                            capture_output=True, timeout=60)
    assert result.returncode == 1
    assert b"line 2: not valid utf-8" in result.stderr and b"Traceback" not in result.stderr
    result = subprocess.run([ALIASKIT, "normalize", "--errors", "replace", "--format", "table"],
                            input=b"Ahmad\nMass\xffoud\n", capture_output=True, timeout=60)
    assert result.returncode == 0 and result.stdout.decode().splitlines() == ["ahmad", "massoud"]


def test_cluster_command(tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_text("id,name\n1,Amir Khan Muttaqi\n2,Amir Khan Mottaki\n3,\n4,Mohammad Khan\n",
                      encoding="utf-8")
    result = run("cluster", "--column", "name", "--jsonl", str(people))
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["line"] for r in records] == [2, 3, 4, 5]
    assert records[0]["cluster"] == records[1]["cluster"] != records[3]["cluster"]
    assert records[2]["error"] and result.returncode == 1
    result = run("cluster", "--column", "nope", str(people))
    assert result.returncode == 1 and "lacks column(s) nope" in result.stderr


def test_malformed_gazetteer_rows_are_numbered(tmp_path: Path) -> None:
    bad = tmp_path / "g.csv"
    bad.write_text('id,name\nx1,Ahmad\nx2,"unclosed\n', encoding="utf-8")
    result = run("resolve", "--data", str(bad), "Ahmad")
    assert result.returncode == 1 and "row" in result.stderr and "Traceback" not in result.stderr


def test_entities_and_show() -> None:
    result = run("entities", "--kind", "person", "--jsonl")
    ids = [json.loads(line)["id"] for line in result.stdout.splitlines()]
    assert "person/ahmad-massoud" in ids and all(i.startswith("person/") for i in ids)
    result = run("show", "--format", "table", "person/ahmad-shah-massoud")
    assert "Lion of Panjshir" in result.stdout and "004_c970b5bf8df66635.txt" in result.stdout
    result = run("show", "person/nobody")
    assert result.returncode == 1 and "no entity" in result.stderr


def test_resolve_head_closes_quietly(tmp_path: Path) -> None:
    path = tmp_path / "names.txt"
    path.write_text("Mottaki\n" * 20000, encoding="utf-8")
    with path.open(encoding="utf-8") as stdin:
        assert ALIASKIT
        producer = subprocess.Popen([ALIASKIT, "resolve", "--jsonl"], stdin=stdin,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert producer.stdout and producer.stderr
        first = producer.stdout.readline()
        producer.stdout.close()
        producer.wait(timeout=120)
        assert b"Traceback" not in producer.stderr.read()
    assert json.loads(first)["line"] == 1 and producer.returncode == 0


# --- one face for every command (issue 17) ---------------------------------------------

ROWS = "Kabul\n\nHekmatyar\n"


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("cli")
    paths = {"names": folder / "names.txt", "article": folder / "article.txt",
             "bad": folder / "bad.txt"}
    paths["names"].write_text("Amir Khan Muttaqi\nAmir Khan Mottaki\n\nMohammad Khan\n",
                              encoding="utf-8")
    paths["article"].write_text("Foreign Minister Amir Khan Mottaqi met Ahmad Masood in Kabul.\n",
                                encoding="utf-8")
    paths["bad"].write_bytes(b"Mottaqi met\nMass\xffoud.\n")
    return paths


COMMANDS: dict[str, list[str]] = {
    "normalize": ["normalize", "Mottaki", "12345"],
    "key": ["key", "Mottaki"],
    "parts": ["parts", "Mullah Abdul Qahar"],
    "resolve": ["resolve", "--limit", "2", "Mottaki", "xyzzy qqq", "Massoud"],
    "compare": ["compare", "Mohammad Khan", "Mohammad Karim"],
    "cluster": ["cluster", "{names}"],
    "entities": ["entities", "--kind", "org"],
    "show": ["show", "person/ahmad-massoud"],
    "link": ["link", "{article}"],
    "screen": ["screen", str(CASES / "screen" / "input.txt"), "--against",
               str(CASES / "screen" / "list.jsonl"), "--threshold", "0.05"],
}


def _cell(value: object) -> str:
    """What a record's value looks like in a CSV cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (list, dict)) else str(value)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_format_means_the_same_on_every_command(command: str, files: dict[str, Path]) -> None:
    """jsonl (the default on a pipe) and json carry the same records; csv has a header and
    the records' fields (resolve: one row per match); table is for people."""
    args = [a.format(**{k: str(v) for k, v in files.items()}) for a in COMMANDS[command]]
    jsonl = run(*args)
    records = [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert records and all(isinstance(r, dict) for r in records), jsonl.stdout
    as_json = run(*args, "--json")
    assert json.loads(as_json.stdout) == records
    as_csv = run(*args, "--csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    if command in ("resolve", "screen"):  # one row per match (or hit)
        field = "matches" if command == "resolve" else "hits"
        assert [r["line"] for r in rows] == [str(r["line"]) for r in records
                                             for _ in (r[field] or [None])]
        matches = [m for r in records for m in r[field]]
        assert [r["id"] for r in rows if r["id"]] == [m["id"] for m in matches]
        assert [r["score"] for r in rows if r["id"]] == [_cell(m["score"]) for m in matches]
    else:
        assert len(rows) == len(records)
        for row, record in zip(rows, records):
            # entities: a gazetteer's lists, joined by "|" (join_cell), not JSON
            shared = (set(row) & set(record)) - {"aliases", "birth_dates", "countries"}
            assert shared and {k: row[k] for k in shared} == {k: _cell(record[k]) for k in shared}
    assert jsonl.returncode == as_json.returncode == as_csv.returncode
    table = run(*args, "--format", "table")
    assert table.stdout.strip() and not table.stdout.startswith(("{", "[")), table.stdout
    assert table.returncode == jsonl.returncode


LINE_BREAKS = load_csv("csv_line_breaks.csv")


@pytest.mark.parametrize("case", LINE_BREAKS, ids=lambda c: c["break"])
def test_csv_output_keeps_a_line_break_inside_its_field(tmp_path: Path,
                                                        case: dict[str, str]) -> None:
    """A name holding a line break (a lone CR above all) is one CSV record, as Python's
    csv module reads it back, on every command."""
    name = unescape(case["name"])
    listed = tmp_path / "list.jsonl"
    listed.write_text('{"id": "p1", "name": "Herat"}\n', encoding="utf-8")
    queries = tmp_path / "queries.jsonl"
    queries.write_text(json.dumps({"name": name}) + "\n", encoding="utf-8")
    column = tmp_path / "names.csv"
    column.write_text("name\nHerat\n" + '"' + name.replace('"', '""') + '"\n', encoding="utf-8")
    commands = {"normalize": (["normalize", name], "input", [name]),
                "resolve": (["resolve", "--limit", "2", "--threshold", "0", name], "input", [name]),
                "screen": (["screen", str(queries), "--against", str(listed)], "query", [name]),
                "cluster": (["cluster", str(column), "--column", "name"], None, None)}
    for command, (args, field, expected) in commands.items():
        assert ALIASKIT
        result = subprocess.run([ALIASKIT, *args, "--csv"], capture_output=True, timeout=120)
        # Bytes as written: a text pipe would turn a lone CR into a line end itself.
        out = result.stdout.decode("utf-8", "surrogateescape")
        rows = list(csv.reader(io.StringIO(out, newline="")))
        assert all(len(row) == len(rows[0]) for row in rows), (command, out)
        records = list(csv.DictReader(io.StringIO(out, newline="")))
        if field is not None:
            assert sorted({r[field] for r in records}) == expected, (command, out)
        else:  # the CSV input's two names, each one record
            assert [r["line"] for r in records] == ["2", "3"], (command, out)


def test_short_forms_are_format_and_one_at_a_time() -> None:
    for short, fmt in (("--jsonl", "jsonl"), ("--json", "json"), ("--csv", "csv")):
        assert run("key", short, "Mottaki").stdout == run("key", "--format", fmt, "Mottaki").stdout
    result = run("key", "--json", "--csv", "Mottaki")
    assert result.returncode == 2 and "choose one output format" in result.stderr


def test_entities_csv_is_a_gazetteer(tmp_path: Path) -> None:
    gazetteer = tmp_path / "orgs.csv"
    gazetteer.write_text(run("entities", "--kind", "org", "--csv").stdout, encoding="utf-8")
    again = run("entities", "--no-bundled", "--data", str(gazetteer), "--jsonl")
    original = [json.loads(line) for line in run("entities", "--kind", "org").stdout.splitlines()]
    assert again.returncode == 0
    read_back = [json.loads(line) for line in again.stdout.splitlines()]
    assert [(r["id"], r["name"], {a["name"] for a in r["aliases"]}) for r in read_back] == [
        (r["id"], r["name"], {a["name"] for a in r["aliases"]} - {r["name"]}) for r in original]


def test_default_is_a_table_on_a_terminal() -> None:
    code, out, _ = run_tty("resolve", "Amir Khan Mottaki", "Nangahar")
    assert code == 0
    assert out.splitlines()[0].split() == ["line", "input", "entity", "score", "ambig", "alias"]
    assert "person/amir-khan-muttaqi" in out and not out.lstrip().startswith("{")
    code, out, _ = run_tty("cluster", "--help")  # cluster no longer defaults to CSV
    assert "--format [table|jsonl|json|csv]" in out


def test_one_stderr_line_per_failed_row_in_every_format() -> None:
    """`printf 'Kabul\\n\\nHekmatyar\\n' | aliaskit resolve >/dev/null`: one line."""
    for fmt in ("table", "jsonl", "json", "csv"):
        result = run("resolve", "--format", fmt, stdin=ROWS)
        assert result.returncode == 1
        assert result.stderr.splitlines() == ["aliaskit: line 2: name is empty"], fmt
    records = [json.loads(line) for line in run("resolve", stdin=ROWS).stdout.splitlines()]
    assert [r["line"] for r in records] == [1, 2, 3]  # the failed row has its record
    assert records[1] == {"line": 2, "input": "", "matches": [], "error": "name is empty"}


def test_summary_at_the_end_of_a_batch() -> None:
    lines = ["Mottaki", "", "Nangahar", "12345", "Kabul", "   ", "Herat"]
    result = run("normalize", stdin="\n".join(lines) + "\n")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "aliaskit: line 2: name is empty",
        "aliaskit: line 4: name '12345' contains no letters",
        "aliaskit: line 6: name is only whitespace",
        "aliaskit: 3 of 7 lines failed; first: line 2: name is empty",
    ]
    assert len(result.stdout.splitlines()) == len(lines)


def test_undecodable_line_is_an_error_record_not_the_end() -> None:
    assert ALIASKIT
    result = subprocess.run([ALIASKIT, "resolve"], input=b"Mottaki\nMass\xffoud\nKabul\n",
                            capture_output=True, timeout=60)
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["line"] for r in records] == [1, 2, 3]
    assert records[1]["input"] == "Mass\\xffoud" and "not valid utf-8" in records[1]["error"]
    assert records[2]["matches"][0]["id"] == "place/kabul"
    assert result.stderr.decode().splitlines() == [
        "aliaskit: line 2: not valid utf-8 (byte 5); use --encoding, or --errors replace"]
    assert result.returncode == 1


def test_exit_codes() -> None:
    assert run("normalize", "Mottaki").returncode == 0  # every row done
    assert run("normalize", "Mottaki", "").returncode == 1  # some rows failed
    assert run("show", "person/nobody").returncode == 1  # bad input, nothing to do
    assert run("resolve", "--data", "/nonexistent.jsonl", "x").returncode == 1  # bad data
    assert run("resolve", "--limit", "0", "x").returncode == 2  # bad usage
    assert run("resolve", "--format", "yaml", "x").returncode == 2
    assert run("no-such-command").returncode == 2
    assert run("resolve", stdin="").returncode == 0  # no rows, no failure
    code, _, err = run_tty("--help")
    assert code == 0 and err == ""


def test_link_goes_on_after_a_file_that_fails(files: dict[str, Path]) -> None:
    missing = files["article"].parent / "missing.txt"
    args = ["link", str(files["bad"]), str(missing), str(files["article"])]
    result = run(*args)
    assert result.returncode == 1
    records = [json.loads(line) for line in result.stdout.splitlines()]
    failed = [r for r in records if "error" in r]
    # The source is the path as given: two files named a.txt are told apart.
    assert [r["source"] for r in failed] == [str(files["bad"]), str(missing)]
    assert "line 2: not valid utf-8" in failed[0]["error"]
    linked = [r["entity"] for r in records if r["source"] == str(files["article"])]
    assert linked[:2] == ["person/amir-khan-muttaqi", "person/ahmad-massoud"]
    assert result.stderr.splitlines() == [
        f"aliaskit: {files['bad']}: line 2: not valid utf-8; use --encoding, or --errors replace",
        f"aliaskit: {missing}: No such file or directory",
        f"aliaskit: 2 of 3 files failed: {files['bad']}, {missing}",
    ]
    # --errors replace, as for the other commands: the file is read, U+FFFD for the byte.
    result = run("link", "--errors", "replace", str(files["bad"]))
    assert result.returncode == 0 and json.loads(result.stdout.splitlines()[0])["surface"] == "Mottaqi"


HOSTILE = "Muttaqi\x1b]0;pwned\x07"
RLO = "\u202eMuttaqi"
PERSIAN = "خامنه\u200cای"


def test_table_escapes_control_and_bidi_characters() -> None:
    result = run("normalize", "--format", "table", HOSTILE, RLO, PERSIAN, "\u202e")
    table = run("resolve", "--format", "table", HOSTILE, RLO, PERSIAN)
    for out in (result.stdout, table.stdout):
        assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "Muttaqi\\x1b]0;pwned\\x07" in table.stdout and "\\u202eMuttaqi" in table.stdout
    assert PERSIAN in table.stdout  # Perso-Arabic text and its ZWNJ stay readable
    # Messages on standard error are escaped too, and stay one line each. (An escape
    # sequence in a name is an error of its own: no name holds a control character.)
    errors = result.stderr.splitlines()
    assert all(line.startswith("aliaskit: ") for line in errors)
    assert [line.split(":")[1] for line in errors[:2]] == [" line 1", " line 4"]
    assert "\x1b" not in result.stderr and "holds a control character (U+001B" in errors[0]
    assert "\u202e" not in result.stderr and "\\u202e" in result.stderr
    # JSON is exact: the same strings once parsed.
    for fmt in ("jsonl", "json"):
        out = run("resolve", "--format", fmt, HOSTILE, RLO, PERSIAN).stdout
        assert "\x1b" not in out and "\u202e" not in out
        records = ([json.loads(line) for line in out.splitlines()] if fmt == "jsonl"
                   else json.loads(out))
        assert [r["input"] for r in records] == [HOSTILE, RLO, PERSIAN]


# --- found by a user's audit of the CLI (session 18) ------------------------------------

def _run_bytes(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    assert ALIASKIT
    return subprocess.run([ALIASKIT, *args], input=stdin, capture_output=True, timeout=120,
                          env={**os.environ, "NO_COLOR": "1"})


def test_a_full_disk_is_one_line() -> None:
    with open("/dev/full", "w") as full:
        result = subprocess.run([ALIASKIT, "resolve", "Kabul"], stdout=full,
                                stderr=subprocess.PIPE, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr == "aliaskit: error: writing the output: No space left on device\n"


def test_argument_bytes_that_are_not_utf8() -> None:
    """An argument is an input line: its bad bytes are its error, as on standard input
    (it was resolved, and judge crashed on it)."""
    bad = b"Ka\xffbul".decode("utf-8", "surrogateescape")
    result = run("resolve", bad, "Kabul", "--jsonl")
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert first["error"] == "not valid utf-8 (byte 3)" and first["input"] == "Ka\\xffbul"
    assert second["matches"]
    for args in (["judge", bad, "Kabul", "--same"], ["compare", bad, "Kabul"]):
        result = run(*args)
        assert result.returncode == 2 and "not valid utf-8" in result.stderr
        assert "Traceback" not in result.stderr


def test_judge_takes_one_decision(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    result = run("judge", "Massoud", "person/ahmad-massoud", "--same", "--different",
                 "--file", str(path))
    assert result.returncode == 2 and "not --same and --different" in result.stderr
    assert not path.exists()


def test_cluster_csv_with_an_open_quote_and_a_byte_order_mark(tmp_path: Path) -> None:
    """An open quote swallowed the rest of the file as one name (exit 0); a byte-order
    mark hid the first column."""
    path = tmp_path / "names.csv"
    path.write_bytes(b'\xef\xbb\xbfid,name\n1,Massoud\n3,"unterminated\n4,Kabol\n5,Herat\n')
    result = run("cluster", "--column", "name", str(path), "--jsonl")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["line"] for r in records] == [2, 3, 4, 5] and result.returncode == 1
    assert records[1]["error"] == "a quoted field is never closed"
    assert [r["input"] for r in records if "error" not in r] == ["Massoud", "Kabol", "Herat"]


def test_utf16_input_is_read_as_lines(tmp_path: Path) -> None:
    """Lines were split at the byte 0x0A before decoding: two names gave three records."""
    data = "Ahmad\nKhan\n".encode("utf-16")
    result = _run_bytes("normalize", "--encoding", "utf-16", "--jsonl", stdin=data)
    assert [json.loads(line)["normalized"] for line in result.stdout.splitlines()] == \
        ["ahmad", "khan"]
    path = tmp_path / "n.txt"
    path.write_bytes(data)
    assert len(run("cluster", str(path), "--encoding", "utf-16", "--jsonl").stdout.splitlines()) == 2
    broken = _run_bytes("normalize", "--encoding", "utf-16", stdin=data[:-1])
    assert broken.returncode == 1 and b"not valid utf-16" in broken.stderr
    assert b"Traceback" not in broken.stderr


def test_screen_reads_other_encodings_and_shows_bad_bytes(tmp_path: Path) -> None:
    listed = tmp_path / "list.jsonl"
    listed.write_text('{"id": "a", "name": "Kabul"}\n', encoding="utf-8")
    names = tmp_path / "names.txt"
    names.write_bytes(b"Kabul\nKa\xffbul\n")
    records = [json.loads(line) for line in
               run("screen", str(names), "--against", str(listed), "--jsonl").stdout.splitlines()]
    assert records[1]["input"] == "Ka\\xffbul" and "not valid utf-8" in records[1]["error"]
    names.write_bytes("Kabul\n".encode("utf-16"))
    result = run("screen", str(names), "--against", str(listed), "--encoding", "utf-16", "--jsonl")
    assert result.returncode == 0 and json.loads(result.stdout)["hits"][0]["id"] == "a"


def test_judgements_lists_every_line(tmp_path: Path) -> None:
    """A malformed line had no record; the later of two equal decisions is the one in
    force, so the earlier is the repeated one (the help said the opposite)."""
    path = tmp_path / "j.jsonl"
    same = '{"left": "A", "right": "B", "judgement": "same"}\n'
    path.write_text(same + "not json\n" + same, encoding="utf-8")
    result = run("judgements", str(path), "--jsonl")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["line"], r["status"]) for r in records] == \
        [(1, "repeated"), (2, "malformed"), (3, "applied")]
    assert result.returncode == 1 and "not a JSON object" in records[1]["error"]
    assert "a later decision on the pair says" in run("judgements", "--help").stdout


def test_resolve_csv_shows_a_reviewer_s_rejection(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    assert run("judge", "Massoud", "person/ahmad-massoud", "--different",
               "--file", str(path)).returncode == 0
    result = run("resolve", "--judgements", str(path), "--show-rejected", "Massoud", "--csv",
                 "--limit", "3")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    rejected = [r for r in rows if r["id"] == "person/ahmad-massoud"]
    assert rejected and rejected[0]["rejected"] == "true"
    assert json.loads(rejected[0]["judgement"])["judgement"] == "different"


def test_output_files_that_cannot_be_written(tmp_path: Path) -> None:
    listed = tmp_path / "list.jsonl"
    listed.write_text('{"id": "a", "name": "Kabul"}\n', encoding="utf-8")
    names = tmp_path / "names.txt"
    names.write_text("Kabul\n", encoding="utf-8")
    missing = tmp_path / "missing"
    for args in (["index", "build", str(listed), "-o", str(missing / "x.idx")],
                 ["screen", str(names), "--against", str(listed), "--html",
                  str(missing / "r.html")]):
        result = run(*args)
        assert result.returncode == 1 and "Traceback" not in result.stderr, args
        assert result.stderr.count("\n") == 1 and result.stdout == "", args


@pytest.mark.parametrize("args, problem", [
    (["resolve", "x", "--data", "{dir}"], "{dir}: is a directory, not a file"),
    (["resolve", "x", "--data", "{missing}"], "{missing}: file not found"),
    (["resolve", "x", "--judgements", "{dir}"], "{dir}: is a directory, not a file"),
    (["resolve", "x", "--judgements", "{missing}"], "{missing}: file not found"),
    (["screen", "-", "--against", "{list}", "--judgements", "{dir}"],
     "{dir}: is a directory, not a file"),
    (["compare", "a", "b", "--profile", "{dir}"], "{dir}: is a directory, not a file"),
    (["calibrate", "{dir}"], "{dir}: is a directory, not a file"),
    (["calibrate", "{missing}"], "{missing}: file not found"),
    (["judgements", "{dir}"], "{dir}: is a directory, not a file"),
    # screen and index took theirs through click's checks (exit code 2, a usage block)
    (["screen", "{dir}", "--against", "{list}"], "{dir}: is a directory, not a file"),
    (["screen", "{missing}", "--against", "{list}"], "{missing}: file not found"),
    (["screen", "-", "--against", "{dir}"], "{dir}: is a directory, not a file"),
    (["screen", "-", "--index", "{dir}"], "{dir}: is a directory, not a file"),
    (["index", "build", "{dir}", "-o", "{missing}"], "{dir}: is a directory, not a file"),
    (["index", "update", "{dir}", "--remove", "a"], "{dir}: is a directory, not a file"),
    (["index", "compact", "{missing}"], "{missing}: file not found"),
])
def test_a_file_that_cannot_be_read_is_one_line(tmp_path: Path, args: list[str],
                                                problem: str) -> None:
    """A directory (or a missing --judgements or calibrate file) got click's usage block
    and exit 2; a missing --data file one line and exit 1. Now all are one line, exit 1."""
    listed = tmp_path / "list.jsonl"
    listed.write_text('{"id": "a", "name": "Kabul"}\n', encoding="utf-8")
    (tmp_path / "adir").mkdir()
    where = {"dir": str(tmp_path / "adir"), "missing": str(tmp_path / "missing.jsonl"),
             "list": str(listed)}
    result = run(*(a.format(**where) for a in args), stdin="Kabul\n")
    assert result.returncode == 1, result.stderr
    assert result.stderr == f"aliaskit: error: {problem.format(**where)}\n"


def test_judgements_of_a_file_that_is_not_regular(tmp_path: Path) -> None:
    """`judgements FIFO` (or /dev/null) said "file not found"."""
    import threading

    fifo = tmp_path / "decisions"
    os.mkfifo(fifo)
    line = '{"left": "Massoud", "right": "person/ahmad-massoud", "judgement": "different"}\n'
    writer = threading.Thread(target=fifo.write_text, args=(line,), daemon=True)
    writer.start()
    result = run("judgements", str(fifo), "--jsonl")
    writer.join(10)
    assert result.returncode == 0, result.stderr
    assert [json.loads(r)["status"] for r in result.stdout.splitlines()] == ["applied"]


def test_usage_mistakes_exit_2(tmp_path: Path) -> None:
    listed = tmp_path / "list.jsonl"
    listed.write_text('{"id": "a", "name": "Kabul"}\n', encoding="utf-8")
    index = tmp_path / "i.idx"
    assert run("index", "build", str(listed), "-o", str(index)).returncode == 0
    before = index.read_bytes()
    result = run("index", "update", str(index), "--remove", ",,")
    assert result.returncode == 2 and "nothing to update" in result.stderr
    assert index.read_bytes() == before
    result = run("screen", "-", "--index", str(index), "--against", str(listed), stdin="Kabul\n")
    assert result.returncode == 2 and "not both" in result.stderr
    result = run("compare", "a", "b", "--profile", "nope")
    assert result.returncode == 2 and "unknown profile" in result.stderr


def test_a_list_of_problems_has_one_line_each(tmp_path: Path) -> None:
    path = tmp_path / "g.jsonl"
    path.write_text('{"id": "a"}\nnot json\n', encoding="utf-8")
    result = run("resolve", "--data", str(path), "Kabul")
    lines = result.stderr.splitlines()
    assert result.returncode == 1 and "\\n" not in result.stderr
    assert lines[0].endswith("2 malformed row(s):") and lines[1].startswith("aliaskit:   row 1")


def test_screen_progress_bar_stays_below_the_table(tmp_path: Path) -> None:
    """On a terminal, the bar (standard error) was written into the table's lines
    (standard output): its line is now cleared before each row and drawn after it."""
    listed = tmp_path / "list.jsonl"
    listed.write_text('{"id": "a", "name": "Kabul"}\n', encoding="utf-8")
    names = tmp_path / "names.txt"
    names.write_text("Kabul\nHerat\n\n" * 500, encoding="utf-8")
    code, out, _ = run_tty("screen", str(names), "--against", str(listed), both=True)
    lines = [line.rsplit("\r", 1)[-1] for line in out.split("\n")]
    rows = [line for line in lines if " Kabul " in line or " Herat " in line]
    assert code == 1 and len(rows) == 1000
    assert not any("screening" in line for line in rows)
    assert "screening" in out and "1500/1500" in out


@pytest.mark.parametrize("fmt", ["--json", "--jsonl", "--csv"])
def test_compare_writes_a_record_for_a_name_it_cannot_use(fmt: str) -> None:
    """`compare IRGC "" --json | jq` read nothing: every command writes a record with
    the error for a name it cannot use (and says so on stderr, exit code 1)."""
    result = run("compare", "IRGC", "", fmt)
    assert result.returncode == 1 and result.stderr == "aliaskit: error: name is empty\n"
    if fmt == "--csv":
        row = next(csv.DictReader(io.StringIO(result.stdout)))
        assert (row["left"], row["right"], row["score"], row["error"]) == ("IRGC", "", "", "name is empty")
    else:
        record = json.loads(result.stdout)[0] if fmt == "--json" else json.loads(result.stdout)
        assert record["error"] == "name is empty" and record["score"] is None
