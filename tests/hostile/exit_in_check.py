"""Hostile: sys.exit(0) inside a check (from Sigmoid.grad())."""
from reference import *
import reference
import sys


class Sigmoid(reference.Sigmoid):
    def grad(self):
        sys.exit(0)
