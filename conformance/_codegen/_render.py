"""Render the typed model as Python source in one of four styles.

``typeddict`` and ``dataclasses`` only describe; ``msgspec`` and ``pydantic`` also
validate, exactly as the schemas do. Every style writes the same class names: one class
per event envelope (``AgentCreated``), one per payload (``AgentCreatedData``), nested
objects after their property (``AgentRunCompletedDataUsage``), the union ``Event``
and the fallback ``UnknownEvent``. The output imports nothing from this package
except in the shipped ``conformance.models`` (``shipped=True``), whose errors are
``conformance.ValidationError``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from .._errors import json_pointer
from ._ir import Check, EventType, Model, Node, Prop, Struct, python_pattern

STYLES = ("typeddict", "msgspec", "pydantic", "dataclasses")

_DATE_TIME_CODE = '''
_DATE_TIME = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\\.[0-9]+)?"
    r"(?:[Zz]|([+-])([0-9]{2}):([0-9]{2}))",
    re.ASCII,
)
_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _is_date_time(text: str) -> bool:
    """Whether ``text`` is an RFC 3339 date-time (leap seconds only at 23:59:60 UTC)."""
    match = _DATE_TIME.fullmatch(text)
    if match is None:
        return False
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    if not 1 <= month <= 12 or not 1 <= day <= _DAYS[month - 1] + (month == 2 and leap):
        return False
    if hour > 23 or minute > 59 or second > 60:
        return False
    offset = 0
    if match.group(7) is not None:
        off_hour, off_minute = int(match.group(8)), int(match.group(9))
        if off_hour > 23 or off_minute > 59:
            return False
        offset = (off_hour * 60 + off_minute) * (1 if match.group(7) == "+" else -1)
    return second < 60 or (hour * 60 + minute - offset) % 1440 == 23 * 60 + 59
'''


def _imports(names: Iterable[str]) -> str:
    """Names for one ``from x import ...`` line, in isort's order (constants, classes,
    functions; case-insensitive within each)."""

    def key(name: str) -> tuple[int, str]:
        kind = 0 if name.isupper() else 1 if name[:1].isupper() else 2
        return kind, name.lower()

    return ", ".join(sorted(set(names), key=key))


def _lit(value: Any) -> str:
    if isinstance(value, str):
        if '"' in value and "'" not in value and value.isascii() and value.isprintable():
            return repr(value)  # single quotes spare the escapes, as ruff prefers
        return json.dumps(value, ensure_ascii=True)
    return repr(value)


def _doc(text: str, indent: str) -> list[str]:
    summary = " ".join(text.split()) or "(no description)"
    summary = summary.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    return [f'{indent}"""{summary}"""']


class _Source:
    """Shared state of one rendering: imports, regex constants, check functions."""

    def __init__(self, model: Model, style: str, shipped: bool) -> None:
        self.model = model
        self.style = style
        self.shipped = shipped
        self.typing: set[str] = set()
        self.patterns: dict[str, str] = {}
        self.date_time = False
        self.validators: list[str] = []  # pydantic AfterValidator functions
        self.number = False  # pydantic: whether the Number type is used

    # -- annotations -------------------------------------------------------------

    def annotation(self, node: Node, extra: str = "") -> str:
        """The annotation of ``node``; ``extra`` (such as an unset marker) goes before
        ``None``, which comes last."""
        if node.literals is not None:
            self.typing.add("Literal")
            parts = (
                [f"Literal[{', '.join(_lit(v) for v in node.literals)}]"] if node.literals else []
            )
        else:
            parts = []
            for kind in node.kinds:
                if kind == "string":
                    parts.append("str")
                elif kind == "number" and self.style == "pydantic":
                    # One validator, not a union: pydantic would put the union's member
                    # names ("int", "float") into error locations.
                    self.number = True
                    parts.append("Number")
                elif kind == "number":
                    parts.append("int | float")
                elif kind == "boolean":
                    parts.append("bool")
                elif kind == "array":
                    assert node.item is not None
                    parts.append(f"list[{self.annotation(node.item)}]")
                elif node.struct is not None:
                    parts.append(node.struct.name)
                else:
                    self.typing.add("Any")
                    parts.append("dict[str, Any]")
        text = " | ".join(parts)
        if self.style == "pydantic" and node.checks:
            self.typing.add("Annotated")
            text = f"Annotated[{text}, pydantic.AfterValidator({self.validator(node)})]"
        text = " | ".join(t for t in (text, extra) if t)
        if node.nullable:
            text = f"{text} | None" if text else "None"
        return text

    # -- checks --------------------------------------------------------------------

    def pattern(self, pattern: str) -> str:
        name = self.patterns.setdefault(pattern, f"_PATTERN_{len(self.patterns) + 1}")
        return name

    def condition(self, check: Check, value: str, kinds: tuple[str, ...]) -> tuple[str, str]:
        """A Python expression true when ``value`` passes ``check``, and the reason."""
        kind, arg = check.kind, check.value
        if kind == "pattern":
            cond = f"{self.pattern(arg)}.search({value}) is not None"
            reason, applies = f"does not match {_lit(arg)}", "str"
        elif kind == "format":
            self.date_time = True
            cond = f"_is_date_time({value})"
            reason, applies = f'is not a "{arg}"', "str"
        elif kind in {"minLength", "maxLength", "minItems", "maxItems"}:
            op = ">=" if kind.startswith("min") else "<="
            cond = f"len({value}) {op} {arg!r}"
            what = "characters" if "Length" in kind else "items"
            reason = f"has {'fewer' if op == '>=' else 'more'} than {arg!r} {what}"
            applies = "str" if "Length" in kind else "list"
        else:
            op = {"minimum": ">=", "maximum": "<=", "exclusiveMinimum": ">"}.get(kind, "<")
            cond = f"{value} {op} {arg!r}"
            reason, applies = f"is not {op} {arg!r}", "number"
        if len(kinds) > 1:
            if applies == "number":
                guard = f"isinstance({value}, bool) or not isinstance({value}, (int, float))"
            else:
                guard = f"not isinstance({value}, {applies})"
            cond = f"{guard} or {cond}"
        return cond, reason

    def validator(self, node: Node) -> str:
        """A pydantic AfterValidator function for ``node``'s own checks."""
        name = f"_check_{len(self.validators) + 1}"
        base = Node(kinds=node.kinds, literals=node.literals, struct=node.struct, item=node.item)
        saved, self.style = self.style, "plain"
        annotation = self.annotation(base)
        self.style = saved
        lines = [f"def {name}(value: {annotation}) -> {annotation}:"]
        for check in node.checks:
            cond, reason = self.condition(check, "value", node.kinds)
            lines += [f"    if not ({cond}):", f"        raise ValueError({_lit(reason)})"]
        lines.append("    return value")
        self.validators.append("\n".join(lines))
        return name

    def node_checks(self, node: Node, value: str, at: str, indent: str, depth: int) -> list[str]:
        """Statements that raise ``_invalid`` when ``value`` (never UNSET) fails a check.

        ``at`` is a Python expression for the value's JSON pointer.
        """
        body: list[str] = []
        inner = indent + ("    " if node.nullable else "")
        for check in node.checks:
            cond, reason = self.condition(check, value, node.kinds)
            body += [f"{inner}if not ({cond}):", f"{inner}    raise _invalid({_lit(reason)}, {at})"]
        if node.struct is not None and node.struct.constrained():
            body.append(f"{inner}_check_{node.struct.name}({value}, {at})")
        if node.item is not None and node.item.constrained():
            index, item = f"i{depth}", f"item{depth}"
            body.append(f"{inner}for {index}, {item} in enumerate({value}):")
            body += self.node_checks(
                node.item, item, f'f"{{{at}}}/{{{index}}}"', inner + "    ", depth + 1
            )
        if body and node.nullable:
            body.insert(0, f"{indent}if {value} is not None:")
        return body

    def struct_checks(self, struct: Struct) -> list[str]:
        lines = [
            "",
            "",
            f"def _check_{struct.name}(value: {struct.name}, at: str) -> None:",
        ]
        for prop in struct.props:
            if not prop.node.constrained():
                continue
            at = f'at + "/{json_pointer([prop.key])[1:]}"'
            at = at.replace("\\", "\\\\") if "\\" in prop.key else at
            body = self.node_checks(prop.node, f"value.{prop.attr}", at, "    ", 0)
            if not prop.required:
                lines.append(f"    if value.{prop.attr} is not msgspec.UNSET:")
                body = ["    " + line for line in body]
            lines += body
        return lines


