from typing import Any

import pytest

from assistant.knowledge import Catalogue
from assistant.schema import (
    CoverageStatus,
    Evidence,
    EvidenceKind,
    Layer,
    LayerCoverage,
    Outcome,
    SystemModel,
    Verdict,
)
from assistant.validator import check_proposal, validate_findings, validate_model
from tests.helpers import finding, make_finding, system, threat_model


def codes(v: Verdict) -> set[str]:
    return {i.code for i in v.issues}


def one(catalogue: Catalogue, retrieved: set[str] | None = None, **overrides: Any) -> Verdict:
    return validate_findings([make_finding(**overrides)], system(), catalogue, retrieved)[0]


def test_a_correct_finding_is_accepted(catalogue: Catalogue) -> None:
    v = one(catalogue, mitigations=[{"id": "L2-P1", "text": "Sign policy documents."}])
    assert v.outcome == Outcome.ACCEPTED, v.issues


def test_unknown_threat_is_rejected(catalogue: Catalogue) -> None:
    v = one(catalogue, threat_id="T99")
    assert v.outcome == Outcome.REJECTED
    assert "unknown-threat" in codes(v)


def test_threat_at_a_disallowed_layer_is_rejected(catalogue: Catalogue) -> None:
    v = one(catalogue, threat_id="T8", layer="L1", components=["llm"])
    assert v.outcome == Outcome.REJECTED
    assert "layer-mismatch" in codes(v)


def test_unknown_component_is_rejected(catalogue: Catalogue) -> None:
    v = one(catalogue, components=["payment-gateway"])
    assert "unknown-component" in codes(v)
    assert v.outcome == Outcome.REJECTED


def test_a_finding_naming_no_component_of_a_described_system_is_rejected(
    catalogue: Catalogue,
) -> None:
    v = one(catalogue, components=[])
    assert "no-components" in codes(v)
    assert v.outcome == Outcome.REJECTED


def test_a_mitigation_id_is_not_a_threat(catalogue: Catalogue) -> None:
    assert "not-a-threat" in codes(one(catalogue, threat_id="L2-P1"))


def test_alias_is_accepted_with_a_warning(catalogue: Catalogue) -> None:
    v = one(catalogue, threat_id="MAS-RPA:T16", layer="L1", components=["llm"])
    assert v.outcome == Outcome.ACCEPTED_WITH_WARNINGS
    assert codes(v) == {"non-canonical-id"}


def test_evidence_must_have_been_retrieved(catalogue: Catalogue) -> None:
    v = one(catalogue, retrieved={"T1#0"}, evidence=["T1#0", "T6#2"])
    assert "unretrieved-evidence" in codes(v)
    assert one(catalogue, retrieved={"T1#0"}, evidence=["T1#0"]).outcome == Outcome.ACCEPTED
    # Without a retrieval log the check is skipped, not failed.
    assert one(catalogue, evidence=["anything"]).outcome == Outcome.ACCEPTED


def test_unknown_and_unrelated_mitigations_are_warnings(catalogue: Catalogue) -> None:
    v = one(catalogue, mitigations=[{"id": "X-99"}, {"id": "L5-P2"}])
    assert v.outcome == Outcome.ACCEPTED_WITH_WARNINGS
    assert codes(v) == {"unknown-mitigation", "unrelated-mitigation"}


@pytest.mark.parametrize("field", ["likelihood", "impact"])
def test_risk_inputs_outside_the_rubric_are_rejected(catalogue: Catalogue, field: str) -> None:
    parsed, v = check_proposal(finding(**{field: "extreme"}), system(), catalogue)
    assert parsed is None
    assert codes(v) == {"bad-risk-input"}


def test_a_proposed_risk_that_disagrees_is_recomputed(catalogue: Catalogue) -> None:
    parsed, v = check_proposal(finding(risk="critical"), system(), catalogue)
    assert parsed is not None and parsed.risk.value == "medium"
    assert "risk-recomputed" in codes(v)


def test_cross_layer_findings_need_two_layers(catalogue: Catalogue) -> None:
    bad = one(catalogue, threat_id="T6", layer="CL", chain_layers=["L3"], components=["agent"])
    assert "bad-chain" in codes(bad) and bad.outcome == Outcome.REJECTED
    same = one(
        catalogue, threat_id="T6", layer="CL", chain_layers=["L3", "L3"], components=["agent"]
    )
    assert "bad-chain" in codes(same)
    good = one(
        catalogue,
        threat_id="T6",
        layer="CL",
        chain_layers=["L1", "L3"],
        components=["agent", "llm"],
    )
    assert good.outcome == Outcome.ACCEPTED, good.issues


