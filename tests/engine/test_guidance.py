"""Rules findings cite the guidance passages retrieved for them, and the gate checks them."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.engine.analyze import analyze
from assistant.engine.guidance import PER_FINDING, cite_guidance
from assistant.engine.run import open_guidance, open_local_index, run_engine
from assistant.knowledge import Catalogue
from assistant.retrieval.search import Retriever
from assistant.schema import SystemModel

DESCRIPTION = (
    "Our support agent answers customers in a public web chat. It can refund orders through "
    "refund_order and sends e-mails. It uses GPT-4o through the OpenAI API."
)


def _proposal(threat_id: str, mitigations: list[str]) -> dict[str, object]:
    return {
        "threat_id": threat_id,
        "components": ["support-agent"],
        "evidence": [f"{threat_id}#1"],
        "mitigations": [{"id": m, "text": ""} for m in mitigations],
    }


def test_each_proposal_cites_at_most_two_new_passages_and_they_are_reported(
    catalogue: Catalogue,
) -> None:
    proposals = [_proposal("T2", ["L3-P1", "L3-D1", "L3-R1"])]

    def cite(asks: Sequence[tuple[str, str]]) -> list[list[str]]:
        assert asks == [("T2", "support-agent")]  # a part unknown to the model keeps its id
        return [["T2#1", "L3-R1#1", "L3-D1#2", "L6-P1#1"]]

    retrieved = cite_guidance(proposals, SystemModel(), catalogue, cite)
    assert retrieved == {"L3-R1#1", "L3-D1#2"}
    assert proposals[0]["evidence"] == ["T2#1", "L3-R1#1", "L3-D1#2"]
    assert len(retrieved) <= PER_FINDING


def test_retrieved_controls_linked_to_the_threat_come_first_among_its_mitigations(
    catalogue: Catalogue,
) -> None:
    threat = catalogue.threat("T2")
    assert threat is not None
    listed = threat.mitigations[:3]
    later = threat.mitigations[3]  # linked to T2, but not among the three listed
    proposals = [_proposal("T2", listed)]
    cite_guidance(
        proposals, SystemModel(), catalogue, lambda _: [["NOT-A-CONTROL#1", f"{later}#1"]]
    )
    mitigations = proposals[0]["mitigations"]
    assert isinstance(mitigations, list)
    ids = [m["id"] for m in mitigations]
    assert ids == [later, *listed[:2]]


def test_analyze_gates_the_cited_passages_and_says_how_many(catalogue: Catalogue) -> None:
    lines: list[str] = []

    def cite(asks: Sequence[tuple[str, str]]) -> list[list[str]]:
        return [[f"{threat_id}-guidance#1"] for threat_id, _ in asks]

    model = analyze(DESCRIPTION, catalogue, guidance=lambda: cite, progress=lines.append)
    assert model.findings and not model.rejected
    assert all(f"{f.threat_id}-guidance#1" in f.evidence for f in model.findings)
    assert any(line.startswith("guidance: ") for line in lines)


def test_without_an_index_the_analysis_runs_and_says_so(catalogue: Catalogue) -> None:
    lines: list[str] = []

    def broken() -> Retriever:
        raise OSError("no such index")

    run = run_engine(DESCRIPTION, catalogue, "rules", None, None, lambda s: s, lines.append, broken)
    assert run.result.findings
    assert all(e.split("#")[0] == f.threat_id for f in run.result.findings for e in f.evidence)
    assert any("guidance search unavailable (no such index)" in line for line in lines)


def test_the_local_index_gives_controls_of_the_threat_for_this_system(
    catalogue: Catalogue,
) -> None:
    cite = open_guidance(open_local_index, print)()
    assert cite is not None
    [found] = cite([("T2", "support agent, refund order tool, customers' payments")])
    assert found and all(catalogue.mitigation(i.split("#")[0]) is not None for i in found)
