"""Graded risk: each factor moves its axis (and its near miss does not), cites its fact, and the
same input always gives the same rating."""

from __future__ import annotations

import pytest

from assistant.engine.risk import PROFILES, Axis, FactKind, Factor, Move, Rating, rate
from assistant.engine.rules import proposable
from assistant.knowledge import Catalogue
from assistant.knowledge.model import ThreatEntry
from assistant.schema import (
    AgenticFactor,
    Component,
    ControlKind,
    DataClass,
    Effect,
    EntryKind,
    Evidence,
    EvidenceKind,
    Impact,
    Layer,
    Likelihood,
    SystemModel,
)
from tests.engine.risk_builders import (
    AGENT,
    agent,
    approval,
    asset,
    control,
    entry,
    flow,
    system,
    tool,
)


def threat(catalogue: Catalogue, threat_id: str) -> ThreatEntry:
    found = catalogue.threat(threat_id)
    assert found is not None
    return found


def rated(
    catalogue: Catalogue, threat_id: str, model: SystemModel, components: list[str] | None = None
) -> Rating:
    return rate(threat(catalogue, threat_id), model, components or [AGENT])


def moving(rating: Rating, axis: Axis) -> list[Factor]:
    return [f for f in rating.on(axis) if f.move in (Move.RAISES, Move.LOWERS)]


# --- likelihood: exposure on the path -----------------------------------------------------------


def test_untrusted_content_reaching_the_agent_raises_an_input_threat_two_steps(
    catalogue: Catalogue,
) -> None:
    mail = entry(EntryKind.INBOUND_EMAIL, words="reads the inbound support mailbox")
    rating = rated(catalogue, "T5", system(entries=[mail]))
    assert rating.likelihood == Likelihood.VERY_LIKELY
    [factor] = moving(rating, Axis.LIKELIHOOD)
    assert (factor.move, factor.steps, factor.fact_id) == (Move.RAISES, 2, mail.id)
    assert factor.fact_kind == FactKind.ENTRY_POINT
    assert '"reads the inbound support mailbox"' in rating.rationale()


def test_public_users_raise_an_input_threat_one_step(catalogue: Catalogue) -> None:
    rating = rated(catalogue, "T5", system(entries=[entry(EntryKind.PUBLIC_USERS)]))
    assert rating.likelihood == Likelihood.LIKELY


def test_trusted_mail_does_not_raise_and_reads_as_internal_only(catalogue: Catalogue) -> None:
    # Near miss: the same mailbox, but only colleagues can write to it.
    mail = entry(EntryKind.INBOUND_EMAIL, untrusted=False)
    staff = entry(EntryKind.INTERNAL_USERS, untrusted=False, words="our staff use it")
    rating = rated(catalogue, "T5", system(entries=[mail, staff]))
    assert rating.likelihood == Likelihood.UNLIKELY
    [factor] = moving(rating, Axis.LIKELIHOOD)
    assert factor.move == Move.LOWERS and "only" in factor.reason


def test_internal_users_do_not_lower_when_outsiders_reach_too(catalogue: Catalogue) -> None:
    staff = entry(EntryKind.INTERNAL_USERS, untrusted=False)
    public = entry(EntryKind.PUBLIC_USERS)
    rating = rated(catalogue, "T4", system(entries=[staff, public]))
    assert rating.likelihood == Likelihood.LIKELY


def test_a_reach_threat_is_raised_by_a_way_in_not_by_fetched_documents(
    catalogue: Catalogue,
) -> None:
    assert (
        rated(catalogue, "T4", system(entries=[entry(EntryKind.API_CLIENTS)])).likelihood
        == Likelihood.LIKELY
    )
    docs = rated(catalogue, "T4", system(entries=[entry(EntryKind.RETRIEVED_DOCUMENTS)]))
    assert docs.likelihood == Likelihood.POSSIBLE
    assert not moving(docs, Axis.LIKELIHOOD)


