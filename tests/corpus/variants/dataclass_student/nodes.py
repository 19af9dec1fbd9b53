"""The article's dataclass nodes, each exercise solved the shortest way a student would."""
import random
from dataclasses import dataclass, field
from typing import List, Optional


@dataclass(eq=False)
class NeuralNetNode:
    """A node in our neural network tree."""
    children: List['NeuralNetNode'] = field(default_factory=list)

    def op(self, x: List[float]) -> float:
        """The operation that this node performs on its children's values."""
        raise NotImplementedError

    def forward(self) -> float:
        return self.op([child.forward() for child in self.children])

    # This is just for convenience
    def __call__(self) -> float:
        return self.forward()

    def grad(self) -> List[float]:
        raise NotImplementedError

    def backward(self, derivative_from_parent: float):
        # Exercise 7: topological order, sum the derivatives, then update.
        backprop([(self, derivative_from_parent)])

    def on_backward(self, derivative_from_parent: float):
        """Hook for subclasses to override. Things like updating parameters"""
        pass

    def funcify(self) -> str:
        raise NotImplementedError


def backprop(roots):
    order, visited = [], set()

    def visit(node):
        if node in visited:
            return
        visited.add(node)
        for child in node.children:
            visit(child)
        order.append(node)

    derivs = {}
    for node, d in roots:
        visit(node)
        derivs[node] = derivs.get(node, 0.0) + d
    for node in reversed(order):
        d = derivs.get(node, 0.0)
        for child, g in zip(node.children, node.grad()):
            derivs[child] = derivs.get(child, 0.0) + d * g
    for node in order:
        node.on_backward(derivs.get(node, 0.0))


@dataclass(eq=False)
class Input(NeuralNetNode):
    """A leaf node that represents an input to the network."""
    value: float = 0.0
    name: Optional[str] = None

    def op(self, x):
        return self.value

    def grad(self) -> List[float]:
        return [1.0]

    def funcify(self):
        return self.name

    def __repr__(self):
        return f'{self.__class__.__name__}({self.value})'


@dataclass(eq=False)
class Parameter(NeuralNetNode):
    """A leaf node that represents a parameter to the network."""
    value: float = field(default_factory=lambda: random.uniform(-1, 1))
    learning_rate: float = 0.01

    def op(self, x):
        return self.value

    def grad(self):
        return [1.0]

    def on_backward(self, derivative_from_parent: float):
        self.value -= derivative_from_parent * self.learning_rate

    def funcify(self):
        return str(self.value)

    def __repr__(self):
        return f'{self.__class__.__name__}({self.value})'


@dataclass(eq=False)
class Operation(NeuralNetNode):
    """A node that performs an operation on its inputs."""

    def forward(self):
        # Exercise 3: call op() again only if a child's value changed.
        values = [child.forward() for child in self.children]
        if getattr(self, '_seen', None) != values:
            self._cached = self.op(values)
            self._seen = values
        return self._cached

    def find_input_nodes(self) -> List[Input]:
        """Find all of the input nodes in the subtree rooted at this node, left to right."""
        input_nodes, visited = [], set()

        def visit(node):
            if id(node) in visited:  # a shared node: its Inputs are listed already
                return
            visited.add(id(node))
            if isinstance(node, Input):
                input_nodes.append(node)
            for child in node.children:
                visit(child)

        visit(self)
        return input_nodes

    def expand_all(self, done=None):
        done = {} if done is None else done  # id(node) -> (node, its expansion): shared once
        if id(self) in done:
            return done[id(self)][1]
        node = self
        while hasattr(node, 'expand'):
            node = node.expand()
        done[id(self)] = (self, node)  # self kept alive: a dead node's id may be reused
        node.children = [child.expand_all(done) if isinstance(child, Operation) else child
                         for child in node.children]
        return node

    def compile(self) -> 'Operation':
        root = self.expand_all()
        root._input_nodes = root.find_input_nodes()
        names = {node.name for node in root._input_nodes}
        k = 0
        for node in root._input_nodes:
            if node.name is None:
                while f'x{k}' in names:
                    k += 1
                node.name = f'x{k}'
                names.add(node.name)
        return root

    def predict(self, inputs: List[float]) -> float:
        input_nodes = getattr(self, '_input_nodes', None)
        if input_nodes is None:
            input_nodes = self.find_input_nodes()
        if len(input_nodes) != len(inputs):
            raise ValueError(f'expected {len(input_nodes)} inputs, got {len(inputs)}')
        for input_node, value in zip(input_nodes, inputs):
            input_node.value = value
        return self.forward()
