"""`maestro-tm analyze` end to end in a fresh process, rules mode (issue target < 1.5 s).

Run: `python benchmarks/bench_analyze.py`. The description is the development descriptions of
the extraction eval joined to about 2,000 words; each run is a new interpreter. Measured twice:
with the guidance index opened and its passages cited (the default), and with `--no-guidance`.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from assistant.evals.extraction import default_dir, load_set

CLI = "from assistant.cli import main; main()"


def main() -> None:
    parts: list[str] = []
    words = 0
    for case in load_set(default_dir() / "dev"):
        parts.append(case.description)
        words += len(case.description.split())
        if words >= 2000:
            break
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "system.md"
        source.write_text("# Benchmark system\n\n" + "\n\n".join(parts), encoding="utf-8")
        for label, extra in (("guidance cited", []), ("--no-guidance", ["--no-guidance"])):
            runs = []
            for _ in range(3):
                start = time.perf_counter()
                out = str(Path(tmp) / "tm.json")
                subprocess.run(
                    [sys.executable, "-c", CLI, "analyze", str(source), *extra, "-o", out],
                    check=True,
                    capture_output=True,
                )
                runs.append(time.perf_counter() - start)
            print(
                f"analyze of {words} words, fresh process, {label}: "
                + ", ".join(f"{r:.2f} s" for r in runs)
            )


if __name__ == "__main__":
    main()