def test_an_inside_threat_is_not_moved_by_exposure(catalogue: Catalogue) -> None:
    rating = rated(catalogue, "MAS-SEMANTIC-DRIFT", system(entries=[entry(EntryKind.WEB_CONTENT)]))
    assert rating.likelihood == Likelihood.POSSIBLE
    assert not moving(rating, Axis.LIKELIHOOD)


def test_exposure_follows_the_path_from_entry_point_to_agent_to_tool(catalogue: Catalogue) -> None:
    front = agent("front-desk", "Front desk")
    billing = agent("billing", "Billing agent")
    refund = tool("refund", Effect.MOVES_MONEY)
    mail = entry(EntryKind.INBOUND_EMAIL, target="front-desk")
    linked = system(
        agents=[front, billing],
        tools=[refund],
        entries=[mail],
        flows=[flow("front-desk", "billing"), flow("billing", "refund")],
    )
    rating = rate(threat(catalogue, "T5"), linked, ["refund"])
    assert rating.likelihood == Likelihood.VERY_LIKELY
    assert "Billing agent" in rating.on(Axis.LIKELIHOOD)[0].reason
    # Near miss: nothing passes the front desk's mail on to the billing agent.
    cut = linked.model_copy(update={"data_flows": [flow("billing", "refund")]})
    rating = rate(threat(catalogue, "T5"), cut, ["refund"])
    assert rating.likelihood == Likelihood.POSSIBLE
    assert [f.move for f in rating.on(Axis.LIKELIHOOD)] == [Move.UNKNOWN]
    assert "who can reach Billing agent" in rating.rationale()


def test_with_no_entry_point_the_external_facing_capability_stands_in(
    catalogue: Catalogue,
) -> None:
    facing = rated(catalogue, "T4", system(capabilities={"external-facing": True}))
    assert facing.likelihood == Likelihood.LIKELY
    assert facing.on(Axis.LIKELIHOOD)[0].fact_kind == FactKind.CAPABILITY
    inside = rated(catalogue, "T4", system(capabilities={"external-facing": False}))
    assert inside.likelihood == Likelihood.UNLIKELY
    unknown = rated(catalogue, "T4", system())
    assert unknown.likelihood == Likelihood.POSSIBLE
    assert "not stated: who can reach Support agent" in unknown.rationale()


def test_third_party_extensions_raise_a_supply_chain_threat(catalogue: Catalogue) -> None:
    plugin = entry(EntryKind.THIRD_PARTY_EXTENSIONS, words="a third-party MCP server")
    assert rated(catalogue, "T17", system(entries=[plugin])).likelihood == Likelihood.LIKELY
    # Near miss: public users are no supply chain.
    users = rated(catalogue, "T17", system(entries=[entry(EntryKind.PUBLIC_USERS)]))
    assert users.likelihood == Likelihood.POSSIBLE


# --- likelihood: controls and agentic factors ---------------------------------------------------


def test_a_sandbox_on_the_code_runner_lowers_code_execution(catalogue: Catalogue) -> None:
    runner = tool("run-python", Effect.EXECUTES_CODE)
    sandbox = control(ControlKind.SANDBOX, ["run-python"], words="scripts run in a gVisor sandbox")
    rating = rated(catalogue, "T11", system(tools=[runner], controls=[sandbox]))
    assert rating.likelihood == Likelihood.UNLIKELY
    [factor] = moving(rating, Axis.LIKELIHOOD)
    assert (factor.fact_kind, factor.fact_id) == (FactKind.CONTROL, sandbox.id)
    assert '"scripts run in a gVisor sandbox"' in rating.rationale()


def test_a_control_elsewhere_or_of_another_kind_does_not_lower(catalogue: Catalogue) -> None:
    runner = tool("run-python", Effect.EXECUTES_CODE)
    other = Component(id="batch", name="Batch job", kind="database", layers=[Layer.L2])
    elsewhere = control(ControlKind.SANDBOX, ["batch"])
    limit = control(ControlKind.RATE_LIMIT, ["run-python"])
    rating = rated(
        catalogue, "T11", system(tools=[runner], others=[other], controls=[elsewhere, limit])
    )
    assert rating.likelihood == Likelihood.POSSIBLE


