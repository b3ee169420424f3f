"""Haystack filter syntax -> Qdrant Edge filters."""

from typing import Any

import qdrant_edge as qe
from haystack.errors import FilterError

_RANGE = {">": "gt", ">=": "gte", "<": "lt", "<=": "lte"}


def convert_filters(filters: dict[str, Any] | None) -> qe.Filter | None:
    if not filters:
        return None
    if "operator" not in filters:
        raise FilterError("A filter needs an 'operator'")
    return _as_filter(_convert(filters))


def _as_filter(condition: Any) -> qe.Filter:
    return condition if isinstance(condition, qe.Filter) else qe.Filter(must=[condition])


def _convert(node: dict[str, Any]) -> Any:
    operator = node.get("operator")
    if operator in ("AND", "OR", "NOT"):
        if "conditions" not in node:
            raise FilterError(f"'{operator}' needs 'conditions'")
        parts = [_convert(child) for child in node["conditions"]]
        if operator == "AND":
            return qe.Filter(must=parts)
        if operator == "OR":
            return qe.Filter(should=parts)
        return qe.Filter(must_not=[qe.Filter(must=parts)])
    if "field" not in node or "value" not in node:
        raise FilterError(f"A comparison needs 'field' and 'value': {node}")
    # Payloads keep Haystack's document layout ({"id", "content", "meta": {...}}), so the
    # field names of Haystack filters are already valid payload paths.
    return _comparison(node["field"], operator, node["value"])


def _comparison(key: str, operator: str, value: Any) -> Any:
    if operator == "==":
        if value is None:
            return qe.IsNullCondition(key)
        return qe.FieldCondition(key, match=qe.MatchValue(value))
    if operator == "!=":
        if value is None:
            return qe.Filter(must_not=[qe.IsNullCondition(key)])
        return qe.Filter(must_not=[qe.FieldCondition(key, match=qe.MatchValue(value))])
    if operator in ("in", "not in"):
        if not isinstance(value, list):
            raise FilterError(f"'{operator}' needs a list, got {value!r}")
        match = qe.FieldCondition(key, match=qe.MatchAny(value)) if value else qe.HasIdCondition(set())
        return match if operator == "in" else qe.Filter(must_not=[match])
    if operator in ("contains phrase", "contains words"):  # full-text index; see kb.store.base
        if not isinstance(value, str) or not value.strip():
            raise FilterError(f"'{operator}' needs some text, got {value!r}")
        match = qe.MatchPhrase(value) if operator == "contains phrase" else qe.MatchText(value)
        return qe.FieldCondition(key, match=match)
    if operator in _RANGE:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise FilterError(f"'{operator}' compares numbers, got {value!r}")
        return qe.FieldCondition(key, range=qe.RangeFloat(**{_RANGE[operator]: float(value)}))
    raise FilterError(f"Unknown filter operator {operator!r}")
