"""System files: a system model written by hand, kept in the repository next to the code.

`maestro-tm analyze system.yaml` reads one (see docs/SYSTEM-FILES.md for the format).
"""

from assistant.system_file.load import (
    SYSTEM_SUFFIXES,
    is_system_file,
    parse_system_file,
    read_system_file,
)
from assistant.system_file.model import SYSTEM_SCHEMA_PATH, SystemFile, system_file_schema_text

__all__ = [
    "SYSTEM_SCHEMA_PATH",
    "SYSTEM_SUFFIXES",
    "SystemFile",
    "is_system_file",
    "parse_system_file",
    "read_system_file",
    "system_file_schema_text",
]
