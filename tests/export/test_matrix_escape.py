import re

from hypothesis import given
from hypothesis import strategies as st

from assistant.export.escape import csv_cell, md, mermaid
from assistant.export.matrix import risk_matrix_markdown
from assistant.schema import Finding
from tests.export.builders import finding_at

UNESCAPED_PIPE = re.compile(r"(?<!\\)(?:\\\\)*\|")


def findings(*cells: tuple[str, str, str]) -> list[Finding]:
    return [
        Finding.model_validate(
            finding_at(f"F-{i}", "T1", "L2", likelihood=lk, impact=im, status=st)
        )
        for i, (lk, im, st) in enumerate(cells)
    ]


def test_risk_matrix_markdown_is_a_table() -> None:
    text = risk_matrix_markdown(findings(("very-likely", "critical", "draft")))
    lines = text.splitlines()
    assert len(lines) == 6
    assert (
        lines[2] == "| **very-likely** | 0 (medium) | 0 (high) | 0 (critical) | **1** (critical) |"
    )


def test_md_examples() -> None:
    assert md("a | b") == "a \\| b"
    assert md("<b>x</b>") == "\\<b\\>x\\</b\\>"
    assert md("line one\nline two") == "line one line two"
    assert md("# title") == "\\# title"
    assert md("1. first") == "1\\. first"
    assert md("- item") == "\\- item"
    assert md("2026.11.0 and F-001") == "2026.11.0 and F-001"
    assert md("R&D, &amp;") == "R&D, \\&amp;"


@given(st.text())
def test_md_never_breaks_a_table_row(text: str) -> None:
    row = f"| {md(text)} | x |"
    assert len(UNESCAPED_PIPE.findall(row)) == 3
    assert "\n" not in row and "\r" not in row
    assert not re.search(r"(?<!\\)(?:\\\\)*[<>`\[\]]", md(text))


@given(st.text())
def test_mermaid_labels_only_hold_safe_characters(text: str) -> None:
    bare = re.sub(r"#\d+;", "", mermaid(text))
    assert all(ch.isalnum() or ch in " ,.:/'?!+=-_()\u2026" for ch in bare)


@given(st.text())
def test_csv_cells_never_start_a_formula(text: str) -> None:
    assert not csv_cell(text).startswith(("=", "+", "-", "@", "\t", "\r"))
