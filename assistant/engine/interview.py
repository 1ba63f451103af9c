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

from assistant.engine.extract import extract_answer, slug
from assistant.knowledge.catalogue import Catalogue
from assistant.knowledge.model import DecisionStepEntry, LayerEntry, QuestionEntry
from assistant.schema import (
    Control,
    ControlKind,
    Effect,
    EntryKind,
    Evidence,
    EvidenceKind,
    Layer,
    SystemDelta,
    SystemModel,
)

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
    approves: str = ""
    """For an approval question: the id of the tool whose approval a yes or no settles."""


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
        """The most valuable question not yet asked and not already settled, or None.

        The gaps that change the most findings come first (see `gaps`), then the catalogue's
        bank in its order.
        """
        for question in gaps(system) + self.bank():
            if question.id in self.asked or _settled(question, system):
                continue
            return question
        return None

    def lookup(self, question_id: str, system: SystemModel) -> Question | None:
        """The question with this id, from the bank or from the system's gaps."""
        return next((q for q in gaps(system) + self.bank() if q.id == question_id), None)

    def answer(self, question: Question, text: str) -> SystemDelta:
        """What an answer to `question` tells us (also reads any detail it mentions)."""
        self.asked.append(question.id)
        delta = extract_answer(text, question.id)
        caps = dict(delta.capabilities)
        cited = Evidence(
            kind=EvidenceKind.ANSWER, question_id=question.id, quote=" ".join(text.split())[:160]
        )
        if _SKIP.match(text):
            return delta.model_copy(
                update={
                    "unknowns": [question.text],
                    "assumptions": [f"Not answered: {question.text}"],
                }
            )
        evidence = dict(delta.capability_evidence)
        controls = list(delta.controls)
        settled: bool | None = None
        if _YES.match(text):
            settled = True
        elif _NO.match(text):
            settled = False
        if settled is not None:
            for c in question.capabilities:
                if settled is False or caps.get(c) is not False:
                    caps[c] = settled
                    evidence[c] = [cited]
            if question.approves:
                controls.append(
                    Control(
                        id=f"approval-{question.approves}",
                        kind=ControlKind.HUMAN_APPROVAL,
                        present=settled,
                        applies_to=[question.approves],
                        scope=cited.quote,
                        evidence=[cited],
                    )
                )
        return delta.model_copy(
            update={
                "capabilities": caps,
                "capability_evidence": evidence,
                "controls": controls,
                "resolved": [question.text],
            }
        )


def _from_entry(q: QuestionEntry) -> Question:
    return Question(q.id, q.question, q.why, tuple(q.capabilities), tuple(q.layers))


# Effects whose misuse is hard to undo: approval on these changes the most findings (T2, T3,
# T10, T11 and the rating of every finding that acts through the tool).
_SIDE_EFFECTS = {
    Effect.ACTUATES,
    Effect.MOVES_MONEY,
    Effect.EXECUTES_CODE,
    Effect.CHANGES_ACCESS,
    Effect.SENDS_MESSAGES,
    Effect.WRITES_DATA,
}
_UNTRUSTED_INBOUND = set(EntryKind) - {EntryKind.INTERNAL_USERS}


def gaps(system: SystemModel) -> list[Question]:
    """Questions about the unknowns that would change the most findings, most telling first.

    1. Human approval for each side-effecting tool whose approval is unknown.
    2. Code execution, when the agent has tools and nobody said whether it runs code.
    3. Untrusted inbound content, when no entry point for outside content is known.
    4. Whose identity the agent acts with, when it has tools and authentication is unknown.
    """
    found: list[Question] = []
    tools = [c for c in system.components if c.effect in _SIDE_EFFECTS]
    for tool in sorted(tools, key=lambda c: list(Effect).index(c.effect or Effect.READS_DATA)):
        if system.approval(tool.id) is None:
            found.append(
                Question(
                    f"Q-APPROVAL-{slug(tool.id)}",
                    f"Does a person approve before the agent uses {tool.name}? If so, who, "
                    "and for which cases?",
                    "Approval on an action that "
                    f"{(tool.effect or Effect.WRITES_DATA).value.replace('-', ' ')} decides "
                    "how far a manipulated agent can go (T2, T3, T10) and the risk of each finding.",
                    ("human-in-loop",),
                    (Layer.L3,),
                    approves=tool.id,
                )
            )
    has_tools = system.capabilities.get("tools") is True
    if has_tools:
        found.append(
            Question(
                "Q-GAP-CODE",
                "Can the agent write and run code, scripts or shell commands, even in a sandbox?",
                "Decides Unexpected RCE and Code Attacks (T11).",
                ("code-execution",),
                (Layer.L3,),
            )
        )
    if not any(e.kind in _UNTRUSTED_INBOUND for e in system.entry_points):
        found.append(
            Question(
                "Q-GAP-INBOUND",
                "Can content from outside your organisation reach the agent: e-mails, messages, "
                "web pages, uploaded files, or documents that others can edit?",
                "Untrusted content is how prompt injection and memory poisoning get in (T1, T6).",
                ("external-facing",),
                (Layer.L1, Layer.L3),
            )
        )
    if has_tools:
        found.append(
            Question(
                "Q-GAP-IDENTITY",
                "When the agent calls its tools, whose identity and permissions does it use: its "
                "own service account, or the user's?",
                "Decides Privilege Compromise and Identity Spoofing (T3, T9).",
                ("authentication",),
                (Layer.L6,),
            )
        )
    return found


def _settled(question: Question, system: SystemModel) -> bool:
    """A capability question is settled when every capability it asks about is known."""
    if question.approves:
        return system.approval(question.approves) is not None
    if question.capabilities:
        return all(c in system.capabilities for c in question.capabilities)
    if question.layers and len(question.layers) == 1:
        # Layer questions are worth asking only while the layer is still undescribed.
        return question.layers[0] in system.layers_present()
    return False
