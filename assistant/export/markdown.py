"""The Markdown review draft: what a reviewer reads, annotates and signs.

Layout (docs/EXPORTS.md): title, review banner, metadata; executive summary with the risk
matrix; the system model with its diagram and every fact with its evidence (assumptions and
open questions included); findings by layer; cross-layer chains; coverage and the open question
of each layer; proposals the validator rejected; the catalogue entries cited.
Every piece of model or user text goes through `escape.md`; the output is plain CommonMark +
GFM tables + one Mermaid block, so it renders on code-hosting sites and reads in `less`.
"""

from __future__ import annotations

from collections import Counter

from assistant.export.common import (
    LAYER_ORDER,
    RISK_ORDER,
    canonical_id,
    engines_used,
    evidence_entry_id,
    format_timestamp,
    is_signed_off,
    layer_title,
    live_findings,
    models_used,
    ordered_findings,
    pending_review,
    prompt_versions,
    source_citation,
    threat_name,
    top_risks,
)
from assistant.export.escape import md
from assistant.export.evidence import evidence_label
from assistant.export.markdown_system import appendix_section, system_section
from assistant.export.matrix import risk_matrix_markdown
from assistant.knowledge import Catalogue
from assistant.schema import (
    CoverageStatus,
    Finding,
    FindingStatus,
    Layer,
    LayerCoverage,
    ThreatModel,
)

BANNER = "Draft: requires human review."


def markdown_report(model: ThreatModel, cat: Catalogue) -> str:
    """Render the review draft; the same model and catalogue always give the same bytes."""
    sections = [
        _header(model, cat),
        _summary(model, cat),
        system_section(model),
        _baseline(model, cat),
        _findings(model, cat),
        _chains(model, cat),
        _coverage(model),
        _rejected(model),
        appendix_section(model, cat),
    ]
    return "\n\n".join(s for s in sections if s) + "\n"


def _threat_label(cat: Catalogue, threat_id: str) -> str:
    name = threat_name(cat, threat_id)
    cid = canonical_id(cat, threat_id)
    label = f"{cid} {name}" if name else f"{threat_id} (not in catalogue {cat.version})"
    if cid != threat_id:
        label += f" (cited as {threat_id})"
    return md(label)


def _banner(model: ThreatModel) -> str:
    if is_signed_off(model):
        status = Counter(f.status for f in model.findings)
        return (
            f"> **Reviewed.** All {len(model.findings)} findings are accepted or rejected "
            f"({status[FindingStatus.ACCEPTED]} accepted, {status[FindingStatus.REJECTED]} rejected)."
        )
    if not model.findings:
        return (
            f"> **{BANNER}** This threat model has no findings; a reviewer must confirm that "
            "nothing was missed before it is relied on."
        )
    pending = Counter(f.status for f in pending_review(model.findings))
    waiting = sum(pending.values())
    return (
        f"> **{BANNER}** {waiting} of {len(model.findings)} findings await a decision "
        f"({pending[FindingStatus.DRAFT]} draft, {pending[FindingStatus.NEEDS_INFO]} needs-info). "
        "Set each finding's status to accepted or rejected; this banner goes when none is left."
    )


def _header(model: ThreatModel, cat: Catalogue) -> str:
    title = model.title or model.system.name or model.id
    catalogue = md(model.catalogue_version)
    if model.catalogue_version != cat.version:
        catalogue += f" (names and sources below are from catalogue {md(cat.version)})"
    prompts = prompt_versions(model)
    models = models_used(model)
    lines = [
        f"# Threat model: {md(title)}",
        "",
        _banner(model),
        "",
        f"- **System:** {md(model.system.name) or 'unnamed'}",
        f"- **Threat model id:** {md(model.id)}",
        f"- **Date:** {format_timestamp(model.created)}",
        f"- **Engine:** {', '.join(md(e) for e in engines_used(model))}",
        f"- **Model:** {', '.join(md(m) for m in models) or 'none (no language model used)'}",
        f"- **Prompt versions:** {', '.join(md(p) for p in prompts) or 'none'}",
        f"- **Catalogue version:** {catalogue}",
        f"- **Schema version:** {model.schema_version}",
    ]
    return "\n".join(lines)


