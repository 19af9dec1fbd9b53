"""Grades MyGrad (mygrad.Tensor, 0-d float64 tensors) at the functional level.

Install the engine:  pip install mygrad
Grade it:            python grader.py --adapter adapters/mygrad.py
"""
import operator

from executor.adapters import Adapter, build_by_operators, require


mygrad = require('mygrad', 'pip install mygrad')
nnet = require('mygrad.nnet', 'pip install mygrad')
UNARY = {'neg': operator.neg, 'exp': mygrad.exp, 'log': mygrad.log, 'tanh': mygrad.tanh,
         'relu': nnet.relu, 'sigmoid': nnet.sigmoid}


def leaf(i, node):
    """A float64 tensor; an input is a constant (no gradient)."""
    return mygrad.tensor(node.value, dtype=float, constant=node.kind == 'input')


class MygradAdapter(Adapter):
    name = 'mygrad'
    operations = frozenset({'add', 'mul', 'sub', 'div', 'pow', 'neg', 'exp', 'log', 'tanh',
                            'relu', 'sigmoid', 'const'})
    levels = frozenset({'functional'})

    def value(self, graph):
        return float(build_by_operators(graph, leaf, UNARY)[graph.root].item())

    def gradient(self, graph):
        built = build_by_operators(graph, leaf, UNARY)
        built[graph.root].backward()
        return {i: 0.0 if built[i].grad is None else float(built[i].grad)
                for i in graph.parameters}