def test_a_control_stated_absent_raises(catalogue: Catalogue) -> None:
    no_limit = control(ControlKind.RATE_LIMIT, [], present=False, words="there is no rate limit")
    rating = rated(catalogue, "T4", system(controls=[no_limit]))
    assert rating.likelihood == Likelihood.LIKELY
    assert "no rate limit on the system (+1)" in rating.rationale()


def test_autonomy_amplifies_threats_the_catalogue_says_it_amplifies(catalogue: Catalogue) -> None:
    auto = system(
        controls=[approval("refund", present=False, words="refunds go out automatically")],
        factors=[AgenticFactor.AUTONOMY],
    )
    rating = rated(catalogue, "T7", auto)
    assert rating.likelihood == Likelihood.LIKELY
    [factor] = moving(rating, Axis.LIKELIHOOD)
    assert factor.fact_kind == FactKind.AGENTIC_FACTOR
    assert '"refunds go out automatically"' in rating.rationale()
    # Near misses: a threat the catalogue does not tie to autonomy; a system that is not autonomous.
    assert rated(catalogue, "MAS-SEMANTIC-DRIFT", auto).likelihood == Likelihood.POSSIBLE
    assert rated(catalogue, "T7", system()).likelihood == Likelihood.POSSIBLE


def test_likelihood_saturates_at_very_likely(catalogue: Catalogue) -> None:
    loud = system(entries=[entry(EntryKind.WEB_CONTENT)], factors=[AgenticFactor.AUTONOMY])
    rating = rated(catalogue, "T6", loud)
    assert rating.likelihood == Likelihood.VERY_LIKELY
    assert sum(f.steps for f in moving(rating, Axis.LIKELIHOOD)) == 3


# --- impact: stakes, reversibility, approval ---------------------------------------------------


@pytest.mark.parametrize(
    ("effect", "decided", "expected"),
    [
        (Effect.MOVES_MONEY, False, Impact.CRITICAL),
        (Effect.MOVES_MONEY, True, Impact.HIGH),
        (Effect.ACTUATES, False, Impact.CRITICAL),
        (Effect.ACTUATES, True, Impact.HIGH),
        (Effect.EXECUTES_CODE, False, Impact.CRITICAL),
        (Effect.EXECUTES_CODE, True, Impact.MEDIUM),
        (Effect.CHANGES_ACCESS, False, Impact.CRITICAL),
        (Effect.SENDS_MESSAGES, False, Impact.HIGH),
        (Effect.SENDS_MESSAGES, True, Impact.LOW),
        (Effect.WRITES_DATA, False, Impact.HIGH),
        (Effect.WRITES_DATA, True, Impact.LOW),
    ],
)
def test_a_tools_effect_and_its_approval_set_the_impact(
    catalogue: Catalogue, effect: Effect, decided: bool, expected: Impact
) -> None:
    model = system(tools=[tool("act", effect)], controls=[approval("act", present=decided)])
    assert rated(catalogue, "T5", model).impact == expected


def test_missing_approval_raises_and_approval_lowers_with_the_control_cited(
    catalogue: Catalogue,
) -> None:
    refund = tool("refund", Effect.MOVES_MONEY, "Refund API", "issues refunds through Stripe")
    auto = approval("refund", present=False, words="refunds below $200 go out automatically")
    rating = rated(catalogue, "T5", system(tools=[refund], controls=[auto]))
    reasons = [f.text() for f in rating.on(Axis.IMPACT)]
    assert reasons == [
        'Refund API moves money (sets high): "issues refunds through Stripe"',
        "a payment cannot be undone (+1)",
        'Refund API acts with no human approval (+1): "refunds below $200 go out automatically"',
    ]
    lead = approval("refund", present=True, actor="team lead")
    approved = rated(catalogue, "T5", system(tools=[refund], controls=[lead]))
    assert approved.impact == Impact.HIGH
    assert "team lead approves Refund API (-1)" in approved.rationale()


