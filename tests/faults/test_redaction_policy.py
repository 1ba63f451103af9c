"""One redaction policy: secrets in a description are replaced before anything is stored."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.cli import cli
from assistant.engine.analyze import system_from_description
from assistant.engine.secrets import redact_input
from assistant.schema import EvidenceKind, SystemModel
from tests.conftest import ROOT

SECRETS = {
    "openai": "sk-proj-" + "AbCdEfGhIjKlMnOpQrSt" * 2 + "uvwx",
    "aws-id": "AKIA" + "IOSFODNN7EXAMPL3",
    "aws-secret": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "db-password": "S3cretPassw0rd",
}
DESCRIPTION = f"""# Support bot

A customer support agent built on an LLM (gpt-4o) answers users through a web chat.
It uses a tool to query the orders database at postgres://admin:{SECRETS["db-password"]}@db.internal:5432/orders
and calls the OpenAI API with key {SECRETS["openai"]}.
It stores conversation memory in a vector store. AWS access: {SECRETS["aws-id"]} with
aws_secret_access_key = {SECRETS["aws-secret"]} for the S3 bucket of attachments.
"""
FOUND = re.compile("|".join(re.escape(s) for s in SECRETS.values()))
SAID = "redacted 4 secrets from the description (use --keep-secrets to keep them)"


def _quotes_index(system: SystemModel) -> None:
    """Every quote's offsets index the (redacted) description it is stored with."""
    for fact in [*system.components, *system.capabilities.values()]:
        for evidence in getattr(fact, "evidence", []):
            if evidence.kind == EvidenceKind.QUOTE and evidence.start is not None:
                assert system.description[evidence.start : evidence.end] == evidence.quote


def test_analyze_writes_no_secret_anywhere(tmp_path: Path) -> None:
    desc = tmp_path / "desc.md"
    desc.write_text(DESCRIPTION)
    out, report = tmp_path / "tm.json", tmp_path / "tm.md"
    result = CliRunner().invoke(cli, ["analyze", str(desc), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert SAID in result.stderr.splitlines()
    exported = CliRunner().invoke(cli, ["export", str(out), "--format", "md", "-o", str(report)])
    assert exported.exit_code == 0, exported.output
    for written in (out.read_text(), report.read_text()):
        assert not FOUND.search(written)
        assert "REDACTED:openai-key#1" in written
    model = json.loads(out.read_text())
    assert "[REDACTED:url-password#1]" in model["system"]["description"]
    _quotes_index(SystemModel.model_validate(model["system"]))


def test_analyze_stdin_is_redacted_too() -> None:
    result = CliRunner().invoke(cli, ["analyze", "-"], input=DESCRIPTION)
    assert result.exit_code == 0, result.stderr
    assert SAID in result.stderr.splitlines()
    assert not FOUND.search(result.stdout)


def test_keep_secrets_is_the_explicit_opt_out() -> None:
    result = CliRunner().invoke(cli, ["analyze", "-", "--keep-secrets"], input=DESCRIPTION)
    assert result.exit_code == 0, result.stderr
    assert "redacted" not in result.stderr
    assert SECRETS["db-password"] in result.stdout


def test_a_system_file_is_redacted(tmp_path: Path) -> None:
    text = (ROOT / "docs/examples/system.yaml").read_text()
    text = text.replace(
        "a team lead approves refunds above $200.",
        f"a team lead approves refunds above $200. Key: {SECRETS['openai']}",
    )
    system_file = tmp_path / "system.yaml"
    system_file.write_text(text)
    result = CliRunner().invoke(cli, ["analyze", str(system_file)])
    assert result.exit_code == 0, result.stderr
    assert "redacted 1 secret from the description" in result.stderr
    assert not FOUND.search(result.stdout)
    assert "[REDACTED:openai-key#1]" in result.stdout


filler = st.lists(
    st.sampled_from(
        [
            "The support agent uses GPT-4o.",
            "It calls a refund tool.",
            "Customers write e-mails.",
            "Memory is kept in a vector store.",
        ]
    ),
    min_size=1,
    max_size=5,
)


@settings(max_examples=25, deadline=None)
@given(filler, filler, st.sampled_from(sorted(SECRETS)))
def test_redaction_comes_before_reading(before: list[str], after: list[str], kind: str) -> None:
    secret = SECRETS[kind]
    line = f"password={secret}" if kind == "db-password" else secret
    description = " ".join([*before, f"Credentials: {line}.", *after])
    redacted = redact_input(description)
    assert redacted.redactions and secret not in redacted.description
    system = system_from_description(redacted.description)
    assert secret not in system.model_dump_json()
    _quotes_index(system)
