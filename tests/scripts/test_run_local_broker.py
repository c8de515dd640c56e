"""The local run on a bare machine: with no broker answering it starts a private RabbitMQ node
(``tools/private_broker``, the one the fault suite uses) and stops it again; without the
package and without root it says what to run and starts nothing."""

import socket

import kombu
import pytest

from services.common import config
from tools import private_broker, run_local
from tools.private_broker import free_port
from tools.processes import BrokerUnreachable


@pytest.fixture
def bare(monkeypatch, tmp_path):
    """No broker where the local run looks, no AMQP_URI set, var/ in a temporary folder."""
    monkeypatch.setenv("LOCAL_AMQP_PROBE", f"127.0.0.1:{free_port()}")
    monkeypatch.delenv("AMQP_URI", raising=False)
    monkeypatch.setattr(config, "VAR_DIR", tmp_path / "var")
    return {"AMQP_URI": "amqp://guest:guest@127.0.0.1:5672/"}


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def test_a_bare_machine_gets_a_private_node_that_stops_with_the_run(bare, tmp_path):
    node = run_local.local_broker(bare)
    try:
        assert node is not None
        assert node.folder == tmp_path / "var" / "rabbitmq"
        assert bare["AMQP_URI"] == node.uri != "amqp://guest:guest@127.0.0.1:5672/"
        with kombu.Connection(node.uri, connect_timeout=5) as conn:
            queue = conn.SimpleQueue("bare-machine")
            queue.put({"hej": "kommune"})
            assert queue.get(timeout=5).payload == {"hej": "kommune"}
            queue.close()
    finally:
        if node is not None:
            node.stop()
    assert not _answers(node.port)


def test_without_the_package_and_root_it_says_what_to_run(bare, monkeypatch):
    monkeypatch.setattr(private_broker, "installed", lambda: False)
    monkeypatch.setattr(run_local.os, "geteuid", lambda: 1000)
    started = []
    monkeypatch.setattr(run_local.RabbitNode, "start", lambda self: started.append(self))
    with pytest.raises(BrokerUnreachable, match="sudo apt-get install -y rabbitmq-server"):
        run_local.local_broker(bare)
    assert started == []


def test_an_amqp_uri_the_operator_set_is_not_replaced(bare, monkeypatch):
    monkeypatch.setenv("AMQP_URI", f"amqp://guest:guest@127.0.0.1:{free_port()}/")
    started = []
    monkeypatch.setattr(run_local.RabbitNode, "start", lambda self: started.append(self))
    with pytest.raises(BrokerUnreachable, match="not reachable"):
        run_local.local_broker({"AMQP_URI": config.amqp_uri()})
    assert started == []


def test_a_broker_that_answers_is_used_as_it_is(monkeypatch):
    monkeypatch.delenv("LOCAL_AMQP_PROBE", raising=False)
    monkeypatch.delenv("AMQP_URI", raising=False)
    env = {"AMQP_URI": "amqp://guest:guest@127.0.0.1:5672/"}
    assert run_local.local_broker(env) is None
    assert env["AMQP_URI"] == "amqp://guest:guest@127.0.0.1:5672/"
