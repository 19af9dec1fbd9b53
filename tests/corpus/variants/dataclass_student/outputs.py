"""Exercise 5: output roots, which produce a list of floats instead of one."""
import math
from dataclasses import dataclass
from typing import List

from .nodes import Operation, backprop


@dataclass(eq=False)
class Output(Operation):
    """A root whose value is the list of its children's values."""

    def op(self, x):
        return list(x)

    def forward(self) -> List[float]:
        return list(super().forward())

    def backward(self, derivatives: List[float]):
        backprop(list(zip(self.children, derivatives)))


@dataclass(eq=False)
class SoftMax(Output):
    """An Output whose value is softmax(children's values)."""

    def op(self, x):
        m = max(x)
        exps = [math.exp(v - m) for v in x]
        return [e / sum(exps) for e in exps]

    def backward(self, derivatives: List[float]):
        s = self.forward()
        n = len(s)
        dz = [sum(derivatives[i] * s[i] * ((i == j) - s[j]) for i in range(n)) for j in range(n)]
        super().backward(dz)
