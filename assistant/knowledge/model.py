"""The catalogue's data model: one pydantic class per entry kind.

The file format is documented in docs/CATALOGUE.md; these classes are its enforcement. Unknown
keys are errors, so a typo in `knowledge/` is caught by `maestro-tm catalogue check`, not
silently ignored.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from assistant.schema import ControlKind, Effect, EntryKind, Layer

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
"""Non-empty text (whitespace alone does not count)."""


class Strict(BaseModel):
    """Base for catalogue models: frozen, unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(Strict):
    """A source document in the registry of `catalogue.yaml`."""

    title: Text
    publisher: Text
    version: Text
    url: Text
    licence: Text


class SourceRef(Strict):
    """Where in a source document an entry comes from."""

    doc: Text
    section: Text


class ThreatFamily(StrEnum):
    """Which part of the source material a threat comes from."""

    CORE = "core"
    MAS_EXTENDED = "mas-extended"
    MAS_SCENARIO = "mas-scenario"
    CSA_LAYER = "csa-layer"
    CROSS_LAYER = "cross-layer"
    BLINDSPOT = "blindspot"


class Entry(Strict):
    """Fields every catalogue entry has."""

    id: Text
    kind: str
    name: Text
    summary: Text
    layers: list[Layer]
    aliases: list[Text] = []
    sources: list[SourceRef] = Field(min_length=1)
    notes: str = ""
    related: list[Text] = []


class LayerEntry(Entry):
    """A MAESTRO layer (or Cross-Layer)."""

    kind: Literal["layer"]
    number: int = Field(ge=0, le=7)
    covers: Text
    components: list[Text] = Field(min_length=1)
    questions: list[Text] = Field(min_length=1)
    vertical: bool = False


class Occurrence(Strict):
    """One printed occurrence of a MAS-guide extended threat id."""

    example: Literal["RPA", "ELIZAOS", "MCP"]
    printed_id: Text
    printed_name: Text
    layer: Layer
    section: Text

    @property
    def alias(self) -> str:
        """The alias this occurrence is reached by, e.g. `MAS-RPA:T16`."""
        return f"MAS-{self.example}:{self.printed_id}"


class ComponentNeed(Strict):
    """Components that show a capability: `count` or more of one of `kinds` or `effects`."""

    kinds: list[Text] = []
    """Component kinds that match, e.g. `code-runner` (as in the system model's `kind`)."""
    effects: list[Effect] = []
    """Tool effects that match, e.g. `executes-code`."""
    count: int = Field(default=1, ge=1)
    """How many matching components are needed (2 agents make a multi-agent system)."""
    untyped: bool = False
    """Only components of `kinds` whose effect is not known (a generic "tools", an integration),
    not one whose effect the description states (a refund tool, a mail sender) nor a named
    service's API (the agent sends it requests; it does not run what the agent writes)."""

    @model_validator(mode="after")
    def _says_something(self) -> ComponentNeed:
        if not self.kinds and not self.effects:
            raise ValueError("a component need names kinds, effects or both")
        return self

    def label(self) -> str:
        """How the need reads in a message, e.g. `2 components of kind agent`."""
        what = " or ".join(
            ([f"of kind {_either(self.kinds)}"] if self.kinds else [])
            + ([f"with effect {_either(e.value for e in self.effects)}"] if self.effects else [])
        )
        what += " whose effect is not stated (not a service's API)" if self.untyped else ""
        return f"{self.count} components {what}" if self.count > 1 else f"a component {what}"


class Signs(Strict):
    """Facts of a system model that show a capability its flags leave unsaid.

    Any one of them is enough: a matching component, an untrusted entry point of one of the
    kinds, or a control of one of the kinds stated present.
    """

    components: list[ComponentNeed] = []
    """Components that show it, e.g. a tool whose effect is `executes-code`."""
    entry_points: list[EntryKind] = []
    """Kinds of untrusted entry point that show it, e.g. `other-agents` for multi-agent."""
    controls: list[ControlKind] = []
    """Kinds of control that show it when stated present, e.g. `human-approval`."""
    capabilities: list[Text] = []
    """Capabilities that show it when stated present, e.g. `self-hosted-model` (only in
    `specific_when`: a capability cannot show another one)."""

    def label(self) -> str:
        """The signs in words, e.g. `2 components of kind agent, or an other-agents entry`."""
        return ", or ".join(
            [n.label() for n in self.components]
            + [f"an untrusted entry point of kind {k.value}" for k in self.entry_points]
            + [f"a control of kind {k.value}" for k in self.controls]
            + [f"the capability {c}" for c in self.capabilities]
        )


def _either(words: Iterable[str]) -> str:
    """`a`, `a or b`, `a, b or c`."""
    items = list(words)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


