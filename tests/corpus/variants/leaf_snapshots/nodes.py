"""Nodes of the network: leaves that hold numbers, and Operations that combine their children.

Caching (exercise 3) works by snapshots, with no bookkeeping at assignment time: a leaf's `value`
is a plain attribute. An Operation remembers the list of its children's values that op() last
ran on, and its result. Evaluating sweeps the graph below once, asking each node for its value
once (`memo`, keyed by id); an Operation whose children's values equal its snapshot returns its
result without calling op(). Nothing is ever marked: a changed leaf shows up as a changed value
in the snapshots of the Operations right above it, which then recompute, and so on upwards.
"""
import random


class NeuralNetNode:
    """A node of the graph. `children` is a list of nodes ([] for a leaf)."""

    def __init__(self, children=None):
        self.children = [] if children is None else list(children)

    def op(self, x):
        raise NotImplementedError

    def forward(self):
        return self.op([child.forward() for child in self.children])

    def __call__(self):
        return self.forward()

    def grad(self):
        raise NotImplementedError

    def evaluate(self, memo):
        """This node's value, recording it (and the values below) in memo[id(node)]."""
        value = self.forward()
        memo[id(self)] = value
        return value

    def backward(self, derivative_from_parent):
        """One SGD step for every Parameter below, given d loss / d (this node)."""
        from .backprop import reverse_accumulate
        memo = {}
        self.evaluate(memo)
        reverse_accumulate([(self, derivative_from_parent)], memo)

    def on_backward(self, derivative_from_parent):
        """Called once per backward() with d loss / d (this node); Parameters update here."""

    def funcify(self):
        raise NotImplementedError


class Input(NeuralNetNode):
    """An input of the network."""

    def __init__(self, value=0.0, name=None):
        super().__init__()
        self.value = value
        self.name = name

    def op(self, x):
        return self.value

    def forward(self):
        return self.value

    def grad(self):
        return []

    def funcify(self):
        if self.name is None:
            raise ValueError('unnamed Input: give it a name, or compile() the graph first')
        return self.name

    def __repr__(self):
        return f'Input(value={self.value!r}, name={self.name!r})'


class Parameter(NeuralNetNode):
    """A trainable number."""

    def __init__(self, value=None, learning_rate=0.01):
        super().__init__()
        self.value = random.uniform(-1, 1) if value is None else value
        self.learning_rate = learning_rate

    def op(self, x):
        return self.value

    def forward(self):
        return self.value

    def grad(self):
        return []

    def on_backward(self, derivative_from_parent):
        self.value = self.value - self.learning_rate * derivative_from_parent

    def funcify(self):
        text = repr(float(self.value))
        return '(' + text + ')' if text.startswith('-') else text

    def __repr__(self):
        return f'Parameter(value={self.value!r}, learning_rate={self.learning_rate!r})'


LEAVES = (Input, Parameter)


class Operation(NeuralNetNode):
    """A node whose value is op() of its children's values."""

    def __init__(self, children):
        if not isinstance(children, (list, tuple)):
            raise TypeError(f'{type(self).__name__} takes a list of children, '
                            f'e.g. {type(self).__name__}([a, b])')
        for child in children:
            if not isinstance(child, NeuralNetNode):
                raise TypeError(f'{type(self).__name__}: {child!r} is not a node')
        super().__init__(children)
        self.snapshot = None    # the children's values op() last ran on
        self.cached = None      # and what it returned
        self.input_cache = None  # compile() (exercise 2) stores find_input_nodes() here

    def evaluate(self, memo):
        key = id(self)
        if key in memo:
            return memo[key]
        values = [child.evaluate(memo) for child in self.children]
        if self.snapshot is None or values != self.snapshot:
            self.cached = self.op(values)
            self.snapshot = values
        memo[key] = self.cached
        return self.cached

    def forward(self):
        return self.evaluate({})

    def child_values(self, values=None):
        """The children's current values (for grad()); `values` when the caller has them."""
        if values is not None:
            return values
        memo = {}
        return [child.evaluate(memo) for child in self.children]

    def find_input_nodes(self):
        found, seen = [], set()

        def visit(node):
            if id(node) in seen:
                return
            seen.add(id(node))
            if isinstance(node, Input):
                found.append(node)
            for child in node.children:
                visit(child)

        visit(self)
        return found

    def compile(self):
        """Expand macros (ex4), remember the Inputs (ex2), name the unnamed ones (ex6)."""
        from .macros import expand_all
        root = expand_all(self)
        inputs = root.find_input_nodes()
        root.input_cache = inputs
        used = {node.name for node in inputs if node.name is not None}
        counter = 0
        for node in inputs:
            if node.name is None:
                while f'x{counter}' in used:
                    counter += 1
                node.name = f'x{counter}'
                used.add(node.name)
        return root

    def predict(self, inputs):
        nodes = self.input_cache
        if nodes is None:
            nodes = self.find_input_nodes()
        if len(inputs) != len(nodes):
            raise ValueError(f'predict() expected {len(nodes)} values, one per Input, '
                             f'but was given {len(inputs)}')
        for node, value in zip(nodes, inputs):
            node.value = value
        return self.forward()

    def __repr__(self):
        return f'{type(self).__name__}({self.children!r})'
