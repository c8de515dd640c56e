"""marshmallow input checking with errors that name the field, shared by services and gateway."""

from __future__ import annotations

import re
from typing import Any

from marshmallow import Schema, ValidationError, fields

from services.common.errors import ValidationFailed
from services.common.numbers import DB_INT_MAX, check_int, parse_int

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class DbInteger(fields.Integer):
    """An integer input (id, year, limit) read by ``services.common.numbers``: a JSON integer,
    or ASCII digits in a query string (not when ``strict``); never a bool, a float, "²" or more
    than the database's integer column holds (marshmallow's own Integer takes "٣", " 3", "1_0"
    and 10**30)."""

    def __init__(self, *, minimum: int = 0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.minimum = minimum

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        name = attr or "value"
        try:
            if isinstance(value, str) and not self.strict:
                return parse_int(value, name, minimum=self.minimum, maximum=DB_INT_MAX)
            return check_int(value, name, minimum=self.minimum, maximum=DB_INT_MAX)
        except ValidationFailed as exc:
            raise ValidationError(exc.detail) from exc


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


def unstorable_text(data: Any, prefix: str = "") -> str | None:
    """The path of the first string holding a NUL or an unpaired surrogate, else None.

    PostgreSQL cannot store NUL in text and UTF-8 cannot encode a lone surrogate (JSON allows
    both as ``\\u0000`` and ``\\ud800``); refused here, they are a 422 instead of a crash.
    """
    if isinstance(data, str):
        return prefix or "body" if _UNSTORABLE.search(data) else None
    if isinstance(data, dict):
        items = ((f"{prefix}.{key}" if prefix else str(key), value) for key, value in data.items())
    elif isinstance(data, list | tuple):
        items = ((f"{prefix}[{index}]", value) for index, value in enumerate(data))
    else:
        return None
    for path, value in items:
        found = unstorable_text(value, path)
        if found:
            return found
    return None


def load(schema: Schema, data: Any, **kwargs: Any) -> Any:
    """Load or raise ValidationFailed naming the first offending field."""
    bad = unstorable_text(data)
    if bad:
        message = "Text must not contain NUL characters or unpaired surrogates."
        raise ValidationFailed(f"{bad}: {message}", field=bad, errors={bad: [message]})
    try:
        return schema.load(data, **kwargs)
    except ValidationError as exc:
        errors = flatten_errors(exc.messages)
        field = sorted(errors)[0]
        raise ValidationFailed(f"{field}: {errors[field][0]}", field=field, errors=errors) from exc
