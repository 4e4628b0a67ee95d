"""JSON with bounds: a body (or a JSON form field) nested without end, or a number of thousands of
digits, is a client's mistake answered 400, never a RecursionError or a ValueError that reaches a 500."""

from __future__ import annotations

import json
from typing import IO, Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32  # the contract's bodies are 3 deep at most
MAX_NUMBER_LENGTH = 40  # digits, sign, point and exponent: far beyond any seed, limit or id


class JsonTooComplex(ValueError):
    pass


def _number(text: str) -> str:
    if len(text) > MAX_NUMBER_LENGTH:
        raise JsonTooComplex(f"A number has more than {MAX_NUMBER_LENGTH} characters.")
    return text


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number.")  # NaN and Infinity, as DRF's strict JSON refuses them


def _depth(value: Any) -> int:
    """How deep lists and objects nest, measured without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, (list, dict)):
            deepest = max(deepest, level)
            if level > MAX_DEPTH:
                break
            stack.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def loads(text: str | bytes) -> Any:
    """json.loads, refusing (JsonTooComplex, a ValueError) what is nested too deep or too long a number."""
    try:
        value = json.loads(
            text,
            parse_int=lambda digits: int(_number(digits)),
            parse_float=lambda digits: float(_number(digits)),
            parse_constant=_no_constant,
        )
    except RecursionError:
        raise JsonTooComplex(f"The JSON nests deeper than {MAX_DEPTH} levels.") from None
    if _depth(value) > MAX_DEPTH:
        raise JsonTooComplex(f"The JSON nests deeper than {MAX_DEPTH} levels.")
    return value


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser with `loads`' bounds; every JSON body of the API goes through it."""

    def parse(self, stream: IO[Any], media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return loads(stream.read())
        except ValueError as exc:  # JSONDecodeError, JsonTooComplex, bad UTF-8
            raise ParseError(f"JSON parse error - {exc}") from None
