"""The four elementary operations."""
import math

from .nodes import Operation


class Add(Operation):
    def __init__(self, children):
        super().__init__(children)
        if not self.children:
            raise ValueError('Add([]) has nothing to add')

    def op(self, x):
        return sum(x)

    def grad(self):
        return [1.0] * len(self.children)

    def funcify(self):
        return '(' + ' + '.join(c.funcify() for c in self.children) + ')'


class Multiply(Operation):
    def __init__(self, children):
        super().__init__(children)
        if not self.children:
            raise ValueError('Multiply([]) has nothing to multiply')

    def op(self, x):
        result = 1.0
        for v in x:
            result = result * v
        return result

    def grad(self):
        x = [c.forward() for c in self.children]
        partials = []
        for i in range(len(x)):
            p = 1.0
            for j, v in enumerate(x):
                if j != i:
                    p = p * v
            partials.append(p)
        return partials

    def funcify(self):
        return '(' + ' * '.join(c.funcify() for c in self.children) + ')'


class ReLU(Operation):
    def __init__(self, children):
        super().__init__(children)
        if len(self.children) != 1:
            raise ValueError('ReLU takes one child: ReLU([x])')

    def op(self, x):
        return max(0.0, x[0])

    def grad(self):
        return [1.0 if self.children[0].forward() > 0 else 0.0]

    def funcify(self):
        return f'relu({self.children[0].funcify()})'


def _sigmoid(z):
    if z < 0:
        e = math.exp(z)
        return e / (1.0 + e)
    return 1.0 / (1.0 + math.exp(-z))


class Sigmoid(Operation):
    def __init__(self, children):
        super().__init__(children)
        if len(self.children) != 1:
            raise ValueError('Sigmoid takes one child: Sigmoid([x])')

    def op(self, x):
        return _sigmoid(x[0])

    def grad(self):
        s = self.forward()
        return [s * (1.0 - s)]

    def funcify(self):
        return f'sigmoid({self.children[0].funcify()})'
