"""Text as the extractor reads it: normalised, segmented into clauses, with offsets kept.

Matching runs on a normalised copy of each clause (identifiers split into words, common typos
of the vocabulary's key words mended, white space folded), and every match maps back to the
exact characters of the user's description. That is what lets every fact quote the user.

Segments come from prose (sentences, then clauses split at contrast and clause boundaries) and
from structure (YAML, JSON, Markdown lists and `key: value` lines), where a value is read with
the keys above it (`tools:` then `- send_sms` reads as "tools send sms").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.engine.reading.lexicon import NEGATIVE
from assistant.engine.reading.typos import mend

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-'\u2019_.][A-Za-z0-9]+)*|\d+(?:[.,]\d+)*|\S")
_IDENTIFIER_SPLIT = re.compile(r"_|\.(?=[A-Za-z])")


@dataclass(frozen=True)
class Norm:
    """A normalised text and, for each of its characters, the offset it came from.

    Attributes:
        text: Lower-case words separated by single spaces; identifiers split into words.
        origin: `origin[i]` is the offset in the source of `text[i]` (same length as `text`).
        ends: `ends[i]` is the offset just past the source character(s) `text[i]` stands for.
    """

    text: str
    origin: tuple[int, ...]
    ends: tuple[int, ...]

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The source span of `text[start:end]` (end exclusive)."""
        return self.origin[start], self.ends[end - 1]


# One read normalises the same spans many times (keys, component names, sentences); a Norm is
# immutable, so the passes share one.
@lru_cache(maxsize=4096)
def normalise(source: str, start: int = 0, end: int | None = None) -> Norm:
    """Normalise `source[start:end]` for matching, keeping the offset of every character.

    `send_sms`, `sendSms` and `payments_api.transfer` become "send sms", "send sms" and
    "payments api transfer"; "memroy" becomes "memory"; any run of white space one space.
    """
    end = len(source) if end is None else end
    out: list[str] = []
    origin: list[int] = []
    ends: list[int] = []
    for match in _TOKEN.finditer(source, start, end):
        token = match.group(0)
        pieces = _pieces(token, match.start())
        for piece, piece_start, piece_end in pieces:
            if out:
                out.append(" ")
                origin.append(piece_start)
                ends.append(piece_start)
            word = mend(piece).lower()
            for i, ch in enumerate(word):
                # A mended word may differ in length: map its characters onto the piece's span.
                out.append(ch)
                origin.append(min(piece_start + i, piece_end - 1))
                ends.append(
                    piece_end if i == len(word) - 1 else min(piece_start + i + 1, piece_end)
                )
    return Norm("".join(out), tuple(origin), tuple(ends))


def _pieces(token: str, at: int) -> list[tuple[str, int, int]]:
    """A token split at identifier joints (`_`, `.`, camelCase), with each piece's span."""
    # camelCase is split only when it starts lower case (`sendSms`); `OpenAI` and `GitHub` are
    # product names and stay whole.
    camel = token[:1].islower() and bool(_CAMEL.search(token))
    if not (_IDENTIFIER_SPLIT.search(token) or camel):
        return [(token, at, at + len(token))]
    pieces: list[tuple[str, int, int]] = []
    offset = 0
    for part in _IDENTIFIER_SPLIT.split(token):
        for sub in _CAMEL.split(part) if camel else [part]:
            if sub:
                begin = token.index(sub, offset)
                pieces.append((sub, at + begin, at + begin + len(sub)))
                offset = begin + len(sub)
        offset += 1
    return pieces


@dataclass(frozen=True)
class Segment:
    """A clause of prose, or one value of structured text read with its keys.

    Attributes:
        start: Offset of the segment in the source.
        end: Offset just past it.
        context: Keys above a structured value, normalised ("tools", "agents intake"); "".
        sentence: Index of the sentence (or structured line) it belongs to.
        key: For a structured value, the source span of its own key (`write_setpoint` in
            `write_setpoint: needs approval`); None otherwise.
        item: The value is a list item (`- send_sms`, or one of `[a, b]`).
    """

    start: int
    end: int
    context: str = ""
    sentence: int = 0
    key: tuple[int, int] | None = None
    item: bool = False


