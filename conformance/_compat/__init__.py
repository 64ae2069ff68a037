"""The compatibility gate and release reports: is a new schema safe for consumers of the
old one, and what changed between versions?

Private package; the public names are re-exported from :mod:`conformance`.
"""

from ._check import CompatReport, Finding, as_side, check_compatibility
from ._formats import render, render_rules, render_rules_markdown, verdict_line
from ._history import check_against_tags
from ._release import RENDERERS, ReleaseReport, history_report, release_report
from ._rules import DEFAULT_POLICY, POLICIES, RULES, Policy, Rule, Severity
from ._sources import EventSchema, Side, load_side, resolve_ref
from ._waivers import Waiver, load_waivers
from ._witness import Witness

__all__ = [
    "DEFAULT_POLICY",
    "POLICIES",
    "RENDERERS",
    "RULES",
    "CompatReport",
    "EventSchema",
    "Finding",
    "Policy",
    "ReleaseReport",
    "Rule",
    "Severity",
    "Side",
    "Waiver",
    "Witness",
    "as_side",
    "check_against_tags",
    "check_compatibility",
    "history_report",
    "load_side",
    "load_waivers",
    "release_report",
    "render",
    "render_rules",
    "render_rules_markdown",
    "resolve_ref",
    "verdict_line",
]
