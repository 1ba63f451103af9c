"""Markdown sections about the system and the catalogue: the system model and the appendix.

The system model's facts, each with its evidence, are rendered by `markdown_facts`.
"""

from __future__ import annotations

import re

from assistant.export.common import (
    cited_entry_ids,
    natural_key,
    source_citation,
)
from assistant.export.diagram import mermaid_diagram
from assistant.export.escape import md, md_paragraphs, md_strong
from assistant.export.markdown_facts import facts_sections
from assistant.knowledge import Catalogue
from assistant.knowledge.model import Entry, ThreatEntry
from assistant.schema import ThreatModel

# Only plain https URLs from the catalogue's own registry become autolinks; anything else is
# shown as escaped text.
_SAFE_URL = re.compile(r"^https://[A-Za-z0-9._~:/?#@!$&'()*+,;=%-]+$")


def system_section(model: ThreatModel) -> str:
    """The system model: name, description, diagram, then every fact with its evidence."""
    system = model.system
    lines = ["## System model", ""]
    if system.name.strip():
        lines += [md_strong(system.name), ""]
    for paragraph in md_paragraphs(system.description) or ["No description recorded."]:
        lines += [paragraph, ""]
    lines += ["### Diagram", ""]
    lines += [
        "Layers are boxes; dashed red boxes are trust boundaries; thick arrows cross one; "
        "dotted red arrows are cross-layer chains.",
        "",
        mermaid_diagram(model),
    ]
    lines += facts_sections(system)
    return "\n".join(lines)


_GROUPS = (("threat", "Threats"), ("chain", "Cross-layer patterns"), ("mitigation", "Mitigations"))


def _entry_lines(entry: Entry, cat: Catalogue) -> list[str]:
    kind = entry.kind + (f", {entry.family.value}" if isinstance(entry, ThreatEntry) else "")
    layers = ", ".join(layer.value for layer in entry.layers) or "none"
    lines = [
        "",
        f"#### {md(entry.id)} {md(entry.name)}",
        "",
        f"- **Kind:** {md(kind)}; **layers:** {layers}",
        f"- **Summary:** {md(entry.summary)}",
        "- **Sources:**",
    ]
    return lines + [f"  - {md(source_citation(cat, s))}" for s in entry.sources]


def appendix_section(model: ThreatModel, cat: Catalogue) -> str:
    """The appendix: every catalogue entry the findings cite, then the source documents.

    Entries are grouped by kind (threats, cross-layer patterns, mitigations, other guidance) and
    list all their sources.
    """
    ids = cited_entry_ids(model, cat)
    lines = ["## Appendix: catalogue entries cited"]
    if not ids:
        return "\n".join([*lines, "", "No catalogue entries are cited."])
    entries = [e for e in (cat.get(i) for i in ids) if e is not None]
    known = {k for k, _ in _GROUPS}
    for kind, heading in (*_GROUPS, ("", "Other guidance")):
        group = [e for e in entries if e.kind == kind or (not kind and e.kind not in known)]
        if group:
            lines += ["", f"### {heading}"]
            for entry in group:
                lines += _entry_lines(entry, cat)
    unknown = [i for i in ids if cat.get(i) is None]
    if unknown:
        lines += ["", f"### Not in catalogue {md(cat.version)}", ""]
        lines += [f"- {md(i)}" for i in unknown]
    docs = sorted({s.doc for e in entries for s in e.sources}, key=natural_key)
    lines += ["", "### Source documents", ""]
    lines += [
        "| key | document | version | publisher | licence | address |",
        "|---|---|---|---|---|---|",
    ]
    for key in docs:
        src = cat.sources.get(key)
        if src is None:
            lines.append(f"| {md(key)} | not in the source registry | | | | |")
            continue
        url = f"<{src.url}>" if _SAFE_URL.match(src.url) else md(src.url)
        lines.append(
            f"| {md(key)} | {md(src.title)} | {md(src.version)} | {md(src.publisher)} "
            f"| {md(src.licence)} | {url} |"
        )
    return "\n".join(lines)
