"""Corrections to the system model, as pure functions and as the commands the chat passes on."""

from __future__ import annotations

import pytest

from assistant.errors import CorrectionError
from assistant.knowledge import Catalogue
from assistant.schema import (
    Asset,
    Component,
    Control,
    ControlKind,
    DataClass,
    DataFlow,
    Effect,
    EntryKind,
    EntryPoint,
    Evidence,
    EvidenceKind,
    Layer,
    SystemModel,
    TrustBoundary,
)
from assistant.session.corrections import (
    Correction,
    apply_command,
    correction_evidence,
    suggestions,
)


def _quote(text: str) -> list[Evidence]:
    return [Evidence(kind=EvidenceKind.QUOTE, quote=text)]


@pytest.fixture
def system() -> SystemModel:
    """A support agent that refunds through Stripe: one of every kind of fact."""

    def part(
        ident: str, kind: str, layer: Layer, effect: Effect | None = None, hosting: str = ""
    ) -> Component:
        return Component(
            id=ident,
            name=ident.replace("-", " "),
            kind=kind,
            layers=[layer],
            effect=effect,
            hosting=hosting,
            evidence=_quote(ident),
        )

    return SystemModel(
        description="A support agent refunds customers through Stripe.",
        components=[
            part("support-agent", "agent", Layer.L3),
            part("refund-tool", "tool", Layer.L3, Effect.MOVES_MONEY),
            part("stripe-api", "external-api", Layer.L7, Effect.READS_DATA),
            part("ticket-db", "database", Layer.L2),
            part("inbox", "channel", Layer.L7),
            part("gpt", "llm", Layer.L1),
            part("gpt-4o", "llm", Layer.L1, hosting="provider API"),
        ],
        data_flows=[
            DataFlow(id="mail", source="inbox", target="support-agent", evidence=_quote("mail")),
            DataFlow(
                id="support-agent-to-refund-tool",
                source="support-agent",
                target="refund-tool",
                description="refund requests",
            ),
            DataFlow(id="pay", source="refund-tool", target="stripe-api"),
            DataFlow(id="prompts", source="support-agent", target="gpt"),
            DataFlow(id="fallback", source="gpt", target="gpt-4o"),
        ],
        controls=[
            Control(
                id="approval-refunds",
                kind=ControlKind.HUMAN_APPROVAL,
                applies_to=["refund-tool"],
                actor="team lead",
                scope="refunds above $200",
                evidence=_quote("a team lead approves refunds above $200"),
            ),
            Control(
                id="auto-refunds",
                kind=ControlKind.HUMAN_APPROVAL,
                present=False,
                applies_to=["refund-tool"],
                scope="refunds up to $200",
            ),
            Control(
                id="logging",
                kind=ControlKind.AUDIT_LOGGING,
                applies_to=["support-agent", "refund-tool"],
            ),
            Control(id="guard", kind=ControlKind.GUARDRAIL),
        ],
        assets=[
            Asset(
                id="customer-pii",
                name="customer data",
                data_class=DataClass.PII,
                components=["ticket-db"],
            ),
            Asset(
                id="money",
                name="refunds",
                data_class=DataClass.MONEY,
                components=["refund-tool", "stripe-api"],
            ),
        ],
        entry_points=[
            EntryPoint(
                id="inbound-email",
                name="support mailbox",
                kind=EntryKind.INBOUND_EMAIL,
                target="inbox",
            ),
            EntryPoint(
                id="public-chat",
                name="web chat",
                kind=EntryKind.PUBLIC_USERS,
                target="support-agent",
            ),
        ],
        trust_boundaries=[
            TrustBoundary(
                id="payments", name="agent / payments", components=["refund-tool", "stripe-api"]
            ),
            TrustBoundary(id="db-zone", name="database zone", components=["ticket-db"]),
        ],
        capabilities={"tools": True, "memory": False},
        capability_evidence={"tools": _quote("refunds"), "memory": _quote("keeps nothing")},
    )


@pytest.fixture
def vocabulary(catalogue: Catalogue) -> list[str]:
    return list(catalogue.capabilities)


def run(system: SystemModel, command: str, vocabulary: list[str] | None = None) -> Correction:
    return apply_command(system, command, vocabulary or [])


def correction(command: str) -> Evidence:
    return correction_evidence(command)


# -- /set ------------------------------------------------------------------------------------------


