"""Typed payload code from the catalog: TypedDicts, msgspec Structs, pydantic-validated
TypedDicts and dataclasses, and the shipped ``conformance.types`` and
``conformance.models`` modules (generated here, never edited by hand)."""

from __future__ import annotations

from pathlib import Path

from .._catalog import Catalog
from .._errors import UsageError
from ._ir import FORMATS, Model, build, class_name
from ._render import STYLES, render

#: shipped module file name -> (style, shipped flag)
SHIPPED: dict[str, tuple[str, bool]] = {
    "types.py": ("typeddict", False),
    "models.py": ("msgspec", True),
}


def generate(catalog: Catalog, style: str) -> str:
    """Python source for every event of ``catalog`` in ``style`` (see :data:`STYLES`).

    Raises ``UsageError`` for an unknown style and ``CatalogError`` for a schema the
    generator cannot translate exactly.
    """
    if style not in STYLES:
        raise UsageError(f"unknown codegen style {style!r}; choose one of {', '.join(STYLES)}")
    return render(build(catalog), style)


def shipped_sources(catalog: Catalog) -> dict[str, str]:
    """The text of each shipped module (file name -> source) for ``catalog``."""
    model = build(catalog)
    return {name: render(model, style, shipped=flag) for name, (style, flag) in SHIPPED.items()}


def write_shipped(catalog: Catalog, package_dir: Path) -> list[Path]:
    """Regenerate the shipped modules into ``package_dir``; return the files written."""
    written: list[Path] = []
    for name, text in shipped_sources(catalog).items():
        path = package_dir / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def package_dir() -> Path:
    """The ``conformance`` package folder (where the shipped modules live)."""
    return Path(__file__).resolve().parent.parent


__all__ = [
    "FORMATS",
    "SHIPPED",
    "STYLES",
    "Model",
    "build",
    "class_name",
    "generate",
    "package_dir",
    "shipped_sources",
    "write_shipped",
]
