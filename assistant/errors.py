"""The error family of the core.

Core code raises these; only the edges (the CLI, later the TUI) turn them into a message and an
exit code. Each carries one human sentence, already fit to show a user.
"""

from __future__ import annotations


class AssistantError(Exception):
    """Base class for every error the product reports to a user.

    Args:
        message: One sentence saying what went wrong and, where possible, what to do.
        title: A short heading for UIs that show one.
    """

    exit_code = 1

    def __init__(self, message: str, title: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.title = title or type(self).__name__


class CatalogueError(AssistantError):
    """The catalogue in `knowledge/` cannot be loaded or fails its integrity checks.

    Attributes:
        problems: One line per problem, each naming the file (and entry) at fault.
    """

    def __init__(self, problems: list[str]) -> None:
        first = problems[0] if problems else "unknown problem"
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"catalogue is invalid: {first}{more}", title="Catalogue error")
        self.problems = problems


class UnknownEntryError(AssistantError):
    """An id or alias that is not in the catalogue.

    Attributes:
        query: What was asked for.
        suggestions: The closest ids, best first.
    """

    def __init__(self, query: str, suggestions: list[str]) -> None:
        hint = f"; closest: {', '.join(suggestions)}" if suggestions else ""
        super().__init__(f"no catalogue entry {query!r}{hint}", title="Unknown entry")
        self.query = query
        self.suggestions = suggestions


class InputFileError(AssistantError):
    """An input file that cannot be read (missing, binary, too large)."""

    exit_code = 2


class ThreatModelFileError(InputFileError):
    """A file that should hold a threat model is unreadable or is not one."""
