"""Grades Karpathy's micrograd (micrograd.engine.Value) at the functional level.

Install the engine:  pip install micrograd
Grade it:            python grader.py --adapter adapters/micrograd.py

micrograd has +, *, -, /, ** (by a number), negation and relu; it has no exp, log, tanh or sigmoid,
so graphs with those are never sent and checks that need them are skipped.
"""
import operator

from executor.adapters import Adapter, build_by_operators, require


Value = require('micrograd.engine', 'pip install micrograd').Value
UNARY = {'neg': operator.neg, 'relu': Value.relu}


class MicrogradAdapter(Adapter):
    name = 'micrograd'
    operations = frozenset({'add', 'mul', 'sub', 'div', 'pow', 'neg', 'relu', 'const'})
    levels = frozenset({'functional'})

    def values(self, graph):
        return build_by_operators(graph, lambda i, node: Value(node.value), UNARY)

    def value(self, graph):
        return float(self.values(graph)[graph.root].data)

    def gradient(self, graph):
        built = self.values(graph)
        built[graph.root].backward()
        return {i: float(built[i].grad) for i in graph.parameters}