def test_duplicates_reject_the_later_finding(catalogue: Catalogue) -> None:
    first = make_finding()
    second = make_finding(id="F-002", components=["agent", "policy-store"])
    verdicts = validate_findings([first, second], system(), catalogue)
    assert verdicts[0].outcome == Outcome.ACCEPTED
    assert "duplicate" in codes(verdicts[1])


def test_duplicate_ids_are_rejected(catalogue: Catalogue) -> None:
    verdicts = validate_findings(
        [make_finding(), make_finding(layer="L1", components=["llm"])], system(), catalogue
    )
    assert "duplicate-id" in codes(verdicts[1])


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"title": "   "}, "empty-text"),
        ({"scenario": ""}, "empty-text"),
        ({"title": "x" * 201}, "oversized-text"),
        ({"scenario": "x" * 4001}, "oversized-text"),
    ],
)
def test_text_limits(catalogue: Catalogue, overrides: dict[str, Any], code: str) -> None:
    assert code in codes(one(catalogue, **overrides))


def test_threats_whose_preconditions_are_ruled_out_are_rejected(catalogue: Catalogue) -> None:
    no_memory = system().model_copy(update={"capabilities": {"memory": False}})
    v = validate_findings([make_finding()], no_memory, catalogue)[0]
    assert "contradicts-system" in codes(v)


def test_not_applicable_needs_a_reason(catalogue: Catalogue) -> None:
    model = threat_model(finding()).model_copy(
        update={
            "coverage": {
                Layer.L4: LayerCoverage(status=CoverageStatus.NOT_APPLICABLE),
                Layer.L2: LayerCoverage(status=CoverageStatus.COVERED),
                Layer.L5: LayerCoverage(status=CoverageStatus.COVERED),
            }
        }
    )
    _, issues = validate_model(model, catalogue)
    assert {(i.code, i.severity.value) for i in issues} == {
        ("not-applicable-without-reason", "error"),
        ("covered-without-findings", "warning"),
    }


def test_validation_is_deterministic(catalogue: Catalogue) -> None:
    findings = [
        make_finding(id=f"F-{n}", threat_id=t) for n, t in enumerate(["T1", "T99", "T8", "T6"])
    ]
    first = validate_findings(findings, system(), catalogue)
    assert first == validate_findings(findings, system(), catalogue)


def _without_code(tools: bool) -> SystemModel:
    words = "It does not run code"
    return system().model_copy(
        update={
            "capabilities": {"code-execution": False, "tools": tools},
            "capability_evidence": {
                "code-execution": [
                    Evidence(kind=EvidenceKind.QUOTE, quote=words, start=0, end=len(words))
                ]
            },
        }
    )


def _code_unsaid() -> SystemModel:
    """An agent with tools that nobody said runs code or not: T11 is open, not ruled out."""
    return system().model_copy(update={"capabilities": {"tools": True}})


def test_stated_absence_rules_t11_out_even_with_tools(catalogue: Catalogue) -> None:
    t11 = make_finding(threat_id="T11", layer="L3", components=["agent"])
    v = validate_findings([t11], _without_code(tools=True), catalogue)[0]
    assert v.outcome == Outcome.REJECTED
    assert "contradicts-system" in codes(v)


def test_contradicts_system_names_the_fact_and_quotes_its_evidence(catalogue: Catalogue) -> None:
    t11 = make_finding(threat_id="T11", layer="L3", components=["agent"])
    v = validate_findings([t11], _without_code(tools=False), catalogue)[0]
    assert v.outcome == Outcome.REJECTED
    issue = next(i for i in v.issues if i.code == "contradicts-system")
    assert issue.severity.value == "error"
    assert "T11 (Unexpected RCE and Code Attacks) needs code-execution" in issue.message
    assert 'capability code-execution is false ("It does not run code")' in issue.message


def test_an_open_precondition_is_no_contradiction_but_a_needs_info_warning(
    catalogue: Catalogue,
) -> None:
    t11 = make_finding(threat_id="T11", layer="L3", components=["agent"])
    v = validate_findings([t11], _code_unsaid(), catalogue)[0]
    assert v.outcome == Outcome.ACCEPTED_WITH_WARNINGS
    assert codes(v) == {"needs-info"}
    assert "Does the agent generate and run code" in v.issues[0].message


@pytest.mark.parametrize("status", ["needs-info", "accepted"])
def test_a_finding_marked_or_decided_gets_no_needs_info_warning(
    catalogue: Catalogue, status: str
) -> None:
    t11 = make_finding(threat_id="T11", layer="L3", components=["agent"], status=status)
    v = validate_findings([t11], _code_unsaid(), catalogue)[0]
    assert v.outcome == Outcome.ACCEPTED, v.issues


