"""Where failing examples are kept between runs and shared between CI shards.

A database spec is a string, or several (layered: examples are saved to every
writable layer and replayed from all of them):

- ``PATH``: a folder (Hypothesis' ``DirectoryBasedExampleDatabase``), shared by xdist
  workers on one machine or a CI cache;
- ``redis://HOST:PORT/DB`` (or ``rediss://``): a Redis server (Hypothesis'
  ``RedisExampleDatabase``; needs the ``redis`` package: ``casedev-conformance[redis]``),
  shared by CI machines;
- ``readonly:SPEC``: replay what SPEC holds but never write to it (Hypothesis'
  ``ReadOnlyDatabase``), e.g. a main-branch database read by pull-request runs.

Several specs become one ``MultiplexedDatabase``. In a single string, specs are
separated by whitespace.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Union

from .._errors import UsageError

if TYPE_CHECKING:
    from hypothesis.database import ExampleDatabase

#: What ``fuzz(database=...)`` accepts.
DatabaseSpec = Union[str, Path, Sequence[str | Path], "ExampleDatabase", None]

READONLY = "readonly:"


def open_database(spec: DatabaseSpec) -> ExampleDatabase | None:
    """The Hypothesis database ``spec`` names (None: none)."""
    from hypothesis.database import ExampleDatabase, MultiplexedDatabase

    if spec is None or isinstance(spec, ExampleDatabase):
        return spec
    if isinstance(spec, Path):
        parts: list[str] = [str(spec)]
    elif isinstance(spec, str):
        parts = spec.split()
    else:
        parts = [
            p
            for item in spec
            for p in (str(item).split() if isinstance(item, str) else [str(item)])
        ]
    layers = [_one(part) for part in parts if part]
    if not layers:
        return None
    return layers[0] if len(layers) == 1 else MultiplexedDatabase(*layers)


def _one(spec: str) -> ExampleDatabase:
    from hypothesis.database import DirectoryBasedExampleDatabase, ReadOnlyDatabase

    if spec.startswith(READONLY):
        inner = spec[len(READONLY) :]
        if not inner:
            raise UsageError("database: 'readonly:' needs a folder or URL after it")
        return ReadOnlyDatabase(_one(inner))
    if spec.startswith(("redis://", "rediss://", "unix://")):
        return _redis(spec)
    if "://" in spec:
        raise UsageError(
            f"database: unsupported URL {spec!r}; give a folder, a redis:// URL or readonly:SPEC"
        )
    path = Path(spec).expanduser()
    if path.exists() and not path.is_dir():
        raise UsageError("database: not a folder", file=path)
    return DirectoryBasedExampleDatabase(path)


def _redis(url: str) -> ExampleDatabase:
    try:
        import redis
        from hypothesis.extra.redis import RedisExampleDatabase
    except ImportError:
        raise UsageError(
            "database: a redis:// database needs the redis package "
            "(pip install 'casedev-conformance[redis]')"
        ) from None
    try:
        client = redis.Redis.from_url(url)
        client.ping()
    except (redis.RedisError, ValueError) as exc:
        raise UsageError(f"database: cannot reach {url}: {exc}") from None
    return RedisExampleDatabase(client, key_prefix=b"casedev-conformance:")
