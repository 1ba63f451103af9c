"""The interview: which question to ask next, and what an answer tells us.

The question bank is the catalogue's: depth-triage questions, the T&M decision path, the
per-layer questions, then trust boundaries, assets and threat actors. A question is skipped when
the system model already settles it (the user said so in passing), so the assistant never asks
what it was told. "skip" and "don't know" are answers too: they become unknowns and
assumptions, never silent gaps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.engine.extract import extract
from assistant.knowledge.catalogue import Catalogue
from assistant.knowledge.model import DecisionStepEntry, LayerEntry, QuestionEntry
from assistant.schema import Layer, SystemDelta, SystemModel

# What a yes to each decision-path step establishes (the T&M steps, in the catalogue's words).
DECISION_CAPABILITY = {
    "DP-1": "planning",
    "DP-2": "memory",
    "DP-3": "tools",
    "DP-4": "authentication",
    "DP-5": "human-in-loop",
    "DP-6": "multi-agent",
}
TOPIC_ORDER = ("triage", "business", "boundaries", "assets", "actors", "architecture", "code")

_YES = re.compile(
    r"^\s*(yes|yeah|yep|yup|y|sure|correct|it does|they do|we do|absolutely|definitely|indeed)\b",
    re.I,
)
_NO = re.compile(
    r"^\s*(no|nope|n|never|none|not really|it doesn't|it does not|we don't|they don't)\b", re.I
)
_SKIP = re.compile(
    r"^\s*(?:i\s+|we\s+)?(skip|pass|next|don'?t know|do not know|not sure|unsure|no idea|unknown|n/?a|\?+|idk)\b",
    re.I,
)


@dataclass(frozen=True)
class Question:
    """One question to put to the user.

    Attributes:
        id: Catalogue id of the question (`Q-...`, `DP-n`) or `<layer>-Qn` for layer questions.
        text: The question.
        why: What the answer changes.
        capabilities: Capabilities a yes establishes (a no rules them out).
        layers: Layers it informs.
    """

    id: str
    text: str
    why: str = ""
    capabilities: tuple[str, ...] = ()
    layers: tuple[Layer, ...] = ()


@dataclass
class Interview:
    """The state of one interview: what was asked, what is still open."""

    catalogue: Catalogue
    asked: list[str] = field(default_factory=list)

    def bank(self) -> list[Question]:
        """Every question, in the order they are worth asking."""
        cat = self.catalogue
        questions = cat.of_type(QuestionEntry)
        ordered = [_from_entry(q) for q in questions if q.topic == "triage"]
        ordered += [
            Question(
                s.id, s.question, f"Decides {', '.join(s.threats)}.", (DECISION_CAPABILITY[s.id],)
            )
            for s in cat.of_type(DecisionStepEntry)
            if s.id in DECISION_CAPABILITY
        ]
        ordered += [
            _from_entry(q) for q in questions if q.topic == "architecture" and q.capabilities
        ]
        for layer in cat.of_type(LayerEntry):
            ordered += [
                Question(
                    f"{layer.id}-Q{n}",
                    text,
                    f"Settles {layer.name} ({layer.id}).",
                    (),
                    (Layer(layer.id),),
                )
                for n, text in enumerate(layer.questions[:2], start=1)
            ]
        for topic in TOPIC_ORDER[1:]:
            ordered += [
                _from_entry(q)
                for q in questions
                if q.topic == topic and not (topic == "architecture" and q.capabilities)
            ]
        return ordered

    def next_question(self, system: SystemModel) -> Question | None:
        """The most valuable question not yet asked and not already settled, or None."""
        for question in self.bank():
            if question.id in self.asked or _settled(question, system):
                continue
            return question
        return None

    def answer(self, question: Question, text: str) -> SystemDelta:
        """What an answer to `question` tells us (also reads any detail it mentions)."""
        self.asked.append(question.id)
        delta = extract(text)
        caps = dict(delta.capabilities)
        if _SKIP.match(text):
            return delta.model_copy(
                update={
                    "unknowns": [question.text],
                    "assumptions": [f"Not answered: {question.text}"],
                }
            )
        if _YES.match(text):
            caps.update({c: True for c in question.capabilities if caps.get(c) is not False})
        elif _NO.match(text):
            caps.update({c: False for c in question.capabilities})
        return delta.model_copy(update={"capabilities": caps, "resolved": [question.text]})


def _from_entry(q: QuestionEntry) -> Question:
    return Question(q.id, q.question, q.why, tuple(q.capabilities), tuple(q.layers))


def _settled(question: Question, system: SystemModel) -> bool:
    """A capability question is settled when every capability it asks about is known."""
    if question.capabilities:
        return all(c in system.capabilities for c in question.capabilities)
    if question.layers and len(question.layers) == 1:
        # Layer questions are worth asking only while the layer is still undescribed.
        return question.layers[0] in system.layers_present()
    return False


def layer_knowledge(system: SystemModel, catalogue: Catalogue) -> dict[Layer, str]:
    """What the interview knows per layer: unknown, partial, known or not-applicable.

    not-applicable: every catalogue threat at the layer needs something the user ruled out;
    unknown: nothing described there yet; partial: components described but a capability
    question about the layer is still open; known: described and nothing open.
    """
    from assistant.engine.coverage import coverage

    covered = coverage(system, [], catalogue)
    open_layers = {
        layer
        for q in Interview(catalogue).bank()
        if q.capabilities and not _settled(q, system)
        for layer in q.layers
    }
    present = system.layers_present()
    states: dict[Layer, str] = {}
    for layer in Layer:
        if layer == Layer.CL:
            continue
        if covered[layer].status.value == "not-applicable":
            states[layer] = "not-applicable"
        elif layer not in present:
            states[layer] = "unknown"
        else:
            states[layer] = "partial" if layer in open_layers else "known"
    return states