def test_a_rejected_finding_may_agree_with_the_system(catalogue: Catalogue) -> None:
    t11 = make_finding(
        threat_id="T11", layer="L3", components=["agent"], status="rejected", reviewer_note="no"
    )
    assert "contradicts-system" not in codes(
        validate_findings([t11], _without_code(tools=False), catalogue)[0]
    )


def test_a_proposal_with_open_preconditions_is_kept_as_needs_info(catalogue: Catalogue) -> None:
    raw = finding(threat_id="T11", layer="L3", components=["agent"])
    parsed, v = check_proposal(raw, _code_unsaid(), catalogue)
    assert v.outcome == Outcome.ACCEPTED, v.issues
    assert parsed is not None and parsed.status.value == "needs-info"
    assert parsed.question.startswith("Does the agent generate and run code")
    # A proposal that applies stays a draft with no question.
    parsed, _ = check_proposal(finding(), system(), catalogue)
    assert parsed is not None and parsed.status.value == "draft" and parsed.question == ""


def test_ungrounded_is_off_by_default_and_rejects_when_on(catalogue: Catalogue) -> None:
    bare = make_finding()
    assert validate_findings([bare], system(), catalogue)[0].outcome == Outcome.ACCEPTED
    strict = validate_findings([bare], system(), catalogue, require_grounding=True)[0]
    assert strict.outcome == Outcome.REJECTED and codes(strict) == {"ungrounded"}
    cited = make_finding(evidence=["T1#0"])
    assert (
        validate_findings([cited], system(), catalogue, require_grounding=True)[0].outcome
        == Outcome.ACCEPTED
    )
    _, verdict = check_proposal(finding(), system(), catalogue, require_grounding=True)
    assert codes(verdict) == {"ungrounded"}


def test_the_gate_rejects_a_proposal_that_repeats_an_accepted_finding(
    catalogue: Catalogue,
) -> None:
    from assistant.engine.gate import gate

    accepted = [make_finding(id="F-001")]
    same = finding(id="F-002", threat_id="MAS-RPA:T16", layer="L1", components=["llm"])
    found, rejected = gate([same], system(), catalogue, accepted=accepted)
    assert len(found) == 1  # a different threat: kept
    again = finding(id="F-003", components=["agent", "policy-store"])  # T1, same set, new order
    found, rejected = gate([again], system(), catalogue, accepted=accepted)
    assert found == [] and [i.code for i in rejected[0].issues][:1] == ["duplicate"]
    reused = finding(id="F-001", threat_id="T6", layer="L1", components=["llm"])
    found, rejected = gate([reused], system(), catalogue, accepted=accepted)
    assert found == [] and "duplicate-id" in {i.code for i in rejected[0].issues}


ASKED = {"engine": "llm", "prompt_id": "propose_layer", "prompt_version": "2"}


def _described() -> SystemModel:
    text = "Our expense agent reads receipts and pays claims through Stripe."
    return system().model_copy(update={"description": text})


@pytest.mark.parametrize(
    ("grounding", "code"),
    [
        ([], "unquoted"),
        ([{"kind": "quote", "quote": "pays every claim at once"}], "misquoted"),
        ([{"kind": "quote", "quote": "reads receipts", "start": 0, "end": 14}], "misquoted"),
    ],
)
def test_a_models_finding_must_quote_the_description_verbatim(
    catalogue: Catalogue, grounding: list[dict[str, Any]], code: str
) -> None:
    f = make_finding(grounding=grounding, provenance=ASKED)
    [v] = validate_findings([f], _described(), catalogue)
    assert code in codes(v) and v.outcome == Outcome.REJECTED


def test_a_finding_from_before_quotes_were_asked_for_still_validates(catalogue: Catalogue) -> None:
    older = {"engine": "llm", "prompt_id": "propose_layer", "prompt_version": "1"}
    [v] = validate_findings([make_finding(provenance=older)], _described(), catalogue)
    assert "unquoted" not in codes(v)


def test_a_models_finding_quoting_the_description_passes_the_quote_check(
    catalogue: Catalogue,
) -> None:
    # Near misses: the right words (case and spacing aside), with or without their offsets.
    for quote in (
        {"kind": "quote", "quote": "reads  RECEIPTS"},
        {"kind": "quote", "quote": "reads receipts", "start": 18, "end": 32},
    ):
        f = make_finding(grounding=[quote], provenance=ASKED)
        [v] = validate_findings([f], _described(), catalogue)
        assert not {"unquoted", "misquoted"} & codes(v), v.issues
