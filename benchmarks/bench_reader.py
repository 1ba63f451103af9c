"""Benchmark for issue 13: what the bounded reader costs, and peak memory on hostile inputs.

`python benchmarks/bench_reader.py` prints two tables, recorded in docs/PERFORMANCE.md:

1. On a 10 MB threat model: the bounded reader (`assistant.files.read_text`: stat, open with
   O_NONBLOCK, fstat, read at most limit + 1 bytes, decode), the plain read it replaced
   (`Path.read_bytes().decode()`), and all of `validate` in process (read, parse, validate,
   report). Target: the reader costs < 5% of `validate`.
2. Peak RSS of `maestro-tm validate` and `analyze` in a fresh process on /dev/zero, a file one
   byte over the limit, 20 MB and 32 MB of stdin, a model at the structure limits, and a file of
   empty findings. Target: every one < 200 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.files import MAX_INPUT_BYTES, read_text  # noqa: E402
from assistant.knowledge import default_catalogue  # noqa: E402
from assistant.model_io import MAX_JSON_CONTAINERS, read_threat_model  # noqa: E402
from assistant.report import validation_report, validation_text  # noqa: E402
from assistant.validator import validate_model  # noqa: E402

MODEL = ROOT / "docs" / "examples" / "rpa-threat-model.json"
ENTRY = (
    "import atexit, resource, sys\n"
    "def peak():\n"
    # VmHWM is this process's own high-water mark; ru_maxrss would include the parent's
    # memory at fork time, which Linux carries across exec.
    "    try:\n"
    "        status = open('/proc/self/status').read()\n"
    "        return int(status.split('VmHWM:')[1].split()[0])\n"
    "    except (OSError, IndexError):\n"
    "        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "atexit.register(lambda: sys.stderr.write(f'\\nMAXRSS_KB {peak()}\\n'))\n"
    "sys.argv[0] = 'maestro-tm'\n"
    "from assistant.cli import main\n"
    "main()\n"
)


def ten_mb_model(path: Path) -> int:
    """A ~10 MB threat model: the example's findings repeated, with long scenarios."""
    data = json.loads(MODEL.read_text(encoding="utf-8"))
    base = data["findings"]
    findings = []
    size = len(json.dumps(data))
    i = 0
    while size < 10 * 1024 * 1024:
        finding = dict(base[i % len(base)])
        finding["id"] = f"F-{i:05d}"
        finding["scenario"] = (finding["scenario"] + " ") * 40
        size += len(json.dumps(finding)) + 2
        findings.append(finding)
        i += 1
    data["findings"] = findings
    text = json.dumps(data)
    path.write_text(text, encoding="utf-8")
    return len(findings)


def timed(call: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return times


def validate_once(path: Path) -> None:
    catalogue = default_catalogue()
    model, schema_verdicts = read_threat_model(path)
    verdicts, issues = validate_model(model, catalogue, None, require_grounding=False)
    validation_text(validation_report(path, catalogue, schema_verdicts + verdicts, issues))


def reader_table(runs: int) -> None:
    with tempfile.TemporaryDirectory() as where:
        path = Path(where) / "tm.json"
        count = ten_mb_model(path)
        default_catalogue()  # loaded once per process, as in the CLI
        bounded = timed(lambda: read_text(path), runs)
        plain = timed(lambda: path.read_bytes().decode("utf-8"), runs)
        validate = timed(lambda: validate_once(path), max(3, runs // 4))
        command = timed(lambda: peak(["validate", str(path)], Path(where)), 5)
        size = path.stat().st_size
    med_b, med_p, med_v, med_c = (statistics.median(t) for t in (bounded, plain, validate, command))
    print(f"{size:,}-byte model, {count} findings; medians")
    print("| step | median | share of validate in process | share of `maestro-tm validate` |")
    print("|---|---|---|---|")
    for label, value in (
        ("bounded reader (`read_text`)", med_b),
        ("plain read it replaced (`read_bytes().decode()`)", med_p),
        ("bounding overhead (bounded - plain)", med_b - med_p),
        ("validate in process (read, parse, validate, report)", med_v),
        ("`maestro-tm validate` end to end", med_c),
    ):
        print(f"| {label} | {value * 1000:.1f} ms | {value / med_v:.1%} | {value / med_c:.1%} |")


def peak(args: list[str], cwd: Path, stdin: Path | None = None) -> tuple[int, float, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MAESTRO_TM_HOME": str(cwd / "home")}
    with open(stdin or os.devnull, "rb") as fh:
        proc = subprocess.run(
            [sys.executable, "-c", ENTRY, *args],
            stdin=fh,
            capture_output=True,
            cwd=cwd,
            env=env,
            timeout=300,
            check=False,
        )
    err = proc.stderr.decode("utf-8", "replace").splitlines()
    kb = next(int(line.split()[1]) for line in err if line.startswith("MAXRSS_KB"))
    last = next((line for line in reversed(err) if line.startswith("maestro-tm:")), "")
    return proc.returncode, kb / 1024, last


def memory_table() -> None:
    with tempfile.TemporaryDirectory() as where:
        cwd = Path(where)
        over = cwd / "over.json"
        with over.open("wb") as fh:
            fh.write(b"x" * (MAX_INPUT_BYTES + 1))
        for name, size in (("in20.txt", MAX_INPUT_BYTES), ("in32.txt", 32 * 1024 * 1024)):
            (cwd / name).write_bytes(b"a" * size)
        data = json.loads(MODEL.read_text(encoding="utf-8"))
        first = data["findings"][0]
        minimal = {k: first[k] for k in ("threat_id", "layer", "title", "scenario")}
        minimal |= {"likelihood": "likely", "impact": "high", "provenance": {"engine": "rules"}}
        room = (MAX_JSON_CONTAINERS - 200) // 2
        data["findings"] = [{**minimal, "id": f"F-{i:05d}"} for i in range(room)]
        (cwd / "limits.json").write_text(json.dumps(data), encoding="utf-8")
        data["findings"] = [{}] * (MAX_JSON_CONTAINERS - 200)
        (cwd / "empties.json").write_text(json.dumps(data), encoding="utf-8")
        cases: list[tuple[str, list[str], Path | None]] = [
            ("validate /dev/zero", ["validate", "/dev/zero"], None),
            ("validate, file 20 MB + 1 byte", ["validate", "over.json"], None),
            ("validate, 9,900 findings (structure limit)", ["validate", "limits.json"], None),
            ("validate, 19,800 empty findings", ["validate", "empties.json"], None),
            ("analyze /dev/zero", ["analyze", "/dev/zero"], None),
            ("analyze -, 20 MB stdin (at the limit)", ["analyze", "-"], cwd / "in20.txt"),
            ("analyze -, 32 MB stdin", ["analyze", "-"], cwd / "in32.txt"),
            ("analyze - < /dev/zero", ["analyze", "-"], Path("/dev/zero")),
        ]
        print("\n| input | exit | peak RSS | message |\n|---|---|---|---|")
        for label, args, stdin in cases:
            code, mb, last = peak(args, cwd, stdin)
            print(f"| {label} | {code} | {mb:.0f} MB | {last[:90]} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args()
    reader_table(args.runs)
    if not args.skip_memory:
        memory_table()


if __name__ == "__main__":
    main()
