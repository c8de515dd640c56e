"""Ids beyond PostgreSQL's ``integer`` sent to the reporting and delegation services over RPC.

The gateway refuses them first. On PostgreSQL (psycopg sends them as numeric) the services
answered NotFound; on SQLite the driver raised OverflowError. Either way a service now
answers its caller with ValidationFailed naming the argument (``services.common.rpc``), the
same on every database.
"""

import pytest

from services.common.errors import ValidationFailed
from services.delegation.service import DelegationService
from services.reporting.service import ReportingService
from tests.reporting.conftest import AARHUS
from tests.support.services import rpc_proxy, start_services

COORDINATOR = {
    "user_id": 1,
    "name": "Mette Kjær",
    "role": "coordinator",
    "email": "mette@aarhus.dk",
    "unit_ids": None,
}


MANAGER = {key: COORDINATOR[key] for key in ("user_id", "name", "role")}


def test_huge_ids_are_refused_naming_the_argument(container_factory, service_config, reports_dir):
    config = service_config("delegation", "reporting")
    start_services(container_factory, config, DelegationService, ReportingService)
    with rpc_proxy(config) as rpc:
        for huge in (2**31, 10**20):
            for service, method, args, field in [
                ("reporting", "get_report", (AARHUS, huge, COORDINATOR), "job_id"),
                ("reporting", "download_report", (AARHUS, huge, COORDINATOR), "job_id"),
                ("reporting", "get_national_report", (huge,), "job_id"),
                ("delegation", "get_delegation", (AARHUS, huge, MANAGER), "delegation_id"),
            ]:
                with pytest.raises(ValidationFailed) as refused:
                    getattr(getattr(rpc, service), method)(*args)
                assert refused.value.field == field, method
