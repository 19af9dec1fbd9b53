"""Hostile, the way C code fails when memory runs short: ReLU.forward() writes 440 MB (under a
512 MB memory limit, with the interpreter's own about 470 MB in all: near the limit, not past
it), then aborts (SIGABRT) 1.5 s later: long enough for the judge to look at least once even on a
loaded machine (it looks every 10 ms here). The report must blame the memory limit."""
import os
import time

from reference import *
import reference


class ReLU(reference.ReLU):
    def forward(self):
        kept = [bytearray(2 ** 20) for _ in range(440)]   # zeroed: all of it resident
        time.sleep(1.5)
        os.abort()
