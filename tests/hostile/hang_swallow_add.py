"""Hostile: Add.forward() never returns and swallows every exception (the per-example and CPU
timers raise inside it), so only the parent's wall-clock kill can stop it."""
from reference import *
import reference


class Add(reference.Add):
    def forward(self):
        while True:
            try:
                while True:
                    pass
            except BaseException:
                pass
