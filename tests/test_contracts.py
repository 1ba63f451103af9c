"""The import contracts in pyproject.toml hold, and each one fails on a deliberate breach.

Each breach is made on a copy of the package under tmp_path, then import-linter checks the copy
with the project's own configuration: a contract that cannot fail would pass here too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import ROOT

# A function (imports inside it count) that a careless change might append to a core module.
_TEXTUAL_AND_LITELLM = "\n\ndef _breach() -> None:\n    import litellm\n    import textual\n"

# (contract id, module file to append to, code appended)
BREACHES = {
    "layers": ("schema.py", "\n\ndef _breach() -> None:\n    import assistant.knowledge\n"),
    "engine-headless": ("engine/gate.py", "\n\nfrom assistant.session import step as _step\n"),
    "core-no-textual": ("report.py", _TEXTUAL_AND_LITELLM),
    "only-gateway-litellm": ("report.py", _TEXTUAL_AND_LITELLM),
    "only-retrieval-chromadb": (
        "engine/gate.py",
        "\n\ndef _breach() -> None:\n    import chromadb\n",
    ),
    "no-cycles": (
        "session/slash.py",
        "\n\ndef _breach() -> None:\n    from assistant.session import conversation\n",
    ),
}


def _lint(root: Path, *contracts: str) -> subprocess.CompletedProcess[str]:
    args = [f"--contract={c}" for c in contracts]
    code = "from importlinter.cli import lint_imports_command; lint_imports_command()"
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            "--no-cache",
            "--no-logo",
            *args,
            str(root / "pyproject.toml"),
        ],
        capture_output=True,
        text=True,
        cwd=root,
        env=env,
        check=False,
    )


def _copy(tmp_path: Path) -> Path:
    shutil.copytree(
        ROOT / "assistant", tmp_path / "assistant", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_package_keeps_every_contract() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _names() -> dict[str, str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["id"]: c["name"] for c in config["tool"]["importlinter"]["contracts"]}


def test_every_contract_has_a_breach_case() -> None:
    assert set(_names()) == set(BREACHES)


@pytest.mark.parametrize("contract", sorted(BREACHES))
def test_a_deliberate_breach_fails_its_contract(tmp_path: Path, contract: str) -> None:
    root = _copy(tmp_path)
    module, code = BREACHES[contract]
    with (root / "assistant" / module).open("a", encoding="utf-8") as fh:
        fh.write(code)
    result = _lint(root, contract)
    assert result.returncode != 0, result.stdout
    assert f"{_names()[contract]} BROKEN" in result.stdout
    assert "0 kept, 1 broken" in result.stdout


def test_the_tui_is_held_to_no_cycles_too(tmp_path: Path) -> None:
    # The TUI was once exempt while its app and review dialogs imported each other; a helper
    # that reaches back into the app must fail the contract like any other module.
    root = _copy(tmp_path)
    with (root / "assistant" / "tui" / "review.py").open("a", encoding="utf-8") as fh:
        fh.write("\n\ndef _breach() -> None:\n    from assistant.tui import app\n")
    result = _lint(root, "no-cycles")
    assert result.returncode != 0, result.stdout
    assert "assistant.tui" in result.stdout and "0 kept, 1 broken" in result.stdout