def test_approval_for_some_cases_only_holds(catalogue: Catalogue) -> None:
    lock = tool("lock-create-code", Effect.ACTUATES, "door lock")
    both = [approval(lock.id, present=True), approval(lock.id, present=False)]
    rating = rated(catalogue, "T5", system(tools=[lock], controls=both))
    assert rating.impact == Impact.CRITICAL
    assert [f.move for f in rating.on(Axis.IMPACT)] == [Move.SETS, Move.RAISES, Move.HOLDS]


def test_unknown_approval_is_named_not_assumed(catalogue: Catalogue) -> None:
    rating = rated(catalogue, "T5", system(tools=[tool("post", Effect.WRITES_DATA, "Ticket API")]))
    assert rating.impact == Impact.MEDIUM
    assert "not stated: whether a person approves what Ticket API does" in rating.rationale()


def test_only_irreversible_effects_get_the_cannot_be_undone_step(catalogue: Catalogue) -> None:
    sent = rated(catalogue, "T5", system(tools=[tool("mail", Effect.SENDS_MESSAGES)]))
    assert "a sent message cannot be recalled (+1)" in sent.rationale()
    written = rated(catalogue, "T5", system(tools=[tool("notes", Effect.WRITES_DATA)]))
    assert "undone" not in written.rationale() and "recalled" not in written.rationale()


def test_read_only_tools_rate_low(catalogue: Catalogue) -> None:
    lookup = system(tools=[tool("lookup", Effect.READS_DATA)])
    assert rated(catalogue, "T5", lookup).impact == Impact.LOW
    # Near miss: one writing tool beside it sets the impact.
    both = system(tools=[tool("lookup", Effect.READS_DATA), tool("notes", Effect.WRITES_DATA)])
    assert rated(catalogue, "T5", both).impact == Impact.MEDIUM


def test_the_worst_tool_in_scope_sets_the_impact_and_ties_go_to_the_graver_effect(
    catalogue: Catalogue,
) -> None:
    mail = tool("mail", Effect.SENDS_MESSAGES, "Mailer")
    refund = tool("refund", Effect.MOVES_MONEY, "Refund API")
    model = system(
        tools=[mail, refund],
        controls=[approval("mail", present=False), approval("refund", present=True)],
    )
    rating = rated(catalogue, "T5", model)
    assert rating.impact == Impact.HIGH  # both high; the refund is the graver effect
    assert rating.on(Axis.IMPACT)[0].fact_id == "refund"


def test_a_money_asset_stands_in_for_an_undescribed_payment_tool(catalogue: Catalogue) -> None:
    pay = system(tools=[tool("erp", None, "ERP")], assets=[asset(DataClass.MONEY, name="payouts")])
    rating = rated(catalogue, "T5", pay)
    assert rating.impact == Impact.CRITICAL
    assert rating.on(Axis.IMPACT)[0].fact_kind == FactKind.ASSET


@pytest.mark.parametrize(
    ("data_class", "expected"),
    [
        (DataClass.PHI, Impact.CRITICAL),
        (DataClass.CREDENTIALS, Impact.HIGH),
        (DataClass.PII, Impact.MEDIUM),
        (DataClass.SOURCE_CODE, Impact.MEDIUM),
    ],
)
def test_the_most_sensitive_asset_sets_data_impact(
    catalogue: Catalogue, data_class: DataClass, expected: Impact
) -> None:
    rating = rated(catalogue, "MAS-RAG-DATA-EXFILTRATION", system(assets=[asset(data_class)]))
    assert rating.impact == expected
    assert rating.on(Axis.IMPACT)[0].fact_id == f"asset-{data_class.value}"


