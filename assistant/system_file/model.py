"""The system-file format: a `SystemModel` as a team writes it by hand.

A system file is the schema of record's `SystemModel` with three things a hand author may leave
out: a component's `layers` (taken from its `kind` when the kind is one in `KIND_LAYERS`), and the
`name` of a component, asset, entry point or trust boundary (its `id` is used). Everything else
is the `SystemModel` field for field, so the `system` of any threat model the product writes is a
valid system file too. `evidence` is optional everywhere; the reader fills it in with the file
and line each fact came from.

The committed JSON Schema (`docs/schema/system.schema.json`, `maestro-tm schema --system`) is
generated from these models; docs/SYSTEM-FILES.md documents the format.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field

from assistant.schema import (
    AgenticFactor,
    Asset,
    Component,
    Control,
    DataFlow,
    EntryPoint,
    Evidence,
    Layer,
    TrustBoundary,
)

SYSTEM_SCHEMA_PATH = "docs/schema/system.schema.json"

L1, L2, L3, L4, L5, L6, L7 = Layer.L1, Layer.L2, Layer.L3, Layer.L4, Layer.L5, Layer.L6, Layer.L7

# The component kinds the product itself uses (the extractor names components with these), each
# with its MAESTRO layer(s): a component of one of these kinds may leave `layers` out.
KIND_LAYERS: dict[str, tuple[Layer, ...]] = {
    "llm": (L1,),
    "model-server": (L1, L4),
    "vector-store": (L2,),
    "knowledge-base": (L2,),
    "memory": (L2,),
    "shared-memory": (L2,),
    "database": (L2,),
    "agent": (L3,),
    "agent-framework": (L3,),
    "tool": (L3,),
    "code-runner": (L3,),
    "plugin": (L3,),
    "external-api": (L3, L7),
    "mcp-server": (L3, L7),
    "agent-protocol": (L3, L7),
    "workflow-engine": (L3, L4),
    "orchestrator": (L4,),
    "container-runtime": (L4,),
    "serverless": (L4,),
    "cloud": (L4,),
    "queue": (L4,),
    "gateway": (L4,),
    "identity": (L4, L6),
    "observability": (L5,),
    "log-store": (L5,),
    "human-reviewer": (L5, L7),
    "identity-provider": (L6,),
    "access-control": (L6,),
    "guardrail": (L6,),
    "regulation": (L6,),
    "data-protection-law": (L6,),
    "security-agent": (L6,),
    "registry": (L7,),
    "blockchain": (L7,),
}


class FileComponent(Component):
    """A part of the system: each agent, model, tool or API, data store and channel."""

    name: str = ""
    """Human-readable name; the id when left out."""
    kind: str = Field(min_length=1, json_schema_extra={"examples": list(KIND_LAYERS)})
    """What it is. The kinds listed in docs/SYSTEM-FILES.md (`agent`, `llm`, `tool`,
    `vector-store`, `database`, ...) carry default layers; any other word needs `layers`."""
    layers: list[Layer] = Field(default_factory=list)
    """The MAESTRO layer(s) it belongs to (L1..L7); taken from `kind` when left out."""


class FileAsset(Asset):
    """Something of value the system holds or can act on."""

    name: str = ""
    """As the team calls it, e.g. `customer order history`; the id when left out."""


class FileEntryPoint(EntryPoint):
    """Where content the system does not control gets in."""

    name: str = ""
    """E.g. `inbound support mailbox`; the id when left out."""


class FileTrustBoundary(TrustBoundary):
    """A boundary between zones of different trust."""

    name: str = ""
    """E.g. `agent runtime / payment system`; the id when left out."""


class SystemFile(BaseModel):
    """A system described by hand for `maestro-tm analyze`: its parts, flows, controls and data.

    Facts left out are unknown, not absent: say `present: false` or `capability: false` to rule
    something out. Ids must be unique per list, and every reference must name a component.
    """

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    schema_: str | None = Field(default=None, alias="$schema")
    """Path or URL of this file's JSON Schema, for editors; ignored by the analysis."""
    name: str = ""
    """The system's name (the threat model's title)."""
    description: str = ""
    """The system in prose, for the reader and a model-backed analysis (never instructions)."""
    components: list[FileComponent] = []
    """Its parts, one by one: each agent, model, tool or API, data store and channel."""
    data_flows: list[DataFlow] = []
    """How data moves between its parts (`source` and `target` are component ids)."""
    trust_boundaries: list[FileTrustBoundary] = []
    """Zones of different trust (`components` are the ids inside)."""
    controls: list[Control] = []
    """Controls stated present or absent: human approval per action, sandboxing, allowlists..."""
    assets: list[FileAsset] = []
    """What is of value: personal or health data, credentials, money, physical actuation, code."""
    entry_points: list[FileEntryPoint] = []
    """Where content the system does not control gets in."""
    capabilities: dict[str, bool] = {}
    """Catalogue capabilities (e.g. `memory`, `tools`, `multi-agent`): true if present, false if
    ruled out; leave a capability out when unknown. Some follow from the facts above (a tool
    component means `tools`) and need not be repeated."""
    capability_evidence: dict[str, list[Evidence]] = {}
    """For a capability: where it is established, if not this file."""
    agentic_factors: list[AgenticFactor] = []
    """Agentic factors present in the system."""
    assumptions: list[str] = []
    """Assumptions the analysis should record."""
    unknowns: list[str] = []
    """Open questions that would change the analysis."""


def system_file_schema_text(capabilities: Iterable[str]) -> str:
    """The JSON Schema of a system file, as committed in docs/schema/.

    Args:
        capabilities: The catalogue's capability vocabulary; the schema lists it so editors can
            complete and check capability names.
    """
    schema = SystemFile.model_json_schema(by_alias=True, mode="validation")
    names = {"propertyNames": {"enum": sorted(capabilities)}}
    for key in ("capabilities", "capability_evidence"):
        schema["properties"][key].update(names)
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SYSTEM_SCHEMA_PATH,
        **schema,
    }
    return json.dumps(schema, indent=2, sort_keys=False) + "\n"
