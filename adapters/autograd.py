"""Grades HIPS autograd (autograd.grad of a function written with autograd.numpy), float64.

Install the engine:  pip install autograd
Grade it:            python grader.py --adapter adapters/autograd.py

autograd differentiates functions, not objects: the graph becomes a function of its parameters
({index: value}), with the inputs fixed, and autograd.grad of it gives every gradient at once.
"""
import functools
import operator

from executor.adapters import Adapter, build_by_operators, require


autograd = require('autograd', 'pip install autograd')
np = require('autograd.numpy', 'pip install autograd')
UNARY = {'neg': operator.neg, 'exp': np.exp, 'log': np.log, 'tanh': np.tanh,
         'relu': lambda x: np.maximum(x, 0.0),
         'sigmoid': lambda x: np.exp(-np.logaddexp(0.0, -x))}  # 1 / (1 + e^-x), no overflow


def root(graph, params):
    """The root's value as a function of the parameters {index: value}; inputs are fixed."""
    def leaf(i, node):
        return params[i] if node.kind == 'param' else np.float64(node.value)
    return build_by_operators(graph, leaf, UNARY)[graph.root]


class AutogradAdapter(Adapter):
    name = 'autograd'
    operations = frozenset({'add', 'mul', 'sub', 'div', 'pow', 'neg', 'exp', 'log', 'tanh',
                            'relu', 'sigmoid', 'const'})
    levels = frozenset({'functional'})

    def value(self, graph):
        return float(root(graph, {i: np.float64(graph.nodes[i].value) for i in graph.parameters}))

    def gradient(self, graph):
        if not graph.parameters:
            return {}
        params = {i: float(graph.nodes[i].value) for i in graph.parameters}
        grads = autograd.grad(functools.partial(root, graph))(params)
        return {i: float(grads[i]) for i in graph.parameters}
