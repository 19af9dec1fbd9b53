"""Exercise 4: macros, operations that stand for a graph of elementary operations."""
from .nodes import Operation, Parameter, write_formula
from .operations import Add, Multiply


class Macro(Operation):
    """An Operation that compile() replaces by the graph its expand() returns."""

    def expand(self):
        """An equivalent graph over self.children; it may itself contain macros."""
        raise NotImplementedError(f'{self.__class__.__name__} must define expand()')

    def op(self, x):
        raise RuntimeError(f'{self.__class__.__name__} is a macro: call compile() on the root '
                           'to expand it before evaluating the network')

    def grad(self):
        self.op([])  # same message: a macro has no derivative of its own

    def formula(self, child_formulas):
        # written as its expansion, whose walk stops at our children: they are written already
        return write_formula(self.expand(), known=dict(zip(self.children, child_formulas)))


class Linear(Macro):
    """w0 * x0 + w1 * x1 + ... + b, with a fresh weight per child and one bias."""

    def __init__(self, children):
        super().__init__(children)
        self.weights = [Parameter() for _ in self.children]
        self.bias = Parameter()

    def expand(self):
        products = [Multiply([weight, child]) for weight, child in zip(self.weights, self.children)]
        return Add(products + [self.bias])


def expand_macros(root):
    """The graph below root with every Macro replaced, however deeply nested; returns the new root.

    Each node is visited once, so a shared node stays shared and its expansion is shared too.
    Depth first with a stack of our own (no recursion, so any depth fits): a node is replaced when
    it is reached, and its children list rewritten once every child below has its replacement.
    """
    replacement = {}  # node -> what stands in its place: itself, or a macro's expansion
    stack = [(root, False)]  # (node, are its children replaced already?)
    while stack:
        node, children_replaced = stack.pop()
        if children_replaced:
            new = replacement[node]
            new.children = [replacement[child] for child in new.children]
        elif node not in replacement:
            new = node
            while isinstance(new, Macro):  # an expansion may itself be a macro
                new = new.expand()
            replacement[node] = new
            stack.append((node, True))  # back to it once everything below it is replaced
            stack.extend((child, False) for child in reversed(new.children))
    return replacement[root]
