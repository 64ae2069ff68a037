"""Prove that every instance one schema accepts, another accepts too (A ⊆ B).

The prover is sound and incomplete: ``subset`` returns True only when A ⊆ B holds for
every JSON instance; False means "not proven" and records the keyword and pointer it got
stuck on (``stuck``), for an "undecided" verdict when no witness is found either.

Schemas are draft 2020-12 (see ``_dialect.restate``) and travel with the
``referencing`` resolver of their scope, so ``$ref`` (recursive ones included) resolves
where it was written. The rules, one per keyword family:

- conjunctions: ``allOf`` and ``$ref`` on either side are flattened into conjuncts; A ⊆
  B holds when A ⊆ every conjunct of B. ``anyOf``/``oneOf`` in A split A into branches,
  each must fit; ``if/then/else`` in A is over-approximated by its two outcomes.
- ``anyOf`` in B: A (split per JSON type) fits one branch. ``oneOf`` in B: A fits one
  branch and is disjoint from the others. ``not`` N in B: A and N are disjoint.
  ``if/then/else`` in B: same condition on both sides, or A decides the condition.
- finite A (``enum``/``const``, ``null``/``boolean``): every value is checked by
  python-jsonschema against B directly.
- objects: for every key either side names, A's schema for it (property, matching
  ``patternProperties``, else ``additionalProperties``) fits B's; keys neither names
  compare A's patterns and additional schema with B's; ``propertyNames``, ``required``,
  ``dependentRequired``, ``dependentSchemas``, min/max properties.
- arrays: position by position over ``prefixItems``/``items``, then the tail;
  ``contains``/``minContains``/``maxContains``, sizes, ``uniqueItems``.
- ``unevaluated*``: with no in-place applicator beside it, the same as
  ``additionalProperties``/``items``; otherwise dropped from A (A only grows, so the
  proof stays sound) and read as ``additional*`` in B (B only shrinks).
- recursion: a pair already being proved is assumed (co-induction, sound for finite
  JSON documents because every cycle passes through a property or an item).
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

from referencing._core import Resolver
from referencing.exceptions import Unresolvable

_ALL = frozenset({"null", "boolean", "object", "array", "string", "number"})
_APPLICATORS = ("$ref", "$dynamicRef", "allOf", "anyOf", "oneOf", "if", "dependentSchemas")
_UNSUPPORTED = ("$dynamicRef", "$recursiveRef")
_BUDGET = 20_000
_SKIP = frozenset(
    {"$ref", "allOf", "$defs", "definitions", "$id", "$schema", "$anchor", "$dynamicAnchor"}
)

Conj = list[tuple[dict[str, Any], Resolver[Any]]]


class _Empty(Exception):
    """A conjunct is ``false``: the schema accepts nothing."""


def as_dict(value: Any) -> dict[str, Any]:
    """``value`` if it is a JSON object, else an empty one (malformed keywords are ignored)."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    """``value`` if it is a JSON array, else an empty one."""
    return value if isinstance(value, list) else []


def types_of(schema: dict[str, Any]) -> frozenset[str]:
    """The JSON types ``schema``'s ``type`` admits (``integer`` for integer-only numbers)."""
    declared = schema.get("type")
    if declared is None:
        return _ALL
    names = {declared} if isinstance(declared, str) else set(declared)
    return frozenset(names)


def _meet(a: frozenset[str], b: frozenset[str]) -> frozenset[str]:
    out = set((a & b) - {"number", "integer"})
    if "number" in a and "number" in b:
        out.add("number")
    elif ("integer" in a and b & {"integer", "number"}) or ("integer" in b and "number" in a):
        out.add("integer")
    return frozenset(out)


def _covered(t: str, types: frozenset[str]) -> bool:
    return t in types or (t == "integer" and "number" in types)


def _num(value: Any) -> Fraction:
    return Fraction(str(value)) if isinstance(value, float) else Fraction(value)


