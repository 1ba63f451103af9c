from assistant.engine.analyze import system_from_description
from assistant.engine.interview import Interview
from assistant.knowledge import Catalogue
from assistant.schema import EntryKind, EntryPoint, SystemModel


def test_with_no_gap_open_the_first_questions_are_depth_triage(catalogue: Catalogue) -> None:
    system = SystemModel(
        entry_points=[EntryPoint(id="e", name="customers", kind=EntryKind.PUBLIC_USERS)]
    )
    question = Interview(catalogue).next_question(system)
    assert question is not None and question.id.startswith("Q-TRIAGE")


def test_approval_on_a_side_effecting_tool_is_asked_first(catalogue: Catalogue) -> None:
    system = system_from_description(
        "Customers chat with the agent. It can issue refunds through Stripe and it looks up orders."
    )
    question = Interview(catalogue).next_question(system)
    assert question is not None and question.approves.startswith("issue-refunds")
    assert "refunds" in question.text


def test_a_yes_to_an_approval_question_records_the_control_with_the_answer(
    catalogue: Catalogue,
) -> None:
    system = system_from_description("The agent can issue refunds through Stripe.")
    interview = Interview(catalogue)
    question = interview.next_question(system)
    assert question is not None and question.approves
    after = system.apply(interview.answer(question, "yes, a team lead approves each one"))
    assert after.approval(question.approves) is True
    [control] = [c for c in after.controls if c.applies_to == [question.approves]]
    assert control.evidence[0].kind.value == "answer"
    assert control.evidence[0].question_id == question.id


def test_a_read_only_tool_raises_no_approval_question(catalogue: Catalogue) -> None:
    system = system_from_description(
        "Customers chat with the agent. It looks up orders in Shopify."
    )
    question = Interview(catalogue).next_question(system)
    assert question is None or not question.approves


def test_never_asks_what_the_user_already_said(catalogue: Catalogue) -> None:
    system = system_from_description(
        "A single agent that keeps no memory, calls the Jira API, has no human review and is internal only."
    )
    interview = Interview(catalogue)
    asked = []
    for _ in range(25):
        question = interview.next_question(system)
        if question is None:
            break
        asked.append(question)
        system = system.apply(interview.answer(question, "skip"))
    settled = {"memory", "tools", "multi-agent", "human-in-loop", "external-facing"}
    assert not [q.id for q in asked if q.capabilities and set(q.capabilities) <= settled]


def test_yes_and_no_settle_capabilities(catalogue: Catalogue) -> None:
    interview = Interview(catalogue)
    step = next(q for q in interview.bank() if q.id == "DP-2")
    assert (
        interview.answer(step, "Yes, it remembers user preferences.").capabilities["memory"] is True
    )
    assert interview.answer(step, "No.").capabilities["memory"] is False


def test_skip_and_dont_know_become_unknowns_and_assumptions(catalogue: Catalogue) -> None:
    interview = Interview(catalogue)
    step = next(q for q in interview.bank() if q.id == "DP-6")
    for answer in ("skip", "I don't know", "not sure"):
        delta = interview.answer(step, answer)
        assert delta.unknowns == [step.text]
        assert delta.assumptions and "multi-agent" not in delta.capabilities


def test_answers_are_not_asked_again(catalogue: Catalogue) -> None:
    interview = Interview(catalogue)
    system = SystemModel()
    first = interview.next_question(system)
    assert first is not None
    system = system.apply(interview.answer(first, "skip"))
    assert interview.next_question(system) != first