def test_an_asset_held_elsewhere_is_not_at_stake(catalogue: Catalogue) -> None:
    vault = Component(id="hr-db", name="HR database", kind="database", layers=[Layer.L2])
    held = system(others=[vault], assets=[asset(DataClass.PHI, ["hr-db"])])
    assert rated(catalogue, "MAS-RAG-DATA-EXFILTRATION", held).impact == Impact.MEDIUM
    # ...unless the finding concerns the store that holds it, which adds a step.
    pii = system(others=[vault], assets=[asset(DataClass.PII, ["hr-db"])])
    rating = rate(threat(catalogue, "MAS-RAG-DATA-EXFILTRATION"), pii, ["hr-db"])
    assert rating.impact == Impact.HIGH
    assert "which holds it (+1)" in rating.rationale()


def test_sensitive_data_capability_when_no_asset_is_named(catalogue: Catalogue) -> None:
    exfil = "MAS-RAG-DATA-EXFILTRATION"
    assert (
        rated(catalogue, exfil, system(capabilities={"sensitive-data": False})).impact == Impact.LOW
    )
    assert (
        rated(catalogue, exfil, system(capabilities={"sensitive-data": True})).impact
        == Impact.MEDIUM
    )
    assert "not stated: what data it holds" in rated(catalogue, exfil, system()).rationale()


def test_no_tools_rates_actions_low_unless_a_tool_with_an_effect_is_described(
    catalogue: Catalogue,
) -> None:
    bare = system(capabilities={"tools": False})
    assert rated(catalogue, "T5", bare).impact == Impact.LOW
    contradicted = system(tools=[tool("swap", Effect.MOVES_MONEY)], capabilities={"tools": False})
    assert rated(catalogue, "T5", contradicted).impact == Impact.CRITICAL


def test_code_execution_rates_on_the_runner(catalogue: Catalogue) -> None:
    runner = tool("shell", Effect.EXECUTES_CODE, "Shell")
    assert rated(catalogue, "T11", system(tools=[runner])).impact == Impact.HIGH
    confirmed = system(tools=[runner], controls=[approval("shell", present=True)])
    assert rated(catalogue, "T11", confirmed).impact == Impact.MEDIUM
    by_capability = system(capabilities={"code-execution": True})
    assert rated(catalogue, "T11", by_capability).impact == Impact.HIGH


def test_overwhelmed_approval_is_not_discounted_by_approval(catalogue: Catalogue) -> None:
    refund = tool("refund", Effect.MOVES_MONEY, "Refund API")
    model = system(tools=[refund], controls=[approval("refund", present=True)])
    assert rated(catalogue, "T5", model).impact == Impact.HIGH
    rating = rated(catalogue, "T10", model)
    assert rating.impact == Impact.CRITICAL
    assert "approval is what this threat defeats" in rating.rationale()


def test_untraceable_actions_rate_one_step_below_the_actions(catalogue: Catalogue) -> None:
    refund = tool("refund", Effect.MOVES_MONEY)
    model = system(tools=[refund], controls=[approval("refund", present=False)])
    assert rated(catalogue, "T5", model).impact == Impact.CRITICAL
    assert rated(catalogue, "T8", model).impact == Impact.HIGH


def test_disruption_is_medium(catalogue: Catalogue) -> None:
    refund = tool("refund", Effect.MOVES_MONEY)
    assert rated(catalogue, "T4", system(tools=[refund])).impact == Impact.MEDIUM


def test_a_wallet_key_that_signs_without_approval_is_not_medium(catalogue: Catalogue) -> None:
    swap = tool("swap-tokens", Effect.MOVES_MONEY, "swap_tokens", "signs with a hot-wallet key")
    key = asset(DataClass.CREDENTIALS, name="hot-wallet key")
    auto = approval("swap-tokens", present=False, words="swaps below 2 ETH execute straight away")
    rating = rated(
        catalogue, "MAS-WALLET-KEY-COMPROMISE", system(tools=[swap], assets=[key], controls=[auto])
    )
    assert rating.impact == Impact.CRITICAL
    assert '"swaps below 2 ETH execute straight away"' in rating.rationale()


