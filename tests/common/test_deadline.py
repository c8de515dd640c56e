"""A timer's run is cut off at its bound, so one lost RPC reply cannot stop a reconciler."""

import eventlet

from services.common.deadline import within
from services.common.metrics import TIMER_RUNS_CUT


class Reconciler:
    name = "example"

    def __init__(self) -> None:
        self.finished = []

    @within(0.2)
    def waits_for_a_reply_that_never_comes(self) -> str:
        eventlet.sleep(30)
        self.finished.append("never")
        return "never"

    @within(5)
    def quick(self, value: int) -> int:
        return value * 2


def test_a_run_past_its_bound_is_cut_off_and_counted():
    counted = TIMER_RUNS_CUT.labels(service="example", timer="waits_for_a_reply_that_never_comes")
    before = counted._value.get()
    reconciler = Reconciler()
    assert reconciler.waits_for_a_reply_that_never_comes() is None
    assert reconciler.finished == []
    assert counted._value.get() == before + 1


def test_a_run_within_its_bound_returns_its_result():
    assert Reconciler().quick(21) == 42
