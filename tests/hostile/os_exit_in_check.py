"""Hostile: os._exit(0) inside a check (from ReLU.grad()): the process is gone, no cleanup."""
from reference import *
import reference
import os


class ReLU(reference.ReLU):
    def grad(self):
        os._exit(0)
