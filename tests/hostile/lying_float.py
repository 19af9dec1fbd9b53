"""Hostile: Multiply.forward() returns a float subclass whose __eq__ always says True and whose
__float__ reports the right product, while the number it really is is wrong (product + 1)."""
from reference import *
import reference
import math


class LyingFloat(float):
    def __new__(cls, true_value):
        self = super().__new__(cls, true_value + 1.0)
        self.claimed = true_value
        return self

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = float.__hash__

    def __float__(self):
        return self.claimed

    def __repr__(self):
        return repr(self.claimed)


class Multiply(reference.Multiply):
    def forward(self):
        return LyingFloat(math.prod(child.forward() for child in self.children))
