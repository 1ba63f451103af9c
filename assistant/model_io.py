"""Reading and writing threat-model files.

Reading is lenient about findings and strict about everything else: a finding that does not fit
the schema becomes a rejected verdict (so one bad finding does not hide the rest), while a file
that is not a threat model at all raises `ThreatModelFileError` with one line saying why.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from assistant import files
from assistant.errors import InputFileError, ThreatModelFileError
from assistant.files import MAX_INPUT_BYTES
from assistant.schema import SCHEMA_VERSION, Finding, ThreatModel, Verdict
from assistant.validator import schema_issues, verdict


def read_json(
    path: Path,
    *,
    max_bytes: int = MAX_INPUT_BYTES,
    error: type[InputFileError] = ThreatModelFileError,
) -> Any:
    """Read a JSON file, raising `error` with one clear line on any problem."""
    text = files.read_text(path, limit=max_bytes, error=error)
    return parse_json(text, str(path), error=error)


# About 22 per finding in real models: room for some 2,000 findings, and a bound on the memory
# the worst file of this many (every one an invalid finding) takes to parse and reject.
MAX_JSON_CONTAINERS = 20_000
# Past this many findings that do not fit the schema, the file is refused as a whole.
MAX_REJECTED = 1_000


def parse_json(
    text: str, source: str, *, error: type[InputFileError] = ThreatModelFileError
) -> Any:
    """Parse JSON text read from `source`, raising `error` with one clear line on any problem.

    Text with more than `MAX_JSON_CONTAINERS` objects and lists is refused before it is parsed:
    memory grows with their number, not the file's size (20 MB of `{},` is seven million dicts,
    then as many validation errors), and no threat model a person reviews comes near it.
    """
    if not text.strip():
        raise error(f"{source}: file is empty")
    # An upper bound (brackets inside strings count too), at C speed: ~10 ms for 20 MB.
    containers = text.count("{") + text.count("[")
    if containers > MAX_JSON_CONTAINERS:
        raise error(
            f"{source}: too many JSON objects and lists ({containers:,}; "
            f"the limit is {MAX_JSON_CONTAINERS:,})"
        )
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


def _schema_version(data: dict[str, Any], source: str) -> int:
    """The file's schema version, refused with a line that names its JSON type when it is wrong.

    The version is a JSON number; a string such as "1" is refused rather than guessed at (the
    rest of the file is read strictly too), with a message that tells the two apart.
    """
    version = data.get("schema_version", 1)
    numbers = " and ".join(map(str, READABLE_VERSIONS))
    if isinstance(version, int) and not isinstance(version, bool):
        if version in READABLE_VERSIONS:
            return version
        raise ThreatModelFileError(
            f"{source}: schema_version {version} is not supported "
            f"(this version reads the numbers {numbers})"
        )
    kinds = {
        str: "a string",
        bool: "a boolean",
        float: "a decimal",
        list: "a list",
        dict: "an object",
    }
    kind = "null" if version is None else kinds.get(type(version), type(version).__name__)
    quoted = isinstance(version, str) and version.strip() in map(str, READABLE_VERSIONS)
    hint = "; write it without quotes" if quoted else ""
    raise ThreatModelFileError(
        f"{source}: schema_version must be the number {' or '.join(map(str, READABLE_VERSIONS))}, not {kind} "
        f"{json.dumps(version)}{hint}"
    )


def parse_threat_model(
    data: Any, source: str = "input", *, consume: bool = False
) -> tuple[ThreatModel, list[Verdict]]:
    """Build a threat model from parsed JSON, keeping ill-formed findings out as verdicts.

    With `consume`, each raw finding is dropped from `data` once it is built, so a large file's
    parsed JSON and its model are not both held in full (peak memory stays bounded).

    Returns:
        The model holding only the findings that fit the schema, and a rejected verdict for
        each finding that did not.
    """
    if not isinstance(data, dict):
        raise ThreatModelFileError(f"{source}: not a threat model (expected a JSON object)")
    raw_findings = data.get("findings", [])
    if not isinstance(raw_findings, list):
        raise ThreatModelFileError(f"{source}: not a threat model ('findings' must be a list)")
    version = _schema_version(data, source)
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
        if consume:
            raw_findings[index] = None
        ident = str(raw.get("id") or f"#{index + 1}") if isinstance(raw, dict) else f"#{index + 1}"
        try:
            findings.append(Finding.model_validate(raw))
        except ValidationError as exc:
            rejected.append(verdict(ident, schema_issues(exc)))
            if len(rejected) > MAX_REJECTED:
                # Each verdict costs memory and a screenful of report; this many is no model.
                raise ThreatModelFileError(
                    f"{source}: not a threat model: more than {MAX_REJECTED:,} findings do not "
                    "fit the schema"
                ) from None
    return model.model_copy(update={"findings": findings}), rejected


def read_threat_model(path: Path) -> tuple[ThreatModel, list[Verdict]]:
    """Read a threat-model file (see `parse_threat_model`)."""
    return parse_threat_model(read_json(path), str(path), consume=True)


def dump_threat_model(model: ThreatModel) -> str:
    """A threat model as the JSON text every writer uses."""
    return model.model_dump_json(indent=2, by_alias=True, exclude_none=False) + "\n"


def read_description(path: Path, *, max_bytes: int = MAX_INPUT_BYTES) -> str:
    """Read a system description (Markdown or text); `-` reads standard input, bounded alike."""
    if str(path) == "-":
        return files.read_stdin_text(limit=max_bytes)
    return files.read_text(path, limit=max_bytes)


def write_threat_model(model: ThreatModel, path: str | os.PathLike[str]) -> None:
    """Write a threat model as JSON through the safe writer (`assistant.files.write_text`).

    Raises:
        OutputFileError: The path cannot be written (one line; no temp file is left behind).
    """
    files.write_text(path, dump_threat_model(model))
