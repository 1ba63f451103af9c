import re

import pytest

from assistant.export import export
from assistant.export.markdown import BANNER
from assistant.knowledge import Catalogue
from assistant.model_io import read_threat_model
from assistant.schema import LAYER_NAMES, Finding, FindingStatus, Layer, ThreatModel
from tests.export.builders import EXAMPLE, HOSTILE, finding_at, hostile_model, rich_model

UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
# Every HTML element the review draft may produce once rendered: ours, never the user's.
STRUCTURE = {
    "a",
    "blockquote",
    "code",
    "h1",
    "h2",
    "h3",
    "h4",
    "li",
    "ol",
    "ul",
    "p",
    "pre",
    "strong",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}


def render(model: ThreatModel, catalogue: Catalogue) -> str:
    return export(model, "md", catalogue)


def with_statuses(model: ThreatModel, *statuses: str) -> ThreatModel:
    findings = [
        f.model_copy(update={"status": FindingStatus(s)})
        for f, s in zip(model.findings, statuses, strict=True)
    ]
    return model.model_copy(update={"findings": findings})


def test_example_has_a_section_for_every_layer_in_the_model(catalogue: Catalogue) -> None:
    model, dropped = read_threat_model(EXAMPLE)
    assert not dropped
    text = render(model, catalogue)
    present = {f.layer for f in model.findings} | {
        layer for c in model.system.components for layer in c.layers
    }
    assert present == set(Layer)
    findings_part = text.split("## Findings by layer", 1)[1].split("## Cross-layer chains", 1)[0]
    for layer in Layer:
        assert f"\n### {layer.value} {LAYER_NAMES[layer]}\n" in findings_part
    for f in model.findings:
        assert f"#### {f.id}: {f.title}" in findings_part


def test_layer_sections_follow_findings_components_and_coverage(catalogue: Catalogue) -> None:
    text = render(rich_model(), catalogue)
    findings_part = text.split("## Findings by layer", 1)[1].split("## Cross-layer chains", 1)[0]
    headings = re.findall(r"^### (L\d|CL) ", findings_part, flags=re.M)
    assert headings == ["L1", "L2", "L3", "L4", "L5", "L6", "L7", "CL"]
    assert "Findings: 0. Coverage: not-applicable: No external agents." in findings_part
    assert "Findings: 0. Coverage: unknown: Who can grant the agent new roles?" in findings_part
    assert "Findings: 1. Coverage: not recorded" in findings_part


def test_sections_appear_in_order(catalogue: Catalogue) -> None:
    text = render(rich_model(), catalogue)
    order = [
        "# Threat model: Expense agent review",
        "## Executive summary",
        "### Top risks",
        "### Risk matrix",
        "## System model",
        "```mermaid",
        "### Components",
        "### Capabilities",
        "### Controls",
        "### Entry points",
        "### Assets",
        "### Data flows",
        "### Trust boundaries",
        "### Assumptions",
        "### Open questions",
        "## Findings by layer",
        "## Cross-layer chains",
        "## Coverage",
        "### Open questions by layer",
        "## Appendix: catalogue entries cited",
        "### Source documents",
    ]
    positions = [text.index(marker) for marker in order]
    assert positions == sorted(positions)
    assert text.endswith("\n") and not text.endswith("\n\n")


def test_metadata_names_engine_models_prompts_and_catalogue(catalogue: Catalogue) -> None:
    text = render(rich_model(), catalogue)
    head = text.split("## Executive summary", 1)[0]
    assert "- **Date:** 2025-06-30 12:00:00 UTC" in head
    assert "- **Engine:** hybrid, llm, rules" in head
    assert "- **Model:** openai/gpt-4o-mini" in head
    assert "- **Prompt versions:** propose-layer v3" in head
    assert (
        f"- **Catalogue version:** test (names and sources below are from catalogue {catalogue.version})"
        in head
    )


@pytest.mark.parametrize(
    ("statuses", "banner"),
    [
        (("draft", "accepted", "accepted", "accepted"), True),
        (("accepted", "accepted", "accepted", "needs-info"), True),
        (("accepted", "rejected", "accepted", "accepted"), False),
        (("rejected", "rejected", "rejected", "rejected"), False),
    ],
)
def test_banner_until_every_finding_is_accepted_or_rejected(
    catalogue: Catalogue, statuses: tuple[str, ...], banner: bool
) -> None:
    text = render(with_statuses(rich_model(), *statuses), catalogue)
    assert (BANNER in text) is banner
    assert ("> **Reviewed.** All 4 findings are accepted or rejected" in text) is not banner