def test_set_overrides_a_capability_and_replaces_its_evidence(
    system: SystemModel, vocabulary: list[str]
) -> None:
    done = run(system, "/set tools off", vocabulary)
    assert done.system.capabilities["tools"] is False
    assert done.system.capability_evidence["tools"] == [correction("/set tools off")]
    assert done.said == "Set `tools` off (it was on)."
    assert system.capabilities["tools"] is True  # the input model is left alone


def test_set_confirming_a_capability_adds_the_correction_to_its_evidence(
    system: SystemModel, vocabulary: list[str]
) -> None:
    done = run(system, "/set memory no", vocabulary)
    assert done.system.capabilities["memory"] is False
    assert done.system.capability_evidence["memory"] == [
        *_quote("keeps nothing"),
        correction("/set memory no"),
    ]
    assert done.said.startswith("Confirmed `memory` off")


def test_set_a_new_capability_and_names_are_normalised(
    system: SystemModel, vocabulary: list[str]
) -> None:
    done = run(system, "/set Code_Execution on", vocabulary)
    assert done.system.capabilities["code-execution"] is True
    assert run(system, "/set code execution yes", vocabulary).system == done.system.model_copy(
        update={
            "capability_evidence": {
                **done.system.capability_evidence,
                "code-execution": [correction("/set code execution yes")],
            }
        }
    )


def test_set_unknown_forgets_the_capability_and_its_evidence(
    system: SystemModel, vocabulary: list[str]
) -> None:
    done = run(system, "/set tools unknown", vocabulary)
    assert "tools" not in done.system.capabilities
    assert "tools" not in done.system.capability_evidence
    again = run(done.system, "/set tools unknown", vocabulary)
    assert again.system == done.system
    assert "already unknown" in again.said


def test_set_refuses_a_name_outside_the_vocabulary_with_a_suggestion(
    system: SystemModel, vocabulary: list[str]
) -> None:
    with pytest.raises(CorrectionError, match="did you mean `code-execution`"):
        run(system, "/set code-exec off", vocabulary)
    with pytest.raises(CorrectionError, match="the capabilities are: planning, memory"):
        run(system, "/set wibble on", vocabulary)


def test_set_accepts_a_capability_the_model_already_holds(system: SystemModel) -> None:
    held = system.model_copy(update={"capabilities": {"legacy-thing": True}})
    assert run(held, "/set legacy-thing off", ["memory"]).system.capabilities == {
        "legacy-thing": False
    }
    with pytest.raises(CorrectionError, match="no capability"):
        run(system, "/set legacy-thing off", ["memory"])


def test_set_needs_a_value_it_understands(system: SystemModel, vocabulary: list[str]) -> None:
    with pytest.raises(CorrectionError, match="say on, off or unknown"):
        run(system, "/set tools maybe", vocabulary)
    with pytest.raises(CorrectionError, match="usage: /set"):
        run(system, "/set tools", vocabulary)


# -- /rename ---------------------------------------------------------------------------------------


def test_rename_keeps_the_id_and_records_the_correction(system: SystemModel) -> None:
    done = run(system, "/rename refund-tool  Refund   API")
    part = done.system.component("refund-tool")
    assert part is not None and part.name == "Refund API"
    assert part.evidence == [*_quote("refund-tool"), correction("/rename refund-tool Refund API")]
    assert "from “refund tool” to “Refund API”" in done.said


def test_rename_works_on_assets_entry_points_and_boundaries(system: SystemModel) -> None:
    done = run(system, "/rename money refund payouts")
    done = run(done.system, "/rename public-chat website chat")
    done = run(done.system, "/rename db-zone private network")
    assert [a.name for a in done.system.assets] == ["customer data", "refund payouts"]
    assert done.system.entry_points[1].name == "website chat"
    assert done.system.trust_boundaries[1].name == "private network"


def test_rename_refuses_facts_without_a_name_and_unknown_ids(system: SystemModel) -> None:
    with pytest.raises(CorrectionError, match="`pay` is a flow, which has no name"):
        run(system, "/rename pay Payment")
    with pytest.raises(CorrectionError, match="did you mean `refund-tool`"):
        run(system, "/rename refund-tol Refunds")
    with pytest.raises(CorrectionError, match="usage: /rename"):
        run(system, "/rename refund-tool")


