"""marshmallow input checking with errors that name the field, shared by services and gateway."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError

from services.common.errors import ValidationFailed


def flatten_errors(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages as ``{"answers[0].value": [...]}``."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, inner in messages.items():
            if isinstance(key, int):
                path = f"{prefix}[{key}]"
            elif key == "_schema":
                path = prefix or "body"
            else:
                path = f"{prefix}.{key}" if prefix else str(key)
            flat.update(flatten_errors(inner, path))
    elif isinstance(messages, list) and messages and all(isinstance(m, str) for m in messages):
        flat[prefix or "body"] = list(messages)
    elif isinstance(messages, list):
        for i, inner in enumerate(messages):
            flat.update(flatten_errors(inner, f"{prefix}[{i}]"))
    else:
        flat[prefix or "body"] = [str(messages)]
    return flat


def load(schema: Schema, data: Any, **kwargs: Any) -> Any:
    """Load or raise ValidationFailed naming the first offending field."""
    try:
        return schema.load(data, **kwargs)
    except ValidationError as exc:
        errors = flatten_errors(exc.messages)
        field = sorted(errors)[0]
        raise ValidationFailed(f"{field}: {errors[field][0]}", field=field, errors=errors) from exc
