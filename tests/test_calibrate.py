"""Profile files and `aliaskit calibrate`: thresholds fitted on a user's labelled pairs."""

from __future__ import annotations

import csv
import itertools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CASES
from hypothesis import given, settings
from hypothesis import strategies as st

import aliaskit
from aliaskit import DataFileError, Profile, compare, load_profile
from aliaskit._calibrate import LabelledPair, calibrate, folds_of, read_pairs
from aliaskit._judgements import name_key

ALIASKIT = shutil.which("aliaskit", path=str(Path(sys.executable).parent)) or shutil.which("aliaskit")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    assert ALIASKIT, "the aliaskit console script is not installed"
    return subprocess.run([ALIASKIT, *args], capture_output=True, text=True, encoding="utf-8",
                          timeout=120, env={**os.environ, "NO_COLOR": "1"})

# --- profile files ----------------------------------------------------------------------

GOOD = """# a user's profile
mine | 0.70 | calibrated on my pairs
mine/person | 0.75 | 300 pairs
mine/cross-script | 0.90 | 120 pairs
mine/person/cross-script | 0.95 | 80 pairs
"""


def test_profile_file_groups_and_precedence(tmp_path: Path) -> None:
    path = tmp_path / "p.txt"
    path.write_text(GOOD, encoding="utf-8")
    p = load_profile(path)
    assert (p.name, p.threshold) == ("mine", 0.70)
    assert p.for_pair("person", "cross-script").threshold == 0.95
    assert p.for_pair("person", "latin").threshold == 0.75
    assert p.for_pair("place", "cross-script").threshold == 0.90
    assert p.for_pair(None, "latin").threshold == 0.70
    # compare decides with the group's threshold and says which
    c = compare("Amir Khan Muttaqi", "امیر خان متقی", kind="person", profile=p)
    assert (c.profile, c.threshold) == ("mine/person/cross-script", 0.95)
    assert c.is_match == (c.score >= 0.95)
    assert compare("Muttaqi", "Mottaki", profile=p).threshold == 0.70


BAD = [
    ("mine | 0.7 | x\nmine | 0.8 | y\n", 2, "defined twice"),
    ("mine/person | 0.7 | x\n", 1, "before its profile"),
    ("mine | 1.5 | x\n", 1, "(0, 1]"),
    ("mine | high | x\n", 1, "not a number"),
    ("mine | 0.7 | x\nmine/animal | 0.7 | y\n", 2, "unknown group"),
    ("mine | 0.7\n", 1, "expected 3 fields"),
    ("mine | 0.7 | x\nmine/latin | 0.6 | y\nmine/latin | 0.5 | z\n", 3, "defined twice"),
]


@pytest.mark.parametrize(("text", "line", "message"), BAD)
def test_malformed_profile_file(tmp_path: Path, text: str, line: int, message: str) -> None:
    path = tmp_path / "p.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError, match=rf":{line}: .*{message.replace('(', '.').replace(')', '.')}"):
        load_profile(path)


def test_profile_file_choice(tmp_path: Path) -> None:
    path = tmp_path / "p.txt"
    path.write_text("a | 0.5 | x\nb | 0.6 | y\n", encoding="utf-8")
    assert load_profile(path, "b").threshold == 0.6
    with pytest.raises(DataFileError, match="several profiles"):
        load_profile(path)
    with pytest.raises(DataFileError, match="file not found"):
        load_profile(tmp_path / "missing.txt")
    with pytest.raises(TypeError):
        compare("a", "b", profile=0.5)  # type: ignore[arg-type]


# --- calibrate --------------------------------------------------------------------------


def labelled_pairs() -> list[LabelledPair]:
    """Pairs from the bundled reference data: names of one entity (matches) and names of
    two entities of the same kind (non-matches)."""
    entities = [e for e in aliaskit.load_reference() if e.kind]
    out = []
    for e in entities:
        out += [LabelledPair(a, b, True, e.kind) for a, b in itertools.combinations(e.names[:4], 2)]
    same_kind = [(x, y) for x, y in itertools.combinations(entities, 2) if x.kind == y.kind]
    for x, y in same_kind[::7]:
        out.append(LabelledPair(x.names[0], y.names[-1], False, x.kind))
    return out


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["Muttaqi", "Mottaki", "Karim", "Kabul", "Herat",
                                           "KARIM", "Tabriz", "Tabris"]),
                          st.sampled_from(["Muttaqi", "Karimi", "Heart", "Kabool", "tabriz"])),
                min_size=1, max_size=12), st.integers(2, 5))
def test_pairs_sharing_a_name_never_straddle_folds(ends: list[tuple[str, str]], k: int) -> None:
    pairs = [LabelledPair(a, b, True) for a, b in ends]
    fold = folds_of(pairs, k)
    by_name: dict[str, set[int]] = {}
    for pair, f in zip(pairs, fold):
        for name in (pair.name1, pair.name2):
            by_name.setdefault(name_key(name) or name, set()).add(f)
    assert all(len(folds) == 1 for folds in by_name.values())
    assert set(fold) <= set(range(k))