def test_door_lock_and_heating_findings_are_not_all_medium(catalogue: Catalogue) -> None:
    lock = tool("lock-create-code", Effect.ACTUATES, "door lock", "creates a door code")
    heat = tool("set-temperature", Effect.ACTUATES, "thermostat", "sets the thermostat")
    model = system(
        tools=[lock, heat],
        entries=[entry(EntryKind.INBOUND_MESSAGES, words="guests message it on WhatsApp")],
        controls=[approval(lock.id, present=False, words="door codes are created automatically")],
    )
    ratings = [
        rate(threat(catalogue, t), model, components)
        for t in ("T2", "T5", "T6", "T11", "MAS-UNINTENDED-WORKFLOW-EXECUTION")
        for components in ([lock.id], [heat.id], [AGENT])
    ]
    assert {r.impact for r in ratings} - {Impact.MEDIUM}
    assert all(r.impact == Impact.CRITICAL for r in ratings)


# --- the rating as a whole ----------------------------------------------------------------------


def test_nothing_known_says_what_is_unknown(catalogue: Catalogue) -> None:
    rating = rated(catalogue, "T5", system())
    assert (rating.likelihood, rating.impact) == (Likelihood.POSSIBLE, Impact.MEDIUM)
    text = rating.rationale()
    assert "baseline" not in text.lower()
    assert text.startswith("possible: nothing stated raises or lowers it; not stated: ")
    assert "medium: nothing stated raises or lowers it; not stated: what Support agent" in text


def test_every_moving_factor_cites_a_fact_of_the_system_and_its_words(
    catalogue: Catalogue,
) -> None:
    refund = tool("refund", Effect.MOVES_MONEY, "Refund API", "issues refunds")
    model = system(
        tools=[refund],
        entries=[entry(EntryKind.INBOUND_EMAIL)],
        controls=[approval("refund", present=False)],
        assets=[asset(DataClass.PII)],
    )
    ids = {
        *model.component_ids(),
        *(e.id for e in model.entry_points),
        *(c.id for c in model.controls),
        *(a.id for a in model.assets),
    }
    rating = rated(catalogue, "T6", model)
    cited = [f for f in rating.factors if f.fact_kind is not None and f.move != Move.UNKNOWN]
    assert cited
    for factor in cited:
        assert factor.fact_id in ids
        if factor.move in (Move.SETS, Move.LOWERS) or factor.fact_kind == FactKind.ENTRY_POINT:
            assert factor.evidence is not None
            assert factor.evidence.quote in rating.rationale()


def test_a_quote_is_given_once_and_cut_short(catalogue: Catalogue) -> None:
    words = "refunds are issued by the agent and go out automatically " * 5
    refund = tool("refund", Effect.MOVES_MONEY, "Refund API", words)
    auto = approval("refund", present=False, words=words)
    rationale = rated(catalogue, "T5", system(tools=[refund], controls=[auto])).rationale()
    assert rationale.count('"refunds are issued') == 1
    assert "..." in rationale and len(rationale) < 400


def test_the_same_input_gives_the_same_rating(catalogue: Catalogue) -> None:
    model = system(
        tools=[tool("refund", Effect.MOVES_MONEY), tool("mail", Effect.SENDS_MESSAGES)],
        entries=[entry(EntryKind.PUBLIC_USERS), entry(EntryKind.WEB_CONTENT)],
        controls=[approval("refund", present=True), approval("mail", present=False)],
        assets=[asset(DataClass.PII), asset(DataClass.CREDENTIALS)],
        factors=[AgenticFactor.AUTONOMY],
    )
    for threat_id in ("T2", "T4", "T8", "T10", "MAS-RAG-DATA-EXFILTRATION"):
        first = rated(catalogue, threat_id, model)
        again = rated(catalogue, threat_id, model.model_copy(deep=True))
        assert first == again
        assert first.rationale() == again.rationale()


