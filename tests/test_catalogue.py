import shutil
from pathlib import Path

import pytest

from assistant.errors import CatalogueError, UnknownEntryError
from assistant.knowledge import Catalogue, check_catalogue, load_catalogue
from assistant.knowledge.model import AsiEntry, ThreatEntry, ThreatFamily
from assistant.schema import Layer
from tests.conftest import ROOT

KNOWLEDGE = ROOT / "knowledge"

# Every extended-threat id the MAS guide prints, per worked example (§3 RPA, §4 ElizaOS, §5 MCP).
PRINTED = {
    "RPA": range(16, 26),
    "ELIZAOS": [17, 18, 19, 20, 21, 22, *range(26, 39)],
    "MCP": [17, 18, 20, 21, 22, 26, 28, 30, 34, *range(39, 48)],
}

ASI_2026 = {
    "ASI01": "Agent Goal Hijack",
    "ASI02": "Tool Misuse & Exploitation",
    "ASI03": "Identity & Privilege Abuse",
    "ASI04": "Agentic Supply Chain Vulnerabilities",
    "ASI05": "Unexpected Code Execution (RCE)",
    "ASI06": "Memory & Context Poisoning",
    "ASI07": "Insecure Inter-Agent Communication",
    "ASI08": "Cascading Failures",
    "ASI09": "Human-Agent Trust Exploitation",
    "ASI10": "Rogue Agents",
}


def test_the_bundled_catalogue_is_clean() -> None:
    catalogue, problems = check_catalogue()
    assert problems == []
    assert catalogue is not None and len(catalogue) > 300


def test_layers_and_core_threats_are_present(catalogue: Catalogue) -> None:
    for layer in Layer:
        assert catalogue.entries[layer.value].kind == "layer"
    for n in range(1, 18):
        entry = catalogue.threat(f"T{n}")
        assert entry is not None and entry.family == ThreatFamily.CORE


def test_bare_t16_and_t17_are_the_v1_1_threats(catalogue: Catalogue) -> None:
    assert catalogue.entries["T16"].name == "Insecure Inter-Agent Protocol Abuse"
    assert catalogue.entries["T17"].name == "Supply Chain Compromise"


@pytest.mark.parametrize(("example", "number"), [(e, n) for e, ns in PRINTED.items() for n in ns])
def test_every_printed_extended_threat_resolves(
    catalogue: Catalogue, example: str, number: int
) -> None:
    entry = catalogue.threat(f"MAS-{example}:T{number}")
    assert entry is not None, f"MAS-{example}:T{number}"
    assert entry.family == ThreatFamily.MAS_EXTENDED


def test_reused_printed_ids_resolve_to_their_own_meaning(catalogue: Catalogue) -> None:
    assert catalogue.resolve("MAS-RPA:T21") == "MAS-INCONSISTENT-WORKFLOW-STATE"
    assert catalogue.resolve("MAS-ELIZAOS:T21") == "MAS-SERVICE-ACCOUNT-EXPOSURE"
    assert catalogue.resolve("MAS-RPA:T22") == "MAS-SERVICE-ACCOUNT-EXPOSURE"
    assert catalogue.resolve("MAS-MCP:T22") == "MAS-SELECTIVE-LOG-MANIPULATION"


def test_asi_top10_names_are_the_official_2026_list(catalogue: Catalogue) -> None:
    names = {e.id: e.name for e in catalogue.of_type(AsiEntry)}
    assert names == ASI_2026


def test_every_entry_cites_a_known_source(catalogue: Catalogue) -> None:
    for entry in catalogue.entries.values():
        assert entry.sources and all(s.doc in catalogue.sources for s in entry.sources)
        assert entry.summary.strip()


def test_every_threat_has_an_allowed_layer(catalogue: Catalogue) -> None:
    assert all(t.layers for t in catalogue.of_type(ThreatEntry))


def test_lookup_is_case_insensitive_and_suggests(catalogue: Catalogue) -> None:
    assert catalogue.resolve("t6") == "T6"
    assert catalogue.resolve("mas-mcp:t40") == "MAS-MCP-CLIENT-IMPERSONATION"
    with pytest.raises(UnknownEntryError) as info:
        catalogue.require("T99")
    assert info.value.suggestions


def test_version_changes_when_content_changes(tmp_path: Path) -> None:
    copy = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, copy)
    before = load_catalogue(copy).version
    path = copy / "threats" / "core.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    after = load_catalogue(copy).version
    assert before != after and before.split("+")[0] == after.split("+")[0]


def _broken(tmp_path: Path, file: str, old: str, new: str) -> list[str]:
    copy = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, copy)
    path = copy / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    _, problems = check_catalogue(copy)
    return problems


def test_malformed_yaml_names_file_and_line(tmp_path: Path) -> None:
    problems = _broken(tmp_path, "layers.yaml", "entries:", "entries: [")
    assert (
        len(problems) == 1
        and problems[0].startswith("layers.yaml:")
        and "YAML syntax error" in problems[0]
    )


def test_unknown_keys_are_reported(tmp_path: Path) -> None:
    problems = _broken(
        tmp_path, "threats/core.yaml", "    family: core\n", "    family: core\n    colour: red\n"
    )
    assert any("threats/core.yaml: entry T1: colour" in p and "Extra inputs" in p for p in problems)


def test_broken_references_are_reported(tmp_path: Path) -> None:
    problems = _broken(tmp_path, "decision-path.yaml", "playbook: TM-PB1", "playbook: TM-PB9")
    assert any("TM-PB9 is not a catalogue id" in p for p in problems)


def test_invalid_layers_are_reported(tmp_path: Path) -> None:
    problems = _broken(tmp_path, "threats/core.yaml", "layers: [L5, CL]", "layers: [L9, CL]")
    assert any("layers.0" in p for p in problems)


def test_duplicate_ids_are_reported(tmp_path: Path) -> None:
    problems = _broken(tmp_path, "threats/core.yaml", "  - id: T2\n", "  - id: T1\n")
    assert any("duplicate id" in p for p in problems)


def test_empty_summaries_are_reported(tmp_path: Path) -> None:
    copy = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, copy)
    (copy / "extra.yaml").write_text(
        "entries:\n- id: X-1\n  kind: factor\n  name: x\n  summary: '  '\n  layers: []\n"
        "  sources: [{doc: TM-1.1, section: s}]\n  question: q\n  amplifies: a\n",
        encoding="utf-8",
    )
    _, problems = check_catalogue(copy)
    assert any(p.startswith("extra.yaml: entry X-1: summary") for p in problems)


def test_load_raises_with_every_problem(tmp_path: Path) -> None:
    copy = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, copy)
    (copy / "bad.yaml").write_text("just text", encoding="utf-8")
    with pytest.raises(CatalogueError) as info:
        load_catalogue(copy)
    assert info.value.problems == ["bad.yaml: expected a mapping with the single key 'entries'"]


def test_missing_directory_is_one_problem(tmp_path: Path) -> None:
    _, problems = check_catalogue(tmp_path / "nowhere")
    assert len(problems) == 1 and "not found" in problems[0]
