from marshmallow import Schema, fields

from services.common.errors import ValidationFailed
from services.common.validation import flatten_errors, load


class Inner(Schema):
    value = fields.Integer(required=True)


class Outer(Schema):
    answers = fields.List(fields.Nested(Inner), required=True)


def test_flatten_nested_messages_to_paths():
    messages = {"answers": {1: {"value": ["Not a valid integer."]}}, "_schema": ["Bad."]}
    assert flatten_errors(messages) == {
        "answers[1].value": ["Not a valid integer."],
        "body": ["Bad."],
    }


def test_load_raises_naming_the_first_field():
    try:
        load(Outer(), {"answers": [{"value": 1}, {"value": "x"}]})
    except ValidationFailed as exc:
        assert exc.field == "answers[1].value"
        assert exc.status == 422
    else:
        raise AssertionError("expected ValidationFailed")


class Named(Schema):
    name = fields.String(required=True)
    tags = fields.List(fields.String())


def test_nul_and_lone_surrogates_are_refused_naming_the_field():
    """PostgreSQL cannot store NUL, UTF-8 cannot encode a lone surrogate: 422, not a crash."""
    for bad in ("a\x00b", "\ud800", "x\udfff"):
        try:
            load(Named(), {"name": "ok", "tags": ["fine", bad]})
        except ValidationFailed as exc:
            assert exc.field == "tags[1]"
        else:
            raise AssertionError(f"{bad!r} was accepted")


def test_ordinary_unicode_passes():
    loaded = load(Named(), {"name": "Økonomi og Personale \U0001f512", "tags": ["æøå"]})
    assert loaded["name"].startswith("Økonomi")