def test_calibrate_reports_held_out_and_bundled_figures() -> None:
    pairs = labelled_pairs()
    result = calibrate(pairs, folds=4)
    assert result.pairs == len(pairs) and result.folds == 4
    assert result.matches == sum(p.is_match for p in pairs)
    h = result.held_out
    assert h.tp + h.fp + h.fn + h.tn == len(pairs)
    assert [name for name, _ in result.bundled] == ["default", "screening", "dedupe"]
    assert 0 < result.profile.threshold <= 1
    for group in result.groups:
        assert group.pairs >= 50
    # the curve describes every candidate on every pair; the calibrated threshold is its best
    best = max(p.f1 for p in result.curve)
    chosen = next(p for p in result.curve if abs(p.threshold - result.profile.threshold) < 1e-9)
    assert chosen.f1 == best


def test_calibrate_objectives_keep_their_target() -> None:
    pairs = labelled_pairs()
    recall = calibrate(pairs, objective="recall", target=0.9, folds=3)
    point = next(p for p in recall.curve if abs(p.threshold - recall.profile.threshold) < 1e-9)
    assert point.recall >= 0.9
    precise = calibrate(pairs, objective="precision", target=0.95, folds=3)
    point = next(p for p in precise.curve if abs(p.threshold - precise.profile.threshold) < 1e-9)
    assert point.precision >= 0.95 or precise.profile.threshold == 1.0
    with pytest.raises(aliaskit.InvalidArgumentError, match="matches and non-matches"):
        calibrate([p for p in pairs if p.is_match])


