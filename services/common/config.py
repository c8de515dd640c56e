"""Configuration from the environment, with defaults that make a local run work unconfigured."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
VAR_DIR = Path(os.environ.get("PLATFORM_VAR_DIR", REPO_ROOT / "var"))
DATA_DIR = REPO_ROOT / "data"

SERVICES = ("survey", "delegation", "scoring", "benchmark", "reporting", "mail")
DEFAULT_METRICS_PORTS = {
    "survey": 9101,
    "delegation": 9102,
    "scoring": 9103,
    "benchmark": 9104,
    "reporting": 9105,
    "mail": 9106,
}


def env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


def amqp_uri() -> str:
    return env("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")


def database_url(component: str) -> str:
    """One database per component; a SQLite file under var/ unless a URL is given."""
    default = f"sqlite:///{VAR_DIR / f'{component}.db'}"
    return env(f"DATABASE_URL_{component.upper()}", default)


def metrics_port(service: str) -> int:
    return int(env(f"METRICS_PORT_{service.upper()}", str(DEFAULT_METRICS_PORTS[service])))


def metrics_host() -> str:
    """Where the services' metrics ports listen: loopback in a local run, so nobody on the
    network reads them; compose sets 0.0.0.0 inside the containers for Prometheus."""
    return env("METRICS_HOST", "127.0.0.1")


def max_workers() -> int:
    return int(env("MAX_WORKERS", "10"))


def rpc_timeout() -> float:
    return float(env("RPC_TIMEOUT", "5"))


def rpc_pool_size() -> int:
    return int(env("RPC_POOL_SIZE", "8"))


def is_production() -> bool:
    return env("PLATFORM_ENV", "development") == "production"


def nameko_config() -> dict:
    """The config dict nameko's runner and standalone proxies expect."""
    return {
        "AMQP_URI": amqp_uri(),
        "max_workers": max_workers(),
        "parent_calls_tracked": 10,
        "serializer": "json",
    }
