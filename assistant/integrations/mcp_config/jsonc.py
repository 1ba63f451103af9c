"""JSON with comments (JSONC), as MCP clients write it: comments and trailing commas allowed.

VS Code's `settings.json` and `mcp.json`, and many hand-edited `.mcp.json` files, carry `//` and
`/* */` comments and trailing commas that `json.loads` refuses. `strip_jsonc` blanks them out
with spaces, keeping every newline, so the result parses with the standard reader and every
value stays on its original line (file evidence cites lines). Strings are copied untouched: a
`//` inside `"https://host"` is not a comment.
"""

from __future__ import annotations

import re

# A comma followed only by whitespace before a closing bracket (run after comments are blanked).
_TRAILING_COMMA = re.compile(r",(?=\s*[\]}])")


class UnterminatedCommentError(ValueError):
    """A `/*` comment that never ends: the rest of the file would silently vanish."""


def strip_jsonc(text: str) -> str:
    """`text` with comments and trailing commas replaced by spaces (newlines kept).

    Raises:
        UnterminatedCommentError: A block comment runs to the end of the text.
    """
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == '"':
            end = _string_end(text, i)
            out.append(text[i:end])
            i = end
        elif text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            out.append(" " * (end - i))
            i = end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                line = text.count("\n", 0, i) + 1
                raise UnterminatedCommentError(f"line {line}: a /* comment is never closed")
            out.append(_blank(text[i : end + 2]))
            i = end + 2
        else:
            start = i
            while i < n and text[i] not in '"/':
                i += 1
            if i == start:  # a lone slash: not ours to judge, the JSON reader will say
                i += 1
            out.append(text[start:i])
    return _blank_trailing_commas("".join(out))


def _string_end(text: str, start: int) -> int:
    """The index just past the string starting at `start` (or the end of an unclosed one)."""
    i = start + 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == '"' or text[i] == "\n":
            return i + 1
        i += 1
    return len(text)


def _blank(chunk: str) -> str:
    return "".join("\n" if c == "\n" else " " for c in chunk)


def _blank_trailing_commas(text: str) -> str:
    """Trailing commas out, outside strings only."""
    parts: list[str] = []
    i = 0
    while i < len(text):
        quote = text.find('"', i)
        if quote < 0:
            parts.append(_TRAILING_COMMA.sub(" ", text[i:]))
            break
        parts.append(_TRAILING_COMMA.sub(" ", text[i:quote]))
        end = _string_end(text, quote)
        parts.append(text[quote:end])
        i = end
    return "".join(parts)
