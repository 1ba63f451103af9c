"""What the assistant says: greetings, questions, summaries and finding details, as Markdown.

Kept apart from the state machine so the wording can change without touching the flow, and so
the TUI's help screen and finding modal show exactly what `/help` and `/show` print.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.engine.interview import Question
from assistant.export.common import evidence_entry_id, source_citation
from assistant.knowledge.catalogue import Catalogue
from assistant.schema import (
    LAYER_NAMES,
    CoverageStatus,
    Finding,
    Layer,
    RejectedProposal,
    SystemDelta,
    SystemModel,
    ThreatModel,
)

COMMANDS: list[tuple[str, str]] = [
    ("/analyze", "analyse now with what is known (also: `analyse`)"),
    ("/export md|json|otm|csv PATH", "write the threat model, with its review state"),
    ("/show F-001", "a finding in full: scenario, mitigations, evidence, validator notes"),
    ("/accept F-001 [F-002 ...] | L2", "accept findings, or every undecided one at a layer"),
    ("/reject F-001|L2 REASON", "reject with a reason (required)"),
    ("/needs-info F-001 NOTE", "mark a finding as needing more information"),
    ("/rejected", "proposals the validator rejected, with its reasons"),
    ("/system", "the system model, every fact with its evidence and id"),
    ("/set CAPABILITY on|off|unknown", "correct a capability, e.g. `/set code-execution off`"),
    ("/rename ID NEW NAME", "rename a component, asset, entry point or trust boundary"),
    ("/merge ID INTO_ID", "merge two components; flows, controls and assets follow"),
    ("/delete ID", "delete a fact; a component takes what referred only to it"),
    ("/flow SOURCE -> TARGET [what]", "record a data flow between two components"),
    (
        "/control KIND [off] [on ID,ID] [by ACTOR] [: scope]",
        "record a control or its absence, e.g. "
        "`/control human-approval on refund-tool by team lead : refunds above $200`",
    ),
    ("/ask QUESTION", "ask about the guidance (answered by the model, or from the catalogue)"),
    ("/model NAME | rules", "switch to an LLM (litellm model string) or back to the rules"),
    ("/new", "start a new session"),
    ("/open ID", "switch to a saved session (`/sessions` lists them)"),
    ("/sessions", "list saved sessions"),
    ("/help", "this list"),
]

KEYS: list[tuple[str, str]] = [
    ("Enter", "send; Up/Down recall earlier input"),
    ("Esc", "cancel the step in progress"),
    ("F1", "help"),
    ("F2 F3 F4 F5", "System, Findings, Guidance, Coverage tabs"),
    ("F6", "zoom the side panel (again to restore)"),
    ("Ctrl+P", "command palette: analyse, export, switch model, new or open session"),
    ("in Findings", "Enter opens; a accept, r reject, n needs info, e edit; A/R the whole layer"),
    (
        "in System",
        "Enter shows the evidence; Space cycles a capability on, off, unknown; "
        "r rename, d delete, m merge, f add a flow from the fact",
    ),
    ("Ctrl+Q, /quit", "quit (the session is saved as you go)"),
]


def help_markdown() -> str:
    """Commands and keys (lists, not tables: they stay readable in a narrow pane)."""
    lines = ["### Commands", ""]
    lines += [f"- `{c}`: {w}" for c, w in COMMANDS]
    lines += ["", "### Keys", ""]
    lines += [f"- **{k}**: {w}" for k, w in KEYS]
    lines += [
        "",
        "Answer a question in your own words; `skip` or `don't know` records it as an open "
        "question and an assumption. Everything is saved as you go: `maestro-tm chat --resume` "
        "continues where you left off.",
    ]
    return "\n".join(lines)


def greeting(engine_label: str, offline: bool) -> str:
    """The first message of a session."""
    where = (
        "Running **offline on the rules engine**: nothing you type leaves this machine. "
        "`/model NAME` switches to an LLM."
        if offline
        else f"Running on **{engine_label}**. Secrets are redacted before anything is sent."
    )
    return (
        "**Welcome to MAESTRO Assistant.** I threat-model agentic AI systems with CSA MAESTRO "
        "(layers L1-L7 and cross-layer) and the OWASP agentic threat catalogue.\n\n"
        f"{where}\n\n"
        "**Describe your system** in a few sentences: what the agents do, which models, tools, "
        "data stores and other agents they use, and who can reach them. Then I ask a few "
        "questions; type `/analyze` whenever you want the findings, `/help` for everything else."
    )


def _first_sentence(text: str) -> str:
    match = re.match(r"(.+?[.!?])(\s|$)", text.strip())
    return match.group(1) if match else text.strip()


def question_markdown(question: Question, number: int) -> str:
    """A question with a one-sentence reason."""
    why = f"\n\n_Why I ask: {_first_sentence(question.why)}_" if question.why else ""
    return f"**Q{number}.** {question.text}{why}"


def system_summary(system: SystemModel) -> str:
    """What was understood from a description: components by layer, capabilities, assumptions."""
    lines = ["Here is what I understood:", ""]
    for layer in Layer:
        names = [c.name for c in system.components if layer in c.layers]
        if names:
            lines.append(f"- **{layer.value} {LAYER_NAMES[layer]}:** {', '.join(names)}")
    present = sorted(k for k, v in system.capabilities.items() if v)
    absent = sorted(k for k, v in system.capabilities.items() if not v)
    if present:
        lines.append(f"- **Capabilities:** {', '.join(present)}")
    if absent:
        lines.append(f"- **Ruled out:** {', '.join(absent)}")
    for assumption in system.assumptions:
        lines.append(f"- _Assumed:_ {assumption}")
    return "\n".join(lines)


def delta_summary(delta: SystemDelta, before: SystemModel) -> str:
    """One line on what an answer changed, e.g. `Noted: memory yes; tools no.`."""
    parts = [
        f"{name} {'yes' if value else 'no'}"
        for name, value in sorted(delta.capabilities.items())
        if before.capabilities.get(name) is not value
    ]
    known = before.component_ids()
    parts += [
        f"added {c.name} ({', '.join(x.value for x in c.layers)})"
        for c in delta.components
        if c.id not in known
    ]
    if delta.unknowns:
        parts.append("recorded as an open question")
    return f"Noted: {'; '.join(parts)}." if parts else "Noted."


def stopped_early(message: str) -> str:
    """The notice when the model stopped mid-analysis (budget, outage): nothing was lost."""
    return (
        f"The model stopped early ({message}). Findings validated so far are kept; with the "
        "hybrid engine, the rules engine's findings it did not review stay, marked unconfirmed."
    )


def analysis_summary(model: ThreatModel, engine_label: str) -> str:
    """The reply after an analysis: counts, highest risks, coverage gaps, what to do next."""
    layers = sorted({f.layer for f in model.findings}, key=list(Layer).index)
    lines = [
        f"**Analysis complete** ({engine_label}): {len(model.findings)} findings validated"
        + (f" on {', '.join(x.value for x in layers)}" if layers else "")
        + f"; {len(model.rejected)} proposals rejected by the validator"
        + (" (`/rejected` shows them)." if model.rejected else "."),
    ]
    order = ["critical", "high", "medium", "low"]
    top = sorted(model.findings, key=lambda f: (order.index(f.risk.value), f.id))[:5]
    if top:
        lines += ["", "Highest risks:"]
        lines += [f"- **{f.risk.value}** {f.id} ({f.layer.value}) {f.title}" for f in top]
    gaps = [
        (layer, cov)
        for layer, cov in model.coverage.items()
        if cov.status == CoverageStatus.UNKNOWN and layer != Layer.CL
    ]
    if gaps:
        lines += ["", "Not covered yet:"]
        lines += [f"- **{layer.value}** unknown: {cov.question}" for layer, cov in gaps]
    if not model.findings:
        lines += ["", "No findings: tell me more about the system (components, tools, data)."]
    else:
        lines += [
            "",
            "Review them in the **Findings** tab (F3): Enter opens one; `a` accept, `r` reject. "
            "Then `/export md report.md`.",
        ]
    return "\n".join(lines)


def finding_markdown(f: Finding, catalogue: Catalogue, system: SystemModel) -> str:
    """A finding in full, for review: everything a reviewer needs to decide."""
    entry = catalogue.threat(f.threat_id)
    names = {c.id: c.name for c in system.components}
    lines = [
        f"## {f.id}: {f.title}",
        "",
        f"**Threat:** {f.threat_id} {entry.name if entry else '(not in the catalogue)'} · "
        f"**Layer:** {f.layer.value} {LAYER_NAMES[f.layer]}"
        + (
            f" · **Chain:** {' -> '.join(x.value for x in f.chain_layers)}"
            if f.chain_layers
            else ""
        ),
        "",
        f"**Risk:** {f.risk.value} (likelihood {f.likelihood.value}, impact {f.impact.value}) · "
        f"**Status:** {f.status.value}",
    ]
    if f.variants:
        named = [f"{v} {t.name}" if (t := catalogue.threat(v)) else v for v in f.variants]
        lines.append(f"\n**Also covers:** {', '.join(named)}")
    if f.question:
        lines.append(f"\n**Open question:** {f.question}")
    if f.reviewer_note:
        lines.append(f"\n**Reviewer note:** {f.reviewer_note}")
    lines += ["", "### Scenario", "", f.scenario]
    if f.rationale:
        lines += ["", f"_Rationale:_ {f.rationale}"]
    components = [f"{names.get(c, c)} (`{c}`)" for c in f.components]
    factors = [a.value for a in f.agentic_factors]
    lines += [
        "",
        f"**Components:** {', '.join(components) or 'none named'}",
        "",
        f"**Agentic factors:** {', '.join(factors) or 'none'}",
        "",
        "### Mitigations",
        "",
    ]
    for m in f.mitigations:
        mitigation = catalogue.mitigation(m.id)
        name = mitigation.name if mitigation else "(not in the catalogue)"
        lines.append(f"- **{m.id}** {name}" + (f": {m.text}" if m.text else ""))
    if not f.mitigations:
        lines.append("- none proposed")
    lines += ["", "### Evidence and sources", ""]
    lines += [f"- `{p}`: {_citation(catalogue, evidence_entry_id(p))}" for p in f.evidence]
    if entry is not None:
        lines += [f"- {entry.id}: {source_citation(catalogue, ref)}" for ref in entry.sources]
    lines += ["", "### Validator notes", ""]
    lines += [f"- {i.severity.value} `{i.code}`: {i.message}" for i in f.validator_notes] or [
        "- none: every check passed"
    ]
    made = [f.provenance.engine.value, f.provenance.model or "", f.provenance.prompt_id or ""]
    lines += ["", f"_Proposed by {' '.join(x for x in made if x)}._"]
    return "\n".join(lines)


def _citation(catalogue: Catalogue, entry_id: str) -> str:
    entry = catalogue.get(entry_id)
    if entry is None:
        return "not in the catalogue"
    return f"{entry.name}; {source_citation(catalogue, entry.sources[0])}"


def rejected_markdown(rejected: Iterable[RejectedProposal]) -> str:
    """Rejected proposals with the validator's reasons."""
    items = list(rejected)
    if not items:
        return "The validator rejected no proposals in the last analysis."
    lines = [f"**{len(items)} proposals rejected by the validator** (never shown as findings):", ""]
    for r in items:
        what = r.proposal.get("title") or r.proposal.get("threat_id") or "proposal"
        where = r.proposal.get("layer", "?")
        reasons = "; ".join(f"`{i.code}` {i.message}" for i in r.issues)
        lines.append(f"- **{what}** ({where}): {reasons}")
    return "\n".join(lines)


def passages_markdown(query: str, passages: Iterable[tuple[str, str, str]]) -> str:
    """Retrieved guidance: (entry id, source, text) per passage."""
    items = list(passages)
    if not items:
        return f"No guidance found for: {query}"
    lines = [f"Guidance for: _{query[:120]}_", ""]
    for entry_id, source, text in items:
        lines.append(f"- **{entry_id}** ({source}): {text[:300]}")
    return "\n".join(lines)
