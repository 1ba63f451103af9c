"""Kind priors from a question's intent, and equivalent threats grouped under their core threat."""

from __future__ import annotations

import pytest

from assistant.knowledge import default_catalogue
from assistant.retrieval.passages import Passage
from assistant.retrieval.ranking import Intent, canonical_groups, grouped, intent
from assistant.retrieval.search import Retriever


@pytest.mark.parametrize(
    ("query", "want"),
    [
        ("could someone trick the bot into wiring money abroad", Intent.THREAT),
        ("what if a plugin we install is backdoored", Intent.THREAT),
        ("how do we stop the agent from looping forever", Intent.CONTROL),
        ("sandbox whatever code the model writes", Intent.CONTROL),
        ("agents should authenticate each other", Intent.CONTROL),
        ("which layer covers the vector store", Intent.OPEN),
        ("what should we ask the team about their logging", Intent.OPEN),
        ("tell me about the orchestration layer", Intent.OPEN),
    ],
)
def test_intent(query: str, want: Intent) -> None:
    assert intent(query) == want


def _p(entry: str, facet: int = 1, kind: str = "threat") -> Passage:
    return Passage(
        id=f"{entry}#{facet}",
        entry_id=entry,
        kind=kind,
        layers=[],
        source="",
        text=entry,
        content_hash="0",
    )


def test_equivalents_take_no_slot_and_sit_under_their_head() -> None:
    ranked = [
        (_p("CSA-X"), 0.9),
        (_p("L1", kind="layer"), 0.8),
        (_p("T1", 2), 0.7),
        (_p("MAS-Y"), 0.6),
        (_p("T2"), 0.5),
        (_p("MAS-Z"), 0.4),
    ]
    groups = {"CSA-X": "T1", "MAS-Y": "T1", "MAS-Z": "T2"}
    out = grouped(ranked, groups, {"T1": _p("T1"), "T2": _p("T2")}, k=3)
    assert [(p.entry_id, p.score, p.also) for p in out] == [
        ("T1", 0.9, ["CSA-X", "MAS-Y"]),
        ("L1", 0.8, []),
        ("T2", 0.5, []),  # MAS-Z ranked below the last result shown
    ]
    assert out[0].id == "T1#2"  # the head's own best passage, once it turns up


def test_groups_hold_only_single_core_equivalents() -> None:
    groups = canonical_groups(default_catalogue())
    assert groups["CSA-L7-AGENT-IMPERSONATION"] == "T9"
    assert groups["MAS-CL-MEMORY-POISONING"] == "T1"
    assert "MAS-RAG-INPUT-MANIPULATION" not in groups  # relates to T1 and T6
    assert not any(e.startswith(("T", "BV-")) for e in groups)


@pytest.mark.parametrize(
    "query",
    [
        "could an attacker get our agent to leak the customer database through one of its tools",
        "what if someone feeds the agent poisoned documents",
        "someone pretends to be our approval agent",
        "an attacker makes the agent run a script on the server",
    ],
)
def test_threat_questions_rank_threats_first(query: str) -> None:
    top = Retriever.open(url="").search(query, k=3)
    assert [p.kind for p in top[:1]] == ["threat"], top
    assert not {p.kind for p in top} & {"question", "decision-step"}, top
