"""`maestro-tm import mcp`: every client's format, grounded findings, no secret in any output."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from assistant.errors import McpConfigError
from assistant.export import FORMATS, export
from assistant.integrations.mcp_config import build_setup, default_config_paths, read_config
from assistant.integrations.mcp_config.facts import server_facts
from assistant.integrations.mcp_config.read import ServerEntry, display_path
from assistant.knowledge import Catalogue
from assistant.llm.redact import Redactor
from assistant.model_io import parse_threat_model
from assistant.schema import EvidenceKind, Outcome
from assistant.validator import validate_model
from tests.conftest import ROOT
from tests.helpers import run_cli

SAMPLES = Path("tests/integrations/samples")
FILES = [
    SAMPLES / "claude" / "claude_desktop_config.json",
    SAMPLES / "project" / ".mcp.json",
    SAMPLES / "project" / ".cursor" / "mcp.json",
    SAMPLES / "project" / ".vscode" / "mcp.json",
    SAMPLES / "vscode-user" / "settings.json",
]
SECRETS = [
    "ghp_000000000000000000000000000000000000",
    "fake-docs-token-0000000000000000",
    "fake-browser-key-0000000000",
    "abc123secretvalue",
]


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def facts_of(raw: dict[str, object]) -> object:
    return server_facts(ServerEntry("s", ("mcpServers", "s"), raw), Redactor())


def test_every_client_format_is_read() -> None:
    configs = [read_config(p, str(p)) for p in FILES]
    assert [c.client for c in configs] == [
        "Claude Desktop",
        "Claude Code",
        "Cursor",
        "VS Code",
        "VS Code",
    ]
    assert [len(c.servers) for c in configs] == [4, 3, 2, 2, 1]
    assert configs[3].servers[0].path == ("servers", "search")
    assert configs[4].servers[0].path == ("mcp", "servers", "docs")
    # JSONC: the line of a value after a comment is its line in the file
    assert configs[1].where(("mcpServers", "time")) == f"{FILES[1]}:7#/mcpServers/time"


@pytest.mark.parametrize(
    ("raw", "kind", "text"),
    [
        ({"command": "npx", "args": ["-y", "@scope/pkg"]}, "unpinned", "@scope/pkg"),
        ({"command": "npx", "args": ["-y", "pkg@latest"]}, "latest", "pkg@latest"),
        ({"command": "npx", "args": ["pkg@^1.2.0"]}, "unpinned", "pkg@^1.2.0"),
        ({"command": "npx", "args": ["-y", "@scope/pkg@1.4.2"]}, "pinned", "@scope/pkg@1.4.2"),
        ({"command": "uvx", "args": ["mcp-server-git"]}, "unpinned", "mcp-server-git"),
        ({"command": "uvx", "args": ["mcp-server-git==0.6.2"]}, "pinned", "mcp-server-git==0.6.2"),
        ({"command": "uvx", "args": ["--from", "tool@2.0", "tool"]}, "pinned", "tool@2.0"),
        ({"command": "pnpm", "args": ["dlx", "pkg"]}, "unpinned", "pkg"),
        (
            {"command": "docker", "args": ["run", "-i", "--rm", "-e", "X", "mcp/git"]},
            "no-digest",
            "mcp/git",
        ),
        (
            {"command": "docker", "args": ["run", "img@sha256:" + "a" * 64]},
            "pinned",
            "img@sha256:" + "a" * 64,
        ),
        (
            {"command": "node", "args": ["/opt/server/index.js"]},
            "local-script",
            "/opt/server/index.js",
        ),
        ({"command": "./server.py"}, "local-script", "./server.py"),
    ],
)
def test_how_a_server_is_launched(raw: dict[str, object], kind: str, text: str) -> None:
    facts = facts_of(raw)
    assert [(f.kind, f.text) for f in facts.supply] == [(kind, text)]  # type: ignore[attr-defined]


def test_secrets_are_found_by_name_and_references_are_not_secrets() -> None:
    facts = facts_of(
        {
            "command": "npx",
            "args": ["pkg", "--token", "abcdef123456", "--api-key=xyz987654321", "--verbose"],
            "env": {"API_TOKEN": "literal-value-1", "FROM_INPUT": "${input:key}", "DEBUG": "1"},
            "headers": {"Authorization": "Bearer ${env:TOKEN}"},
        }
    )
    names = [f.text for f in facts.secrets]  # type: ignore[attr-defined]
    assert names == ["args[2]", "args[3]", "environment variable API_TOKEN"]
    launch = facts.launch  # type: ignore[attr-defined]
    assert "abcdef123456" not in launch and "xyz987654321" not in launch
    assert "--api-key=***" in launch and "--verbose" in launch


def test_remote_servers_keep_their_host_and_lose_their_credentials() -> None:
    facts = facts_of({"url": "https://user:pw@mcp.example.com:8443/mcp?api_key=s3cr3t&x=1"})
    assert facts.transport == "http" and facts.host == "mcp.example.com"  # type: ignore[attr-defined]
    assert facts.launch == "https://mcp.example.com:8443/mcp?api_key=***&x=1"  # type: ignore[attr-defined]
    assert [f.text for f in facts.secrets] == [  # type: ignore[attr-defined]
        "credentials in the URL",
        "URL parameter api_key",
    ]


def test_shell_auto_approval_and_filesystem_roots() -> None:
    configs = [read_config(FILES[0], str(FILES[0]))]
    system = build_setup(configs).system
    shell = system.component("shell")
    assert shell is not None and shell.effect is not None and shell.effect.value == "executes-code"
    assert system.capabilities["code-execution"] is True
    approval = [c for c in system.controls if c.applies_to == ["shell"]]
    assert approval and approval[0].present is False
    assert approval[0].evidence[0].location.endswith("#/mcpServers/shell/autoApprove")
    files = next(a for a in system.assets if a.id == "filesystem-files")
    assert "/home/dev/projects" in files.name and "~/notes" in files.name


def test_a_remote_server_shared_by_clients_is_one_component() -> None:
    setup = build_setup([read_config(p, str(p)) for p in FILES])
    docs = [c for c in setup.system.components if c.name == "docs"]
    assert len(docs) == 2  # https (two clients) and the plain-http one in settings.json
    shared = next(c for c in docs if len(c.evidence) > 1)
    assert {e.location.split(":")[0] for e in shared.evidence} == {str(FILES[1]), str(FILES[2])}
    assert any("shared by several clients" in n for n in setup.notes)
    flows = [f for f in setup.system.data_flows if f.target == shared.id]
    assert len(flows) == 2


def test_import_end_to_end_grounds_findings_in_the_configs(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    catalogue: Catalogue,
) -> None:
    out = tmp_path / "tm.json"
    code, _, err = run_cli(["import", "mcp", *map(str, FILES), "-o", str(out)], monkeypatch, capsys)
    assert code == 0, err
    text = out.read_text(encoding="utf-8")
    model, dropped = parse_threat_model(json.loads(text))
    assert not dropped and model.findings
    # A rogue server restates supply-chain compromise through that server: listed on it.
    threats = {f.threat_id for f in model.findings} | {
        v for f in model.findings for v in f.variants
    }
    assert {"T17", "MAS-ROGUE-MCP-SERVER"} <= threats
    for f in model.findings:
        cited = [e.location for e in f.grounding if e.kind == EvidenceKind.FILE]
        assert cited, f.threat_id
        assert all(any(loc.startswith(str(p) + ":") for p in FILES) for loc in cited)
        assert all("#/" in loc for loc in cited)
    unpinned = [e for e in model.system.entry_points if "without a pinned version" in e.name]
    assert unpinned and unpinned[0].evidence[0].location.endswith("#/mcpServers/filesystem/args/1")
    t17 = next(f for f in model.findings if f.threat_id == "T17")
    assert t17.grounding[0] == unpinned[0].evidence[0]  # the unpinned launch, first
    token = next(f for f in model.findings if f.threat_id == "T3").grounding[0]
    assert token.location.endswith("#/mcpServers/github/env/GITHUB_PERSONAL_ACCESS_TOKEN")
    shell = next(f for f in model.findings if f.threat_id == "T2").grounding[0]
    assert shell.location.endswith("#/mcpServers/shell/autoApprove")
    verdicts, _ = validate_model(model, catalogue)
    assert all(v.outcome != Outcome.REJECTED for v in verdicts)
    outputs = [text, err] + [export(model, fmt, catalogue) for fmt in FORMATS]
    for secret in SECRETS:
        assert all(secret not in output for output in outputs), secret
    assert "GITHUB_PERSONAL_ACCESS_TOKEN" in err and "not written" in err


def test_system_only_writes_a_redacted_system_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "system.json"
    args = ["import", "mcp", *map(str, FILES), "--system-only", "-o", str(out)]
    code, _, _ = run_cli(args, monkeypatch, capsys)
    assert code == 0
    text = out.read_text(encoding="utf-8")
    assert all(secret not in text for secret in SECRETS)
    code, _, err = run_cli(
        ["analyze", str(out), "-o", str(tmp_path / "tm.json")], monkeypatch, capsys
    )
    assert code == 0, err  # the system model is a system file `analyze` reads


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"mcpServers": {', "not valid JSON at line 1"),
        ("{/* open", "a /* comment is never closed"),
        ("[1, 2]", "not an MCP configuration"),
        ('{"editor.fontSize": 12}', "no MCP servers found"),
        ("", "file is empty"),
    ],
)
def test_malformed_configs_are_one_line_errors_naming_the_file(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    content: str,
    message: str,
) -> None:
    path = tmp_path / "mcp.json"
    path.write_text(content, encoding="utf-8")
    code, out, err = run_cli(["import", "mcp", str(path)], monkeypatch, capsys)
    assert code == 2 and not out
    assert str(path) in err and message in err and len(err.strip().splitlines()) == 1


def test_odd_entries_are_warnings_not_crashes(tmp_path: Path) -> None:
    path = tmp_path / ".mcp.json"
    path.write_text(
        json.dumps(
            {
                "mcpServers": {
                    "list": [1],
                    "off": {"command": "npx", "args": ["x"], "disabled": True},
                    "odd": {"command": 7, "args": "not-a-list", "env": ["x"], "extra": {"a": 1}},
                }
            }
        ),
        encoding="utf-8",
    )
    config = read_config(path, ".mcp.json")
    assert [s.name for s in config.servers] == ["odd"]
    assert any("'list' is not an object" in w for w in config.warnings)
    assert any("'off' is disabled" in w for w in config.warnings)
    assert build_setup([config]).system.component("odd") is not None


def test_huge_files_fifos_and_directories_are_refused(tmp_path: Path) -> None:
    huge = tmp_path / "huge.json"
    huge.write_text(
        '{"mcpServers": {}, "pad": "' + "x" * (3 * 1024 * 1024) + '"}', encoding="utf-8"
    )
    with pytest.raises(McpConfigError, match=r"huge\.json"):
        read_config(huge)
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    with pytest.raises(McpConfigError, match=r"fifo\.json"):
        read_config(fifo)
    with pytest.raises(McpConfigError):
        read_config(tmp_path)


def test_a_symlinked_config_is_read_and_named_as_given(tmp_path: Path) -> None:
    link = tmp_path / "link.json"
    link.symlink_to(ROOT / FILES[0])
    config = read_config(link, "link.json")
    assert len(config.servers) == 4 and config.where(("mcpServers",)) == "link.json:2#/mcpServers"


def test_discovery_reads_project_and_user_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project, home = tmp_path / "project", tmp_path / "home"
    (project / ".cursor").mkdir(parents=True)
    (home / ".config" / "Claude").mkdir(parents=True)
    (project / ".cursor" / "mcp.json").write_text(
        '{"mcpServers": {"git": {"command": "uvx", "args": ["mcp-server-git"]}}}', encoding="utf-8"
    )
    (home / ".config" / "Claude" / "claude_desktop_config.json").write_text(
        '{"mcpServers": {"fs": {"command": "npx", "args": ["-y", "server-filesystem", "/tmp"]}}}',
        encoding="utf-8",
    )
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.setattr("sys.platform", "linux")
    found = default_config_paths(project, home)
    assert [p.name for p in found] == ["mcp.json", "claude_desktop_config.json"]
    monkeypatch.chdir(project)
    code, out, err = run_cli(["import", "mcp"], monkeypatch, capsys)
    assert code == 0, err
    assert "read ~/.config/Claude/claude_desktop_config.json (Claude Desktop, 1 servers)" in err
    assert json.loads(out)["findings"]


def test_home_paths_are_shown_with_a_tilde(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert display_path(tmp_path / ".cursor" / "mcp.json") == "~/.cursor/mcp.json"
    assert display_path(Path("/etc/mcp.json")) == "/etc/mcp.json"


def test_ordinary_variables_are_not_taken_for_secrets() -> None:
    facts = facts_of(
        {
            "command": "npx",
            "args": ["pkg"],
            "env": {
                "AUTHOR_NAME": "dev",
                "SESSION_DIR": "/tmp/s",
                "PATH_PATTERN": "*.py",
                "GITHUB_PAT": "plain-value",
                "DB_PASSWORD": "hunter2",
            },
        }
    )
    names = [f.text for f in facts.secrets]  # type: ignore[attr-defined]
    assert names == ["environment variable GITHUB_PAT", "environment variable DB_PASSWORD"]


def test_one_url_under_two_names_in_one_file_keeps_ids_unique(tmp_path: Path) -> None:
    path = tmp_path / "mcp.json"
    remote = {"url": "https://mcp.example.com/mcp"}
    path.write_text(json.dumps({"mcpServers": {"a": remote, "b": remote}}), encoding="utf-8")
    system = build_setup([read_config(path, "mcp.json")]).system
    flows = [f.id for f in system.data_flows]
    assert len(flows) == len(set(flows)) == 2
    assert len([c for c in system.components if c.kind == "mcp-server"]) == 1


def test_absurd_server_counts_and_names_are_bounded(tmp_path: Path) -> None:
    path = tmp_path / "mcp.json"
    servers = {f"s{i}": {"command": "x"} for i in range(600)}
    servers["n" * 5_000] = {"command": "x"}
    path.write_text(json.dumps({"mcpServers": servers}), encoding="utf-8")
    config = read_config(path, "mcp.json")
    assert len(config.servers) == 500
    assert any("601 servers; only the first 500" in w for w in config.warnings)
    path.write_text(json.dumps({"mcpServers": {"n" * 5_000: {"command": "x"}}}), encoding="utf-8")
    (entry,) = read_config(path, "mcp.json").servers
    assert len(entry.name) == 80
    assert entry.path == ("mcpServers", "n" * 5_000)  # the pointer still finds the real key


def test_a_file_whose_servers_are_all_skipped_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "mcp.json"
    path.write_text('{"mcpServers": {"a": {"command": "x", "disabled": true}}}', encoding="utf-8")
    code, out, err = run_cli(["import", "mcp", str(path)], monkeypatch, capsys)
    assert code == 2 and not out
    assert "'a' is disabled; skipped" in err and f"no MCP servers found in {path}" in err
