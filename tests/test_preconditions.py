"""The shared precondition check: one answer per threat, for every kind of precondition."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import assistant.engine.coverage
import assistant.engine.llm_proposal
import assistant.engine.rules
import assistant.validator.findings
from assistant.knowledge import Catalogue
from assistant.knowledge.model import ThreatEntry
from assistant.knowledge.preconditions import (
    Applies,
    Precondition,
    RuledOut,
    Unknown,
    check,
    settling_question,
)
from assistant.schema import (
    Component,
    Control,
    ControlKind,
    Effect,
    EntryKind,
    EntryPoint,
    Evidence,
    EvidenceKind,
    Layer,
    SystemModel,
)
from assistant.system_file.model import KIND_LAYERS
from tests.test_catalogue import _broken

ROOT = Path(__file__).resolve().parent.parent


def said(words: str) -> Evidence:
    return Evidence(kind=EvidenceKind.QUOTE, quote=words, start=0, end=len(words))


def agent(id_: str = "agent") -> Component:
    return Component(id=id_, name=id_, kind="agent", layers=[Layer.L3])


def tool(id_: str, effect: Effect | None = None, kind: str = "tool") -> Component:
    return Component(id=id_, name=id_, kind=kind, layers=[Layer.L3], effect=effect)


def model(
    capabilities: dict[str, bool] | None = None,
    components: list[Component] | None = None,
    **facts: Any,
) -> SystemModel:
    caps = capabilities or {}
    return SystemModel(
        components=components if components is not None else [agent()],
        capabilities=caps,
        capability_evidence={c: [said(f"about {c}")] for c in caps},
        **facts,
    )


def run(catalogue: Catalogue, threat_id: str, system: SystemModel) -> Precondition:
    threat = catalogue.threat(threat_id)
    assert threat is not None
    return check(threat, system, catalogue)


# --- requires ---------------------------------------------------------------------------------


def test_a_required_capability_present_applies_with_its_evidence(catalogue: Catalogue) -> None:
    result = run(catalogue, "T1", model({"memory": True}))
    assert isinstance(result, Applies)
    assert result.facts[0].statement == "capability memory is true"
    assert result.facts[0].evidence[0].quote == "about memory"


def test_a_required_capability_stated_absent_rules_out_with_the_fact(
    catalogue: Catalogue,
) -> None:
    result = run(catalogue, "T1", model({"memory": False}))
    assert isinstance(result, RuledOut)
    assert result.need == "memory"
    assert result.fact.cited() == 'capability memory is false ("about memory")'


def test_a_required_capability_unsaid_is_unknown_with_its_question(catalogue: Catalogue) -> None:
    result = run(catalogue, "T1", model({"tools": True}))
    assert isinstance(result, Unknown)
    assert result.open == ("memory",)
    assert result.question_id == "Q-ASSETS-6"
    assert result.question.startswith("What does each agent keep in memory")


def test_a_threat_without_preconditions_always_applies(catalogue: Catalogue) -> None:
    assert run(catalogue, "T6", model({"memory": False, "tools": False})) == Applies("T6")


# --- requires_any -----------------------------------------------------------------------------


def test_one_alternative_present_is_enough(catalogue: Catalogue) -> None:
    result = run(catalogue, "T3", model({"tools": False, "authentication": True}))
    assert isinstance(result, Applies)


def test_every_alternative_stated_absent_rules_out(catalogue: Catalogue) -> None:
    caps = {"tools": False, "code-execution": False, "authentication": False}
    result = run(catalogue, "T3", model(caps))
    assert isinstance(result, RuledOut)
    assert result.need == "tools or code-execution or authentication"
    assert len(result.facts) == 3


def test_some_alternatives_absent_and_the_rest_unsaid_is_unknown(catalogue: Catalogue) -> None:
    result = run(catalogue, "T3", model({"tools": False, "code-execution": False}))
    assert isinstance(result, Unknown)
    assert result.open == ("authentication",)
    assert [f.statement for f in result.absent] == [
        "capability tools is false",
        "capability code-execution is false",
    ]


# --- shown_by: components, effects, entry points, controls -----------------------------------


def test_a_component_of_the_kind_shows_an_unsaid_capability(catalogue: Catalogue) -> None:
    system = model(components=[agent(), tool("lookup", Effect.READS_DATA)])
    result = run(catalogue, "T2", system)
    assert isinstance(result, Applies)
    assert "lookup" in result.facts[0].statement


def test_a_component_of_another_kind_shows_nothing(catalogue: Catalogue) -> None:
    system = model(components=[agent(), tool("store", kind="vector-store")])
    assert isinstance(run(catalogue, "T2", system), Unknown)


def test_a_tool_that_executes_code_shows_code_execution(catalogue: Catalogue) -> None:
    system = model(components=[agent(), tool("shell", Effect.EXECUTES_CODE)])
    assert isinstance(run(catalogue, "T11", system), Applies)


def test_a_tool_with_another_effect_does_not_show_code_execution(catalogue: Catalogue) -> None:
    system = model(components=[agent(), tool("crm", Effect.WRITES_DATA)])
    result = run(catalogue, "T11", system)
    assert isinstance(result, Unknown)
    assert result.question_id == "Q-ARCHITECTURE-6"


def test_two_agents_show_a_multi_agent_system(catalogue: Catalogue) -> None:
    system = model(components=[agent("intake"), agent("payment")])
    for threat_id in ("T12", "T13", "T14"):
        assert isinstance(run(catalogue, threat_id, system), Applies)


def test_one_agent_does_not(catalogue: Catalogue) -> None:
    result = run(catalogue, "T12", model(components=[agent("intake")]))
    assert isinstance(result, Unknown)
    assert result.question_id == "Q-TRIAGE-5"


def test_an_untrusted_entry_point_of_the_kind_shows_the_capability(catalogue: Catalogue) -> None:
    peers = EntryPoint(id="peers", name="partner agents", kind=EntryKind.OTHER_AGENTS)
    assert isinstance(run(catalogue, "T12", model(entry_points=[peers])), Applies)


def test_a_trusted_entry_point_or_another_kind_does_not(catalogue: Catalogue) -> None:
    trusted = EntryPoint(
        id="peers", name="our agents", kind=EntryKind.OTHER_AGENTS, untrusted=False
    )
    web = EntryPoint(id="web", name="web pages", kind=EntryKind.WEB_CONTENT)
    assert isinstance(run(catalogue, "T12", model(entry_points=[trusted, web])), Unknown)


def test_a_human_approval_control_shows_a_human_in_the_loop(catalogue: Catalogue) -> None:
    approval = Control(id="a", kind=ControlKind.HUMAN_APPROVAL, evidence=[said("a lead approves")])
    result = run(catalogue, "T10", model(controls=[approval]))
    assert isinstance(result, Applies)
    assert result.facts[0].evidence[0].quote == "a lead approves"


def test_a_human_approval_stated_absent_does_not(catalogue: Catalogue) -> None:
    automatic = Control(id="a", kind=ControlKind.HUMAN_APPROVAL, present=False)
    assert isinstance(run(catalogue, "T10", model(controls=[automatic])), Unknown)


def test_a_stated_capability_beats_the_signs(catalogue: Catalogue) -> None:
    # "It cannot call any tools", yet an "external API" noun was read as a component.
    system = model({"tools": False}, [agent(), tool("sharepoint", kind="external-api")])
    assert isinstance(run(catalogue, "T2", system), RuledOut)


# --- possible_with ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "part",
    [tool("tools"), tool("community plugins", kind="plugin"), tool("git", kind="mcp-server")],
)
def test_a_tool_that_might_run_code_points_to_t11_while_code_execution_is_unsaid(
    catalogue: Catalogue, part: Component
) -> None:
    # A tool whose effect is not stated, or code the team loads, might run what the agent writes.
    result = run(catalogue, "T11", model({"tools": True}, [agent(), part]))
    assert isinstance(result, Unknown)
    assert result.question_id == "Q-ARCHITECTURE-6"
    assert [f.statement.split(":")[0] for f in result.facts] == [part.id]


def test_tools_with_stated_effects_do_not_point_to_t11(catalogue: Catalogue) -> None:
    # Near miss: a refund API and a mail sender do not run code; nothing points to RCE.
    typed = [agent(), tool("refund", Effect.MOVES_MONEY), tool("mail", Effect.SENDS_MESSAGES)]
    result = run(catalogue, "T11", model({"tools": True}, typed))
    assert isinstance(result, Unknown)
    assert not result.facts


def test_no_code_execution_rules_t11_out_even_with_tools(catalogue: Catalogue) -> None:
    # "It cannot run code" is the user's word: tools do not reopen it.
    result = run(catalogue, "T11", model({"code-execution": False, "tools": True}))
    assert isinstance(result, RuledOut)


@pytest.mark.parametrize("tools", [False, None])
def test_no_code_execution_and_no_tools_rules_t11_out(
    catalogue: Catalogue, tools: bool | None
) -> None:
    caps = {"code-execution": False} | ({} if tools is None else {"tools": tools})
    result = run(catalogue, "T11", model(caps))
    assert isinstance(result, RuledOut)
    assert result.need == "code-execution"


# --- absent_controls --------------------------------------------------------------------------


def sandbox(**fields: Any) -> Control:
    return Control(id="box", kind=ControlKind.SANDBOX, evidence=[said("all in gVisor")], **fields)


ISOLATION = "MAS-INSUFFICIENT-ACTION-ISOLATION"


def test_a_sandbox_over_the_whole_system_defeats_missing_isolation(catalogue: Catalogue) -> None:
    result = run(catalogue, ISOLATION, model({"tools": True}, controls=[sandbox()]))
    assert isinstance(result, RuledOut)
    assert result.need == "no sandbox"
    assert result.fact.cited() == (
        'control box (sandbox) is present over the whole system ("all in gVisor")'
    )


def test_sandboxes_that_together_cover_every_acting_component_defeat_it(
    catalogue: Catalogue,
) -> None:
    parts = [agent(), tool("shell", Effect.EXECUTES_CODE)]
    controls = [
        sandbox(applies_to=["agent"]),
        Control(id="box2", kind=ControlKind.SANDBOX, applies_to=["shell"]),
    ]
    assert isinstance(
        run(catalogue, ISOLATION, model({"tools": True}, parts, controls=controls)), RuledOut
    )


@pytest.mark.parametrize(
    "control",
    [
        sandbox(scope="only the code interpreter"),
        sandbox(applies_to=["shell"]),
        sandbox(present=False),
        Control(id="log", kind=ControlKind.AUDIT_LOGGING),
    ],
    ids=["scoped", "partial", "stated-absent", "another-kind"],
)
def test_a_partial_sandbox_does_not(catalogue: Catalogue, control: Control) -> None:
    parts = [agent(), tool("shell", Effect.EXECUTES_CODE)]
    result = run(catalogue, ISOLATION, model({"tools": True}, parts, controls=[control]))
    assert isinstance(result, Applies)


def test_approval_of_every_action_rules_out_a_runaway_agent(catalogue: Catalogue) -> None:
    approval = Control(id="each", kind=ControlKind.HUMAN_APPROVAL)
    result = run(catalogue, "MAS-RUNAWAY-AGENT", model({"tools": True}, controls=[approval]))
    assert isinstance(result, RuledOut)
    refunds = approval.model_copy(update={"scope": "refunds above $200"})
    parts = [agent(), tool("refund", Effect.MOVES_MONEY)]
    assert isinstance(
        run(catalogue, "MAS-RUNAWAY-AGENT", model({"tools": True}, parts, controls=[refunds])),
        Applies,
    )


# --- requires_signs ---------------------------------------------------------------------------


def test_a_threat_that_lives_in_a_part_applies_when_the_part_is_described(
    catalogue: Catalogue,
) -> None:
    parts = [agent(), tool("refund", Effect.MOVES_MONEY)]
    result = run(catalogue, "MAS-RUNAWAY-AGENT", model({"tools": True}, parts))
    assert isinstance(result, Applies)
    assert any("refund" in f.statement for f in result.facts)


def test_without_the_part_it_is_open_with_a_question_never_ruled_out(
    catalogue: Catalogue,
) -> None:
    parts = [agent(), tool("lookup", Effect.READS_DATA)]
    result = run(catalogue, "MAS-RUNAWAY-AGENT", model({"tools": True}, parts))
    assert isinstance(result, Unknown)
    assert "moves-money" in result.open[0]
    assert result.question.startswith("Does the system have ") and result.question.endswith("?")


def test_a_control_stated_present_is_a_sign_one_stated_absent_is_not(
    catalogue: Catalogue,
) -> None:
    threat = "MAS-SELECTIVE-LOG-MANIPULATION"
    audit = Control(id="audit", kind=ControlKind.AUDIT_LOGGING, evidence=[said("all logged")])
    assert isinstance(run(catalogue, threat, model(controls=[audit])), Applies)
    absent = audit.model_copy(update={"present": False})
    assert isinstance(run(catalogue, threat, model(controls=[absent])), Unknown)


# --- questions --------------------------------------------------------------------------------


def test_the_question_that_asks_about_the_capability_alone_is_preferred(
    catalogue: Catalogue,
) -> None:
    # Q-ARCHITECTURE-7 (MCP) settles tools too, but Q-ARCHITECTURE-5 asks about tools alone.
    assert settling_question("tools", catalogue)[0] == "Q-ARCHITECTURE-5"
    assert settling_question("mcp", catalogue)[0] == "Q-ARCHITECTURE-7"


def test_a_capability_no_question_asks_about_gets_one_from_its_meaning(
    catalogue: Catalogue,
) -> None:
    qid, question = settling_question("planning", catalogue)
    assert qid == ""
    assert question.startswith("Is this so here: the agent decides its own steps")
    assert question.endswith("?")


# --- the catalogue states its preconditions --------------------------------------------------


def test_the_examples_state_what_they_need(catalogue: Catalogue) -> None:
    def needs(threat_id: str) -> set[str]:
        threat = catalogue.threat(threat_id)
        assert threat is not None
        return {*threat.requires, *threat.requires_any}

    assert needs("T11") == {"code-execution"}
    assert needs("T2") == {"tools"}
    assert needs("T10") == {"human-in-loop"}
    assert all(needs(t) == {"multi-agent"} for t in ("T12", "T13", "T14"))


def test_every_sign_names_a_known_component_kind(catalogue: Catalogue) -> None:
    kinds = {
        k
        for t in catalogue.of_type(ThreatEntry)
        for signs in [
            *t.shown_by.values(),
            *([t.requires_signs] if t.requires_signs else []),
            *([t.specific_when] if t.specific_when else []),
            *([t.possible_via] if t.possible_via else []),
        ]
        for need in signs.components
        for k in need.kinds
    }
    assert kinds and kinds <= set(KIND_LAYERS)


def test_a_sign_for_a_capability_the_threat_does_not_need_is_refused(tmp_path: Path) -> None:
    problems = _broken(
        tmp_path,
        "threats/core.yaml",
        "      memory: {components: [{kinds: [memory, shared-memory]}]}\n",
        "      rag: {components: [{kinds: [vector-store]}]}\n",
    )
    assert any("entry T1: shown_by: rag is not a capability" in p for p in problems)


def test_specific_when_names_known_capabilities_and_only_it_takes_them(tmp_path: Path) -> None:
    problems = _broken(
        tmp_path,
        "threats/core.yaml",
        "      capabilities: [plugins, mcp, self-hosted-model, fine-tuning]\n",
        "      capabilities: [plugins, mcp, self-hosted-modle, fine-tuning]\n",
    )
    assert any(
        "entry T17: specific_when: unknown capability self-hosted-modle" in p for p in problems
    )
    problems = _broken(
        tmp_path / "second",
        "threats/core.yaml",
        "      memory: {components: [{kinds: [memory, shared-memory]}]}\n",
        "      memory: {capabilities: [rag]}\n",
    )
    assert any("capabilities as signs belong in specific_when only" in p for p in problems)


def test_possible_with_needs_requires_any(tmp_path: Path) -> None:
    problems = _broken(
        tmp_path,
        "threats/core.yaml",
        "    requires: [memory]\n",
        "    requires: [memory]\n    possible_with: [rag]\n",
    )
    assert any("entry T1: possible_with keeps requires_any open" in p for p in problems)


def test_a_component_need_must_name_something(tmp_path: Path) -> None:
    problems = _broken(
        tmp_path, "threats/core.yaml", "{kinds: [memory, shared-memory]}", "{count: 2}"
    )
    assert any("a component need names kinds, effects or both" in p for p in problems)


# --- one check, everywhere --------------------------------------------------------------------


def test_every_part_asks_the_same_check() -> None:
    # The rules engine, the validator, coverage and the model-backed engines use this check;
    # no one else reads a threat's preconditions (they were once evaluated twice, differently).
    from assistant.knowledge import preconditions

    for module in (
        assistant.engine.rules,
        assistant.validator.findings,
        assistant.engine.coverage,
        assistant.engine.llm_proposal,
    ):
        assert module.check is preconditions.check
    readers = {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "assistant").rglob("*.py")
        if any(
            f".{field}" in path.read_text(encoding="utf-8")
            for field in ("requires_any", "possible_with", "absent_controls")
        )
    }
    assert readers == {"assistant/knowledge/preconditions.py", "assistant/knowledge/loader.py"}


def test_an_action_a_person_approves_is_no_sign_of_a_runaway_agent(catalogue: Catalogue) -> None:
    parts = [agent(), tool("send", Effect.SENDS_MESSAGES)]
    held = Control(id="nurse", kind=ControlKind.HUMAN_APPROVAL, applies_to=["send"])
    assert isinstance(
        run(catalogue, "MAS-RUNAWAY-AGENT", model({"tools": True}, parts, controls=[held])),
        Unknown,
    )
    # A case of it that runs unattended keeps it a sign.
    freed = Control(id="small", kind=ControlKind.HUMAN_APPROVAL, present=False, applies_to=["send"])
    assert isinstance(
        run(catalogue, "MAS-RUNAWAY-AGENT", model({"tools": True}, parts, controls=[held, freed])),
        Applies,
    )
