from assistant.engine.analyze import system_from_description
from assistant.engine.interview import Interview
from assistant.knowledge import Catalogue
from assistant.schema import SystemModel


def test_first_questions_are_depth_triage(catalogue: Catalogue) -> None:
    interview = Interview(catalogue)
    question = interview.next_question(SystemModel())
    assert question is not None and question.id.startswith("Q-TRIAGE")


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


def test_layer_knowledge_tracks_what_was_described(catalogue: Catalogue) -> None:
    from assistant.engine.interview import layer_knowledge
    from assistant.schema import Layer

    empty = layer_knowledge(SystemModel(), catalogue)
    assert set(empty.values()) == {"unknown"}
    described = layer_knowledge(
        system_from_description("A GPT-4o agent reads a Pinecone index and logs to Datadog."),
        catalogue,
    )
    assert described[Layer.L2] in {"partial", "known"} and described[Layer.L5] in {
        "partial",
        "known",
    }
    assert described[Layer.L4] == "unknown"