def test_rename_to_the_same_name_changes_nothing(system: SystemModel) -> None:
    done = run(system, "/rename refund-tool refund tool")
    assert done.system == system and "nothing changed" in done.said


# -- /merge ----------------------------------------------------------------------------------------


def test_merge_rewires_flows_and_drops_the_loop_it_would_make(system: SystemModel) -> None:
    done = run(system, "/merge gpt into gpt-4o")
    assert "gpt" not in done.system.component_ids()
    flows = {f.id: (f.source, f.target) for f in done.system.data_flows}
    assert flows["prompts"] == ("support-agent", "gpt-4o")
    assert "fallback" not in flows  # gpt -> gpt-4o would run from gpt-4o to itself
    assert done.removed == ("fallback",)
    merged = done.system.component("gpt-4o")
    assert merged is not None
    assert merged.evidence == [
        *_quote("gpt-4o"),
        *_quote("gpt"),
        correction("/merge gpt into gpt-4o"),
    ]
    assert merged.hosting == "provider API"
    assert "1 fact now refers to `gpt-4o`" in done.said and "`fallback`" in done.said


def test_merge_rewires_controls_assets_boundaries_and_entry_points(system: SystemModel) -> None:
    done = run(system, "/merge refund-tool stripe-api")
    s = done.system
    controls = {c.id: c.applies_to for c in s.controls}
    assert controls["approval-refunds"] == ["stripe-api"]
    assert controls["logging"] == ["support-agent", "stripe-api"]
    assert [a.components for a in s.assets if a.id == "money"] == [["stripe-api"]]  # no duplicate
    assert [b.components for b in s.trust_boundaries if b.id == "payments"] == [["stripe-api"]]
    assert {f.id: (f.source, f.target) for f in s.data_flows}["support-agent-to-refund-tool"] == (
        "support-agent",
        "stripe-api",
    )
    merged = s.component("stripe-api")
    assert merged is not None
    assert merged.effect == Effect.MOVES_MONEY  # the worse of the two effects
    assert merged.layers == [Layer.L3, Layer.L7]
    assert s.approval("stripe-api") is True  # the approval followed the tool


def test_merge_rewires_an_entry_point(system: SystemModel) -> None:
    done = run(system, "/merge inbox support-agent")
    assert [e.target for e in done.system.entry_points] == ["support-agent", "support-agent"]
    assert "mail" not in {f.id for f in done.system.data_flows}


def test_merge_refuses_itself_unknown_ids_and_other_kinds(system: SystemModel) -> None:
    with pytest.raises(CorrectionError, match="into itself"):
        run(system, "/merge gpt gpt")
    with pytest.raises(CorrectionError, match="no component `gtp`; did you mean `gpt`"):
        run(system, "/merge gtp gpt-4o")
    with pytest.raises(CorrectionError, match="`money` is an asset, not a component"):
        run(system, "/merge money gpt")
    with pytest.raises(CorrectionError, match="usage: /merge"):
        run(system, "/merge gpt to gpt-4o")


# -- /delete ---------------------------------------------------------------------------------------


def test_delete_cascades_to_what_referred_only_to_the_component(system: SystemModel) -> None:
    done = run(system, "/delete refund-tool")
    s = done.system
    assert "refund-tool" not in s.component_ids()
    assert {f.id for f in s.data_flows} == {"mail", "prompts", "fallback"}
    assert {c.id for c in s.controls} == {"logging", "guard"}  # guard is system-wide: kept
    assert {c.id: c.applies_to for c in s.controls}["logging"] == ["support-agent"]
    assert [a.components for a in s.assets if a.id == "money"] == [["stripe-api"]]
    assert [b.components for b in s.trust_boundaries if b.id == "payments"] == [["stripe-api"]]
    assert set(done.removed) == {
        "support-agent-to-refund-tool",
        "pay",
        "approval-refunds",
        "auto-refunds",
    }
    assert done.said.startswith(
        "Deleted component `refund-tool` (refund tool), with flows "
        "`support-agent-to-refund-tool`, `pay` and controls `approval-refunds`, `auto-refunds`, "
        "which referred only to it"
    )
    assert "3 other facts no longer refer to it" in done.said


