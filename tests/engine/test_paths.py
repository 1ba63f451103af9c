"""Attack paths follow the system model's flows; scenarios are told with the system's parts."""

from __future__ import annotations

from itertools import pairwise

from assistant.engine.analyze import system_from_description
from assistant.engine.paths import path_for
from assistant.engine.scenario import scenario

SHOP = (
    "Our returns assistant reads the public returns inbox. It can issue refunds through Adyen "
    "automatically and looks up orders. It keeps no memory and cannot run code."
)


def test_an_input_driven_threat_starts_at_the_most_exposed_entry_point() -> None:
    path = path_for("T6", system_from_description(SHOP))
    assert path is not None
    assert path.steps[0].id == "entry-inbound-email"
    assert path.sink is not None and path.sink.effect is not None
    assert path.sink.effect.value == "moves-money"
    assert path.steps[-1].id == "asset-money"
    assert "automatic" in path.render()


def test_every_stop_of_a_path_is_connected_by_a_flow() -> None:
    system = system_from_description(SHOP)
    path = path_for("T2", system)
    assert path is not None
    flows = {(f.source, f.target) for f in system.data_flows}
    ids = [s.id for s in path.steps if not s.id.startswith("asset-")]
    assert all(pair in flows for pair in pairwise(ids))


def test_no_sink_no_path() -> None:
    # No code runs, so there is nowhere for an RCE to land.
    assert path_for("T11", system_from_description(SHOP)) is None
    assert path_for("T1", system_from_description(SHOP)) is None


def test_the_path_quotes_the_words_behind_each_stop() -> None:
    path = path_for("T6", system_from_description(SHOP))
    assert path is not None
    quotes = " ".join(e.quote for e in path.evidence)
    assert "returns inbox" in quotes and "refunds" in quotes


def test_a_scenario_names_this_systems_parts_and_its_missing_approval() -> None:
    system = system_from_description(SHOP)
    told = scenario("T6", "catalogue summary", system, path_for("T6", system))
    assert "returns assistant" in told and "refunds" in told
    assert "no human approval" in told
    assert "catalogue summary" not in told


def test_a_threat_without_a_pattern_falls_back_to_the_catalogue_summary() -> None:
    system = system_from_description(SHOP)
    told = scenario("MAS-SOMETHING", "First sentence. Second one.", system, None)
    assert told == "First sentence."


def test_documents_others_edit_reach_the_agent_through_the_index() -> None:
    system = system_from_description(
        "Our help bot answers customers from a knowledge base in Pinecone; the wiki articles it "
        "indexes can be edited by anyone in the community."
    )
    path = path_for("MAS-VECTOR-DB-POISONING", system)
    assert path is not None
    assert path.steps[0].id == "entry-retrieved-documents"
    assert path.sink is not None and path.sink.kind == "vector-store"


def test_a_pattern_with_empty_slots_reads_as_a_sentence() -> None:
    # No path: the gate and stake slots are empty, and no stray space or comma is left.
    system = system_from_description(SHOP)
    for threat in ("T3", "T11", "T2", "T7"):
        told = scenario(threat, "summary", system, None)
        assert " ." not in told and ", ." not in told and "  " not in told and " ," not in told
        assert told.endswith(".")


CREW = (
    "An intake agent reads the public support inbox and writes a case note. A booking agent "
    "books appointments in the calendar with no review. A letters agent drafts letters. A "
    "manager must sign each letter before it is sent. The agents share a workspace where each "
    "one writes its results and reads the others'."
)


def test_every_agent_reads_and_writes_a_shared_memory() -> None:
    system = system_from_description(CREW)
    [shared] = [c.id for c in system.components if c.kind == "shared-memory"]
    agents = [c.id for c in system.components if c.kind == "agent"]
    flows = {(f.source, f.target) for f in system.data_flows}
    assert len(agents) == 3
    assert all((a, shared) in flows and (shared, a) in flows for a in agents)


def test_the_path_shows_the_unreviewed_action_through_the_agent_that_owns_it() -> None:
    system = system_from_description(CREW)
    # Untrusted mail reaches the booking through the shared workspace; the signed letters are
    # held by a person, so the unreviewed booking is what the path shows.
    injected = path_for("T2", system)
    assert injected is not None and injected.steps[0].id == "entry-inbound-email"
    assert injected.sink is not None and "books" in injected.sink.id
    # A threat that starts inside starts at the agent that owns the action, not one upstream.
    inside = path_for("T8", system)
    assert inside is not None and inside.sink is not None and "books" in inside.sink.id
    assert inside.steps[0].id == "booking-agent"
