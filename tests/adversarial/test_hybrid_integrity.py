"""A hostile model cannot take rules findings away: hybrid is monotone over the rules engine."""

from __future__ import annotations

import json
from typing import Any

import pytest

from assistant.engine.analyze import analyze, system_from_description
from assistant.engine.hybrid import MAX_RULES_LOSS, loss_warning, rules_loss
from assistant.engine.llm_mode import check_rules_loss
from assistant.errors import ProviderError, RulesLossError
from assistant.knowledge import Catalogue
from assistant.schema import Engine, Layer
from tests.adversarial.hostile import (
    GOOD_DELTA,
    HostileModel,
    component,
    keys,
    rule_out_everything,
    rules_keys,
    run_hybrid,
)
from tests.support_agent import DESCRIPTION, finding, quote


def test_empty_findings_and_ruled_out_everything_keep_every_rules_finding(
    catalogue: Catalogue,
) -> None:
    model = HostileModel({"extract": GOOD_DELTA, "safety-net": rule_out_everything})
    result, _, _ = run_hybrid(catalogue, model)

    expected = rules_keys(catalogue, result.system)
    assert len(expected) >= 5
    assert expected <= keys(result)
    assert not [r for r in result.rejected if r.issues[0].code == "ruled-out"]
    drafts = [f for f in result.findings if f.status.value == "draft"]
    assert drafts
    assert all("model-did-not-confirm" in {n.code for n in f.validator_notes} for f in drafts)


def test_a_ruling_with_a_made_up_fact_or_quote_is_refused(catalogue: Catalogue) -> None:
    def forged(kind: str, text: str) -> dict[str, Any]:
        reply = rule_out_everything(kind, text, fact="human-review", quote="a human checks it")
        for n, item in enumerate(reply["ruled_out"]):
            if n % 2:  # a real fact, but words that are not its evidence
                item.update(fact="multi-agent", quote="answers are checked by a human")
        return reply

    result, _, _ = run_hybrid(
        catalogue, HostileModel({"extract": GOOD_DELTA, "safety-net": forged})
    )

    assert rules_keys(catalogue, result.system) <= keys(result)
    notes = [n.message for f in result.findings for n in f.validator_notes]
    assert any("ruling was refused" in n for n in notes)


def test_only_a_ruling_citing_a_fact_and_its_evidence_removes_a_finding(
    catalogue: Catalogue,
) -> None:
    def one_real(kind: str, text: str) -> dict[str, Any]:
        reply = rule_out_everything(kind, text)
        # A fact on the finding's own path: the vector store an L2 finding is about.
        first = next(r for r in reply["ruled_out"] if r["layer"] == "L2")
        first.update(fact="manuals", quote="a Pinecone vector store of manuals")
        # The rest cite nothing.
        one_real.removed = (first["threat_id"], first["layer"])  # type: ignore[attr-defined]
        return reply

    result, _, _ = run_hybrid(
        catalogue, HostileModel({"extract": GOOD_DELTA, "safety-net": one_real})
    )

    removed = one_real.removed  # type: ignore[attr-defined]
    assert removed not in keys(result)
    assert rules_keys(catalogue, result.system) - keys(result) == {removed}
    ruled = [r for r in result.rejected if r.issues[0].code == "ruled-out"]
    assert [(r.proposal["threat_id"], r.proposal["layer"]) for r in ruled] == [removed]
    assert "vector store of manuals" in ruled[0].issues[0].message


def test_a_true_fact_that_does_not_bear_on_the_threat_removes_nothing(
    catalogue: Catalogue,
) -> None:
    # "No other agents" is true and quoted right, but settles nothing about tool misuse.
    def irrelevant(kind: str, text: str) -> dict[str, Any]:
        return rule_out_everything(kind, text, fact="multi-agent", quote="no other agents")

    result, _, _ = run_hybrid(
        catalogue, HostileModel({"extract": GOOD_DELTA, "safety-net": irrelevant})
    )

    assert rules_keys(catalogue, result.system) <= keys(result)
    notes = [n.message for f in result.findings for n in f.validator_notes]
    assert any("does not bear on" in n for n in notes)


def test_rejected_proposals_do_not_address_rules_candidates(catalogue: Catalogue) -> None:
    rules = rules_keys(catalogue, analyze(DESCRIPTION, catalogue).system)

    def invented(kind: str, text: str) -> dict[str, Any]:
        layer = text.split("Return the findings for ")[1][:2]
        return {
            "findings": [
                finding(t, layer, ["shadow-admin-console"]) for t, x in sorted(rules) if x == layer
            ]
        }

    result, _, _ = run_hybrid(
        catalogue, HostileModel({"extract": GOOD_DELTA, "layer": invented, "safety-net": {}})
    )

    assert any(r.issues[0].code == "unknown-component" for r in result.rejected)
    assert rules_keys(catalogue, result.system) <= keys(result)


def test_all_capabilities_false_do_not_override_the_rules_reading(catalogue: Catalogue) -> None:
    denial = dict(GOOD_DELTA)
    names = ["rag", "memory", "tools", "multi-agent"]
    denial["capabilities"] = dict.fromkeys(names, False)
    denial["capability_evidence"] = {n: quote("no other agents") for n in names}
    rules_system = system_from_description(DESCRIPTION)

    result, _, _ = run_hybrid(catalogue, HostileModel({"extract": denial}))

    for name, value in rules_system.capabilities.items():
        assert result.system.capabilities[name] == value, name
    conflicts = [u for u in result.system.unknowns if "read the description differently" in u]
    assert conflicts
    # No threat is lost (the model's component reading may place one at another layer).
    rules = analyze(DESCRIPTION, catalogue, system=rules_system)
    assert not rules_loss(rules.findings, result.findings)
    assert {t for t, _ in keys(rules)} <= {t for t, _ in keys(result)}