# -- shared pieces -------------------------------------------------------------------


def _header(style: str, shipped: bool, model: Model, extra: str) -> list[str]:
    how = (
        "conformance._codegen (run `casedev-conformance catalog import`, or "
        "`python -m conformance._codegen`)"
        if shipped
        else f"`casedev-conformance codegen --style {style}`"
    )
    return [
        f'"""Typed Case.dev webhook events ({style} style): {len(model.events)} event(s).',
        "",
        f"Generated from the event catalog by {how}; do not edit by hand.",
        *extra.splitlines(),
        '"""',
        "",
        "from __future__ import annotations",
        "",
    ]


def _union(name: str, members: list[str]) -> list[str]:
    if len(members) == 1:
        return [f"{name}: TypeAlias = {members[0]}"]
    return [
        f"{name}: TypeAlias = (",
        *(f"    {'| ' if i else ''}{m}" for i, m in enumerate(members)),
        ")",
    ]


def _known(model: Model) -> list[str]:
    names = [e.name for e in model.events]
    return [
        "#: The event types this module knows.",
        "KNOWN_TYPES: frozenset[str] = frozenset(",
        "    {",
        *(f"        {_lit(n)}," for n in names),
        "    }",
        ")",
    ]


def _uses_functional(struct: Struct) -> bool:
    import keyword

    return any(not p.key.isidentifier() or keyword.iskeyword(p.key) for p in struct.props)


