"""Add, Multiply, ReLU and Sigmoid. grad(values) takes the children's values when the caller
already has them (backward() does), and evaluates the children otherwise."""
import math

from .nodes import Operation


class Add(Operation):
    def __init__(self, children):
        super().__init__(children)
        if len(self.children) < 1:
            raise ValueError('Add needs at least one child')

    def op(self, x):
        total = 0.0
        for value in x:
            total += value
        return total

    def grad(self, values=None):
        return [1.0 for _ in self.children]

    def funcify(self):
        return '(' + ' + '.join(child.funcify() for child in self.children) + ')'


class Multiply(Operation):
    def __init__(self, children):
        super().__init__(children)
        if len(self.children) < 1:
            raise ValueError('Multiply needs at least one child')

    def op(self, x):
        product = 1.0
        for value in x:
            product *= value
        return product

    def grad(self, values=None):
        x = self.child_values(values)
        # prefix and suffix products: the product of the others without dividing by x[i]
        n = len(x)
        before, after = [1.0] * n, [1.0] * n
        for i in range(1, n):
            before[i] = before[i - 1] * x[i - 1]
        for i in range(n - 2, -1, -1):
            after[i] = after[i + 1] * x[i + 1]
        return [before[i] * after[i] for i in range(n)]

    def funcify(self):
        return '(' + ' * '.join(child.funcify() for child in self.children) + ')'


class _OneChild(Operation):
    def __init__(self, children):
        super().__init__(children)
        if len(self.children) != 1:
            raise ValueError(f'{type(self).__name__} takes exactly one child')


class ReLU(_OneChild):
    def op(self, x):
        return x[0] if x[0] > 0 else 0.0

    def grad(self, values=None):
        x = self.child_values(values)[0]
        return [1.0 if x > 0 else 0.0]

    def funcify(self):
        return 'relu(' + self.children[0].funcify() + ')'


def logistic(z):
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


class Sigmoid(_OneChild):
    def op(self, x):
        return logistic(x[0])

    def grad(self, values=None):
        s = logistic(self.child_values(values)[0])
        return [s * (1.0 - s)]

    def funcify(self):
        return 'sigmoid(' + self.children[0].funcify() + ')'