def test_banner_counts_what_is_pending(catalogue: Catalogue) -> None:
    text = render(rich_model(), catalogue)
    assert f"> **{BANNER}** 3 of 4 findings await a decision (2 draft, 1 needs-info)." in text


def test_a_model_without_findings_stays_a_draft(catalogue: Catalogue) -> None:
    text = render(rich_model().model_copy(update={"findings": []}), catalogue)
    assert f"> **{BANNER}** This threat model has no findings" in text
    assert "No findings to rank." in text


def test_finding_block_has_every_field(catalogue: Catalogue) -> None:
    text = render(rich_model(), catalogue)
    block = text.split("#### F-1: ", 1)[1].split("####", 1)[0]
    assert "- **Threat:** T1 Memory Poisoning" in block
    assert "- **Risk:** medium (likelihood possible, impact high)" in block
    assert "- **Rationale:** Wiki edits are reviewed weekly." in block
    assert "- **Status:** draft" in block
    assert "- **Components:** Policy vector store (policy-store), Expense agent (agent)" in block
    assert "- **Agentic factors:** autonomy" in block
    assert "  - L2-P1 RAG Source Document Integrity: Sign policy documents." in block
    t1 = catalogue.get("T1")
    assert t1 is not None
    first = t1.sources[0]
    assert f"  - T1#0: T1 Memory Poisoning; {catalogue.sources[first.doc].title}" in block
    assert first.section in block
    assert "- **Provenance:** llm, openai/gpt-4o-mini, propose-layer v3" in block
    cl = text.split("#### F-10: ", 1)[1].split("## Cross-layer chains", 1)[0]
    assert "- **Chain:** L1 -> L2 -> L3" in cl
    assert "- **Reviewer note:** Which model version?" in cl


def test_a_needs_info_finding_shows_its_open_question(catalogue: Catalogue) -> None:
    question = "Does the agent run code?"
    model = rich_model(finding_at("F-99", "T1", "L2", status="needs-info", question=question))
    text = render(model, catalogue)
    block = text.split("#### F-99: ", 1)[1].split("####", 1)[0]
    assert f"- **Open question:** {question}" in block
    assert text.count("- **Open question:**") == 1


def test_findings_within_a_layer_are_ordered_by_risk_then_id(catalogue: Catalogue) -> None:
    model = rich_model(
        finding_at("F-9", "T1", "L2", likelihood="very-likely", impact="critical"),
        finding_at("F-11", "T1", "L2", likelihood="possible", impact="high"),
    )
    text = render(model, catalogue)
    findings_part = text.split("## Findings by layer", 1)[1]
    l2 = findings_part.split("### L2 Data Operations", 1)[1].split("### L3", 1)[0]
    assert re.findall(r"^#### (F-\d+):", l2, flags=re.M) == ["F-9", "F-1", "F-11"]


def test_chains_coverage_assumptions_and_appendix(catalogue: Catalogue) -> None:
    text = render(rich_model(), catalogue)
    assert (
        "| F-10 | L1 -> L2 -> L3 | T6 Intent Breaking & Goal Manipulation | medium | needs-info |"
        in text
    )
    assert "| L7 Agent Ecosystem | not-applicable: No external agents. | 0 |" in text
    assert "| L4 Deployment and Infrastructure | not recorded | 0 |" in text
    assert "- L6: Who can grant the agent new roles?" in text
    assert "- Is the audit log append-only?" in text
    assert "- The wiki is editable by finance only." in text
    appendix = text.split("## Appendix: catalogue entries cited", 1)[1]
    for entry_id in ("T1", "T2", "T6", "T8", "L2-P1"):
        entry = catalogue.get(entry_id)
        assert entry is not None
        assert f"#### {entry.id} {entry.name}" in appendix
    assert "| TM-1.1 |" in appendix


def test_mermaid_diagram_shows_layers_boundaries_flows_and_chains(catalogue: Catalogue) -> None:
    text = render(rich_model(), catalogue)
    diagram = text.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert diagram.startswith("flowchart TB\n")
    for layer in ("L1", "L2", "L3", "L4", "L5"):
        assert f"subgraph layer_{layer}[" in diagram
    assert 'subgraph tb0_L4["trust boundary: finance systems"]' in diagram
    assert '==>|"Payment requests - crosses finance systems"|' in diagram
    assert '-->|"Policy passages (HTTPS)"|' in diagram
    assert 'layer_L1 -.->|"chain F-10"| layer_L2' in diagram
    assert 'layer_L2 -.->|"chain F-10"| layer_L3' in diagram
    assert "linkStyle 2,3 " in diagram


