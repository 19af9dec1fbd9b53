"""Operations, including two the contract does not ask for (Sub and Neg)."""
import math

from .nodes import Operation


class Add(Operation):
    __slots__ = ()

    def op(self, x):
        return math.fsum(x)

    def grad(self):
        return [1.0 for _ in self.children]

    def funcify(self):
        return '(' + ' + '.join(child.funcify() for child in self.children) + ')'


class Multiply(Operation):
    __slots__ = ()

    def op(self, x):
        result = 1.0
        for value in x:
            result *= value
        return result

    def grad(self):
        values = [child.forward() for child in self.children]
        out = []
        for i in range(len(values)):
            product = 1.0
            for j, value in enumerate(values):
                if j != i:
                    product *= value
            out.append(product)
        return out

    def funcify(self):
        return '(' + ' * '.join(child.funcify() for child in self.children) + ')'


class Sub(Operation):
    """a - b: not in the contract, a helper of this implementation."""
    __slots__ = ()

    def op(self, x):
        return x[0] - x[1]

    def grad(self):
        return [1.0, -1.0]

    def funcify(self):
        return f'({self.children[0].funcify()} - {self.children[1].funcify()})'


class Neg(Operation):
    """-a: not in the contract either."""
    __slots__ = ()

    def op(self, x):
        return -x[0]

    def grad(self):
        return [-1.0]

    def funcify(self):
        return f'(-{self.children[0].funcify()})'


class ReLU(Operation):
    __slots__ = ()

    def op(self, x):
        return x[0] if x[0] > 0 else 0.0

    def grad(self):
        x = self.children[0].forward()
        return [1.0 if x > 0 else 0.5 if x == 0 else 0.0]  # the midpoint at the kink

    def funcify(self):
        return f'relu({self.children[0].funcify()})'


def sigmoid(x):
    if x < 0:
        e = math.exp(x)
        return e / (1.0 + e)
    return 1.0 / (1.0 + math.exp(-x))


class Sigmoid(Operation):
    __slots__ = ()

    def op(self, x):
        return sigmoid(x[0])

    def grad(self):
        s = sigmoid(self.children[0].forward())
        return [s * (1.0 - s)]

    def funcify(self):
        return f'sigmoid({self.children[0].funcify()})'
