"""Report files on disk under ``REPORTS_DIR`` (default ``var/reports``), each with its SHA-256.

A file is written to a temporary name, flushed to disk and renamed into place, so a crash never
leaves half a report under a real name. The name carries the job id and the claim of the build
that wrote it; the database records which one is the job's file, and a build that lost its
claim removes its own. Reading checks the checksum again, so a damaged file is refused rather
than handed out.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from services.common import config


class FileDamaged(RuntimeError):
    """The file on disk does not match the checksum recorded when it was stored."""


def reports_dir() -> Path:
    return Path(config.env("REPORTS_DIR", str(config.VAR_DIR / "reports")))


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def relative_path(year: int, job_id: int, claim: str, extension: str) -> str:
    return f"{year}/{job_id}-{claim}.{extension}"


def write(root: Path, relative: str, data: bytes) -> str:
    """Store ``data`` atomically at ``root/relative``; returns its SHA-256."""
    target = root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, target)
    return checksum(data)


def read(root: Path, relative: str, expected_sha256: str) -> bytes:
    data = (root / relative).read_bytes()
    if checksum(data) != expected_sha256:
        raise FileDamaged(relative)
    return data


def remove(root: Path, relative: str) -> None:
    (root / relative).unlink(missing_ok=True)


def remove_strays(root: Path, year: int, job_id: int, keep: str | None = None) -> int:
    """Delete files of earlier, crashed builds of a job (not ``keep``); returns how many."""
    folder = root / str(year)
    if not folder.is_dir():
        return 0
    removed = 0
    for path in folder.glob(f"{job_id}-*"):
        if keep is None or path.relative_to(root).as_posix() != keep:
            path.unlink(missing_ok=True)
            removed += 1
    for path in folder.glob(f".{job_id}-*.tmp"):
        path.unlink(missing_ok=True)
        removed += 1
    return removed
