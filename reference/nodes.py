"""The nodes of the network graph: the article's framework with exercises 2, 3, 6 and 7 solved.

A network is a graph of nodes. Leaves (Input, Parameter) hold numbers; an Operation combines the
values of its children. Any node may have several parents (exercise 7), so "tree" below means
"the graph reachable from a root".

compile() (exercise 2) takes its idea to the end: besides the Inputs, it keeps the whole graph as a
flat list in topological order (a Tape), so that forward() and backward() on the compiled root walk
that list instead of searching the graph on every call.

Every walk through the graph (evaluating, differentiating, expanding macros, writing a formula)
keeps its own stack of the nodes still to visit instead of recursing: a recursive walk takes one
Python frame per level and stops with RecursionError at Python's recursion limit (1000 frames by
default), far short of a network thousands of nodes deep.
"""
import random
from collections import Counter

# Exercise 3 (forward caching). Every assignment to a leaf's value ticks this counter. An Operation
# remembers the tick at which it last checked its children: if nothing ticked since, its cached
# value is still right, whatever the size of the graph below it.
_changes = 0


def _note_change():
    global _changes
    _changes += 1


class NeuralNetNode:
    """A node in our neural network graph."""

    def __init__(self, children=None):
        self.children = list(children) if children is not None else []

    def op(self, x):
        """The operation this node performs on its children's values."""
        raise NotImplementedError

    def forward(self):
        """The value of this node. This is the article's recursive definition: Leaf and Operation
        replace it, Operation's with one that does not recurse."""
        return self.op([child.forward() for child in self.children])

    def __call__(self):
        return self.forward()

    def grad(self):
        """Partial derivatives of this node with respect to each child, at the current values."""
        raise NotImplementedError

    def backward(self, derivative_from_parent):
        """One step of gradient descent on every Parameter below this node (exercise 7).

        derivative_from_parent is d(loss)/d(this node). Every partial derivative is computed
        before any Parameter changes, so a Parameter used in several places sees one update.
        """
        backpropagate([(self, derivative_from_parent)], self._tape)

    _tape = None  # compile() gives the root it returns a Tape of the graph below it

    def on_backward(self, derivative_from_parent):
        """Hook for subclasses: called once per backward(), with d(loss)/d(this node)."""

    def funcify(self):
        """This node as a Python expression (exercise 6), e.g. '(0.1 + 0.2)'.

        Each class says how to write itself from its children's expressions (formula()); this
        method writes the whole graph below, children first (write_formula()).
        """
        return write_formula(self)

    def formula(self, child_formulas):
        """This node as a Python expression, given each child's expression (exercise 6)."""
        raise NotImplementedError


class Leaf(NeuralNetNode):
    """A node that holds a number. Assigning `value` invalidates every cache above it."""

    def __init__(self, value):
        super().__init__()
        self._value = float(value)

    @property
    def value(self):
        return self._value

    @value.setter
    def value(self, new_value):
        global _changes
        self._value = float(new_value)
        _changes += 1  # as _note_change() does, without the call: this runs on every update

    def op(self, x):
        return self.value

    def forward(self):
        return self._value

    def grad(self):
        return []  # a leaf has no children

    def __repr__(self):
        return f'{self.__class__.__name__}({self.value})'


class Input(Leaf):
    """A leaf that holds an input of the network. compile() names the unnamed ones x0, x1, ..."""

    def __init__(self, value=0.0, name=None):
        super().__init__(value)
        self.name = name

    def formula(self, child_formulas):
        if self.name is None:
            raise ValueError('this Input has no name: build it with Input(name=...) '
                             'or call compile() on the root first')
        return self.name

    def __repr__(self):
        if self.name is None:
            return f'Input({self.value})'
        return f'Input({self.value}, name={self.name!r})'


class Parameter(Leaf):
    """A leaf that training adjusts."""

    def __init__(self, value=None, learning_rate=0.01):
        super().__init__(random.uniform(-1, 1) if value is None else value)
        self.learning_rate = learning_rate

    def on_backward(self, derivative_from_parent):
        # value -= ..., read from the field (no getter call), written through the setter (exercise 3)
        self.value = self._value - self.learning_rate * derivative_from_parent

    def formula(self, child_formulas):
        text = repr(self.value)  # repr reads back to the same float
        return f'({text})' if text.startswith('-') else text


