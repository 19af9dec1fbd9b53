"""Hostile: Add.forward() never returns (a plain endless loop)."""
from reference import *
import reference


class Add(reference.Add):
    def forward(self):
        while True:
            pass
