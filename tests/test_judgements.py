"""Reviewers' judgements: the file, conflicts, and every matcher honouring them."""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aliaskit
from aliaskit import DataFileError, Judgement, Judgements, Resolver, cluster, link


@functools.cache
def reference() -> Resolver:
    return Resolver.from_reference()


# --- the file ---------------------------------------------------------------------------


def test_append_never_rewrites_earlier_lines(tmp_path: Path) -> None:
    path = tmp_path / "judgements.jsonl"
    first = Judgement("Mohammad Khan", "person/x", "different", user="maria",
                      time="2026-12-05T09:00:00Z", note="the father")
    Judgements.append(path, first)
    before = path.read_bytes()
    Judgements.append(path, Judgement("Muttaqi", "Mottaki", "same", user="omid"))
    after = path.read_bytes()
    assert after.startswith(before) and after.count(b"\n") == 2
    loaded = Judgements.load(path)
    assert list(loaded) == [first, Judgement("Muttaqi", "Mottaki", "same", user="omid")]
    assert [j.line for j in loaded] == [1, 2]
    assert json.loads(before)["judgement"] == "different"


def test_append_ends_an_interrupted_last_line(tmp_path: Path) -> None:
    path = tmp_path / "judgements.jsonl"
    path.write_bytes(b'{"left": "A', )  # a write cut short
    Judgements.append(path, Judgement("Muttaqi", "Mottaki", "same"))
    loaded = Judgements.load(path)
    assert path.read_bytes().startswith(b'{"left": "A\n')
    assert len(loaded) == 1 and [e.line for e in loaded.errors] == [1]


MALFORMED = [
    ("not json at all", "not a JSON object"),
    ('["left", "right"]', "not a JSON object"),
    ('{"left": "A", "judgement": "same"}', "missing field(s) right"),
    ('{"left": "A", "right": "B", "judgement": "maybe"}', "judgement must be one of"),
    ('{"left": "", "right": "B", "judgement": "same"}', "left must not be empty"),
    ('{"left": "A", "right": 7, "judgement": "same"}', "right must be a string"),
    ('{"left": "A", "right": "B", "judgement": "same", "time": "yesterday"}', "not an ISO 8601"),
    ('{"left": "A", "right": "B", "judgement": "same", "time": "9999-12-31T23:00:00-05:00"}',
     "out of range"),
    ('{"left": "A", "right": "B", "judgement": "same", "time": "0001-01-01T00:00:00+14:00"}',
     "out of range"),
]


@pytest.mark.parametrize(("line", "message"), MALFORMED)
def test_a_malformed_line_is_reported_with_its_number_and_nothing_else_lost(
        tmp_path: Path, line: str, message: str) -> None:
    good = Judgement("Muttaqi", "Mottaki", "same").to_json()
    path = tmp_path / "j.jsonl"
    path.write_text("\n".join([good, line, "", good.replace("Mottaki", "Motaki")]) + "\n",
                    encoding="utf-8")
    loaded = Judgements.load(path)
    assert [j.right for j in loaded] == ["Mottaki", "Motaki"]
    assert [e.line for e in loaded.errors] == [2]
    assert message in str(loaded.errors[0]) and str(loaded.errors[0]).startswith(f"{path}:2: ")
    with pytest.raises(DataFileError, match=":2: "):
        Judgements.load(path, strict=True)


