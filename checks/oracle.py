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


FUNCTIONS = {'relu': lambda x: np.maximum(x, 0.0), 'sigmoid': sigmoid, 'neg': np.negative,
             'exp': np.exp, 'log': np.log, 'tanh': np.tanh}
#: f'(x), given x and f(x)
SLOPES = {'relu': lambda x, y: (x > 0).astype(float), 'sigmoid': lambda x, y: y * (1.0 - y),
          'neg': lambda x, y: -np.ones_like(x), 'exp': lambda x, y: y, 'log': lambda x, y: 1.0 / x,
          'tanh': lambda x, y: 1.0 - y * y}


def evaluate(graph, overrides=None):
    """The value of every node; `overrides` maps leaf indices to values (arrays broadcast).
    Outside an operation's domain (log of a negative number, ...) the value is NaN: see in_domain."""
    overrides = overrides or {}
    values = []
    with np.errstate(all='ignore'):
        for i, node in enumerate(graph.nodes):
            x = [values[o] for o in node.operands]
            if node.kind in ('input', 'param', 'const'):
                values.append(np.asarray(overrides.get(i, node.value), dtype=float))
            else:
                values.append(np.asarray(_apply(node.kind, x), dtype=float))
    return values


def _apply(kind, x):
    if kind == 'add':
        return sum(x[1:], x[0])
    if kind == 'mul':
        return np.prod(np.broadcast_arrays(*x), axis=0)
    if kind in FUNCTIONS:
        return FUNCTIONS[kind](x[0])
    if kind == 'sub':
        return x[0] - x[1]
    if kind == 'div':
        return x[0] / x[1]
    if kind == 'pow':
        return np.power(x[0], x[1])
    raise ValueError(f'unknown node kind {kind!r}')


def local_derivatives(node, operand_values, own_value):
    """d node / d operand k, for each k; ReLU gives 0 at exactly 0 (callers avoid the kink).
    A constant operand (pow's exponent) gets 0: nothing below it needs a derivative."""
    x, kind = operand_values, node.kind
    with np.errstate(all='ignore'):
        if kind == 'add':
            return [np.ones_like(v) for v in x]
        if kind == 'mul':
            return [np.prod(np.broadcast_arrays(*(x[:k] + x[k + 1:]), np.ones_like(own_value)),
                            axis=0) for k in range(len(x))]
        if kind == 'sub':
            return [np.ones_like(x[0]), -np.ones_like(x[1])]
        if kind == 'div':
            return [1.0 / x[1], -x[0] / x[1] ** 2]
        if kind == 'pow':
            return [x[1] * np.power(x[0], x[1] - 1.0), np.zeros_like(x[1])]
        if kind in SLOPES:
            return [SLOPES[kind](x[0], own_value)]
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


def after_backward(graph, before, root, rule):
    """Every node's gradient after a backward pass from node `root`, given the gradients `before`
    ({node index: gradient, or None where unknown}): 'accumulate' adds d root / d node to them,
    'reset' replaces them; nodes the root does not reach keep theirs."""
    exact, after = derivatives(graph, root=root), dict(before)
    for i in graph.below(root) & set(after):
        if rule == 'reset':
            after[i] = float(exact[i])
        elif after[i] is not None:
            after[i] += float(exact[i])
    return after


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
    magnitude, abs_adjoint = error_scales(graph, values)
    # How far each ReLU input is from the kink, relative to the size of what it sums.
    relu_inputs = [abs(float(values[node.operands[0]])) / (1.0 + magnitude[node.operands[0]])
                   for node in graph.nodes if node.kind == 'relu']
    leaves = graph.parameters + graph.inputs
    return Expected(
        value=float(values[graph.root]),
        value_scale=float(magnitude[graph.root]),
        gradient={i: float(adjoint[i]) for i in leaves},
        gradient_scale={i: float(abs_adjoint[i]) + 1.0 for i in leaves},
        relu_margin=min(relu_inputs, default=float('inf')),
    )


