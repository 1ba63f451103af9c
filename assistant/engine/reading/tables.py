"""Markdown tables and trailing comments read as records of the part they stand beside.

`| refund_order | support lead |` under `| Tool | Approval |` says what `approval: support lead`
says under `- name: refund_order` in YAML: the cell is read under its column's header, with
the row's first cell as its key, so an approval or a "none" lands on that row's tool alone.
A comment after a list item (`- send_email  # approval: hiring manager`) is read the same way,
keyed by the item.
"""

from __future__ import annotations

import re

from assistant.engine.reading import lexicon as lx
from assistant.engine.reading.scope import NEGATIVE_VALUE, OPENS_NEGATIVE
from assistant.engine.reading.text import Segment, normalise, segments

_ROW = re.compile(r"^[ \t]*\|.*\|[ \t]*$")
_RULE = re.compile(r"^[ \t]*\|?(?:[ \t]*:?-{2,}:?[ \t]*\|)+(?:[ \t]*:?-{2,}:?[ \t]*)?[ \t]*$")
_CELL = re.compile(r"[^|]+")
# Tables come after every sentence of the prose around them, so their rows never join a
# sentence of it ("the sentence before" an approval is prose, never a row).
_FIRST_ROW_SENTENCE = 100_000


def all_segments(source: str) -> list[Segment]:
    """The segments of a text whose Markdown tables are read row by row, the rest as before."""
    tables = _tables(source)
    remarks = list(_REMARK.finditer(source))
    commented = list(_COMMENTED_OUT.finditer(source))
    if not tables and not remarks and not commented:
        return segments(source)
    blanked = source
    for line in commented:
        blanked = _blank(blanked, *line.span())  # `# - delete_page (removed)`: not in force
    found: list[Segment] = []
    for n, (start, end) in enumerate(tables):
        blanked = _blank(blanked, start, end)
        found += _rows(source, start, end, _FIRST_ROW_SENTENCE * (n + 1))
    for n, remark in enumerate(remarks):
        blanked = _blank(blanked, remark.start("mark"), remark.end("remark"))
        found.append(_remark(source, remark, _FIRST_ROW_SENTENCE * (len(tables) + 1) + n))
    return sorted([*segments(blanked), *found], key=lambda s: s.start)


def _blank(text: str, start: int, end: int) -> str:
    """Offsets must stay those of the source: a part read apart is blanked, not cut out."""
    return text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]


# A line commented out in YAML: `# - delete_page` or `# approval: none` (not a Markdown "# Title").
_COMMENTED_OUT = re.compile(r"^[ \t]*#[ \t]*(?:-[ \t]|[\w.-]+:[ \t])[^\n]*", re.MULTILINE)
# A comment after a list item: `- gcal.events.insert   # auto, internal calendars only`.
_REMARK = re.compile(
    r"^[ \t]*[-*+][ \t]+(?P<item>[^#\n]*?\S)[ \t]+(?P<mark>#)[ \t]+(?P<remark>[^\n]*\S)",
    re.MULTILINE,
)
_REMARK_KEY = re.compile(r"(?P<key>[A-Za-z_][\w .-]{0,30}):[ \t]+")


def _remark(source: str, remark: re.Match[str], sentence: int) -> Segment:
    """The comment as a value keyed by its item, under its own key if it has one."""
    item = remark.span("item")
    start, end = remark.span("remark")
    keyed = _REMARK_KEY.match(source, start, end)
    if keyed:
        # Read under "<item> <key>", as a key under the item's own record would be.
        context = f"{normalise(source, *item).text} {normalise(keyed.group('key')).text}"
        return Segment(keyed.end(), end, context, sentence, keyed.span("key"))
    return Segment(start, end, "remark", sentence, item)


def _tables(source: str) -> list[tuple[int, int]]:
    """Spans of the tables: a header row, a rule row, then rows."""
    lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]*", source) if m.end() > m.start()]
    spans: list[tuple[int, int]] = []
    n = 0
    while n < len(lines) - 1:
        (hs, he), (rs, re_) = lines[n], lines[n + 1]
        if _ROW.match(source[hs:he]) and _RULE.match(source[rs:re_]):
            last = n + 1
            while last + 1 < len(lines) and _ROW.match(source[slice(*lines[last + 1])]):
                last += 1
            spans.append((hs, lines[last][1]))
            n = last + 1
        else:
            n += 1
    return spans


def _cells(source: str, start: int, end: int) -> list[tuple[int, int]]:
    """The cells of one row, as stripped spans (empty cells kept, as (s, s))."""
    line = source[start:end]
    found = []
    for cell in re.finditer(r"(?<=\|)[^|]*(?=\|)", line):
        text = cell.group(0)
        lead = len(text) - len(text.lstrip())
        s = start + cell.start() + lead
        found.append((s, s + len(text.strip())))
    return found


# A column saying whether someone approves: its "none" or "no" is no approval, not no tool.
_ABOUT_APPROVAL = lx.rx(
    rf"{lx.APPROVAL_KEY.pattern}|{lx.AUTOMATIC_KEY.pattern}|who|approver|human|manual"
)


def _rules_out(source: str, start: int, end: int) -> bool:
    text = normalise(source, start, end).text
    return bool(text) and bool(OPENS_NEGATIVE.match(text) or NEGATIVE_VALUE.fullmatch(text))


def _rows(source: str, start: int, end: int, sentence: int) -> list[Segment]:
    """One segment per non-empty cell, read under "<first header> <its header>"."""
    lines = [m.span() for m in re.finditer(r"[^\n]+", source[start:end])]
    rows = [(start + s, start + e) for s, e in lines]
    headers = [normalise(source, s, e).text for s, e in _cells(source, *rows[0])]
    found: list[Segment] = []
    for offset, (row_start, row_end) in enumerate(rows[2:]):
        cells = _cells(source, row_start, row_end)
        if not cells or cells[0][0] == cells[0][1]:
            continue
        name = cells[0]
        n = sentence + offset
        # A row another cell rules out ("n/a", "never; ...") is read under that cell, as a
        # value under a negative label: `| lock doors | n/a | not possible |` is no tool.
        ruled_out = next(
            (
                cell
                for cell, header in zip(cells[1:], headers[1:], strict=False)
                if _rules_out(source, *cell) and not _ABOUT_APPROVAL.search(header)
            ),
            None,
        )
        found.append(Segment(*name, headers[0] if headers else "", n, ruled_out, True))
        for column, (s, e) in enumerate(cells[1:], 1):
            if s == e or column >= len(headers):
                continue
            found.append(Segment(s, e, f"{headers[0]} {headers[column]}".strip(), n, name))
    return found