def test_unknown_component_ids_are_ignored(catalogue: Catalogue) -> None:
    model = system(entries=[entry(EntryKind.PUBLIC_USERS)])
    assert rate(threat(catalogue, "T4"), model, ["no-such-thing"]) == rate(
        threat(catalogue, "T4"), model, []
    )


def test_an_entry_point_with_no_target_reaches_the_agents(catalogue: Catalogue) -> None:
    loose = entry(EntryKind.UPLOADED_FILES, target="", words="customers upload receipts")
    rating = rated(catalogue, "T5", system(entries=[loose]))
    assert rating.likelihood == Likelihood.VERY_LIKELY


def test_evidence_of_any_kind_is_cited_on_one_line(catalogue: Catalogue) -> None:
    refund = tool("refund", Effect.MOVES_MONEY, "Refund API").model_copy(
        update={"evidence": [Evidence(kind=EvidenceKind.FILE, location="system.yaml:28")]}
    )
    rationale = rated(catalogue, "T5", system(tools=[refund])).rationale()
    assert "Refund API moves money (sets high): system.yaml:28" in rationale
    assert "\n" not in rationale


def test_every_threat_the_rules_engine_can_propose_has_a_profile(catalogue: Catalogue) -> None:
    proposed = {t.id for t in catalogue.of_type(ThreatEntry) if proposable(t)}
    assert proposed <= set(PROFILES), sorted(proposed - set(PROFILES))
    assert set(PROFILES) <= {t.id for t in catalogue.of_type(ThreatEntry)}


def test_an_entry_points_kind_is_said_once(catalogue: Catalogue) -> None:
    named = entry(EntryKind.PUBLIC_USERS).model_copy(update={"name": "public users (Anyone)"})
    mailbox = entry(EntryKind.INBOUND_EMAIL).model_copy(update={"name": "support mailbox"})
    assert (
        "public users (Anyone) (untrusted) reach"
        in rated(catalogue, "T4", system(entries=[named])).rationale()
    )
    assert (
        "support mailbox (untrusted inbound e-mail) content reaches"
        in rated(catalogue, "T5", system(entries=[mailbox])).rationale()
    )


def test_an_approved_action_is_not_rated_as_autonomous(catalogue: Catalogue) -> None:
    refund = tool("refund", Effect.MOVES_MONEY, name="refund API")
    approved = system(
        tools=[refund],
        controls=[approval("refund", present=True, words="a clerk approves every refund")],
        factors=[AgenticFactor.AUTONOMY],
    )
    rating = rated(catalogue, "T2", approved, [AGENT, "refund"])
    assert "acts on its own" not in rating.rationale()
    # Near miss: the same tool with no approval is autonomous.
    unapproved = system(tools=[refund], factors=[AgenticFactor.AUTONOMY])
    assert "acts on its own" in rated(catalogue, "T2", unapproved, [AGENT, "refund"]).rationale()


def test_another_agents_automatic_action_does_not_make_this_one_autonomous(
    catalogue: Catalogue,
) -> None:
    refund = tool("refund", Effect.MOVES_MONEY, name="refund API")
    booking = tool("book", Effect.WRITES_DATA, name="booking API")
    elsewhere = system(
        tools=[refund, booking],
        controls=[approval("book", present=False, words="bookings are made automatically")],
        factors=[AgenticFactor.AUTONOMY],
    )
    # The finding acts through the refund API; only bookings are said to run unattended.
    assert "acts on its own" not in rated(catalogue, "T2", elsewhere, [AGENT, "refund"]).rationale()
    # Near miss: through the booking API, the stated automatic action is its own.
    rating = rated(catalogue, "T2", elsewhere, [AGENT, "book"])
    assert "acts on its own" in rating.rationale()
    assert "bookings are made automatically" in rating.rationale()
