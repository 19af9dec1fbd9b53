"""The nodes of the network: the article's framework, the student's starting point.

A network is a tree of nodes. Leaves (Input, Parameter) hold numbers; an Operation combines the
values of its children. Exercises 2, 3, 6 and 7 are done in this file; what each one must do is in
docs/contract.md (section 5), and each stub's docstring says it in short.
"""
import random
from dataclasses import dataclass, field
from typing import List, Optional

# Every node class is @dataclass(eq=False): nodes must compare and hash by identity, so that they
# can go in sets and dict keys (exercise 7 needs it). A plain @dataclass compares nodes field by
# field, which makes two Input(value=0.0) equal and every node unhashable.


@dataclass(eq=False)
class NeuralNetNode:
    """A node in our neural network tree."""
    children: List['NeuralNetNode'] = field(default_factory=list)

    def op(self, x: List[float]) -> float:
        """The operation that this node performs on its children's values."""
        raise NotImplementedError

    def forward(self) -> float:
        """The value of this node: op() of its children's values, recomputed on every call.

        Exercise 3 (forward caching) goes here, or in an Operation.forward() of its own: an
        Operation must call op() again only if the value of some Input or Parameter below it
        changed since its last evaluation (assigned directly, by predict() or by backward()), and
        return its cached value otherwise. An Operation still computes its value only through
        self.op(...), so that a grader can count evaluations. Contract: docs/contract.md, exercise 3.
        """
        return self.op([child.forward() for child in self.children])

    # This is just for convenience
    def __call__(self) -> float:
        return self.forward()

    def grad(self) -> List[float]:
        """The partial derivative of this node with respect to each child, in children order."""
        raise NotImplementedError

    def backward(self, derivative_from_parent: float):
        """One step of gradient descent on every Parameter below this node.

        derivative_from_parent is d(loss)/d(this node); each Parameter p ends up at
        p.value - p.learning_rate * derivative_from_parent * d(this node)/d(p), the derivative
        taken at the values before the call (docs/contract.md, section 4).

        The article's recursion (_backpropagate) is right only when every node has one parent, so
        for now backward() refuses, before changing anything, a node reachable twice from here
        (and find_input_nodes() refuses an Input met twice).

        Exercise 7: let any node have several parents or appear twice in one children list
        (Multiply([x, x]) is x**2). Each Parameter is then updated once, by the sum over every path
        to it; each node's grad() is called at most once per backward() (the cost grows with the
        edges, not the paths); find_input_nodes() lists a shared Input once. Contract:
        docs/contract.md, exercise 7.
        """
        shared = _node_reached_twice(self)
        if shared is not None:
            raise NotImplementedError(
                f'Exercise 7: backward() reaches a {shared.__class__.__name__} node twice from this '
                'root (several parents, or twice in one children list), which the recursive '
                "algorithm gets wrong — see NeuralNetNode.backward's docstring")
        self._backpropagate(derivative_from_parent)

    def _backpropagate(self, derivative_from_parent: float):
        """The article's algorithm: propagate the derivative from the parent to the children."""
        self.on_backward(derivative_from_parent)
        deriv_wrt_children = self.grad()
        for child, derivative_wrt_child in zip(self.children, deriv_wrt_children):
            child._backpropagate(derivative_from_parent * derivative_wrt_child)

    def on_backward(self, derivative_from_parent: float):
        """Hook for subclasses to override. Things like updating parameters"""
        pass

    def funcify(self) -> str:
        """Exercise 6: this node as a formula in Python expression syntax, e.g.
        Add([Parameter(value=0.1), Parameter(value=0.2)]).funcify() == '0.1 + 0.2' (or '(0.1 + 0.2)').

        The formula evaluates to forward() (relative 1e-9: write numbers with repr()). It may use
        numbers, input names, + - * /, **, unary minus, parentheses, relu(x), sigmoid(x),
        max(a, b) and exp(x). An Input is written as its name: compile() names the unnamed ones
        x0, x1, ... (distinct from the given names) in Input.name. Override it in each node class.
        Contract: docs/contract.md, exercise 6.
        """
        raise NotImplementedError('Exercise 6: funcify() is not written yet — see its docstring')

    def __repr__(self):
        return f'{self.__class__.__name__}({self.children})'


def _node_reached_twice(root: NeuralNetNode) -> Optional[NeuralNetNode]:
    """A node reachable from root along two paths, or None if the graph below root is a tree."""
    seen = set()  # by identity, thanks to eq=False
    stack = [root]
    while stack:  # stops at the first repeat, so a graph with many paths costs no more than a tree
        node = stack.pop()
        if node in seen:
            return node
        seen.add(node)
        stack.extend(node.children)
    return None


@dataclass(eq=False)
class Input(NeuralNetNode):
    """A leaf node that represents an input to the network."""
    value: float = 0.0
    name: Optional[str] = None  # not in the article: funcify() writes an Input as its name

    def op(self, x):
        return self.value

    def grad(self) -> List[float]:
        return [1.0]

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

    def __repr__(self):
        return f'{self.__class__.__name__}({self.value})'


@dataclass(eq=False)
class Operation(NeuralNetNode):
    """A node that performs an operation on its inputs."""

    def find_input_nodes(self) -> List[Input]:
        """Find all of the input nodes in the subtree rooted at this node, left to right."""
        input_nodes = []
        for child in self.children:
            if isinstance(child, Input):
                input_nodes.append(child)
            elif isinstance(child, Operation):
                input_nodes.extend(child.find_input_nodes())
        # In a tree each Input comes once; a shared one would make predict() miscount (exercise 7).
        if len(set(input_nodes)) != len(input_nodes):
            raise NotImplementedError(
                'Exercise 7: find_input_nodes() meets an Input twice (several parents), and must '
                "list it once — see NeuralNetNode.backward's docstring")
        return input_nodes

    def compile(self) -> 'Operation':
        """Exercise 2: prepare the network once, before training; return the root to use from then on.

        Cache the root's input nodes so that predict() stops searching the tree on every call:
        after compile(), predict() uses the cache (it never calls find_input_nodes()) and returns
        what it returned before. Make predict() raise ValueError, naming how many values it
        expected and how many it got, when given the wrong number (compiled or not): the
        article's assert is not enough.

        Return self, unless exercise 4 replaced the root. Exercises 4 (expand every Macro) and
        6 (name the unnamed Inputs x0, x1, ...) hook in here too. Contract: docs/contract.md,
        exercise 2.
        """
        raise NotImplementedError('Exercise 2: compile() is not written yet — see its docstring')

    def predict(self, inputs: List[float]) -> float:
        """Evaluate the network on the given inputs, in find_input_nodes() order (see compile())."""
        input_nodes = self.find_input_nodes()
        assert len(input_nodes) == len(inputs)
        for input_node, value in zip(input_nodes, inputs):
            input_node.value = value
        return self.forward()