def test_risk_matrix_counts(catalogue: Catalogue) -> None:
    model = rich_model(
        finding_at("F-20", "T1", "L2", likelihood="likely", impact="critical"),
        finding_at("F-21", "T1", "L2", likelihood="possible", impact="high", status="rejected"),
    )
    text = render(model, catalogue)
    matrix = text.split("### Risk matrix\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert matrix[0] == "| likelihood \\ impact | low | medium | high | critical |"
    rows = {line.split(" | ")[0].strip("| *"): line for line in matrix[2:]}
    assert (
        rows["likely"] == "| **likely** | 0 (medium) | 0 (medium) | 0 (high) | **2** (critical) |"
    )
    assert rows["possible"] == "| **possible** | 0 (low) | 0 (medium) | **2** (medium) | 0 (high) |"
    assert rows["unlikely"] == "| **unlikely** | **1** (low) | 0 (low) | 0 (medium) | 0 (medium) |"
    assert "(1 rejected in review and not counted here)" in text
    assert "| critical | 2 |" in text


def test_hostile_text_is_escaped_everywhere(catalogue: Catalogue) -> None:
    text = render(hostile_model(), catalogue)
    outside_mermaid = re.sub(r"```mermaid\n.*?```", "", text, flags=re.S)
    for raw in (
        "<script>",
        "<img",
        "![pixel]",
        "[link](",
        "`code`",
        "*bold*",
        "~~s~~",
        "$x$",
        "&lt;",
    ):
        assert not re.search(r"(?<!\\)" + re.escape(raw), outside_mermaid), raw
    assert "\x1b" not in text and "\u202e" not in text
    # User text never starts a line: no heading, list item or thematic break from it.
    for line in text.splitlines():
        assert not line.startswith(("# heading", "- list", "1. item", "---", "end", "%%")), line
    assert HOSTILE.splitlines()[0] not in text


def test_hostile_text_never_breaks_a_table(catalogue: Catalogue) -> None:
    text = render(hostile_model(), catalogue)
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("|---"):
            columns = len(UNESCAPED_PIPE.findall(line))
            row = i + 1
            while row < len(lines) and lines[row].startswith("|"):
                assert len(UNESCAPED_PIPE.findall(lines[row])) == columns, lines[row]
                row += 1


def test_hostile_text_cannot_escape_a_mermaid_label(catalogue: Catalogue) -> None:
    text = render(hostile_model(), catalogue)
    diagram = text.split("```mermaid\n", 1)[1].split("```", 1)[0]
    for line in diagram.splitlines():
        # Quotes only as label delimiters; no raw markup, comments or backticks anywhere.
        assert line.count('"') in (0, 2), line
        for bad in ("<", ">", "`", "%%", "|x", "\\"):
            if bad == ">" and ("-->" in line or "==>" in line or "-.->" in line):
                continue
            assert bad not in line.replace("-->", "").replace("==>", "").replace("-.->", ""), (
                bad,
                line,
            )
    assert "#60;script#62;" in diagram


def test_unknown_catalogue_ids_are_shown_not_fatal(catalogue: Catalogue) -> None:
    odd = Finding.model_validate(
        finding_at("F-X", "T999", "L3", mitigations=[{"id": "NOPE-1"}], evidence=["ZZ#1"])
    )
    model = rich_model().model_copy(update={"findings": [odd]})
    text = render(model, catalogue)
    assert f"T999 (not in catalogue {catalogue.version})" in text
    assert "NOPE-1 (not a catalogue mitigation)" in text
    assert f"ZZ#1: not in catalogue {catalogue.version}" in text
    assert f"### Not in catalogue {catalogue.version}" in text


def test_a_commonmark_renderer_sees_only_our_structure(catalogue: Catalogue) -> None:
    # markdown-it-py (pinned, via textual/rich) is a CommonMark parser; with GFM tables and
    # strikethrough on, it is what a code-hosting site does to the file.
    from markdown_it import MarkdownIt

    source = render(hostile_model(), catalogue)
    html = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(source)
    tags = set(re.findall(r"<([a-z][a-z0-9]*)", html))
    assert tags <= STRUCTURE
    assert not {"img", "script", "s", "em", "del", "hr"} & tags
    for href in re.findall(r'<a href="([^"]*)"', html):
        assert href.startswith("https://") and "evil" not in href
    for table in re.findall(r"<table>.*?</table>", html, flags=re.S):
        widths = {
            len(re.findall(r"<t[hd][ >]", row))
            for row in re.findall(r"<tr>.*?</tr>", table, flags=re.S)
        }
        assert len(widths) == 1, table[:300]
    headings = re.findall(r"<h[1-4]>(.*?)</h[1-4]>", html)
    assert not [h for h in headings if h.startswith(("heading", "not a heading"))]
