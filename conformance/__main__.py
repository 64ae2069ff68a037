"""``python -m conformance``: the same as the ``casedev-conformance`` command."""

import sys

from ._cli import main

sys.exit(main())