def _typeddict_class(src: _Source, name: str, props: Iterable[Prop], doc: str) -> list[str]:
    props = list(props)
    rows: list[tuple[str, str]] = []
    for prop in props:
        annotation = src.annotation(prop.node)
        if not prop.required:
            src.typing.add("NotRequired")
            annotation = f"NotRequired[{annotation}]"
        rows.append((prop.key, annotation))
    import keyword

    if any(not k.isidentifier() or keyword.iskeyword(k) for k, _ in rows):
        lines = [f"{name} = TypedDict(", f"    {_lit(name)},", "    {"]
        lines += [f"        {_lit(k)}: {a}," for k, a in rows]
        lines += ["    },", ")", *(f"# {d}" for d in [doc] if d)]
        return lines
    lines = [f"class {name}(TypedDict):", *_doc(doc, "    ")]
    if rows:
        lines.append("")
    lines += [f"    {k}: {a}" for k, a in rows]
    return lines


def _envelope_props(model: Model, event: EventType | None) -> list[Prop]:
    type_node = Node(kinds=("string",), checks=() if event else model.type_checks)
    if event is not None:
        type_node.literals = (event.name,)
    props = [model.envelope[0], Prop("type", "type", type_node, True), model.envelope[1]]
    data = Node(kinds=("object",), struct=event.data if event else None)
    return [*props, Prop("data", "data", data, True)]


# -- typeddict -------------------------------------------------------------------------


