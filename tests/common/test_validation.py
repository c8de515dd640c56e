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
        assert exc.to_problem()["field"] == "answers[1].value"
    else:
        raise AssertionError("expected ValidationFailed")