def error_scales(graph, values):
    """How large the rounding of each node's value and of each d root / d node can get, in units
    of the machine epsilon, to first order. Sums and products take the sizes of their terms (the
    graph over |leaf values|); the other operations add |f'| times their operand's scale, and
    their slopes |f''| times it too. Returns (value scale per node, gradient scale per node)."""
    v = [float(x) for x in values]
    m = []
    for node in graph.nodes:
        ms = [m[o] for o in node.operands]
        xs = [v[o] for o in node.operands]
        if node.kind in ('input', 'param', 'const'):
            m.append(abs(node.value))
        elif node.kind in ('add', 'sub'):
            m.append(sum(ms))
        elif node.kind == 'mul':
            m.append(float(np.prod(ms)))
        elif node.kind in ('relu', 'neg'):
            m.append(ms[0])
        elif node.kind == 'sigmoid':
            m.append(float(sigmoid(ms[0])))
        else:
            slopes = _slope_bounds(node.kind, xs, ms)
            m.append(abs(v[len(m)]) + sum(abs(f1) * mk for (f1, _), mk in zip(slopes, ms)))
    # Reverse: the size of each d root / d node (every term in absolute value), plus what the
    # rounding of the values feeding a slope adds to it (f'' times their scale).
    size, error = [0.0] * len(graph.nodes), [0.0] * len(graph.nodes)
    size[graph.root] = 1.0
    for i in range(graph.root, -1, -1):
        node = graph.nodes[i]
        ms = [m[o] for o in node.operands]
        for operand, (slope, curvature) in zip(node.operands, _local_bounds(node, v, ms)):
            size[operand] += size[i] * slope
            error[operand] += error[i] * slope + size[i] * curvature * sum(ms)
    return m, [a + e for a, e in zip(size, error)]


def _local_bounds(node, v, ms):
    """Per operand, (|d node / d operand|, the size of its own derivative)."""
    kind = node.kind
    if not node.operands or kind in ('add', 'sub', 'relu', 'neg'):
        return [(1.0, 0.0)] * len(ms)
    if kind == 'mul':  # the graph over |leaf values|, as for the value
        return [(float(np.prod(ms[:k] + ms[k + 1:])), 0.0) for k in range(len(ms))]
    if kind == 'sigmoid':
        s = float(sigmoid(ms[0]))
        return [(s * (1.0 - s), 0.0)]
    xs = [v[o] for o in node.operands]
    return [(abs(f1), abs(f2)) for f1, f2 in _slope_bounds(kind, xs, ms)]


def _slope_bounds(kind, x, m):
    """(f', the size of f'') per operand of exp, log, tanh, div, pow at the operands' values."""
    if kind == 'exp':
        return [(np.exp(x[0]), np.exp(x[0]))]
    if kind == 'log':
        return [(1.0 / x[0], 1.0 / x[0] ** 2)]
    if kind == 'tanh':
        t = np.tanh(x[0])
        return [(1.0 - t * t, 2.0 * abs(t) * (1.0 - t * t) + 1.0)]
    if kind == 'div':
        a, b = x
        return [(1.0 / b, 1.0 / b ** 2), (a / b ** 2, (1.0 + 2.0 * abs(a) / abs(b)) / b ** 2)]
    if kind == 'pow':
        base, c = x
        return [(c * base ** (c - 1.0), c * (c - 1.0) * base ** (c - 2.0)), (0.0, 0.0)]
    raise ValueError(f'unknown node kind {kind!r}')


DOMAIN_MARGIN = 0.05   # log, a divisor, a negative or fractional power stay this far from 0
LARGEST = 1e6          # no value or derivative beyond this: overflow is not what is checked
TANH_INPUT = 20.0      # tanh is 1 to 17 digits beyond; the lecture's formula overflows past 354


def in_domain(graph):
    """Whether every operation is well inside its domain, so that a correct engine computes the
    graph without overflow or a singularity, and a small step of any leaf stays inside too."""
    values = evaluate(graph)
    if not all(np.isfinite(x) and abs(x) <= LARGEST for x in values):
        return False
    for node in graph.nodes:
        x = [float(values[o]) for o in node.operands]
        if node.kind == 'log' and x[0] < DOMAIN_MARGIN:
            return False
        if node.kind == 'tanh' and abs(x[0]) > TANH_INPUT:  # (e^2x - 1) / (e^2x + 1) overflows
            return False
        if node.kind == 'div' and abs(x[1]) < DOMAIN_MARGIN:
            return False
        if node.kind == 'pow' and (x[1] < 0 or x[1] != int(x[1])) and not (
                abs(x[0]) >= DOMAIN_MARGIN and (x[1] == int(x[1]) or x[0] > 0)):
            return False
    return all(np.isfinite(d) and abs(d) <= LARGEST for d in derivatives(graph))


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
