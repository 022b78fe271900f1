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
    yield from _tmpfs(tmp_path / "small-disk", f"size={SIZE}")


@pytest.fixture
def disk_without_inodes(tmp_path) -> Iterator[Path]:
    """A directory on a file system where no file can be created at all (its one inode is its root)."""
    yield from _tmpfs(tmp_path / "no-inodes", f"size={SIZE},nr_inodes=1")


def _tmpfs(mount_point: Path, options: str) -> Iterator[Path]:
    mount_point.mkdir()
    mounted = _as_root("mount", "-t", "tmpfs", "-o", f"{options},mode=0777", "tmpfs", str(mount_point))
    if mounted.returncode != 0:
        pytest.fail(f"a full disk is tested on a tmpfs, which needs root or sudo -n: {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        _as_root("umount", str(mount_point))