def test_invented_components_are_dropped_and_real_ones_stay(catalogue: Catalogue) -> None:
    delta = dict(GOOD_DELTA)
    delta["components"] = [
        component("shadow-admin-console", "agent", "L3", "the shadow admin console"),
        component("gpt-4o", "llm", "L1", "uses GPT-4o"),
    ]
    lines: list[str] = []
    result, _, extractor = run_hybrid(catalogue, HostileModel({"extract": delta}), lines)

    ids = result.system.component_ids()
    assert "shadow-admin-console" not in ids
    assert any("shadow-admin-console" in d.label() for d in extractor.last_dropped)
    # The rules' agent stays although the model named an agent-kind component of its own.
    rules_ids = system_from_description(DESCRIPTION).component_ids()
    assert rules_ids - {"gpt-4o"} <= ids | {c for c in rules_ids if "gpt" in c}


def test_a_lossy_hybrid_run_warns_and_fails_under_strict(catalogue: Catalogue) -> None:
    rules = analyze(DESCRIPTION, catalogue)
    hybrid = rules.model_copy(update={"findings": rules.findings[:1], "engine": Engine.HYBRID})
    lines: list[str] = []

    check_rules_loss(hybrid, rules, strict=False, progress=lines.append)
    assert lines and lines[0].startswith("WARNING: the hybrid run lacks")
    with pytest.raises(RulesLossError):
        check_rules_loss(hybrid, rules, strict=True, progress=lines.append)
    # Within the allowed share: silent.
    assert loss_warning(rules_loss(rules.findings, rules.findings), len(rules.findings)) is None
    assert 0 < MAX_RULES_LOSS < 1


def test_a_huge_reply_keeps_the_model_small(catalogue: Catalogue) -> None:
    huge = "x" * (2 * 1024 * 1024)

    def flood(kind: str, text: str) -> dict[str, Any]:
        return {"findings": [finding("T1", "L2", ["manuals"], scenario=huge)] * 3}

    model = HostileModel({"extract": GOOD_DELTA, "layer": flood, "cross-layer": flood})
    result, _, _ = run_hybrid(catalogue, model)

    size = len(result.model_dump_json().encode())
    assert size < 1024 * 1024, size
    oversized = [r for r in result.rejected if any(i.code == "oversized-text" for i in r.issues)]
    assert oversized
    texts = [json.dumps(r.proposal) for r in oversized]
    assert len(texts) == len(set(texts)), "a rejection is stored once"
    assert all("sha256" in r.proposal["scenario"] for r in oversized)


def test_a_budget_stop_keeps_what_was_validated(catalogue: Catalogue) -> None:
    from assistant.engine.llm_mode import mark_partial

    def valid(kind: str, text: str) -> dict[str, Any]:
        return {"findings": [finding("T6", "L1", ["gpt-4o"])]}

    # Call 1 extracts, call 2 answers L1; the budget stops the model at call 3 (L2).
    model = HostileModel({"extract": GOOD_DELTA, "layer": valid}, budget_after=3)
    lines: list[str] = []
    result, proposer, _ = run_hybrid(catalogue, model, lines)

    assert proposer.stopped is not None
    assert proposer.unreached[0] == "L2" and "safety net" in proposer.unreached
    assert ("T6", "L1") in keys(result)
    assert any(f.provenance.engine == Engine.HYBRID for f in result.findings)
    # The rules candidates the model never reviewed stay, noted.
    assert rules_keys(catalogue, result.system) - {("T6", "L1")} <= keys(result)
    partial = mark_partial(result, proposer.unreached, proposer.stopped)
    assert partial.coverage[Layer.L2].status.value == "unknown"
    assert "budget ran out" in partial.coverage[Layer.L2].question
    assert any("the model's budget ran out at L2" in line for line in lines)


@pytest.mark.parametrize("down_after", [1, 3])
def test_a_model_outage_keeps_every_rules_finding(catalogue: Catalogue, down_after: int) -> None:
    # Down from the start (extraction fails too) or from L2 on: hybrid keeps what rules find.
    from assistant.engine.llm_mode import mark_partial

    model = HostileModel({"extract": GOOD_DELTA}, down_after=down_after)
    lines: list[str] = []
    result, proposer, _ = run_hybrid(catalogue, model, lines)

    assert isinstance(proposer.stopped, ProviderError)
    assert rules_keys(catalogue, result.system) <= keys(result)
    assert any("the model failed (connection)" in line for line in lines)
    partial = mark_partial(result, proposer.unreached, proposer.stopped)
    layers = [Layer(x) for x in proposer.unreached if x in {y.value for y in Layer}]
    assert layers
    assert all("once the model answers" in partial.coverage[x].question for x in layers)


def test_the_chats_cancel_event_reaches_every_model_call(catalogue: Catalogue) -> None:
    import threading

    from assistant.engine.llm_mode import LLMExtractor, make_proposer
    from assistant.session.models import ModelBinding
    from tests.adversarial.hostile import NoGuidance

    model = HostileModel({"extract": GOOD_DELTA})
    _, proposer, _ = make_proposer(Engine.HYBRID, chat_model=model, retriever=NoGuidance())
    extractor = LLMExtractor(model, catalogue)
    binding = ModelBinding(engine=Engine.HYBRID, proposer=proposer, extractor=extractor)
    cancel = threading.Event()
    with binding.cancellable(cancel):
        system = system_from_description(DESCRIPTION, extractor)
        analyze(DESCRIPTION, catalogue, engine=Engine.HYBRID, proposer=proposer, system=system)
    assert len(model.cancels) >= 4
    assert all(c is cancel for c in model.cancels)
    assert proposer.cancel is None and extractor.cancel is None  # released after the step
