"""The one way the tool writes files: folders made as needed, failures as one-line errors.

Every output path a user names (``--out``, ``-o``/``--output``, ``--report``,
``--failures-dir``...) goes through :func:`write_file` or :func:`make_dir`, so a path
that is a folder, a file where a folder is needed, or a place without write permission
becomes a :class:`~conformance.UsageError` (exit 2, one line naming the path) instead
of a traceback.
"""

from __future__ import annotations

import errno
from pathlib import Path

from ._errors import UsageError


def _reason(exc: OSError, path: Path, *, folder: bool) -> str:
    """Say what is wrong with ``path`` in words a user can act on."""
    if isinstance(exc, IsADirectoryError) or (not folder and path.is_dir()):
        return "is a folder, not a file"
    if isinstance(exc, (FileExistsError, NotADirectoryError)) or exc.errno in (
        errno.EEXIST,
        errno.ENOTDIR,
    ):
        blocking = next((p for p in (path, *path.parents) if p.exists() and not p.is_dir()), None)
        if blocking is not None:
            return f"{blocking} is a file, where a folder is needed"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return exc.strerror or str(exc) or type(exc).__name__


def make_dir(path: str | Path, *, what: str = "folder") -> Path:
    """Create folder ``path`` and its parents if missing; return it as a Path.

    Raises ``UsageError`` naming ``what`` and the path when it cannot be created.
    """
    folder = Path(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        reason = _reason(exc, folder, folder=True) if isinstance(exc, OSError) else str(exc)
        raise UsageError(f"cannot create the {what}: {reason}", file=folder) from None
    return folder


def write_file(path: str | Path, data: str | bytes, *, what: str = "output") -> Path:
    """Write ``data`` (text as UTF-8) to ``path``, creating its parent folders.

    Raises ``UsageError`` naming ``what`` and the path when it cannot be written.
    """
    file = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if file.parent != file:
        make_dir(file.parent, what=f"folder for the {what}")
    try:
        file.write_bytes(payload)
    except (OSError, ValueError) as exc:
        reason = _reason(exc, file, folder=False) if isinstance(exc, OSError) else str(exc)
        raise UsageError(f"cannot write the {what}: {reason}", file=file) from None
    return file


def remove_file(path: str | Path, *, what: str = "file") -> None:
    """Delete ``path`` if it exists; ``UsageError`` when it cannot be deleted."""
    file = Path(path)
    try:
        file.unlink(missing_ok=True)
    except OSError as exc:
        reason = _reason(exc, file, folder=False)
        raise UsageError(f"cannot remove the {what}: {reason}", file=file) from None
