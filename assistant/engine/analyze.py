"""One analysis, end to end: description -> system model -> proposals -> gate -> threat model.

`analyze` is what `maestro-tm analyze` and the chat's "analyse now" run. Rules mode needs nothing
but the catalogue; the model-backed modes add a `Proposer` (see `assistant/engine/llm_mode.py`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol

from assistant.engine.coverage import coverage
from assistant.engine.extract import extract, extract_answer
from assistant.engine.gate import gate
from assistant.engine.guidance import Opening, cite_guidance
from assistant.engine.naming import system_name
from assistant.engine.rules import baseline_controls, propose
from assistant.knowledge.catalogue import Catalogue
from assistant.schema import (
    Component,
    Engine,
    Evidence,
    EvidenceKind,
    Finding,
    Layer,
    Provenance,
    RejectedProposal,
    SystemDelta,
    SystemModel,
    ThreatModel,
)

# Beyond this a description is trimmed (with a warning): large enough for a detailed design
# document, small enough that extraction and prompts stay bounded.
MAX_DESCRIPTION_CHARS = 60_000

Progress = Callable[[str], None]


class GuidanceSource(Protocol):
    """Guidance search as the engine and the chat use it (`assistant.retrieval.Retriever` fits)."""

    def search(
        self,
        query: str,
        layers: Iterable[str | Layer] | None = None,
        kinds: Iterable[str] | None = None,
        k: int = 5,
    ) -> Sequence[Any]:
        """Passages with `id`, `entry_id`, `source`, `text` and `score`, best first."""
        ...


class Extractor(Protocol):
    """Something that reads a user message into a system-model delta."""

    def extract(
        self, text: str, system: SystemModel, question: str = "", question_id: str = ""
    ) -> SystemDelta:
        """What `text` adds to or changes in `system`.

        Args:
            text: The user's message.
            system: The system model so far.
            question: The interview question `text` answers ("" for a plain message).
            question_id: Its id, cited by the evidence of what the answer says.
        """
        ...


class RulesExtractor:
    """The deterministic extractor (rules mode): vocabulary and negations, no model."""

    def extract(
        self, text: str, system: SystemModel, question: str = "", question_id: str = ""
    ) -> SystemDelta:
        """What `text` says about the system, read deterministically (an answer cites its question)."""
        return extract_answer(text, question_id) if question_id else extract(text)


class Proposer(Protocol):
    """Something that turns a system model into findings (the LLM and hybrid modes)."""

    def run(
        self, system: SystemModel, catalogue: Catalogue, progress: Progress
    ) -> tuple[list[Finding], list[RejectedProposal]]:
        """Propose, validate and return accepted findings and rejected proposals."""
        ...


def trim(description: str, progress: Progress) -> str:
    """The description, cut to `MAX_DESCRIPTION_CHARS` with a warning if it is longer."""
    if len(description) <= MAX_DESCRIPTION_CHARS:
        return description
    progress(
        f"warning: the description is {len(description):,} characters; "
        f"only the first {MAX_DESCRIPTION_CHARS:,} are analysed"
    )
    return description[:MAX_DESCRIPTION_CHARS]


def system_from_description(description: str, extractor: Extractor | None = None) -> SystemModel:
    """The system model of a description, read by `extractor` (default: the rules).

    Components every agentic system has (an agent, a model) are added when the description
    names none, and recorded as assumptions.
    """
    delta = (
        (extractor or RulesExtractor()).extract(description, SystemModel())
        if description.strip()
        else SystemDelta()
    )
    system = SystemModel(description=description).apply(delta)
    if not system.components and not system.capabilities:
        return system  # nothing described: nothing to assume either
    added: list[Component] = []
    assumptions: list[str] = []
    if not any(c.kind in ("agent", "application") for c in system.components):
        added.append(_assumed_core(system))
    if not any(Layer.L1 in c.layers for c in system.components):
        reason = "every such system is driven by a model; the description does not say which"
        added.append(
            Component(
                id="llm",
                name="foundation model (unspecified)",
                kind="llm",
                layers=[Layer.L1],
                evidence=[Evidence(kind=EvidenceKind.ASSUMED, reason=reason)],
            )
        )
        assumptions.append("The system is driven by an LLM; the description does not say which.")
    return system.model_copy(
        update={
            "components": added + system.components,
            "assumptions": system.assumptions + assumptions,
        }
    )


# Capabilities only an agent has: with all of them ruled out and no agent named, the system is
# an application that calls a model, and gets no invented agent.
_AGENT_ONLY = ("tools", "planning", "multi-agent")


def _assumed_core(system: SystemModel) -> Component:
    """The agent the description implies, or the plain application it describes."""
    if all(system.capabilities.get(c) is False for c in _AGENT_ONLY):
        return Component(
            id="application",
            name="the application",
            kind="application",
            layers=[Layer.L3],
            description="An application that calls a model; no agent acts on its own.",
            evidence=[
                Evidence(
                    kind=EvidenceKind.ASSUMED,
                    reason="no agent is named and the description rules out tools and planning",
                )
            ],
        )
    return Component(
        id="agent",
        name="the agent",
        kind="agent",
        layers=[Layer.L3],
        evidence=[
            Evidence(
                kind=EvidenceKind.ASSUMED,
                reason="the description names no agent; the system is read as one agent",
            )
        ],
    )


def analyze(
    description: str,
    catalogue: Catalogue,
    *,
    engine: Engine = Engine.RULES,
    proposer: Proposer | None = None,
    extractor: Extractor | None = None,
    system: SystemModel | None = None,
    model_name: str | None = None,
    guidance: Opening | None = None,
    progress: Progress = lambda _: None,
) -> ThreatModel:
    """Analyse a system and return a validated threat model.

    Args:
        description: The system as the user described it (data, never instructions).
        catalogue: The catalogue of record.
        engine: rules, llm or hybrid.
        proposer: The model-backed proposer, required for llm and hybrid.
        extractor: Reads the description into a system model (default: the rules).
        system: A system model built earlier (e.g. by the chat); else extracted from the text.
        model_name: The model used, recorded in the threat model.
        guidance: Waits for the guidance index (opened while the rules run) whose search
            gives the passages a rules finding cites beside its threat's own; without it,
            findings cite only their threats' own passages.
        progress: Receives one line per step (stderr in the CLI, the status bar in the chat).
    """
    description = trim(description, progress)
    system = system or system_from_description(description, extractor)
    if not system.name and description.strip():
        system = system.model_copy(update={"name": _title(description)})
    progress(
        f"system model: {len(system.components)} components, {len(system.capabilities)} capabilities known"
    )
    findings, rejected = _findings(system, catalogue, engine, proposer, guidance, progress)
    progress(
        f"validated: {len(findings)} findings drafted for review, "
        f"{len(rejected)} proposals rejected"
    )
    # A system file may carry no prose: its id then comes from the system model itself.
    identity = description if description.strip() else system.model_dump_json()
    digest = hashlib.sha256(identity.encode()).hexdigest()[:10]
    return ThreatModel(
        id=f"tm-{digest}",
        title=system.name or _title(description),
        catalogue_version=catalogue.version,
        engine=engine,
        model=model_name,
        system=system,
        findings=_renumber(findings),
        coverage=coverage(system, findings, catalogue),
        rejected=rejected,
        baseline=baseline_controls(system, catalogue),
    )


def _findings(
    system: SystemModel,
    catalogue: Catalogue,
    engine: Engine,
    proposer: Proposer | None,
    guidance: Opening | None,
    progress: Progress,
) -> tuple[list[Finding], list[RejectedProposal]]:
    """The gated findings and rejected proposals of the engine chosen."""
    if engine in (Engine.LLM, Engine.HYBRID):
        if proposer is None:
            raise ValueError(f"engine {engine.value} needs a proposer")
        return proposer.run(system, catalogue, progress)
    proposals = propose(system, catalogue)
    cite = guidance() if guidance else None
    retrieved = cite_guidance(proposals, system, catalogue, cite) if cite else None
    if retrieved is not None:
        progress(f"guidance: {len(retrieved)} control passages cited from the index")
    provenance = Provenance(engine=Engine.RULES)
    return gate(proposals, system, catalogue, retrieved=retrieved, provenance=provenance)


def _renumber(findings: list[Finding]) -> list[Finding]:
    order = {layer: n for n, layer in enumerate(Layer)}
    ordered = sorted(findings, key=lambda f: (order[f.layer], f.threat_id, f.id))
    return [f.model_copy(update={"id": f"F-{n:03d}"}) for n, f in enumerate(ordered, start=1)]


def _title(description: str) -> str:
    return system_name(description)
