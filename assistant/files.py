"""The one way files come in and go out: a bounded reader and a safe writer.

Reading (`read_bytes`, `read_text`, `read_stdin_text`) refuses anything that is not a regular
file (a directory, device, FIFO or socket) before it can block or stream for ever, and reads at
most `limit + 1` bytes whatever `stat` says, so `/dev/zero`, a FIFO with no writer or a file that
grows while it is read cost at most the limit in memory. Standard input gets the same limit.

Writing (`write_text`, `write_bytes`) goes through a temp file with a random name, created
with `O_CREAT|O_EXCL|O_NOFOLLOW` in the target's directory, fsynced, then renamed over the
target: a reader sees the old file or the new one, never half of one, and nothing planted at a
guessable name can redirect the write. Failures raise the caller's domain error with one line;
no temp file survives any failure.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
import sys
from typing import BinaryIO

from assistant.errors import AssistantError, InputFileError, OutputFileError

# Real inputs are kilobytes; a cap keeps a mistaken or hostile file from eating memory.
MAX_INPUT_BYTES = 20 * 1024 * 1024
_CHUNK = 1024 * 1024
_NEW_FILE_MODE = 0o600  # threat models describe a system's weak points: private by default

StrPath = str | os.PathLike[str]
STDIN = "the standard input"


def _kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "a special file"


def _limit(limit: int) -> str:
    return f"{limit // 1_048_576} MB" if limit % 1_048_576 == 0 else f"{limit:,} bytes"


def _too_large(source: str, limit: int, size: int | None = None) -> str:
    noun = "input" if source == STDIN else "file"
    if size is None:  # a stream, or a file larger than its stat said: the size is not known
        return f"{source}: {noun} is larger than the limit of {_limit(limit)}"
    shown = f"{size / 1_048_576:.1f} MB"
    if (
        shown == f"{limit / 1_048_576:.1f} MB"
    ):  # just over: "20.0 MB; the limit is 20 MB" reads wrong
        shown = f"{size:,} bytes"
        return f"{source}: {noun} is {shown}; the limit is {_limit(limit)} ({limit:,} bytes)"
    return f"{source}: {noun} is {shown}; the limit is {_limit(limit)}"


def read_bytes(
    path: StrPath, *, limit: int = MAX_INPUT_BYTES, error: type[AssistantError] = InputFileError
) -> bytes:
    """The bytes of a regular file, at most `limit` of them.

    The file is checked with `stat` before it is opened, opened with `O_NONBLOCK` (so a FIFO
    swapped in after the check cannot block the open) and checked again with `fstat`; then at
    most `limit + 1` bytes are read, so a file that lies about its size is still bounded.

    Raises:
        error: The file is missing, not a regular file, unreadable or larger than `limit`.
    """
    return bytes(_read_regular(os.fspath(path), limit, error))


def _read_regular(source: str, limit: int, error: type[AssistantError]) -> bytearray:
    try:
        _check_regular(source, os.stat(source), limit, error)
        fd = os.open(source, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        try:
            info = os.fstat(fd)
            _check_regular(source, info, limit, error)
            os.set_blocking(fd, True)
            data = _read_fd(fd, limit + 1, info.st_size)
        finally:
            os.close(fd)
    except FileNotFoundError:
        raise error(f"{source}: no such file") from None
    except NotADirectoryError:
        raise error(f"{source}: no such file (a parent is not a directory)") from None
    except OSError as exc:
        raise error(f"{source}: cannot read: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise error(_too_large(source, limit))
    return data


def _check_regular(
    source: str, info: os.stat_result, limit: int, error: type[AssistantError]
) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise error(f"{source}: is a directory, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise error(f"{source}: is {_kind(info.st_mode)}, not a regular file; give a file")
    if info.st_size > limit:
        raise error(_too_large(source, limit, info.st_size))


def _read_fd(fd: int, most: int, expected: int) -> bytearray:
    """Up to `most` bytes from `fd`, read in place into one buffer.

    The buffer is sized from what `stat` said (one byte more, to see the end) and grows only
    if the file turns out longer, never past `most`; a short read never ends the file early.
    """
    buf = bytearray(max(1, min(expected + 1, most)))
    got = 0
    while got < most:
        if got == len(buf):
            buf.extend(bytes(min(max(len(buf), _CHUNK), most - len(buf))))
        with memoryview(buf) as view:
            count = os.readv(fd, [view[got:]])
        if count == 0:
            break
        got += count
    del buf[got:]
    return buf


def _decode(data: bytes | bytearray, source: str, error: type[AssistantError]) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise error(f"{source}: not UTF-8 text (is it a binary file?)") from None


def read_text(
    path: StrPath, *, limit: int = MAX_INPUT_BYTES, error: type[AssistantError] = InputFileError
) -> str:
    """A UTF-8 text file, bounded as `read_bytes` is; `error` carries one clear line."""
    source = os.fspath(path)
    return _decode(_read_regular(source, limit, error), source, error)


def read_stdin_text(
    *,
    limit: int = MAX_INPUT_BYTES,
    error: type[AssistantError] = InputFileError,
    stream: BinaryIO | None = None,
) -> str:
    """Standard input (or `stream`) as UTF-8 text, at most `limit` bytes of it.

    Reads `limit + 1` bytes at most, so a pipe from `/dev/zero` costs the limit, not the machine.
    """
    source = STDIN
    if stream is None:
        stream = getattr(sys.stdin, "buffer", None)
    if stream is None:  # a text-only stdin (embedded use): bound it by characters, then bytes
        data = sys.stdin.read(limit + 1).encode("utf-8", "surrogateescape")
    else:
        try:
            data = stream.read(limit + 1)
        except OSError as exc:
            raise error(f"{source}: cannot read: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise error(_too_large(source, limit))
    return _decode(data, source, error)


def write_text(path: StrPath, text: str, *, error: type[AssistantError] = OutputFileError) -> None:
    """Write UTF-8 text (no newline translation) with `write_bytes`."""
    write_bytes(path, text.encode("utf-8"), error=error)


def write_bytes(
    path: StrPath, data: bytes, *, error: type[AssistantError] = OutputFileError
) -> None:
    """Replace `path` with `data`, atomically and without following anything planted.

    The temp file gets a random name in the target's directory and is created with
    `O_CREAT|O_EXCL|O_NOFOLLOW`, so a symlink or file at a guessable name cannot redirect the
    write. An existing regular file is replaced (the CLI's documented behaviour; callers that
    must ask first, like the chat, ask before calling) and keeps its permission bits; a new file
    is created 0600. A target that exists and is not a regular file is refused: a directory,
    device (`/dev/full`), FIFO or socket. A symbolic link at the target path is refused too,
    rather than resolved: replacing it would silently turn the link into a file, and following
    it lets whoever planted it choose what gets written; give the real path instead.

    Raises:
        error: One line naming the path: missing directory, not a regular file, a name ending
            in a separator, permission denied, disk full. No temp file is left behind.
    """
    target = os.fspath(path)
    if target.endswith((os.sep, "/")):
        raise error(f"{target}: is a directory name; give a file name to write")
    parent = os.path.dirname(target) or "."
    if not os.path.isdir(parent):
        what = "is not a directory" if os.path.lexists(parent) else "does not exist"
        raise error(f"{target}: cannot write: directory {parent} {what}")
    mode = _target_mode(target, error)
    tmp = os.path.join(parent, f".{os.path.basename(target)}.{secrets.token_hex(8)}.tmp")
    created = False
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, mode)
        created = True
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), mode)  # exact: the mode given to open() is cut by the umask
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        _target_mode(target, error)  # checked again: something may have appeared meanwhile
        os.replace(tmp, target)
        created = False
        _sync_dir(parent)
    except OSError as exc:
        raise error(f"{target}: cannot write: {exc.strerror or exc}") from None
    finally:
        if created:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _target_mode(target: str, error: type[AssistantError]) -> int:
    """The mode for the new file: the existing file's, or 0600; refuses non-regular targets."""
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        return _NEW_FILE_MODE
    except OSError as exc:
        raise error(f"{target}: cannot write: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        advice = "give the real path" if stat.S_ISLNK(info.st_mode) else "give a file path"
        raise error(
            f"{target}: is {_kind(info.st_mode)}, not a regular file; refusing to replace it ({advice})"
        )
    return stat.S_IMODE(info.st_mode)


def _sync_dir(directory: str) -> None:
    """Make the rename durable; best effort, as some file systems cannot fsync a directory."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
