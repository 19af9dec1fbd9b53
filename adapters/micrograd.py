"""Grades Karpathy's micrograd (micrograd.engine.Value) at the functional level.

Install the engine:  pip install micrograd
Grade it:            python grader.py --adapter adapters/micrograd.py

micrograd has +, *, -, /, ** (by a number), negation and relu; it has no exp, log, tanh or sigmoid,
so graphs with those are never sent and checks that need them are skipped.
"""
import importlib.util
import operator
from pathlib import Path

from executor.adapters import Adapter


def _load_build():
    """_build.py beside this file, by its path: the executor imports this file on its own."""
    spec = importlib.util.spec_from_file_location('_build', Path(__file__).with_name('_build.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_build = _load_build()
Value = _build.installed('micrograd.engine', 'pip install micrograd').Value
UNARY = {'neg': operator.neg, 'relu': Value.relu}


class MicrogradAdapter(Adapter):
    name = 'micrograd'
    operations = frozenset({'add', 'mul', 'sub', 'div', 'pow', 'neg', 'relu', 'const'})
    levels = frozenset({'functional'})

    def values(self, graph):
        return _build.build(graph, lambda i, node: Value(node.value), UNARY)

    def value(self, graph):
        return float(self.values(graph)[graph.root].data)

    def gradient(self, graph):
        built = self.values(graph)
        built[graph.root].backward()
        return {i: float(built[i].grad) for i in graph.parameters}
