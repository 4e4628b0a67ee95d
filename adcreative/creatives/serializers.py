"""Form parsing of AdCreative, progress and Cancel, exactly like the public curl example (string booleans,
JSON in a field)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

import presets
from adcreative.api.serializers import ContractSerializer, FormBoolean, GuidField, json_in_field
from workers.render import formats

MAX_PROMPTS = 6
# What the text of PromptObjectsString must be, as far as a pattern can say: a JSON array whose first and
# last items are objects (JSON's own whitespace around). Its items are described in words; the field refuses
# the rest. (No minLength beside it: schemathesis 4.32 cannot draw this pattern joined with one.)
PROMPT_OBJECTS_PATTERN = r"^[ \t\n\r]*\[[ \t\n\r]*\{[\s\S]*\}[ \t\n\r]*\][ \t\n\r]*$"


@extend_schema_field(
    {
        "type": "string",
        "pattern": PROMPT_OBJECTS_PATTERN,
        "description": f"JSON text: an array of 1 to {MAX_PROMPTS} prompt objects, each "
        '{"tag": "preset", "preset": "<a key of PresetKeys>"} or '
        '{"tag": "custom", "prompt": "<1 to 1000 characters>", "nativeLanguagePrompt": null}. '
        "Anything else is refused (400).",
    }
)
class PromptObjectsField(serializers.Field):  # type: ignore[type-arg]
    """`PromptObjectsString`: a JSON array of 1-6 prompt objects (preset or custom)."""

    def to_internal_value(self, data: Any) -> list[dict[str, Any]]:
        items = json_in_field(data, "The value is not a valid JSON array of prompt objects.")
        if not isinstance(items, list) or not 1 <= len(items) <= MAX_PROMPTS:
            raise serializers.ValidationError(f"Give between 1 and {MAX_PROMPTS} prompt objects.")
        catalog = presets.load_catalog()
        errors, cleaned = [], []
        for index, item in enumerate(items):
            problem = _prompt_problem(item, catalog)
            if problem:
                errors.append(f"Item {index}: {problem}")
            else:
                cleaned.append(item)
        if errors:
            raise serializers.ValidationError(errors)
        return cleaned

    def to_representation(self, value: Any) -> Any:
        return value


def _prompt_problem(item: Any, catalog: dict[str, presets.Preset]) -> str | None:
    if not isinstance(item, dict):
        return "a prompt object must be a JSON object."
    tag = item.get("tag")
    if tag == "preset":
        if item.get("preset") not in catalog:
            return f"the preset '{item.get('preset')}' does not exist (see PresetKeys)."
        return None
    if tag == "custom":
        prompt = item.get("prompt")
        if not isinstance(prompt, str) or not 1 <= len(prompt.strip()) <= 1000:
            return "a custom prompt needs a 'prompt' of 1 to 1000 characters."
        return None
    return "'tag' must be 'preset' or 'custom'."


@extend_schema_field(
    {
        "type": "string",
        "description": "An extension: JSON text, an array of 1 to "
        f"{formats.MAX_FORMATS} distinct output formats, each a placement's name "
        f'({", ".join(formats.NAMED)}) or "<W>x<H>" (each side {formats.MIN_SIDE} to {formats.MAX_SIDE} '
        f"px, at most {formats.MAX_PIXELS:,} pixels). Every task renders its creative in each, the first one "
        "first; absent: the one DisableSafeMargin chooses (1674x628, or 1200x628 with it), as without "
        'the extension. A JSON body may send the array itself. Example: ["landscape_safe", "square", "story"].',
        "pattern": r'^[ \t\n\r]*\[[ \t\n\r]*"[\s\S]*"[ \t\n\r]*\][ \t\n\r]*$',
    }
)
class OutputFormatsField(serializers.Field):  # type: ignore[type-arg]
    """`outputFormats`: the placements every task renders (`workers.render.formats`), as their names."""

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        if data == "":  # a form's empty field: as if absent
            return True, []
        return super().validate_empty_values(data)

    def to_internal_value(self, data: Any) -> list[str]:
        items = json_in_field(
            data, 'The value is not a valid JSON array of output formats, such as ["square", "story"].'
        )
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            raise serializers.ValidationError('Give a JSON array of output format names, such as ["square"].')
        try:
            return [fmt.name for fmt in formats.output_formats(items)]
        except ValueError as problem:
            raise serializers.ValidationError(str(problem)) from None

    def to_representation(self, value: Any) -> Any:
        return value


class AdCreativeSerializer(ContractSerializer):
    applicationId = GuidField(required=False)
    userId = GuidField(required=False, allow_null=True)
    renderKind = serializers.ChoiceField(choices=["4"], required=False, default="4")
    productImageAssetId = GuidField()
    PromptObjectsString = PromptObjectsField()
    productName = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    productDescription = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    DisableSafeMargin = FormBoolean(default_value=False)
    UseSameStyleReferenceImage = FormBoolean(default_value=True)
    relight = FormBoolean(
        default_value=False,
        help_text='An extension: "true" relights the product with the scene\'s light (a colour cast, shading '
        'from the key light, a rim and the floor\'s bounce); "false" or "" (the default) keeps its pixels as '
        "cut out. Any case; a JSON body may send true or false.",
    )
    seed = serializers.IntegerField(required=False, min_value=0, max_value=2**31 - 1)
    negativePrompt = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")
    fineTuneId = GuidField(required=False, allow_null=True)
    outputFormats = OutputFormatsField(required=False)


class ProgressQuerySerializer(ContractSerializer):
    applicationId = GuidField()
    userId = GuidField(required=False)
    imageProductGeneratorProcessId = GuidField(required=False)
    limit = serializers.IntegerField(required=False, default=20, min_value=1, max_value=100)
    cursor = GuidField(required=False, help_text="nextCursor of the previous page.")


class CancelSerializer(ContractSerializer):
    applicationId = GuidField(required=False)
    imageProductGeneratorProcessId = GuidField()
