"""The one redaction policy for what a user describes: secrets are replaced before anything else.

A description (a file, stdin, a chat message) or a system file is redacted first, and only the
redacted text is read, analysed, stored or sent. Evidence offsets are therefore offsets into
the redacted text, and a key pasted into a description never reaches a threat model, a report,
a journal or a prompt. The chat applies the same `Redactor` to every line it receives;
`analyze` applies it here, unless `--keep-secrets` opts out for local use.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.llm.redact import Redaction, Redactor, redact_tree
from assistant.schema import SystemModel


@dataclass
class RedactedInput:
    """A description (and a system model read from a file, if any) with secrets replaced."""

    description: str
    system: SystemModel | None = None
    redactions: list[Redaction] = field(default_factory=list)

    def summary(self, opt_out: bool = True) -> str:
        """One line, empty when nothing was redacted; `opt_out` names `--keep-secrets`."""
        n = len(self.redactions)
        if not n:
            return ""
        noun = "secret" if n == 1 else "secrets"
        hint = " (use --keep-secrets to keep them)" if opt_out else ""
        return f"redacted {n} {noun} from the description{hint}"


def redact_input(description: str, system: SystemModel | None = None) -> RedactedInput:
    """Replace every secret in a description and in a system file's model.

    One `Redactor` serves both, so the same secret gets the same placeholder wherever it
    appears. A system model is redacted string by string and validated again.
    """
    redactor = Redactor()
    clean = redactor.redact(description)
    if system is not None:
        data = redact_tree(system.model_dump(mode="json", by_alias=True), redactor)
        system = SystemModel.model_validate(data)
    return RedactedInput(clean, system, redactor.redactions)
