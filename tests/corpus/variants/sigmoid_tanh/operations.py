"""The elementary operations: each knows its value and its local derivatives."""
import math

from .nodes import Operation


class Add(Operation):
    """The sum of one or more children."""

    def __init__(self, children):
        super().__init__(children)
        if not self.children:
            raise ValueError('Add needs at least one child')

    def op(self, x):
        return sum(x)

    def grad(self):
        return [1.0] * len(self.children)

    def funcify(self):
        return '(' + ' + '.join(child.funcify() for child in self.children) + ')'


class Multiply(Operation):
    """The product of one or more children."""

    def __init__(self, children):
        super().__init__(children)
        if not self.children:
            raise ValueError('Multiply needs at least one child')

    def op(self, x):
        return math.prod(x)

    def grad(self):
        # d(x0 * x1 * ... )/d(xi) is the product of the others; never divide by xi, it may be 0.
        values = [child.forward() for child in self.children]
        return [math.prod(values[:i] + values[i + 1:]) for i in range(len(values))]

    def funcify(self):
        return '(' + ' * '.join(child.funcify() for child in self.children) + ')'


class UnaryOperation(Operation):
    """An operation with exactly one child."""

    def __init__(self, children):
        super().__init__(children)
        if len(self.children) != 1:
            raise ValueError(f'{self.__class__.__name__} takes exactly one child, as in '
                             f'{self.__class__.__name__}([x]); got {len(self.children)}')


class ReLU(UnaryOperation):
    """max(0, x)."""

    def op(self, x):
        return max(0.0, x[0])

    def grad(self):
        return [1.0 if self.children[0].forward() > 0 else 0.0]

    def funcify(self):
        return f'relu({self.children[0].funcify()})'


def sigmoid(x):
    """1 / (1 + e^-x) = (1 + tanh(x / 2)) / 2: tanh never overflows, so no case split."""
    return 0.5 * (1.0 + math.tanh(0.5 * x))


class Sigmoid(UnaryOperation):
    """The logistic function."""

    def op(self, x):
        return sigmoid(x[0])

    def grad(self):
        # s (1 - s) = (1 - tanh(x / 2)^2) / 4
        t = math.tanh(0.5 * self.children[0].forward())
        return [0.25 * (1.0 - t * t)]

    def funcify(self):
        return f'sigmoid({self.children[0].funcify()})'
