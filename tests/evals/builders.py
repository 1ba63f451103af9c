"""Helpers for the eval tests: case files on disk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from assistant.evals.cases import LoadedCase, load_case
from assistant.knowledge import Catalogue


def case_data(**overrides: Any) -> dict[str, Any]:
    """A small valid case (an FAQ-style bot) as YAML data; override keys to vary it."""
    data: dict[str, Any] = {
        "id": "tiny-bot",
        "title": "Tiny bot",
        "source": "test",
        "description": "A helpdesk bot answers staff questions.",
        "expected": [{"threat": "T6", "layer": ["L1", "L3"]}, {"threat": "T7", "layer": "L1"}],
        "not_expected": ["T12"],
    }
    data.update(overrides)
    return data


def write_case(folder: Path, name: str = "tiny-bot.yaml", **overrides: Any) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(yaml.safe_dump(case_data(**overrides), sort_keys=False), encoding="utf-8")
    return path


def loaded(tmp_path: Path, catalogue: Catalogue, **overrides: Any) -> LoadedCase:
    return load_case(write_case(tmp_path, **overrides), catalogue)
