"""The municipality's organisational units; only the coordinator changes them."""

from __future__ import annotations

from typing import Any

from flask import jsonify, url_for

from gateway import clients
from gateway.access import actor, municipality_id, municipality_required, roles_required
from gateway.api.base import api, load_body, operation
from gateway.api.schemas import UnitInSchema, UnitSchema


@api.get("/units")
@operation("The municipality's units", response=UnitSchema(many=True), tags=("units",))
@municipality_required
def list_units() -> Any:
    return jsonify(clients.survey.list_units(municipality_id=municipality_id()))


@api.post("/units")
@operation(
    "Create a unit (coordinator)",
    request=UnitInSchema(),
    response=UnitSchema(),
    status=201,
    errors=(409,),
    tags=("units",),
)
@roles_required("coordinator")
def create_unit() -> Any:
    data = load_body(UnitInSchema())
    unit = clients.survey.create_unit(municipality_id=municipality_id(), data=data, actor=actor())
    headers = {}
    if isinstance(unit, dict) and "id" in unit:
        headers["Location"] = url_for("api.update_unit", unit_id=unit["id"])
    return jsonify(unit), 201, headers


@api.patch("/units/<int:unit_id>")
@operation(
    "Change some fields of a unit (coordinator); the others stay as they are",
    request=UnitInSchema(partial=True),
    response=UnitSchema(),
    errors=(404, 409),
    tags=("units",),
)
@roles_required("coordinator")
def update_unit(unit_id: int) -> Any:
    changes = load_body(UnitInSchema(), partial=True)
    return jsonify(
        clients.survey.update_unit(
            municipality_id=municipality_id(), unit_id=unit_id, data=changes, actor=actor()
        )
    )


@api.delete("/units/<int:unit_id>")
@operation(
    "Delete a unit (coordinator); refused with 409 while it has answers",
    status=204,
    errors=(404, 409),
    tags=("units",),
)
@roles_required("coordinator")
def delete_unit(unit_id: int) -> Any:
    clients.survey.delete_unit(municipality_id=municipality_id(), unit_id=unit_id, actor=actor())
    return "", 204