def _summary(model: ThreatModel, cat: Catalogue) -> str:
    live = live_findings(model.findings)
    rejected = len(model.findings) - len(live)
    layers = sorted({f.layer for f in live}, key=LAYER_ORDER.index)
    intro = f"{len(live)} findings across {len(layers)} layers"
    if rejected:
        intro += f" ({rejected} rejected in review and not counted here)"
    intro += f"; {len(pending_review(model.findings))} await review."
    lines = ["## Executive summary", "", intro, "", "### Counts by risk", ""]
    by_risk = Counter(f.risk for f in live)
    lines += ["| risk | findings |", "|---|---|"]
    lines += [f"| {r.value} | {by_risk[r]} |" for r in reversed(RISK_ORDER)]
    lines += ["", "### Counts by layer", ""]
    header = " | ".join(r.value for r in reversed(RISK_ORDER))
    lines += [f"| layer | {header} | total |", "|---|" + "---|" * (len(RISK_ORDER) + 1)]
    for layer in layers:
        here = Counter(f.risk for f in live if f.layer == layer)
        counts = " | ".join(str(here[r]) for r in reversed(RISK_ORDER))
        lines.append(f"| {layer_title(layer)} | {counts} | {sum(here.values())} |")
    totals = " | ".join(str(by_risk[r]) for r in reversed(RISK_ORDER))
    lines.append(f"| **total** | {totals} | {len(live)} |")
    lines += ["", "### Top risks", ""]
    top = top_risks(model.findings)
    lines += [
        f"{n}. **{f.risk.value}** {md(f.id)} ({f.layer.value}, "
        f"{md(canonical_id(cat, f.threat_id))}): {md(f.title)}"
        for n, f in enumerate(top, 1)
    ] or ["No findings to rank."]
    lines += ["", "### Risk matrix", "", risk_matrix_markdown(model.findings)]
    return "\n".join(lines)


def _finding(f: Finding, cat: Catalogue, names: dict[str, str]) -> list[str]:
    components = [f"{md(names[c])} ({md(c)})" if c in names else md(c) for c in f.components]
    lines = [
        f"#### {md(f.id)}: {md(f.title)}",
        "",
        f"- **Threat:** {_threat_label(cat, f.threat_id)}",
        *(
            [f"- **Also covers:** {', '.join(_threat_label(cat, v) for v in f.variants)}"]
            if f.variants
            else []
        ),
        f"- **Risk:** {f.risk.value} (likelihood {f.likelihood.value}, impact {f.impact.value})",
        f"- **Rationale:** {md(f.rationale) or 'none given'}",
        f"- **Status:** {f.status.value}",
    ]
    if f.question:
        lines.append(f"- **Open question:** {md(f.question)}")
    if f.reviewer_note:
        lines.append(f"- **Reviewer note:** {md(f.reviewer_note)}")
    lines.append(f"- **Components:** {', '.join(components) or 'none named'}")
    if f.attack_path:
        lines.append(f"- **Path:** {' -> '.join(md(names.get(i, i)) for i in f.attack_path)}")
    if f.placement:
        lines.append(f"- **Layer:** {md(f.placement)}")
    factors = ", ".join(a.value for a in f.agentic_factors)
    lines.append(f"- **Agentic factors:** {factors or 'none'}")
    if f.chain_layers:
        lines.append(f"- **Chain:** {' -> '.join(layer.value for layer in f.chain_layers)}")
    lines.append(f"- **Scenario:** {md(f.scenario)}")
    lines.append("- **Mitigations:**" + ("" if f.mitigations else " none proposed"))
    for m in f.mitigations:
        entry = cat.mitigation(m.id)
        name = f"{entry.id} {entry.name}" if entry else f"{m.id} (not a catalogue mitigation)"
        lines.append(f"  - {md(name)}" + (f": {md(m.text)}" if m.text else ""))
    lines.append("- **Evidence:**" + ("" if f.evidence or f.grounding else " none cited"))
    for said in f.grounding:
        lines.append(f"  - {evidence_label(said)}")
    for passage in f.evidence:
        lines.append(f"  - {md(passage)}: {_citation(cat, passage)}")
    p = f.provenance
    made_by = [p.engine.value, *(x for x in (p.model, p.prompt_id) if x)]
    if p.prompt_version:
        made_by[-1] += f" v{p.prompt_version}"
    lines.append(f"- **Provenance:** {', '.join(md(x) for x in made_by)}")
    return lines