def _is_num(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def pattern_matches(pattern: str, name: str) -> bool | None:
    """Whether ``name`` matches ``pattern`` (None when Python cannot read the pattern)."""
    try:
        return re.search(pattern, name) is not None
    except re.error:
        return None


class Prover:
    """Decide A ⊆ B where that is decidable with reasonable effort (sound, incomplete)."""

    def __init__(self, budget: int = _BUDGET) -> None:
        self.budget = budget
        self.steps = 0
        self.stuck: tuple[str, str] | None = None
        self._assumed: set[tuple[tuple[int, ...], int]] = set()
        self._owns: dict[tuple[int, str], dict[str, Any]] = {}
        self._keep: list[Any] = []  # keeps ids in ``_owns`` from being reused
        self._texts: dict[int, bytes] = {}

    # -- entry points ------------------------------------------------------------------

    def subset(self, a: Any, ra: Resolver[Any], b: Any, rb: Resolver[Any]) -> bool:
        """True when every instance valid under ``a`` is valid under ``b`` (proven)."""
        self.stuck = None
        self.steps = 0
        try:
            return self._sub(a, ra, b, rb, ())
        except RecursionError:
            return self._fail("depth", ())

    # -- helpers -----------------------------------------------------------------------

    def _text(self, node: dict[str, Any]) -> bytes:
        text = self._texts.get(id(node))
        if text is None:
            import orjson

            text = orjson.dumps(node, option=orjson.OPT_SORT_KEYS)
            self._texts[id(node)] = text
        return text

    def _fail(self, keyword: str, path: tuple[str, ...]) -> bool:
        if self.stuck is None:
            self.stuck = (
                keyword,
                "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in path),
            )
        return False

    def conj(
        self, node: Any, resolver: Resolver[Any], side: str, _seen: frozenset[str] = frozenset()
    ) -> Conj:
        """``node`` as a list of conjuncts without ``$ref``/``allOf`` (raises ``_Empty``)."""
        if node is True:
            return []
        if node is False:
            raise _Empty
        if not isinstance(node, dict):
            return []
        cached = self._owns.get((id(node), side))
        if cached is not None:
            own = cached
        else:
            own = self._own(node, side)
            self._owns[(id(node), side)] = own
            self._keep.append(node)
        if isinstance(node.get("$id"), str):
            resolver = resolver.in_subresource(_resource(node))
        out: Conj = [(own, resolver)] if own else []
        ref = node.get("$ref")
        if isinstance(ref, str):
            try:
                resolved = resolver.lookup(ref)
            except Unresolvable:
                raise _Stuck("$ref") from None
            key = f"{id(resolved.contents)}"
            if key not in _seen:
                out.extend(self.conj(resolved.contents, resolved.resolver, side, _seen | {key}))
        for sub in node.get("allOf", ()) if isinstance(node.get("allOf"), list) else ():
            out.extend(self.conj(sub, resolver, side, _seen))
        return out

    def _own(self, node: dict[str, Any], side: str) -> dict[str, Any]:
        """``node``'s own keywords (no ``$ref``/``allOf``), ``unevaluated*`` read per side."""
        own = {k: v for k, v in node.items() if k not in _SKIP}
        in_place = any(k in node for k in _APPLICATORS)
        if "unevaluatedProperties" in own:
            extra = own.pop("unevaluatedProperties")
            if "additionalProperties" not in own and (side == "b" or not in_place):
                own["additionalProperties"] = extra
        if "unevaluatedItems" in own:
            extra = own.pop("unevaluatedItems")
            exact = not in_place and "contains" not in own
            if "items" not in own and (side == "b" or exact):
                own["items"] = extra
        return own

    def _sub(
        self, a: Any, ra: Resolver[Any], b: Any, rb: Resolver[Any], path: tuple[str, ...]
    ) -> bool:
        try:
            left = self.conj(a, ra, "a")
        except _Empty:
            return True
        except _Stuck as exc:
            return self._fail(exc.keyword, path)
        return self._sub_conj(left, b, rb, path)

    def _sub_conj(self, left: Conj, b: Any, rb: Resolver[Any], path: tuple[str, ...]) -> bool:
        try:
            right = self.conj(b, rb, "b")
        except _Empty:
            return self._empty(left) or self._fail("false", path)
        except _Stuck as exc:
            return self._fail(exc.keyword, path)
        return all(self._one(left, node, r, path) for node, r in right)

    def _empty(self, left: Conj) -> bool:
        types = _ALL
        for node, _ in left:
            types = _meet(types, types_of(node))
        if not types:
            return True
        return any(isinstance(n.get("enum"), list) and not n["enum"] for n, _ in left)

    def _one(self, left: Conj, b: dict[str, Any], rb: Resolver[Any], path: tuple[str, ...]) -> bool:
        """∧left ⊆ b, where ``b`` has no ``$ref``/``allOf``."""
        self.steps += 1
        if self.steps > self.budget:
            return self._fail("budget", path)
        if not b:
            return True
        key = (tuple(sorted(id(n) for n, _ in left)), id(b))
        if key in self._assumed:
            return True
        if (
            len(left) == 1
            and self._text(left[0][0]) == self._text(b)
            and b"$ref" not in self._text(b)
        ):
            return True
        self._assumed.add(key)
        try:
            return self._one_inner(left, b, rb, path)
        except _Stuck as exc:
            return self._fail(exc.keyword, path)
        finally:
            self._assumed.discard(key)

    def _one_inner(
        self, left: Conj, b: dict[str, Any], rb: Resolver[Any], path: tuple[str, ...]
    ) -> bool:
        for keyword in _UNSUPPORTED:
            if keyword in b:
                return self._fail(keyword, path)
        if any(k in b for k in _UNSUPPORTED) or any(k in n for n, _ in left for k in _UNSUPPORTED):
            return self._fail("$dynamicRef", path)
        # A with branches: every branch must fit.
        for index, (node, r) in enumerate(left):
            for keyword in ("anyOf", "oneOf"):
                if isinstance(node.get(keyword), list):
                    rest = {k: v for k, v in node.items() if k != keyword}
                    others = left[:index] + ([(rest, r)] if rest else []) + left[index + 1 :]
                    for branch in node[keyword]:
                        try:
                            extra = self.conj(branch, r, "a")
                        except _Empty:
                            continue
                        except _Stuck as exc:
                            return self._fail(exc.keyword, path)
                        if not self._one(others + extra, b, rb, path):
                            return False
                    return True
            if "if" in node or "then" in node or "else" in node:
                rest = {k: v for k, v in node.items() if k not in ("if", "then", "else")}
                others = left[:index] + ([(rest, r)] if rest else []) + left[index + 1 :]
                if "if" in node and "if" in b and _same(node["if"], b["if"]):
                    b_rest = {k: v for k, v in b.items() if k not in ("if", "then", "else")}
                    return (
                        self._sub_conj(
                            others + self._safe(node.get("then", True), r),
                            b.get("then", True),
                            rb,
                            path,
                        )
                        and self._sub_conj(
                            others + self._safe(node.get("else", True), r),
                            b.get("else", True),
                            rb,
                            path,
                        )
                        and self._one(left, b_rest, rb, path)
                    )
                outcomes = (
                    [node.get("then", True), node.get("else", True)] if "if" in node else [True]
                )
                return all(self._sub_conj(others + self._safe(o, r), b, rb, path) for o in outcomes)
        ta = _ALL
        for node, _ in left:
            ta = _meet(ta, types_of(node))
        if not ta or any(isinstance(n.get("enum"), list) and not n["enum"] for n, _ in left):
            return True
        values = self._finite(left, ta)
        if values is not None:
            return all(self._valid(v, b, rb) for v in values) or self._fail(_first(b), path)
        # B's combinators.
        if "anyOf" in b or "oneOf" in b:
            if len(ta) > 1:
                return all(self._one([*left, ({"type": t}, rb)], b, rb, path) for t in sorted(ta))
            return self._branches(left, b, rb, path)
        if "not" in b:
            rest = {k: v for k, v in b.items() if k != "not"}
            return (
                self._disjoint_any(left, b["not"], rb) and self._one(left, rest, rb, path)
            ) or self._fail("not", path)
        if "if" in b:
            rest = {k: v for k, v in b.items() if k not in ("if", "then", "else")}
            then, other = b.get("then", True), b.get("else", True)
            ok = (
                (self._quiet(left, b["if"], rb) and self._sub_conj(left, then, rb, path))
                or (self._disjoint_any(left, b["if"], rb) and self._sub_conj(left, other, rb, path))
                or (self._sub_conj(left, then, rb, path) and self._sub_conj(left, other, rb, path))
            )
            return (ok or self._fail("if", path)) and self._one(left, rest, rb, path)
        if "then" in b or "else" in b:
            b = {k: v for k, v in b.items() if k not in ("then", "else")}
        tb = types_of(b)
        for t in ta:
            if not _covered(t, tb) and not (
                t == "number" and "integer" in tb and self._integral(left)
            ):
                return self._fail("type", path)
        if "enum" in b or "const" in b:
            return self._fail("const" if "const" in b else "enum", path)
        checks = (
            ("number", self._numbers),
            ("integer", self._numbers),
            ("string", self._strings),
            ("array", self._arrays),
            ("object", self._objects),
        )
        done: set[str] = set()
        for t, check in checks:
            if t in ta and check.__name__ not in done:
                done.add(check.__name__)
                if not check(left, b, rb, path):
                    return False
        return True

    def _safe(self, node: Any, r: Resolver[Any]) -> Conj:
        try:
            return self.conj(node, r, "a")
        except (_Empty, _Stuck):
            return [({"not": {}}, r)] if node is False else [({}, r)]

    def _quiet(self, left: Conj, b: Any, rb: Resolver[Any]) -> bool:
        """``_sub_conj`` without recording where it got stuck (a tentative proof)."""
        saved = self.stuck
        ok = self._sub_conj(left, b, rb, ())
        self.stuck = saved
        return ok

    def _branches(
        self, left: Conj, b: dict[str, Any], rb: Resolver[Any], path: tuple[str, ...]
    ) -> bool:
        rest = {k: v for k, v in b.items() if k not in ("anyOf", "oneOf")}
        if rest and not self._one(left, rest, rb, path):
            return False
        if isinstance(b.get("anyOf"), list) and not any(
            self._quiet(left, br, rb) for br in b["anyOf"]
        ):
            return self._fail("anyOf", path)
        if isinstance(b.get("oneOf"), list):
            branches = b["oneOf"]
            for index, branch in enumerate(branches):
                if self._quiet(left, branch, rb) and all(
                    self._disjoint_any(left, other, rb)
                    for j, other in enumerate(branches)
                    if j != index
                ):
                    return True
            return self._fail("oneOf", path)
        return True

    def _finite(self, left: Conj, ta: frozenset[str]) -> list[Any] | None:
        for node, _ in left:
            if "const" in node:
                candidates = [node["const"]]
                break
            if isinstance(node.get("enum"), list):
                candidates = list(node["enum"])
                break
        else:
            if ta <= {"null", "boolean"}:
                candidates = [
                    v for t, v in (("null", None), ("boolean", True), ("boolean", False)) if t in ta
                ]
            else:
                return None
        return [v for v in candidates if all(self._valid(v, n, r) for n, r in left)]

    def _valid(self, value: Any, schema: Any, resolver: Resolver[Any]) -> bool:
        return bool(_validator(schema, resolver).is_valid(value))

    def _integral(self, left: Conj) -> bool:
        for node, _ in left:
            step = node.get("multipleOf")
            if _is_num(step) and _num(step).denominator == 1:
                return True
        return False

    # -- disjointness ----------------------------------------------------------------------

    def _disjoint_any(self, left: Conj, n: Any, rn: Resolver[Any]) -> bool:
        """True when no instance is valid under both ∧left and ``n`` (proven)."""
        try:
            right = self.conj(n, rn, "a")
        except _Empty:
            return True
        except _Stuck:
            return False
        if not right:
            return self._empty(left)
        for node, r in right:
            if self._disjoint(left, node, r):
                return True
            for keyword in ("anyOf", "oneOf"):
                if isinstance(node.get(keyword), list) and all(
                    self._disjoint_any(left, br, r) for br in node[keyword]
                ):
                    return True
            if "not" in node and self._quiet(left, node["not"], r):
                return True
        return any("not" in node and self._quiet(right, node["not"], r) for node, r in left)

    def _disjoint(self, left: Conj, n: dict[str, Any], rn: Resolver[Any]) -> bool:
        ta = _ALL
        for node, _ in left:
            ta = _meet(ta, types_of(node))
        both = _meet(ta, types_of(n))
        if not both:
            return True
        values = self._finite(left, ta)
        if values is not None:
            return not any(self._valid(v, n, rn) for v in values)
        if "const" in n or isinstance(n.get("enum"), list):
            theirs = [n["const"]] if "const" in n else n["enum"]
            return not any(all(self._valid(v, m, r) for m, r in left) for v in theirs)
        if both == {"object"}:
            for key in n.get("required", ()) if isinstance(n.get("required"), list) else ():
                mine = self._key_schemas(left, key)
                if any(s is False for s, _ in mine):
                    return True
                required = any(key in (m.get("required") or ()) for m, _ in left)
                theirs_key = _key_schema(n, key)
                if (
                    required
                    and theirs_key is not None
                    and self._disjoint_any(
                        [c for s, r in mine for c in self._safe(s, r)], theirs_key, rn
                    )
                ):
                    return True
        if both <= {"number", "integer"}:
            low, high = self._bounds(left)
            nlow, nhigh = self._bounds([(n, rn)])
            if (
                high is not None
                and nlow is not None
                and (high[0] < nlow[0] or (high[0] == nlow[0] and (high[1] or nlow[1])))
            ):
                return True
            if (
                low is not None
                and nhigh is not None
                and (nhigh[0] < low[0] or (nhigh[0] == low[0] and (nhigh[1] or low[1])))
            ):
                return True
        return False

    # -- numbers ---------------------------------------------------------------------------

    def _bounds(
        self, left: Conj
    ) -> tuple[tuple[Fraction, bool] | None, tuple[Fraction, bool] | None]:
        low: tuple[Fraction, bool] | None = None
        high: tuple[Fraction, bool] | None = None
        for node, _ in left:
            for key, exclusive in (("minimum", False), ("exclusiveMinimum", True)):
                if _is_num(node.get(key)):
                    cand = (_num(node[key]), exclusive)
                    if low is None or cand[0] > low[0] or (cand[0] == low[0] and exclusive):
                        low = cand
            for key, exclusive in (("maximum", False), ("exclusiveMaximum", True)):
                if _is_num(node.get(key)):
                    cand = (_num(node[key]), exclusive)
                    if high is None or cand[0] < high[0] or (cand[0] == high[0] and exclusive):
                        high = cand
        return low, high

    def _numbers(
        self, left: Conj, b: dict[str, Any], rb: Resolver[Any], path: tuple[str, ...]
    ) -> bool:
        low, high = self._bounds(left)
        ta = _ALL
        for node, _ in left:
            ta = _meet(ta, types_of(node))
        integer = "integer" in ta and "number" not in ta
        for key, exclusive in (("minimum", False), ("exclusiveMinimum", True)):
            if _is_num(b.get(key)):
                bound = _num(b[key])
                if low is None:
                    return self._fail(key, path)
                ok = low[0] > bound or (low[0] == bound and (low[1] or not exclusive))
                if not ok:
                    return self._fail(key, path)
        for key, exclusive in (("maximum", False), ("exclusiveMaximum", True)):
            if _is_num(b.get(key)):
                bound = _num(b[key])
                if high is None:
                    return self._fail(key, path)
                ok = high[0] < bound or (high[0] == bound and (high[1] or not exclusive))
                if not ok:
                    return self._fail(key, path)
        if _is_num(b.get("multipleOf")):
            step = _num(b["multipleOf"])
            steps = [_num(n["multipleOf"]) for n, _ in left if _is_num(n.get("multipleOf"))]
            ok = any((s / step).denominator == 1 for s in steps)
            if not ok and (1 / step).denominator == 1:
                ok = integer or any(s.denominator == 1 for s in steps)
            if not ok:
                return self._fail("multipleOf", path)
        return True

    # -- strings ---------------------------------------------------------------------------

    def _strings(
        self, left: Conj, b: dict[str, Any], rb: Resolver[Any], path: tuple[str, ...]
    ) -> bool:
        if _is_num(b.get("minLength")) and b["minLength"] > 0:
            have = max((n["minLength"] for n, _ in left if _is_num(n.get("minLength"))), default=0)
            if have < b["minLength"]:
                return self._fail("minLength", path)
        if _is_num(b.get("maxLength")):
            have = min(
                (n["maxLength"] for n, _ in left if _is_num(n.get("maxLength"))), default=None
            )
            if have is None or have > b["maxLength"]:
                return self._fail("maxLength", path)
        if isinstance(b.get("pattern"), str) and not any(
            n.get("pattern") == b["pattern"] for n, _ in left
        ):
            return self._fail("pattern", path)
        fmt = b.get("format")
        if (
            isinstance(fmt, str)
            and fmt in _format_names()
            and not any(n.get("format") == fmt for n, _ in left)
        ):
            return self._fail("format", path)
        return True

    # -- arrays ----------------------------------------------------------------------------

    def _arrays(
        self, left: Conj, b: dict[str, Any], rb: Resolver[Any], path: tuple[str, ...]
    ) -> bool:
        low = max((n["minItems"] for n, _ in left if _is_num(n.get("minItems"))), default=0)
        highs = [n["maxItems"] for n, _ in left if _is_num(n.get("maxItems"))]
        for node, _ in left:
            if node.get("items") is False:
                highs.append(len(node.get("prefixItems") or ()))
        high = min(highs) if highs else None
        prefix_b = as_list(b.get("prefixItems"))
        tail_b = b.get("items", True)
        width = max([len(prefix_b), *(len(n.get("prefixItems") or ()) for n, _ in left)])

        def at(index: int) -> Conj:
            out: Conj = []
            for node, r in left:
                prefix = node.get("prefixItems") or []
                if index < len(prefix):
                    out.extend(self._safe(prefix[index], r))
                elif "items" in node:
                    out.extend(self._safe(node["items"], r))
            return out

        def tail() -> Conj:
            out: Conj = []
            for node, r in left:
                if "items" in node:
                    out.extend(self._safe(node["items"], r))
            return out

        reachable = True
        for index in range(width):
            if high is not None and index >= high:
                reachable = False
                break
            here = at(index)
            target = prefix_b[index] if index < len(prefix_b) else tail_b
            if target is not True and not self._sub_conj(here, target, rb, (*path, str(index))):
                return False
        open_tail = reachable and (high is None or high > width) and tail_b is not True
        if open_tail and not self._sub_conj(tail(), tail_b, rb, (*path, "*")):
            return False
        if _is_num(b.get("minItems")) and low < b["minItems"]:
            return self._fail("minItems", path)
        if _is_num(b.get("maxItems")) and (high is None or high > b["maxItems"]):
            return self._fail("maxItems", path)
        if b.get("uniqueItems") is True and not (
            any(n.get("uniqueItems") is True for n, _ in left) or (high is not None and high <= 1)
        ):
            return self._fail("uniqueItems", path)
        if "contains" in b or "minContains" in b or "maxContains" in b:
            return self._contains(left, b, rb, path, low, high, width)
        return True

    def _contains(  # noqa: PLR0917 - private helper
        self,
        left: Conj,
        b: dict[str, Any],
        rb: Resolver[Any],
        path: tuple[str, ...],
        low: int,
        high: int | None,
        width: int,
    ) -> bool:
        if "contains" not in b:
            return True
        wanted = b["contains"]
        least = b.get("minContains", 1) if _is_num(b.get("minContains")) else 1
        most = b.get("maxContains") if _is_num(b.get("maxContains")) else None
        if least > 0:
            ok = any(
                "contains" in n
                and (n.get("minContains", 1) if _is_num(n.get("minContains")) else 1) >= least
                and self._quiet(self._safe(n["contains"], r), wanted, rb)
                for n, r in left
            )
            if not ok and low >= least:
                every = [self._safe(n.get("items", True), r) for n, r in left]
                positions = [c for group in every for c in group]
                prefixes_ok = all(
                    self._quiet(self._safe(p, r), wanted, rb)
                    for n, r in left
                    for p in (n.get("prefixItems") or ())
                )
                ok = prefixes_ok and self._quiet(positions, wanted, rb)
            if not ok:
                return self._fail("contains", path)
        if most is not None:
            ok = high is not None and high <= most
            if not ok:
                ok = any(
                    "contains" in n
                    and _is_num(n.get("maxContains"))
                    and n["maxContains"] <= most
                    and self._quiet(self._safe(wanted, rb), n["contains"], r)
                    for n, r in left
                )
            if not ok:
                return self._fail("maxContains", path)
        return True

    # -- objects ---------------------------------------------------------------------------

    def _key_schemas(self, left: Conj, key: str) -> list[tuple[Any, Resolver[Any]]]:
        """What each conjunct of A says about the value under ``key``."""
        out: list[tuple[Any, Resolver[Any]]] = []
        for node, r in left:
            found = _key_schema(node, key)
            if found is not None:
                out.append((found, r))
        return out

    def _objects(
        self, left: Conj, b: dict[str, Any], rb: Resolver[Any], path: tuple[str, ...]
    ) -> bool:
        required_a: set[str] = set()
        named: set[str] = set()
        for node, _ in left:
            if isinstance(node.get("required"), list):
                required_a.update(node["required"])
            if isinstance(node.get("properties"), dict):
                named.update(node["properties"])
        props_b = as_dict(b.get("properties"))
        patterns_b = as_dict(b.get("patternProperties"))
        extra_b = b.get("additionalProperties", True)
        names_b = b.get("propertyNames", True)
        dep_req = as_dict(b.get("dependentRequired"))
        dep_sch = as_dict(b.get("dependentSchemas"))
        required_b = as_list(b.get("required"))
        # an anchored literal pattern names its key (and, as Python's ``$`` reads it, the
        # same key with a trailing newline: python-jsonschema is the judge of witnesses)
        literal = {
            name + tail
            for n, _ in [*left, (b, rb)]
            for name in (_literal(p) for p in (n.get("patternProperties") or {}))
            if name is not None
            for tail in ("", "\n")
        }
        keys = named | required_a | set(props_b) | set(required_b) | set(dep_req) | set(dep_sch)
        keys |= literal
        allowed: set[str] = set()
        for key in sorted(keys):
            mine = self._key_schemas(left, key)
            if any(s is False for s, _ in mine):
                if key in required_a:
                    return True  # A accepts no object at all
                continue
            allowed.add(key)
            theirs = _key_schema(b, key)
            conj = [c for s, r in mine for c in self._safe(s, r)]
            if (
                theirs is not None
                and theirs is not True
                and not self._sub_conj(conj, theirs, rb, (*path, key))
            ):
                return False
            if names_b is not True and not self._valid(key, names_b, rb):
                return self._fail("propertyNames", (*path, key))
        # keys nobody names
        patterns_a = [
            (p, s, r) for n, r in left for p, s in (n.get("patternProperties") or {}).items()
        ]
        extras_a = [(n["additionalProperties"], r) for n, r in left if "additionalProperties" in n]
        closed = any(s is False for s, _ in extras_a)
        extra_conj = [] if closed else [c for s, r in extras_a for c in self._safe(s, r)]
        for pattern, schema in patterns_b.items():
            if _literal(pattern) is not None:
                continue  # its one key was compared above
            mine_patterns = {p for p, _, _ in patterns_a}
            if (
                not closed
                and pattern not in mine_patterns
                and not self._sub_conj(extra_conj, schema, rb, (*path, pattern))
            ):
                return False
            for mine_p, mine_s, r in patterns_a:
                if mine_s is False or _literal(mine_p) is not None:
                    continue
                if not self._sub_conj(self._safe(mine_s, r), schema, rb, (*path, mine_p)):
                    return False
        if extra_b is not True:
            if not closed and not self._sub_conj(extra_conj, extra_b, rb, (*path, "*")):
                return False
            for mine_p, mine_s, r in patterns_a:
                if mine_s is False or mine_p in patterns_b or _literal(mine_p) is not None:
                    continue
                if not self._sub_conj(self._safe(mine_s, r), extra_b, rb, (*path, mine_p)):
                    return False
        if names_b is not True and (not closed or any(s is not False for _, s, _ in patterns_a)):
            ok = any(
                "propertyNames" in n and self._quiet(self._safe(n["propertyNames"], r), names_b, rb)
                for n, r in left
            )
            if not ok:
                return self._fail("propertyNames", path)
        for key in required_b:
            if key not in required_a:
                return self._fail("required", (*path, key))
        if _is_num(b.get("minProperties")):
            have = max(
                (n["minProperties"] for n, _ in left if _is_num(n.get("minProperties"))), default=0
            )
            if max(have, len(required_a)) < b["minProperties"]:
                return self._fail("minProperties", path)
        if _is_num(b.get("maxProperties")):
            have_max = min(
                (n["maxProperties"] for n, _ in left if _is_num(n.get("maxProperties"))),
                default=None,
            )
            if closed and not patterns_a:
                count = len(allowed)
                have_max = count if have_max is None else min(have_max, count)
            if have_max is None or have_max > b["maxProperties"]:
                return self._fail("maxProperties", path)
        for key, deps in dep_req.items():
            if key not in allowed and key not in named and (closed and not patterns_a):
                continue
            mine_deps = {
                d for n, _ in left for d in ((n.get("dependentRequired") or {}).get(key) or ())
            }
            if any(d not in required_a and d not in mine_deps for d in deps):
                return self._fail("dependentRequired", (*path, key))
        for key, schema in dep_sch.items():
            if key not in allowed and (closed and not patterns_a):
                continue
            ok = any(
                key in (n.get("dependentSchemas") or {})
                and self._quiet(self._safe(n["dependentSchemas"][key], r), schema, rb)
                for n, r in left
            ) or self._quiet(left, schema, rb)
            if not ok:
                return self._fail("dependentSchemas", (*path, key))
        return True


class _Stuck(Exception):
    def __init__(self, keyword: str) -> None:
        super().__init__(keyword)
        self.keyword = keyword


def _key_schema(node: dict[str, Any], key: str) -> Any:
    """``node``'s schema for the value under ``key`` (an ``allOf`` when several apply)."""
    found: list[Any] = []
    props = node.get("properties")
    if isinstance(props, dict) and key in props:
        found.append(props[key])
    patterns = node.get("patternProperties")
    if isinstance(patterns, dict):
        for pattern, schema in patterns.items():
            matched = pattern_matches(pattern, key)
            if matched is None:
                raise _Stuck("patternProperties")
            if matched:
                found.append(schema)
    if not found and "additionalProperties" in node:
        found.append(node["additionalProperties"])
    if not found:
        return None
    if any(s is False for s in found):
        return False
    return found[0] if len(found) == 1 else {"allOf": found}


def _literal(pattern: str) -> str | None:
    """The one key an anchored literal pattern (``^name$``) matches, else None."""
    if len(pattern) >= 2 and pattern.startswith("^") and pattern.endswith("$"):
        body = pattern[1:-1]
        if body and not any(c in body for c in ".^$*+?{}[]\\|()"):
            return body
    return None


def _same(a: Any, b: Any) -> bool:
    import orjson

    text_a = orjson.dumps(a, option=orjson.OPT_SORT_KEYS)
    return b"$ref" not in text_a and text_a == orjson.dumps(b, option=orjson.OPT_SORT_KEYS)


def _first(b: dict[str, Any]) -> str:
    return next(iter(b), "schema")


def _resource(node: dict[str, Any]) -> Any:
    from referencing.jsonschema import DRAFT202012

    return DRAFT202012.create_resource(node)


_VALIDATORS: dict[tuple[int, int], Any] = {}


def _validator(schema: Any, resolver: Resolver[Any]) -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(
        schema,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
        _resolver=resolver,  # type: ignore[call-arg]  # keeps $ref in the schema's scope
    )


def _format_names() -> frozenset[str]:
    from jsonschema import Draft202012Validator

    return frozenset(Draft202012Validator.FORMAT_CHECKER.checkers)
