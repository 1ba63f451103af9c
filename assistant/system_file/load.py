"""Reading a system file into a `SystemModel`, every fact with the file and line it came from.

The reader is strict where a silent mistake would change the analysis: an unknown field, a
reference to a component that does not exist, a misspelt capability or an id used twice is an
error naming the file, the line and the field path, e.g.
`system.yaml: line 31: controls[0].applies_to[0]: no component 'refund-tol'; did you mean
'refund-tool'?`. Only the first problem (in file order) is shown, with a count of the rest.

Facts the file leaves out stay unknown. A few capabilities follow from the facts themselves
(`IMPLIED_BY_KIND` and `_implied`): a tool component means the agent calls tools, an untrusted
inbound mailbox makes the system external-facing. They are filled in with the line that implies
them, unless the file settles the capability itself; when the file rules out a capability its
own facts imply, the contradiction is recorded as an unknown for the reviewer.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import Any, NoReturn

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from assistant.errors import SystemFileError
from assistant.files import read_text
from assistant.schema import (
    Asset,
    Component,
    ControlKind,
    DataClass,
    EntryKind,
    EntryPoint,
    Evidence,
    EvidenceKind,
    SystemModel,
    TrustBoundary,
)
from assistant.system_file.model import KIND_LAYERS, SystemFile
from assistant.system_file.positions import Parsed, format_path, parse_json_positions, parse_yaml

SYSTEM_SUFFIXES = (".yaml", ".yml", ".json")
# System files are kilobytes; the cap keeps a mistaken argument (a log, a dump) from being parsed.
MAX_SYSTEM_FILE_BYTES = 1024 * 1024

# Capabilities a component's kind establishes (the same words the extractor reads them from).
IMPLIED_BY_KIND: dict[str, tuple[str, ...]] = {
    "model-server": ("self-hosted-model",),
    "vector-store": ("rag",),
    "knowledge-base": ("rag",),
    "memory": ("memory",),
    "shared-memory": ("memory", "shared-knowledge"),
    "tool": ("tools",),
    "external-api": ("tools",),
    "code-runner": ("code-execution", "tools"),
    "plugin": ("plugins", "tools"),
    "mcp-server": ("mcp", "agent-protocol", "tools"),
    "agent-protocol": ("agent-protocol", "multi-agent"),
    "identity": ("authentication",),
    "identity-provider": ("authentication",),
    "access-control": ("authentication",),
    "human-reviewer": ("human-in-loop", "human-users"),
    "regulation": ("sensitive-data",),
    "data-protection-law": ("sensitive-data",),
    "security-agent": ("security-agent",),
    "registry": ("agent-registry",),
    "blockchain": ("blockchain",),
}
# Entry points through which people or systems outside the organisation reach the system
# directly (tool output and retrieved documents are untrusted too, but reached from inside).
OUTSIDE_ENTRIES = {
    EntryKind.PUBLIC_USERS,
    EntryKind.INBOUND_EMAIL,
    EntryKind.INBOUND_MESSAGES,
    EntryKind.WEB_CONTENT,
    EntryKind.UPLOADED_FILES,
    EntryKind.API_CLIENTS,
    EntryKind.DEVICES,
}
SENSITIVE_CLASSES = {
    DataClass.PII,
    DataClass.PHI,
    DataClass.CREDENTIALS,
    DataClass.MONEY,
    DataClass.CONFIDENTIAL,
}


def is_system_file(path: FilePath) -> bool:
    """Whether `analyze` reads `path` as a system file (by suffix) rather than a description."""
    return path.suffix.lower() in SYSTEM_SUFFIXES


def read_system_file(path: FilePath, capabilities: Collection[str]) -> SystemModel:
    """Read a system file (YAML or JSON, by suffix) into a system model.

    Args:
        path: The file.
        capabilities: The catalogue's capability vocabulary; other names are refused.

    Raises:
        SystemFileError: The file is unreadable, not YAML/JSON, or does not fit the format.
    """
    text = read_text(path, limit=MAX_SYSTEM_FILE_BYTES, error=SystemFileError)
    source = str(path)
    parsed = (
        parse_json_positions(text, source)
        if path.suffix.lower() == ".json"
        else parse_yaml(text, source)
    )
    return parse_system_file(parsed, source, path.name, capabilities)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a system file, at a line."""

    line: int
    path: tuple[str | int, ...]
    message: str


def parse_system_file(
    parsed: Parsed, source: str, name: str, capabilities: Collection[str]
) -> SystemModel:
    """A system model from a parsed system file (see `read_system_file`).

    Args:
        parsed: The document and its lines.
        source: How errors name the file (the path as given).
        name: How evidence names the file (its name: the model does not depend on the directory).
        capabilities: The catalogue's capability vocabulary.
    """
    data = parsed.data
    if not isinstance(data, dict):
        message = (
            f"must be a mapping of system fields (name, components, ...), not {_type_name(data)}"
        )
        _fail(source, [Problem(parsed.line(()), (), message)])
    try:
        file = SystemFile.model_validate(data)
    except ValidationError as exc:
        _fail(source, [_problem(error, parsed) for error in exc.errors(include_url=False)])
    problems = list(_check(file, parsed, capabilities))
    if problems:
        _fail(source, problems)
    return _system(file, parsed, name, capabilities)