def test_read_pairs_reports_the_line(tmp_path: Path) -> None:
    path = tmp_path / "pairs.csv"
    path.write_text("name1,name2,is_match,kind\nMuttaqi,Mottaki,1,person\nKabul,Herat,maybe,place\n",
                    encoding="utf-8")
    with pytest.raises(DataFileError, match=r"pairs.csv:3: is_match must be"):
        read_pairs(path)
    path.write_text("left,right\nA,B\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"lacks column\(s\) name1, name2, is_match"):
        read_pairs(path)
    jsonl = tmp_path / "pairs.jsonl"
    jsonl.write_text('{"name1": "Muttaqi", "name2": "Mottaki", "is_match": true}\n\n'
                     '{"name1": "Kabul", "name2": "Herat", "is_match": "no", "kind": "town"}\n',
                     encoding="utf-8")
    with pytest.raises(DataFileError, match=r"pairs.jsonl:3: kind must be"):
        read_pairs(jsonl)


# --- the command ------------------------------------------------------------------------


def write_csv(path: Path, pairs: list[LabelledPair]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["name1", "name2", "is_match", "kind"])
        for p in pairs:
            out.writerow([p.name1, p.name2, int(p.is_match), p.kind or ""])


@pytest.mark.cli
def test_calibrate_command_writes_a_profile_that_compare_and_resolve_accept(tmp_path: Path) -> None:
    pairs = labelled_pairs()
    source = tmp_path / "labelled.csv"
    write_csv(source, [*pairs, LabelledPair("12345", "Kabul", False, "place")])
    profile = tmp_path / "mine.txt"
    result = run("calibrate", str(source), "--output", str(profile), "--jsonl", "--folds", "3",
                 "--name", "mine")
    assert result.returncode == 1  # one pair could not be scored: said, with its line
    assert f"labelled.csv:{len(pairs) + 2}: pair not scored" in result.stderr
    record = json.loads(result.stdout)
    assert record["pairs"] == len(pairs) and len(record["skipped"]) == 1
    assert record["held_out"]["tp"] + record["held_out"]["fn"] == sum(p.is_match for p in pairs)
    loaded = load_profile(profile)
    assert loaded.name == "mine" and loaded.threshold == record["profile"]["threshold"]
    assert dict(loaded.groups) == record["profile"]["groups"]
    compared = run("compare", "Amir Khan Muttaqi", "Amir Khan Mottaki", "--kind", "person",
                   "--profile", str(profile), "--jsonl")
    assert compared.returncode == 0, compared.stderr
    c = json.loads(compared.stdout)
    assert c["profile"].startswith("mine") and c["threshold"] == loaded.for_pair("person", "latin").threshold
    resolved = run("resolve", "--profile", str(profile), "--jsonl", "Amir Khan Mottaki")
    assert resolved.returncode == 0, resolved.stderr
    assert json.loads(resolved.stdout)["matches"][0]["id"] == "person/amir-khan-muttaqi"
    table = run("calibrate", str(tmp_path / "labelled.csv"), "--folds", "3", "--format", "table")
    assert "held out (3-fold cross-validation" in table.stdout and "bundled default" in table.stdout
    bad = run("compare", "a", "b", "--profile", str(tmp_path / "labelled.csv"))
    assert bad.returncode == 1 and bad.stderr.startswith("aliaskit: error: ")
    assert "Traceback" not in bad.stderr


def test_plot_needs_matplotlib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from aliaskit._cli import cli

    source = tmp_path / "labelled.csv"
    write_csv(source, labelled_pairs())
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    result = CliRunner().invoke(cli, ["calibrate", str(source), "--plot", str(tmp_path / "p.png")])
    assert result.exit_code != 0 and "--plot needs matplotlib" in str(result.exception)
    assert not (tmp_path / "p.png").exists()


def test_plot_is_a_png(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    from aliaskit._calibrate import plot

    result = calibrate(labelled_pairs(), folds=3)
    plot(result, tmp_path / "p.png")
    assert (tmp_path / "p.png").read_bytes().startswith(b"\x89PNG")


def test_profile_is_public() -> None:
    assert "Profile" in aliaskit.__all__ and "load_profile" in aliaskit.__all__
    assert isinstance(aliaskit._data.profiles()["default"], Profile)


def test_a_bad_name_or_target_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    """--name "my profile" overwrote a good -o file with one that could not be loaded."""
    pairs = CASES / "compare.csv"
    kept = tmp_path / "keep.txt"
    kept.write_text("keep\n", encoding="utf-8")
    for args in (["--name", "my profile"], ["--name", "a|b"], ["--target", "0.9"]):
        result = run("calibrate", str(pairs), "-o", str(kept), *args)
        assert result.returncode == 2 and "Traceback" not in result.stderr, args
        assert kept.read_text(encoding="utf-8") == "keep\n"


@pytest.mark.cli
def test_calibrate_output_through_a_link_or_into_a_fifo(tmp_path: Path) -> None:
    """The file a link points to is replaced, not the link; a FIFO stays a FIFO (as root,
    renaming over -o /dev/null would have replaced the device with a regular file)."""
    import stat
    import threading

    write_csv(tmp_path / "labelled.csv", labelled_pairs())
    pairs = str(tmp_path / "labelled.csv")
    target, link = tmp_path / "mine.txt", tmp_path / "link.txt"
    target.write_text("keep\n", encoding="utf-8")
    link.symlink_to(target.name)
    result = run("calibrate", pairs, "-o", str(link), "--folds", "3")
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and load_profile(target).name == "calibrated"
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = run("calibrate", pairs, "-o", str(fifo), "--folds", "3")
    reader.join(10)
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and len(got) == 1

    def stamped_to_the_minute(text: bytes) -> list[bytes]:
        # The two runs may straddle a minute: the header's time stamp is not compared.
        return [line for line in text.splitlines() if b" UTC" not in line]

    assert stamped_to_the_minute(got[0]) == stamped_to_the_minute(target.read_bytes())
    assert len(got[0].splitlines()) == len(target.read_bytes().splitlines())


@pytest.mark.parametrize("text, line, message", [
    ('name1,name2,is_match\nTabriz,"Tab"ris,1\n', 2, "malformed CSV (',' expected"),
    ("name1,name2,is_match\nKabul,Herat,0,extra\n", 2, "4 fields where the header has 3"),
    ("name1,name2,is_match\nKabul,Herat,0\nKabul,Kab\udcffol,1\n", 3, "not valid UTF-8"),
])
def test_malformed_pairs_name_their_line(tmp_path: Path, text: str, line: int,
                                          message: str) -> None:
    path = tmp_path / "pairs.csv"
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    with pytest.raises(DataFileError) as info:
        read_pairs(path)
    assert info.value.line == line and message in str(info.value)
    assert "malformed CSV (malformed CSV" not in str(info.value)


def test_calibrate_warns_when_it_has_few_pairs(tmp_path: Path) -> None:
    from test_cli import run

    path = tmp_path / "pairs.csv"
    path.write_text("name1,name2,is_match\nMuttaqi,Mottaki,true\nKabul,Kandahar,false\n"
                    "Tabriz,Tabris,true\nHerat,Kabul,false\n", encoding="utf-8")
    result = run("calibrate", str(path), "--folds", "2", "--jsonl")
    assert result.returncode == 0
    assert "aliaskit: warning: only 4 pair(s) scored" in result.stderr
    with pytest.raises(aliaskit.InvalidArgumentError) as caught:
        calibrate([], folds=1)
    assert not isinstance(caught.value, aliaskit.InvalidNameError)


def test_pairs_not_scored_are_reported_when_too_few_are_left(tmp_path: Path) -> None:
    """review.md: pairs that cannot be scored are reported with their line, also when
    calibration then stops for want of matches and non-matches (only the stop was said)."""
    pairs = tmp_path / "b.csv"
    pairs.write_text("name1,name2,is_match\nA B,A B,1\n,x,0\nAhmad,Ahmed,1\n12,34,0\n",
                     encoding="utf-8")
    result = run("calibrate", str(pairs))
    lines = result.stderr.splitlines()
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert [line.split(": pair not scored")[0] for line in lines[:2]] == [
        f"aliaskit: {pairs}:3", f"aliaskit: {pairs}:5"]
    assert lines[2].startswith("aliaskit: error: calibration needs matches and non-matches")
    assert "(2 could not be scored)" in lines[2] and len(lines) == 3
