"""Load usage manifests for the owners' gate: files, folders and ``git:REF:PATH``.

Everything fails closed: a path that does not exist, a folder with no manifest, a file
that is not a valid manifest, or a git ref that cannot be read raises a
``ConformanceError`` (exit 2 in the CLI), never a shorter list of consumers.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from .._errors import InputError
from ._manifest import Manifest, load_manifest, parse_text


def load_consumers(specs: Iterable[str | Path], *, cwd: Path | None = None) -> list[Manifest]:
    """Every manifest named by ``specs``: a file, a folder (its ``*.json``, recursively),
    ``git:REF:PATH`` (a file or folder at a ref of the repository at ``cwd``)."""
    root = cwd or Path.cwd()
    out: list[Manifest] = []
    for spec in specs:
        text = str(spec)
        if text.startswith("git:"):
            out.extend(_from_git(text, root))
            continue
        path = Path(text)
        if not path.is_absolute():
            path = root / path
        if path.is_dir():
            files = sorted(p for p in path.rglob("*.json") if p.is_file())
            if not files:
                raise InputError("no usage manifests (*.json) in this folder", file=text)
            # Named as given (plus the file's place in the folder), for messages.
            out.extend(
                _named(load_manifest(f), str(Path(text) / f.relative_to(path))) for f in files
            )
        elif path.is_file():
            out.append(_named(load_manifest(path), text))
        else:
            raise InputError("no such usage manifest file or folder", file=text)
    return out


def _named(manifest: Manifest, source: str) -> Manifest:
    return replace(manifest, source=source)


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, check=False)
    except FileNotFoundError:
        raise InputError("git is not installed; git:REF:PATH needs it") from None


def _from_git(spec: str, root: Path) -> list[Manifest]:
    from .._compat import resolve_ref

    _, _, rest = spec.partition(":")
    ref, sep, inner = rest.partition(":")
    inner = inner.strip("/")
    if not sep or not inner:
        raise InputError("expected git:REF:PATH (the manifests' file or folder at REF)", file=spec)
    commit = resolve_ref(ref, root)
    kind = _git(root, "cat-file", "-t", f"{commit}:{inner}")
    if kind.returncode != 0:
        raise InputError(f"no {inner!r} at git ref {ref!r}", file=spec)
    if kind.stdout.decode().strip() == "blob":
        names = [inner]
    else:
        listing = _git(root, "ls-tree", "-r", "--name-only", "-z", commit, "--", inner + "/")
        names = sorted(n for n in listing.stdout.decode().split("\0") if n.endswith(".json"))
        if not names:
            raise InputError("no usage manifests (*.json) in this folder", file=spec)
    out = []
    for name in names:
        blob = _git(root, "show", f"{commit}:{name}")
        if blob.returncode != 0:
            raise InputError(f"cannot read {name!r} at git ref {ref!r}", file=spec)
        out.append(parse_text(blob.stdout, source=f"git:{ref}:{name}"))
    return out
