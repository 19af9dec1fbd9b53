"""Engines keep gradients between calls: every node's gradient, and backward passes repeated on
one graph or on graphs rebuilt over the same leaves (a training loop), for engines whose adapter
offers a session (the Value convention does).

What a backward pass does to gradients already there is the engine's choice, which its adapter
declares (`repeated_backward`): 'accumulate' (PyTorch: every gradient adds up), 'reset' (every
gradient below the starting node is replaced), or 'reseed' (micrograd: the starting node's gradient
is set to 1 and every node below adds to its own). Under 'reseed' a second pass over the same build
also adds what the engine's hidden nodes (x - y built as x + (-y)) kept from the first, which no
description of the graph can predict: after it only the starting node's 1 is judged, until the
graph is rebuilt and the gradients zeroed. A sequence passes when one declared rule explains every
reading.
"""
from hypothesis import strategies as st

from .. import oracle
from ..failures import CannotCheck, Mismatch
from ..graphs import CONSTANT, LEAF_KINDS, Graph, Node
from ..registry import check
from ..strategies import dags, trees

READING_RTOL = 1e-7


def _rules(ctx):
    rules = getattr(ctx.adapter.spec, 'repeated_backward', frozenset())
    if not rules:
        raise CannotCheck(f'{ctx.adapter.name} offers no session(): it does not declare '
                          'repeated_backward (docs/adapters.md, "State")')
    return sorted(rules)


def graphs(ctx):
    _rules(ctx)
    shapes = [trees(ctx.operations)]
    if {'add', 'mul'} & set(ctx.operations):
        shapes.append(dags(ctx.operations))
    # Add([x]) is x itself in an engine: one object, one gradient, so not a node of its own.
    return st.one_of(*shapes).map(lambda g: g.without_single_operands()).filter(
        lambda g: g.operations)


@st.composite
def sequences(draw, ctx):
    """A graph, and backward passes from any of its operations, with zero_grad() and rebuilds
    over the same leaves between some."""
    graph = draw(graphs(ctx))
    step = st.one_of(st.sampled_from(graph.operations).map(lambda i: ('backward', i)),
                     st.sampled_from((('zero_grad',), ('rebuild',))))
    steps = draw(st.lists(step, min_size=2, max_size=6))
    return {'graph': graph, 'steps': [('backward', graph.root)] + steps}


def training_loop(ctx):
    """(p0 * p1) + p0 through every kind of step: rebuilt over the same leaves (gradients add
    up, or start again), a second pass on one build, zeroed, a pass from inside the graph."""
    if not {'add', 'mul'} <= set(ctx.operations):
        return ()
    graph = Graph((Node('param', value=1.5, learning_rate=0.25),
                   Node('param', value=-0.5, learning_rate=0.25),
                   Node('mul', operands=(0, 1)), Node('add', operands=(2, 0))))
    steps = [('backward', 3), ('rebuild',), ('backward', 3), ('backward', 3), ('zero_grad',),
             ('rebuild',), ('backward', 2)]
    return ({'graph': graph, 'steps': steps},)


def expected_readings(graph, steps, rule):
    """Each node's gradient after each step under `rule` (None: unknown, not judged)."""
    nodes = [i for i, node in enumerate(graph.nodes) if node.kind != CONSTANT]
    leaves = {i for i in nodes if graph.nodes[i].kind in LEAF_KINDS}
    grads, passed, readings = {i: 0.0 for i in nodes}, False, []
    for step in steps:
        if step[0] == 'zero_grad':
            grads = {i: 0.0 for i in nodes}
        elif step[0] == 'rebuild':
            grads = {i: (g if i in leaves else 0.0) for i, g in grads.items()}
            passed = False
        elif rule == 'reseed' and passed:   # hidden nodes' leftovers: only the start is known
            below = graph.below(step[1])
            grads = {i: 1.0 if i == step[1] else None if i in below else g
                     for i, g in grads.items()}
        else:  # a first pass over a build adds to zeros: 'reseed' is 'accumulate' there
            grads = oracle.after_backward(graph, grads, step[1],
                                          'reset' if rule == 'reset' else 'accumulate')
            passed = True
        readings.append(grads)
    return readings


def _close(actual, expected, passes):
    return oracle.within(actual, expected, READING_RTOL * passes * (1.0 + abs(expected)), 0.0)


def first_difference(graph, steps, readings, rule):
    """(step number, node) where the readings leave `rule`, or None when they follow it."""
    passes = 0
    for k, (step, reading, wanted) in enumerate(zip(steps, readings,
                                                     expected_readings(graph, steps, rule))):
        passes += step[0] == 'backward'
        for i, value in wanted.items():
            if value is not None and (i not in reading
                                      or not _close(reading[i], value, max(passes, 1))):
                return k, i, wanted
    return None


def _step_text(graph, step):
    if step[0] == 'backward':
        return f'backward() from {_name(graph, step[1])}'
    return 'zero_grad()' if step[0] == 'zero_grad' else 'the graph rebuilt over the same leaves'


def _name(graph, i):
    node = graph.nodes[i]
    return graph.label(i) if node.kind in ('input', 'param') else f'n{i} = {graph.formula(i)}'


def verify_readings(ctx, graph, steps):
    rules = _rules(ctx)
    readings = ctx.adapter.session_steps(graph, steps)
    differences = {rule: first_difference(graph, steps, readings, rule) for rule in rules}
    if any(found is None for found in differences.values()):
        return
    # Report against the rule followed longest.
    rule = max(rules, key=lambda r: (differences[r][0], r))
    k, i, wanted = differences[rule]
    done = '; '.join(_step_text(graph, s) for s in steps[:k + 1])
    rows = [f'    {"node":<36} {"expected":>22} {"actual":>22}']
    for j, value in wanted.items():
        actual = readings[k].get(j, float('nan'))
        mark = '' if value is None or _close(actual, value, k + 1) else '   <-- differs'
        shown = 'any' if value is None else repr(value)
        rows.append(f'    {_name(graph, j)[:36]:<36} {shown:>22} {actual!r:>22}{mark}')
    raise Mismatch(f'the gradient of {_name(graph, i)} after: {done}',
                   expected=wanted[i], actual=readings[k].get(i),
                   notes=f'under the rule "{rule}" for a second backward() (the engine may follow '
                         f'{" or ".join(rules)}); every node\'s gradient:\n' + '\n'.join(rows))


@check('core.all_gradients', 1,
       'after one backward(), every node (inputs and intermediate nodes too) holds d root / d '
       'node, and the root 1',
       'backward() starts from d root / d root = 1 and fills every node below the root, not only '
       'the leaves: each node passes its own gradient times its local derivative to each child.',
       cases=lambda ctx: graphs(ctx), level='engine', session=True)
def verify_all_gradients(ctx, graph):
    verify_readings(ctx, graph, [('backward', graph.root)])


@check('core.repeated_backward', 1,
       'backward() again, from any node, on the same graph or one rebuilt over the same leaves, '
       'with zero_grad() between or not: gradients follow the engine\'s rule (accumulate, reset, '
       'or micrograd\'s reseed)',
       'Every backward() starts from d node / d node = 1: set the starting gradient, do not add '
       'to it. The other gradients either add up across passes (micrograd, PyTorch: zero them '
       'between training steps) or start from 0, one rule for every node.',
       cases=lambda ctx: sequences(ctx), level='engine', session=True,
       fixed=lambda ctx: training_loop(ctx))
def verify_repeated_backward(ctx, case):
    verify_readings(ctx, case['graph'], case['steps'])
