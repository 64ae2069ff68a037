"""The one Hypothesis settings builder every search of ours runs under.

The fallback probe, the handler fuzzer, receiver fuzzing, ``send``'s sample draws and
the pytest plugin's items all drive Hypothesis; they differ only in the number of
examples, the phases and whether the user's active profile is the base. Health checks
are suppressed everywhere: they judge our strategies, which are ours to keep healthy,
and a user can do nothing about them. Hypothesis' deadline is off everywhere: handlers
and receivers are timed by our own limits, which report a hang as a finding.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hypothesis import HealthCheck, Phase, Verbosity, settings

#: Generation only: draws for a probe or for sample payloads, nothing to shrink.
GENERATE = (Phase.generate,)
#: A search for failures: replay explicit examples, generate, then shrink what fails.
SEARCH = (Phase.explicit, Phase.generate, Phase.shrink)


def search_settings(
    *,
    max_examples: int | None = None,
    phases: Iterable[Phase] | None = GENERATE,
    profile: bool = False,
    **overrides: Any,
) -> settings:
    """Hypothesis settings for one of our searches.

    Standalone (the default): no example database, not derandomized (a seed makes a
    run repeatable), quiet, no reproduction blob (we print our own replay command).
    With ``profile=True`` the active profile is the base instead, so a pytest user's
    database, derandomization and example count still apply; ``phases=None`` then
    keeps the profile's phases minus ``explain`` (it reruns the code under test
    hundreds of times to annotate a report we replace with our own).
    """
    values: dict[str, Any] = {
        "deadline": None,
        "suppress_health_check": list(HealthCheck),
    }
    if profile:
        chosen = settings().phases if phases is None else tuple(phases)
        values["phases"] = [p for p in chosen if p is not Phase.explain]
    else:
        values.update(
            database=None,
            derandomize=False,
            verbosity=Verbosity.quiet,
            print_blob=False,
            phases=list(GENERATE if phases is None else phases),
        )
    if max_examples is not None:
        values["max_examples"] = max_examples
    values.update(overrides)
    return settings(**values)


def active_profile() -> settings:
    """The settings of the active Hypothesis profile (what a user's pytest run uses)."""
    return settings()
