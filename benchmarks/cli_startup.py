"""Time `maestro-tm --help` end to end (process start included), as a user runs it.

Prints the median and max of N runs; the target is < 300 ms (docs/PERFORMANCE.md).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

RUNS = 15


def main() -> None:
    exe = Path(sys.executable).with_name("maestro-tm")
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run([str(exe), "--help"], check=True, capture_output=True)
        times.append((time.perf_counter() - start) * 1000)
    print(
        f"maestro-tm --help: median {statistics.median(times):.0f} ms, max {max(times):.0f} ms over {RUNS} runs"
    )


if __name__ == "__main__":
    main()
