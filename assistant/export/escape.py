"""Escaping of user and model text for every export format.

Everything in a threat model that a person or a model wrote (names, scenarios, notes, ids) is
data. These functions make sure it can never become structure: no Markdown or HTML in the
review draft, no broken table rows, no Mermaid syntax, no spreadsheet formulas, no terminal
control sequences. Rules and examples are in docs/EXPORTS.md.
"""

from __future__ import annotations

import re

# Control characters are neutralised by the one cleaner every terminal and storage edge shares.
from assistant.safe_text import clean, one_line

__all__ = ["clean", "csv_cell", "md", "md_paragraphs", "md_strong", "mermaid", "one_line"]

# ASCII punctuation that can start Markdown/GFM structure anywhere in a line: code spans,
# emphasis, links and images, raw HTML, table cells, strikethrough, maths, backslash itself.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~$])")
# `&` only where it would start an entity (`&lt;`), so `R&D` stays readable in a pager.
_MD_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
# Block markers that only matter at the start of a line: an ATX heading, a bullet or ordered
# list item, a thematic break or setext underline. Anything else (`2026.11`, `-x`) is left as is.
_MD_LINE_START = re.compile(r"^(?:(?:#{1,6}|[-+])(?=\s|$)|(\d{1,9})[.)](?=\s|$)|[-=][-=\s]*$)")

# Mermaid labels keep letters, digits and harmless punctuation; everything else becomes a
# numeric entity (`#35;`), which Mermaid decodes for display and never parses as syntax.
_MERMAID_SAFE = frozenset(" ,.:/'?!+=-_()")
_CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def md(text: str) -> str:
    """Escape text for one line of Markdown: a paragraph, list item, heading or table cell.

    Newlines are collapsed (a table row cannot hold one), every character that could open
    Markdown or HTML structure is backslash-escaped, and a block marker at the start (`#`,
    `-`, `1.`) is neutralised. The result renders as the literal text on CommonMark/GFM
    renderers and stays legible in a terminal pager.
    """
    text = _MD_INLINE.sub(r"\\\1", one_line(text))
    text = _MD_ENTITY.sub(r"\\&", text)
    match = _MD_LINE_START.match(text)
    if match is None:
        return text
    if match.group(1):  # "1." -> "1\." : the digits stay, the list marker goes
        return f"{match.group(1)}\\{text[len(match.group(1)) :]}"
    return "\\" + text


def md_strong(text: str, fallback: str = "unnamed") -> str:
    """Escaped text in bold; `fallback` when nothing printable is left (`****` is a rule)."""
    return f"**{md(text) or fallback}**"


def md_paragraphs(text: str) -> list[str]:
    """Escape multi-paragraph text: one escaped line per paragraph (blank-line separated)."""
    paragraphs = re.split(r"\n\s*\n", clean(text).strip())
    return [md(p) for p in paragraphs if p.strip()]


def mermaid(text: str, limit: int = 60) -> str:
    """Escape text for a quoted Mermaid label, truncated to `limit` characters."""
    text = one_line(text)
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "\u2026"
    return "".join(ch if ch.isalnum() or ch in _MERMAID_SAFE else f"#{ord(ch)};" for ch in text)


def csv_cell(text: str) -> str:
    """Neutralise spreadsheet formula injection in one CSV cell.

    A cell starting with `=`, `+`, `-`, `@`, tab or CR gets a leading `'`. Other control
    characters are replaced; newlines are kept (the CSV writer quotes them).
    """
    text = clean(text.replace("\r\n", "\n"))
    return "'" + text if text.startswith(_CSV_TRIGGERS) else text
