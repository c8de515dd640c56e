"""Every blueprint of the gateway in one list, in the order ``create_app`` registers them."""

from __future__ import annotations

from flask import Blueprint

from gateway import health, metrics
from gateway.api import api
from gateway.identity import login, oidc
from gateway.pages import (
    account,
    account_links,
    admin,
    answering,
    audit_trail,
    benchmark,
    dashboard,
    delegation,
    delegation_delegate,
    guide,
    history,
    history_trend,
    kl,
    language,
    onboarding,
    reports,
    reports_kl,
    scores,
    units,
    users,
)

BLUEPRINTS: tuple[Blueprint, ...] = (
    login.bp,
    oidc.bp,
    health.bp,
    metrics.bp,
    api,
    dashboard.bp,
    units.bp,
    answering.bp,
    scores.bp,
    history.bp,
    kl.bp,
    language.bp,
    admin.bp,
    guide.bp,
    delegation.bp,
    delegation_delegate.bp,
    benchmark.bp,
    history_trend.bp,
    reports.bp,
    reports_kl.bp,
    account.bp,
    account_links.bp,
    audit_trail.bp,
    onboarding.bp,
    users.bp,
)
