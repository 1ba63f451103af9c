"""The safe writer: random O_EXCL|O_NOFOLLOW temp names, non-regular targets refused, no debris."""

from __future__ import annotations

import errno
import os
import secrets
import stat
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant import files
from assistant.errors import ExportError, OutputFileError
from assistant.export import write_export
from tests.faults.support import stray_temps


def test_a_symlink_at_the_old_temp_name_cannot_redirect_the_write(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("precious\n", encoding="utf-8")
    (tmp_path / ".o.md.tmp").symlink_to(victim)  # the name the old writer always used
    write_export("# report\n", tmp_path / "o.md")
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert (tmp_path / "o.md").read_text(encoding="utf-8") == "# report\n"


def test_a_symlink_at_the_random_temp_name_is_not_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Even an attacker who guessed the random name only makes the write fail.
    monkeypatch.setattr(secrets, "token_hex", lambda n: "guessed")
    victim = tmp_path / "victim"
    victim.write_text("precious\n", encoding="utf-8")
    (tmp_path / ".o.md.guessed.tmp").symlink_to(victim)
    with pytest.raises(OutputFileError, match=r"o\.md: cannot write: File exists"):
        files.write_text(tmp_path / "o.md", "# report\n")
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert not (tmp_path / "o.md").exists()
    assert (tmp_path / ".o.md.guessed.tmp").is_symlink()  # not ours: left alone


def test_temp_names_are_random(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    real_open = os.open

    def spy(path: str, flags: int, mode: int = 0o777) -> int:
        if path.endswith(".tmp"):
            seen.append(os.path.basename(path))
            assert flags & os.O_EXCL and flags & os.O_NOFOLLOW and flags & os.O_CREAT
        return real_open(path, flags, mode)

    monkeypatch.setattr(os, "open", spy)
    for _ in range(3):
        files.write_text(tmp_path / "o.md", "x")
    assert len(set(seen)) == 3


@pytest.mark.parametrize("kind", ["fifo", "directory", "symlink"])
def test_a_target_that_is_not_a_regular_file_is_refused(tmp_path: Path, kind: str) -> None:
    # FIFO and directory stand in for /dev/full and friends; tests never write to /dev.
    target = tmp_path / "out.md"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "directory":
        target.mkdir()
    else:
        (tmp_path / "real.md").write_text("kept\n", encoding="utf-8")
        target.symlink_to(tmp_path / "real.md")
    before = os.lstat(target)
    with pytest.raises(ExportError) as caught:
        write_export("# report\n", target)
    words = {"fifo": "a pipe (FIFO)", "directory": "a directory", "symlink": "a symbolic link"}
    assert caught.value.message.startswith(
        f"{target}: is {words[kind]}, not a regular file; refusing to replace it"
    )
    after = os.lstat(target)
    assert stat.S_IFMT(after.st_mode) == stat.S_IFMT(before.st_mode)
    assert after.st_ino == before.st_ino
    assert stray_temps(tmp_path) == []
    if kind == "symlink":
        assert (tmp_path / "real.md").read_text(encoding="utf-8") == "kept\n"


def test_a_missing_directory_is_named(tmp_path: Path) -> None:
    with pytest.raises(OutputFileError) as caught:
        files.write_text(tmp_path / "missing-dir" / "x.json", "{}")
    assert caught.value.message == (
        f"{tmp_path}/missing-dir/x.json: cannot write: directory {tmp_path}/missing-dir does not exist"
    )
    assert caught.value.exit_code == 2
    assert stray_temps(tmp_path) == []


def test_a_parent_that_is_a_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("", encoding="utf-8")
    with pytest.raises(OutputFileError, match=r"directory .*/plain is not a directory$"):
        files.write_text(tmp_path / "plain" / "x.json", "{}")


def test_a_directory_name_with_a_trailing_slash_is_refused(tmp_path: Path) -> None:
    (tmp_path / "DIR").mkdir()
    for name in (f"{tmp_path}/DIR/", f"{tmp_path}/new-dir/"):
        with pytest.raises(OutputFileError, match=r"is a directory name; give a file name"):
            files.write_text(name, "{}")
    assert not (tmp_path / "new-dir").exists()
    assert list((tmp_path / "DIR").iterdir()) == []


@pytest.mark.parametrize("failure", ["disk-full", "interrupt"])
def test_a_failed_write_leaves_the_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    target = tmp_path / "tm.json"
    target.write_text("old\n", encoding="utf-8")

    def fail(fd: int) -> None:
        if failure == "disk-full":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", fail)
    expected: type[BaseException] = OutputFileError if failure == "disk-full" else KeyboardInterrupt
    with pytest.raises(expected) as caught:
        files.write_text(target, "new\n")
    if failure == "disk-full":
        assert str(caught.value) == f"{target}: cannot write: No space left on device"
    assert target.read_text(encoding="utf-8") == "old\n"
    assert stray_temps(tmp_path) == []


def test_an_existing_file_is_replaced_and_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    files.write_text(target, "new\n")
    assert target.read_text(encoding="utf-8") == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_new_file_is_private(tmp_path: Path) -> None:
    files.write_text(tmp_path / "tm.json", "{}")
    assert stat.S_IMODE((tmp_path / "tm.json").stat().st_mode) == 0o600


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=2000))
def test_what_is_written_is_read_back(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as where:
        path = Path(where) / "out.bin"
        files.write_bytes(path, data)
        assert files.read_bytes(path) == data
        assert stray_temps(Path(where)) == []
