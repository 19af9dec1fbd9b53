"""checks/deadline.py: an example's limit is the executor's CPU time, the wall clock a backstop."""
import time

import pytest

from checks.deadline import WALL_BACKSTOP, Deadline


class Executor:
    def __init__(self, cpu):
        self.cpu = cpu

    def cpu_seconds(self):
        return self.cpu


def test_with_cpu_time_the_wall_clock_is_a_backstop():
    now = time.monotonic()
    deadline = Deadline.for_example(Executor(3.0), 2.0, now + 100)
    assert deadline.cpu == 5.0
    assert deadline.wall - now == pytest.approx(WALL_BACKSTOP * 2.0, abs=0.5)
    assert deadline.exceeded(waited=False) == 'used more than 2 s of CPU time'
    assert 'still running after 10 s (wall clock) without using 2 s of CPU time' in \
        deadline.exceeded(waited=True)


def test_without_cpu_time_the_wall_clock_is_the_limit():
    now = time.monotonic()
    deadline = Deadline.for_example(Executor(None), 2.0, now + 100)
    assert deadline.cpu is None and deadline.wall - now == pytest.approx(2.0, abs=0.5)
    assert deadline.exceeded(waited=True) == 'ran longer than 2 s'
    assert deadline.wall_clock_only() == deadline


def test_the_check_ends_first():
    now = time.monotonic()
    assert Deadline.for_example(Executor(0.0), 2.0, now + 1).wall == now + 1


def test_starting_the_executor_moves_both_clocks():
    deadline = Deadline(2.0, started=100.0, ends=200.0, cpu=7.0)
    later = deadline.later(3.0, 0.5)
    assert (later.wall, later.ends, later.cpu) == (113.0, 203.0, 7.5)
    assert later.wall_clock_only().wall == 105.0


def test_a_bare_time_is_a_wall_clock_deadline():
    at = time.monotonic() + 4
    deadline = Deadline.of(at)
    assert deadline.cpu is None and deadline.wall == at
    assert Deadline.of(deadline) is deadline
