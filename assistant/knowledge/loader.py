"""Load the catalogue from `knowledge/` and check its integrity.

`check_catalogue` never raises on bad content: it returns every problem it finds, one line each,
naming the file and entry. `load_catalogue` raises `CatalogueError` carrying those lines.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from assistant.errors import CatalogueError, InputFileError
from assistant.files import read_bytes
from assistant.knowledge.catalogue import Catalogue
from assistant.knowledge.model import (
    AsiEntry,
    CatalogueEntry,
    CatalogueHeader,
    ChainEntry,
    DecisionStepEntry,
    Entry,
    LayerEntry,
    LlmTopTenEntry,
    MitigationEntry,
    PlaybookEntry,
    QuestionEntry,
    ThreatEntry,
    ThreatFamily,
)
from assistant.locations import knowledge_dir
from assistant.schema import Layer

HEADER_FILE = "catalogue.yaml"
# The ids the rest of the product relies on by name.
REQUIRED_IDS = [layer.value for layer in Layer] + [f"T{n}" for n in range(1, 18)]

_ENTRY = TypeAdapter[CatalogueEntry](CatalogueEntry)
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when the wheel has it


def _describe(error: ValidationError, tag: object = None) -> Iterator[str]:
    for item in error.errors(include_url=False):
        loc = list(item["loc"])
        if loc and tag is not None and loc[0] == tag:
            loc = loc[1:]  # pydantic prefixes the union's discriminator value ("threat.layers")
        where = ".".join(str(part) for part in loc)
        yield f"{where}: {item['msg']}" if where else str(item["msg"])


def _read_yaml(path: Path, label: str, problems: list[str]) -> tuple[Any, bytes]:
    try:
        raw = read_bytes(path)
    except InputFileError as exc:
        problems.append(f"{label}: {exc.message.removeprefix(f'{path}: ')}")
        return None, b""
    try:
        return yaml.load(raw, Loader=_Loader), raw
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        at = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        problems.append(f"{label}{at}: YAML syntax error: {exc.problem or exc}")
    except yaml.YAMLError as exc:
        problems.append(f"{label}: YAML error: {exc}")
    except UnicodeDecodeError:
        problems.append(f"{label}: not UTF-8 text")
    return None, raw


def _parse_entries(
    data: Any, label: str, problems: list[str], broken: set[str]
) -> list[Entry] | None:
    """The valid entries of one file; None if the file's shape is wrong.

    Ids of entries that fail validation go into `broken`, so references to them are not
    reported a second time as unknown ids.
    """
    if not isinstance(data, dict) or set(data) != {"entries"}:
        problems.append(f"{label}: expected a mapping with the single key 'entries'")
        return None
    items = data["entries"]
    if not isinstance(items, list):
        problems.append(f"{label}: 'entries' must be a list")
        return None
    entries: list[Entry] = []
    for index, item in enumerate(items):
        name = item.get("id") if isinstance(item, dict) else None
        where = (
            f"{label}: entry {name}" if isinstance(name, str) else f"{label}: entry #{index + 1}"
        )
        try:
            entries.append(_ENTRY.validate_python(item))
        except ValidationError as exc:
            tag = item.get("kind") if isinstance(item, dict) else None
            problems.extend(f"{where}: {line}" for line in _describe(exc, tag))
            if isinstance(name, str):
                broken.add(name)
    return entries


def check_catalogue(root: Path | None = None) -> tuple[Catalogue | None, list[str]]:
    """Load and check the catalogue under `root` (default: the bundled `knowledge/`).

    Returns:
        The catalogue (None if it could not be built at all) and the list of problems, one
        human line each. The catalogue is only safe to use when the list is empty.
    """
    root = root or knowledge_dir()
    problems: list[str] = []
    if not root.is_dir():
        return None, [f"{root}: catalogue directory not found"]

    header_path = root / HEADER_FILE
    digest = hashlib.sha256()
    data, raw = _read_yaml(header_path, HEADER_FILE, problems)
    digest.update(HEADER_FILE.encode() + b"\0" + raw)
    header: CatalogueHeader | None = None
    if data is not None:
        try:
            header = CatalogueHeader.model_validate(data)
        except ValidationError as exc:
            problems.extend(f"{HEADER_FILE}: {line}" for line in _describe(exc))

    entries: list[tuple[str, Entry]] = []
    broken: set[str] = set()
    unreadable = False
    for path in sorted(
        p for p in root.rglob("*.yaml") if p.name != HEADER_FILE or p.parent != root
    ):
        label = path.relative_to(root).as_posix()
        data, raw = _read_yaml(path, label, problems)
        digest.update(label.encode() + b"\0" + raw)
        parsed = _parse_entries(data, label, problems, broken) if data is not None else None
        unreadable |= parsed is None
        entries.extend((label, entry) for entry in parsed or [])
    if header is None:
        return None, problems

    catalogue = Catalogue(
        release=header.release,
        version=f"{header.release}+{digest.hexdigest()[:12]}",
        sources=header.sources,
        capabilities=header.capabilities,
        entries=[entry for _, entry in entries],
        files={entry.id: label for label, entry in entries},
    )
    # A file that could not be read at all would make every reference into it look broken:
    # report the file alone, and check references once it reads.
    if not unreadable:
        problems.extend(_integrity(catalogue, entries, broken))
    return catalogue, problems


def load_catalogue(root: Path | None = None) -> Catalogue:
    """Load the catalogue and raise `CatalogueError` if any check fails."""
    catalogue, problems = check_catalogue(root)
    if problems or catalogue is None:
        raise CatalogueError(problems)
    return catalogue


@cache
def default_catalogue() -> Catalogue:
    """The bundled catalogue, loaded and checked once per process."""
    return load_catalogue()


def _integrity(cat: Catalogue, entries: list[tuple[str, Entry]], broken: set[str]) -> Iterator[str]:
    """Every cross-file check: uniqueness, references, layers, required ids.

    Ids in `broken` (entries that failed validation, already reported) count as present.
    """
    seen: dict[str, str] = {}
    for label, entry in entries:
        if entry.id in seen:
            yield f"{label}: entry {entry.id}: duplicate id (also in {seen[entry.id]})"
        seen.setdefault(entry.id, label)
    alias_owner: dict[str, str] = {}
    for label, entry in entries:
        for alias in entry.aliases:
            if alias in seen:
                yield f"{label}: entry {entry.id}: alias {alias} is also an entry id"
            elif alias in alias_owner and alias_owner[alias] != entry.id:
                yield f"{label}: entry {entry.id}: alias {alias} is also an alias of {alias_owner[alias]}"
            alias_owner.setdefault(alias, entry.id)
    for required in REQUIRED_IDS:
        if required not in seen and required not in broken:
            yield f"catalogue: required entry {required} is missing"
    for label, entry in entries:
        for problem in _entry_problems(cat, entry):
            if not any(f" {b} is not a catalogue id" in problem for b in broken):
                yield f"{label}: entry {entry.id}: {problem}"


def _refs(cat: Catalogue, ids: Iterable[str], kind: str | None, field: str) -> Iterator[str]:
    for ref in ids:
        target = cat.entries.get(ref)
        if target is None:
            yield f"{field}: {ref} is not a catalogue id"
        elif kind is not None and target.kind != kind:
            yield f"{field}: {ref} is a {target.kind}, not a {kind}"


def _entry_problems(cat: Catalogue, e: Entry) -> Iterator[str]:
    for src in e.sources:
        if src.doc not in cat.sources:
            yield f"sources: unknown document {src.doc}"
    yield from _refs(cat, e.related, None, "related")
    if isinstance(e, LayerEntry):
        if e.id not in Layer.__members__ or e.layers != [Layer(e.id)]:
            yield "a layer's id must be L1..L7 or CL and its layers just itself"
    elif isinstance(e, ThreatEntry):
        yield from _threat_problems(cat, e)
    elif isinstance(e, ChainEntry):
        if len(set(e.chain_layers)) < 2 or Layer.CL in e.chain_layers:
            yield "chain_layers needs two or more distinct layers from L1..L7"
        yield from _refs(cat, e.threats, "threat", "threats")
        yield from (
            f"requires: unknown capability {c}" for c in e.requires if c not in cat.capabilities
        )
        yield from _refs(cat, e.factors, "factor", "factors")
        yield from _refs(cat, e.mitigations, "mitigation", "mitigations")
    elif isinstance(e, MitigationEntry | LlmTopTenEntry):
        yield from _refs(cat, e.threats, "threat", "threats")
    elif isinstance(e, DecisionStepEntry):
        yield from _refs(cat, e.threats, "threat", "threats")
        yield from _refs(cat, [e.playbook], "playbook", "playbook")
    elif isinstance(e, PlaybookEntry):
        yield from _refs(cat, e.threats, "threat", "threats")
        yield from _refs(
            cat, [e.decision_step] if e.decision_step else [], "decision-step", "decision_step"
        )
    elif isinstance(e, AsiEntry):
        yield from _refs(cat, e.threats, "threat", "threats")
        yield from _refs(cat, e.llm_top10, "llm-top10", "llm_top10")
    elif isinstance(e, QuestionEntry):
        yield from (
            f"capabilities: unknown capability {c}"
            for c in e.capabilities
            if c not in cat.capabilities
        )


def _threat_problems(cat: Catalogue, e: ThreatEntry) -> Iterator[str]:
    if not e.layers:
        yield "a threat needs at least one allowed layer"
    if e.possible_with and not e.requires_any:
        yield "possible_with keeps requires_any open, which is empty"
    if e.possible_via and not e.possible_with:
        yield "possible_via names the facts of possible_with, which is empty"
    for cap in [*e.requires, *e.requires_any, *e.possible_with]:
        if cap not in cat.capabilities:
            yield f"requires: unknown capability {cap}"
    for cap in sorted(set(e.shown_by) - {*e.requires, *e.requires_any}):
        yield f"shown_by: {cap} is not a capability of requires or requires_any"
    signed = [*(s.capabilities for s in e.shown_by.values())]
    signed += [e.requires_signs.capabilities] if e.requires_signs else []
    signed += [e.possible_via.capabilities] if e.possible_via else []
    if any(signed):
        yield "capabilities as signs belong in specific_when only: a capability cannot show one"
    for cap in e.specific_when.capabilities if e.specific_when else []:
        if cap not in cat.capabilities:
            yield f"specific_when: unknown capability {cap}"
    yield from _refs(cat, e.factors, "factor", "factors")
    yield from _refs(
        cat, [e.decision_step] if e.decision_step else [], "decision-step", "decision_step"
    )
    yield from _refs(cat, e.mitigations, "mitigation", "mitigations")
    yield from _refs(cat, e.asi_top10, "asi-top10", "asi_top10")
    yield from _refs(cat, e.llm_top10, "llm-top10", "llm_top10")
    printed = {o.alias for o in e.occurrences}
    if e.family is ThreatFamily.MAS_EXTENDED:
        if not e.occurrences:
            yield "a mas-extended threat needs its printed occurrences"
        for alias in sorted(printed - set(e.aliases)):
            yield f"aliases: occurrence {alias} has no alias"
    elif e.occurrences:
        yield "occurrences are only for mas-extended threats"
    for alias in e.aliases:
        if alias.startswith("MAS-") and ":" in alias and alias not in printed:
            yield f"aliases: {alias} matches no printed occurrence"
        if alias in {"T16", "T17"}:
            yield f"aliases: bare {alias} always means the T&M v1.1 threat"
