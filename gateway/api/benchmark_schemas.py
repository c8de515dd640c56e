"""marshmallow schemas of the history, benchmark and KL endpoints (output only; they document
the responses in the OpenAPI document)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

BANDS = ("lowest", "lower_middle", "upper_middle", "highest")
GROUP_KINDS = ("national", "region", "size")


class CellSchema(Schema):
    """A group's figure. A withheld figure (too few municipalities other than the viewer, or
    all of them alike) is null instead."""

    n = fields.Integer(
        required=True,
        metadata={"description": "Municipalities behind it; preliminary: at least this many."},
    )
    mean = fields.Float(required=True)
    median = fields.Float(required=True)
    q1 = fields.Float(required=True, metadata={"description": "Lower quartile."})
    q3 = fields.Float(required=True, metadata={"description": "Upper quartile."})
    share_acceptable = fields.Float(
        required=True, metadata={"description": "Share at or above the acceptable level (3)."}
    )
    approximate = fields.Boolean(
        required=True, metadata={"description": "Preliminary figures are rounded coarsely."}
    )


class GroupSchema(Schema):
    """A fixed peer group: all of Denmark, a region or a size class."""

    key = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(GROUP_KINDS))
    name = fields.String(allow_none=True, required=True)


class ParticipationSchema(Schema):
    members = fields.Integer(required=True)
    participants = fields.Integer(required=True)
    complete = fields.Integer(required=True)


class ComparedSchema(Schema):
    """The viewer's own value beside its groups' figures and its band in each."""

    key = fields.String()
    own = fields.Float(allow_none=True, required=True)
    cells = fields.Dict(
        keys=fields.String(), values=fields.Nested(CellSchema, allow_none=True), required=True
    )
    bands = fields.Dict(
        keys=fields.String(),
        values=fields.String(allow_none=True, validate=validate.OneOf(BANDS)),
        required=True,
    )


class BenchmarkSchema(Schema):
    """The session's municipality against Denmark, its region and its size class."""

    year = fields.Integer(required=True)
    state = fields.String(required=True, validate=validate.OneOf(("final", "preliminary")))
    computed_at = fields.String(metadata={"format": "date-time"})
    acceptable_level = fields.Float()
    groups = fields.List(fields.Nested(GroupSchema), required=True)
    participation = fields.Dict(
        keys=fields.String(), values=fields.Nested(ParticipationSchema, allow_none=True)
    )
    participated = fields.Boolean()
    completeness = fields.Nested(ComparedSchema)
    overall = fields.Nested(ComparedSchema, required=True)
    areas = fields.List(fields.Nested(ComparedSchema), required=True)
    questions = fields.List(fields.Nested(ComparedSchema), required=True)


class YearScoreSchema(Schema):
    year = fields.Integer(required=True)
    score = fields.Float(allow_none=True)
    completeness = fields.Float(allow_none=True)
    in_questionnaire = fields.Boolean()
    comparable_share = fields.Float(
        allow_none=True,
        metadata={
            "description": "Share of questions shared with the previous year shown (1 = same "
            "questions); null for the first year."
        },
    )


class AreaHistorySchema(Schema):
    key = fields.String(required=True)
    title = fields.Dict(keys=fields.String(), values=fields.String())
    points = fields.List(fields.Nested(YearScoreSchema), required=True)


class QuestionHistorySchema(Schema):
    key = fields.String(required=True)
    area_key = fields.String()
    text = fields.Dict(keys=fields.String(), values=fields.String())
    type = fields.String()
    scope = fields.String()
    points = fields.List(fields.Nested(YearScoreSchema), required=True)


class UnitYearSchema(Schema):
    year = fields.Integer(required=True)
    overall = fields.Float(allow_none=True)
    completeness = fields.Float(allow_none=True)
    areas = fields.Dict(keys=fields.String(), values=fields.Float(allow_none=True))


class UnitHistorySchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    points = fields.List(fields.Nested(UnitYearSchema), required=True)


class AreaShareSchema(Schema):
    key = fields.String(required=True)
    old_questions = fields.Integer()
    new_questions = fields.Integer()
    shared = fields.Integer()
    share = fields.Float(required=True)


class ComparisonSchema(Schema):
    """What changed in the questionnaire from one year to the next."""

    from_year = fields.Integer(required=True)
    to_year = fields.Integer(required=True)
    share = fields.Float(required=True)
    added = fields.List(fields.String())
    removed = fields.List(fields.String())
    reworded = fields.List(fields.String())
    areas = fields.List(fields.Nested(AreaShareSchema))


class NationalSeriesSchema(Schema):
    """National figures per metric ("overall", "area:<key>") and year."""

    years = fields.List(fields.Dict())
    metrics = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(keys=fields.String(), values=fields.Nested(CellSchema, allow_none=True)),
    )