def render_typeddict(model: Model) -> str:
    """TypedDicts for every payload and envelope, narrowed by ``event["type"]``."""
    src = _Source(model, "typeddict", shipped=False)
    body: list[str] = []
    for struct in model.structs:
        body += [
            "",
            "",
            *_typeddict_class(src, struct.name, struct.props, _struct_doc(model, struct)),
        ]
    for event in model.events:
        props = _envelope_props(model, event)
        doc = f"{event.name} ({event.stability}): {event.description}"
        body += ["", "", *_typeddict_class(src, event.cls, props, doc)]
    unknown_doc = (
        "A delivery whose type this module does not know (a newer catalog, or webhook.test)."
    )
    body += [
        "",
        "",
        *_typeddict_class(src, "UnknownEvent", _envelope_props(model, None), unknown_doc),
    ]
    body += ["", "", *_union("Event", [e.cls for e in model.events])]
    body += [
        '"""Every known event; narrow it with ``event["type"] == ...``."""',
        "",
        *_known(model),
        "",
        "",
        "def is_known(event: Event | UnknownEvent) -> TypeGuard[Event]:",
        '    """Whether ``event`` is one of the known events (then ``event["type"]`` narrows it)."""',
        '    return event["type"] in KNOWN_TYPES',
    ]
    src.typing |= {"TypedDict", "TypeAlias", "TypeGuard"}
    extra = (
        "\nA delivery of a type not listed here is an ``UnknownEvent``: check ``is_known(event)``\n"
        'first, then ``event["type"] == ...`` narrows to one event\'s TypedDict.'
    )
    head = _header("typeddict", False, model, extra)
    head += [f"from typing import {_imports(src.typing)}"]
    return "\n".join(head + body) + "\n"


def _struct_doc(model: Model, struct: Struct) -> str:
    for event in model.events:
        if event.data is struct:
            return f"The data of {event.name}."
    return "A nested object."


# -- msgspec -------------------------------------------------------------------------------


_MSGSPEC_RUNTIME = """

_AT = re.compile(r"(.*?)(?: - at `\\$(.*)`)?", re.DOTALL)
_STEP = re.compile(r"\\.([^.\\[]+)|\\[([0-9]+)\\]")
_MISSING = re.compile(r"Object missing required field `(.*)`")


def _pointer(path: str) -> str:
    parts = [m.group(1) if m.group(2) is None else m.group(2) for m in _STEP.finditer(path)]
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in parts)


class _Head(msgspec.Struct):
    type: Any = None


def _event_of(body: Body) -> str | None:
    try:
        kind = msgspec.json.decode(body, type=_Head).type
    except (msgspec.ValidationError, msgspec.DecodeError):
        return None
    return kind if isinstance(kind, str) else None


def _from_msgspec(error: msgspec.ValidationError, body: Body) -> ValidationError:
    match = _AT.fullmatch(str(error))
    reason, path = (match.group(1), match.group(2) or "") if match else (str(error), "")
    pointer = _pointer(path)
    missing = _MISSING.fullmatch(reason)
    if missing is not None:
        pointer += "/" + missing.group(1).replace("~", "~0").replace("/", "~1")
    return ValidationError(reason, event=_event_of(body), pointer=pointer)
"""


