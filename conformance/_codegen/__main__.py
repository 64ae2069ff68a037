"""``python -m conformance._codegen``: regenerate the shipped typed modules from the
packaged catalog (what ``catalog import`` does after writing the schemas)."""

from __future__ import annotations

from .._catalog import load_catalog
from . import package_dir, write_shipped

if __name__ == "__main__":
    for path in write_shipped(load_catalog(), package_dir()):
        print(f"wrote {path}")
