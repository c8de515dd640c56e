"""End-to-end tests share the SMTP catcher fixture of tests/support/platform.py."""

from tests.support.platform import catcher  # noqa: F401 - a fixture, used by name
