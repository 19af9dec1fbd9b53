"""Grades PyTorch (torch.autograd on 0-d float64 tensors, on the CPU) at the functional level.

Install the engine:  pip install torch --index-url https://download.pytorch.org/whl/cpu
                     (the CPU-only build; plain `pip install torch` works too, and is larger)
Grade it:            python grader.py --adapter adapters/torch.py

Every tensor is float64: PyTorch's default float32 fails the checks on rounding alone.
"""
import operator

from executor.adapters import Adapter, build_by_operators, require


PIP = 'pip install torch --index-url https://download.pytorch.org/whl/cpu'
torch = require('torch', PIP)
UNARY = {'neg': operator.neg, 'exp': torch.exp, 'log': torch.log, 'tanh': torch.tanh,
         'relu': torch.relu, 'sigmoid': torch.sigmoid}


def leaf(i, node):
    """A float64 tensor; only a parameter requires a gradient."""
    return torch.tensor(node.value, dtype=torch.float64, requires_grad=node.kind == 'param')


class TorchAdapter(Adapter):
    name = 'torch'
    operations = frozenset({'add', 'mul', 'sub', 'div', 'pow', 'neg', 'exp', 'log', 'tanh',
                            'relu', 'sigmoid', 'const'})
    levels = frozenset({'functional'})

    def value(self, graph):
        return float(build_by_operators(graph, leaf, UNARY)[graph.root].item())

    def gradient(self, graph):
        built = build_by_operators(graph, leaf, UNARY)
        params, root = [built[i] for i in graph.parameters], built[graph.root]
        if not root.requires_grad:  # the root depends on no parameter
            return {i: 0.0 for i in graph.parameters}
        grads = torch.autograd.grad(root, params, allow_unused=True)
        return {i: 0.0 if g is None else float(g.item()) for i, g in zip(graph.parameters, grads)}