def test_a_byte_order_mark_is_not_part_of_the_first_line(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    first = Judgement("Muttaqi", "Mottaki", "same")
    path.write_bytes(b"\xef\xbb\xbf" + first.to_json().encode("utf-8") + b"\n")
    loaded = Judgements.load(path, strict=True)
    assert list(loaded) == [first] and [j.line for j in loaded] == [1]
    Judgements.append(path, Judgement("Muttaqi", "Motaki", "same"))
    assert [j.right for j in Judgements.load(path, strict=True)] == ["Mottaki", "Motaki"]


def test_missing_file_is_empty_and_types_are_checked(tmp_path: Path) -> None:
    assert len(Judgements.load(tmp_path / "none.jsonl")) == 0
    with pytest.raises(TypeError):
        Judgements(["A|B|same"])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        reference().resolve("Massoud", judgements=[])  # type: ignore[arg-type]


# --- conflicts --------------------------------------------------------------------------


def test_conflicts_are_reported_not_resolved() -> None:
    early = Judgement("Mohammad Khan", "Mohammad Khan Karimi", "different", user="a",
                      time="2026-12-01T10:00:00Z")
    late = Judgement("MOHAMMAD KHAN KARIMI", "mohammad khan", "same", user="b",
                     time="2026-12-03T10:00:00Z")
    unsure = Judgement("Mohammad Khan", "Mohammad Khan Karimi", "unsure", user="c")
    js = Judgements([late, early, unsure])
    assert js.conflicts == ((late, early),)
    assert js.verdict("Mohammad Khan", "Mohammad Khan Karimi") is None
    assert Judgements([late, early], latest_wins=True).verdict(
        "Mohammad Khan", "Mohammad Khan Karimi") == late
    assert Judgements([early, unsure]).conflicts == ()
    assert Judgements([unsure]).verdict("Mohammad Khan", "Mohammad Khan Karimi") is None


def test_latest_wins_without_times_takes_the_later_line() -> None:
    a = Judgement("Muttaqi", "Mottaki", "same")
    b = Judgement("Muttaqi", "Mottaki", "different")
    assert Judgements([a, b], latest_wins=True).verdict("Muttaqi", "Mottaki") == b
    assert Judgements([b, a], latest_wins=True).verdict("Muttaqi", "Mottaki") == a


# --- the resolver -----------------------------------------------------------------------

QUERIES = ["Massoud", "Amir Khan Mottaki", "Karzai", "Panjsher", "Taliban", "Kabul",
           "Ahmad Masood", "Herat"]


@pytest.mark.parametrize("query", QUERIES)
def test_a_rejected_pair_never_returns_from_the_resolver(query: str) -> None:
    resolver = reference()
    found = resolver.resolve(query, limit=5, threshold=0.0)
    assert found, query
    rejected = found[0].entity
    js = Judgements([Judgement(query, rejected.id, "different", user="maria",
                               time="2026-12-05T09:00:00Z")])
    for kwargs in ({}, {"limit": 5}, {"threshold": 0.0, "limit": 10}, {"profile": "screening"},
                   {"partial": False}):
        ids = [m.entity.id for m in resolver.resolve(query, judgements=js, **kwargs)]  # type: ignore[arg-type]
        assert rejected.id not in ids
        for m in resolver.resolve(query, judgements=js, **kwargs):  # type: ignore[arg-type]
            assert rejected.id not in m.alternatives
    shown = resolver.resolve(query, limit=5, threshold=0.0, judgements=js, include_rejected=True)
    last = shown[-1]
    assert last.entity.id == rejected.id and last.rejected and not last.is_match
    assert "rejected by maria on 2026-12-05" in last.explain()
    # The names' own line may say MATCH; the last line says what the reviewer decided.
    assert last.explain().splitlines()[-1].startswith("  (reviewer) judged a different entity")
    # by name too: the entity's canonical name stands for it
    by_name = Judgements([Judgement(rejected.name, query, "different")])
    assert rejected.id not in [m.entity.id for m in resolver.resolve(query, limit=5, judgements=by_name)]


@pytest.mark.parametrize("query", QUERIES)
def test_a_confirmed_pair_always_returns_first(query: str) -> None:
    resolver = reference()
    found = {m.entity.id for m in resolver.resolve(query, limit=5, threshold=0.0)}
    # an entity the resolver does not offer for this name at all
    other = next(e for e in aliaskit.load_reference() if e.id not in found and e.kind == "person")
    js = Judgements([Judgement(query, other.id, "same", user="omid")])
    for kwargs in ({}, {"limit": 1}, {"profile": "dedupe"}, {"partial": False}):
        first = resolver.resolve(query, judgements=js, **kwargs)[0]  # type: ignore[arg-type]
        assert first.entity.id == other.id
        assert first.confirmed and first.is_match and not first.ambiguous


def test_ambiguity_settled_by_a_confirmation() -> None:
    resolver = reference()
    assert resolver.resolve("Massoud")[0].ambiguous
    js = Judgements([Judgement("Massoud", "person/ahmad-shah-massoud", "same")])
    best = resolver.resolve("Massoud", judgements=js)[0]
    assert best.entity.id == "person/ahmad-shah-massoud" and not best.ambiguous


# --- cluster ----------------------------------------------------------------------------

CHAIN = ["Amir Khan Muttaqi", "Amir Khan Mottaki", "Amir Khan Muttaki", "Mohammad Karim",
         "Mohammad Khan", "Muttaqi"]


def together(groups: list[aliaskit._types.Cluster], a: str, b: str) -> bool:
    return any({a, b} <= {m.name for m in g.members} for g in groups)


def test_cannot_link_holds_through_a_chain_of_three_names() -> None:
    plain = cluster(CHAIN)
    assert together(plain, "Amir Khan Muttaqi", "Amir Khan Muttaki")  # A–B–C all one cluster
    for a, c in [("Amir Khan Muttaqi", "Amir Khan Muttaki"), ("Amir Khan Mottaki", "Amir Khan Muttaki"),
                 ("Amir Khan Muttaqi", "Amir Khan Mottaki")]:
        groups = cluster(CHAIN, judgements=Judgements([Judgement(a, c, "different")]))
        assert not together(groups, a, c)
        assert sum(g.size for g in groups) == len(CHAIN)


def test_cluster_joins_a_confirmed_pair() -> None:
    assert not together(cluster(CHAIN), "Mohammad Karim", "Mohammad Khan")
    js = Judgements([Judgement("mohammad karim", "MOHAMMAD KHAN", "same", user="omid")])
    groups = cluster(CHAIN, judgements=js)
    assert together(groups, "Mohammad Karim", "Mohammad Khan")
    member = next(m for g in groups for m in g.members if m.judgement is not None)
    assert member.judgement is not None and member.judgement.user == "omid"


def test_a_confirmation_against_a_rejection_is_not_applied() -> None:
    js = Judgements([Judgement("Mohammad Karim", "Mohammad Khan", "same"),
                     Judgement("Mohammad Khan", "Muttaqi", "same"),
                     Judgement("Mohammad Karim", "Muttaqi", "different")])
    with pytest.warns(UserWarning, match="not applied"):
        groups = cluster(CHAIN, judgements=js)
    assert not together(groups, "Mohammad Karim", "Muttaqi")


@pytest.mark.filterwarnings("ignore:judgement .* not applied")
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(CHAIN), st.sampled_from(CHAIN), st.booleans()),
                max_size=6))
