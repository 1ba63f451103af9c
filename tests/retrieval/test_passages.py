"""Passages: coverage of the catalogue, canonical ids, stable ids and hashes."""

from __future__ import annotations

import re

from assistant.knowledge import Catalogue
from assistant.knowledge.model import ThreatEntry
from assistant.retrieval.passages import (
    RETRIEVABLE_KINDS,
    build_passages,
    entry_passages,
)
from tests.retrieval.fakes import small_catalogue, small_entries


def test_every_retrievable_entry_of_the_bundled_catalogue_has_a_passage(
    catalogue: Catalogue,
) -> None:
    covered = {p.entry_id for p in build_passages(catalogue)}
    wanted = {e.id for e in catalogue.entries.values() if e.kind in RETRIEVABLE_KINDS}
    assert wanted and covered == wanted


def test_passage_ids_are_unique_canonical_and_never_aliases(catalogue: Catalogue) -> None:
    passages = build_passages(catalogue)
    ids = [p.id for p in passages]
    assert len(ids) == len(set(ids))
    for p in passages:
        assert p.entry_id in catalogue.entries
        assert p.entry_id not in catalogue.aliases
        assert re.fullmatch(rf"{re.escape(p.entry_id)}#[1-9][0-9]?", p.id)
        assert p.kind == catalogue.entries[p.entry_id].kind
        assert p.text.strip() and p.source


def test_ids_and_hashes_are_stable_across_rebuilds(catalogue: Catalogue) -> None:
    first = [(p.id, p.content_hash) for p in build_passages(catalogue)]
    second = [(p.id, p.content_hash) for p in build_passages(catalogue)]
    assert first == second


def test_an_edit_changes_only_that_entrys_hash() -> None:
    entries = small_entries()
    before = {p.id: p.content_hash for p in build_passages(small_catalogue(entries=entries))}
    edited = [
        e.model_copy(update={"summary": "A different account of memory poisoning."})
        if e.id == "T1"
        else e
        for e in entries
    ]
    after = {p.id: p.content_hash for p in build_passages(small_catalogue(entries=edited))}
    assert before.keys() == after.keys()
    changed = {pid for pid in before if before[pid] != after[pid]}
    assert changed == {"T1#1"}


def test_facet_numbers_do_not_shift_when_a_facet_is_missing() -> None:
    threat = next(e for e in small_entries() if e.id == "T1")
    assert isinstance(threat, ThreatEntry)
    assert [p.id for p in entry_passages(threat)] == ["T1#1", "T1#2"]
    bare = threat.model_copy(update={"description": ""})
    assert [p.id for p in entry_passages(bare)] == ["T1#1"]


def test_crosswalk_entries_are_not_indexed() -> None:
    asi = next(e for e in small_entries() if e.kind == "asi-top10")
    assert entry_passages(asi) == []


def test_printed_names_are_searchable_but_the_id_stays_canonical() -> None:
    cat = small_catalogue()
    runaway = [p for p in build_passages(cat) if p.entry_id == "MAS-RUNAWAY-AGENT"]
    assert runaway and all(p.id.startswith("MAS-RUNAWAY-AGENT#") for p in runaway)
    assert "Runaway Trading Loop" in runaway[0].text
    assert "MAS-RPA:T99" in cat.aliases
    assert all("MAS-RPA:T99" not in p.id for p in build_passages(cat))


def test_metadata_is_flat_and_filterable() -> None:
    for passage in build_passages(small_catalogue()):
        meta = passage.metadata()
        assert all(isinstance(v, str | bool) for v in meta.values())
        assert (meta["entry_id"], meta["kind"]) == (passage.entry_id, passage.kind)
        assert meta["layers"] == ",".join(passage.layers)
        assert {k for k in meta if k.startswith("layer_")} == {
            f"layer_{x.value}" for x in passage.layers
        }
