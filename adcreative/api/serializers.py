"""Serializer pieces that speak the contract's field-error texts."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request

from adcreative.api import parsers
from adcreative.memo import Memo

# An invalid value is echoed in its error this long at most: a 20 MB field is not sent back.
SHOWN_LENGTH = 64


def shown(value: object) -> str:
    """A client's value as an error message quotes it: as sent, or its first SHOWN_LENGTH characters and "…"."""
    text = str(value)
    return text if len(text) <= SHOWN_LENGTH else text[:SHOWN_LENGTH] + "…"


def zulu(moment: datetime) -> str:
    """A moment as the contract writes it: ISO 8601 in UTC, ending in Z."""
    return moment.isoformat().replace("+00:00", "Z")


def json_in_field(data: Any, problem: str) -> Any:
    """A field that holds JSON: its text parsed (a form sends text), or the value a JSON body already holds;
    text that is no JSON, or nested too deep, or a number too long, is the field's error `problem`."""
    if not isinstance(data, str):
        return data
    try:
        return parsers.loads(data)
    except ValueError:
        raise serializers.ValidationError(problem) from None


def not_valid(value: object) -> str:
    return f"The value '{shown(value)}' is not valid."


class GuidField(serializers.UUIDField):
    """A GUID; an empty form value ("userId=") means absent, as the public curl examples send it."""

    default_error_messages = {"invalid": "The value '{value}' is not valid."}
    empty_means_default = True

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        if isinstance(data, str) and not data.strip():
            if self.allow_null or not self.required:
                return True, None
            self.fail("required")
        if (
            self.allow_null
            and data == "null"
            and hasattr(getattr(self.parent, "initial_data", None), "getlist")
        ):
            return True, None  # a form cannot carry null: FormData.append("userId", null) sends "null"
        return super().validate_empty_values(data)

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, (str, uuid.UUID)):  # UUIDField would take 0, False or 7 as an integer's UUID
            raise serializers.ValidationError(not_valid(data), code="invalid")
        value = data.strip() if isinstance(data, str) else data
        try:
            return super().to_internal_value(value)
        except serializers.ValidationError:
            raise serializers.ValidationError(not_valid(value), code="invalid") from None


_valid_queries: Memo[dict[str, Any]] = Memo(max_entries=1024)


def valid_query(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:  # type: ignore[type-arg]
    """The validated query parameters of a request; a refusal raises the serializer's field errors.

    Query serializers read nothing but the query string, so a query string this process has validated
    before (a client polling, a creative downloaded again) is answered from memory: building and running a
    DRF serializer costs more than the rest of such a request.
    """
    key = (serializer_class, request.META.get("QUERY_STRING", ""))
    known = _valid_queries.get(key)
    if known is None:
        query = serializer_class(data=request.query_params)
        query.is_valid(raise_exception=True)
        known = dict(query.validated_data)
        _valid_queries.put(key, known, 3600)
    return dict(known)


class ContractSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """Field errors read as the public API's: `The X field is required.`, `The value 'v' is not valid.`

    With `strict = True` an unknown key in the body is a field error too, so a typo never passes silently.
    """

    strict = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            required = f"The {name} field is required."
            field.error_messages.update({"required": required, "null": required, "blank": required})

    def to_internal_value(self, data: Any) -> Any:
        if not hasattr(data, "keys"):
            raise serializers.ValidationError({"$": ["The request body must be a JSON object."]})
        repeated = repeated_fields(data, self.fields)
        if repeated:
            raise serializers.ValidationError({name: [given_twice(name)] for name in repeated})
        blank = blank_fields(data, self.fields)
        if blank:
            raise serializers.ValidationError({name: [not_valid("")] for name in blank})
        if self.strict:
            unknown = sorted(set(data.keys()) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: [f"The {name} field is not recognised."] for name in unknown}
                )
        mistyped = mistyped_fields(data, self.fields)
        if mistyped:
            raise serializers.ValidationError({name: [not_valid(data[name])] for name in mistyped})
        return super().to_internal_value(data)


def repeated_fields(data: Any, fields: Any) -> list[str]:
    """The single-valued fields a query string or form gives twice (`?limit=5&limit=500`): which one was meant
    is anyone's guess, so the request is refused rather than one of them silently used."""
    if not hasattr(data, "getlist"):
        return []
    return [
        name
        for name, field in fields.items()
        if not isinstance(field, (serializers.ListField, serializers.MultipleChoiceField))
        and len(data.getlist(name)) > 1
    ]


def mistyped_fields(data: Any, fields: Any) -> list[str]:
    """The fields a JSON body gives in another JSON type than the document's: DRF would take 5 for a text
    (as "5"), "5" for an integer and 4 for the choice "4". A form's values are all text, read as their type."""
    if hasattr(data, "getlist"):
        return []
    return [
        name
        for name, field in fields.items()
        if name in data and data[name] is not None and not _json_type_fits(field, data[name])
    ]


def _json_type_fits(field: serializers.Field, value: Any) -> bool:  # type: ignore[type-arg]
    if isinstance(field, serializers.ChoiceField):
        return isinstance(value, str) or not all(isinstance(choice, str) for choice in field.choices)
    if isinstance(field, serializers.CharField):
        return isinstance(value, str)
    number = isinstance(value, (int, float)) and not isinstance(value, bool)  # JSON true is an int to Python
    if isinstance(field, serializers.IntegerField):
        return number and float(value).is_integer()
    if isinstance(field, serializers.FloatField):
        return number
    return True


def given_twice(name: str) -> str:
    return f"The {name} field is given more than once."


def blank_fields(data: Any, fields: Any) -> list[str]:
    """The fields a query string or form sends empty (`?limit=`) that have no empty value: DRF would take
    them as absent, but a number or a choice given as nothing is not valid."""
    if not hasattr(data, "getlist"):
        return []
    return [
        name
        for name, field in fields.items()
        if data.get(name) == ""
        and not (getattr(field, "empty_means_default", False) or getattr(field, "allow_blank", False))
    ]


@extend_schema_field(
    {
        "oneOf": [{"type": "string", "enum": ["true", "false", "True", "False", ""]}, {"type": "boolean"}],
        "description": '"true", "false" (any case) or "" (the default); a JSON body may send true or false.',
    }
)
class FormBoolean(serializers.Field):  # type: ignore[type-arg]
    """ "true"/"false" (any case); "" or absent means the field's default."""

    empty_means_default = True

    def __init__(self, default_value: bool, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)
        self.default_value = default_value

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        if data is serializers.empty or data is None or data == "":
            return True, self.default_value
        return super().validate_empty_values(data)

    def to_internal_value(self, data: Any) -> bool:
        text = str(data).strip().lower()
        if text in ("true", "false"):
            return text == "true"
        raise serializers.ValidationError(not_valid(data))

    def to_representation(self, value: Any) -> Any:
        return value


def guid(name: str, raw: str) -> uuid.UUID:
    """A GUID from a path segment; anything else is a field error under `name`."""
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise serializers.ValidationError({name: [not_valid(raw)]}) from None