# A sentence ends at . ! ? followed by space and a capital, a digit, a quote or a bullet, or at
# a blank line or a new list item. Abbreviations are protected first.
_ABBREVIATIONS = re.compile(r"\b(?:e\.g|i\.e|etc|vs|approx|incl|no|dr|mr|mrs|ms|inc|ltd)\.", re.I)
_SENTENCE_END = re.compile(
    r"(?<=[.!?])[\"')\]]*\s+(?=[A-Za-z0-9\"'(`*\-\u2022])|\n\s*\n|\n(?=\s*(?:[-*\u2022+]|\d+[.)])\s)|"
    # A line that opens with a short key ("Memory: none", `multi_agent: true`) starts a new
    # one; a wrapped line of prose ("is held for review: the plan ...") does not.
    r"\n(?=[ \t]*(?:[A-Z][\w .-]{0,30}|[a-z_][\w-]{0,30}):[ \t])|"
    # A Markdown heading is a sentence of its own.
    r"\n(?=#{1,6}[ \t])|(?<=\x01)\n"
)
# Inside a sentence, a clause ends at these: negation and modality never reach past them.
_CLAUSE_END = re.compile(
    r"\s*(?:;|:(?=\s)|\u2014|\u2013|\s-\s"
    r"|,?\s+(?:but|however|although|though|whereas|while|except|unless|otherwise|instead)\b"
    r"|,\s+(?:so|which|whose|where|and then|then)\b"
    r"|,?\s+and\s+(?=(?:it|we|they|he|she|our|the|a|an|this|that|these|its|their|every|each|all|any|some)\b)"
    r"|,\s+(?=(?:it|we|they|our|the|this|that|its|their|every|each|all|any)\s))",
    re.I,
)


_HEADING = re.compile(r"^#{1,6}[ \t][^\n]*\S(?=\n)", re.MULTILINE)


def sentences(source: str) -> list[tuple[int, int]]:
    """Sentence spans of prose."""
    protected = _ABBREVIATIONS.sub(lambda m: m.group(0).replace(".", "\x00"), source)
    # Mark the last character of each heading line, so the line break after it ends a sentence
    # (one character for one: offsets are kept).
    protected = _HEADING.sub(lambda m: m.group(0)[:-1] + "\x01", protected)
    spans: list[tuple[int, int]] = []
    begin = 0
    for match in _SENTENCE_END.finditer(protected):
        spans.append((begin, match.start()))
        begin = match.end()
    spans.append((begin, len(source)))
    return [(s, e) for s, e in (_strip(source, s, e) for s, e in spans) if e > s]


def clauses(source: str, start: int, end: int) -> list[tuple[int, int]]:
    """Clause spans of one sentence."""
    spans: list[tuple[int, int]] = []
    begin = start
    for match in _CLAUSE_END.finditer(source, start, end):
        if match.group(0).lower() == " unless" and NEGATIVE.search(
            source[begin : match.start()].lower()
        ):
            continue  # "won't pay unless the CFO approves": one act, on a condition
        spans.append((begin, match.start()))
        begin = match.end()
    spans.append((begin, end))
    return [(s, e) for s, e in (_strip(source, s, e) for s, e in spans) if e > s]


def _strip(source: str, start: int, end: int) -> tuple[int, int]:
    while start < end and source[start] in " \t\r\n-*\u2022+>#|,.`\"'{}[]":
        start += 1
    while end > start and source[end - 1] in " \t\r\n,.;:|`\"'{}[]":
        end -= 1
    return start, end


_KEY_LINE = re.compile(
    r"^(?P<indent>\s*)(?:[-*+]\s+)?\"?(?P<key>[A-Za-z_][\w .\-]{0,40}?)\"?\s*:(?:\s+|$)"
)
_ITEM_LINE = re.compile(r"^(?P<indent>\s*)(?:[-*+\u2022]|\d+[.)])\s+")


