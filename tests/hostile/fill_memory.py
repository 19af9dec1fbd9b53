"""Hostile: ReLU.forward() fills memory without bound, writing every byte it allocates, so that
all of it is resident: the judge's memory watchdog stops it at the memory limit."""
from reference import *
import reference


class ReLU(reference.ReLU):
    def forward(self):
        hoard = []
        while True:
            hoard.append(bytearray(32 * 1024 * 1024))   # zeroed: 32 MB resident each time