class Operation(NeuralNetNode):
    """A node that computes a value from its children's values."""

    def __init__(self, children):
        if not isinstance(children, (list, tuple)) or not all(
                isinstance(child, NeuralNetNode) for child in children):
            raise TypeError(f'{self.__class__.__name__} takes a list of nodes, as in '
                            f'{self.__class__.__name__}([a, b]); got {children!r}')
        super().__init__(children)
        self._inputs = None       # the children's values op() last saw
        self._value = None        # what op() returned for them
        self._checked_at = None   # the change tick at which _value was last known to be right
        self._input_nodes = None  # set by compile() (exercise 2)

    def forward(self):
        if self._checked_at == _changes:
            return self._value  # nothing anywhere has changed since we last looked
        if self._tape is None:  # not compiled: find the Operations below that need a look
            operations = children_first(self, done=_checked_since_last_change)
        else:  # compiled: every Operation below, listed once by compile()
            operations = self._tape.operations
        for node in operations:  # children first: each one's children hold their new values
            inputs = [child._value for child in node.children]
            if inputs != node._inputs:  # exercise 3: op() only if the children's values changed
                node._value = node.op(inputs)
                node._inputs = inputs
            node._checked_at = _changes
        return self._value

    def find_input_nodes(self):
        """Every Input below this node, depth-first, left to right, each once."""
        found, seen = [], set()
        stack = [self]
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            if isinstance(node, Input):
                found.append(node)
            stack.extend(reversed(node.children))
        return found

    def compile(self):
        """Prepare the network once, before training; returns the root to use from now on.

        Expands every Macro (exercise 4), caches the Input nodes for predict() and the graph as a
        Tape for forward() and backward() (exercise 2), and names the unnamed Inputs x0, x1, ...
        for funcify() (exercise 6).
        """
        from .macros import expand_macros  # macros.py builds on this module

        root = expand_macros(self)
        root._input_nodes = root.find_input_nodes()
        root._tape = Tape([root])
        _name_inputs(root._input_nodes)
        _note_change()  # children lists may have changed: no cached value can be trusted
        return root

    def predict(self, inputs):
        """Set the Inputs (in find_input_nodes() order) to `inputs` and evaluate the network."""
        input_nodes = self._input_nodes if self._input_nodes is not None else self.find_input_nodes()
        if len(inputs) != len(input_nodes):
            raise ValueError(f'predict() expected {len(input_nodes)} input values (one per Input, '
                             f'in find_input_nodes() order) but got {len(inputs)}')
        for node, value in zip(input_nodes, inputs):
            node.value = value
        return self.forward()

    def __repr__(self):
        return f'{self.__class__.__name__}({self.children})'


def _name_inputs(input_nodes):
    """Give every unnamed Input the first free name of x0, x1, ..."""
    taken = {node.name for node in input_nodes if node.name is not None}
    candidates = (f'x{i}' for i in range(len(input_nodes) + len(taken)))
    free = (name for name in candidates if name not in taken)
    for node in input_nodes:
        if node.name is None:
            node.name = next(free)


def _checked_since_last_change(node):
    """True for a leaf (its value is just there), and for an Operation whose value was checked
    since the last change: everything below it was checked then too, so a walk can stop there."""
    return not isinstance(node, Operation) or node._checked_at == _changes


def children_first(root, done):
    """The nodes below root, root included, each once and after all of its children, leaving out
    the nodes for which done(node) is true and the nodes reached only through them."""
    order, seen = [], set()
    stack = [(root, False)]  # (node, are its children listed already?)
    while stack:
        node, children_listed = stack.pop()
        if children_listed:
            order.append(node)
        elif node not in seen and not done(node):
            seen.add(node)
            stack.append((node, True))  # back to it once everything below it is listed
            stack.extend((child, False) for child in reversed(node.children))
    return order


def write_formula(root, known=None):
    """root.funcify(): each node's formula() given its children's formulas, children first.

    known: formulas already written for some nodes (a macro's children, see Macro.formula); the
    walk does not go below them. A node reached by several paths is written once and its text
    reused, so the time grows with the number of nodes (the text repeats it on every path).
    """
    formulas = dict(known or {})
    order = children_first(root, done=lambda node: node in formulas)
    parents_left = Counter(child for node in order for child in node.children)
    for node in order:
        formulas[node] = node.formula([formulas[child] for child in node.children])
        for child in node.children:
            parents_left[child] -= 1
            if parents_left[child] == 0:
                # Forget a text no parent still needs: on a chain 10,000 deep, keeping every
                # level's text (each one a little longer than the last) would take gigabytes.
                del formulas[child]
    return formulas[root]


def topological_order(roots):
    """Every node reachable from `roots` once, each one before all of its children."""
    finished, seen = [], set()
    stack = [(root, False) for root in reversed(roots)]
    while stack:
        node, children_done = stack.pop()
        if children_done:
            finished.append(node)
        elif node not in seen:
            seen.add(node)
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(node.children))
    return finished[::-1]


class Tape:
    """The graph below some roots as a flat list: every node once, children before parents.

    compile() keeps one on the root (exercise 2, taken to its conclusion); backward() on a node
    that has none builds one for the call.
    """

    def __init__(self, roots):
        self.nodes = topological_order(roots)[::-1]
        self.position = {node: i for i, node in enumerate(self.nodes)}
        self.operations = [node for node in self.nodes if isinstance(node, Operation)]
        # (position, node, positions of its children) for every Operation, children first
        self.steps = [(self.position[node], node, [self.position[c] for c in node.children])
                      for node in self.operations]
        # the nodes whose on_backward() does something: the Parameters, unless a class overrides it
        self.hooked = [(i, node) for i, node in enumerate(self.nodes)
                       if type(node).on_backward is not _DOES_NOTHING]


_DOES_NOTHING = NeuralNetNode.on_backward


def backpropagate(seeds, tape=None):
    """Reverse accumulation over a graph (exercise 7), then one SGD update of every node.

    seeds: (node, d(loss)/d(node)) pairs; tape: the Tape of the graph below them, if compile()
    made one. First pass, parents before children: each node's grad() is called once and its
    derivative is added into each child's total, so a node with several parents receives the sum
    over them. Second pass: every total is known, so the updates cannot disturb a partial
    derivative that is still to be computed.
    """
    seeds = list(seeds)
    if tape is None:
        tape = Tape([node for node, _ in seeds])
    total = [0.0] * len(tape.nodes)  # d(loss)/d(node), indexed like tape.nodes
    for node, derivative in seeds:
        total[tape.position[node]] += derivative
    for i, node, children in reversed(tape.steps):
        derivative = total[i]
        for j, local in zip(children, node.grad()):
            total[j] += derivative * local
    for i, node in tape.hooked:
        node.on_backward(total[i])
