"""The nodes: leaves (Input, Parameter) and Operations, with forward caching by dirty flags.

Every node keeps `parents`, the Operations that have it among their children (a list: a shared
node has several, exercise 7). Assigning a leaf's value marks the Operations above it stale; a
stale Operation recomputes in its next forward(), and is clean again after.

The graph helpers at the bottom (walking the graph, finding Inputs, compiling, backpropagating)
take a list of roots, so that Output (outputs.py), which is not an Operation, can use them too.
"""
import random


class NeuralNetNode:
    def __init__(self, children=None):
        self.children = list(children) if children else []
        self.parents = []

    def op(self, x):
        raise NotImplementedError

    def forward(self):
        return self.op([child.forward() for child in self.children])

    def __call__(self):
        return self.forward()

    def grad(self):
        raise NotImplementedError

    def backward(self, derivative_from_parent):
        backpropagate([(self, derivative_from_parent)])

    def on_backward(self, derivative_from_parent):
        pass

    def funcify(self):
        raise NotImplementedError


def mark_stale(nodes):
    """Mark these Operations and everything above them stale, stopping where already stale
    (a stale node's parents were marked when it was)."""
    todo = list(nodes)
    while todo:
        node = todo.pop()
        if not node.stale:
            node.stale = True
            todo.extend(node.parents)


class Leaf(NeuralNetNode):
    def __init__(self, value):
        super().__init__()
        self._value = value

    @property
    def value(self):
        return self._value

    @value.setter
    def value(self, new):
        self._value = new
        mark_stale(self.parents)

    def op(self, x):
        return self._value

    def forward(self):
        return self._value

    def grad(self):
        return []


class Input(Leaf):
    def __init__(self, value=0.0, name=None):
        super().__init__(value)
        self.name = name

    def funcify(self):
        if self.name is None:
            raise ValueError('this Input has no name yet: compile() the graph, or pass name=...')
        return self.name

    def __repr__(self):
        return f'Input({self._value!r}, name={self.name!r})'


class Parameter(Leaf):
    def __init__(self, value=None, learning_rate=0.01):
        if value is None:
            value = random.uniform(-1, 1)
        super().__init__(value)
        self.learning_rate = learning_rate

    def on_backward(self, derivative_from_parent):
        self.value = self._value - self.learning_rate * derivative_from_parent

    def funcify(self):
        text = repr(float(self._value))
        return f'({text})' if text[0] == '-' else text

    def __repr__(self):
        return f'Parameter({self._value!r})'


class Operation(NeuralNetNode):
    def __init__(self, children):
        if not isinstance(children, (list, tuple)) or any(
                not isinstance(c, NeuralNetNode) for c in children):
            raise TypeError(f'{type(self).__name__} expects a list of nodes, got {children!r}')
        super().__init__(children)
        for child in self.children:
            child.parents.append(self)
        self.stale = True
        self.cached = None
        self.inputs = None  # compile() stores the Inputs here (exercise 2)

    def forward(self):
        if self.stale:
            self.cached = self.op([child.forward() for child in self.children])
            self.stale = False
        return self.cached

    def find_input_nodes(self):
        return find_inputs([self])

    def compile(self):
        (root,) = compile_roots([self])
        root.inputs = find_inputs([root])
        name_inputs(root.inputs)
        return root

    def predict(self, inputs):
        nodes = self.inputs if self.inputs is not None else self.find_input_nodes()
        assign(nodes, inputs)
        return self.forward()

    def __repr__(self):
        return f'{type(self).__name__}({self.children!r})'


# --- graph helpers, for Operation and Output alike -----------------------------------------------

def find_inputs(roots):
    """The Inputs below roots, depth-first, left to right, each once."""
    found, seen = [], set()
    stack = list(reversed(roots))
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, Input):
            found.append(node)
        stack.extend(reversed(node.children))
    return found


def assign(nodes, values):
    if len(values) != len(nodes):
        raise ValueError(f'predict() needs {len(nodes)} input values but {len(values)} were given')
    for node, value in zip(nodes, values):
        node.value = value


def name_inputs(inputs):
    taken = {node.name for node in inputs if node.name is not None}
    k = 0
    for node in inputs:
        if node.name is None:
            while f'x{k}' in taken:
                k += 1
            node.name = f'x{k}'
            taken.add(node.name)


def topological(roots):
    """Every node below roots once, parents before children."""
    post, seen = [], set()
    stack = [(root, False) for root in reversed(roots)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            post.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        for child in reversed(node.children):
            if id(child) not in seen:
                stack.append((child, False))
    post.reverse()
    return post


def compile_roots(roots):
    """Expand every macro below roots (exercise 4), link the new nodes to their parents and mark
    everything below stale; returns the roots to use from now on."""
    from .macros import Macro
    replaced = {}
    keep = []  # the originals stay alive while their ids are keys

    def expanded(node):
        if id(node) not in replaced:
            keep.append(node)
            new = node
            while isinstance(new, Macro):
                new = new.expand()
            replaced[id(node)] = new
            new.children = [expanded(child) for child in new.children]
        return replaced[id(node)]

    new_roots = [expanded(root) for root in roots]
    nodes = topological(new_roots)
    for node in nodes:
        for child in node.children:
            if not any(parent is node for parent in child.parents):
                child.parents.append(node)
    # Everything below is stale, and so is everything above it (also in other graphs sharing
    # these nodes): no early stop, since a new link may join a clean parent to a stale child.
    todo, seen = [n for n in nodes if isinstance(n, Operation)], set()
    while todo:
        node = todo.pop()
        if id(node) not in seen:
            seen.add(id(node))
            node.stale = True
            todo.extend(node.parents)
    return new_roots


def backpropagate(seeds):
    """One SGD step from (node, d loss / d node) seeds: adjoints summed over every path with each
    grad() called once (parents before children), then every node's on_backward()."""
    seeds = list(seeds)
    adjoint = {}
    for node, d in seeds:
        adjoint[id(node)] = adjoint.get(id(node), 0.0) + d
    order = topological([node for node, _ in seeds])
    for node in order:
        if not node.children:
            continue
        d = adjoint.get(id(node), 0.0)
        for child, partial in zip(node.children, node.grad()):
            adjoint[id(child)] = adjoint.get(id(child), 0.0) + d * partial
    for node in order:
        node.on_backward(adjoint.get(id(node), 0.0))