def test_cluster_honours_any_set_of_judgements(decisions: list[tuple[str, str, bool]]) -> None:
    items = [Judgement(a, b, "same" if same else "different") for a, b, same in decisions if a != b]
    js = Judgements(items)
    groups = cluster(CHAIN, judgements=js)
    assert sorted(p for g in groups for m in g.members for p in m.positions) == list(range(len(CHAIN)))
    for j in js.applied():
        if j.judgement == "different":
            assert not together(groups, j.left, j.right)


# --- link -------------------------------------------------------------------------------

TEXT = "Foreign Minister Amir Khan Mottaqi met Ahmad Masood in Kabul. Mottaqi said..."


def test_link_never_links_a_rejected_pair_and_always_a_confirmed_one() -> None:
    plain = {(m.surface, m.entity.id) for m in link(TEXT)}
    assert ("Ahmad Masood", "person/ahmad-massoud") in plain
    for surface, entity in sorted(plain):
        js = Judgements([Judgement(surface, entity, "different")])
        assert (surface, entity) not in {(m.surface, m.entity.id) for m in link(TEXT, judgements=js)}
    js = Judgements([Judgement("Ahmad Masood", "person/ahmad-shah-massoud", "same")])
    found = {(m.surface, m.entity.id) for m in link(TEXT, judgements=js)}
    assert ("Ahmad Masood", "person/ahmad-shah-massoud") in found


# --- the commands -----------------------------------------------------------------------


def aliaskit_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("aliaskit", path=str(Path(sys.executable).parent)) or shutil.which("aliaskit")
    assert exe, "the aliaskit console script is not installed"
    return subprocess.run([exe, *args], input=stdin, capture_output=True, text=True,
                          encoding="utf-8", timeout=120, env={**os.environ, "NO_COLOR": "1"})


