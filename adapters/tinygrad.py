"""Grades tinygrad (tinygrad.Tensor, 0-d float64 tensors, Tensor.gradient) at the functional level.

Install the engine:  pip install tinygrad
Grade it:            python grader.py --adapter adapters/tinygrad.py

tanh and sigmoid are left out: tinygrad computes both through 2^x, and their slopes are NaN once
that overflows (x below about -709); its tanh is also off by 6e-9 (relative) at 1e-8, more than the
checks allow (measured with tinygrad 0.14.0). Graphs with them are never sent.

tinygrad compiles every kernel it runs: on the CPU it needs clang (on Debian or Ubuntu: apt-get
install clang). Every new graph is compiled, so the adapter asks for 10 s an example; a whole run
takes about a minute.
"""
import operator

from executor.adapters import Adapter, build_by_operators, require


tinygrad = require('tinygrad', 'pip install tinygrad')
Tensor, float64 = tinygrad.Tensor, tinygrad.dtypes.float64
UNARY = {'neg': operator.neg, 'exp': Tensor.exp, 'log': Tensor.log, 'relu': Tensor.relu}


def leaf(i, node):
    """A 0-d float64 tensor with a buffer of its own. Not Tensor(value): that is a constant, and
    tinygrad makes equal constants one node, so an input and a parameter both 1.0 would be one."""
    return Tensor([node.value], dtype=float64).reshape(())


class TinygradAdapter(Adapter):
    name = 'tinygrad'
    operations = frozenset({'add', 'mul', 'sub', 'div', 'pow', 'neg', 'exp', 'log', 'relu',
                            'const'})  # no tanh, sigmoid: see above
    levels = frozenset({'functional'})
    # Each new graph's kernels are compiled: up to 1.6 s for one example on 2 busy CPUs, near the
    # default limit of 2 s.
    limits = {'example_seconds': 10}

    def values(self, graph):
        return build_by_operators(graph, leaf, UNARY)

    def value(self, graph):
        return float(self.values(graph)[graph.root].item())

    def gradient(self, graph):
        if not graph.parameters:
            return {}
        built = self.values(graph)
        grads = built[graph.root].gradient(*[built[i] for i in graph.parameters])
        return {i: float(g.item()) for i, g in zip(graph.parameters, grads)}
