"""The MCP tools as plain functions: arguments in, JSON-ready results out, every one validated.

A coding agent gets only catalogue-checked output: threat models are run through the validator
(`assistant.validator.validate_model`) and findings it rejects are left out and named; guidance
passages and catalogue entries are resolved against the catalogue of record. Inputs are bounded
(characters and sizes) before any work, and a bad argument is a `ToolInputError` with one line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from assistant.errors import AssistantError, ThreatModelFileError
from assistant.knowledge import default_catalogue
from assistant.schema import Layer, Outcome, ThreatModel

# A design document is tens of kilobytes; the engine reads at most 60,000 characters of it.
MAX_TEXT_CHARS = 200_000
MAX_QUERY_CHARS = 2_000
MAX_MODEL_CHARS = 5_000_000
MAX_RESULTS = 20
EXPORT_FORMATS = ("md", "json", "otm", "csv", "sarif")


class ToolInputError(AssistantError):
    """A tool argument that cannot be used (missing, too large, unknown id, not a model)."""

    exit_code = 2


def analyze_system(
    description: str = "", system_file: str = "", system_text: str = "", engine: str = "auto"
) -> dict[str, Any]:
    """Analyse prose, a system file path or system-file text into a validated threat model."""
    from assistant.mcp_server.analysis import ENGINES, run_analysis
    from assistant.system_file import parse_system_file, read_system_file
    from assistant.system_file.positions import parse_json_positions, parse_yaml

    given_inputs = [bool(description.strip()), bool(system_file), bool(system_text.strip())]
    if sum(given_inputs) != 1:
        raise ToolInputError("give exactly one of description, system_file or system_text")
    if engine not in ENGINES:
        raise ToolInputError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    _bounded("description", description, MAX_TEXT_CHARS)
    _bounded("system_text", system_text, MAX_TEXT_CHARS)
    capabilities = default_catalogue().capabilities
    given = None
    if system_file:
        given = read_system_file(Path(system_file), capabilities)
    elif system_text.strip():
        stripped = system_text.lstrip()
        parse = parse_json_positions if stripped.startswith("{") else parse_yaml
        parsed = parse(system_text, "system_text")
        given = parse_system_file(parsed, "system_text", "system_text", capabilities)
    notes: list[str] = []
    model = run_analysis(given.description if given else description, given, engine, notes)
    return {**_validated(model), "notes": notes}


def search_guidance(query: str, layers: list[str] | None = None, k: int = 5) -> dict[str, Any]:
    """The MAESTRO guidance passages most relevant to `query`, each a catalogue entry."""
    from assistant.mcp_server.guidance import retriever

    _bounded("query", query, MAX_QUERY_CHARS)
    if not query.strip():
        raise ToolInputError("query is empty")
    if not 1 <= k <= MAX_RESULTS:
        raise ToolInputError(f"k must be between 1 and {MAX_RESULTS}")
    chosen = [_layer(name) for name in layers or []]
    cat = default_catalogue()
    results = []
    for p in retriever().search(query, layers=chosen or None, k=k):
        entry = cat.get(p.entry_id)
        if entry is None:  # an index older than the catalogue: never cite what it no longer has
            continue
        results.append(
            {
                "entry_id": entry.id,
                "name": entry.name,
                "kind": entry.kind,
                "layers": [layer.value for layer in p.layers],
                "score": round(p.score or 0.0, 4),
                "text": p.text,
            }
        )
    return {"query": query, "catalogue_version": cat.version, "results": results}


def lookup_threat(threat_id: str) -> dict[str, Any]:
    """A catalogue entry (threat, mitigation, layer ...) by id or alias, as `catalogue show`."""
    _bounded("threat_id", threat_id, 200)
    cat = default_catalogue()
    entry = cat.get(threat_id.strip())
    if entry is None:
        close = cat.suggest(threat_id, limit=5)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise ToolInputError(f"no catalogue entry {threat_id!r}{hint}")
    return {"catalogue_version": cat.version, "entry": cat.describe(entry)}


def validate_threat_model(threat_model: dict[str, Any] | str) -> dict[str, Any]:
    """The validator's report on a threat model (the shape of `maestro-tm validate --json`)."""
    from assistant.report import validation_report
    from assistant.validator import validate_model

    cat = default_catalogue()
    model, schema_verdicts = _model(threat_model)
    verdicts, issues = validate_model(model, cat)
    return validation_report(Path("threat_model"), cat, schema_verdicts + verdicts, issues)


def export_report(threat_model: dict[str, Any] | str, format: str = "md") -> dict[str, Any]:
    """The threat model's validated findings rendered as md, json, otm, csv or sarif."""
    from assistant.export import export

    if format not in EXPORT_FORMATS:
        raise ToolInputError(
            f"unknown format {format!r}; choose one of {', '.join(EXPORT_FORMATS)}"
        )
    model, _ = _model(threat_model)
    checked = _validated(model)
    kept = ThreatModel.model_validate(checked["threat_model"])
    text = export(kept, format, default_catalogue())
    return {"format": format, "text": text, "left_out": checked["left_out"]}


def _validated(model: ThreatModel) -> dict[str, Any]:
    """The model with only the findings the validator accepts, and the ids it left out."""
    from assistant.validator import validate_model

    verdicts, issues = validate_model(model, default_catalogue())
    rejected = {v.finding_id for v in verdicts if v.outcome == Outcome.REJECTED}
    kept = model.model_copy(
        update={"findings": [f for f in model.findings if f.id not in rejected]}
    )
    return {
        "threat_model": kept.model_dump(mode="json", by_alias=True, exclude_none=True),
        "left_out": sorted(rejected),
        "model_issues": [i.model_dump(mode="json") for i in issues],
    }


def _model(value: dict[str, Any] | str) -> tuple[ThreatModel, list[Any]]:
    from assistant.model_io import parse_json, parse_threat_model

    if isinstance(value, str):
        _bounded("threat_model", value, MAX_MODEL_CHARS)
        data = parse_json(value, "threat_model", error=ThreatModelFileError)
    else:
        _bounded("threat_model", json.dumps(value), MAX_MODEL_CHARS)
        data = value
    return parse_threat_model(data, "threat_model")


def _bounded(name: str, value: str, limit: int) -> None:
    if len(value) > limit:
        raise ToolInputError(f"{name} is {len(value):,} characters; the limit is {limit:,}")


def _layer(name: str) -> Layer:
    try:
        return Layer(name.upper())
    except ValueError:
        choices = ", ".join(layer.value for layer in Layer)
        raise ToolInputError(f"unknown layer {name!r}; choose from {choices}") from None
