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

    def funcify(self):
        return '(' + ' + '.join(child.funcify() for child in self.children) + ')'


@dataclass(eq=False)
class Multiply(Operation):
    """A node that multiplies its inputs."""

    def op(self, x):
        return math.prod(x)

    def grad(self):
        grads = []
        for i in range(len(self.children)):
            cur_grad = 1.0
            for j in range(len(self.children)):
                if i == j:
                    continue
                cur_grad *= self.children[j].forward()
            grads.append(cur_grad)
        return grads

    def funcify(self):
        return '(' + ' * '.join(child.funcify() for child in self.children) + ')'


@dataclass(eq=False)
class ReLU(Operation):
    """A node that applies the ReLU function to its input. Note that this should only have one child."""

    def op(self, x):
        return max(0.0, x[0])

    def grad(self):
        return [1.0 if self.children[0].forward() > 0 else 0.0]

    def funcify(self):
        return f'relu({self.children[0].funcify()})'


@dataclass(eq=False)
class Sigmoid(Operation):
    """A node that applies the sigmoid function to its input. Note that this should only have one child."""

    def op(self, x):
        if x[0] >= 0:
            return 1 / (1 + math.exp(-x[0]))
        e = math.exp(x[0])
        return e / (1 + e)

    def grad(self):
        return [self.forward() * (1 - self.forward())]

    def funcify(self):
        return f'sigmoid({self.children[0].funcify()})'
