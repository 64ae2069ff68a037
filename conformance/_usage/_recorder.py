"""Record which fields of a delivery a handler reads.

:func:`track` turns a parsed delivery into look-alike objects (subclasses of ``dict``
and ``list``, so ``isinstance(x, dict)`` holds and ``json`` encodes them) that note
every read in a :class:`UsageLog`. What counts as a read:

- key access, ``.get``, ``in``, ``.pop``, ``.setdefault``: the field named (``/a/b``);
- list items, by index, slice, iteration, ``in``, ``.index`` or ``.count``: every item
  (``/list/*``; items are not told apart);
- ``len()`` and truth tests: the object itself (its size, not its content);
- reading a whole object: iterating a dict or its ``keys()/values()/items()``,
  ``dict(x)``, ``{**x}``, ``f(**x)`` (so dataclasses and models built from keyword
  arguments), ``copy``/``deepcopy``/``pickle``, ``==``, ``repr``/``str``/``print``,
  ``json.dumps`` (its C encoder calls ``items()`` on a dict subclass and iterates a
  list subclass): everything under it.

pydantic's ``Model.model_validate(x)`` goes through the mapping protocol, so it logs
the fields it reads. Known blind spot: encoders that read a container's storage
directly in C without calling any Python-level method, ``orjson`` and ``msgspec``;
only taking hold of the value is seen, so such a handler's manifest under-reports
(see ``docs/usage-contracts.md``; the tests pin this).

The log is plain data (:meth:`UsageLog.to_data`), so a worker process can send it back.
Paths are tuples of keys from the delivery's root, with ``"*"`` for any list item;
turning them into the manifest's payload pointers is :mod:`._manifest`'s job.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, SupportsIndex

Path = tuple[str, ...]
ITEM = "*"


@dataclass
class UsageLog:
    """What a handler read of one delivery: ``reads`` (paths) and ``whole`` (subtrees)."""

    event: str | None
    reads: set[Path] = field(default_factory=set)
    whole: set[Path] = field(default_factory=set)

    def to_data(self) -> dict[str, Any]:
        """Plain, JSON-ready, picklable data (sorted, so equal logs give equal data)."""
        return {
            "event": self.event,
            "reads": [list(p) for p in sorted(self.reads)],
            "whole": [list(p) for p in sorted(self.whole)],
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> UsageLog:
        """The inverse of :meth:`to_data`."""
        return cls(
            data.get("event"),
            {tuple(p) for p in data.get("reads", ())},
            {tuple(p) for p in data.get("whole", ())},
        )


def _wrap(value: Any, log: UsageLog, path: Path) -> Any:
    if type(value) is dict:
        return _Dict(log, path, value)
    if type(value) is list:
        return _List(log, path, value)
    return value


def unwrap(value: Any) -> Any:
    """A plain deep copy of ``value`` (tracked or not), reading nothing."""
    if isinstance(value, dict):
        return {k: unwrap(v) for k, v in dict.items(value)}
    if isinstance(value, list):
        return [unwrap(v) for v in list.__iter__(value)]
    return value


class _Dict(dict[str, Any]):
    """A dict that logs reads; its values are tracked too."""

    __slots__ = ("_log", "_path")

    def __init__(self, log: UsageLog, path: Path, source: dict[str, Any]) -> None:
        super().__init__()
        self._log = log
        self._path = path
        for key, value in source.items():
            dict.__setitem__(self, key, _wrap(value, log, (*path, key)))

    # -- one field ----------------------------------------------------------------------
    def _read(self, key: Any) -> None:
        if isinstance(key, str):
            self._log.reads.add((*self._path, key))

    def __getitem__(self, key: str) -> Any:
        self._read(key)
        return dict.__getitem__(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        self._read(key)
        return dict.get(self, key, default)

    def __contains__(self, key: object) -> bool:
        self._read(key)
        return dict.__contains__(self, key)

    def pop(self, key: str, *default: Any) -> Any:
        self._read(key)
        return dict.pop(self, key, *default)

    def setdefault(self, key: str, default: Any = None) -> Any:
        self._read(key)
        return dict.setdefault(self, key, default)

    # -- the object's size ----------------------------------------------------------------
    def __len__(self) -> int:
        self._log.reads.add(self._path)
        return dict.__len__(self)

    # -- the whole object -----------------------------------------------------------------
    def _all(self) -> None:
        self._log.whole.add(self._path)

    def __iter__(self) -> Iterator[str]:
        self._all()
        return dict.__iter__(self)

    def __reversed__(self) -> Iterator[str]:
        self._all()
        return dict.__reversed__(self)

    def keys(self) -> Any:
        self._all()
        return dict.keys(self)

    def values(self) -> Any:
        self._all()
        return dict.values(self)

    def items(self) -> Any:
        self._all()
        return dict.items(self)

    def popitem(self) -> tuple[str, Any]:
        self._all()
        return dict.popitem(self)

    def copy(self) -> dict[str, Any]:
        self._all()
        return dict(dict.items(self))

    def __copy__(self) -> dict[str, Any]:
        return self.copy()

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, Any]:
        self._all()
        result: dict[str, Any] = copy.deepcopy(unwrap(self), memo)
        return result

    def __reduce_ex__(self, protocol: SupportsIndex) -> tuple[Any, ...]:
        self._all()
        return (dict, (unwrap(self),))

    def __eq__(self, other: object) -> bool:
        self._all()
        return dict.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        self._all()
        return dict.__ne__(self, other)

    __hash__ = None

    def __or__(self, other: Any) -> Any:
        self._all()
        return dict.__or__(self, other)

    def __ror__(self, other: Any) -> Any:
        self._all()
        return dict.__ror__(self, other)

    def __repr__(self) -> str:
        self._all()
        return dict.__repr__(self)


class _List(list[Any]):
    """A list that logs reads of its items (all items as one, ``*``)."""

    __slots__ = ("_log", "_path")

    def __init__(self, log: UsageLog, path: Path, source: Iterable[Any]) -> None:
        item = (*path, ITEM)
        super().__init__(_wrap(v, log, item) for v in source)
        self._log = log
        self._path = path

    def _items(self) -> None:
        self._log.reads.add((*self._path, ITEM))

    def _all(self) -> None:
        self._log.whole.add(self._path)

    def __getitem__(self, index: Any) -> Any:
        self._items()
        return list.__getitem__(self, index)

    def __iter__(self) -> Iterator[Any]:
        self._items()
        return list.__iter__(self)

    def __reversed__(self) -> Iterator[Any]:
        self._items()
        return list.__reversed__(self)

    def __contains__(self, value: object) -> bool:
        self._items()
        return list.__contains__(self, value)

    def index(self, value: Any, *args: Any) -> int:
        self._items()
        return list.index(self, value, *args)

    def count(self, value: Any) -> int:
        self._items()
        return list.count(self, value)

    def pop(self, index: SupportsIndex = -1) -> Any:
        self._items()
        return list.pop(self, index)

    def __len__(self) -> int:
        self._log.reads.add(self._path)
        return list.__len__(self)

    def copy(self) -> list[Any]:
        self._all()
        return list(list.__iter__(self))

    def __copy__(self) -> list[Any]:
        return self.copy()

    def __deepcopy__(self, memo: dict[int, Any]) -> list[Any]:
        self._all()
        result: list[Any] = copy.deepcopy(unwrap(self), memo)
        return result

    def __reduce_ex__(self, protocol: SupportsIndex) -> tuple[Any, ...]:
        self._all()
        return (list, (unwrap(self),))

    def __eq__(self, other: object) -> bool:
        self._all()
        return list.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        self._all()
        return list.__ne__(self, other)

    __hash__ = None

    def __add__(self, other: Any) -> Any:
        self._all()
        return list.__add__(self, other)

    def __radd__(self, other: Any) -> Any:
        self._all()
        return list(other) + list(list.__iter__(self))

    def __mul__(self, other: SupportsIndex) -> Any:
        self._all()
        return list.__mul__(self, other)

    def __repr__(self) -> str:
        self._all()
        return list.__repr__(self)


def track(delivery: dict[str, Any]) -> tuple[dict[str, Any], UsageLog]:
    """A look-alike of ``delivery`` that logs every read, and the log it writes to.

    The event is ``delivery["type"]`` (read here without logging); a delivery that is
    not a JSON object is returned as it is, with an empty log.
    """
    if type(delivery) is not dict:
        return delivery, UsageLog(None)
    event = delivery.get("type")
    log = UsageLog(event if isinstance(event, str) else None)
    return _Dict(log, (), delivery), log


class Recorder:
    """Collects the logs of many deliveries: the hook ``check_handler(observe=...)`` takes.

    ``recorder.wrap(delivery)`` tracks one delivery in this process; a worker process
    instead calls :func:`track` itself and sends ``log.to_data()`` back, which
    ``recorder.add(data)`` takes. ``to_data``/``merge`` carry a whole recorder across
    processes (pytest-xdist workers).
    """

    def __init__(self) -> None:
        self.logs: dict[str, dict[str, set[Path]]] = {}
        self._pending: list[UsageLog] = []

    def wrap(self, delivery: dict[str, Any]) -> dict[str, Any]:
        """Track ``delivery``; its reads are collected when the recorder is next read."""
        wrapped, log = track(delivery)
        if log.event is not None:
            self._pending.append(log)
        return wrapped

    def __call__(self, delivery: dict[str, Any]) -> dict[str, Any]:
        """Same as :meth:`wrap`, so a recorder is itself the hook."""
        return self.wrap(delivery)

    def add(self, data: UsageLog | dict[str, Any]) -> None:
        """Take one delivery's log (a :class:`UsageLog` or its ``to_data()``)."""
        log = data if isinstance(data, UsageLog) else UsageLog.from_data(data)
        if log.event is None:
            return
        entry = self.logs.setdefault(log.event, {"reads": set(), "whole": set()})
        entry["reads"] |= log.reads
        entry["whole"] |= log.whole

    def _settle(self) -> None:
        pending, self._pending = self._pending, []
        for log in pending:
            self.add(log)

    def events(self) -> dict[str, dict[str, set[Path]]]:
        """Per event, the raw ``reads`` and ``whole`` paths collected so far."""
        self._settle()
        return self.logs

    def to_data(self) -> dict[str, Any]:
        """Plain data for another process (see :meth:`merge`)."""
        return {
            event: {kind: [list(p) for p in sorted(paths)] for kind, paths in entry.items()}
            for event, entry in sorted(self.events().items())
        }

    def merge(self, data: dict[str, Any]) -> None:
        """Add what another recorder's :meth:`to_data` holds."""
        for event, entry in data.items():
            self.add({"event": event, **entry})
