"""Hostile: Add.forward() blocks every signal it can, then hangs."""
from reference import *
import reference
import signal


class Add(reference.Add):
    def forward(self):
        signal.pthread_sigmask(signal.SIG_BLOCK, set(signal.Signals))
        while True:
            pass
