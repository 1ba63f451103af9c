import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from assistant.export import FORMATS, export
from assistant.knowledge import Catalogue
from assistant.model_io import read_threat_model
from tests.export.builders import EXAMPLE, ROOT, hostile_model, rich_model


@pytest.mark.parametrize("fmt", FORMATS)
def test_same_input_same_bytes(catalogue: Catalogue, fmt: str) -> None:
    for model in (read_threat_model(EXAMPLE)[0], rich_model(), hostile_model()):
        first = export(model, fmt, catalogue)
        second = export(model.model_copy(deep=True), fmt, catalogue)
        assert first.encode() == second.encode()
        assert "\r\n" not in first and first.endswith("\n")


@pytest.mark.parametrize("fmt", FORMATS)
def test_dict_order_does_not_change_the_output(catalogue: Catalogue, fmt: str) -> None:
    model = rich_model()
    shuffled = model.model_copy(update={"coverage": dict(reversed(list(model.coverage.items())))})
    assert export(model, fmt, catalogue) == export(shuffled, fmt, catalogue)


@pytest.mark.parametrize("fmt", FORMATS)
def test_finding_order_does_not_change_the_report(catalogue: Catalogue, fmt: str) -> None:
    model = rich_model()
    reordered = model.model_copy(update={"findings": list(reversed(model.findings))})
    if fmt == "json":  # the schema of record keeps the model's own order
        return
    assert export(model, fmt, catalogue) == export(reordered, fmt, catalogue)


def test_no_clock_reaches_the_output(catalogue: Catalogue) -> None:
    today = datetime.now(UTC).date().isoformat()
    model = rich_model()
    assert today != model.created.date().isoformat()
    for fmt in FORMATS:
        text = export(model, fmt, catalogue)
        assert today not in text
        if fmt != "csv":
            assert "2025-06-30" in text  # the model's own timestamp is the only one


def test_two_processes_write_identical_files(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("maestro-tm")
    if not exe.exists():
        pytest.skip("maestro-tm is not installed next to this interpreter")
    for run in ("a", "b"):
        for fmt in FORMATS:
            subprocess.run(
                [str(exe), "export", str(EXAMPLE), "-f", fmt, "-o", str(tmp_path / f"{run}.{fmt}")],
                check=True,
                cwd=ROOT,
                capture_output=True,
            )
    for fmt in FORMATS:
        assert (tmp_path / f"a.{fmt}").read_bytes() == (tmp_path / f"b.{fmt}").read_bytes()
