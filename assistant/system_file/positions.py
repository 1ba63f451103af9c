"""Parse a system file's YAML or JSON text and remember the line where every value starts.

Schema errors and file evidence both need lines, which `yaml.safe_load` and `json.loads` throw
away. YAML is composed into its node tree (which carries marks) and constructed from that same
tree; JSON is parsed by `json.loads` and then walked once more, token by token, to record offsets
(re-reading JSON as YAML fails on tab indentation and surrogate escapes, both valid JSON).

Both readers refuse what the plain loaders silently accept: a key given twice in one mapping
(the later value would win unseen) and, for YAML, aliases that expand into a huge or recursive
document.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from assistant.errors import SystemFileError
from assistant.model_io import parse_json

Path = tuple[str | int, ...]
"""Where a value sits: mapping keys and list indexes from the top, e.g. `("components", 2)`."""

# A system file is a few hundred values; aliases that expand past this are an attack or a mistake.
MAX_VALUES = 100_000


@dataclass(frozen=True)
class Parsed:
    """A parsed system file and the line where each of its values starts.

    Attributes:
        data: The document, as `json.loads` or `yaml.safe_load` would return it.
        lines: 1-based line per path. A mapping entry's line is its key's line, which is where
            the fact starts even when its value runs over the following lines.
    """

    data: Any
    lines: dict[Path, int]

    def line(self, path: Sequence[str | int]) -> int:
        """The line of `path`, or of its nearest ancestor in the file (1 for the top)."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


def format_path(path: Sequence[str | int]) -> str:
    """A path as a reader writes it: `components[2].layers`, or `top level` for ()."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "top level"


def parse_yaml(text: str, source: str) -> Parsed:
    """Parse YAML text read from `source` (one document, safe tags only)."""
    loader = _BoundedLoader(text, source)
    try:
        node = loader.get_single_node()
        if node is None:
            raise SystemFileError(f"{source}: file is empty")
        lines: dict[Path, int] = {}
        _YamlWalk(source, lines).walk(node, ())
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "not YAML"
        if exc.problem and exc.context and exc.context_mark and exc.context_mark != mark:
            problem += f" ({exc.context} at line {exc.context_mark.line + 1})"
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        raise SystemFileError(
            f"{source}: not valid YAML{where}: {problem}", mark.line + 1 if mark else None
        ) from None
    except yaml.YAMLError as exc:
        raise SystemFileError(f"{source}: not valid YAML: {exc}") from None
    except RecursionError:
        raise SystemFileError(f"{source}: YAML is nested too deeply") from None
    finally:
        loader.dispose()
    return Parsed(data, lines)


class _BoundedLoader(yaml.SafeLoader):
    """A safe loader that stops composing past `MAX_VALUES` nodes.

    The node graph is built before anything walks it, and each node costs far more than the
    bytes that wrote it (`[{}, {}, ...]`), so the count has to stop the composer itself.
    """

    def __init__(self, text: str, source: str) -> None:
        super().__init__(text)
        self.source = source
        self.composed = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        """Compose one node, counting it first."""
        self.composed += 1
        if self.composed > MAX_VALUES:
            raise SystemFileError(f"{self.source}: more than {MAX_VALUES:,} values")
        node: yaml.Node | None = super().compose_node(parent, index)
        return node


class _YamlWalk:
    """Records lines and refuses duplicate keys and runaway aliases, before construction."""

    def __init__(self, source: str, lines: dict[Path, int]) -> None:
        self.source = source
        self.lines = lines
        self.visited = 0
        self.open: set[int] = set()

    def walk(self, node: yaml.Node, path: Path) -> None:
        self.visited += 1
        if self.visited > MAX_VALUES:
            raise SystemFileError(
                f"{self.source}: more than {MAX_VALUES:,} values once aliases are expanded"
            )
        if id(node) in self.open:
            line = node.start_mark.line + 1
            raise SystemFileError(
                f"{self.source}: line {line}: {format_path(path)}: an alias that contains itself",
                line,
            )
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.SequenceNode):
            self.open.add(id(node))
            for index, item in enumerate(node.value):
                self.walk(item, (*path, index))
            self.open.discard(id(node))
        elif isinstance(node, yaml.MappingNode):
            self.open.add(id(node))
            seen: dict[str, int] = {}
            for key, value in node.value:
                if not isinstance(key, yaml.ScalarNode) or key.tag == "tag:yaml.org,2002:merge":
                    self.walk(value, path)  # a merge (`<<: *base`) or complex key: no path step
                    continue
                line = key.start_mark.line + 1
                if key.value in seen:
                    where = format_path((*path, key.value))
                    raise SystemFileError(
                        f"{self.source}: line {line}: {where}: key given twice "
                        f"(first at line {seen[key.value]})",
                        line,
                    )
                seen[key.value] = line
                self.lines[(*path, key.value)] = line
                self.walk(value, (*path, key.value))
            self.open.discard(id(node))


def parse_json_positions(text: str, source: str) -> Parsed:
    """Parse JSON text read from `source` (errors as `assistant.model_io.parse_json` words them)."""
    data = parse_json(text, source, error=SystemFileError)
    try:
        lines = _JsonWalk(text, source).run()
    except RecursionError:
        raise SystemFileError(f"{source}: JSON is nested too deeply") from None
    return Parsed(data, lines)


_SPACE = re.compile(r"[ \t\n\r]*")


class _JsonWalk:
    """Offsets of every value in text `json.loads` has already accepted, and duplicate keys."""

    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.source = source
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        self.lines: dict[Path, int] = {}
        self.decoder = json.JSONDecoder()

    def run(self) -> dict[Path, int]:
        self.value(0, ())
        return self.lines

    def line(self, offset: int) -> int:
        return bisect.bisect_left(self.newlines, offset) + 1

    def space(self, offset: int) -> int:
        match = _SPACE.match(self.text, offset)
        return match.end() if match else offset

    def value(self, offset: int, path: Path) -> int:
        """Record the value at `offset` (and everything in it); return the offset past it."""
        offset = self.space(offset)
        self.lines.setdefault(path, self.line(offset))
        opener = self.text[offset]
        if opener == "{":
            return self.members(offset + 1, path)
        if opener == "[":
            return self.items(offset + 1, path)
        _, end = self.decoder.raw_decode(self.text, offset)
        return int(end)

    def members(self, offset: int, path: Path) -> int:
        offset = self.space(offset)
        seen: dict[str, int] = {}
        while self.text[offset] != "}":
            line = self.line(offset)
            key, offset = self.decoder.raw_decode(self.text, offset)
            if key in seen:
                where = format_path((*path, key))
                raise SystemFileError(
                    f"{self.source}: line {line}: {where}: key given twice "
                    f"(first at line {seen[key]})",
                    line,
                )
            seen[key] = line
            self.lines[(*path, key)] = line
            offset = self.space(offset) + 1  # past the colon
            offset = self.space(self.value(offset, (*path, key)))
            if self.text[offset] == ",":
                offset = self.space(offset + 1)
        return offset + 1

    def items(self, offset: int, path: Path) -> int:
        offset = self.space(offset)
        index = 0
        while self.text[offset] != "]":
            offset = self.space(self.value(offset, (*path, index)))
            index += 1
            if self.text[offset] == ",":
                offset = self.space(offset + 1)
        return offset + 1
