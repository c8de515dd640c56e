"""deploy/docker-compose.yml checked against the code, by reading it (no Docker engine here).

The environment variables are found in the code mechanically (every ``config.env``,
``os.environ`` and ``os.getenv`` read), so a variable added to the code fails this test until
the compose file sets it or it is listed in ``OPTIONAL`` (which must also be documented).
"""

from __future__ import annotations

import ast
import functools
import importlib
import os
import re
import subprocess
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from services.common.config import REPO_ROOT, SERVICES
from tools.processes import SERVICE_CLASSES

DEPLOY = REPO_ROOT / "deploy"
COMPONENTS = (*SERVICES, "gateway")
INFRASTRUCTURE = ("rabbitmq", "postgres", "smtp", "prometheus", "grafana")
SCANNED = ("services", "gateway", "tools")

# Read by the code but deliberately left to their defaults in compose; each is documented in
# docs/architecture.md (configuration table) with its default.
OPTIONAL = {
    "MAX_WORKERS": "nameko workers per process; the default 10 fits the database pool",
    "RPC_POOL_SIZE": "gateway RPC proxies; default 8",
    "SMTP_TIMEOUT": "SMTP timeout; default 10 s",
    "MAIL_SEND_SECONDS": "mail outbox interval",
    "MAIL_RETRY_BASE_SECONDS": "mail backoff",
    "MAIL_RETRY_MAX_SECONDS": "mail backoff",
    "MAIL_GIVE_UP_HOURS": "mail backoff",
    "DELEGATION_GRACE_DAYS": "delegate link validity",
    "DELEGATION_REMIND_BEFORE_DAYS": "reminder schedule",
    "DELEGATION_REMIND_OVERDUE_DAYS": "reminder schedule",
    "DELEGATION_REMINDER_SECONDS": "reminder timer",
    "DELEGATION_DIGEST_HOUR": "digest hour",
    "DELEGATION_LINK_MAX_FAILURES": "link guessing limit",
    "DELEGATION_LINK_WINDOW_MINUTES": "link guessing limit",
    "SCORING_RECONCILE_SECONDS": "scoring reconciliation timer",
    "BENCHMARK_REFRESH_SECONDS": "benchmark timers",
    "BENCHMARK_RECONCILE_SECONDS": "benchmark timers",
    "BENCHMARK_DISCLOSURE_COALITION": "disclosure control; the default 2 is the policy",
    "REPORTING_SWEEP_SECONDS": "reporting timers",
    "REPORTING_LEASE_SECONDS": "reporting timers",
    "REPORTING_REPUBLISH_SECONDS": "reporting timers",
    "REPORTING_COLLECT_TIMEOUT": "reporting RPC timeout",
    "MAIL_CATCHER_SMTP_PORT": "local run only (scripts/run-local); compose passes arguments",
    "MAIL_CATCHER_HTTP_PORT": "local run only (scripts/run-local); compose passes arguments",
    "MAIL_CATCHER_DIR": "local run only; compose passes --dir",
    "LOCAL_AMQP_PROBE": "local run only: where it looks for a broker before starting its own",
}
# Read with a name built at run time: one placeholder per component (config.database_url,
# config.metrics_port); the test checks each component's own variable.
PATTERNS = {"DATABASE_URL_{}": COMPONENTS, "METRICS_PORT_{}": SERVICES}
# Reads whose name is a parameter: the one wrapper every other read goes through.
WRAPPERS = {("services/common/config.py", "env")}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def default(value: str) -> str:
    """Compose interpolation with the defaults applied: ``${X:-d}`` is d; a variable without a
    default (``${X}``, ``${X:?message}``) becomes its name in lower case."""
    value = re.sub(r"\$\{[A-Z0-9_]+:-([^}]*)\}", r"\1", str(value))
    return re.sub(r"\$\{([A-Z0-9_]+)(:\?[^}]*)?\}", lambda m: m.group(1).lower(), value)


def _is_os_environ(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "environ"
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    )


def _env_name_node(node: ast.AST) -> ast.AST | None:
    """The node naming the variable, if ``node`` reads the environment."""
    if isinstance(node, ast.Call) and node.args:
        func = node.func
        if isinstance(func, ast.Name) and func.id == "env":
            return node.args[0]
        if isinstance(func, ast.Attribute):
            if func.attr == "env" and isinstance(func.value, ast.Name):
                return node.args[0]
            if func.attr == "get" and _is_os_environ(func.value):
                return node.args[0]
            if func.attr == "getenv" and isinstance(func.value, ast.Name):
                return node.args[0]
    if isinstance(node, ast.Subscript) and _is_os_environ(node.value):
        return node.slice
    return None


