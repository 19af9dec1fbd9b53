"""Hostile: Multiply.forward() calls itself forever."""
from reference import *
import reference


class Multiply(reference.Multiply):
    def forward(self):
        return self.forward()
