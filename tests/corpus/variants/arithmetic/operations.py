"""The elementary operations: each knows its value and its local derivatives."""
import math
import operator
from functools import reduce
from itertools import accumulate

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
        return [1 for _ in self.children]  # ints: d(sum)/d(x_i) is exactly 1

    def funcify(self):
        return '(' + ' + '.join(child.funcify() for child in self.children) + ')'


class Multiply(Operation):
    """The product of one or more children."""

    def __init__(self, children):
        super().__init__(children)
        if not self.children:
            raise ValueError('Multiply needs at least one child')

    def op(self, x):
        return reduce(operator.mul, x)

    def grad(self):
        # The product of the others as (product of those before) * (product of those after):
        # prefix and suffix products, linear in the number of children, no division.
        values = [child.forward() for child in self.children]
        before = [1.0] + list(accumulate(values[:-1], operator.mul))
        after = list(accumulate(reversed(values[1:]), operator.mul))[::-1] + [1.0]
        return [b * a for b, a in zip(before, after)]

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
        (value,) = x
        return value if value > 0 else 0.0

    def grad(self):
        return [1.0 if self.children[0].forward() > 0 else 0.0]

    def funcify(self):
        return f'relu({self.children[0].funcify()})'


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
        # s (1 - s) = e^-|x| / (1 + e^-|x|)^2, symmetric in x, and exp() cannot overflow.
        e = math.exp(-abs(self.children[0].forward()))
        return [e / (1.0 + e) ** 2]

    def funcify(self):
        return f'sigmoid({self.children[0].funcify()})'