def render_msgspec(model: Model, *, shipped: bool = False) -> str:
    """msgspec Structs tagged by ``type``, plus ``decode()`` that validates exactly."""
    src = _Source(model, "msgspec", shipped)
    body: list[str] = []
    for struct in model.structs:
        body += ["", "", f"class {struct.name}(msgspec.Struct, kw_only=True, frozen=True):"]
        body += _doc(_struct_doc(model, struct), "    ")
        body += _struct_fields(src, struct.props)
    envelope = [p for p in _envelope_props(model, None) if p.key in {"id", "occurred_at"}]
    for event in model.events:
        src.typing |= {"ClassVar", "Literal"}
        body += [
            "",
            "",
            f"class {event.cls}(",
            f'    msgspec.Struct, tag_field="type", tag={_lit(event.name)}, kw_only=True, frozen=True',
            "):",
            *_doc(f"{event.name} ({event.stability}): {event.description}", "    "),
            "",
            f"    type: ClassVar[Literal[{_lit(event.name)}]] = {_lit(event.name)}",
            *_struct_fields(src, envelope)[1:],
            f"    data: {event.data.name}",
        ]
    src.typing.add("Any")
    body += [
        "",
        "",
        "class UnknownEvent(msgspec.Struct, kw_only=True, frozen=True):",
        '    """A delivery whose type this module does not know (a newer catalog, or webhook.test)."""',
        "",
        "    id: str",
        "    type: str",
        "    occurred_at: str",
        "    data: dict[str, Any]",
        "",
        "",
        'class _NoEvent(msgspec.Struct, tag_field="type", tag=""):',
        '    """Keeps the decoder a tagged union even for one event (its tag is never known)."""',
        "",
        "",
        *_union("Event", [e.cls for e in model.events]),
        '"""Every known event; narrow it with ``isinstance`` or ``match``."""',
        "",
        *_known(model),
    ]
    src.typing |= {"TypeAlias", "Union"}
    checks: list[str] = []
    for struct in model.structs:
        if struct.constrained():
            checks += src.struct_checks(struct)
    env_checks: list[str] = []
    for prop in _envelope_props(model, None)[:3]:
        env_checks += src.node_checks(
            prop.node, f"event.{prop.key}", _lit("/" + prop.key), "    ", 0
        )
    constrained = [e for e in model.events if e.data.constrained()]
    decode = [
        "",
        "",
        "_DECODER: msgspec.json.Decoder[Any] = msgspec.json.Decoder(",
        "    Union[(*_EVENTS, _NoEvent)]",
        ")",
        "_UNKNOWN: msgspec.json.Decoder[UnknownEvent] = msgspec.json.Decoder(UnknownEvent)",
        '_UNKNOWN_TAG = re.compile(r"Invalid value .* - at `\\$\\.type`", re.DOTALL)',
        "",
        "",
        "def _check_envelope(event: Event | UnknownEvent) -> None:",
        *(env_checks or ["    return"]),
        "",
        "",
        "def decode(body: Body) -> Event | UnknownEvent:",
        '    """Decode one delivery body (JSON) to its event\'s Struct, validating it exactly.',
        "",
        "    A type this module does not know decodes to ``UnknownEvent`` (its envelope is",
        "    still checked). Raises ``ValidationError`` with the JSON pointer of the problem.",
        '    """',
        "    try:",
        "        event = _DECODER.decode(body)",
        "    except msgspec.ValidationError as error:",
        "        if _UNKNOWN_TAG.fullmatch(str(error)) is None:",
        "            raise _from_msgspec(error, body) from None",
        "        event = _NoEvent()",
        "    except msgspec.DecodeError as error:",
        '        raise ValidationError(f"the body is not JSON: {error}", pointer="") from None',
        "    if isinstance(event, _NoEvent):",
        "        try:",
        "            unknown = _UNKNOWN.decode(body)",
        "        except msgspec.ValidationError as error:",
        "            raise _from_msgspec(error, body) from None",
        "        _checked(unknown)",
        "        return unknown",
        "    _checked(event)",
        "    result: Event = event",
        "    return result",
    ]
    checked = [
        "",
        "",
        "def _checked(event: Event | UnknownEvent) -> None:",
        '    """Run the checks a Struct type cannot carry (patterns, formats, bounds)."""',
        "    try:",
        "        _check_envelope(event)",
    ]
    for event in constrained:
        checked += [
            f"        if isinstance(event, {event.cls}):",
            f'            _check_{event.data.name}(event.data, "/data")',
        ]
    checked += [
        "    except ValidationError as error:",
        '        raise ValidationError(error.reason, event=event.type, pointer=error.pointer or "") from None',
    ]
    decode = checked + decode
    events_tuple = [
        "",
        "",
        f"_EVENTS: tuple[type[Any], ...] = ({', '.join(e.cls for e in model.events)},)",
    ]
    if shipped:
        error_lines = ["", "from conformance._errors import ValidationError"]
    else:
        error_lines = [
            "",
            "",
            "class ValidationError(ValueError):",
            '    """A delivery that does not match its schema; ``pointer`` locates the problem."""',
            "",
            "    def __init__(self, reason: str, *, pointer: str, event: str | None = None) -> None:",
            "        self.reason = reason",
            "        self.pointer = pointer",
            "        self.event = event",
            "        super().__init__(f\"{event or 'delivery'} at {pointer or '/'}: {reason}\")",
        ]
    invalid = [
        "",
        "",
        "def _invalid(reason: str, at: str) -> ValidationError:",
        "    return ValidationError(reason, pointer=at)",
    ]
    first = model.events[0].cls if model.events else "SomeEvent"
    extra = (
        "\n``decode(body)`` returns one of the event Structs below, or ``UnknownEvent``;\n"
        f"narrow with ``isinstance(event, {first})`` or ``match event: case {first}():``."
    )
    head = _header("msgspec", shipped, model, extra)
    head += ["import re", f"from typing import {_imports(src.typing)}", "", "import msgspec"]
    head += error_lines
    runtime = [
        "",
        "Body: TypeAlias = bytes | bytearray | memoryview | str",
        *_constants(src),
        _MSGSPEC_RUNTIME.rstrip("\n"),
    ]
    text = head + runtime + body + events_tuple + invalid + checks + decode
    return "\n".join(text) + "\n"


