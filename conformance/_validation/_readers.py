"""Read captured deliveries from files: JSON Lines, one JSON object, or a JSON array.

Everything streams in batches of about a megabyte, so memory stays constant however
large the file (only a single delivery bigger than that is held whole):

- JSON Lines: each batch of complete lines is parsed with one ``orjson`` call (the
  lines joined as an array); only when that fails, or yields a different count, are
  the lines parsed one by one to name the bad one. Blank lines are skipped.
- A JSON array (first non-blank byte ``[``): elements are cut out of the byte stream
  at top-level commas and parsed a batch at a time; each element's line is the line
  it starts on.
- One JSON object spread over several lines: read whole (it is one delivery).

Unreadable input (a missing file, bytes that are not UTF-8, a truncated or malformed
line) raises ``InputError`` naming the file and line.
"""

from __future__ import annotations

import io
import json
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

import orjson

from .._errors import InputError

BLOCK_SIZE = 1 << 15  # ~200 deliveries: a batch's objects stay in the CPU cache
_DOCUMENT_LIMIT = 64 << 20
_BOM = b"\xef\xbb\xbf"
_WHITESPACE = b" \t\r\n"
#: a complete string, or one structural byte (a lone '"' = string not yet complete)
_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|["\[\]{},]', re.DOTALL)
#: the inside of a string from some point on: stops at its closing quote, at the end of
#: the buffer, or before a backslash that ends the buffer (its escape not yet read)
_STRING_BODY = re.compile(rb'[^"\\]*(?:\\.[^"\\]*)*', re.DOTALL)


@dataclass
class Batch:
    """Some deliveries from one file and a way to find each one's line number.

    With ``raw=True`` readers, JSON Lines come unparsed: ``raw`` holds complete lines
    (no final newline) starting at line ``first_line``, ``items`` is empty, and
    :func:`parse_lines` parses the lines a caller asks for.
    """

    file: str
    items: list[Any]
    line_of: Callable[[int], int]
    raw: bytes | None = None
    first_line: int = 1


def parse_lines(batch: Batch, indexes: list[int] | None = None) -> Batch:
    """Parse lines ``indexes`` (default: all) of a raw batch, skipping blank ones."""
    if batch.raw is None:
        return batch
    lines = batch.raw.split(b"\n")
    items: list[Any] = []
    numbers: list[int] = []
    for index in range(len(lines)) if indexes is None else indexes:
        text = lines[index]
        if not text.strip(_WHITESPACE):
            continue
        number = batch.first_line + index
        items.append(parse_one(text, file=batch.file, line=number))
        numbers.append(number)
    return Batch(batch.file, items, numbers.__getitem__)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_one(text: bytes, *, file: str, line: int) -> Any:
    """Parse one JSON value, or raise ``InputError`` naming ``file`` and ``line``."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        problem = str(exc)
    try:
        decoded = text.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"line {line}: not UTF-8 (byte {exc.start + 1} of the line is {text[exc.start]:#04x})",
            file=file,
        ) from None
    try:  # valid JSON that orjson declines: a lone surrogate, a number out of range
        return json.loads(decoded, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        pass
    if not decoded.strip():
        raise InputError(f"line {line}: no JSON value", file=file)
    problem = problem.split(": line ", 1)[0]
    raise InputError(f"line {line}: malformed or truncated JSON ({problem})", file=file)


def _consecutive(start: int) -> Callable[[int], int]:
    return lambda index: start + index


def _jsonl_batch(body: bytes, first_line: int, file: str) -> Batch | None:
    """Parse complete lines ``body`` (no trailing newline) starting at ``first_line``."""
    count = body.count(b"\n") + 1
    try:
        # One line (perhaps a huge one) is parsed as it is, without two copies to make it
        # an array; several are joined into one array for a single orjson call.
        joined = body if count == 1 else b"[" + body.replace(b"\n", b",") + b"]"
        items = orjson.loads(joined)
        if count == 1:
            items = [items]
    except orjson.JSONDecodeError:
        pass
    else:
        if isinstance(items, list) and len(items) == count:
            return Batch(file, items, _consecutive(first_line))
    items, lines = [], []
    for offset, text in enumerate(body.split(b"\n")):
        if not text.strip(_WHITESPACE):
            continue
        items.append(parse_one(text, file=file, line=first_line + offset))
        lines.append(first_line + offset)
    return Batch(file, items, lines.__getitem__) if items else None


def _read_jsonl(
    stream: IO[bytes], data: bytes, file: str, first_line: int = 1, raw: bool = False
) -> Iterator[Batch]:
    """Batches of complete lines, in time linear in the input whatever the line lengths.

    Each block is searched for a newline once, and the pieces of a line longer than a
    block are kept in a list and joined once (``data += more`` and a fresh ``rfind``
    over the whole buffer per block made a 200 MB line take minutes).
    """
    line = first_line
    pieces: list[bytes] = []  # the unfinished last line, in blocks
    chunk = data
    while True:
        cut = chunk.rfind(b"\n")
        if cut < 0:
            if chunk:
                pieces.append(chunk)
            chunk = stream.read(BLOCK_SIZE)
            if chunk:
                continue
            body = b"".join(pieces)  # the last line, without a final newline
            if not body:
                return
            pieces = []
            eof = True
        else:
            pieces.append(chunk[:cut])
            body = pieces[0] if len(pieces) == 1 else b"".join(pieces)
            pieces = [chunk[cut + 1 :]]
            chunk = b""
            eof = False
        if raw:
            batch: Batch | None = Batch(file, [], _consecutive(line), raw=body, first_line=line)
        else:
            batch = _jsonl_batch(body, line, file)
        line += body.count(b"\n") + 1
        if batch is not None:
            yield batch
        if eof:
            return


class _ArrayReader:
    """Cut the elements of a top-level JSON array out of a byte stream."""

    def __init__(self, stream: IO[bytes], data: bytes, file: str) -> None:
        self.stream = stream
        self.file = file
        # A bytearray grows in place: ``bytes +=`` would copy the whole buffer per block.
        self.buf = bytearray(data)
        self.base_line = 1  # line number of buf[0]
        self.eof = False

    def _more(self) -> bool:
        chunk = b"" if self.eof else self.stream.read(BLOCK_SIZE)
        if not chunk:
            self.eof = True
            return False
        self.buf += chunk
        return True

    def _line_at(self, offset: int) -> int:
        return self.base_line + self.buf.count(b"\n", 0, offset)

    def _truncated(self, offset: int) -> InputError:
        return InputError(
            f"line {self._line_at(offset)}: truncated JSON array (no closing ']')", file=self.file
        )

    def __iter__(self) -> Iterator[Batch]:
        buf_start = self.buf.index(b"[")
        pos = buf_start + 1
        depth = 1
        element_start = pos
        spans: list[tuple[int, int]] = []  # complete elements in self.buf not yet emitted
        while True:
            match = _TOKEN.search(self.buf, pos)
            if match is not None and match.group() == b'"':
                # A string that runs past the buffer: scan on from where the last look
                # stopped, never from its opening quote again (that was quadratic).
                resume = match.end()
                while True:
                    resume = _STRING_BODY.match(self.buf, resume).end()  # type: ignore[union-attr]
                    if resume < len(self.buf) and self.buf[resume] == 0x22:
                        break
                    if spans:
                        yield self._emit(spans)
                        old_start = element_start
                        element_start, pos = self._shift(element_start, pos)
                        resume -= old_start
                        spans = []
                    if not self._more():
                        raise self._truncated(len(self.buf))
                pos = resume + 1
                continue
            if match is None:
                if spans:
                    yield self._emit(spans)
                    element_start, pos = self._shift(element_start, pos)
                    spans = []
                if not self._more():
                    raise self._truncated(len(self.buf))
                continue
            token = match.group()
            pos = match.end()
            if token[0] == 0x22:  # a whole string
                continue
            if token in (b"[", b"{"):
                depth += 1
            elif token in (b"]", b"}"):
                depth -= 1
                if depth == 0:
                    if self.buf[element_start : match.start()].strip(_WHITESPACE) or spans:
                        spans.append((element_start, match.start()))
                    if spans:
                        yield self._emit(spans)
                    self._check_tail(pos)
                    return
            elif token == b"," and depth == 1:
                spans.append((element_start, match.start()))
                element_start = pos
                if len(spans) >= 256:
                    yield self._emit(spans)
                    element_start, pos = self._shift(element_start, pos)
                    spans = []

    def _shift(self, element_start: int, pos: int) -> tuple[int, int]:
        """Drop the emitted part of the buffer; return the offsets rebased."""
        self.base_line += self.buf.count(b"\n", 0, element_start)
        del self.buf[:element_start]
        return 0, pos - element_start

    def _emit(self, spans: list[tuple[int, int]]) -> Batch:
        buf = self.buf
        first, last = spans[0][0], spans[-1][1]
        try:
            items = orjson.loads(b"[" + bytes(buf[first:last]) + b"]")
            if not isinstance(items, list) or len(items) != len(spans):
                raise ValueError
        except (orjson.JSONDecodeError, ValueError):
            items = []
            for start, end in spans:
                text = bytes(buf[start:end])
                lead = len(text) - len(text.lstrip(_WHITESPACE))
                items.append(parse_one(text, file=self.file, line=self._line_at(start + lead)))
        lines: list[int] = []
        line = self.base_line
        previous = 0
        for start, end in spans:
            piece = buf[start:end]
            lead = start + len(piece) - len(piece.lstrip(_WHITESPACE))
            line += buf.count(b"\n", previous, lead)
            previous = lead
            lines.append(line)
        return Batch(self.file, items, lines.__getitem__)

    def _check_tail(self, pos: int) -> None:
        while True:
            if self.buf[pos:].strip(_WHITESPACE):
                raise InputError(
                    f"line {self._line_at(pos)}: unexpected data after the JSON array",
                    file=self.file,
                )
            pos = len(self.buf)
            if not self._more():
                return


def _read_document(stream: IO[bytes], data: bytes, file: str, first_line: int) -> Iterator[Batch]:
    """One JSON document (a delivery spread over several lines): read it whole.

    If it does not parse, and its first line holds more than ``{``, it was meant as
    JSON Lines: the error names that first line.
    """
    pieces, size = [data], len(data)
    while size < _DOCUMENT_LIMIT and (chunk := stream.read(BLOCK_SIZE)):
        pieces.append(chunk)
        size += len(chunk)
    data = b"".join(pieces)
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        start = len(data) - len(data.lstrip(_WHITESPACE))
        head = data[start:].split(b"\n", 1)[0]
        if head.strip(_WHITESPACE) != b"{":
            parse_one(head, file=file, line=first_line)
        line = data.count(b"\n", 0, exc.pos) + 1 if exc.pos >= 0 else first_line
        value = parse_one(data, file=file, line=line)
    yield Batch(file, [value], _consecutive(first_line))


def _batches(stream: IO[bytes], file: str, raw: bool) -> Iterator[Batch]:
    data = stream.read(BLOCK_SIZE)
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    stripped = data.lstrip(_WHITESPACE)
    if not stripped and data:  # a long run of blank lines: look further
        pieces = [data]
        while not stripped:
            more = stream.read(BLOCK_SIZE)
            if not more:
                return
            pieces.append(more)
            stripped = more.lstrip(_WHITESPACE)
        data = b"".join(pieces)
        stripped = data.lstrip(_WHITESPACE)
    if not stripped:
        return
    if stripped.startswith(b"["):
        yield from _ArrayReader(stream, data, file)
        return
    if stripped.startswith(b"{"):
        start = len(data) - len(stripped)
        newline = data.find(b"\n", start)
        if newline >= 0:
            try:
                orjson.loads(data[:newline])
            except orjson.JSONDecodeError:  # an object spread over lines, not JSON Lines
                yield from _read_document(stream, data, file, data.count(b"\n", 0, start) + 1)
                return
    yield from _read_jsonl(stream, data, file, 1, raw)


def sniff(head: bytes) -> str:
    """``"jsonl"``, ``"array"``, ``"document"`` or ``"empty"``: how to read a file that
    starts with ``head`` (at least one block, unless the file is shorter)."""
    data = head.removeprefix(_BOM)
    stripped = data.lstrip(_WHITESPACE)
    if not stripped:
        return "empty"
    if stripped.startswith(b"["):
        return "array"
    if stripped.startswith(b"{"):
        newline = data.find(b"\n", len(data) - len(stripped))
        if newline >= 0:
            try:
                orjson.loads(data[:newline])
            except orjson.JSONDecodeError:
                return "document"
    return "jsonl"


def read_jsonl_range(
    path: str, start: int, end: int, first_line: int, *, raw: bool = False
) -> Iterator[Batch]:
    """Batches from bytes ``start:end`` of a JSON Lines file (``start`` at a line start,
    ``first_line`` its line number): the unit of work of a parallel scan."""
    try:
        with open(path, "rb") as stream:
            stream.seek(start)
            data = stream.read(end - start)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", file=path) from None
    if start == 0:
        data = data.removeprefix(_BOM)
    yield from _read_jsonl(io.BytesIO(data), b"", path, first_line, raw)


def read_deliveries(path: str, *, raw: bool = False) -> Iterator[Batch]:
    """Batches of deliveries from the file at ``path`` (``-`` for standard input).

    With ``raw``, JSON Lines batches come unparsed (see :class:`Batch`).
    """
    if path == "-":
        yield from _batches(sys.stdin.buffer, "<stdin>", raw)
        return
    try:
        stream = open(path, "rb")  # noqa: SIM115 - closed below, generator-friendly
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", file=path) from None
    with stream:
        try:
            yield from _batches(stream, path, raw)
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror or exc}", file=path) from None
