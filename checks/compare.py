"""Judging an implementation's numbers against the oracle, with tolerances that say why."""
import numpy as np

from . import oracle
from .failures import Mismatch, node_mark
from .values import as_float

VALUE_RTOL = 1e-9      # against the size of the terms summed: rounding, never a bug
GRADIENT_RTOL = 1e-7
FD_RTOL = 1e-4         # central differences: truncation and cancellation allow less
KINK_MARGIN = 1e-9     # a ReLU input this close to 0 (relatively) is on the kink: no verdict


def off_kinks(expected):
    """Whether every ReLU input is clearly on one side: at the kink any slope in [0, 1] is fine."""
    return expected.relu_margin > KINK_MARGIN


def check_value(what, actual, expected_value, scale, graph=None, node=None):
    """The value read back against the oracle's; a failure marks `node` of `graph` when given."""
    actual = as_float(actual, what)
    if not oracle.within(actual, expected_value, VALUE_RTOL * (1.0 + scale), 0.0):
        marks = {} if graph is None else \
            {'nodes': [node_mark(graph, node, what, expected_value, actual)]}
        raise Mismatch(what, expected=expected_value, actual=actual,
                       notes=float32_note([actual], [expected_value]), marks=marks)
    return actual


FLOAT32_RTOL = 1e-5  # float32 keeps about 7 digits: a difference below this is its rounding


def float32_note(actual, expected):
    """A diagnosis when every number differs by float32 rounding only and is a float32 value."""
    pairs = [(float(a), float(e)) for a, e in zip(actual, expected)]
    if pairs and all(np.float32(a) == a and abs(a - e) <= FLOAT32_RTOL * (1.0 + abs(e))
                     for a, e in pairs):
        return ('every number differs from the exact one by float32 rounding only (about 1e-7 '
                'relative): compute in 64-bit floats (float64; PyTorch and JAX default to '
                'float32)')
    return ''


def merged_leaves_note(graph, gradient, expected):
    """A diagnosis when Parameters of equal value each got the sum of their gradients: the engine
    or its adapter made one node of equal-valued leaves."""
    groups = {}
    for i in graph.parameters:
        groups.setdefault(graph.nodes[i].value, []).append(i)
    for same in groups.values():
        total = sum(expected.gradient[i] for i in same)
        if len(same) > 1 and all(np.isclose(as_float(gradient.get(i), 'a gradient'), total,
                                            rtol=1e-6, atol=1e-9) for i in same) and \
                not all(np.isclose(expected.gradient[i], total) for i in same):
            labels = ', '.join(graph.label(i) for i in same)
            return (f'{labels} have the same value and each got the sum of their gradients: '
                    'equal-valued leaves were merged into one node (build one node per leaf, '
                    'even when two values are equal)')
    return ''


def readout_error(graph, i, upstream):
    """How much rounding the readout (old - new) / (lr * d) itself can add."""
    node = graph.nodes[i]
    return 8 * oracle.EPS * (1.0 + abs(node.value)) / (node.learning_rate * abs(upstream))


def check_gradient(graph, gradient, expected, upstream=1.0, rtol=GRADIENT_RTOL,
                   what='d root / d {label}', graph_index=0):
    """Every Parameter's gradient against the oracle; a Mismatch shows them all side by side,
    and marks the Parameters that differ (`graph_index`: which of the case's graphs this is)."""
    wrong = []
    for i in graph.parameters:
        if i not in gradient:
            raise Mismatch(f'no gradient for {graph.label(i)}')
        actual = as_float(gradient[i], what.format(label=graph.label(i)))
        tolerance = rtol * expected.gradient_scale[i] + readout_error(graph, i, upstream)
        if not oracle.within(actual, expected.gradient[i], tolerance, 0.0):
            wrong.append(i)
    if wrong:
        first = wrong[0]
        diagnoses = [merged_leaves_note(graph, gradient, expected),
                     float32_note([gradient[i] for i in graph.parameters],
                                  [expected.gradient[i] for i in graph.parameters])]
        marks = [node_mark(graph, i, what.format(label=graph.label(i)), expected.gradient[i],
                           gradient[i], graph_index) for i in wrong]
        raise Mismatch(what.format(label=graph.label(first)), expected=expected.gradient[first],
                       actual=gradient[first],
                       notes='\n'.join([gradient_table(graph, gradient, expected)]
                                        + [d for d in diagnoses if d]),
                       marks={'nodes': marks})


def gradient_table(graph, gradient, expected, heading='expected (oracle)'):
    rows = [f'    {"parameter":<10} {heading:>24} {"actual":>24}']
    for i in graph.parameters:
        mark = '' if np.isclose(gradient.get(i, np.nan), expected.gradient[i],
                                rtol=1e-6, atol=1e-9) else '   <-- differs'
        rows.append(f'    {graph.label(i):<10} {expected.gradient[i]!r:>24} '
                    f'{gradient.get(i, float("nan"))!r:>24}{mark}')
    return 'gradient of the root with respect to each parameter:\n' + '\n'.join(rows)


def step_size(value):
    return 1e-6 * max(1.0, abs(value))


def finite_differences(graph, values_of, leaves):
    """Central differences for each leaf off the ReLU kinks. `values_of(graphs)` gives the values
    of a list of Graphs at once (one round trip to the executor for the whole stencil)."""
    stencil = []
    for i in leaves:
        x, h = graph.nodes[i].value, step_size(graph.nodes[i].value)
        if oracle.kink_free(graph, i, h):  # a step across a kink: a slope there means nothing
            stencil.append((i, h, graph.with_values({i: x + h}), graph.with_values({i: x - h})))
    values = values_of([g for _, _, up, down in stencil for g in (up, down)]) if stencil else []
    slopes = {}
    for k, (i, h, _, _) in enumerate(stencil):
        up = as_float(values[2 * k], 'forward()')
        down = as_float(values[2 * k + 1], 'forward()')
        slopes[i] = (up - down) / (2 * h)
    return slopes


def fd_tolerance(graph, i, expected):
    """Rounding in f(x +- h) divided by 2h, plus truncation, for leaf i."""
    h = step_size(graph.nodes[i].value)
    return 10 * oracle.EPS * (1.0 + expected.value_scale) / h + 1e-6 * expected.gradient_scale[i]