def _constants(src: _Source) -> list[str]:
    lines: list[str] = []
    for pattern, name in src.patterns.items():
        lines.append(f"{name} = re.compile({_lit(python_pattern(pattern))})")
    if src.date_time:
        lines += _DATE_TIME_CODE.rstrip("\n").split("\n")
    return lines


def _struct_fields(src: _Source, props: list[Prop]) -> list[str]:
    lines = [""] if props else []
    for prop in sorted(props, key=lambda p: not p.required):
        annotation = src.annotation(prop.node, "" if prop.required else "msgspec.UnsetType")
        rename = f", name={_lit(prop.key)}" if prop.key != prop.attr else ""
        if prop.required:
            default = f" = msgspec.field(name={_lit(prop.key)})" if rename else ""
            lines.append(f"    {prop.attr}: {annotation}{default}")
        else:
            lines.append(
                f"    {prop.attr}: {annotation} = "
                + (f"msgspec.field(default=msgspec.UNSET{rename})" if rename else "msgspec.UNSET")
            )
    return lines


# -- pydantic ------------------------------------------------------------------------------


def render_pydantic(model: Model) -> str:
    """TypedDicts validated by a strict pydantic ``TypeAdapter``: exact, unlike a
    ``BaseModel`` whose optional fields would need a ``None`` default."""
    src = _Source(model, "pydantic", shipped=False)
    body: list[str] = []
    config = "@pydantic.with_config(_CONFIG)"
    for struct in model.structs:
        body += [
            "",
            "",
            config,
            *_typeddict_class(src, struct.name, struct.props, _struct_doc(model, struct)),
        ]
    for event in model.events:
        doc = f"{event.name} ({event.stability}): {event.description}"
        body += [
            "",
            "",
            config,
            *_typeddict_class(src, event.cls, _envelope_props(model, event), doc),
        ]
    unknown_doc = (
        "A delivery whose type this module does not know (a newer catalog, or webhook.test)."
    )
    body += [
        "",
        "",
        config,
        *_typeddict_class(src, "UnknownEvent", _envelope_props(model, None), unknown_doc),
    ]
    body += ["", "", *_union("Event", [e.cls for e in model.events])]
    body += [
        '"""Every known event; narrow it with ``event["type"] == ...``."""',
        "",
        *_known(model),
    ]
    if len(model.events) > 1:
        adapter = 'pydantic.TypeAdapter(Annotated[Event, pydantic.Field(discriminator="type")])'
        src.typing.add("Annotated")
    else:
        adapter = "pydantic.TypeAdapter(Event)"
    body += [
        "",
        f"_ADAPTER: pydantic.TypeAdapter[Event] = {adapter}",
        "_UNKNOWN: pydantic.TypeAdapter[UnknownEvent] = pydantic.TypeAdapter(UnknownEvent)",
        "",
        "",
        "def _is_unknown_type(error: pydantic.ValidationError) -> bool:",
        "    errors = error.errors()",
        "    if len(errors) != 1:",
        "        return False",
        '    if errors[0]["type"] == "union_tag_invalid":',
        "        return True",
        '    return errors[0]["type"] == "literal_error" and errors[0]["loc"] == ("type",)',
        "",
        "",
        "def decode(body: bytes | bytearray | str) -> Event | UnknownEvent:",
        '    """Validate one delivery body (JSON) and return it as its event\'s TypedDict.',
        "",
        "    A type this module does not know is validated as ``UnknownEvent``. Raises",
        "    ``pydantic.ValidationError``; ``error_pointer`` turns its errors into JSON pointers.",
        '    """',
        "    try:",
        "        return _ADAPTER.validate_json(body)",
        "    except pydantic.ValidationError as error:",
        "        if not _is_unknown_type(error):",
        "            raise",
        "    return _UNKNOWN.validate_json(body)",
        "",
        "",
        "def error_pointer(error: ErrorDetails) -> str:",
        '    """The JSON pointer of one of ``pydantic.ValidationError.errors()``."""',
        '    loc = list(error["loc"])',
        "    if loc and isinstance(loc[0], str) and loc[0] in KNOWN_TYPES:",
        "        loc = loc[1:]  # the discriminated union's tag, not a place in the document",
        '    if error["type"] == "union_tag_not_found":',
        '        loc.append("type")',
        '    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in loc)',
    ]
    src.typing |= {"TypedDict", "TypeAlias"}
    extra = (
        "\nNeeds pydantic 2 at run time. Each class is a TypedDict validated strictly (no\n"
        "coercion; a key the schema makes optional may be absent but is never ``None``\n"
        "unless the schema allows null). ``decode(body)`` returns the event's dict."
    )
    head = _header("pydantic", False, model, extra)
    stdlib = ["import math"] if src.number else []
    if src.patterns or src.date_time:
        stdlib.append("import re")
    head += stdlib
    # pydantic reads TypedDicts from typing_extensions before Python 3.12.
    extensions = src.typing & {"TypedDict"}
    if src.number:
        src.typing.add("Annotated")
    head += [f"from typing import {_imports(src.typing - extensions)}", ""]
    head += [
        "import pydantic",
        "from pydantic_core import ErrorDetails",
        f"from typing_extensions import {_imports(extensions)}",
        "",
        "_CONFIG = pydantic.ConfigDict(strict=True, allow_inf_nan=False)",
        *_constants(src),
    ]
    if src.number:
        head += [
            "",
            "",
            "def _number(value: object) -> int | float:",
            "    if isinstance(value, bool) or not isinstance(value, (int, float)):",
            '        raise ValueError("is not a number")',
            "    if isinstance(value, float) and not math.isfinite(value):",
            '        raise ValueError("is not a finite number")',
            "    return value",
            "",
            "",
            "Number: TypeAlias = Annotated[int | float, pydantic.PlainValidator(_number)]",
            '"""A JSON number: an int or a float, never a bool (one validator, not a union)."""',
        ]
    for function in src.validators:
        head += ["", "", *function.split("\n")]
    return "\n".join(head + body) + "\n"


