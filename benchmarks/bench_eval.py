"""Issue 8 target: the rules-engine eval of all development cases in < 10 s.

Run `python benchmarks/bench_eval.py` for the end-to-end wall time of the command (process start,
imports, catalogue load, case loading, every case, scorecard and JSON report), or
`pytest benchmarks/bench_eval.py --benchmark-enable` for the in-process parts. Results are
recorded in docs/PERFORMANCE.md.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from assistant.evals.cases import default_cases_dir, load_cases
from assistant.evals.harness import rules_runner, run_eval
from assistant.knowledge import default_catalogue

# Registers the command the way cli.py's LAZY_COMMANDS does, so the benchmark does not depend on
# whether the registry line has landed yet; the cost is the same.
COMMAND = (
    "import sys; from assistant import cli; "
    "cli.LAZY_COMMANDS['eval'] = ('assistant.commands.evals:eval_group', ''); "
    "sys.argv = ['maestro-tm', *sys.argv[1:]]; cli.main()"
)


def test_load_cases(benchmark: Any) -> None:
    catalogue = default_catalogue()
    cases = benchmark(load_cases, default_cases_dir(), catalogue)
    assert len(cases) >= 8


def test_rules_eval_all_cases(benchmark: Any) -> None:
    catalogue = default_catalogue()
    cases = load_cases(default_cases_dir(), catalogue)
    runner = rules_runner(catalogue)
    report = benchmark(run_eval, cases, runner, catalogue, engine="rules")
    assert report.complete


def time_command(runs: int = 5) -> list[float]:
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-c", COMMAND, "eval", "--json", str(Path(tmp) / "r.json")],
                check=True,
                capture_output=True,
            )
            times.append(time.perf_counter() - start)
    return times


def time_in_process(runs: int = 20) -> tuple[float, list[float]]:
    catalogue = default_catalogue()
    start = time.perf_counter()
    cases = load_cases(default_cases_dir(), catalogue)
    loading = time.perf_counter() - start
    runner = rules_runner(catalogue)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run_eval(cases, runner, catalogue, engine="rules")
        times.append(time.perf_counter() - start)
    return loading, times


def main() -> None:
    cases = len(list(default_cases_dir().glob("*.yaml")))
    command = time_command()
    loading, evals = time_in_process()
    print(f"{cases} development cases")
    print(
        f"maestro-tm eval --engine rules --json OUT (process start included): "
        f"median {statistics.median(command):.2f} s, max {max(command):.2f} s over {len(command)} runs"
    )
    print(f"load and check the cases: {loading * 1000:.0f} ms")
    print(
        f"run_eval, rules engine, all cases: median {statistics.median(evals) * 1000:.0f} ms, "
        f"max {max(evals) * 1000:.0f} ms over {len(evals)} runs"
    )


if __name__ == "__main__":
    main()
