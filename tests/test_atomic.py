"""`write_atomic`: the target holds the old content or the new one, and no temporary file stays."""

from __future__ import annotations

import os
import stat

import pytest

from isolint import atomic
from isolint.atomic import TMP_SUFFIX, write_atomic


def leftovers(directory) -> list[str]:
    return [p.name for p in directory.iterdir() if p.name.endswith(TMP_SUFFIX)]


def test_writes_new_content_with_umask_permissions(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    assert leftovers(tmp_path) == []


def test_mode_and_durable(tmp_path):
    target = tmp_path / "script.py"
    write_atomic(target, b"x = 1\n", mode=0o640, durable=True)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_failure_leaves_the_target_untouched_and_no_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "out.txt"
    target.write_text("old")

    def refuse(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", refuse)
    with pytest.raises(OSError, match="No space left"):
        write_atomic(target, b"new")
    assert target.read_text() == "old"
    assert leftovers(tmp_path) == []


def test_missing_directory_raises(tmp_path):
    with pytest.raises(FileNotFoundError):
        write_atomic(tmp_path / "no" / "out.txt", b"x")
