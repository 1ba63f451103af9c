"""A grounded system model of an MCP setup: one component per server, each fact citing its file.

The model is what `analyze` works from, so findings come from the same rules engine and validator
as any other system; their grounding is the file evidence built here (`file:line#/json/pointer`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.integrations.mcp_config.facts import Fact, ServerFacts, server_facts
from assistant.integrations.mcp_config.read import ConfigFile
from assistant.llm.redact import Redactor
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

SUPPLY_WORDS = {
    "unpinned": "package fetched at every launch without a pinned version",
    "latest": "package fetched at every launch, tracking its latest release",
    "no-digest": "container image without a digest (a tag can be repointed)",
    "local-script": "local script run as the server",
}


@dataclass
class SetupModel:
    """An MCP setup read into a system model, with what the user should be told."""

    system: SystemModel
    notes: list[str] = field(default_factory=list)
    """One line each: files read, servers skipped, secrets found (by name), warnings."""


def slug(text: str) -> str:
    """An id from a name: lowercase words joined by hyphens (never empty)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "server"


class _Builder:
    def __init__(self) -> None:
        self.components: list[Component] = []
        self.flows: list[DataFlow] = []
        self.controls: list[Control] = []
        self.assets: list[Asset] = []
        self.entries: list[EntryPoint] = []
        self.boundaries: list[TrustBoundary] = []
        self.capabilities: dict[str, list[Evidence]] = {}
        self.notes: list[str] = []
        self.remote_ids: dict[str, str] = {}
        self.lines: list[str] = []

    def unique(self, base: str) -> str:
        taken = {c.id for c in self.components}
        candidate, n = base, 2
        while candidate in taken:
            candidate, n = f"{base}-{n}", n + 1
        return candidate

    def cite(self, config: ConfigFile, fact: Fact | Sequence[str | int], quote: str) -> Evidence:
        path = fact.path if isinstance(fact, Fact) else fact
        return Evidence(kind=EvidenceKind.FILE, location=config.where(path), quote=quote[:200])

    def capability(self, name: str, evidence: Evidence) -> None:
        found = self.capabilities.setdefault(name, [])
        if evidence not in found and len(found) < 8:
            found.append(evidence)


def build_setup(configs: Sequence[ConfigFile]) -> SetupModel:
    """The system model of the servers in `configs` (secret values are never kept)."""
    b = _Builder()
    redactor = Redactor()
    for config in configs:
        client = b.unique(slug(config.client))
        b.components.append(
            Component(
                id=client,
                name=f"{config.client} ({config.label})",
                kind="agent",
                layers=[Layer.L3],
                description="The MCP client: the agent that calls these servers' tools.",
                evidence=[b.cite(config, _servers_key(config), f"{len(config.servers)} server(s)")],
            )
        )
        b.notes.append(f"read {config.label} ({config.client}, {len(config.servers)} servers)")
        b.notes += config.warnings
        for entry in config.servers:
            _server(b, config, client, server_facts(entry, redactor))
    return SetupModel(_system(b, configs), b.notes)


def _servers_key(config: ConfigFile) -> tuple[str | int, ...]:
    return config.servers[0].path[:-1] if config.servers else ()


def _server(b: _Builder, config: ConfigFile, client: str, facts: ServerFacts) -> None:
    """Add one server: its component (shared when a remote URL repeats), flow and risks."""
    here = b.cite(config, facts.path, f"{facts.name}: {facts.transport} {facts.launch}")
    remote = facts.transport != "stdio"
    sid = b.remote_ids.get(facts.launch) if remote else None
    if sid is None:
        sid = b.unique(slug(facts.name))
        b.components.append(_component(sid, facts, here))
        if remote:
            b.remote_ids[facts.launch] = sid
            b.boundaries.append(
                TrustBoundary(
                    id=f"{sid}-remote",
                    name=f"this machine / {facts.host or 'remote host'}",
                    components=[sid],
                    description="The server runs on a host the client does not control.",
                    evidence=[here],
                )
            )
    else:
        _share(b, sid, here)
    b.lines.append(f"Server {facts.name} ({facts.transport}): {facts.launch}.")
    b.capability("mcp", here)
    b.capability("tools", here)
    b.flows.append(
        DataFlow(
            id=_unique_flow(b, f"{client}-to-{sid}"),
            source=client,
            target=sid,
            description="tool calls and their results",
            protocol="MCP over stdio" if not remote else f"MCP over {facts.scheme or 'http'}",
            encrypted=(facts.scheme == "https") if remote else None,
            authenticated=facts.has_auth if remote else None,
            evidence=[here],
        )
    )
    _supply(b, config, sid, facts)
    _secrets(b, config, sid, facts)
    _reach(b, config, sid, facts)


