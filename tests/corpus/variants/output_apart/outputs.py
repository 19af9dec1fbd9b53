"""Exercise 5: Output and SoftMax, roots with several values.

They are not Operations: nothing is ever above them, so they need no cache, no parents and no
stale flag. forward() asks each child (cached) and calls op() on the values, every time.
"""
import math

from .nodes import NeuralNetNode, backpropagate, compile_roots, find_inputs, assign, name_inputs


class Output:
    """The root of a network with several outputs: its value is its children's values."""

    def __init__(self, children):
        if not isinstance(children, (list, tuple)) or any(
                not isinstance(c, NeuralNetNode) for c in children):
            raise TypeError(f'{type(self).__name__} expects a list of nodes, got {children!r}')
        self.children = list(children)
        self.inputs = None

    def op(self, x):
        return list(x)

    def forward(self):
        return self.op([child.forward() for child in self.children])

    def __call__(self):
        return self.forward()

    def find_input_nodes(self):
        return find_inputs(self.children)

    def predict(self, inputs):
        nodes = self.inputs if self.inputs is not None else self.find_input_nodes()
        assign(nodes, inputs)
        return self.forward()

    def compile(self):
        self.children = compile_roots(self.children)
        self.inputs = find_inputs(self.children)
        name_inputs(self.inputs)
        return self

    def child_derivatives(self, derivatives):
        return list(derivatives)

    def backward(self, derivatives):
        derivatives = list(derivatives)
        if len(derivatives) != len(self.children):
            raise ValueError(f'backward() needs {len(self.children)} derivatives, one per output, '
                             f'not {len(derivatives)}')
        backpropagate(zip(self.children, self.child_derivatives(derivatives)))

    def funcify(self):
        return '[' + ', '.join(c.funcify() for c in self.children) + ']'

    def __repr__(self):
        return f'{type(self).__name__}({self.children!r})'


class SoftMax(Output):
    def op(self, x):
        m = max(x)
        exps = [math.exp(v - m) for v in x]
        total = sum(exps)
        return [e / total for e in exps]

    def child_derivatives(self, derivatives):
        s = self.forward()
        # the full Jacobian: d s_i / d z_j = s_i (delta_ij - s_j)
        return [sum(g * s_i * ((1.0 if i == j else 0.0) - s[j])
                    for i, (g, s_i) in enumerate(zip(derivatives, s)))
                for j in range(len(s))]
