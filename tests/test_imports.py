"""Import hygiene: the CLI's help stays light, the core never imports the UI.

The contracts in pyproject.toml say the same for whole packages (tests/test_contracts.py).
"""

import os
import subprocess
import sys

from tests.conftest import ROOT

HEAVY = ("litellm", "chromadb", "textual", "onnxruntime")


def _modules_after(code: str) -> set[str]:
    probe = f"import sys\n{code}\nprint('\\n'.join(sys.modules))"
    env = {**os.environ, "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=ROOT, check=True
    )
    return set(out.stdout.split())


def test_help_imports_no_heavy_library() -> None:
    code = "import sys; sys.argv=['maestro-tm','--help']\nfrom assistant.cli import main\ntry:\n main()\nexcept SystemExit: pass"
    loaded = _modules_after(code)
    assert not [m for m in HEAVY if m in loaded]
    assert "pydantic" not in loaded  # even pydantic is deferred until a command needs it


# Where each heavy or UI library may be imported (a module or a package), read statically: an
# import inside a function counts, though it would not run when the module is imported.
HOMES = {
    "textual": "assistant.tui",
    "rich": "assistant.tui",
    "litellm": "assistant.llm.litellm_model",
    "chromadb": "assistant.retrieval",
}


def test_heavy_libraries_are_imported_only_in_their_home() -> None:
    import grimp

    graph = grimp.build_graph("assistant", include_external_packages=True)
    for library, home in HOMES.items():
        importers = graph.find_modules_that_directly_import(library)
        assert importers, f"nothing imports {library}: is the graph the package's?"
        strays = sorted(m for m in importers if m != home and not m.startswith(home + "."))
        assert not strays, f"{library} imported outside {home}: {strays}"


def test_no_module_takes_part_in_an_import_cycle() -> None:
    # Stricter than the no-cycles contract (siblings): no module reaches itself, even through
    # imports made only for type checking or inside functions.
    import grimp

    graph = grimp.build_graph("assistant", cache_dir=None)
    cycles = sorted(
        (module, imported)
        for module in graph.modules
        for imported in graph.find_modules_directly_imported_by(module)
        if imported in graph.modules and graph.chain_exists(imported, module)
    )
    assert len(graph.modules) > 100, "is the graph the package's?"
    assert cycles == []


def test_core_modules_never_load_textual_at_import() -> None:
    core = [
        ".".join(p.relative_to(ROOT).with_suffix("").parts)
        for p in (ROOT / "assistant").rglob("*.py")
        if "tui" not in p.parts and p.stem not in ("__init__", "__main__")  # __main__ runs the CLI
    ]
    loaded = _modules_after("\n".join(f"import {m}" for m in core))
    assert "textual" not in loaded
