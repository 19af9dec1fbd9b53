"""Not hostile, slow on the wall clock only: the first Add.forward() of each process waits 1 s, as
code does when a loaded machine deschedules it. The example uses almost no CPU time, so it does
not time out at 0.5 s per example; judged by the wall clock, it would."""
from reference import *
import reference
import time

_PAUSED = []


class Add(reference.Add):
    def forward(self):
        if not _PAUSED:
            _PAUSED.append(True)
            time.sleep(1.0)
        return super().forward()