def _name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            part.value if isinstance(part, ast.Constant) else "{}" for part in node.values
        )
    return None


def _enclosing_functions(tree: ast.AST) -> dict[ast.AST, str]:
    owner = {}
    for func in ast.walk(tree):
        if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(func):
                owner.setdefault(node, func.name)
    return owner


@functools.cache
def read_variables() -> dict[str, set[str]]:
    """Every environment variable the code reads, with the files reading it."""
    found: dict[str, set[str]] = {}
    unresolved = []
    for top in SCANNED:
        for path in sorted((REPO_ROOT / top).rglob("*.py")):
            relative = path.relative_to(REPO_ROOT).as_posix()
            tree = ast.parse(path.read_text(), relative)
            functions = _enclosing_functions(tree)
            for node in ast.walk(tree):
                name_node = _env_name_node(node)
                if name_node is None:
                    continue
                name = _name(name_node)
                if name is None:
                    if (relative, functions.get(node)) not in WRAPPERS:
                        unresolved.append(f"{relative}:{node.lineno}")
                    continue
                found.setdefault(name, set()).add(relative)
    assert not unresolved, f"environment reads whose name the test cannot see: {unresolved}"
    return found


def owner(path: str) -> str | None:
    """The compose service that must set a variable read in this file (None: any of them)."""
    parts = path.split("/")
    if parts[0] == "services" and parts[1] in SERVICES:
        return parts[1]
    if parts[0] == "gateway":
        return "gateway"
    return None


def dockerfile_env() -> set[str]:
    text = (DEPLOY / "Dockerfile").read_text().replace("\\\n", " ")
    names = set()
    for line in text.splitlines():
        if line.startswith("ENV "):
            names.update(re.findall(r"([A-Z_][A-Z0-9_]*)=", line))
    return names


def test_the_scan_finds_the_variables_the_platform_is_known_to_read():
    found = read_variables()
    for name in ("AMQP_URI", "DATABASE_URL_{}", "METRICS_PORT_{}", "SMTP_HOST", "REPORTS_DIR"):
        assert name in found
    assert found["REPORTS_DIR"] == {"services/reporting/storage.py"}


