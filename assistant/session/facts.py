"""The system model as a list of facts, each with its evidence.

This is what `/system` prints and what the System tab shows, so both say the same thing.

A fact is anything the user can see and correct: a component, a capability (settled or still
unknown), a control, an entry point, an asset, a data flow or a trust boundary. Assumptions and
open questions are listed too, but they are sentences, not facts with ids.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from assistant.schema import (
    Asset,
    Component,
    Control,
    DataFlow,
    EntryPoint,
    Evidence,
    EvidenceKind,
    SystemModel,
    TrustBoundary,
)

FactKind = Literal["component", "capability", "control", "entry-point", "asset", "flow", "boundary"]

SECTIONS: dict[FactKind, str] = {
    "component": "Components",
    "capability": "Capabilities",
    "control": "Controls",
    "entry-point": "Entry points",
    "asset": "Assets",
    "flow": "Data flows",
    "boundary": "Trust boundaries",
}
"""Section titles, in the order the facts are shown."""

NOUNS: dict[FactKind, str] = {
    "component": "component",
    "capability": "capability",
    "control": "control",
    "entry-point": "entry point",
    "asset": "asset",
    "flow": "flow",
    "boundary": "trust boundary",
}
"""What to call one fact of each kind in a sentence."""

EVIDENCE_WIDTH = 80
"""How much of the first piece of evidence `/system` shows."""


@dataclass(frozen=True)
class Fact:
    """One fact as shown to the user.

    Attributes:
        kind: What sort of fact it is.
        id: Its id (for a capability: its name), as the correction commands take it.
        label: The fact in a few words, e.g. `expense agent` or `email -> expense-agent`.
        detail: What else is known, e.g. `agent · L3 · moves-money`.
        evidence: Why it is believed, in the order it was recorded.
        state: For a capability: true (present), false (ruled out) or None (unknown); for a
            control: whether it is present; else None.
    """

    kind: FactKind
    id: str
    label: str
    detail: str
    evidence: tuple[Evidence, ...]
    state: bool | None = None


def component_fact(c: Component) -> Fact:
    """A component, with its kind, layers, effect and hosting as the detail."""
    parts = [c.kind, " ".join(x.value for x in c.layers)]
    parts += [c.effect.value] if c.effect else []
    parts += [c.hosting] if c.hosting else []
    return Fact("component", c.id, c.name, " · ".join(parts), tuple(c.evidence))


def control_fact(c: Control) -> Fact:
    """A control, e.g. `human-approval` / `on refund-tool · by team lead · refunds above $200`."""
    label = c.kind.value if c.present else f"no {c.kind.value}"
    parts = [f"on {', '.join(c.applies_to)}" if c.applies_to else "system-wide"]
    parts += [f"by {c.actor}"] if c.actor else []
    parts += [c.scope] if c.scope else []
    return Fact("control", c.id, label, " · ".join(parts), tuple(c.evidence), c.present)


def entry_fact(e: EntryPoint) -> Fact:
    """An entry point, with its kind, whether it is untrusted and what reads it."""
    parts = [e.kind.value, "untrusted" if e.untrusted else "trusted"]
    parts += [f"-> {e.target}"] if e.target else []
    return Fact("entry-point", e.id, e.name, " · ".join(parts), tuple(e.evidence))


def asset_fact(a: Asset) -> Fact:
    """An asset, with its data class and the components that hold it."""
    held = f"held by {', '.join(a.components)}" if a.components else "holder not known"
    return Fact("asset", a.id, a.name, f"{a.data_class.value} · {held}", tuple(a.evidence))


def flow_fact(f: DataFlow) -> Fact:
    """A data flow, e.g. `email -> expense-agent` / `receipts`."""
    parts = [f.description] if f.description else []
    parts += [f.protocol] if f.protocol else []
    return Fact("flow", f.id, f"{f.source} -> {f.target}", " · ".join(parts), tuple(f.evidence))


def boundary_fact(b: TrustBoundary) -> Fact:
    """A trust boundary, with the components inside it."""
    inside = f"around {', '.join(b.components)}" if b.components else "no components named"
    return Fact("boundary", b.id, b.name, inside, tuple(b.evidence))


def capability_facts(system: SystemModel, vocabulary: Iterable[str]) -> list[Fact]:
    """Every capability of the vocabulary, in its order and settled or not.

    Settled capabilities outside the vocabulary (read from a file, say) follow.
    """
    names = list(dict.fromkeys([*vocabulary, *system.capabilities]))
    return [
        Fact(
            "capability",
            name,
            name,
            {True: "on", False: "off", None: "unknown"}[system.capabilities.get(name)],
            tuple(system.capability_evidence.get(name, [])),
            system.capabilities.get(name),
        )
        for name in names
    ]


def facts(system: SystemModel, vocabulary: Iterable[str] = ()) -> list[Fact]:
    """Every fact of the system model, section by section (see `SECTIONS`)."""
    return [
        *(component_fact(c) for c in system.components),
        *capability_facts(system, vocabulary),
        *(control_fact(c) for c in system.controls),
        *(entry_fact(e) for e in system.entry_points),
        *(asset_fact(a) for a in system.assets),
        *(flow_fact(f) for f in system.data_flows),
        *(boundary_fact(b) for b in system.trust_boundaries),
    ]


def find(system: SystemModel, kind: FactKind, fact_id: str) -> Fact | None:
    """The fact of one kind with this id, if any (capabilities: settled or in the model)."""
    vocabulary = [fact_id] if kind == "capability" else []
    return next((f for f in facts(system, vocabulary) if f.kind == kind and f.id == fact_id), None)


def short_evidence(evidence: Evidence) -> str:
    """One piece of evidence in a few words: a quote in quotation marks, `assumed: ...`..."""
    if evidence.kind == EvidenceKind.QUOTE:
        return f"“{evidence.quote}”"
    if evidence.kind == EvidenceKind.ANSWER:
        return f"“{evidence.quote}” (answer)" if evidence.quote else evidence.label()
    if evidence.kind == EvidenceKind.CORRECTION:
        return f"corrected: {evidence.quote}"
    return evidence.label()


TAGS: dict[EvidenceKind, str] = {
    EvidenceKind.QUOTE: "quoted",
    EvidenceKind.ANSWER: "answered",
    EvidenceKind.CORRECTION: "corrected",
    EvidenceKind.FILE: "from file",
    EvidenceKind.ASSUMED: "assumed",
}


def evidence_tag(evidence: Sequence[Evidence]) -> str:
    """Where a fact comes from in a word or two, e.g. `quoted +1`, for very narrow columns."""
    if not evidence:
        return "no evidence"
    return TAGS[evidence[0].kind] + (f" +{len(evidence) - 1}" if len(evidence) > 1 else "")


def evidence_line(
    evidence: Sequence[Evidence], width: int = EVIDENCE_WIDTH, focus: str = ""
) -> str:
    """The first piece of evidence, clipped to `width`, and how many more there are.

    A quote is cut around `focus` (the fact's name) when it holds it: quotes are windows of the
    description, and several facts of one sentence would otherwise all show its first words.
    """
    if not evidence:
        return "no evidence"
    more = f" (+{len(evidence) - 1})" if len(evidence) > 1 else ""
    budget = max(8, width - len(more))
    first = evidence[0]
    if first.kind == EvidenceKind.QUOTE and focus:
        return f"“{clip(first.quote, budget - 2, focus)}”" + more
    return clip(short_evidence(first), budget) + more


def clip(text: str, width: int, focus: str = "") -> str:
    """`text` on one line, at most `width` characters; ellipses mark cuts.

    With `focus`, the cut keeps its first occurrence in view, about a third of the way in.
    """
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    at = flat.casefold().find(focus.casefold()) if focus else -1
    if at > 0 and at + len(focus) > width - 1:
        start = max(1, min(at - max(0, width - len(focus)) // 3, len(flat) - width + 1))
        flat = "…" + flat[start:].lstrip()
        if len(flat) <= width:
            return flat
    return flat[: width - 1].rstrip() + "…"


def focus(fact: Fact) -> str:
    """The words of a fact most likely to be in its quote: its name, if it has one."""
    return fact.label if fact.kind in ("component", "asset", "entry-point", "boundary") else ""


def _item(fact: Fact) -> str:
    detail = f" · {fact.detail}" if fact.detail else ""
    return (
        f"- `{fact.id}` {fact.label}{detail} — _{evidence_line(fact.evidence, focus=focus(fact))}_"
    )


def system_markdown(system: SystemModel, vocabulary: Iterable[str] = ()) -> str:
    """The system model with the evidence of every fact, compact, for `/system`."""
    if not (system.components or system.capabilities or system.description.strip()):
        return "Nothing is known about the system yet: describe it first."
    every = facts(system, vocabulary)
    lines = [f"**System model{f': {system.name}' if system.name else ''}**"]
    empty: list[str] = []
    for kind, title in SECTIONS.items():
        shown = [f for f in every if f.kind == kind]
        if kind == "capability":
            lines += _capability_lines(shown)
            continue
        if not shown:
            empty.append(title.lower())
            continue
        lines += ["", f"**{title}**", *(_item(f) for f in shown)]
    for title, sentences in (
        ("Open questions", system.unknowns),
        ("Assumptions", system.assumptions),
    ):
        if sentences:
            lines += ["", f"**{title}**", *(f"- {s}" for s in sentences)]
    if empty:
        lines += ["", f"_Nothing recorded yet for: {', '.join(empty)}._"]
    lines += [
        "",
        "Correct any fact with `/set`, `/rename`, `/merge`, `/delete`, `/flow` or `/control` "
        "(`/help` shows how); `/analyze` then updates the findings.",
    ]
    return "\n".join(lines)


def _capability_lines(capabilities: Sequence[Fact]) -> list[str]:
    settled = [f for f in capabilities if f.state is not None]
    unknown = [f.id for f in capabilities if f.state is None]
    lines = ["", "**Capabilities**"]
    lines += [
        f"- `{f.id}` {'on' if f.state else 'off'} — _{evidence_line(f.evidence)}_" for f in settled
    ]
    if not settled:
        lines.append("- none settled yet")
    if unknown:
        lines.append(f"- unknown: {', '.join(unknown)}")
    return lines


def fact_markdown(fact: Fact, meanings: Mapping[str, str] | None = None) -> str:
    """One fact with all its evidence, for the System tab's detail view."""
    lines = [f"## {NOUNS[fact.kind].capitalize()} `{fact.id}`", "", f"**{fact.label}**"]
    if fact.detail:
        lines += ["", fact.detail]
    meaning = (meanings or {}).get(fact.id) if fact.kind == "capability" else None
    if meaning:
        lines += ["", f"_{meaning}_"]
    lines += ["", "### Evidence", ""]
    lines += [f"- {e.label()}" for e in fact.evidence] or ["- none recorded"]
    return "\n".join(lines)
