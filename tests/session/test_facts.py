"""The system model as facts with evidence: what `/system` prints and the System tab shows."""

from __future__ import annotations

from assistant.schema import (
    Component,
    Control,
    ControlKind,
    DataFlow,
    Evidence,
    EvidenceKind,
    Layer,
    SystemModel,
)
from assistant.session.facts import (
    capability_facts,
    clip,
    evidence_line,
    evidence_tag,
    fact_markdown,
    facts,
    find,
    system_markdown,
)

QUOTE = Evidence(kind=EvidenceKind.QUOTE, quote="the agent reads the inbox")
ANSWER = Evidence(kind=EvidenceKind.ANSWER, question_id="Q-EXT", quote="yes, customers")
FIXED = Evidence(kind=EvidenceKind.CORRECTION, quote="/set memory off")
ASSUMED = Evidence(kind=EvidenceKind.ASSUMED, reason="every agent has a model")

SYSTEM = SystemModel(
    name="Support desk",
    description="A support agent reads the inbox.",
    components=[
        Component(
            id="agent", name="support agent", kind="agent", layers=[Layer.L3], evidence=[QUOTE]
        ),
        Component(id="model", name="model", kind="llm", layers=[Layer.L1], evidence=[ASSUMED]),
    ],
    data_flows=[DataFlow(id="f1", source="model", target="agent", description="replies")],
    controls=[
        Control(
            id="c1",
            kind=ControlKind.HUMAN_APPROVAL,
            present=False,
            applies_to=["agent"],
            scope="all replies",
            evidence=[QUOTE, ANSWER],
        )
    ],
    capabilities={"memory": False, "external-facing": True},
    capability_evidence={"memory": [FIXED], "external-facing": [ANSWER]},
    unknowns=["Who reads the logs?"],
    assumptions=["The model is hosted by a provider."],
)


def test_facts_cover_every_kind_in_section_order() -> None:
    found = facts(SYSTEM, ["planning", "memory"])
    assert [(f.kind, f.id) for f in found] == [
        ("component", "agent"),
        ("component", "model"),
        ("capability", "planning"),
        ("capability", "memory"),
        ("capability", "external-facing"),  # settled, outside the vocabulary given
        ("control", "c1"),
        ("flow", "f1"),
    ]
    control = found[-2]
    assert (control.label, control.detail, control.state) == (
        "no human-approval",
        "on agent · all replies",
        False,
    )
    assert found[-1].label == "model -> agent"


def test_capabilities_are_on_off_or_unknown_with_their_evidence() -> None:
    caps = {f.id: f for f in capability_facts(SYSTEM, ["planning", "memory"])}
    assert (caps["planning"].state, caps["planning"].detail, caps["planning"].evidence) == (
        None,
        "unknown",
        (),
    )
    assert (caps["memory"].state, caps["memory"].evidence) == (False, (FIXED,))


def test_find_by_kind_and_id() -> None:
    assert find(SYSTEM, "component", "model") is not None
    assert find(SYSTEM, "flow", "model") is None
    unknown = find(SYSTEM, "capability", "planning")
    assert unknown is not None and unknown.state is None


def test_evidence_line_is_compact_and_counts_the_rest() -> None:
    assert evidence_line([]) == "no evidence"
    assert evidence_line([QUOTE]) == "“the agent reads the inbox”"
    assert evidence_line([QUOTE, ANSWER]) == "“the agent reads the inbox” (+1)"
    assert evidence_line([ANSWER]) == "“yes, customers” (answer)"
    assert evidence_line([FIXED]) == "corrected: /set memory off"
    assert evidence_line([ASSUMED]) == "assumed: every agent has a model"
    assert evidence_line([QUOTE, ANSWER], width=16) == "“the agent… (+1)"
    assert clip("a  b\nc", 10) == "a b c"


def test_evidence_tag_says_where_a_fact_comes_from() -> None:
    assert evidence_tag([]) == "no evidence"
    assert evidence_tag([QUOTE, ANSWER]) == "quoted +1"
    assert evidence_tag([ASSUMED]) == "assumed"
    assert evidence_tag([FIXED, QUOTE, QUOTE]) == "corrected +2"


def test_a_quote_is_cut_around_the_name_of_its_fact() -> None:
    quote = "The agent reads receipts from email, stores policies in Pinecone and pays via Stripe"
    assert clip(quote, 30, "Pinecone") == "…ies in Pinecone and pays via…"
    assert clip(quote, 30, "Stripe") == "…Pinecone and pays via Stripe"
    assert clip(quote, 30, "agent") == "The agent reads receipts from…"  # in view: no window
    assert clip(quote, 30, "Qdrant") == "The agent reads receipts from…"
    said = Evidence(kind=EvidenceKind.QUOTE, quote=quote)
    assert evidence_line([said, said], 24, "Stripe") == "“…pays via Stripe” (+1)"
    assert evidence_line([FIXED], 80, "memory") == "corrected: /set memory off"


def test_system_markdown_shows_ids_evidence_gaps_and_how_to_correct() -> None:
    text = system_markdown(SYSTEM, ["planning", "memory"])
    assert "**System model: Support desk**" in text
    assert "- `agent` support agent · agent · L3 — _“the agent reads the inbox”_" in text
    assert "- `model` model · llm · L1 — _assumed: every agent has a model_" in text
    assert "- `memory` off — _corrected: /set memory off_" in text
    assert "- unknown: planning" in text
    assert "- `f1` model -> agent · replies — _no evidence_" in text
    assert "_Nothing recorded yet for: entry points, assets, trust boundaries._" in text
    assert "**Open questions**\n- Who reads the logs?" in text
    assert "/set" in text and "/analyze" in text


def test_system_markdown_before_a_description() -> None:
    assert "describe it first" in system_markdown(SystemModel(), ["memory"])


def test_fact_markdown_lists_every_piece_of_evidence_in_full() -> None:
    control = find(SYSTEM, "control", "c1")
    assert control is not None
    text = fact_markdown(control)
    assert '- "the agent reads the inbox"' in text
    assert '- answer to Q-EXT: "yes, customers"' in text
    memory = find(SYSTEM, "capability", "memory")
    assert memory is not None
    assert "_Keeps state._" in fact_markdown(memory, {"memory": "Keeps state."})
    assert "- none recorded" in fact_markdown(facts(SYSTEM)[-1])