@pytest.mark.cli
def test_judge_and_judgements_commands(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    for args in (("Massoud", "person/ahmad-massoud", "--different", "--note", "the father"),
                 ("Massoud", "person/ahmad-shah-massoud", "--same"),
                 ("MASSOUD", "person/ahmad-shah-massoud", "--different")):
        done = aliaskit_cli("judge", *args, "--user", "maria", "--file", str(path))
        assert done.returncode == 0, done.stderr
    assert aliaskit_cli("judge", "a", "b", "--file", str(path)).returncode == 2  # no decision
    with path.open("a", encoding="utf-8") as handle:
        handle.write("{broken\n")
    listed = aliaskit_cli("judgements", str(path), "--jsonl")
    assert listed.returncode == 1 and f"{path}:4: " in listed.stderr
    assert [r["status"] for r in map(json.loads, listed.stdout.splitlines())] == [
        "applied", "conflict", "conflict", "malformed"]
    resolved = aliaskit_cli("resolve", "--jsonl", "--limit", "3", "--judgements", str(path),
                            "--show-rejected", "Massoud")
    assert resolved.returncode == 0 and "1 pair(s) with conflicting judgements" in resolved.stderr
    matches = json.loads(resolved.stdout)["matches"]
    rejected = [m for m in matches if m["judgement"]]
    assert [m["id"] for m in rejected] == ["person/ahmad-massoud"]
    assert not rejected[0]["is_match"] and rejected[0]["judgement"]["user"] == "maria"
    latest = aliaskit_cli("resolve", "--jsonl", "--limit", "3", "--judgements", str(path),
                          "--latest-wins", "Massoud")
    ids = [m["id"] for m in json.loads(latest.stdout)["matches"]]
    assert "person/ahmad-massoud" not in ids and "person/ahmad-shah-massoud" not in ids
    names = tmp_path / "names.txt"
    names.write_text("\n".join(CHAIN) + "\n", encoding="utf-8")
    split = tmp_path / "split.jsonl"
    Judgements.append(split, Judgement("Amir Khan Muttaqi", "Amir Khan Muttaki", "different"))
    clustered = aliaskit_cli("cluster", "--jsonl", "--judgements", str(split), str(names))
    assert clustered.returncode == 0, clustered.stderr
    rows = {r["input"]: r["cluster"] for r in map(json.loads, clustered.stdout.splitlines())}
    assert rows["Amir Khan Muttaqi"] != rows["Amir Khan Muttaki"] and len(rows) == len(CHAIN)
    text = tmp_path / "a.txt"
    text.write_text(TEXT, encoding="utf-8")
    reject = tmp_path / "reject.jsonl"
    Judgements.append(reject, Judgement("Ahmad Masood", "person/ahmad-massoud", "different"))
    linked = aliaskit_cli("link", "--jsonl", "--judgements", str(reject), str(text))
    found = [(r["surface"], r["entity"]) for r in map(json.loads, linked.stdout.splitlines())]
    assert found and ("Ahmad Masood", "person/ahmad-massoud") not in found


@pytest.mark.cli
def test_a_time_out_of_range_in_utc_is_one_malformed_line(tmp_path: Path) -> None:
    """A time valid as written but past year 9999 (or before year 1) in UTC crashed every
    command that showed its date."""
    path = tmp_path / "j.jsonl"
    path.write_text('{"left": "Massoud", "right": "person/ahmad-massoud", "judgement": '
                    '"different", "time": "9999-12-31T23:00:00-05:00"}\n', encoding="utf-8")
    listed = aliaskit_cli("judgements", str(path), "--jsonl")
    assert listed.returncode == 1 and f"{path}:1: " in listed.stderr
    assert "out of range" in listed.stderr and "Traceback" not in listed.stderr
    resolved = aliaskit_cli("resolve", "--jsonl", "--judgements", str(path), "--show-rejected",
                            "Massoud")
    assert resolved.returncode == 0 and "Traceback" not in resolved.stderr, resolved.stderr


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_a_file_saved_as_utf16_or_utf32_with_its_mark_is_read_not_added_to(
        tmp_path: Path, encoding: str) -> None:
    """Windows saves "Unicode" text as UTF-16 with its byte-order mark: such a file was a
    malformed line for each line ("not valid UTF-8"), and appending to it wrote UTF-8
    into UTF-16 text. It is read as what its mark says, and refused for appending."""
    path = tmp_path / "j.jsonl"
    first = Judgement("Muttaqi", "Mottaki", "same")
    path.write_bytes((first.to_json() + "\r\n").encode(encoding))
    loaded = Judgements.load(path, strict=True)
    assert list(loaded) == [first] and [j.line for j in loaded] == [1]
    with pytest.raises(DataFileError, match=f"is {encoding.upper()} text.*save it as UTF-8"):
        Judgements.append(path, Judgement("Muttaqi", "Motaki", "same"))
    assert path.read_bytes() == (first.to_json() + "\r\n").encode(encoding)
    path.write_bytes((first.to_json() + "\n").encode(encoding + "-le"))  # no mark
    with pytest.raises(DataFileError, match="without its byte-order mark"):
        Judgements.load(path, strict=True)


def test_a_bad_judgement_value_is_a_bad_argument_not_a_bad_name() -> None:
    from aliaskit import InvalidArgumentError, InvalidNameError

    for bad in ({"judgement": "maybe"}, {"judgement": "same", "time": "yesterday"}):
        with pytest.raises(InvalidArgumentError) as caught:
            Judgement("Massoud", "person/ahmad-massoud", **bad)  # type: ignore[arg-type]
        assert not isinstance(caught.value, InvalidNameError)


@pytest.mark.parametrize(("left", "right"), [("12", "34"), ("Mass\x1b[31moud", "person/ahmad-massoud"),
                                             ("Massoud", "---"), ("Massoud", "person/x\x7f")])
def test_a_side_that_is_no_name_nor_id_is_refused(left: str, right: str) -> None:
    from aliaskit import InvalidNameError

    with pytest.raises(InvalidNameError):
        Judgement(left, right, "same")


def test_the_judge_command_refuses_what_every_other_command_does(tmp_path: Path) -> None:
    from test_cli import run

    target = tmp_path / "j.jsonl"
    result = run("judge", "Mass\x1b[31moud", "person/ahmad-massoud", "--same", "--file", str(target))
    assert result.returncode == 1 and len(result.stderr.splitlines()) == 1
    assert "control character" in result.stderr and not target.exists()


def test_parse_reads_text_as_well_as_bytes() -> None:
    # docs/review.md: "Judgements.parse(data) reads such text".
    line = json.dumps({"left": "Massoud", "right": "person/ahmad-massoud", "judgement": "same"})
    from_text = Judgements.parse(line + "\n")
    assert [j.to_dict() for j in from_text] == [j.to_dict() for j in Judgements.parse(line.encode())]
    with pytest.raises(TypeError):
        Judgements.parse(3)  # type: ignore[arg-type]


# --- judgements made for a context (a screened customer's birth year and country) ---------

def _context_cases() -> list[tuple[int | None, str | None, int | None, str | None, bool]]:
    import csv

    from conftest import CASES

    with open(CASES / "judgement_context.csv", encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        return [(int(r["judged_year"]) if r["judged_year"] else None, r["judged_country"] or None,
                 int(r["query_year"]) if r["query_year"] else None, r["query_country"] or None,
                 r["applies"] == "true") for r in rows]


@pytest.mark.parametrize("judged_year, judged_country, query_year, query_country, applies",
                         _context_cases())
def test_a_judgement_made_for_a_context_holds_for_that_context_only(
        judged_year: int | None, judged_country: str | None, query_year: int | None,
        query_country: str | None, applies: bool) -> None:
    j = Judgement("Ahmad Massoud", "person/ahmad-shah-massoud", "different",
                  birth_year=judged_year, country=judged_country)
    assert j.applies(birth_year=query_year, country=query_country) is applies
    js = Judgements([j])
    verdict = js.verdict("Ahmad Massoud", ["Ahmad Shah Massoud"], "person/ahmad-shah-massoud",
                         birth_year=query_year, country=query_country)
    assert (verdict is j) is applies
    resolver = reference()
    ids = [m.entity.id for m in resolver.resolve("Ahmad Massoud", limit=5, threshold=0.0,
                                                  judgements=js, birth_year=query_year,
                                                  country=query_country)]
    assert ("person/ahmad-shah-massoud" not in ids) is applies


def test_the_judgement_with_most_context_decides() -> None:
    """A name-level rejection, and a confirmation for one customer: that customer gets
    the confirmation, every other query the rejection; neither is a conflict."""
    general = Judgement("Ahmad Massoud", "person/ahmad-shah-massoud", "different")
    for_one = Judgement("Ahmad Massoud", "person/ahmad-shah-massoud", "same", birth_year=1953,
                        country="af")
    js = Judgements([general, for_one])
    assert js.conflicts == ()
    names, entity = ["Ahmad Shah Massoud"], "person/ahmad-shah-massoud"
    assert js.verdict("Ahmad Massoud", names, entity, birth_year=1953, country="AF") is for_one
    assert js.verdict("Ahmad Massoud", names, entity, birth_year=1953) is general
    assert js.verdict("Ahmad Massoud", names, entity) is general
    # Two customers of one name judged apart are no conflict; one customer judged both
    # ways is.
    other = Judgement("Ahmad Massoud", "person/ahmad-shah-massoud", "different", birth_year=1989)
    assert Judgements([for_one, other]).conflicts == ()
    twice = Judgement("Ahmad Massoud", "person/ahmad-shah-massoud", "different", birth_year=1953,
                      country="Afghanistan")
    assert Judgements([for_one, twice]).conflicts == ((for_one, twice),)
    # The resolver answers each customer with their own decision.
    resolver = reference()
    first = resolver.resolve("Ahmad Massoud", judgements=js, birth_year=1953, country="af")[0]
    assert first.entity.id == "person/ahmad-shah-massoud" and first.confirmed
    assert "person/ahmad-shah-massoud" not in [
        m.entity.id for m in resolver.resolve("Ahmad Massoud", threshold=0.0, limit=10,
                                              judgements=js, birth_year=1989)]


def test_a_judgement_with_context_round_trips_and_one_without_reads_as_before() -> None:
    plain = Judgement("Mohammad Khan", "p1", "different", user="maria", time="2026-12-05T09:12:00Z")
    assert json.loads(plain.to_json()) == {"left": "Mohammad Khan", "right": "p1",
                                           "judgement": "different", "user": "maria",
                                           "time": "2026-12-05T09:12:00Z", "note": ""}
    made = Judgement("Mohammad Khan", "p1", "different", user="maria", birth_year=1980,
                     country="af", note="the nephew")
    assert json.loads(made.to_json())["birth_year"] == 1980
    assert list(Judgements.parse(made.to_json() + "\n" + plain.to_json())) == [made, plain]
    assert made.describe() == "rejected by maria for birth year 1980, country af (the nephew)"
    assert made.to_dict()["country"] == "af" and plain.to_dict()["birth_year"] is None


@pytest.mark.parametrize("kwargs, error", [
    ({"birth_year": "1980"}, TypeError), ({"birth_year": True}, TypeError),
    ({"birth_year": 20000}, aliaskit.InvalidArgumentError), ({"country": 4}, TypeError),
    ({"country": "  "}, aliaskit.InvalidArgumentError),
    ({"country": "a\x1bf"}, aliaskit.InvalidArgumentError)])
def test_a_bad_context_is_refused(kwargs: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error):
        Judgement("Mohammad Khan", "p1", "different", **kwargs)  # type: ignore[arg-type]
    line = json.dumps({"left": "Mohammad Khan", "right": "p1", "judgement": "different", **kwargs})
    loaded = Judgements.parse(line)
    assert len(loaded) == 0 and loaded.errors[0].line == 1
    with pytest.raises(TypeError):
        Judgements([]).verdict("Mohammad Khan", "p1", birth_year="1980")  # type: ignore[arg-type]


def test_cluster_and_link_leave_out_decisions_made_for_a_context() -> None:
    """Names grouped or found in a text have no birth year: a decision made for one
    customer is not about them."""
    names = ["Amir Khan Muttaqi", "Mottaki"]
    for_one = Judgements([Judgement("Mottaki", "Amir Khan Muttaqi", "different", birth_year=1970)])
    assert len(cluster(names, judgements=for_one)) == 1
    general = Judgements([Judgement("Mottaki", "Amir Khan Muttaqi", "different")])
    assert len(cluster(names, judgements=general)) == 2
    text = "Amir Khan Muttaqi spoke. Mottaki said no."
    for_one_link = Judgements([Judgement("Mottaki", "person/amir-khan-muttaqi", "different",
                                         birth_year=1970)])
    assert [m.surface for m in link(text, judgements=for_one_link)] == \
        [m.surface for m in link(text)]
    assert "Mottaki" not in [m.surface for m in link(text, judgements=Judgements([
        Judgement("Mottaki", "person/amir-khan-muttaqi", "different")]))]


@pytest.mark.cli
def test_judge_records_a_customers_context(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    done = aliaskit_cli("judge", "Ahmad Massoud", "person/ahmad-shah-massoud", "--different",
                        "--birth-year", "1989", "--country", "af", "--user", "maria",
                        "--file", str(path))
    assert done.returncode == 0, done.stderr
    assert "for birth year 1989, country af" in done.stderr
    listed = [json.loads(line) for line in
              aliaskit_cli("judgements", str(path), "--jsonl").stdout.splitlines()]
    assert [(r["birth_year"], r["country"], r["status"]) for r in listed] == [(1989, "af", "applied")]
    for bad in (["--birth-year", "nineteen"], ["--birth-year", "0"], ["--country", " "]):
        refused = aliaskit_cli("judge", "Ahmad Massoud", "p1", "--same", *bad, "--file", str(path))
        last = refused.stderr.strip().splitlines()[-1]
        assert refused.returncode != 0 and ("birth" in last or "country" in last), refused.stderr
        assert "Traceback" not in refused.stderr
    mixed = aliaskit_cli("judge", "--import", str(path), "--birth-year", "1989", "--file",
                         str(tmp_path / "k.jsonl"))
    assert mixed.returncode == 2 and "--birth-year" in mixed.stderr


def test_an_unsure_mark_is_shown_with_the_hit_and_decides_nothing() -> None:
    """The reviewer audit: a pair marked unsure showed nothing when screened again, so a
    second reviewer could not see what was left for follow-up."""
    resolver = reference()
    plain = resolver.resolve("Ahmad Massoud", limit=5, threshold=0.0)
    father = "person/ahmad-shah-massoud"
    js = Judgements([Judgement("Ahmad Massoud", father, "unsure", user="maria",
                               time="2026-12-05T09:00:00Z", note="ask Omid")])
    assert js and js.verdict("Ahmad Massoud", ["Ahmad Shah Massoud"], father) is None
    marked = resolver.resolve("Ahmad Massoud", limit=5, threshold=0.0, judgements=js)
    assert [(m.entity.id, m.score, m.is_match, m.ambiguous) for m in marked] == \
        [(m.entity.id, m.score, m.is_match, m.ambiguous) for m in plain]
    hit = next(m for m in marked if m.entity.id == father)
    assert hit.judgement is not None and hit.judgement.judgement == "unsure"
    assert not hit.confirmed and not hit.rejected
    assert "marked unsure by maria on 2026-12-05 (ask Omid)" in hit.explain()
    assert all(m.judgement is None for m in marked if m.entity.id != father)
    # A decision made later decides, and is what is shown.
    decided = Judgements([*js, Judgement("Ahmad Massoud", father, "different", user="omid",
                                         time="2026-12-06T09:00:00Z")])
    assert father not in [m.entity.id for m in resolver.resolve(
        "Ahmad Massoud", limit=5, threshold=0.0, judgements=decided)]
    # Made for another customer, it is not shown.
    other = Judgements([Judgement("Ahmad Massoud", father, "unsure", birth_year=1989)])
    assert all(m.judgement is None for m in resolver.resolve(
        "Ahmad Massoud", limit=5, threshold=0.0, judgements=other, birth_year=1953))
