"""Hostile: Add.forward() waits forever without computing (a sleep: no CPU time used)."""
from reference import *
import reference
import time


class Add(reference.Add):
    def forward(self):
        time.sleep(3600)