def _unique_flow(b: _Builder, base: str) -> str:
    taken = {f.id for f in b.flows}
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _component(sid: str, facts: ServerFacts, here: Evidence) -> Component:
    effect = Effect.EXECUTES_CODE if facts.shell else (Effect.WRITES_DATA if facts.roots else None)
    hosting = f"remote: {facts.host}" if facts.transport != "stdio" else "local process (stdio)"
    return Component(
        id=sid,
        name=facts.name,
        kind="mcp-server",
        layers=[Layer.L3, Layer.L7],
        description=f"{facts.transport}: {facts.launch}"[:300],
        effect=effect,
        hosting=hosting,
        evidence=[here],
    )


def _share(b: _Builder, sid: str, here: Evidence) -> None:
    """A remote server already seen in another file: one server, several clients."""
    for i, c in enumerate(b.components):
        if c.id == sid:
            b.components[i] = c.model_copy(update={"evidence": [*c.evidence, here][:6]})
    b.notes.append(f"{here.location}: the same remote server as {sid} (shared by several clients)")


def _supply(b: _Builder, config: ConfigFile, sid: str, facts: ServerFacts) -> None:
    for fact in facts.supply:
        if fact.kind not in SUPPLY_WORDS:
            continue
        what = SUPPLY_WORDS[fact.kind]
        evidence = b.cite(config, fact, f"{fact.text}: {what}")
        b.entries.append(
            EntryPoint(
                id=f"{sid}-code",
                name=f"{facts.name} server code: {fact.text} ({what})",
                kind=EntryKind.THIRD_PARTY_EXTENSIONS,
                untrusted=fact.kind != "local-script",
                target=sid,
                evidence=[evidence],
            )
        )
        if fact.kind != "local-script":
            b.capability("plugins", evidence)


def _secrets(b: _Builder, config: ConfigFile, sid: str, facts: ServerFacts) -> None:
    if not facts.secrets:
        return
    names = ", ".join(f.text for f in facts.secrets[:6])
    evidence = [
        b.cite(config, f, f"{f.text} holds a credential in plain text (value not recorded)")
        for f in facts.secrets[:6]
    ]
    b.assets.append(
        Asset(
            id=f"{sid}-credentials",
            name=f"long-lived credentials of {facts.name} in plain config: {names}",
            data_class=DataClass.CREDENTIALS,
            components=[sid],
            evidence=evidence,
        )
    )
    b.capability("sensitive-data", evidence[0])
    for f in facts.secrets:
        b.notes.append(f"{config.where(f.path)}: secret in {f.text} of {facts.name}; not written")


def _reach(b: _Builder, config: ConfigFile, sid: str, facts: ServerFacts) -> None:
    """Auto-approved tools, shell access and filesystem roots."""
    for n, fact in enumerate(facts.auto_approved, 1):
        evidence = b.cite(config, fact, f"tools run without asking: {fact.text}")
        b.controls.append(
            Control(
                id=f"{sid}-approval" + (f"-{n}" if n > 1 else ""),
                kind=ControlKind.HUMAN_APPROVAL,
                present=False,
                applies_to=[sid],
                scope=f"auto-approved: {fact.text}"[:200],
                evidence=[evidence],
            )
        )
    if facts.shell:
        b.capability("code-execution", b.cite(config, facts.shell, facts.shell.text))
    if facts.roots:
        roots = ", ".join(f.text for f in facts.roots[:6])
        b.assets.append(
            Asset(
                id=f"{sid}-files",
                name=f"files under {roots}",
                data_class=DataClass.CONFIDENTIAL,
                components=[sid],
                evidence=[b.cite(config, f, f"filesystem root {f.text}") for f in facts.roots[:6]],
            )
        )


def _system(b: _Builder, configs: Sequence[ConfigFile]) -> SystemModel:
    assumed = "every MCP client is driven by a model; the configuration does not say which"
    llm = Component(
        id=b.unique("llm"),
        name="the client's model (unspecified)",
        kind="llm",
        layers=[Layer.L1],
        evidence=[Evidence(kind=EvidenceKind.ASSUMED, reason=assumed)],
    )
    files = ", ".join(c.label for c in configs)
    description = f"The MCP setup configured in {files}. " + " ".join(b.lines)
    return SystemModel(
        name="MCP setup",
        description=description,
        components=[*b.components, llm],
        data_flows=b.flows,
        trust_boundaries=b.boundaries,
        controls=b.controls,
        assets=b.assets,
        entry_points=b.entries,
        capabilities={cap: True for cap in b.capabilities},
        capability_evidence=b.capabilities,
        assumptions=[
            "The MCP clients are driven by a model; the configuration does not say which.",
            "Only the configuration was read: what each server's tools do is inferred from "
            "its name and command.",
        ],
    )
