"""Exercise 4: macros, expanded by compile()."""
from .nodes import Operation, Parameter
from .operations import Add, Multiply


class Macro(Operation):
    """An Operation that stands for the graph its expand() builds over its children."""

    def expand(self):
        raise NotImplementedError(f'{type(self).__name__} must define expand()')

    def op(self, x):
        raise RuntimeError(f'{type(self).__name__} is a macro: compile() the graph first')

    def grad(self, values=None):
        raise RuntimeError(f'{type(self).__name__} is a macro: compile() the graph first')

    def funcify(self):
        return self.expand().funcify()


class Linear(Macro):
    """w_0 x_0 + ... + w_(k-1) x_(k-1) + b, its Parameters made once, when it is built."""

    def __init__(self, children):
        super().__init__(children)
        self.weights = [Parameter() for _ in self.children]
        self.bias = Parameter()

    def expand(self):
        return Add([Multiply([w, x]) for w, x in zip(self.weights, self.children)] + [self.bias])


def expand_all(root):
    """The graph below root with no Macro left; each node handled once (shared stays shared)."""
    done = {}  # id(original node) -> its replacement
    keep = []  # the originals, alive while ids are in use

    def replace(node):
        if id(node) in done:
            return done[id(node)]
        keep.append(node)
        new = node
        while isinstance(new, Macro):
            new = new.expand()
        done[id(node)] = new
        if new is not node:
            keep.append(new)
            done[id(new)] = new
        new.children = [replace(child) for child in new.children]
        return new

    return replace(root)
