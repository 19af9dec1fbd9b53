"""The checks' independent oracle: values and exact derivatives of a Graph description.

Written from the mathematics, not from any implementation, and vectorised with numpy so that a
graph can be evaluated at many points at once (a whole finite-difference stencil in one pass).
Every function works on float64 arrays of one common shape (a scalar is the shape ()).
"""
from dataclasses import dataclass

import numpy as np

EPS = np.finfo(float).eps


def sigmoid(x):
    return np.exp(-np.logaddexp(0.0, -x))  # = 1 / (1 + e^-x), without overflow


def evaluate(graph, overrides=None):
    """The value of every node; `overrides` maps leaf indices to values (arrays broadcast)."""
    overrides = overrides or {}
    values = []
    for i, node in enumerate(graph.nodes):
        x = [values[o] for o in node.operands]
        if node.kind in ('input', 'param'):
            values.append(np.asarray(overrides.get(i, node.value), dtype=float))
        elif node.kind == 'add':
            values.append(sum(x[1:], x[0]))
        elif node.kind == 'mul':
            values.append(np.prod(np.broadcast_arrays(*x), axis=0))
        elif node.kind == 'relu':
            values.append(np.maximum(x[0], 0.0))
        elif node.kind == 'sigmoid':
            values.append(sigmoid(x[0]))
        else:
            raise ValueError(f'unknown node kind {node.kind!r}')
    return values


def local_derivatives(node, operand_values, own_value):
    """d node / d operand k, for each k; ReLU gives 0 at exactly 0 (callers avoid the kink)."""
    if node.kind == 'add':
        return [np.ones_like(v) for v in operand_values]
    if node.kind == 'mul':
        return [np.prod(np.broadcast_arrays(*(operand_values[:k] + operand_values[k + 1:]),
                                            np.ones_like(own_value)), axis=0)
                for k in range(len(operand_values))]
    if node.kind == 'relu':
        return [(operand_values[0] > 0).astype(float)]
    if node.kind == 'sigmoid':
        return [own_value * (1.0 - own_value)]
    return []


def derivatives(graph, overrides=None, root=None):
    """d root / d node for every node (reverse accumulation: a shared node sums over its uses)."""
    values = evaluate(graph, overrides)
    root = graph.root if root is None else root
    adjoint = [np.zeros_like(values[root]) for _ in graph.nodes]
    adjoint[root] = np.ones_like(values[root])
    for i in range(root, -1, -1):
        node = graph.nodes[i]
        locals_ = local_derivatives(node, [values[o] for o in node.operands], values[i])
        for operand, local in zip(node.operands, locals_):
            adjoint[operand] = adjoint[operand] + adjoint[i] * local
    return adjoint


def softmax(z):
    """Exact softmax along axis 0, shifted by the max so that nothing overflows."""
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.max(z, axis=0))
    return e / np.sum(e, axis=0)


def value(graph, overrides=None):
    return float(evaluate(graph, overrides)[graph.root])


@dataclass
class Expected:
    """What a correct implementation gives for a graph, with how precisely it can give it."""
    value: float
    value_scale: float          # the size of the terms summed on the way: rounding grows with it
    gradient: dict              # leaf index -> d root / d leaf
    gradient_scale: dict        # leaf index -> same, with every term taken in absolute value
    relu_margin: float          # the smallest relative |input| of any ReLU: 0 is the kink


def expected(graph):
    values = evaluate(graph)
    adjoint = derivatives(graph)
    magnitude = evaluate(absolute(graph))
    abs_adjoint = derivatives(absolute(graph))
    # How far each ReLU input is from the kink, relative to the size of what it sums.
    relu_inputs = [abs(float(values[node.operands[0]])) / (1.0 + float(magnitude[node.operands[0]]))
                   for node in graph.nodes if node.kind == 'relu']
    leaves = graph.parameters + graph.inputs
    return Expected(
        value=float(values[graph.root]),
        value_scale=float(magnitude[graph.root]),
        gradient={i: float(adjoint[i]) for i in leaves},
        gradient_scale={i: float(abs_adjoint[i]) + 1.0 for i in leaves},
        relu_margin=min(relu_inputs, default=float('inf')),
    )


def absolute(graph):
    """The same graph over |leaf values| with ReLU and Sigmoid made monotone bounds: for scales."""
    from dataclasses import replace
    from .graphs import Graph
    nodes = []
    for node in graph.nodes:
        if node.kind in ('input', 'param'):
            nodes.append(replace(node, value=abs(node.value)))
        elif node.kind == 'relu':
            nodes.append(replace(node, kind='add'))        # |relu(x)| <= |x|, slope <= 1
        else:
            nodes.append(node)                             # add, mul; sigmoid stays in (0, 1)
    return Graph(tuple(nodes))


def relu_inputs_at(graph, overrides):
    """Every ReLU's input, as an array per ReLU, at the points `overrides` describes."""
    values = evaluate(graph, overrides)
    return [values[node.operands[0]] for node in graph.nodes if node.kind == 'relu']


def kink_free(graph, leaf, h):
    """True when moving `leaf` by -h, 0, +h changes the sign of no ReLU input (and hits no 0)."""
    centre = graph.nodes[leaf].value
    points = np.array([centre - h, centre, centre + h])
    for inputs in relu_inputs_at(graph, {leaf: points}):
        inputs = np.broadcast_to(inputs, points.shape)
        if np.any(inputs == 0) or not (np.all(inputs > 0) or np.all(inputs < 0)):
            return False
    return True


def within(actual, expected, atol, rtol):
    """The combined tolerance |a - e| <= atol + rtol |e|; NaN is never within anything."""
    actual, expected = np.asarray(actual, float), np.asarray(expected, float)
    return bool(np.all(np.abs(actual - expected) <= atol + rtol * np.abs(expected)))