class ThreatEntry(Entry):
    """A threat that findings can cite.

    Its preconditions say what must hold in a system for it to apply (docs/CATALOGUE.md,
    "Preconditions"); `assistant.knowledge.preconditions` evaluates them against a system model.
    """

    kind: Literal["threat"]
    family: ThreatFamily
    description: str = ""
    requires: list[Text] = []
    """Capabilities that must all be present."""
    requires_any: list[Text] = []
    """Capabilities of which at least one must be present."""
    shown_by: dict[Text, Signs] = {}
    """For a capability of `requires` or `requires_any`: the components, entry points or
    controls that show it present when the system model's capability flags leave it unsaid (a
    tool that executes code shows code execution). A capability stated absent stays absent."""
    requires_signs: Signs | None = None
    """Facts of which at least one must be in the system model, for a threat that lives in a
    particular part rather than a capability (a log store to tamper with, a tool that moves
    money to repeat). None of them described leaves the threat open (`Unknown`), never ruled
    out: a system model records what was said, not a complete inventory."""
    possible_with: list[Text] = []
    """Capabilities through which the threat may apply without a `requires_any` capability:
    present, they keep it open (a question for the user) when every `requires_any` capability
    is stated absent, and point to it when they are unsaid (T11: an agent that runs no code of
    its own may hand what it writes to a tool)."""
    possible_via: Signs | None = None
    """The facts through which a present `possible_with` capability points to the threat while
    `requires_any` is unsaid; without it, the capability flag itself is that fact (T11: a tool
    whose effect is not stated, a plugin or an MCP server might run what the agent writes; a
    refund API does not)."""
    absent_controls: list[ControlKind] = []
    """Controls whose presence defeats the threat: a control of one of these kinds, stated
    present without a limiting scope over every acting component, rules the threat out."""
    factors: list[Text] = []
    baseline: bool = False
    """A hygiene threat every LLM system faces whatever its facts (model inconsistency, generic
    logging): reported once per layer as a baseline control, never as a finding."""
    specific_when: Signs | None = None
    """Facts that make a threat particular to one system. Without any of them it is hygiene
    that every system meeting its preconditions faces the same way (resource exhaustion with
    no outsider to drive load; dependency risk with no plugin, MCP server or self-hosted
    model), so it is listed as a baseline control at its home layer, not drafted as a finding;
    with one, it is a finding placed where that fact lives."""
    decision_step: Text | None = None
    mitigations: list[Text] = []
    asi_top10: list[Text] = []
    llm_top10: list[Text] = []
    stride: list[
        Literal[
            "Spoofing",
            "Tampering",
            "Repudiation",
            "Information Disclosure",
            "Denial of Service",
            "Elevation of Privilege",
        ]
    ] = []
    cwe: list[Annotated[str, StringConstraints(pattern=r"^CWE-\d+$")]] = []
    scenarios: list[Text] = []
    facets: list[Text] = []
    """The threat in a practitioner's words, one sentence each: its everyday names, how the
    attack plays out, what it costs. Indexed for search only; written from this entry's own
    summary, description and scenarios."""
    occurrences: list[Occurrence] = []


class ChainEntry(Entry):
    """A cross-layer pattern: threats chained across two or more layers."""

    kind: Literal["chain"]
    chain_layers: list[Layer] = Field(min_length=2)
    threats: list[Text] = []
    requires: list[Text] = []
    """Capabilities the pattern is about, all stated present: a chain named for retrieval is
    not told of a system that says it has none, whatever its links share with it."""
    factors: list[Text] = []
    mitigations: list[Text] = []


class MitigationEntry(Entry):
    """A control from the mitigation catalogue."""

    kind: Literal["mitigation"]
    type: Literal["preventive", "detective", "corrective", "deterrent"]
    threats: list[Text] = []
    facets: list[Text] = []
    """The control in a practitioner's words, as for threats; indexed for search only."""


class FactorEntry(Entry):
    """An agentic factor that amplifies risk."""

    kind: Literal["factor"]
    question: Text
    amplifies: Text


class DecisionStepEntry(Entry):
    """A step of the T&M v1.1 decision path."""

    kind: Literal["decision-step"]
    step: int = Field(ge=1, le=6)
    question: Text
    threats: list[Text] = Field(min_length=1)
    playbook: Text


class PlaybookEntry(Entry):
    """One of the T&M v1.1 mitigation playbooks."""

    kind: Literal["playbook"]
    number: int = Field(ge=1, le=6)
    threats: list[Text] = Field(min_length=1)
    decision_step: Text | None = None


class AsiEntry(Entry):
    """An item of the OWASP Top 10 for Agentic Applications 2026."""

    kind: Literal["asi-top10"]
    threats: list[Text] = []
    llm_top10: list[Text] = []


class LlmTopTenEntry(Entry):
    """An item of the OWASP Top 10 for LLM Applications 2025."""

    kind: Literal["llm-top10"]
    threats: list[Text] = []


class QuestionEntry(Entry):
    """An interview question."""

    kind: Literal["question"]
    topic: Literal[
        "triage",
        "business",
        "architecture",
        "decision-path",
        "actors",
        "boundaries",
        "assets",
        "code",
    ]
    question: Text
    why: Text
    capabilities: list[Text] = []
    depth: Literal["full", "standard", "lightweight"] | None = None


CatalogueEntry = Annotated[
    LayerEntry
    | ThreatEntry
    | ChainEntry
    | MitigationEntry
    | FactorEntry
    | DecisionStepEntry
    | PlaybookEntry
    | AsiEntry
    | LlmTopTenEntry
    | QuestionEntry,
    Field(discriminator="kind"),
]
"""Any catalogue entry, told apart by its `kind`."""


class CatalogueHeader(Strict):
    """`catalogue.yaml`: release, source registry and capability vocabulary."""

    release: Text
    sources: dict[str, Source] = Field(min_length=1)
    capabilities: dict[str, Text] = Field(min_length=1)
