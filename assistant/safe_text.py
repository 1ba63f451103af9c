"""Text that is safe to show on a terminal or store: the one control-character cleaner.

Everything a person or a model wrote (a session title, a chat message, a finding's title) is
data. Printed raw, an escape sequence in it could retitle or clear the user's terminal, hide
text, or fake output; stored raw, it would do the same whenever the text is shown again. Every
edge that shows or stores such text (the CLI tables, the TUI, the session journal, the exports
and `diff`) passes it through `clean`, so there is one rule and one place to change it.
"""

from __future__ import annotations

import re

# C0 controls except tab and newline (ESC, BEL, CR and backspace included), DEL, C1 controls
# (CSI, OSC and the like), and the Unicode bidi controls behind "Trojan Source" tricks. A
# character is replaced rather than dropped, so the reader sees that something was there.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
REPLACEMENT = "\ufffd"


def clean(text: str) -> str:
    """Replace control and bidi-override characters with U+FFFD; keep tabs and newlines.

    Idempotent, and the result never holds ESC, BEL, a C1 control or a bidi override.
    """
    return _CONTROLS.sub(REPLACEMENT, text)


def one_line(text: str) -> str:
    """`clean`, then collapse all whitespace (newlines and tabs included) into single spaces."""
    return " ".join(clean(text).split())