# -- dataclasses -----------------------------------------------------------------------------


def _convert(node: Node, value: str) -> str | None:
    """An expression turning decoded JSON ``value`` into ``node``'s dataclass value, or
    None when it stays as it is."""
    inner: str | None = None
    if node.struct is not None:
        inner = f"{node.struct.name}.from_dict({value})"
    elif node.item is not None:
        item = _convert(node.item, "x")
        if item is not None:
            inner = f"[{item} for x in {value}]"
    if inner is None:
        return None
    return f"None if {value} is None else {inner}" if node.nullable else inner


def _dataclass(
    src: _Source, name: str, props: list[Prop], doc: str, event: str | None
) -> list[str]:
    lines = ["@dataclass(frozen=True, kw_only=True)", f"class {name}:", *_doc(doc, "    "), ""]
    build: list[str] = []
    for prop in props:
        annotation = src.annotation(prop.node, "" if prop.required else "Missing")
        if prop.key == "type" and event is not None:
            lines.append(f"    type: Literal[{_lit(event)}] = {_lit(event)}")
            continue
        if prop.required:
            lines.append(f"    {prop.attr}: {annotation}")
            value = f"data[{_lit(prop.key)}]"
            value = _convert(prop.node, value) or value
        else:
            lines.append(f"    {prop.attr}: {annotation} = MISSING")
            convert = _convert(prop.node, "v")
            if convert is not None and prop.node.struct is not None and not prop.node.nullable:
                convert = f"{prop.node.struct.name}.from_dict"
            elif convert is not None:
                convert = f"lambda v: {convert}"
            value = f"_get(data, {_lit(prop.key)}" + (f", {convert})" if convert else ")")
        build.append(f"            {prop.attr}={value},")
    if not props:
        lines.pop()
    lines += [
        "",
        "    @classmethod",
        "    def from_dict(cls, data: Mapping[str, Any]) -> Self:",
        '        """Build from decoded JSON (not validated: validate it first)."""',
        "        return cls(",
        *build,
        "        )",
    ]
    return lines


