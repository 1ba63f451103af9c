import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import finding, run_cli, threat_model

Run = tuple[int, str, str]
Cli = Callable[..., Run]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    def run(*args: str) -> Run:
        return run_cli(list(args), monkeypatch, capsys)

    return run


def write_model(tmp_path: Path, *findings: dict[str, object]) -> Path:
    path = tmp_path / "model.json"
    path.write_text(threat_model(*findings).model_dump_json(by_alias=True), encoding="utf-8")
    return path


def test_catalogue_check_passes(cli: Cli) -> None:
    code, out, err = cli("catalogue", "check")
    assert code == 0, err
    assert out.startswith("catalogue ") and out.strip().endswith("ok")


def test_catalogue_list_json_has_layers_and_core_threats(cli: Cli) -> None:
    code, out, _ = cli("catalogue", "list", "--json")
    ids = {e["id"] for e in json.loads(out)}
    assert code == 0
    assert {f"T{n}" for n in range(1, 18)} <= ids
    assert {"L1", "L2", "L3", "L4", "L5", "L6", "L7", "CL"} <= ids


def test_catalogue_list_filters(cli: Cli) -> None:
    code, out, _ = cli("catalogue", "list", "--layer", "L5", "--kind", "threat", "--json")
    entries = json.loads(out)
    assert code == 0 and entries
    assert all(e["kind"] == "threat" and "L5" in e["layers"] for e in entries)
    assert "T8" in {e["id"] for e in entries}


def test_catalogue_show_resolves_an_alias(cli: Cli) -> None:
    code, out, _ = cli("catalogue", "show", "MAS-MCP:T40", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["id"] == "MAS-MCP-CLIENT-IMPERSONATION"
    assert {"id", "kind", "name", "summary", "layers", "aliases", "sources"} <= set(data)
    assert data["sources"][0]["document"] and data["sources"][0]["section"]


def test_catalogue_show_unknown_id_suggests(cli: Cli) -> None:
    code, out, err = cli("catalogue", "show", "T177")
    assert code == 1 and out == ""
    assert err.startswith("maestro-tm: no catalogue entry 'T177'; closest: ")
    assert len(err.strip().splitlines()) == 1


def test_validate_accepts_a_correct_model(cli: Cli, tmp_path: Path) -> None:
    code, out, _ = cli("validate", str(write_model(tmp_path, finding())))
    assert code == 0
    assert "F-001: accepted" in out


def test_validate_rejects_with_codes(cli: Cli, tmp_path: Path) -> None:
    path = write_model(
        tmp_path,
        finding(id="F-1"),
        finding(id="F-2", threat_id="T99"),
        finding(id="F-3", threat_id="T8", layer="L1", components=["llm"]),
        finding(id="F-4", components=["ghost"]),
    )
    code, out, _ = cli("validate", str(path), "--json")
    report = json.loads(out)
    assert code == 1
    by_id = {v["finding_id"]: v for v in report["verdicts"]}
    assert by_id["F-1"]["outcome"] == "accepted"
    assert by_id["F-2"]["issues"][0]["code"] == "unknown-threat"
    assert by_id["F-3"]["issues"][0]["code"] == "layer-mismatch"
    assert by_id["F-4"]["issues"][0]["code"] == "unknown-component"


def test_validate_reports_ill_formed_findings_without_losing_the_rest(
    cli: Cli, tmp_path: Path
) -> None:
    data = json.loads(threat_model(finding()).model_dump_json(by_alias=True))
    data["findings"].append({**data["findings"][0], "id": "F-9", "likelihood": "sometimes"})
    path = tmp_path / "m.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    code, out, _ = cli("validate", str(path))
    assert code == 1
    assert "F-9: rejected" in out and "bad-risk-input" in out and "F-001: accepted" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not json at all", "not valid JSON"),
        (b'{"id": "x", "catalogue_version": "1", "findings": [', "looks truncated"),
        (b"[1, 2, 3]", "expected a JSON object"),
        (b'{"hello": "world"}', "not a valid threat model"),
        (b"\xff\xfe\x00binary", "not UTF-8"),
        (b"", "file is empty"),
        (
            b'{"id": "x", "catalogue_version": "1", "schema_version": 7}',
            "schema_version 7 is not supported",
        ),
    ],
)
def test_validate_unreadable_files_exit_2_with_one_line(
    cli: Cli, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    code, out, err = cli("validate", str(path))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert str(path) in err and message in err
    assert "Traceback" not in err


def test_validate_refuses_huge_files(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as fh:
        fh.write(b'{"pad": "')
        fh.write(b"x" * (50 * 1024 * 1024))
        fh.write(b'"}')
    code, _, err = cli("validate", str(path))
    assert code == 2 and "50.0 MB; the limit is 20 MB" in err


def test_validate_missing_file(cli: Cli, tmp_path: Path) -> None:
    code, _, err = cli("validate", str(tmp_path / "nope.json"))
    assert code == 2 and "no such file" in err


def test_validate_with_a_retrieval_log(cli: Cli, tmp_path: Path) -> None:
    path = write_model(tmp_path, finding(evidence=["T1#0", "T6#1"]))
    log = tmp_path / "retrieved.txt"
    log.write_text("T1#0\n", encoding="utf-8")
    code, out, _ = cli("validate", str(path), "--retrieved", str(log))
    assert code == 1 and "unretrieved-evidence" in out


def test_example_model_in_docs_validates(cli: Cli) -> None:
    from tests.conftest import ROOT

    code, out, err = cli("validate", str(ROOT / "docs/examples/rpa-threat-model.json"))
    assert code == 0, out + err


def test_overview_runs(cli: Cli) -> None:
    code, out, _ = cli("overview")
    assert code == 0 and "L5" in out and "Decision path" in out


def test_validate_rejects_a_hand_made_t11_on_a_system_without_code_execution(
    cli: Cli, tmp_path: Path
) -> None:
    data = json.loads(
        threat_model(finding(threat_id="T11", layer="L3", components=["agent"])).model_dump_json(
            by_alias=True
        )
    )
    data["system"]["capabilities"] = {"code-execution": False, "tools": False}
    data["system"]["capability_evidence"] = {
        "code-execution": [{"kind": "quote", "quote": "it never runs code", "start": 0, "end": 18}]
    }
    path = tmp_path / "t11.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    code, out, _ = cli("validate", str(path))
    assert code == 1
    assert "F-001: rejected" in out
    assert "error: contradicts-system: T11" in out and '"it never runs code"' in out


def test_validate_can_require_grounding(cli: Cli, tmp_path: Path) -> None:
    path = write_model(tmp_path, finding())
    assert cli("validate", str(path))[0] == 0
    code, out, _ = cli("validate", str(path), "--require-grounding")
    assert code == 1 and "ungrounded" in out


@pytest.mark.parametrize("example", ["system.md", "system.yaml"])
def test_the_tools_own_analysis_validates_without_warnings(
    cli: Cli, tmp_path: Path, example: str
) -> None:
    from tests.conftest import ROOT

    out_path = tmp_path / "tm.json"
    code, _, err = cli("analyze", str(ROOT / "docs/examples" / example), "-o", str(out_path))
    assert code == 0, err
    code, out, _ = cli("validate", str(out_path), "--json")
    report = json.loads(out)
    assert code == 0
    assert report["counts"]["accepted-with-warnings"] == 0, [
        v for v in report["verdicts"] if v["issues"]
    ]
    assert report["counts"]["accepted"] >= 8  # a real analysis, not an empty one
