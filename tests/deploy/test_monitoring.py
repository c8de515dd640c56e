"""Prometheus config, alert rules and the Grafana dashboard: checked and unit-tested with
promtool (installed by scripts/ensure-system-packages), and every metric they name must be one
the code exports (or, for RabbitMQ, one the scrape config asks the plugin for)."""

from __future__ import annotations

import importlib
import json
import re
import subprocess

import yaml
from prometheus_client import REGISTRY

from services.common.config import REPO_ROOT, SERVICES

DEPLOY = REPO_ROOT / "deploy"
DASHBOARD = DEPLOY / "grafana" / "dashboards" / "sikkerhedsbaseline.json"
MODULES = [f"services.{name}.service" for name in SERVICES] + ["gateway.metrics"]
# The rabbitmq_prometheus plugin's per-queue metrics and the family the scrape must request.
RABBITMQ_METRICS = {
    "rabbitmq_detailed_queue_messages_ready": "queue_coarse_metrics",
    "rabbitmq_detailed_queue_messages_unacked": "queue_coarse_metrics",
    "rabbitmq_detailed_queue_messages": "queue_coarse_metrics",
    "rabbitmq_detailed_queue_consumers": "queue_consumer_count",
}
PROMETHEUS_BUILTIN = {"up"}
KEYWORDS = {"and", "or", "unless", "bool", "offset", "inf", "nan"}
ALERTS_ASKED_FOR = {
    "ServiceDown",
    "NoConsumersOnServiceQueue",
    "QueueGrowing",
    "HighErrorRatio",
    "MailOutboxBacklog",
    "SlowRpc",
    "ReportRunStalled",
}


def promtool(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["promtool", *args], cwd=DEPLOY, capture_output=True, text=True, timeout=60
    )


def exported_metrics() -> set[str]:
    """The sample names the platform's code exports, as Prometheus stores them."""
    for module in MODULES:
        importlib.import_module(module)
    names = set()
    for family in REGISTRY.collect():
        if family.type == "counter":
            names.add(f"{family.name}_total")
        elif family.type == "histogram":
            names |= {f"{family.name}_{suffix}" for suffix in ("bucket", "count", "sum")}
        else:
            names.add(family.name)
    return {name for name in names if name.startswith("platform_")}


def metric_names(expr: str) -> set[str]:
    """The metric names in a PromQL expression (functions, keywords and labels removed)."""
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    expr = re.sub(r"\{[^}]*\}", "", expr)
    expr = re.sub(r"\[[^\]]*\]", "", expr)
    expr = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", expr)
    names = set()
    for match in re.finditer(r"[a-zA-Z_:][a-zA-Z0-9_:]*", expr):
        if expr[match.end() :].lstrip().startswith("("):
            continue
        if match.group(0).lower() not in KEYWORDS:
            names.add(match.group(0))
    return names


def alert_rules() -> list[dict]:
    groups = yaml.safe_load((DEPLOY / "alerts.yml").read_text())["groups"]
    return [rule for group in groups for rule in group["rules"]]


def dashboard_exprs() -> list[str]:
    dashboard = json.loads(DASHBOARD.read_text())
    return [target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])]


def test_metric_name_extraction():
    expr = (
        'sum by (service, le) (rate(platform_x_bucket{service=~"$service", le="+Inf"}[5m]))'
        " / on() max(up) > bool 3 and absent(other_metric)"
    )
    assert metric_names(expr) == {"platform_x_bucket", "up", "other_metric"}


def test_promtool_accepts_the_config_and_the_rules():
    config = promtool("check", "config", "prometheus.yml")
    assert config.returncode == 0, config.stdout + config.stderr
    assert "1 rule files found" in config.stdout
    rules = promtool("check", "rules", "alerts.yml")
    assert rules.returncode == 0, rules.stdout + rules.stderr


def test_alert_rules_pass_their_unit_tests():
    result = promtool("test", "rules", "alerts.test.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_the_alerts_asked_for_exist_and_each_is_unit_tested():
    names = {rule["alert"] for rule in alert_rules()}
    assert names >= ALERTS_ASKED_FOR
    cases = yaml.safe_load((DEPLOY / "alerts.test.yml").read_text())["tests"]
    tested = {check["alertname"] for case in cases for check in case["alert_rule_test"]}
    fired = {
        check["alertname"]
        for case in cases
        for check in case["alert_rule_test"]
        if check.get("exp_alerts")
    }
    assert tested == names
    assert fired >= ALERTS_ASKED_FOR
    services_down = {
        rule["labels"]["service"] for rule in alert_rules() if rule["alert"] == "ServiceDown"
    }
    assert services_down == {*SERVICES, "gateway"}


def test_every_metric_in_alerts_and_dashboard_exists():
    exported = exported_metrics()
    assert "platform_entrypoint_latency_seconds_bucket" in exported
    assert "platform_report_jobs" in exported
    scrape = yaml.safe_load((DEPLOY / "prometheus.yml").read_text())["scrape_configs"]
    (queues_job,) = [job for job in scrape if job["job_name"] == "rabbitmq-queues"]
    families = set(queues_job["params"]["family"])
    exprs = [rule["expr"] for rule in alert_rules()] + dashboard_exprs()
    unknown = set()
    for expr in exprs:
        for name in metric_names(expr):
            if name in RABBITMQ_METRICS:
                assert RABBITMQ_METRICS[name] in families, name
            elif name not in exported | PROMETHEUS_BUILTIN:
                unknown.add(name)
    assert not unknown, f"metrics no code exports: {unknown}"


def test_every_dashboard_query_is_valid_promql(tmp_path):
    """promtool parses the queries as recording rules (Grafana's variables filled in)."""
    rules = [
        {
            "record": f"dashboard:query_{index}",
            "expr": expr.replace("$__rate_interval", "1m").replace("$service", ".*"),
        }
        for index, expr in enumerate(dashboard_exprs())
    ]
    path = tmp_path / "dashboard-rules.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}))
    result = promtool("check", "rules", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(rules)} rules found" in result.stdout


def test_dashboard_shows_red_queues_and_business_figures():
    dashboard = json.loads(DASHBOARD.read_text())
    (source,) = yaml.safe_load(
        (DEPLOY / "grafana" / "provisioning" / "datasources" / "prometheus.yml").read_text()
    )["datasources"]
    for panel in dashboard["panels"]:
        if panel["type"] != "row":
            assert panel["datasource"]["uid"] == source["uid"], panel["title"]
            assert panel["targets"], panel["title"]
    used = set().union(*(metric_names(expr) for expr in dashboard_exprs()))
    assert {
        "platform_entrypoint_latency_seconds_count",
        "platform_entrypoint_latency_seconds_bucket",
        "rabbitmq_detailed_queue_messages_ready",
        "rabbitmq_detailed_queue_consumers",
        "platform_answers_saved_total",
        "platform_delegations_open",
        "platform_mails_pending",
        "platform_report_jobs",
    } <= used
    exprs = " ".join(dashboard_exprs())
    assert 'outcome="error"' in exprs
    assert "histogram_quantile" in exprs
    assert "by (service)" in exprs
    (variable,) = dashboard["templating"]["list"]
    assert variable["name"] == "service"
