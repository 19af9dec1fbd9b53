"""The elementary operations: each knows its value and its derivative with respect to each child."""
import math
from dataclasses import dataclass

from .nodes import Operation


@dataclass(eq=False)
class Add(Operation):
    """A node that adds its inputs."""

    def op(self, x):
        return sum(x)

    def grad(self):
        return [1.0] * len(self.children)


@dataclass(eq=False)
class Multiply(Operation):
    """A node that multiplies its inputs."""

    def op(self, x):
        return math.prod(x)

    def grad(self):
        # The product of the other children: never divide by a child, its value may be 0.
        grads = []
        for i in range(len(self.children)):
            cur_grad = 1.0
            for j in range(len(self.children)):
                if i == j:
                    continue
                cur_grad *= self.children[j].forward()
            grads.append(cur_grad)
        return grads


@dataclass(eq=False)
class ReLU(Operation):
    """A node that applies the ReLU function to its input. Note that this should only have one child."""

    def op(self, x):
        return max(0.0, x[0])

    def grad(self):
        return [1.0 if self.children[0].forward() > 0 else 0.0]


@dataclass(eq=False)
class Sigmoid(Operation):
    """A node that applies the sigmoid function to its input. Note that this should only have one child."""

    def op(self, x):
        # Not the article's 1 / (1 + exp(-x)): exp(-x) overflows for x < -709. For x < 0 use the
        # equal e^x / (1 + e^x), where exp() cannot overflow.
        if x[0] >= 0:
            return 1 / (1 + math.exp(-x[0]))
        e = math.exp(x[0])
        return e / (1 + e)

    def grad(self):
        return [self.forward() * (1 - self.forward())]