def test_delete_removes_assets_boundaries_and_entry_points_held_only_by_it(
    system: SystemModel,
) -> None:
    done = run(system, "/delete ticket-db")
    assert {a.id for a in done.system.assets} == {"money"}
    assert {b.id for b in done.system.trust_boundaries} == {"payments"}
    done = run(system, "/delete inbox")
    assert {e.id for e in done.system.entry_points} == {"public-chat"}
    assert done.removed == ("mail", "inbound-email")


def test_deleting_an_entry_point_deletes_the_flows_from_it(system: SystemModel) -> None:
    started = run(system, "/flow public-chat -> support-agent questions").system
    done = run(started, "/delete public-chat")
    assert {e.id for e in done.system.entry_points} == {"inbound-email"}
    assert done.system.data_flows == system.data_flows
    assert done.removed == ("public-chat-to-support-agent",)
    assert done.said == (
        "Deleted entry point `public-chat`, with flow `public-chat-to-support-agent` from it."
    )
    assert run(system, "/delete public-chat").said == "Deleted entry point `public-chat`."


def test_deleting_a_component_takes_its_entry_points_and_their_flows(
    system: SystemModel,
) -> None:
    started = run(system, "/flow inbound-email -> support-agent mail").system
    done = run(started, "/delete inbox")  # inbound-email is read by the inbox only
    assert {e.id for e in done.system.entry_points} == {"public-chat"}
    assert "inbound-email-to-support-agent" not in {f.id for f in done.system.data_flows}
    assert set(done.removed) == {"mail", "inbound-email-to-support-agent", "inbound-email"}


def test_delete_any_fact_by_its_id(system: SystemModel) -> None:
    done = run(system, "/delete approval-refunds")
    assert "approval-refunds" not in {c.id for c in done.system.controls}
    assert done.system.components == system.components
    assert done.said == "Deleted control `approval-refunds`."
    assert run(system, "/delete pay").system.data_flows == [
        f for f in system.data_flows if f.id != "pay"
    ]


def test_delete_matches_ids_case_insensitively_and_refuses_unknown_ones(
    system: SystemModel,
) -> None:
    assert "refund-tool" not in run(system, "/delete Refund-Tool").system.component_ids()
    with pytest.raises(CorrectionError, match="no fact with the id `refund`; did you mean"):
        run(system, "/delete refund")
    with pytest.raises(CorrectionError, match=r"no fact with the id `zzz`\. `/system`"):
        run(system, "/delete zzz")
    with pytest.raises(CorrectionError, match="usage: /delete"):
        run(system, "/delete refund-tool inbox")


# -- /flow -----------------------------------------------------------------------------------------


def test_flow_adds_a_flow_with_correction_evidence(system: SystemModel) -> None:
    done = run(system, "/flow ticket-db -> support-agent customer history")
    flow = done.system.data_flows[-1]
    assert (flow.id, flow.source, flow.target) == (
        "ticket-db-to-support-agent",
        "ticket-db",
        "support-agent",
    )
    assert flow.description == "customer history"
    assert flow.evidence == [correction("/flow ticket-db -> support-agent customer history")]
    arrow = run(system, "/flow ticket-db→support-agent").system.data_flows[-1]
    assert (arrow.source, arrow.target, arrow.description) == ("ticket-db", "support-agent", "")


def test_flow_repeated_is_confirmed_and_a_new_one_gets_a_fresh_id(system: SystemModel) -> None:
    done = run(system, "/flow support-agent -> refund-tool refund requests")
    assert len(done.system.data_flows) == len(system.data_flows)
    assert done.said.startswith("Confirmed flow `support-agent-to-refund-tool`")
    done = run(system, "/flow support-agent -> refund-tool cancellations")
    assert done.system.data_flows[-1].id == "support-agent-to-refund-tool-2"


def test_flow_needs_two_known_components(system: SystemModel) -> None:
    with pytest.raises(CorrectionError, match="no component `suport-agent`; did you mean"):
        run(system, "/flow inbox -> suport-agent")
    with pytest.raises(CorrectionError, match="two different ends"):
        run(system, "/flow inbox -> inbox")
    with pytest.raises(CorrectionError, match="usage: /flow"):
        run(system, "/flow inbox to support-agent")
    with pytest.raises(CorrectionError, match="`money` is an asset, not a component or entry"):
        run(system, "/flow money -> support-agent")
    with pytest.raises(CorrectionError, match="no component or entry point `publc-chat`; did"):
        run(system, "/flow publc-chat -> support-agent")


