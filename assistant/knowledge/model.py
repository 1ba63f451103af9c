"""The catalogue's data model: one pydantic class per entry kind.

The file format is documented in docs/CATALOGUE.md; these classes are its enforcement. Unknown
keys are errors, so a typo in `knowledge/` is caught by `maestro-tm catalogue check`, not
silently ignored.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from assistant.schema import Layer

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


class ThreatEntry(Entry):
    """A threat that findings can cite."""

    kind: Literal["threat"]
    family: ThreatFamily
    description: str = ""
    requires: list[Text] = []
    requires_any: list[Text] = []
    factors: list[Text] = []
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
    occurrences: list[Occurrence] = []


class ChainEntry(Entry):
    """A cross-layer pattern: threats chained across two or more layers."""

    kind: Literal["chain"]
    chain_layers: list[Layer] = Field(min_length=2)
    threats: list[Text] = []
    factors: list[Text] = []
    mitigations: list[Text] = []


class MitigationEntry(Entry):
    """A control from the mitigation catalogue."""

    kind: Literal["mitigation"]
    type: Literal["preventive", "detective", "corrective", "deterrent"]
    threats: list[Text] = []


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