def render_dataclasses(model: Model) -> str:
    """Frozen dataclasses with ``from_dict``; an absent optional field is ``MISSING``."""
    src = _Source(model, "dataclasses", shipped=False)
    src.typing |= {"Any", "Self", "TypeAlias", "Literal"}
    body: list[str] = []
    for struct in model.structs:
        body += [
            "",
            "",
            *_dataclass(src, struct.name, struct.props, _struct_doc(model, struct), None),
        ]
    for event in model.events:
        doc = f"{event.name} ({event.stability}): {event.description}"
        body += [
            "",
            "",
            *_dataclass(src, event.cls, _envelope_props(model, event), doc, event.name),
        ]
    unknown_doc = (
        "A delivery whose type this module does not know (a newer catalog, or webhook.test)."
    )
    body += [
        "",
        "",
        *_dataclass(src, "UnknownEvent", _envelope_props(model, None), unknown_doc, None),
    ]
    body += ["", "", *_union("Event", [e.cls for e in model.events])]
    body += [
        '"""Every known event; narrow it with ``isinstance`` or ``event.type == ...``."""',
        "",
        "_CLASSES: dict[str, type[Event]] = {",
        *(f"    {_lit(e.name)}: {e.cls}," for e in model.events),
        "}",
        "",
        "",
        "def from_dict(data: Mapping[str, Any]) -> Event | UnknownEvent:",
        '    """The dataclass for one decoded delivery (not validated: validate it first)."""',
        '    cls = _CLASSES.get(data["type"])',
        "    return UnknownEvent.from_dict(data) if cls is None else cls.from_dict(data)",
    ]
    extra = (
        "\nThese classes describe; they do not validate. ``from_dict`` trusts its input: validate\n"
        "deliveries first (for example with ``conformance.DeliveryValidator``)."
    )
    head = _header("dataclasses", False, model, extra)
    head += [
        "import enum",
        "from collections.abc import Callable, Mapping",
        "from dataclasses import dataclass",
        f"from typing import {_imports(src.typing | {'Final'})}",
        "",
        "",
        "class Missing(enum.Enum):",
        '    """The type of ``MISSING``: an optional field that was absent."""',
        "",
        '    MISSING = "MISSING"',
        "",
        "",
        "MISSING: Final = Missing.MISSING",
        "",
        "",
        "def _get(",
        "    data: Mapping[str, Any], key: str, convert: Callable[[Any], Any] | None = None",
        ") -> Any:",
        "    if key not in data:",
        "        return MISSING",
        "    return data[key] if convert is None else convert(data[key])",
    ]
    return "\n".join(head + body) + "\n"


def render(model: Model, style: str, *, shipped: bool = False) -> str:
    """The module text for ``style`` (one of :data:`STYLES`)."""
    if style == "typeddict":
        return render_typeddict(model)
    if style == "msgspec":
        return render_msgspec(model, shipped=shipped)
    if style == "pydantic":
        return render_pydantic(model)
    if style == "dataclasses":
        return render_dataclasses(model)
    raise ValueError(style)
