"""Where the product keeps and finds its files.

Functions, not constants: nothing is resolved or created at import time, and tests point
`MAESTRO_TM_HOME` at a temporary directory.
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _bundled(name: str) -> Path:
    # An installed wheel carries the data under assistant/_data/ (see pyproject's force-include);
    # a source checkout keeps it at the repository root.
    packaged = _PACKAGE_DIR / "_data" / name
    return packaged if packaged.is_dir() else _PACKAGE_DIR.parent / name


def knowledge_dir() -> Path:
    """The catalogue directory (`MAESTRO_TM_KNOWLEDGE` overrides it)."""
    override = os.environ.get("MAESTRO_TM_KNOWLEDGE")
    return Path(override) if override else _bundled("knowledge")


def prompts_dir() -> Path:
    """The versioned prompt files."""
    return _bundled("prompts")


def home_dir() -> Path:
    """The user data directory: `MAESTRO_TM_HOME`, else the XDG data directory."""
    override = os.environ.get("MAESTRO_TM_HOME")
    if override:
        return Path(override)
    from platformdirs import user_data_path

    return user_data_path("maestro-tm", appauthor=False)


def config_dir() -> Path:
    """The user configuration directory: `MAESTRO_TM_HOME/config` if set, else XDG config."""
    override = os.environ.get("MAESTRO_TM_HOME")
    if override:
        return Path(override) / "config"
    from platformdirs import user_config_path

    return user_config_path("maestro-tm", appauthor=False)