def _baseline(model: ThreatModel, cat: Catalogue) -> str:
    """Hygiene every LLM system needs, once per layer, rather than as N findings."""
    if not model.baseline:
        return ""
    lines = [
        "## Baseline controls",
        "",
        "Threats every LLM system faces whatever its design; they are listed once here, with the "
        "controls that keep them in check, instead of as findings.",
        "",
    ]
    for b in sorted(model.baseline, key=lambda b: (LAYER_ORDER.index(b.layer), b.threat_id)):
        controls = ", ".join(md(m) for m in b.mitigations) or "none listed"
        lines.append(f"- **{b.layer.value}** {_threat_label(cat, b.threat_id)}: {controls}")
    return "\n".join(lines)


def _citation(cat: Catalogue, passage: str) -> str:
    entry = cat.get(evidence_entry_id(passage))
    if entry is None:
        return f"not in catalogue {md(cat.version)}"
    first = source_citation(cat, entry.sources[0])
    more = len(entry.sources) - 1
    extra = f" (+{more} more in the appendix)" if more else ""
    return f"{md(entry.id)} {md(entry.name)}; {md(first)}{extra}"


def _coverage_note(cov: LayerCoverage | None) -> str:
    if cov is None:
        return "not recorded"
    detail = cov.reason if cov.status == CoverageStatus.NOT_APPLICABLE else cov.question
    return cov.status.value + (f": {md(detail)}" if detail else "")


def _findings(model: ThreatModel, cat: Catalogue) -> str:
    names = {c.id: c.name for c in model.system.components}
    present = {f.layer for f in model.findings} | set(model.coverage)
    present |= {layer for c in model.system.components for layer in c.layers}
    by_layer: dict[Layer, list[Finding]] = {}
    for f in ordered_findings(model.findings):
        by_layer.setdefault(f.layer, []).append(f)
    lines = ["## Findings by layer"]
    for layer in (layer for layer in LAYER_ORDER if layer in present):
        here = by_layer.get(layer, [])
        lines += ["", f"### {layer_title(layer)}", ""]
        lines.append(
            f"Findings: {len(here)}. Coverage: {_coverage_note(model.coverage.get(layer))}"
        )
        for f in here:
            lines += ["", *_finding(f, cat, names)]
    return "\n".join(lines)


def _chains(model: ThreatModel, cat: Catalogue) -> str:
    chained = [f for f in ordered_findings(model.findings) if f.chain_layers]
    lines = ["## Cross-layer chains", ""]
    if not chained:
        return "\n".join([*lines, "No cross-layer chains were identified."])
    lines += ["| finding | chain | threat | risk | status | title |", "|---|---|---|---|---|---|"]
    for f in chained:
        path = " -> ".join(layer.value for layer in f.chain_layers)
        lines.append(
            f"| {md(f.id)} | {path} | {_threat_label(cat, f.threat_id)} | {f.risk.value} "
            f"| {f.status.value} | {md(f.title)} |"
        )
    return "\n".join(lines)


def _coverage(model: ThreatModel) -> str:
    counts = Counter(f.layer for f in model.findings)
    lines = ["## Coverage", "", "| layer | status | findings |", "|---|---|---|"]
    for layer in LAYER_ORDER:
        note = _coverage_note(model.coverage.get(layer))
        lines.append(f"| {layer_title(layer)} | {note} | {counts[layer]} |")
    questions = [
        f"- {layer.value}: {md(cov.question or 'is this layer in scope?')}"
        for layer in LAYER_ORDER
        if (cov := model.coverage.get(layer)) and cov.status == CoverageStatus.UNKNOWN
    ]
    lines += ["", "### Open questions by layer", ""]
    lines += questions or ["No layer has coverage unknown."]
    if model.system.unknowns:
        count = len(model.system.unknowns)
        lines += [
            "",
            f"{count} open question{'s' if count != 1 else ''} about the system "
            f"{'is' if count == 1 else 'are'} listed with the system model above.",
        ]
    return "\n".join(lines)


def _rejected(model: ThreatModel) -> str:
    if not model.rejected:
        return ""
    lines = [
        "## Proposals rejected by the validator",
        "",
        "Kept for transparency; these are not findings.",
        "",
    ]
    for r in model.rejected:
        what = " ".join(str(r.proposal.get(k, "")) for k in ("threat_id", "layer", "title"))
        reasons = "; ".join(f"{i.code}: {i.message}" for i in r.issues)
        lines.append(f"- {md(what.strip() or 'unnamed proposal')}: {md(reasons)}")
    return "\n".join(lines)
