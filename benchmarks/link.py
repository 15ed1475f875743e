"""Evaluation and speed of aliaskit.link().

    python benchmarks/link.py

1. The five seeds against the gold mentions recorded in the reference provenance
   (data/reference.json): recall (a gold mention counts as found when a linked span
   has the same offsets and entity) and precision (linked spans that are a gold mention
   with the right entity), with the misses and false links listed.
2. The hand-annotated test articles in tests/cases/link/ (other spellings than the
   seeds): precision and recall. The gold covers the entities of data/reference.json:
   links to other entities of the default gazetteer (places of the regional layer) are
   listed and counted apart, outside its scope.
3. Throughput in KB of text per second (median of 5) on all these texts, with the
   bundled reference and with a 100k-alias gazetteer (composed as in resolve.py).
Writes benchmarks/results/link.json.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from _common import HERE, clear_comparison_caches, machine, median_rate, save

import aliaskit

REPO = HERE.parent
SEEDS = REPO / "seeds"
ARTICLES = REPO / "tests" / "cases" / "link"
HELDOUT = REPO / "tests" / "cases" / "link_heldout"


def seed_gold() -> dict[str, set[tuple[int, int, str]]]:
    gold: dict[str, set[tuple[int, int, str]]] = {}
    for entity in aliaskit.load_reference():
        for m in entity.mentions:
            gold.setdefault(m.source, set()).add((m.start, m.end, entity.id))
    return gold


def article_gold(folder: Path = ARTICLES) -> dict[str, tuple[str, set[tuple[int, int, str]]]]:
    out = {}
    for path in sorted(folder.glob("*.gold.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        text = (folder / doc["source"]).read_text(encoding="utf-8")
        out[doc["source"]] = (text, {(m["start"], m["end"], m["entity"]) for m in doc["mentions"]})
    return out


def score(texts: dict[str, tuple[str, set[tuple[int, int, str]]]], limit: dict[str, int],
          show: bool = True) -> dict[str, float]:
    """Precision and recall of link() (its default gazetteer) against gold mentions.

    The gold covers the entities of data/reference.json only (the annotations say so):
    a link to another entity of the default gazetteer (a place of the regional layer)
    is outside its scope, so it is listed and counted apart (``outside``), neither
    right nor wrong; a link to a reference entity that the gold does not hold, or to
    the wrong one, is a false link.
    """
    scope = {e.id for e in aliaskit.load_reference()}
    tp = fp = fn = outside = 0
    for name, (text, gold) in texts.items():
        cut = limit.get(name, len(text))
        linked = {(m.start, m.end, m.entity.id) for m in aliaskit.link(text[:cut], source=name)}
        spans = {(s, e) for s, e, _ in gold}
        beyond = sorted(m for m in linked if m[2] not in scope and m[:2] not in spans)
        found = linked - set(beyond)
        tp += len(found & gold)
        wrong = sorted(found - gold)
        missed = sorted(gold - found)
        fp += len(wrong)
        fn += len(missed)
        outside += len(beyond)
        if show:
            for s, e, eid in wrong:
                print(f"  false link  {name}:{s}-{e} {text[s:e]!r} -> {eid}")
            for s, e, eid in missed:
                print(f"  missed      {name}:{s}-{e} {text[s:e]!r} ({eid})")
            for s, e, eid in beyond:
                print(f"  outside the gold's scope  {name}:{s}-{e} {text[s:e]!r} -> {eid}")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return {"precision": precision, "recall": recall, "tp": tp, "fp": fp, "fn": fn,
            "outside_scope": outside}


def summary(r: dict[str, float]) -> str:
    """The line that sums up a :func:`score`."""
    return (f"  precision {r['precision']:.3f}, recall {r['recall']:.3f} (tp {r['tp']}, "
            f"fp {r['fp']}, fn {r['fn']}; {r['outside_scope']} links outside the gold's scope)")


def main() -> None:
    report: dict[str, object] = {"machine": machine()}
    gold = seed_gold()
    seeds = {p.name: (p.read_text(encoding="utf-8"), gold.get(p.name, set()))
             for p in sorted(SEEDS.glob("*.txt"))}
    limit = {}
    for name, (text, _) in seeds.items():
        if "\nExplore\n" in text:
            limit[name] = text.index("\nExplore\n") + 1
    print("seeds (gold = reference provenance):")
    report["seeds"] = r = score(seeds, limit)
    print(summary(r))
    articles = article_gold()
    if articles:
        print("test articles (hand-annotated, other spellings):")
        report["articles"] = r = score(articles, {})
        print(summary(r))

    heldout = article_gold(HELDOUT)
    if heldout:
        print("held-out article (written after the linker; never used for changes):")
        report["heldout"] = r = score(heldout, {})
        print(summary(r))

    corpus = [text[: limit.get(n, len(text))] for n, (text, _) in seeds.items()]
    corpus += [text for text, _ in articles.values()]
    size_kb = sum(len(t.encode("utf-8")) for t in corpus) / 1024

    def run(resolver: aliaskit.Resolver | None) -> float:
        def go() -> int:
            for t in corpus:
                aliaskit.link(t, resolver=resolver)
            return 1
        return median_rate(go, setup=clear_comparison_caches) * size_kb

    speed = {"bundled reference": run(None)}
    import resolve as scale

    entities = scale.make_gazetteer(100_000, random.Random(scale.SEED))
    big = aliaskit.Resolver(aliaskit.load_reference())
    for e in entities:
        big.add(aliaskit.Entity(id=e["id"], name=e["name"], kind=e["kind"], aliases=e["aliases"]))
    speed[f"reference + {big.alias_count - 216:,} composed aliases"] = run(big)
    print(f"throughput on {size_kb:.0f} KB of text (median of 5, cold comparison caches):")
    for name, rate in speed.items():
        print(f"  {name:<40} {rate:,.0f} KB/s")
    report["kb_per_second"] = speed
    print(f"wrote {save('link', report)}")


if __name__ == "__main__":
    main()
