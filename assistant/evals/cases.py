"""Eval cases: reference threat models kept as versioned YAML under `evals/cases/`.

A case is a system description written the way a user would give it, the threats a competent
threat modeller would expect (each at one or more acceptable layers) and the threats whose
preconditions the description rules out. `Case` is the schema of record for a case file;
`evals/schema.json` is generated from it (`case_json_schema`) and a test keeps the two in sync.

Loading checks each case against the catalogue as well, so a typo in an id or a layer the
catalogue never allows fails at load time with one line naming the file, instead of silently
lowering every engine's recall.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.errors import EvalCaseError
from assistant.files import read_text
from assistant.knowledge.catalogue import Catalogue
from assistant.knowledge.model import ThreatEntry, ThreatFamily
from assistant.schema import Layer

SCHEMA_PATH = "evals/schema.json"
# Case files are a few kilobytes; the cap stops a mistaken path from being read whole.
MAX_CASE_BYTES = 1_000_000


class ExpectedItem(BaseModel):
    """A threat the reference threat model contains."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    threat: str = Field(min_length=1)
    """Catalogue threat id or alias, e.g. `T6` or `MAS-RPA:T16`."""
    layer: Layer | Annotated[list[Layer], Field(min_length=1)]
    """The layer, or a list of acceptable layers: a finding at any of them matches."""


class Case(BaseModel):
    """One eval case: a system description and its reference threats."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)
    """Stable identifier (lower case, digits and dashes), unique across the case set."""
    title: str = Field(min_length=1)
    """Human-readable name of the system."""
    source: str = Field(min_length=1)
    """Where the reference threat model comes from (document and section, or `own case`)."""
    description: str = Field(min_length=1)
    """The system as a user would describe it, in this project's own words."""
    expected: list[ExpectedItem] = Field(min_length=1)
    """Threats a competent threat modeller expects for this system."""
    not_expected: list[str] = []
    """Threat ids or aliases whose preconditions the description rules out."""


def case_json_schema() -> dict[str, Any]:
    """The JSON Schema of a case file (what `evals/schema.json` holds)."""
    schema = Case.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **schema,
    }


def case_json_schema_text() -> str:
    """`case_json_schema` as the exact text committed in `evals/schema.json`."""
    return json.dumps(case_json_schema(), indent=2, ensure_ascii=False) + "\n"


@dataclass(frozen=True)
class Target:
    """An expected item resolved against the catalogue.

    Attributes:
        ref: The id as written in the case file.
        threat: The canonical catalogue id.
        layers: The acceptable layers.
        core: Whether it is a core threat (T1-T17) rather than an extended one.
    """

    ref: str
    threat: str
    layers: tuple[Layer, ...]
    core: bool


@dataclass(frozen=True)
class LoadedCase:
    """A case file, validated and resolved against the catalogue.

    Attributes:
        case: The case as written.
        path: The file it came from.
        targets: The expected items, canonical ids.
        forbidden: The canonical ids of `not_expected`.
    """

    case: Case
    path: Path
    targets: tuple[Target, ...]
    forbidden: tuple[str, ...]

    @property
    def id(self) -> str:
        """The case id."""
        return self.case.id


def default_cases_dir() -> Path:
    """`evals/cases/` of the source checkout."""
    return Path(__file__).resolve().parents[2] / "evals" / "cases"


def load_cases(where: Path, catalogue: Catalogue) -> list[LoadedCase]:
    """Load every `*.yaml` case in a directory (or one case file), sorted by id.

    Raises:
        EvalCaseError: A file is unreadable, is not a valid case, names an id or a layer the
            catalogue does not have, or reuses another case's id; the message names the file.
    """
    if where.is_dir():
        paths = sorted([*where.glob("*.yaml"), *where.glob("*.yml")])
        if not paths:
            raise EvalCaseError(f"{where}: no case files (*.yaml) in this directory")
    elif where.exists():
        paths = [where]
    else:
        raise EvalCaseError(f"{where}: no such file or directory")
    loaded: dict[str, LoadedCase] = {}
    for path in paths:
        case = load_case(path, catalogue)
        if case.id in loaded:
            raise EvalCaseError(
                f"{path}: case id {case.id!r} is already used by {loaded[case.id].path}"
            )
        loaded[case.id] = case
    return [loaded[key] for key in sorted(loaded)]


def load_case(path: Path, catalogue: Catalogue) -> LoadedCase:
    """Load and check one case file (see `load_cases`)."""
    case = _parse(path, _read(path))
    targets: list[Target] = []
    for index, item in enumerate(case.expected):
        where = f"{path}: expected[{index}]"
        threat = _threat(item.threat, catalogue, where)
        layers = tuple(item.layer) if isinstance(item.layer, list) else (item.layer,)
        never = [layer.value for layer in layers if layer not in threat.layers]
        if never:
            allowed = ", ".join(layer.value for layer in threat.layers)
            raise EvalCaseError(
                f"{where}: the catalogue allows {threat.id} only at {allowed}, "
                f"so a finding at {', '.join(never)} can never match"
            )
        if any(t.threat == threat.id for t in targets):
            raise EvalCaseError(
                f"{where}: {threat.id} is expected twice; list all its layers in one item"
            )
        targets.append(Target(item.threat, threat.id, layers, threat.family == ThreatFamily.CORE))
    forbidden: list[str] = []
    for index, ref in enumerate(case.not_expected):
        threat = _threat(ref, catalogue, f"{path}: not_expected[{index}]")
        if any(t.threat == threat.id for t in targets):
            raise EvalCaseError(
                f"{path}: not_expected[{index}]: {threat.id} is also expected in this case"
            )
        if threat.id not in forbidden:
            forbidden.append(threat.id)
    return LoadedCase(case, path, tuple(targets), tuple(forbidden))


def _read(path: Path) -> Any:
    text = read_text(path, limit=MAX_CASE_BYTES, error=EvalCaseError)
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise EvalCaseError(f"{path}: not valid YAML{at}: {problem}") from None


def _parse(path: Path, data: Any) -> Case:
    if not isinstance(data, dict):
        raise EvalCaseError(f"{path}: a case file must be a YAML mapping (id, title, ...)")
    try:
        return Case.model_validate(data)
    except ValidationError as exc:
        # One problem per place: a bad `layer` fails both branches of its union (a layer, a
        # list of layers), which pydantic reports as two errors under branch-tagged locations.
        problems: dict[str, str] = {}
        for error in exc.errors():
            where = _location(error["loc"])
            if where.endswith(".layer") or ".layer[" in where:
                where = where.split(".layer")[0] + ".layer"
                message = f"use a layer (L1..L7 or CL) or a list of layers, not {error['input']!r}"
            else:
                message = error["msg"]
            problems.setdefault(where, message)
        where, message = next(iter(problems.items()))
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise EvalCaseError(f"{path}: {where}: {message}{more}") from None


def _location(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif "[" not in part:  # skip union-branch tags such as `list[enum[Layer]]`
            text += ("." if text else "") + part
    return text or "case"


def _threat(ref: str, catalogue: Catalogue, where: str) -> ThreatEntry:
    entry = catalogue.get(ref)
    if entry is None:
        hint = ", ".join(catalogue.suggest(ref))
        raise EvalCaseError(
            f"{where}: {ref!r} is not in the catalogue" + (f" (closest: {hint})" if hint else "")
        )
    if not isinstance(entry, ThreatEntry):
        raise EvalCaseError(f"{where}: {ref!r} is a {entry.kind}, not a threat")
    return entry
