"""A real, tiny file system (tmpfs) for the tests of a full disk: the OS itself answers ENOSPC."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

SIZE = "64k"  # sixteen pages: an attachment of a few hundred kilobytes cannot fit


def _as_root(*command: str) -> subprocess.CompletedProcess:
    prefix = [] if os.geteuid() == 0 else ["sudo", "-n"]
    return subprocess.run([*prefix, *command], capture_output=True, text=True)


@pytest.fixture
def small_disk(tmp_path) -> Iterator[Path]:
    """A directory on a file system of ``SIZE`` bytes, mounted for the test (root, or sudo without a
    password: CI runs as root) and unmounted after it. No mount is a failure, never a skip."""
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    mounted = _as_root("mount", "-t", "tmpfs", "-o", f"size={SIZE},mode=0777", "tmpfs", str(mount_point))
    if mounted.returncode != 0:
        pytest.fail(f"a full disk is tested on a tmpfs, which needs root or sudo -n: {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        _as_root("umount", str(mount_point))
