"""The issue's repros through the real entry point, in a subprocess: exit codes, one-line errors,
no hangs, no debris, and peak memory under 200 MB."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from assistant.files import MAX_INPUT_BYTES
from assistant.model_io import MAX_JSON_CONTAINERS, MAX_REJECTED
from tests.faults.support import ROOT, Run, cli, stray_temps

MODEL = ROOT / "docs" / "examples" / "rpa-threat-model.json"
DESCRIPTION = ROOT / "docs" / "examples" / "system.md"
PEAK_MB = 200


def one_line(run: Run) -> str:
    lines = run.message.strip().splitlines()
    assert len(lines) == 1, run.message
    assert "Traceback" not in run.err and "internal error" not in run.err
    return lines[0]


def test_validate_a_device_is_refused_in_one_line(tmp_path: Path) -> None:
    run = cli("validate", "/dev/zero", cwd=tmp_path)
    assert run.code == 2
    assert one_line(run) == "maestro-tm: /dev/zero: is a device, not a regular file; give a file"
    assert run.peak_mb < PEAK_MB


def test_validate_a_fifo_with_no_writer_does_not_hang(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "tm.json")
    run = cli("validate", "tm.json", cwd=tmp_path)  # the helper fails the test after 120 s
    assert run.code == 2
    assert one_line(run) == "maestro-tm: tm.json: is a pipe (FIFO), not a regular file; give a file"


def test_validate_a_file_one_byte_over_the_limit(tmp_path: Path) -> None:
    with (tmp_path / "big.json").open("wb") as fh:
        fh.write(b"x" * (MAX_INPUT_BYTES + 1))
    run = cli("validate", "big.json", cwd=tmp_path)
    assert run.code == 2
    assert "big.json: file is 20,971,521 bytes; the limit is 20 MB" in one_line(run)
    assert run.peak_mb < PEAK_MB


@pytest.mark.parametrize("extra", [1, 12 * 1024 * 1024])  # just over, and the 32 MB
def test_analyze_stdin_over_the_limit_is_refused(tmp_path: Path, extra: int) -> None:
    run = cli("analyze", "-", cwd=tmp_path, stdin=b"a" * (MAX_INPUT_BYTES + extra))
    assert run.code == 2
    assert one_line(run) == (
        "maestro-tm: the standard input: input is larger than the limit of 20 MB"
    )
    assert run.peak_mb < PEAK_MB


def test_analyze_stdin_at_the_limit_is_read(tmp_path: Path) -> None:
    # Near miss of the above: exactly the limit is accepted (and then describes nothing).
    run = cli("analyze", "-", cwd=tmp_path, stdin=b"a" * MAX_INPUT_BYTES)
    assert run.code == 2
    assert "nothing in the standard input describes a system" in run.message.splitlines()[-1]
    assert run.peak_mb < PEAK_MB


def test_validate_a_model_near_the_limits_stays_under_200_mb(tmp_path: Path) -> None:
    data = json.loads(MODEL.read_text(encoding="utf-8"))
    minimal = {k: data["findings"][0][k] for k in ("threat_id", "layer", "title", "scenario")}
    minimal |= {"likelihood": "likely", "impact": "high", "provenance": {"engine": "rules"}}
    room = (MAX_JSON_CONTAINERS - 200) // 2  # two containers per minimal finding
    data["findings"] = [{**minimal, "id": f"F-{i:05d}"} for i in range(room)]
    (tmp_path / "tm.json").write_text(json.dumps(data), encoding="utf-8")
    run = cli("validate", "tm.json", cwd=tmp_path)
    assert run.code in (0, 1), run.message
    assert run.peak_mb < PEAK_MB


def test_a_file_of_empty_findings_is_refused_not_expanded(tmp_path: Path) -> None:
    # 2 MB of `{},` once took 3.4 GB: one rejected verdict per empty finding.
    data = json.loads(MODEL.read_text(encoding="utf-8"))
    data["findings"] = [{}] * (MAX_JSON_CONTAINERS - 200)
    (tmp_path / "tm.json").write_text(json.dumps(data), encoding="utf-8")
    run = cli("validate", "tm.json", cwd=tmp_path)
    assert run.code == 2
    assert one_line(run) == (
        f"maestro-tm: tm.json: not a threat model: more than {MAX_REJECTED:,} findings do not "
        "fit the schema"
    )
    assert run.peak_mb < PEAK_MB
    data["findings"] = [{}] * 700_000
    (tmp_path / "tm.json").write_text(json.dumps(data), encoding="utf-8")
    run = cli("validate", "tm.json", cwd=tmp_path)
    assert "too many JSON objects and lists (700,0" in one_line(run) and run.code == 2


def test_export_onto_a_fifo_is_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "out.md")
    run = cli("export", str(MODEL), "--format", "md", "-o", "out.md", cwd=tmp_path)
    assert run.code == 2
    assert one_line(run) == (
        "maestro-tm: out.md: is a pipe (FIFO), not a regular file; refusing to replace it "
        "(give a file path)"
    )
    assert (tmp_path / "out.md").is_fifo()
    assert stray_temps(tmp_path) == []


def test_export_through_a_planted_temp_symlink_leaves_the_victim(tmp_path: Path) -> None:
    (tmp_path / "victim").write_text("precious\n", encoding="utf-8")
    (tmp_path / ".o.md.tmp").symlink_to("victim")
    run = cli("export", str(MODEL), "--format", "md", "-o", "o.md", cwd=tmp_path)
    assert run.code == 0, run.message
    assert (tmp_path / "victim").read_text(encoding="utf-8") == "precious\n"
    assert (tmp_path / "o.md").read_text(encoding="utf-8").startswith("#")


def test_export_overwrites_an_existing_file(tmp_path: Path) -> None:
    # The CLI's documented behaviour: an existing regular file is replaced without asking.
    (tmp_path / "o.md").write_text("old\n", encoding="utf-8")
    run = cli("export", str(MODEL), "--format", "md", "-o", "o.md", cwd=tmp_path)
    assert run.code == 0
    assert (tmp_path / "o.md").read_text(encoding="utf-8") != "old\n"


@pytest.mark.parametrize(
    ("output", "message"),
    [
        (
            "missing-dir/x.json",
            "missing-dir/x.json: cannot write: directory missing-dir does not exist",
        ),
        ("DIR/", "DIR/: is a directory name; give a file name to write"),
        (
            "DIR",
            "DIR: is a directory, not a regular file; refusing to replace it (give a file path)",
        ),
    ],
)
def test_analyze_to_a_bad_output_path(tmp_path: Path, output: str, message: str) -> None:
    (tmp_path / "DIR").mkdir()
    run = cli("analyze", str(DESCRIPTION), "-o", output, cwd=tmp_path)
    assert run.code == 2
    # analyze reports progress on stderr first; the error is its one last line.
    assert run.message.strip().splitlines()[-1] == f"maestro-tm: {message}"
    assert "Traceback" not in run.err and "internal error" not in run.err
    assert stray_temps(tmp_path) == [] and stray_temps(tmp_path / "DIR") == []
    assert list((tmp_path / "DIR").iterdir()) == []


def test_validate_with_a_broken_catalogue_exits_2(tmp_path: Path) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", knowledge)
    with (knowledge / "catalogue.yaml").open("a", encoding="utf-8") as fh:
        fh.write("broken: [: :\n")
    run = cli("validate", str(MODEL), cwd=tmp_path, env={"MAESTRO_TM_KNOWLEDGE": str(knowledge)})
    assert run.code == 2
    assert one_line(run).startswith("maestro-tm: catalogue is invalid: catalogue.yaml:")


def test_diff_names_the_type_of_a_quoted_schema_version(tmp_path: Path) -> None:
    data = json.loads(MODEL.read_text(encoding="utf-8"))
    data["schema_version"] = "1"
    (tmp_path / "old.json").write_text(json.dumps(data), encoding="utf-8")
    run = cli("diff", "old.json", str(MODEL), cwd=tmp_path)
    assert run.code == 2
    assert one_line(run) == (
        'maestro-tm: old.json: schema_version must be the number 1 or 2, not a string "1"; '
        "write it without quotes"
    )
