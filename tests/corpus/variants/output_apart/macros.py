"""Exercise 4: Macro and Linear; compile() (nodes.compile_roots) expands them."""
from .nodes import Operation, Parameter
from .operations import Add, Multiply


class Macro(Operation):
    def expand(self):
        raise NotImplementedError(f'{type(self).__name__}.expand() is missing')

    def op(self, x):
        raise RuntimeError(f'{type(self).__name__} is a macro: call compile() before evaluating')

    def grad(self):
        raise RuntimeError(f'{type(self).__name__} is a macro: call compile() before backward()')

    def funcify(self):
        return self.expand().funcify()


class Linear(Macro):
    def __init__(self, children):
        super().__init__(children)
        self.weights = [Parameter() for _ in range(len(self.children))]
        self.bias = Parameter()

    def expand(self):
        terms = [Multiply([w, c]) for w, c in zip(self.weights, self.children)]
        return Add(terms + [self.bias])
