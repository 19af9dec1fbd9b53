"""Exercise 4: macros, operations that stand for a tree of elementary operations."""
from dataclasses import dataclass, field
from typing import List

from .nodes import Operation, Parameter
from .operations import Add, Multiply


@dataclass(eq=False)
class Macro(Operation):
    """An Operation that compile() replaces by what expand() returns."""

    def expand(self) -> Operation:
        raise NotImplementedError

    def op(self, x):
        raise RuntimeError('compile() first')


@dataclass(eq=False)
class Linear(Macro):
    """w_0 * x_0 + ... + w_(k-1) * x_(k-1) + b over its k = len(children) children."""
    weights: List[Parameter] = field(init=False)
    bias: Parameter = field(init=False)

    def __post_init__(self):
        self.weights = [Parameter() for _ in self.children]
        self.bias = Parameter()

    def expand(self) -> Operation:
        return Add([Multiply([w, x]) for w, x in zip(self.weights, self.children)] + [self.bias])
