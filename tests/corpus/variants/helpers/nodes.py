"""Nodes with __slots__, a generic Node base below the article's NeuralNetNode, and a Graph helper
that does every traversal (topological order, inputs, parameters, backpropagation) in one place.
"""
import random

_changes = 0  # exercise 3: a global tick, bumped by every assignment to a leaf


def _tick():
    global _changes
    _changes += 1


class Node:
    """Anything with children; no arithmetic. __slots__ keeps nodes small and typo-proof."""
    __slots__ = ('children', '__weakref__')

    def __init__(self, children=()):
        self.children = list(children)

    def walk(self):
        """This node and every node below it, each once, parents before children."""
        return Graph(self).nodes

    def depth(self):
        return 1 + max((child.depth() for child in self.children), default=0)


class NeuralNetNode(Node):
    """A node in our neural network graph."""
    __slots__ = ()

    def op(self, x):
        raise NotImplementedError

    def forward(self):
        return self.op([child.forward() for child in self.children])

    def __call__(self):
        return self.forward()

    def grad(self):
        raise NotImplementedError

    def backward(self, derivative_from_parent):
        Graph(self).backpropagate({self: derivative_from_parent})

    def on_backward(self, derivative_from_parent):
        pass

    def funcify(self):
        raise NotImplementedError

    # --- helpers not in the contract ---

    def parameters(self):
        return Graph(self).parameters()

    def count_nodes(self):
        return len(Graph(self).nodes)


class Leaf(NeuralNetNode):
    __slots__ = ('_value',)

    def __init__(self, value):
        super().__init__()
        self._value = float(value)

    @property
    def value(self):
        return self._value

    @value.setter
    def value(self, new_value):
        self._value = float(new_value)
        _tick()

    def op(self, x):
        return self._value

    def forward(self):
        return self._value

    def grad(self):
        return []

    def __repr__(self):
        return f'{type(self).__name__}({self._value!r})'


class Input(Leaf):
    __slots__ = ('name',)

    def __init__(self, value=0.0, name=None):
        super().__init__(value)
        self.name = name

    def funcify(self):
        if self.name is None:
            raise ValueError('unnamed Input: compile() the root first, or give it a name')
        return self.name


class Parameter(Leaf):
    __slots__ = ('learning_rate',)

    def __init__(self, value=None, learning_rate=0.01):
        super().__init__(random.uniform(-1, 1) if value is None else value)
        self.learning_rate = learning_rate

    def on_backward(self, derivative_from_parent):
        self.value = self.value - self.learning_rate * derivative_from_parent

    def funcify(self):
        text = repr(self.value)
        return f'({text})' if self.value < 0 else text


class Operation(NeuralNetNode):
    __slots__ = ('_cache', '_seen_at', '_input_nodes')

    def __init__(self, children):
        children = list(children)
        if not all(isinstance(child, NeuralNetNode) for child in children):
            raise TypeError(f'{type(self).__name__} takes a list of nodes')
        super().__init__(children)
        self._cache = None        # (children's values, value) of the last op() call
        self._seen_at = None      # the tick at which _cache was last known to be current
        self._input_nodes = None  # compile()

    def forward(self):
        if self._seen_at != _changes:
            values = [child.forward() for child in self.children]
            if self._cache is None or self._cache[0] != values:
                self._cache = (values, self.op(values))
            self._seen_at = _changes
        return self._cache[1]

    def find_input_nodes(self):
        return Graph(self).inputs()

    def compile(self):
        from .macros import expand_macros
        root = expand_macros(self)
        graph = Graph(root)
        root._input_nodes = graph.inputs()
        graph.name_inputs()
        _tick()
        return root

    def predict(self, inputs):
        nodes = self._input_nodes if self._input_nodes is not None else self.find_input_nodes()
        if len(inputs) != len(nodes):
            raise ValueError(f'expected {len(nodes)} inputs, got {len(inputs)}')
        for node, value in zip(nodes, inputs):
            node.value = value
        return self.forward()

    def __repr__(self):
        return f'{type(self).__name__}(<{len(self.children)} children>)'


class Graph:
    """The nodes reachable from some roots, in topological order (parents first)."""

    def __init__(self, *roots):
        self.roots = list(roots)
        self.nodes = self._order()

    def _order(self):
        done, seen, stack = [], set(), [(root, False) for root in reversed(self.roots)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                done.append(node)
            elif node not in seen:
                seen.add(node)
                stack.append((node, True))
                stack.extend((child, False) for child in reversed(node.children))
        return done[::-1]

    def inputs(self):
        """Inputs in depth-first, left-to-right order of first appearance."""
        found, seen, stack = [], set(), list(reversed(self.roots))
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                if isinstance(node, Input):
                    found.append(node)
                stack.extend(reversed(node.children))
        return found

    def parameters(self):
        return [node for node in self.nodes if isinstance(node, Parameter)]

    def name_inputs(self, prefix='x'):
        inputs = self.inputs()
        taken = {node.name for node in inputs}
        counter = 0
        for node in inputs:
            if node.name is None:
                while f'{prefix}{counter}' in taken:
                    counter += 1
                node.name = f'{prefix}{counter}'
                taken.add(node.name)

    def backpropagate(self, seeds):
        """seeds: {root: d loss / d root}. Accumulate, then update every node once."""
        total = dict(seeds)
        for node in self.nodes:
            d = total.get(node, 0.0)
            for child, local in zip(node.children, node.grad()):
                total[child] = total.get(child, 0.0) + d * local
        for node in self.nodes:
            node.on_backward(total.get(node, 0.0))
