"""The compatibility checker: is a new schema safe for consumers of the old one?

Private package; the public names are re-exported from :mod:`conformance`.
"""

from ._check import CompatReport, Finding, as_side, check_compatibility
from ._rules import DEFAULT_POLICY, POLICIES, RULES, Policy, Rule, Severity
from ._sources import EventSchema, Side, load_side, resolve_ref
from ._waivers import Waiver, load_waivers
from ._witness import Witness

__all__ = [
    "DEFAULT_POLICY",
    "POLICIES",
    "RULES",
    "CompatReport",
    "EventSchema",
    "Finding",
    "Policy",
    "Rule",
    "Severity",
    "Side",
    "Waiver",
    "Witness",
    "as_side",
    "check_compatibility",
    "load_side",
    "load_waivers",
    "resolve_ref",
]
