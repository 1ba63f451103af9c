"""The bounded reader: non-regular files refused before they can block, reads bounded by bytes."""

from __future__ import annotations

import io
import os
import socket
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant import files
from assistant.errors import InputFileError, SystemFileError

needs_proc = pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs Linux /proc")


def finishes(call: Callable[[], Any], seconds: float = 10) -> BaseException | None:
    """Run `call` in a thread; fail if it is still running after `seconds` (a hang)."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            call()
            outcome.append(None)
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"still running after {seconds} s"
    return outcome[0]


def test_a_fifo_with_no_writer_is_refused_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "model.json"
    os.mkfifo(fifo)
    error = finishes(lambda: files.read_text(fifo))
    assert isinstance(error, InputFileError)
    assert error.message == f"{fifo}: is a pipe (FIFO), not a regular file; give a file"


def test_a_fifo_fed_for_ever_is_refused_without_reading_it(tmp_path: Path) -> None:
    # A stand-in for /dev/zero that this test can own: a writer that never stops.
    fifo = tmp_path / "zero"
    os.mkfifo(fifo)
    stop = threading.Event()

    def feed() -> None:
        with open(fifo, "wb") as fh:  # blocks until a reader opens: the reader must not
            while not stop.is_set():
                fh.write(b"\0" * 65536)

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        error = finishes(lambda: files.read_bytes(fifo))
        assert isinstance(error, InputFileError) and "pipe (FIFO)" in error.message
    finally:
        stop.set()
        # Let the writer's open() return and its next write fail, so the thread ends.
        fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        os.close(fd)
        writer.join(10)


def test_a_socket_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # a short relative name: socket paths are limited to ~100 bytes
    with socket.socket(socket.AF_UNIX) as server:
        server.bind("s.sock")
        error = finishes(lambda: files.read_text(Path("s.sock")))
    assert isinstance(error, InputFileError)
    assert error.message == "s.sock: is a socket, not a regular file; give a file"


def test_a_device_is_refused_before_it_is_read() -> None:
    # Reading (never writing) a device node: /dev/zero would stream for ever.
    error = finishes(lambda: files.read_bytes("/dev/zero"))
    assert isinstance(error, InputFileError)
    assert error.message == "/dev/zero: is a device, not a regular file; give a file"


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match=r"is a directory, not a file$"):
        files.read_text(tmp_path)


@needs_proc
def test_a_file_whose_stat_says_zero_is_still_bounded() -> None:
    # /proc files are regular files that report size 0 and then produce bytes.
    assert os.stat("/proc/self/maps").st_size == 0
    with pytest.raises(InputFileError, match=r"larger than the limit of 10 bytes"):
        files.read_bytes("/proc/self/maps", limit=10)


def test_at_most_limit_plus_one_bytes_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 5000)
    real_stat, real_fstat, real_readv = os.stat, os.fstat, os.readv
    read: list[int] = []

    def lying(result: os.stat_result) -> os.stat_result:
        fields = list(result)
        fields[6] = 0  # st_size: what a device or FIFO reports
        return os.stat_result(fields)

    def counting(fd: int, buffers: list[memoryview]) -> int:
        count = real_readv(fd, buffers)
        read.append(count)
        return count

    monkeypatch.setattr(os, "stat", lambda p, **kw: lying(real_stat(p, **kw)))
    monkeypatch.setattr(os, "fstat", lambda fd: lying(real_fstat(fd)))
    monkeypatch.setattr(os, "readv", counting)
    with pytest.raises(InputFileError, match="larger than the limit of 1,000 bytes"):
        files.read_bytes(path, limit=1000)
    assert sum(read) == 1001


def test_an_oversize_regular_file_is_refused_by_its_size_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.md"
    with path.open("wb") as fh:
        fh.truncate(files.MAX_INPUT_BYTES + 1)  # sparse: costs no disk
    with pytest.raises(InputFileError) as caught:
        files.read_text(path)
    assert caught.value.message == (
        f"{path}: file is 20,971,521 bytes; the limit is 20 MB (20,971,520 bytes)"
    )


@settings(max_examples=60, deadline=None)
@given(
    content=st.binary(max_size=40),
    limit=st.integers(min_value=0, max_value=40),
)
def test_files_around_the_limit(content: bytes, limit: int) -> None:
    with tempfile.TemporaryDirectory() as where:
        path = Path(where) / "input"
        path.write_bytes(content)
        if len(content) <= limit:
            assert files.read_bytes(path, limit=limit) == content
        else:
            with pytest.raises(InputFileError, match="the limit is"):
                files.read_bytes(path, limit=limit)


@settings(max_examples=60, deadline=None)
@given(content=st.binary(max_size=40), limit=st.integers(min_value=0, max_value=40))
def test_stdin_around_the_limit(content: bytes, limit: int) -> None:
    stream = io.BytesIO(content)
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if len(content) > limit:
        with pytest.raises(InputFileError, match="standard input: input is larger than the limit"):
            files.read_stdin_text(limit=limit, stream=stream)
        assert stream.tell() <= limit + 1
    elif text is None:
        with pytest.raises(InputFileError, match="not UTF-8"):
            files.read_stdin_text(limit=limit, stream=stream)
    else:
        assert files.read_stdin_text(limit=limit, stream=stream) == text


def test_the_callers_error_type_is_kept(tmp_path: Path) -> None:
    # Near miss: the same refusal, raised as the caller's domain error (exit 2 at the CLI).
    fifo = tmp_path / "system.yaml"
    os.mkfifo(fifo)
    with pytest.raises(SystemFileError, match="pipe"):
        files.read_text(fifo, error=SystemFileError)


def test_a_missing_file_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        files.read_text(tmp_path / "nope.json")
    assert caught.value.message == f"{tmp_path / 'nope.json'}: no such file"
