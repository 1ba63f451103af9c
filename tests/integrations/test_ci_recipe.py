"""docs/CI.md's pipeline step, run line for line in a temporary git repository."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from assistant.system_file.starter import STARTER
from tests.conftest import ROOT

CI_DOC = ROOT / "docs" / "CI.md"
SARIF_SCHEMA = json.loads(
    (ROOT / "assistant" / "export" / "schemas" / "sarif-schema-2.1.0.json").read_text("utf-8")
)
# A pull request that gives the agent a payment tool nobody approves: new critical risks.
RISKY = """
  - id: payout-tool
    kind: tool
    name: Payout API
    effect: moves-money
"""

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def pipeline_step() -> list[list[str]]:
    """The commands of the first sh block under "## The pipeline step", as argument lists."""
    text = CI_DOC.read_text(encoding="utf-8")
    section = text.split("## The pipeline step", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block is not None
    lines = [line.split("#", 1)[0].strip() for line in block[1].splitlines()]
    return [shlex.split(line) for line in lines if line]


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GIT_CONFIG_GLOBAL": os.devnull}
    env.update(GIT_AUTHOR_NAME="ci", GIT_AUTHOR_EMAIL="ci@example.com")
    env.update(GIT_COMMITTER_NAME="ci", GIT_COMMITTER_EMAIL="ci@example.com")
    if args[0] == "maestro-tm":
        args = [sys.executable, "-m", "assistant.cli", *args[1:]]
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def run_step(repo: Path) -> list[subprocess.CompletedProcess[str]]:
    results = []
    for command in pipeline_step():
        results.append(run(command, repo))
        if results[-1].returncode:
            break  # a CI shell step stops at the first failing command
    return results


def test_the_documented_step_is_analyze_export_diff() -> None:
    verbs = [command[1] for command in pipeline_step()]
    assert verbs == ["analyze", "export", "diff"]
    assert pipeline_step()[2][-2:] == ["--fail-on", "high"]
    assert "sarif" in pipeline_step()[1]


def test_the_ci_recipe_gates_a_risky_change_in_a_git_repository(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    assert run(["git", "init", "-q", "-b", "main"], repo).returncode == 0
    assert run(["maestro-tm", "init"], repo).returncode == 0
    assert (repo / "maestro.yaml").read_text(encoding="utf-8") == STARTER
    first = run(["maestro-tm", "analyze", "maestro.yaml", "-o", "threat-model.json"], repo)
    assert first.returncode == 0, first.stderr
    assert run(["git", "add", "maestro.yaml", "threat-model.json"], repo).returncode == 0
    assert run(["git", "commit", "-q", "-m", "threat model as code"], repo).returncode == 0

    clean = run_step(repo)
    assert [r.returncode for r in clean] == [0, 0, 0], [r.stderr for r in clean]
    sarif = json.loads((repo / "maestro-tm.sarif").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(sarif)
    uris = {
        loc["physicalLocation"]["artifactLocation"]["uri"]
        for result in sarif["runs"][0]["results"]
        for loc in result.get("locations", [])
    }
    assert uris == {"maestro.yaml"}  # alerts open on the committed system file

    system = (repo / "maestro.yaml").read_text(encoding="utf-8")
    risky = system.replace("  - id: notes-db\n", RISKY.lstrip("\n") + "  - id: notes-db\n")
    assert risky != system
    (repo / "maestro.yaml").write_text(risky, encoding="utf-8")
    assert run(["git", "commit", "-q", "-am", "add payouts"], repo).returncode == 0

    gated = run_step(repo)
    assert [r.returncode for r in gated] == [0, 0, 1], [r.stderr for r in gated]
    assert "payout" in gated[2].stdout.lower()
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(
        json.loads((repo / "maestro-tm.sarif").read_text(encoding="utf-8"))
    )
