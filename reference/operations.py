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

    def formula(self, child_formulas):
        return '(' + ' + '.join(child_formulas) + ')'


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
        if len(self.children) == 2:  # the common case, written out
            a, b = self.children
            return [b.forward(), a.forward()]
        values = [child.forward() for child in self.children]
        return [math.prod(values[:i] + values[i + 1:]) for i in range(len(values))]

    def formula(self, child_formulas):
        return '(' + ' * '.join(child_formulas) + ')'


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

    def formula(self, child_formulas):
        return f'relu({child_formulas[0]})'


def sigmoid(x):
    """1 / (1 + e^-x), computed without overflow for any finite x."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)  # x < 0: e^x cannot overflow
    return e / (1.0 + e)


class Sigmoid(UnaryOperation):
    """The logistic function."""

    def op(self, x):
        return sigmoid(x[0])

    def grad(self):
        s = self.forward()
        return [s * (1.0 - s)]

    def formula(self, child_formulas):
        return f'sigmoid({child_formulas[0]})'
