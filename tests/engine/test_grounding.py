"""Grounding: a model's facts survive only where the user's own words support them."""

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.engine.grounding import (
    DropReason,
    FactKind,
    Grounded,
    Source,
    capability_question,
    fold,
    ground,
    repair_problems,
    sources_for,
    summary,
)
from assistant.schema import Evidence, EvidenceKind, SystemDelta

TEXT = (
    "The support agent uses GPT-4o and a Pinecone store. The agent keeps no memory.\n"
    "Refunds go out automatically. Notes are kept by staff in the Maß hall."
)
VOCABULARY = {"memory": "The agent keeps state.", "tools": "The agent calls tools."}


def quote(words: str, start: int | None = None) -> list[dict[str, Any]]:
    item: dict[str, Any] = {"kind": "quote", "quote": words}
    if start is not None:
        item.update(start=start, end=start + len(words))
    return [item]


def component(ident: str, evidence: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": ident, "name": ident, "kind": "tool", "layers": ["L3"], "evidence": evidence}


def grounded(text: str = TEXT, **delta: Any) -> Grounded:
    return ground(SystemDelta.model_validate(delta), [Source(text)], capabilities=VOCABULARY)


def only_evidence(result: Grounded) -> Evidence:
    [kept] = result.delta.components
    [evidence] = kept.evidence
    return evidence


# --- Quotes ------------------------------------------------------------------------------------


def test_fold_collapses_whitespace_and_case() -> None:
    assert fold("  The\n\tSupport   AGENT ") == "the support agent"


@pytest.mark.parametrize(
    ("words", "found"),
    [
        ("support agent", "support agent"),
        ("SUPPORT\n  agent", "support agent"),  # case and spacing differ: kept
        ("uses GPT-4o", "uses GPT-4o"),
        ("keeps no memory.\nrefunds", "keeps no memory.\nRefunds"),  # across a line break
        ("THE MASS hall", "the Maß hall"),  # case folding that changes length
    ],
)
def test_a_quote_is_found_modulo_whitespace_and_case(words: str, found: str) -> None:
    evidence = only_evidence(grounded(components=[component("x", quote(words))]))
    assert evidence.quote == found
    assert evidence.start is not None and TEXT[evidence.start : evidence.end] == found


@pytest.mark.parametrize(
    "words",
    [
        "uses GPT-4o, and",  # punctuation is not whitespace
        "supportagent",  # missing whitespace is not whitespace
        "pport age",  # cuts words
        "agents",  # a longer word than the text's
        "a",  # too short to support anything
        "5",
        "   ",
        "the Mas",  # cuts a character in two
        "admin console",  # simply not there
    ],
)
def test_near_misses_are_not_found(words: str) -> None:
    result = grounded(components=[component("x", quote(words))])
    assert not result.delta.components
    expected = DropReason.NO_QUOTE if not words.strip() else DropReason.QUOTE_NOT_FOUND
    assert [d.reason for d in result.dropped] == [expected]


def test_offsets_are_computed_and_the_models_only_choose_among_occurrences() -> None:
    second = TEXT.index("agent keeps")
    assert only_evidence(grounded(components=[component("x", quote("agent"))])).start == (
        TEXT.index("agent")
    )
    near = only_evidence(grounded(components=[component("x", quote("agent", second + 3))]))
    assert (near.start, near.end) == (second, second + len("agent"))
    far = only_evidence(grounded(components=[component("x", quote("agent", 10_000))]))
    assert far.start == second  # the nearest real occurrence, never the model's number


def test_a_fact_keeps_only_its_grounded_evidence() -> None:
    evidence = quote("not in the text") + quote("a Pinecone store") + quote("A PINECONE store")
    result = grounded(components=[component("pinecone", evidence)])
    assert [e.quote for e in result.delta.components[0].evidence] == ["a Pinecone store"]
    assert not result.dropped


@pytest.mark.parametrize(
    ("evidence", "reason"),
    [
        ([], DropReason.NO_QUOTE),
        ([{"kind": "assumed", "reason": "agents usually have one"}], DropReason.MODEL_ASSUMPTION),
        ([{"kind": "file", "location": "system.yaml:3"}], DropReason.MODEL_ASSUMPTION),
        (quote("an admin console"), DropReason.QUOTE_NOT_FOUND),
        (
            [{"kind": "assumed", "reason": "r"}, *quote("an admin console")],
            DropReason.QUOTE_NOT_FOUND,
        ),
    ],
)
def test_a_fact_without_grounded_evidence_is_dropped(
    evidence: list[dict[str, Any]], reason: DropReason
) -> None:
    result = grounded(components=[component("admin-console", evidence)])
    assert not result.delta.components and result.kept == 0
    [dropped] = result.dropped
    assert (dropped.kind, dropped.ident, dropped.reason) == (
        FactKind.COMPONENT,
        "admin-console",
        reason,
    )


def test_assumed_evidence_beside_a_grounded_quote_is_removed() -> None:
    evidence = [{"kind": "assumed", "reason": "r"}, *quote("support agent")]
    result = grounded(components=[component("agent", evidence)])
    assert [e.kind for e in result.delta.components[0].evidence] == [EvidenceKind.QUOTE]


# --- Capabilities --------------------------------------------------------------------------------


def test_a_capability_needs_a_quote_else_it_becomes_an_open_question() -> None:
    result = grounded(capabilities={"tools": True, "memory": True})
    assert result.delta.capabilities == {} and result.kept == 0
    assert result.delta.unknowns == [
        capability_question("tools", VOCABULARY["tools"]),
        capability_question("memory", VOCABULARY["memory"]),
    ]
    assert [d.unknown for d in result.dropped] == result.delta.unknowns


def test_a_quoted_capability_is_kept_with_its_evidence() -> None:
    result = grounded(
        capabilities={"tools": True},
        capability_evidence={"tools": quote("uses gpt-4o"), "memory": quote("keeps no memory")},
    )
    assert result.delta.capabilities == {"tools": True}
    assert list(result.delta.capability_evidence) == ["tools"]  # evidence for nothing settled
    assert not result.delta.unknowns


@pytest.mark.parametrize(
    "words",
    ["keeps no memory", "Refunds go out automatically", "The agent keeps no"],
)
def test_a_false_capability_kept_when_its_quote_rules_it_out(words: str) -> None:
    result = grounded(capabilities={"memory": False}, capability_evidence={"memory": quote(words)})
    assert result.delta.capabilities == {"memory": False}


@pytest.mark.parametrize("words", ["Notes are kept by staff", "The support agent", "Pinecone"])
def test_a_false_capability_whose_quote_rules_nothing_out_is_dropped(words: str) -> None:
    result = grounded(capabilities={"memory": False}, capability_evidence={"memory": quote(words)})
    assert result.delta.capabilities == {}
    [dropped] = result.dropped
    assert dropped.reason == DropReason.NOT_RULED_OUT
    assert result.delta.unknowns == [dropped.unknown]


def test_a_capability_outside_the_vocabulary_is_dropped_without_a_question() -> None:
    result = grounded(capabilities={"telepathy": True}, capability_evidence={})
    assert [d.reason for d in result.dropped] == [DropReason.UNKNOWN_CAPABILITY]
    assert not result.delta.unknowns


def test_a_question_already_open_is_not_repeated() -> None:
    question = capability_question("tools", VOCABULARY["tools"])
    result = grounded(capabilities={"tools": True}, unknowns=[question])
    assert result.delta.unknowns == [question]


# --- References ----------------------------------------------------------------------------------


AGENT = component("agent", quote("support agent"))
STORE = component("store", quote("Pinecone store"))
WORDS = quote("uses GPT-4o and a Pinecone store")


@pytest.mark.parametrize(
    ("field", "fact", "kept"),
    [
        ("data_flows", {"id": "f", "source": "agent", "target": "store"}, True),
        ("data_flows", {"id": "f", "source": "agent", "target": "crm"}, False),
        ("data_flows", {"id": "f", "source": "llm", "target": "agent"}, True),  # in the system
        ("controls", {"id": "c", "kind": "sandbox", "applies_to": ["agent"]}, True),
        ("controls", {"id": "c", "kind": "sandbox", "applies_to": []}, True),
        ("controls", {"id": "c", "kind": "sandbox", "applies_to": ["agent", "crm"]}, False),
        ("entry_points", {"id": "e", "name": "chat", "kind": "public-users"}, True),
        ("entry_points", {"id": "e", "name": "chat", "kind": "public-users", "target": "x"}, False),
        ("assets", {"id": "a", "name": "tickets", "data_class": "pii", "components": ["x"]}, False),
        ("trust_boundaries", {"id": "b", "name": "net", "components": ["store"]}, True),
        ("trust_boundaries", {"id": "b", "name": "net", "components": ["vault"]}, False),
    ],
)
def test_facts_naming_unknown_components_are_dropped(
    field: str, fact: dict[str, Any], kept: bool
) -> None:
    delta = SystemDelta.model_validate(
        {"components": [AGENT, STORE], field: [{**fact, "evidence": WORDS}]}
    )
    result = ground(delta, [Source(TEXT)], known_components={"llm"})
    assert bool(getattr(result.delta, field)) is kept
    if not kept:
        assert [d.reason for d in result.dropped] == [DropReason.UNKNOWN_COMPONENT]


def test_a_reference_to_a_dropped_component_is_dropped_too() -> None:
    fabricated = component("crm", quote("syncs with Salesforce"))
    flow = {"id": "f", "source": "agent", "target": "crm", "evidence": WORDS}
    result = grounded(components=[AGENT, fabricated], data_flows=[flow])
    assert [(d.ident, d.reason) for d in result.dropped] == [
        ("crm", DropReason.QUOTE_NOT_FOUND),
        ("f", DropReason.UNKNOWN_COMPONENT),
    ]
    assert result.dropped[1].detail == "crm"


def test_a_models_assumptions_are_dropped() -> None:
    result = grounded(assumptions=["Chats are logged."], unknowns=["Who approves refunds?"])
    assert not result.delta.assumptions
    assert result.delta.unknowns == ["Who approves refunds?"]
    assert [(d.kind, d.reason) for d in result.dropped] == [
        (FactKind.ASSUMPTION, DropReason.MODEL_ASSUMPTION)
    ]
    assert not result.nothing_grounded  # assumptions alone are no reason to ask again


def test_nothing_grounded_only_when_facts_were_stated_and_none_survived() -> None:
    assert not grounded().nothing_grounded
    assert grounded(components=[component("crm", [])]).nothing_grounded
    assert not grounded(components=[component("crm", []), AGENT]).nothing_grounded


# --- Sources -------------------------------------------------------------------------------------


def test_sources_for_each_kind_of_message() -> None:
    description = sources_for("We use GPT-4o.", "")
    assert description == [Source("We use GPT-4o.")]
    answer = sources_for("yes, Redis", "We use GPT-4o.", "Q-1", is_answer=True)
    assert answer == [
        Source("yes, Redis", EvidenceKind.ANSWER, "Q-1"),
        Source("We use GPT-4o."),
    ]
    chat = sources_for("It also posts to Slack.", "We use GPT-4o.")
    assert [s.kind for s in chat] == [EvidenceKind.CORRECTION, EvidenceKind.QUOTE]
    part = sources_for("GPT-4o", "We use GPT-4o.")
    assert part == [Source("We use GPT-4o.")]
    assert sources_for("yes", "", "Q-1", is_answer=True) == [
        Source("yes", EvidenceKind.ANSWER, "Q-1")
    ]


def test_an_answer_quote_is_recorded_as_the_answer_to_its_question() -> None:
    sources = [Source("Yes, in Redis.", EvidenceKind.ANSWER, "Q-ASSETS-6"), Source(TEXT)]
    delta = SystemDelta.model_validate(
        {"components": [component("redis", quote("in redis")), AGENT]}
    )
    redis, agent = ground(delta, sources).delta.components
    assert redis.evidence == [
        Evidence(kind=EvidenceKind.ANSWER, quote="in Redis", question_id="Q-ASSETS-6")
    ]
    assert agent.evidence[0].kind == EvidenceKind.QUOTE and agent.evidence[0].start is not None


@pytest.mark.parametrize(
    ("kind", "question_id"),
    [(EvidenceKind.ASSUMED, ""), (EvidenceKind.FILE, ""), (EvidenceKind.ANSWER, "")],
)
def test_a_source_must_be_quotable(kind: EvidenceKind, question_id: str) -> None:
    with pytest.raises(ValueError):
        Source("text", kind, question_id)


# --- Reporting -----------------------------------------------------------------------------------


def test_summary_counts_and_groups_by_reason() -> None:
    assert summary(()) == ""
    result = grounded(
        components=[component(f"c{n}", []) for n in range(6)] + [component("x", quote("zzz"))]
    )
    assert summary(result.dropped) == (
        "7 model facts dropped: no supporting quote (component c0, component c1, component c2, "
        "component c3 and 2 more); quote not found in the text (component x)"
    )
    one = grounded(components=[component("x", [])])
    assert summary(one.dropped) == "1 model fact dropped: no supporting quote (component x)"


def test_repair_problems_quote_what_was_not_found() -> None:
    result = grounded(components=[component("crm", quote("syncs with Salesforce"))])
    problems = repair_problems(result)
    assert "not one fact" in problems[0]
    assert problems[1] == 'component crm: not in the text: "syncs with Salesforce"'


# --- Properties ----------------------------------------------------------------------------------

WORD = st.text(alphabet="abcXYZß-,.4", min_size=1, max_size=6)
SPACE = st.sampled_from([" ", "  ", "\n", "\t ", " \n "])
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def text_and_quotes(draw: st.DrawFn) -> tuple[str, list[dict[str, Any]], list[bool]]:
    """A text, quotes a model might give (hints included), and which quotes are the text's."""
    words = draw(st.lists(WORD, min_size=1, max_size=25))
    spaces = draw(st.lists(SPACE, min_size=len(words), max_size=len(words)))
    text = "".join(w + s for w, s in zip(words, spaces, strict=True))
    quotes: list[dict[str, Any]] = []
    real: list[bool] = []
    for _ in range(draw(st.integers(1, 4))):
        from_text = draw(st.booleans())
        if from_text:  # whole words of the text, re-spaced and re-cased
            i = draw(st.integers(0, len(words) - 1))
            j = draw(st.integers(i + 1, len(words)))
            picked = [w.upper() if draw(st.booleans()) else w for w in words[i:j]]
            words_quote = "".join(w + draw(SPACE) for w in picked).strip()
        else:  # anything at all
            words_quote = draw(st.text(alphabet="abcXYZß -4", max_size=15))
        if words_quote.strip():
            quotes.append(quote(words_quote, draw(st.none() | st.integers(0, 200)))[0])
            real.append(from_text)
    return text, quotes, real


@SETTINGS
@given(case=text_and_quotes())
def test_every_surviving_quote_is_the_text_at_its_offsets(
    case: tuple[str, list[dict[str, Any]], list[bool]],
) -> None:
    text, quotes, real = case
    delta = SystemDelta.model_validate(
        {
            "components": [component(f"c{n}", [q]) for n, q in enumerate(quotes)],
            "capabilities": {"memory": True},
            "capability_evidence": {"memory": quotes},
        }
    )
    result = ground(delta, [Source(text)])
    survivors = [e for c in result.delta.components for e in c.evidence]
    survivors += result.delta.capability_evidence.get("memory", [])
    folded = {fold(q["quote"]) for q in quotes}
    for evidence in survivors:
        assert evidence.kind == EvidenceKind.QUOTE
        assert evidence.start is not None and evidence.end is not None
        assert text[evidence.start : evidence.end] == evidence.quote
        assert fold(evidence.quote) in folded
    # Every quote that is the text's own words, re-spaced or re-cased, is found.
    kept = {c.id for c in result.delta.components}
    for n, (item, is_real) in enumerate(zip(quotes, real, strict=True)):
        if is_real and sum(ch.isalnum() for ch in item["quote"]) >= 2:
            assert f"c{n}" in kept, item["quote"]
    # Grounding what was grounded changes nothing and drops nothing.
    again = ground(result.delta, [Source(text)])
    assert again.delta == result.delta and not again.dropped