def test_a_flow_may_start_at_an_entry_point_but_not_end_at_one(system: SystemModel) -> None:
    flow = run(system, "/flow public-chat -> support-agent questions").system.data_flows[-1]
    assert (flow.source, flow.target) == ("public-chat", "support-agent")
    with pytest.raises(CorrectionError, match="`public-chat` is an entry point, not a component"):
        run(system, "/flow support-agent -> public-chat")


# -- /control --------------------------------------------------------------------------------------


def test_control_records_a_new_control_with_actor_and_scope(system: SystemModel) -> None:
    command = "/control human-approval on stripe-api, support-agent by head of finance : over $5k"
    done = run(system, command)
    new = done.system.controls[-1]
    assert (
        new.model_dump()
        == Control(
            id="human-approval-stripe-api",
            kind=ControlKind.HUMAN_APPROVAL,
            applies_to=["stripe-api", "support-agent"],
            actor="head of finance",
            scope="over $5k",
            evidence=[correction(command)],
        ).model_dump()
    )
    assert done.system.controls[:-1] == system.controls  # a scoped statement replaces nothing


def test_control_repeating_a_statement_updates_it(system: SystemModel) -> None:
    command = "/control approval by finance lead on refund-tool : refunds above $200"
    done = run(system, command)
    assert len(done.system.controls) == len(system.controls)
    updated = done.system.controls[0]
    assert updated.actor == "finance lead"
    assert updated.evidence[-1] == correction(command)
    assert done.said.startswith("Updated control `approval-refunds`")


def test_control_off_replaces_the_opposite_statement(system: SystemModel) -> None:
    assert system.approval("refund-tool") is True
    done = run(system, "/control human-approval off on refund-tool")
    assert done.system.approval("refund-tool") is False
    ids = [c.id for c in done.system.controls]
    assert "approval-refunds" not in ids
    assert "auto-refunds" in ids  # a statement of the same kind stands
    assert "it replaces `approval-refunds`" in done.said
    absent = done.system.controls[-1]
    assert (absent.id, absent.present, absent.applies_to) == (
        "no-human-approval-refund-tool",
        False,
        ["refund-tool"],
    )


def test_control_off_narrows_a_control_that_covers_more(system: SystemModel) -> None:
    done = run(system, "/control audit-logging off on refund-tool")
    assert {c.id: c.applies_to for c in done.system.controls}["logging"] == ["support-agent"]
    assert "`logging` no longer covers `refund-tool`" in done.said


def test_a_scoped_opposite_statement_replaces_nothing(system: SystemModel) -> None:
    done = run(system, "/control human-approval off on refund-tool : refunds under $50")
    assert done.system.controls[:-1] == system.controls


def test_a_system_wide_statement_replaces_every_opposite_one(system: SystemModel) -> None:
    done = run(system, "/control approval off")
    assert [c.id for c in done.system.controls] == [
        "auto-refunds",
        "logging",
        "guard",
        "no-human-approval",
    ]
    kept = run(system, "/control guardrail off on inbox")  # named: the system-wide one stays
    assert "guard" in {c.id for c in kept.system.controls}


def test_control_refuses_unknown_kinds_words_and_components(system: SystemModel) -> None:
    with pytest.raises(CorrectionError, match="did you mean `sandbox`"):
        run(system, "/control sandbx on refund-tool")
    with pytest.raises(CorrectionError, match="unexpected `maybe`"):
        run(system, "/control sandbox maybe")
    with pytest.raises(CorrectionError, match="say what comes after `on`"):
        run(system, "/control sandbox on")
    with pytest.raises(CorrectionError, match="no component `refundtool`"):
        run(system, "/control sandbox on refundtool")
    with pytest.raises(CorrectionError, match="usage: /control"):
        run(system, "/control : scope only")
    assert run(system, "/control authorization on refund-tool").system.controls[-1].kind == (
        ControlKind.AUTHORISATION
    )


# -- in general ------------------------------------------------------------------------------------


def test_apply_command_takes_only_corrections(system: SystemModel) -> None:
    with pytest.raises(CorrectionError, match="not a correction command"):
        run(system, "/analyze")


def test_suggestions_prefer_containing_then_similar_names() -> None:
    names = ["code-execution", "external-facing", "memory"]
    assert suggestions("code", names) == ["code-execution"]
    assert suggestions("memroy", names) == ["memory"]
    assert suggestions("zz", names) == []
