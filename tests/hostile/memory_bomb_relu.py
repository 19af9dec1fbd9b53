"""Hostile: ReLU.forward() allocates without bound (bytes(n) reserves zeroed memory without
touching it, so the address-space limit stops it at once, never a timer)."""
from reference import *
import reference


class ReLU(reference.ReLU):
    def forward(self):
        hoard = []
        while True:
            hoard.append(bytes(16 * 1024 * 1024))