def compose_config(env_file: Path) -> subprocess.CompletedProcess:
    """``docker-compose config``: the Compose client's own schema check and interpolation (the
    Debian client, installed by scripts/ensure-system-packages; no engine needed)."""
    return subprocess.run(
        [
            "docker-compose",
            "--file",
            str(DEPLOY / "docker-compose.yml"),
            "--env-file",
            str(env_file),
            "config",
        ],
        env={"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_compose_client_accepts_the_file_with_the_example_settings():
    result = compose_config(DEPLOY / ".env.example")
    assert result.returncode == 0, result.stderr
    resolved = yaml.safe_load(result.stdout)["services"]
    replicas = {name: resolved[name]["deploy"]["replicas"] for name in COMPONENTS}
    assert replicas == {**dict.fromkeys(COMPONENTS, 1), "reporting": 2}
    survey_uri = urlparse(resolved["survey"]["environment"]["AMQP_URI"])
    assert (survey_uri.username, survey_uri.password) == ("platform", "change-me-rabbitmq")


def test_the_compose_client_refuses_to_start_without_the_secrets(tmp_path):
    empty = tmp_path / "empty.env"
    empty.write_text("")
    result = compose_config(empty)
    assert result.returncode != 0
    assert "set RABBITMQ_PASSWORD in deploy/.env" in result.stderr


def test_every_component_and_the_infrastructure_is_there(services):
    assert set(services) == set(COMPONENTS) | set(INFRASTRUCTURE)


def test_one_image_a_command_per_component_that_names_real_code(services):
    dockerfile = DEPLOY / "Dockerfile"
    for name in COMPONENTS:
        service = services[name]
        assert (REPO_ROOT / service["build"]["context"].replace("..", ".")).resolve() == REPO_ROOT
        assert DEPLOY / Path(service["build"]["dockerfile"]).name == dockerfile
        assert service["image"] == services["survey"]["image"]
        assert service["command"] == ["python", "-m", "tools.processes", "run", name]
        assert "container_name" not in service, "a fixed name forbids replicas"
        assert service["init"] is True, "an init process forwards SIGTERM to nameko"
    for name, target in SERVICE_CLASSES.items():
        module, cls = target.split(":")
        assert getattr(importlib.import_module(module), cls).name == name
    copied = re.findall(r"^COPY (\S+) ", dockerfile.read_text(), re.MULTILINE)
    for folder in ("services", "gateway", "tools", "data", "pyproject.toml"):
        assert folder in copied
    catcher = services["smtp"]["command"]
    assert catcher[:3] == ["python", "-m", "tools.mail_catcher"]
    assert importlib.import_module("tools.mail_catcher").main


def test_health_checks_and_restart_policies_everywhere(services):
    for name, service in services.items():
        assert service.get("restart") in ("always", "unless-stopped", "on-failure"), name
        assert service.get("healthcheck", {}).get("test"), f"{name} has no health check"
    for name in COMPONENTS:
        test = services[name]["healthcheck"]["test"]
        assert test == ["CMD", "python", "-m", "tools.processes", "check", name]


def test_components_wait_for_healthy_infrastructure(services):
    for name, service in services.items():
        for dependency, condition in (service.get("depends_on") or {}).items():
            assert dependency in services, f"{name} depends on unknown {dependency}"
            assert condition == {"condition": "service_healthy"}, (name, dependency)
            assert services[dependency].get("healthcheck"), dependency
    for name in COMPONENTS:
        assert {"rabbitmq", "postgres"} <= set(services[name]["depends_on"]), name
    assert "smtp" in services["mail"]["depends_on"]


def test_replicas_are_set_per_service(services):
    for name in COMPONENTS:
        replicas = str(services[name]["deploy"]["replicas"])
        assert re.fullmatch(rf"\$\{{{name.upper()}_REPLICAS:-[1-9][0-9]*\}}", replicas), name


def test_every_variable_the_code_reads_is_set_and_nothing_else(services):
    found = read_variables()
    image_env = dockerfile_env()
    environments = {name: set(services[name].get("environment") or {}) for name in COMPONENTS}
    missing = []
    for name, files in sorted(found.items()):
        if name in PATTERNS:
            for component in PATTERNS[name]:
                variable = name.format(component.upper())
                if variable not in environments[component]:
                    missing.append(f"{variable} in {component}")
            continue
        assert "{}" not in name, f"{name}: a new built name; add it to PATTERNS"
        if name in OPTIONAL or name in image_env:
            continue
        owners = {owner(path) for path in files}
        if None in owners and not any(name in env for env in environments.values()):
            missing.append(f"{name} (read in {sorted(files)})")
        for component in owners - {None}:
            if name not in environments[component]:
                missing.append(f"{name} in {component} (read in {sorted(files)})")
    assert not missing, f"not set in docker-compose.yml: {missing}"

    readable = {name for name in found if "{}" not in name}
    for name, patterned in PATTERNS.items():
        readable |= {name.format(component.upper()) for component in patterned}
    for component, variables in environments.items():
        unknown = variables - readable
        assert not unknown, f"{component} sets variables no code reads: {unknown}"
    ours = {name for name in image_env if not name.startswith(("PYTHON", "PIP_"))}
    assert ours <= readable, f"Dockerfile sets unread variables: {ours - readable}"
    for component in COMPONENTS:
        assert "AMQP_URI" in environments[component]


def test_optional_variables_are_read_and_documented():
    found = read_variables()
    documentation = (REPO_ROOT / "docs" / "architecture.md").read_text()
    for name in OPTIONAL:
        assert name in found, f"{name} is allow-listed but no code reads it"
        assert name in documentation, f"{name} is optional but not documented"


def test_one_database_per_component(services):
    script = (DEPLOY / "postgres" / "create-databases.sh").read_text()
    created = re.search(r"^for component in (.+); do$", script, re.MULTILINE).group(1).split()
    assert sorted(created) == sorted(COMPONENTS)
    mounted = [v.split(":")[1] for v in services["postgres"]["volumes"]]
    assert "/docker-entrypoint-initdb.d/10-create-databases.sh" in mounted
    assert (DEPLOY / "postgres" / "create-databases.sh").stat().st_mode & 0o111
    for component in COMPONENTS:
        url = urlparse(services[component]["environment"][f"DATABASE_URL_{component.upper()}"])
        assert url.scheme == "postgresql"
        assert (url.hostname, url.username, url.path) == ("postgres", component, f"/{component}")


def test_rabbitmq_has_management_and_prometheus_plugins(services):
    plugins = (DEPLOY / "rabbitmq" / "enabled_plugins").read_text()
    assert re.fullmatch(r"\[rabbitmq_management,rabbitmq_prometheus\]\.\s*", plugins)
    mounts = {v.split(":")[1]: v.split(":")[0] for v in services["rabbitmq"]["volumes"]}
    assert mounts["/etc/rabbitmq/enabled_plugins"] == "./rabbitmq/enabled_plugins"
    for component in COMPONENTS:
        uri = urlparse(default(services[component]["environment"]["AMQP_URI"]))
        assert (uri.scheme, uri.hostname, uri.port) == ("amqp", "rabbitmq", 5672)


def test_ports_agree_with_the_environment_and_the_scrape_config(services):
    scrape = yaml.safe_load((DEPLOY / "prometheus.yml").read_text())["scrape_configs"]
    jobs = {job["job_name"]: job for job in scrape}
    for name in COMPONENTS:
        environment = services[name]["environment"]
        if name == "gateway":
            port = int(environment["GATEWAY_PORT"])
            assert environment["GATEWAY_HOST"] == "0.0.0.0"  # noqa: S104 - inside the container
            published = [int(str(p).rsplit(":", 1)[1]) for p in services[name]["ports"]]
            assert published == [port]
        else:
            port = int(environment[f"METRICS_PORT_{name.upper()}"])
            assert "ports" not in services[name], "services are reached through RabbitMQ only"
            # The code listens on loopback by default; Prometheus scrapes from its own container.
            assert environment["METRICS_HOST"] == "0.0.0.0", name  # noqa: S104
        (sd,) = jobs[name]["dns_sd_configs"]
        assert (sd["names"], sd["type"], sd["port"]) == ([name], "A", port)
    for job in ("rabbitmq", "rabbitmq-queues"):
        assert jobs[job]["static_configs"][0]["targets"] == ["rabbitmq:15692"]
    assert "prometheus.tcp.port = 15692" in (DEPLOY / "rabbitmq" / "rabbitmq.conf").read_text()


def test_mail_reaches_the_catcher_by_default(services):
    environment = services["mail"]["environment"]
    command = services["smtp"]["command"]
    smtp_port = command[command.index("--smtp-port") + 1]
    assert default(environment["SMTP_HOST"]) == "smtp"
    assert default(environment["SMTP_PORT"]) == smtp_port
    assert command[command.index("--smtp-host") + 1] == "0.0.0.0"  # noqa: S104
    http_port = command[command.index("--http-port") + 1]
    assert [default(p).rsplit(":", 1)[1] for p in services["smtp"]["ports"]] == [http_port]


def test_reporting_workers_share_the_reports_volume(compose, services):
    reports_dir = services["reporting"]["environment"]["REPORTS_DIR"]
    volume, target = services["reporting"]["volumes"][0].split(":")
    assert target == reports_dir
    assert volume in compose["volumes"]
    assert reports_dir.startswith("/var/lib/sikkerhedsbaseline/")
    assert "PLATFORM_VAR_DIR=/var/lib/sikkerhedsbaseline" in (DEPLOY / "Dockerfile").read_text()


def test_required_settings_are_in_the_example_env_file():
    text = (DEPLOY / "docker-compose.yml").read_text()
    required = set(re.findall(r"\$\{([A-Z0-9_]+):\?", text))
    example = (DEPLOY / ".env.example").read_text()
    assert required
    for name in required:
        assert re.search(rf"^{name}=\S+", example, re.MULTILINE), name


def test_grafana_is_provisioned_from_the_mounted_folders(services):
    mounts = {v.split(":")[1]: v.split(":")[0] for v in services["grafana"]["volumes"]}
    assert mounts["/etc/grafana/provisioning"] == "./grafana/provisioning"
    providers = yaml.safe_load(
        (DEPLOY / "grafana" / "provisioning" / "dashboards" / "platform.yml").read_text()
    )["providers"]
    dashboards_path = providers[0]["options"]["path"]
    assert mounts[dashboards_path] == "./grafana/dashboards"
    (source,) = yaml.safe_load(
        (DEPLOY / "grafana" / "provisioning" / "datasources" / "prometheus.yml").read_text()
    )["datasources"]
    assert urlparse(source["url"]).hostname == "prometheus"
    prometheus_mounts = {v.split(":")[1] for v in services["prometheus"]["volumes"]}
    assert {"/etc/prometheus/prometheus.yml", "/etc/prometheus/alerts.yml"} <= prometheus_mounts


def test_the_image_carries_the_design_system_the_gateway_serves():
    """npm ci from the lock file in a build stage; the gateway reads node_modules/dkfds/ at start
    (gateway/frontend.py) and refuses to start without it."""
    text = (DEPLOY / "Dockerfile").read_text()
    assert "COPY package.json package-lock.json ./" in text and "npm ci" in text
    from gateway.frontend import PACKAGE_DIR, ROOT

    target = PACKAGE_DIR.relative_to(ROOT).as_posix()
    assert f"./{target}/dist" in text and f"./{target}/package.json" in text