def _fail(source: str, problems: Sequence[Problem]) -> NoReturn:
    """Raise the first problem in file order, counting the others."""
    first = min(problems, key=lambda p: p.line)
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    where = format_path(first.path)
    raise SystemFileError(
        f"{source}: line {first.line}: {where}: {first.message}{more}", first.line
    )


def _type_name(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    return "a string" if isinstance(value, str) else f"a {type(value).__name__}"


# --- schema errors ------------------------------------------------------------------------------


def _problem(error: ErrorDetails, parsed: Parsed) -> Problem:
    path = tuple(p for p in error["loc"] if p != "[key]")
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        fields = _fields_at(path[:-1])
        close = difflib.get_close_matches(str(path[-1]), fields, n=1)
        message = "unknown field" + (
            f"; did you mean {close[0]!r}?" if close else f" (fields: {', '.join(fields)})"
        )
    elif error["type"] == "missing":
        message = "required, but missing"
    return Problem(parsed.line(path), path, message)


def _fields_at(path: Sequence[str | int]) -> list[str]:
    """The field names (as written in the file) of the record at `path` in a system file."""
    model: type[BaseModel] = SystemFile
    for part in path:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        inner = _record_type(field.annotation) if field else None
        if inner is None:
            return []
        model = inner
    return [f.alias or name for name, f in model.model_fields.items()]


def _record_type(annotation: Any) -> type[BaseModel] | None:
    """The record type in `X`, `list[X]` or `X | None`, if there is one."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (list, typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _record_type(arg)
            if found is not None:
                return found
    return None


# --- checks the schema cannot express ---------------------------------------------------------


def _check(file: SystemFile, parsed: Parsed, capabilities: Collection[str]) -> Iterator[Problem]:
    def at(*path: str | int) -> int:
        return parsed.line(path)

    for key in ("components", "data_flows", "trust_boundaries", "controls", "assets"):
        yield from _unique_ids(key, [item.id for item in getattr(file, key)], at)
    yield from _unique_ids("entry_points", [e.id for e in file.entry_points], at)

    for i, component in enumerate(file.components):
        if not component.layers and component.kind not in KIND_LAYERS:
            yield Problem(
                at("components", i, "kind"),
                ("components", i, "layers"),
                f"required: kind {component.kind!r} has no default layer "
                "(give MAESTRO layers, e.g. [L3], or use a kind listed in docs/SYSTEM-FILES.md)",
            )

    ids = [c.id for c in file.components]
    references: list[tuple[tuple[str | int, ...], str]] = []
    for i, flow in enumerate(file.data_flows):
        references += [(("data_flows", i, "source"), flow.source)]
        references += [(("data_flows", i, "target"), flow.target)]
    for i, boundary in enumerate(file.trust_boundaries):
        references += [
            (("trust_boundaries", i, "components", j), c) for j, c in enumerate(boundary.components)
        ]
    for i, control in enumerate(file.controls):
        references += [
            (("controls", i, "applies_to", j), c) for j, c in enumerate(control.applies_to)
        ]
    for i, asset in enumerate(file.assets):
        references += [(("assets", i, "components", j), c) for j, c in enumerate(asset.components)]
    for i, entry in enumerate(file.entry_points):
        if entry.target:
            references += [(("entry_points", i, "target"), entry.target)]
    for path, ref in references:
        if ref not in ids:
            yield Problem(at(*path), path, f"no component {ref!r}" + _suggest(ref, ids))

    for key in ("capabilities", "capability_evidence"):
        for name in getattr(file, key):
            if name not in capabilities:
                yield Problem(
                    at(key, name),
                    (key, name),
                    "not a catalogue capability" + _suggest(name, sorted(capabilities)),
                )


def _unique_ids(key: str, ids: list[str], at: Callable[..., int]) -> Iterator[Problem]:
    first: dict[str, int] = {}
    for i, ident in enumerate(ids):
        if ident in first:
            yield Problem(
                at(key, i, "id"),
                (key, i, "id"),
                f"id {ident!r} is already used by {key}[{first[ident]}]",
            )
        first.setdefault(ident, i)


def _suggest(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


# --- the system model -------------------------------------------------------------------------


def _system(
    file: SystemFile, parsed: Parsed, name: str, capabilities: Collection[str]
) -> SystemModel:
    def cite(*path: str | int, quote: str = "") -> Evidence:
        return Evidence(kind=EvidenceKind.FILE, location=f"{name}:{parsed.line(path)}", quote=quote)

    def own(given: list[Evidence], *path: str | int) -> list[Evidence]:
        return given or [cite(*path)]

    components = [
        Component.model_validate(
            {
                **c.model_dump(),
                "name": c.name or c.id,
                "layers": c.layers or list(KIND_LAYERS[c.kind]),
                "evidence": own(c.evidence, "components", i),
            }
        )
        for i, c in enumerate(file.components)
    ]
    settled = {
        cap: (value, file.capability_evidence.get(cap) or [cite("capabilities", cap)])
        for cap, value in file.capabilities.items()
    }
    evidence = {cap: found for cap, (_, found) in settled.items()}
    values = {cap: value for cap, (value, _) in settled.items()}
    unknowns = list(file.unknowns)
    for cap, why in _implied(file, cite).items():
        if cap not in capabilities:
            continue  # a catalogue without this capability
        if cap not in values:
            values[cap], evidence[cap] = True, why
        elif values[cap] is False:
            unknowns.append(
                f"capabilities.{cap} is false ({evidence[cap][0].location}) but "
                f"{why[0].location} implies it ({why[0].quote})"
            )
    for cap, found in file.capability_evidence.items():
        evidence.setdefault(cap, found)
    return SystemModel(
        name=file.name,
        description=file.description,
        components=components,
        data_flows=[
            f.model_copy(update={"evidence": own(f.evidence, "data_flows", i)})
            for i, f in enumerate(file.data_flows)
        ],
        trust_boundaries=[
            TrustBoundary.model_validate(
                {
                    **b.model_dump(),
                    "name": b.name or b.id,
                    "evidence": own(b.evidence, "trust_boundaries", i),
                }
            )
            for i, b in enumerate(file.trust_boundaries)
        ],
        controls=[
            c.model_copy(update={"evidence": own(c.evidence, "controls", i)})
            for i, c in enumerate(file.controls)
        ],
        assets=[
            Asset.model_validate(
                {**a.model_dump(), "name": a.name or a.id, "evidence": own(a.evidence, "assets", i)}
            )
            for i, a in enumerate(file.assets)
        ],
        entry_points=[
            EntryPoint.model_validate(
                {
                    **e.model_dump(),
                    "name": e.name or e.id,
                    "evidence": own(e.evidence, "entry_points", i),
                }
            )
            for i, e in enumerate(file.entry_points)
        ],
        capabilities=values,
        capability_evidence=evidence,
        agentic_factors=file.agentic_factors,
        assumptions=file.assumptions,
        unknowns=unknowns,
    )


def _implied(file: SystemFile, cite: Callable[..., Evidence]) -> dict[str, list[Evidence]]:
    """Capabilities the file's own facts establish, each with the lines that establish it."""
    found: dict[str, list[Evidence]] = {}

    def add(capability: str, evidence: Evidence) -> None:
        found.setdefault(capability, []).append(evidence)

    agents = 0
    for i, c in enumerate(file.components):
        for capability in IMPLIED_BY_KIND.get(c.kind, ()):
            add(capability, cite("components", i, "kind", quote=f"{c.id} is a {c.kind}"))
        if c.effect is not None and "tools" not in IMPLIED_BY_KIND.get(c.kind, ()):
            add("tools", cite("components", i, "effect", quote=f"{c.id} {c.effect.value}"))
        if c.kind == "agent":
            agents += 1
            if agents == 2:
                add("multi-agent", cite("components", i, "kind", quote=f"{c.id} is a second agent"))
    for i, e in enumerate(file.entry_points):
        if e.kind in (EntryKind.PUBLIC_USERS, EntryKind.INTERNAL_USERS):
            add("human-users", cite("entry_points", i, "kind", quote=f"{e.id}: {e.kind.value}"))
        if e.untrusted and e.kind in OUTSIDE_ENTRIES:
            add(
                "external-facing",
                cite("entry_points", i, "kind", quote=f"{e.id}: untrusted {e.kind.value}"),
            )
        if e.kind == EntryKind.OTHER_AGENTS:
            add("multi-agent", cite("entry_points", i, "kind", quote=f"{e.id}: other agents"))
    for i, control in enumerate(file.controls):
        if not control.present:
            continue
        if control.kind == ControlKind.HUMAN_APPROVAL:
            add("human-in-loop", cite("controls", i, "kind", quote=f"{control.id}: human approval"))
        if control.kind == ControlKind.AUTHENTICATION:
            add("authentication", cite("controls", i, "kind", quote=f"{control.id}"))
    for i, asset in enumerate(file.assets):
        if asset.data_class in SENSITIVE_CLASSES:
            add(
                "sensitive-data",
                cite("assets", i, "data_class", quote=f"{asset.id}: {asset.data_class.value}"),
            )
    return found
