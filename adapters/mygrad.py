"""Grades MyGrad (mygrad.Tensor, 0-d float64 tensors) at the functional level.

Install the engine:  pip install mygrad
Grade it:            python grader.py --adapter adapters/mygrad.py
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
mygrad = _build.installed('mygrad', 'pip install mygrad')
nnet = _build.installed('mygrad.nnet', 'pip install mygrad')
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
        return float(_build.build(graph, leaf, UNARY)[graph.root].item())

    def gradient(self, graph):
        built = _build.build(graph, leaf, UNARY)
        built[graph.root].backward()
        return {i: 0.0 if built[i].grad is None else float(built[i].grad)
                for i in graph.parameters}
