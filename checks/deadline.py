"""When an example's time is up.

An example may use `seconds` of the executor's CPU time: a machine busy with other work (a CI
runner with parallel jobs, a laptop compiling) slows the wall clock of a correct solution, not the
work it does, and a verdict must not depend on the load. The wall clock stays as a backstop
(WALL_BACKSTOP times as long) for code that waits rather than computes (a sleep, a blocked pipe,
a lock), and is the whole limit where the executor's CPU time cannot be read (not Linux).
"""
import time
from dataclasses import dataclass, replace

WALL_BACKSTOP = 5


@dataclass(frozen=True)
class Deadline:
    seconds: float            # what the example may use: CPU time where it is read, else wall
    started: float            # time.monotonic() when it started
    ends: float               # time.monotonic() when the check's own time is up
    cpu: float | None = None  # the executor's cpu_seconds() at which it is stopped; None: wall only

    @classmethod
    def for_example(cls, executor, seconds, ends):
        """The deadline of an example starting now, on `executor`, within the check's `ends`."""
        used = executor.cpu_seconds()
        return cls(seconds, time.monotonic(), ends, None if used is None else used + seconds)

    @classmethod
    def of(cls, deadline):
        """A Deadline from a Deadline, or from a bare time.monotonic() (wall clock alone)."""
        if isinstance(deadline, Deadline):
            return deadline
        now = time.monotonic()
        return cls(max(0.0, deadline - now), now, deadline)

    @property
    def wall(self):
        """time.monotonic() at which the example is stopped, whatever it does."""
        return min(self.ends, self.started + self.wall_seconds)

    @property
    def wall_seconds(self):
        return self.seconds * (1 if self.cpu is None else WALL_BACKSTOP)

    def later(self, wall, cpu):
        """The same deadline moved by `wall` seconds of wall clock and `cpu` of CPU time (what
        starting an executor took, which is not the example's)."""
        return replace(self, started=self.started + wall, ends=self.ends + wall,
                       cpu=None if self.cpu is None else self.cpu + cpu)

    def wall_clock_only(self):
        """The same deadline where the executor's CPU time cannot be read."""
        return replace(self, cpu=None)

    def exceeded(self, waited):
        """What a time-out of this deadline means, in a student's words; `waited`: the wall-clock
        backstop ended it, not the CPU time."""
        if self.cpu is None:
            return f'ran longer than {self.seconds:g} s'
        if waited:
            return (f'was still running after {self.wall_seconds:g} s (wall clock) without using '
                    f'{self.seconds:g} s of CPU time: is it waiting for something (a sleep, '
                    'input, a lock)?')
        return f'used more than {self.seconds:g} s of CPU time'
