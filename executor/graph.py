"""A graph description as adapters receive it: nodes in topological order, the root last.

The grader sends a graph as a list of {"kind", "operands", "value", "lr", "name"} (docs/adapters.md);
this is that list read into attribute form, nothing more.
"""
from collections import namedtuple

KINDS = ('input', 'param', 'const', 'add', 'mul', 'relu', 'sigmoid',
         'neg', 'sub', 'div', 'pow', 'exp', 'log', 'tanh')

Node = namedtuple('Node', 'kind operands value learning_rate name')


class Graph:
    """`nodes`: a tuple of Node(kind, operands, value, learning_rate, name)."""

    def __init__(self, nodes):
        self.nodes = nodes

    @classmethod
    def from_data(cls, data):
        return cls(tuple(Node(d['kind'], tuple(d.get('operands', ())), float(d.get('value', 0.0)),
                              float(d.get('lr', 0.0)), d.get('name')) for d in data))

    @property
    def root(self):
        return len(self.nodes) - 1

    @property
    def parameters(self):
        return [i for i, node in enumerate(self.nodes) if node.kind == 'param']

    @property
    def inputs(self):
        return [i for i, node in enumerate(self.nodes) if node.kind == 'input']
