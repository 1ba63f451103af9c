import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.knowledge import Catalogue
from tests.export.builders import EXAMPLE, rich_model, write, write_raw
from tests.export.test_diff import before_and_after_adding_a_tool
from tests.helpers import run_cli

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    def run(*args: str) -> tuple[int, str, str]:
        return run_cli(list(args), monkeypatch, capsys)

    return run


def test_export_every_format_to_stdout(cli: Run) -> None:
    code, out, err = cli("export", str(EXAMPLE))
    assert code == 0, err
    assert out.startswith("# Threat model: ") and "## Findings by layer" in out
    code, out, _ = cli("export", str(EXAMPLE), "--format", "json", "-o", "-")
    assert code == 0 and json.loads(out)["$schema"] == "docs/schema/threat-model.schema.json"
    code, out, _ = cli("export", str(EXAMPLE), "-f", "otm")
    assert code == 0 and json.loads(out)["otmVersion"] == "0.2.0"
    code, out, _ = cli("export", str(EXAMPLE), "-f", "csv")
    assert code == 0 and len(list(csv.DictReader(io.StringIO(out)))) == 8


@pytest.mark.parametrize(
    ("name", "fmt"), [("r.md", "md"), ("r.csv", "csv"), ("r.otm.json", "otm"), ("r.json", "json")]
)
def test_export_to_a_file_infers_the_format(
    cli: Run, tmp_path: Path, catalogue: Catalogue, name: str, fmt: str
) -> None:
    from assistant.export import export
    from assistant.model_io import read_threat_model

    out = tmp_path / name
    code, stdout, err = cli("export", str(EXAMPLE), "-o", str(out))
    assert code == 0 and stdout == ""
    assert err.startswith(f"wrote {out} ({fmt}, ")
    assert out.read_bytes() == export(read_threat_model(EXAMPLE)[0], fmt, catalogue).encode()


def test_export_refuses_an_old_schema_version(cli: Run, tmp_path: Path) -> None:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["schema_version"] = 0
    code, out, err = cli("export", str(write_raw(tmp_path / "old.json", data)), "-f", "md")
    assert code == 2 and out == ""
    assert (
        err.strip()
        == f"maestro-tm: {tmp_path / 'old.json'}: schema_version 0 is not supported (this version reads the numbers 1 and 2)"
    )


@pytest.mark.parametrize("content", ["", "{not json", "[1, 2]", '{"id": "x"}'])
def test_export_of_unreadable_input_is_one_line_exit_2(
    cli: Run, tmp_path: Path, content: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    code, out, err = cli("export", str(path))
    assert code == 2 and out == ""
    assert err.startswith("maestro-tm: ") and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_export_warns_about_findings_left_out(cli: Run, tmp_path: Path) -> None:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["findings"][0]["likelihood"] = "certain"
    code, out, err = cli("export", str(write_raw(tmp_path / "m.json", data)), "-f", "csv")
    assert code == 0
    assert len(list(csv.DictReader(io.StringIO(out)))) == 7
    assert "warning" in err and "1 finding(s) do not fit the schema" in err and "F-001" in err


def test_export_will_not_overwrite_its_input(cli: Run, tmp_path: Path) -> None:
    path = write(tmp_path / "m.json", rich_model())
    before = path.read_bytes()
    code, _, err = cli("export", str(path), "-f", "md", "-o", str(path))
    assert code == 2 and "refusing to overwrite" in err
    assert path.read_bytes() == before


def test_export_to_a_missing_directory_is_one_line(cli: Run, tmp_path: Path) -> None:
    code, _, err = cli("export", str(EXAMPLE), "-o", str(tmp_path / "nope" / "r.md"))
    assert code == 2 and "cannot write" in err and len(err.strip().splitlines()) == 1


def test_diff_of_before_and_after_adding_a_tool(cli: Run, tmp_path: Path) -> None:
    old, new = before_and_after_adding_a_tool()
    a, b = write(tmp_path / "old.json", old), write(tmp_path / "new.json", new)
    code, out, _ = cli("diff", str(a), str(b))
    assert code == 0
    assert "+ added    high     F-9 L3 T2 [agent, payment-tool]" in out
    assert "2 added, 0 removed, 0 changed, 2 unchanged" in out
    code, out, _ = cli("diff", str(a), str(b), "--fail-on", "high")
    assert code == 1 and "fail-on high: 1 new or worsened finding(s) at high or above: F-9" in out
    code, out, _ = cli("diff", str(a), str(b), "--fail-on", "critical")
    assert code == 0 and "fail-on critical: no new or worsened finding reaches it" in out
    code, out, _ = cli("diff", str(a), str(b), "--json", "--fail-on", "medium")
    data = json.loads(out)
    assert code == 1 and data["gate"]["findings"] == ["F-9", "F-10"]
    # Removals trip the gate too (on by default with --fail-on), unless turned off.
    code, out, _ = cli("diff", str(b), str(a), "--fail-on", "low")
    assert code == 1 and "0 added, 2 removed" in out
    assert "fail-on low: 2 finding(s) at low or above removed: F-9, F-10" in out
    code, out, _ = cli("diff", str(b), str(a), "--fail-on", "low", "--no-fail-on-removed")
    assert code == 0 and "0 added, 2 removed" in out
    code, out, _ = cli("diff", str(b), str(a), "--json", "--fail-on", "low")
    assert code == 1 and json.loads(out)["gate"]["removed"] == ["F-9", "F-10"]


def test_diff_of_identical_models_passes_every_gate(cli: Run) -> None:
    code, out, _ = cli("diff", str(EXAMPLE), str(EXAMPLE), "--fail-on", "low")
    assert code == 0 and "0 added, 0 removed, 0 changed, 8 unchanged" in out


def test_diff_unreadable_input_exits_2(cli: Run, tmp_path: Path) -> None:
    code, out, err = cli("diff", str(EXAMPLE), str(tmp_path / "missing.json"), "--fail-on", "high")
    assert code == 2 and out == ""
    assert err.strip() == f"maestro-tm: {tmp_path / 'missing.json'}: no such file"


def test_diff_will_not_gate_on_a_partly_read_model(cli: Run, tmp_path: Path) -> None:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["findings"][0]["impact"] = "apocalyptic"
    bad = write_raw(tmp_path / "new.json", data)
    code, _, err = cli("diff", str(EXAMPLE), str(bad), "--fail-on", "high")
    assert code == 2 and "cannot gate" in err
    code, _, _ = cli("diff", str(EXAMPLE), str(bad))
    assert code == 0


def test_help_lists_export_and_diff(cli: Run) -> None:
    code, out, _ = cli("--help")
    assert code == 0 and "export" in out and "diff" in out