class HistorySchema(Schema):
    """The session's municipality over every round it answered, oldest first."""

    years = fields.List(fields.Integer(), required=True)
    states = fields.Dict(keys=fields.String(), values=fields.String())
    overall = fields.List(fields.Nested(YearScoreSchema), required=True)
    areas = fields.List(fields.Nested(AreaHistorySchema), required=True)
    questions = fields.List(fields.Nested(QuestionHistorySchema), required=True)
    units = fields.List(fields.Nested(UnitHistorySchema), required=True)
    comparisons = fields.List(fields.Nested(ComparisonSchema), required=True)
    national = fields.Nested(NationalSeriesSchema, allow_none=True)


class UnitRowSchema(Schema):
    key = fields.String(allow_none=True)
    unit = fields.Float(allow_none=True)
    rest = fields.Float(allow_none=True)
    rest_units = fields.Integer()
    difference = fields.Float(allow_none=True)
    below_acceptable = fields.Boolean()


class UnitComparisonSchema(Schema):
    """One of the municipality's units against the mean of its other units."""

    unit_id = fields.Integer(required=True)
    year = fields.Integer(allow_none=True)
    acceptable_level = fields.Float()
    overall = fields.Nested(UnitRowSchema, required=True)
    areas = fields.List(fields.Nested(UnitRowSchema), required=True)


class BenchmarkYearSchema(Schema):
    year = fields.Integer(required=True)
    state = fields.String(required=True, validate=validate.OneOf(("final", "preliminary")))
    computed_at = fields.String(metadata={"format": "date-time"})


class PriorityRowSchema(Schema):
    key = fields.String(required=True)
    area_key = fields.String(allow_none=True)
    share_below = fields.Float(required=True)
    median = fields.Float()
    mean = fields.Float()
    n = fields.Integer()


class PrioritiesSchema(Schema):
    areas = fields.List(fields.Nested(PriorityRowSchema))
    questions = fields.List(fields.Nested(PriorityRowSchema))


class NationalSchema(Schema):
    """Every fixed group's figures for one round. No municipality appears in it."""

    year = fields.Integer(required=True)
    state = fields.String(required=True, validate=validate.OneOf(("final", "preliminary")))
    computed_at = fields.String(metadata={"format": "date-time"})
    acceptable_level = fields.Float()
    groups = fields.List(fields.Nested(GroupSchema), required=True)
    participation = fields.Dict(
        keys=fields.String(), values=fields.Nested(ParticipationSchema, allow_none=True)
    )
    metrics = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(keys=fields.String(), values=fields.Nested(CellSchema, allow_none=True)),
        metadata={
            "description": 'By metric ("overall", "completeness", "area:<key>", '
            '"question:<key>") and group key.'
        },
    )
    priorities = fields.Nested(PrioritiesSchema)


class PanelCellSchema(Schema):
    """The panel in one of its years; mean and share are null when the panel is not complete."""

    n = fields.Integer(required=True)
    mean = fields.Float(allow_none=True, required=True)
    median = fields.Float(required=True)
    q1 = fields.Float(required=True)
    q3 = fields.Float(required=True)
    share_acceptable = fields.Float(allow_none=True, required=True)
    approximate = fields.Boolean(required=True)


class PanelSchema(Schema):
    """The municipalities that took part in both years of a step."""

    n = fields.Integer(required=True)
    complete = fields.Boolean(
        required=True,
        metadata={
            "description": "False when so few municipalities joined or left that the panel's "
            "mean would give them away: then only n, median and quartiles are shown."
        },
    )
    start = fields.Nested(PanelCellSchema, data_key="from", required=True)
    end = fields.Nested(PanelCellSchema, data_key="to", required=True)
    change = fields.Float(
        allow_none=True, required=True, metadata={"description": "Change of the mean."}
    )
    change_median = fields.Float(required=True, metadata={"description": "Change of the median."})


class StepSchema(Schema):
    from_year = fields.Integer(required=True)
    to_year = fields.Integer(required=True)
    share = fields.Float(required=True)
    areas = fields.List(fields.Nested(AreaShareSchema))
    panel = fields.Dict(
        keys=fields.String(), values=fields.Nested(PanelSchema, allow_none=True), required=True
    )


class DevelopmentYearSchema(Schema):
    year = fields.Integer(required=True)
    participation = fields.Nested(ParticipationSchema, allow_none=True)
    metrics = fields.Dict(keys=fields.String(), values=fields.Nested(CellSchema, allow_none=True))


class DevelopmentSchema(Schema):
    """All participants year by year, and the panel of each pair of consecutive years."""

    years = fields.List(fields.Nested(DevelopmentYearSchema), required=True)
    steps = fields.List(fields.Nested(StepSchema), required=True)
