"""The chat's own steps: read a description, put the interview's questions, analyse.

Each function handles one user line within a `Step` and ends it with a reply; the conversation
decides which one runs (see `Conversation.send`). They see the conversation only as a
`ChatSession`, so they can be read and tested without the journal and the threading around them.
"""

from __future__ import annotations

from assistant.engine.analyze import analyze, system_from_description
from assistant.engine.extract import shift_evidence
from assistant.engine.interview import Interview, Question
from assistant.engine.run import open_guidance
from assistant.schema import Layer, SystemModel
from assistant.session import text as say
from assistant.session.events import AnalysisRecorded, Event, InterviewChanged, SystemChanged
from assistant.session.models import LazyRetriever
from assistant.session.step import ChatSession, Step
from assistant.session.updates import FindingsAdded, Notice, Progress


def describe(chat: ChatSession, step: Step, text: str) -> None:
    """Read the first description (or more of it, before anything is understood)."""
    description = f"{chat.state.system.description}\n\n{text}".strip()
    step.progress("reading the description")
    system = system_from_description(description, chat.binding.extractor)
    note_dropped(chat, step)
    events: list[Event] = [SystemChanged(system=system)]
    if not (system.components or system.capabilities):
        reply = (
            "I could not pick out any parts of the system yet. Tell me about the agents, "
            "the models they use, their tools and data stores, and who can reach them."
        )
        step.reply(reply, events)
        return
    parts = [say.system_summary(system)]
    asked = list(chat.state.asked)
    question = Interview(chat.catalogue, asked=list(asked)).next_question(system)
    if question is None:
        _finish_interview(chat, step, events, parts, system)
        return
    events.append(InterviewChanged(asked=asked, pending=question.id))
    chat.guidance.want(f"{question.text} {question.why}", question.layers)
    parts += [
        "I have some questions to sharpen the analysis. Answer in your own words, `skip` if "
        "you don't know, or `/analyze` whenever you want the findings.",
        say.question_markdown(question, len(asked) + 1),
    ]
    step.reply("\n\n".join(parts), events)


def answer(chat: ChatSession, step: Step, text: str, question: Question) -> None:
    """Read the answer to the open question, then ask the next one or analyse."""
    before = chat.state.system
    interview = Interview(chat.catalogue, asked=list(chat.state.asked))
    delta = interview.answer(question, text)
    system = before.apply(delta)
    # The interview read the answer with the rules; a model extractor reads it too.
    extractor = chat.binding.extractor
    if extractor is not None and not delta.unknowns:
        step.progress("reading the answer")
        system = system.apply(extractor.extract(text, system, question.text, question.id))
        note_dropped(chat, step)
    events: list[Event] = []
    if system != before:
        events.append(SystemChanged(system=system))
    parts = [say.delta_summary(delta, before)]
    following = interview.next_question(system)
    events.append(
        InterviewChanged(asked=interview.asked, pending=following.id if following else None)
    )
    if following is None:
        _finish_interview(chat, step, events, parts, system)
        return
    chat.guidance.want(f"{following.text} {following.why}", following.layers)
    parts.append(say.question_markdown(following, len(interview.asked) + 1))
    step.reply("\n\n".join(parts), events)


def more_detail(chat: ChatSession, step: Step, text: str) -> None:
    """Read a message after the interview: it adds to the description."""
    step.progress("reading the message")
    before = chat.state.system
    # The message becomes part of the description, so its facts quote it where it stands.
    offset = len(before.description) + 2 if before.description else 0
    delta = shift_evidence(chat.binding.read(text, before), offset)
    note_dropped(chat, step)
    described = f"{before.description}\n\n{text}" if before.description else text
    system = before.apply(delta).model_copy(update={"description": described})
    events: list[Event] = [SystemChanged(system=system)] if system != before else []
    reply = say.delta_summary(delta, before) + " `/analyze` updates the findings."
    step.reply(reply, events)


def analyse_now(chat: ChatSession, step: Step) -> None:
    """Analyse the system as understood so far (`/analyze`, or "analyse now")."""
    if not chat.described():
        step.reply("Describe the system first: there is nothing to analyse yet.")
        return
    events, summary = analysis(chat, step, chat.state.system)
    pending = chat.pending()
    if pending is not None:
        summary += "\n\nTo refine it, answer the open question (then `/analyze` again):\n\n"
        summary += say.question_markdown(pending, len(chat.state.asked) + 1)
    step.reply(summary, events)


def _finish_interview(
    chat: ChatSession, step: Step, events: list[Event], parts: list[str], system: SystemModel
) -> None:
    parts.append("That was my last question, so here is the analysis.")
    record, summary = analysis(chat, step, system)
    parts.append(summary)
    step.reply("\n\n".join(parts), [*events, *record])


def note_dropped(chat: ChatSession, step: Step) -> None:
    """Say how many of the model's facts grounding dropped from the extraction just run."""
    dropped = chat.binding.dropped_facts()
    if dropped:
        step.emit(Notice(f"{dropped}.", "Unsupported facts dropped", "warning"))


def analysis(chat: ChatSession, step: Step, system: SystemModel) -> tuple[list[Event], str]:
    """Analyse `system`, showing findings layer by layer; the events to record and a summary."""
    b = chat.binding
    step.progress(f"analysing with the {b.engine.value} engine", 0.0)
    index = chat.guidance.retriever
    # The chat's own guidance index, when it has one, gives the passages rules findings cite.
    opening = (
        open_guidance(index.opened, step.progress) if isinstance(index, LazyRetriever) else None
    )
    model = analyze(
        system.description,
        chat.catalogue,
        engine=b.engine,
        proposer=b.proposer,
        system=system,
        model_name=b.model,
        guidance=opening,
        progress=step.progress,
    )
    model = chat.carried_over(model)
    stopped = getattr(b.proposer, "stopped", None)
    if stopped is not None:
        # The model stopped (budget, outage): what was validated is kept and shown.
        step.emit(Notice(say.stopped_early(stopped.message), "Partial analysis", "warning"))
    layers = [x for x in Layer if any(f.layer == x for f in model.findings)]
    for n, layer in enumerate(layers, start=1):
        step.check()
        batch = tuple(f for f in model.findings if f.layer == layer)
        step.emit(FindingsAdded(layer, batch))
        step.emit(Progress(f"validated {len(batch)} findings at {layer.value}", n / len(layers)))
    top = [f.title for f in model.findings if f.risk.value in ("critical", "high")][:3]
    chat.guidance.want(" ".join(top) or system.description[:300], ())
    return [AnalysisRecorded(threat_model=model)], say.analysis_summary(model, b.label)
