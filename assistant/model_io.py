"""Reading and writing threat-model files.

Reading is lenient about findings and strict about everything else: a finding that does not fit
the schema becomes a rejected verdict (so one bad finding does not hide the rest), while a file
that is not a threat model at all raises `ThreatModelFileError` with one line saying why.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from assistant.errors import InputFileError, ThreatModelFileError
from assistant.schema import SCHEMA_VERSION, Finding, ThreatModel, Verdict
from assistant.validator import schema_issues, verdict

# Real threat models are kilobytes; a cap keeps a mistaken or hostile file from eating memory.
MAX_FILE_BYTES = 20 * 1024 * 1024


def read_text(
    path: Path, *, max_bytes: int = MAX_FILE_BYTES, error: type[InputFileError] = InputFileError
) -> str:
    """Read a UTF-8 text file, raising `error` with one clear line on any problem."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise error(
                f"{path}: file is {size / 1_048_576:.1f} MB; the limit is {max_bytes // 1_048_576} MB"
            )
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise error(f"{path}: no such file") from None
    except IsADirectoryError:
        raise error(f"{path}: is a directory, not a file") from None
    except OSError as exc:
        raise error(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise error(f"{path}: not UTF-8 text (is it a binary file?)") from None


def read_json(
    path: Path,
    *,
    max_bytes: int = MAX_FILE_BYTES,
    error: type[InputFileError] = ThreatModelFileError,
) -> Any:
    """Read a JSON file, raising `error` with one clear line on any problem."""
    text = read_text(path, max_bytes=max_bytes, error=error)
    return parse_json(text, str(path), error=error)


def parse_json(
    text: str, source: str, *, error: type[InputFileError] = ThreatModelFileError
) -> Any:
    """Parse JSON text read from `source`, raising `error` with one clear line on any problem."""
    if not text.strip():
        raise error(f"{source}: file is empty")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        truncated = " (the file looks truncated)" if exc.pos >= len(text.rstrip()) else ""
        raise error(
            f"{source}: not valid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}{truncated}"
        ) from None
    except RecursionError:
        raise error(f"{source}: JSON is nested too deeply") from None


READABLE_VERSIONS = (1, SCHEMA_VERSION)
_V1_REASON = "recorded in a version-1 file, which kept no evidence"


def upgrade_v1(data: dict[str, Any]) -> dict[str, Any]:
    """A version-1 threat model as version 2: its system facts marked as assumed, not quoted.

    Version 1 had no evidence; rather than invent quotes, every fact it recorded is carried over
    with an `assumed` evidence that says where it came from, so a reviewer sees it unverified.
    """
    system = data.get("system")
    upgraded = {**data, "schema_version": SCHEMA_VERSION}
    if not isinstance(system, dict):
        return upgraded
    assumed = [{"kind": "assumed", "reason": _V1_REASON}]
    system = dict(system)
    for key in ("components", "data_flows", "trust_boundaries"):
        items = system.get(key)
        if isinstance(items, list):
            system[key] = [
                {**item, "evidence": assumed} if isinstance(item, dict) else item for item in items
            ]
    capabilities = system.get("capabilities")
    if isinstance(capabilities, dict):
        system["capability_evidence"] = {name: assumed for name in capabilities}
    upgraded["system"] = system
    return upgraded


def parse_threat_model(data: Any, source: str = "input") -> tuple[ThreatModel, list[Verdict]]:
    """Build a threat model from parsed JSON, keeping ill-formed findings out as verdicts.

    Returns:
        The model holding only the findings that fit the schema, and a rejected verdict for
        each finding that did not.
    """
    if not isinstance(data, dict):
        raise ThreatModelFileError(f"{source}: not a threat model (expected a JSON object)")
    raw_findings = data.get("findings", [])
    if not isinstance(raw_findings, list):
        raise ThreatModelFileError(f"{source}: not a threat model ('findings' must be a list)")
    version = data.get("schema_version", 1)
    if version not in READABLE_VERSIONS or isinstance(version, bool):
        raise ThreatModelFileError(
            f"{source}: schema_version {version!r} is not supported "
            f"(this version reads the numbers {' and '.join(map(str, READABLE_VERSIONS))})"
        )
    if version == 1:
        data = upgrade_v1(data)
    try:
        model = ThreatModel.model_validate({**data, "findings": []})
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "top level"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise ThreatModelFileError(
            f"{source}: not a valid threat model: {where}: {first['msg']}{more}"
        ) from None

    findings: list[Finding] = []
    rejected: list[Verdict] = []
    for index, raw in enumerate(raw_findings):
        ident = str(raw.get("id") or f"#{index + 1}") if isinstance(raw, dict) else f"#{index + 1}"
        try:
            findings.append(Finding.model_validate(raw))
        except ValidationError as exc:
            rejected.append(verdict(ident, schema_issues(exc)))
    return model.model_copy(update={"findings": findings}), rejected


def read_threat_model(path: Path) -> tuple[ThreatModel, list[Verdict]]:
    """Read a threat-model file (see `parse_threat_model`)."""
    return parse_threat_model(read_json(path), str(path))


def dump_threat_model(model: ThreatModel) -> str:
    """A threat model as the JSON text every writer uses."""
    return model.model_dump_json(indent=2, by_alias=True, exclude_none=False) + "\n"


def read_description(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Read a system description (Markdown or text); `-` reads standard input."""
    if str(path) == "-":
        return sys.stdin.read()
    return read_text(path, max_bytes=max_bytes)


def write_threat_model(model: ThreatModel, path: Path) -> None:
    """Write a threat model as JSON, atomically (a crash never leaves half a file)."""
    text = dump_threat_model(model)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
