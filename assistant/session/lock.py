"""One writer per session: a file lock, and a side file naming the process that holds it.

Two chats on the same journal would each replay it, then append decisions the other never
sees, and the next resume would silently keep only the last one. So a process that opens a
session takes `<id>.lock` (an OS-level lock through `filelock`, released by the kernel if the
process dies) and records its pid in `<id>.pid`. A second process that finds the lock taken
opens the session read-only: it can look, and every attempt to write names the holder.

The lock is per open file, not per process, so two conversations in one process exclude each
other as two processes do; that keeps the in-process tests honest.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from filelock import FileLock, Timeout


class SessionLock:
    """The lock of one session's journal.

    Args:
        journal: The journal file (`<id>.jsonl`); the lock and pid files sit beside it.
    """

    def __init__(self, journal: Path) -> None:
        self.session_id = journal.stem
        self.lock_path = journal.with_suffix(".lock")
        self.pid_path = journal.with_suffix(".pid")
        # thread_local=False: a chat opens a session on one thread and may close it on another.
        self._lock = FileLock(self.lock_path, mode=0o600, thread_local=False)

    @property
    def held(self) -> bool:
        """Whether this object holds the lock."""
        return self._lock.is_locked

    def acquire(self) -> str | None:
        """Take the lock without waiting; None when taken, else why the session is read-only.

        Raises:
            OSError: The lock or pid file cannot be written (a read-only or full home).
        """
        if self.held:
            return None
        self.lock_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            return (
                f"session {self.session_id} is open in another process ({self.holder()}); "
                "opened read-only"
            )
        try:
            self._write_pid()
        except OSError:
            self._lock.release(force=True)
            raise
        return None

    def holder(self) -> str:
        """`pid N` of the process holding the lock, as recorded in the side file."""
        try:
            pid = int(self.pid_path.read_text(encoding="ascii").strip())
        except (OSError, ValueError):
            return "pid unknown"
        return f"pid {pid}"

    def release(self) -> None:
        """Let go of the lock (and the pid file, which names this process)."""
        if not self.held:
            return
        if self.holder() == f"pid {os.getpid()}":
            with contextlib.suppress(OSError):
                self.pid_path.unlink()
        self._lock.release(force=True)

    def _write_pid(self) -> None:
        # Written and fsynced: on a full disk this fails here, at the start, not on the first
        # message. The side file is only read while the lock is held, so a stale one is harmless.
        fd = os.open(self.pid_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        try:
            os.write(fd, f"{os.getpid()}\n".encode("ascii"))
            os.fsync(fd)
        finally:
            os.close(fd)