def is_structured(source: str) -> bool:
    """Whether the text is mostly structure (YAML, JSON, lists) rather than prose."""
    lines = [line for line in source.splitlines() if line.strip()]
    if not lines:
        return False
    stripped = source.lstrip()
    if stripped.startswith(("{", "[")):
        return True
    keyed = sum(1 for line in lines if _KEY_LINE.match(line) and len(line) < 160)
    items = sum(1 for line in lines if _ITEM_LINE.match(line) and not _KEY_LINE.match(line))
    # YAML with lists and folded prose: keys plus items make up most of its lines.
    return keyed >= 3 and (keyed >= len(lines) * 0.4 or keyed + items >= len(lines) * 0.6)


def segments(source: str) -> list[Segment]:
    """Every clause of the text, prose and structure alike, in order."""
    if is_structured(source):
        return _structured(source)
    found: list[Segment] = []
    label: tuple[str, tuple[int, int]] | None = None  # a "Tools:" line whose items follow
    for n, (s, e) in enumerate(sentences(source)):
        line_start = source.rfind("\n", 0, s) + 1
        line_end = source.find("\n", s)
        line = source[line_start : len(source) if line_end == -1 else line_end]
        at_line_start = not source[line_start:s].strip()
        match = _KEY_LINE.match(line) if at_line_start else None
        bullet = _ITEM_LINE.match(line)
        if match and len(match.group("key").split()) <= 3:
            # A labelled line in prose ("Tools: lookup; reset", "Memory: none") is read under
            # its label, as in structured text; a bare label labels the bullets below it.
            key = normalise(match.group("key")).text
            span = (line_start + match.start("key"), line_start + match.end("key"))
            value_start = line_start + match.end()
            label = (key, span) if value_start >= e else None
            found += _labelled(source, value_start, e, key, span, n)
        elif label and bullet and line_start + bullet.end() <= s:
            found += _labelled(source, s, e, *label, n, listed=True)
        else:
            label = None
            found += [Segment(cs, ce, "", n) for cs, ce in clauses(source, s, e)]
    return found


def _labelled(
    source: str,
    start: int,
    end: int,
    context: str,
    key: tuple[int, int] | None,
    sentence: int,
    listed: bool = False,
) -> list[Segment]:
    """The clauses of one value, each read under its keys; a list's items one by one.

    `a; b; c` of short items is a list as much as `a, b, c` is.
    """
    items = _list_items(source, start, end, ";")
    if len(items) > 1:
        return [Segment(s, e, context, sentence, key, True) for s, e in items]
    found: list[Segment] = []
    for cs, ce in clauses(source, start, end):
        parts = _list_items(source, cs, ce)
        for part_s, part_e in parts:
            found.append(Segment(part_s, part_e, context, sentence, key, listed or len(parts) > 1))
    return found


def _structured(source: str) -> list[Segment]:
    """Structured text, one value at a time, each read under the keys that contain it.

    Indentation decides nesting (YAML, pretty-printed JSON, nested lists); a value that is
    prose is split into clauses like any sentence.
    """
    found: list[Segment] = []
    stack: list[tuple[int, str]] = []  # (indent, normalised key)
    for block, (line_start, body) in enumerate(_lines(source)):
        if not body.strip() or body.strip() in "{}[],":
            continue
        match = _KEY_LINE.match(body)
        item = _ITEM_LINE.match(body)
        indent = len(body) - len(body.lstrip(" \t-*+\u2022"))
        if match:
            indent = match.start("key")
        while (
            stack and stack[-1][0] >= indent and not (item and not match and stack[-1][0] < indent)
        ):
            stack.pop()
        value_start = line_start + (match.end() if match else (item.end() if item else 0))
        key = normalise(match.group("key")).text if match else ""
        context = " ".join(k for _, k in stack)
        if match:
            stack.append((indent, key))
        value_end = line_start + len(body)
        here = f"{context} {key}".strip()
        if value_start >= value_end or not source[value_start:value_end].strip(" \"',{}[]"):
            if key:
                found.append(
                    Segment(
                        line_start + match.start("key"),
                        line_start + match.end("key"),
                        context,
                        block,
                    )
                    if match
                    else Segment(value_start, value_end, context, block)
                )
            continue
        key_span = (
            (line_start + match.start("key"), line_start + match.end("key")) if match else None
        )
        inline = _flow_mapping(source, value_start, value_end, here, block)
        if inline:
            found += inline
            continue
        found += _labelled(
            source, value_start, value_end, here, key_span, block, bool(item and not match)
        )
    return found


