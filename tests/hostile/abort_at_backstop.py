"""Hostile, the way a runtime fails at an address-space limit: ReLU.forward() reserves address
space (untouched) until the kernel refuses, as JAX's allocator would, then aborts a moment later
(SIGABRT). The report must blame the memory limit, not a crash of the code."""
import mmap
import os
import time

from reference import *
import reference


class ReLU(reference.ReLU):
    def forward(self):
        reserved = []
        try:
            while True:
                reserved.append(mmap.mmap(-1, 64 * 2 ** 20))   # never written: not resident
        except OSError:   # ENOMEM: the address-space limit
            pass
        time.sleep(1.5)   # the runtime reports its failure (the judge looks meanwhile)...
        os.abort()        # ...then aborts
