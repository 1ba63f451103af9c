"""Helpers for the fault tests: the real CLI in a subprocess, with a time limit and its peak RSS."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Runs the console entry point, then reports the process's peak RSS on stderr's last line.
_ENTRY = (
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


@dataclass
class Run:
    """A finished CLI run."""

    code: int
    out: str
    err: str
    peak_mb: float

    @property
    def message(self) -> str:
        """stderr without the RSS report line."""
        return "\n".join(line for line in self.err.splitlines() if not line.startswith("MAXRSS_KB"))


def cli(
    *args: str, cwd: Path, stdin: bytes | None = None, env: dict[str, str] | None = None
) -> Run:
    """`maestro-tm ARGS` in a fresh interpreter; fails the test if it runs over 120 s (a hang)."""
    environ = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "MAESTRO_TM_HOME": str(cwd / "home"),
        **(env or {}),
    }
    proc = subprocess.run(
        [sys.executable, "-c", _ENTRY, *args],
        input=stdin,
        capture_output=True,
        cwd=cwd,
        env=environ,
        timeout=120,
        check=False,
    )
    err = proc.stderr.decode("utf-8", "replace")
    kb = [line.split()[1] for line in err.splitlines() if line.startswith("MAXRSS_KB")]
    return Run(proc.returncode, proc.stdout.decode("utf-8", "replace"), err, int(kb[-1]) / 1024)


def stray_temps(directory: Path) -> list[str]:
    """Names in `directory` that look like a writer's temp file."""
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))