def _lines(source: str) -> list[tuple[int, str]]:
    r"""Each line with its offset, a wrapped line of prose joined to the item it goes on.

    "- Scope: may quarantine a laptop. Kiosks are quarantined\n    at once; others wait" is
    one value: the second line starts no key and no item, and is indented past the first.
    """
    lines: list[tuple[int, str]] = []
    offset = 0
    for raw in source.splitlines(keepends=True):
        start, body = offset, raw.rstrip("\r\n")
        offset += len(raw)
        if lines and _goes_on(lines[-1][1], body):
            first = lines[-1][0]
            lines[-1] = (first, source[first : start + len(body)])
        else:
            lines.append((start, body))
    return lines


def _goes_on(previous: str, body: str) -> bool:
    text = body.strip()
    last = previous.rstrip()
    return (
        bool(text)
        and not (_KEY_LINE.match(body) or _ITEM_LINE.match(body))
        and len(body) - len(body.lstrip()) > len(previous) - len(previous.lstrip())
        and bool(last)
        and last[-1] not in ":|>{[,"
        and text[0] not in "{}[]\"'"
        and bool(_KEY_LINE.match(previous) or _ITEM_LINE.match(previous))
    )


# One `"key": value` pair of an inline mapping; a value is a string, a list or a bare word.
_PAIR = re.compile(
    r"\"?(?P<key>[A-Za-z_][\w .\-]{0,40}?)\"?\s*:\s*"
    r"(?:\"(?P<text>(?:[^\"\\]|\\.)*)\"|\[(?P<list>[^\]]*)\]|(?P<bare>[^,}\]]+))"
)


def _flow_mapping(source: str, start: int, end: int, context: str, block: int) -> list[Segment]:
    """An inline mapping (`{"name": "kql_query", "access": "read"}`), a value per key.

    Each value is read under its own key, so `"mcp": false` rules MCP out and `"access"` is an
    attribute of the tool named beside it, not a tool. Anything else gives [].
    """
    value = source[start:end].strip().rstrip(",")
    if not (value.startswith("{") and value.endswith("}")):
        return []
    at = start + source[start:end].index("{")
    found: list[Segment] = []
    for pair in _PAIR.finditer(source, at, end):
        key = normalise(pair.group("key")).text
        key_span = (pair.start("key"), pair.end("key"))
        here = f"{context} {key}".strip()
        group = next(g for g in ("text", "list", "bare") if pair.group(g) is not None)
        s, e = _strip(source, pair.start(group), pair.end(group))
        if e <= s:
            continue
        if group == "list":
            parts = _list_items(source, s, e)
            found += [Segment(ps, pe, here, block, key_span, True) for ps, pe in parts]
            continue
        for cs, ce in clauses(source, s, e):
            parts = _list_items(source, cs, ce)
            found += [Segment(ps, pe, here, block, key_span, len(parts) > 1) for ps, pe in parts]
    return found


def _list_items(source: str, start: int, end: int, sep: str = ",") -> list[tuple[int, int]]:
    """An inline list (`[a, b, c]` or `a, b, c` of identifiers) as its items; else the span."""
    text = source[start:end]
    inner = text.strip("[] .")
    parts = [p for p in re.split(rf"\s*{re.escape(sep)}\s*", inner) if p.strip(" \"'")]
    if len(parts) < 2 or any(len(p.split()) > 4 for p in parts):
        return [(start, end)]
    spans: list[tuple[int, int]] = []
    cursor = start
    for part in parts:
        at = source.index(part, cursor, end)
        s, e = _strip(source, at, at + len(part))
        if e > s:
            spans.append((s, e))
        cursor = at + len(part)
    return spans
