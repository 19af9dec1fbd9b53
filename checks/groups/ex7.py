"""Checks of exercise 7: nodes with several parents (graphs that are DAGs, not trees)."""
from hypothesis import assume, strategies as st

from .. import oracle
from ..compare import check_gradient
from ..failures import CannotCheck, Mismatch
from ..graphs import Graph, Node
from ..registry import check
from ..remote import TooManyCalls
from ..strategies import dags, ladder, learning_rates, nonzero_values, programs
from .core import labels_of, verify_finite_differences, verify_gradients
from ..values import as_float

LADDER_RUNGS = 12  # 4096 paths from the root to the input, 61 nodes


def generated_dags(ctx):
    if not {'add', 'mul'} & set(ctx.operations):
        raise CannotCheck(f'{ctx.adapter.name} has neither add nor mul, and a graph with shared '
                          'nodes needs one of them')
    return dags(ctx.operations)


# The same properties as core's, judged on graphs where nodes are shared.
check('ex7.gradients', 3,
      'one backward() on generated DAGs moves every Parameter by its exact gradient',
      'A node with several parents must receive the SUM of what each parent sends, and be '
      'processed (and updated) only once all of them have: go through the nodes in '
      'topological order, parents first, and update the Parameters after every partial is known.',
      cases=generated_dags, level='functional', examples=3,
      engine=('one backward() on generated graphs with shared nodes gives every Parameter its '
              'exact gradient',
              'A node used by several others must SUM (+=) what each sends, and pass its gradient '
              'on only once all of them have: walk a topological order built with a visited set.')
      )(verify_gradients)

check('ex7.finite_differences', 1,
      "on generated DAGs each gradient matches central differences of the implementation's "
      'forward()',
      'Your gradient disagrees with the slope of your own forward() on a graph with shared '
      'nodes: look for a shared node whose contributions are overwritten, or counted per path '
      'from values already updated.',
      cases=generated_dags, level='functional',
      engine=("on generated graphs with shared nodes each gradient matches central differences of "
              "the engine's own values",
              'Your gradient disagrees with the slope of your own values on a graph with shared '
              'nodes: look for a gradient overwritten (=) instead of added (+=), or a node '
              'visited once per path.'))(verify_finite_differences)


@st.composite
def repeated_children(draw, operations):
    """One Parameter two or three times in one children list: p * p, p + p + p, ..."""
    kind = draw(st.sampled_from(sorted({'add', 'mul'} & set(operations))))
    times = draw(st.integers(2, 3))
    p = Node('param', value=draw(nonzero_values()), learning_rate=draw(learning_rates()))
    return Graph((p, Node(kind, operands=(0,) * times)))


@check('ex7.repeated_child', 1, 'Multiply([p, p]) is p^2 and Add([p, p, p]) is 3p, in value and '
       'gradient', 'A child listed twice gets a contribution from each position: sum them.',
       cases=lambda ctx: repeated_children(ctx.operations), level='functional',
       engine=('p * p is p^2 and p + p + p is 3p, in value and gradient',
               'x * x: both operands are x and each adds its share, 2x in all: use +=, not =.'),
       operations=('add', 'mul'))
def verify_repeated_child(ctx, graph):
    expected = oracle.expected(graph)
    value = as_float(ctx.adapter.value(graph), 'the value of the root')
    if not oracle.within(value, expected.value, 1e-12 * (1 + abs(expected.value)), 0.0):
        raise Mismatch('the value of the root', expected=expected.value, actual=value)
    check_gradient(graph, ctx.adapter.gradient(graph), expected, upstream=1.5)


@st.composite
def shared_input_graphs(draw, operations):
    """Programs where some Input is reached more than once, with values for predict()."""
    graph = draw(programs(operations))
    order = graph.input_order()
    uses = [o for node in graph.nodes for o in node.operands]
    assume(any(uses.count(i) > 1 for i in graph.inputs))
    values = draw(st.lists(nonzero_values(), min_size=len(order), max_size=len(order)))
    return {'graph': graph, 'inputs': values}


def _met_again_before_the_rest():
    """Graphs where the walk meets a shared Input again while other Inputs are still to be
    found: a walk that stops there (a `break` for a `continue`) loses them."""
    x, y = Node('input', value=1.5), Node('input', value=-2.0)
    return ({'graph': Graph((x, y, Node('mul', operands=(0, 1)), Node('add', operands=(0, 2)))),
             'inputs': [0.5, 3.0]},
            {'graph': Graph((x, y, Node('add', operands=(0, 0, 1)))), 'inputs': [0.5, 3.0]})


@check('ex7.shared_inputs', 1,
       'find_input_nodes() lists a shared Input once, at its first position; predict() fills it',
       'Remember the Inputs already found (by identity) and skip them when met again.',
       cases=lambda ctx: shared_input_graphs(ctx.operations), fixed=_met_again_before_the_rest())
def verify_shared_inputs(ctx, case):
    graph, values = case['graph'], list(case['inputs'])
    remote = ctx.remote
    built = ctx.adapter.build(graph)
    root = built[graph.root]
    found = remote.fetch(remote.step('iterate', root.find_input_nodes()))
    identities = remote.identities([built[i] for i in graph.inputs])
    found = labels_of(found, dict(zip(identities, (graph.label(i) for i in graph.inputs))))
    expected_order = [graph.label(i) for i in graph.input_order()]
    if found != expected_order:
        raise Mismatch('find_input_nodes() on a graph with shared Inputs',
                       expected=expected_order, actual=found)
    result = root.predict(values)
    expected = oracle.expected(graph.with_values(dict(zip(graph.input_order(), values))))
    actual = as_float(result, f'predict({values})')
    if not oracle.within(actual, expected.value, 1e-9 * (1 + expected.value_scale), 0.0):
        raise Mismatch(f'predict({values})', expected=expected.value, actual=actual)


@check('ex7.grad_once', 1,
       f'on a ladder DAG with {2 ** LADDER_RUNGS} paths, backward() calls each grad() once '
       'and gets every gradient right',
       'backward() must not walk every path: visit each node once, in topological order, '
       'accumulating the derivatives that reach it. A recursive walk is exponential in depth.',
       operations=('add', 'mul'))
def verify_grad_once(ctx, _):
    graph = ladder(LADDER_RUNGS)
    remote = ctx.remote
    built = ctx.adapter.build(graph)
    root = built[graph.root]
    operations = [built[i] for i in graph.operations]
    as_float(root.forward(), 'forward()')  # as in training; unjudged (a cacheless forward is slow)
    try:
        with remote.counting([remote.type_of(node) for node in operations], 'grad', limit=1):
            remote.fetch(root.backward(1.5))
    except TooManyCalls as error:
        found = remote.fetch_all(operations)
        index, node = next(((i, node) for i, node in zip(graph.operations, found)
                            if node._handle == error.identity), (None, None))
        raise Mismatch(f'calls of grad() on the '
                       f'{node.type_name if node is not None else "Operation"} '
                       f'#{index} during one backward()', expected='at most 1',
                       actual='2 or more (stopped there)', notes=_ladder_notes(graph)) from None
    after = remote.fetch_all([built[i].value for i in graph.parameters])
    gradient = {i: (graph.nodes[i].value - as_float(new, graph.label(i)))
                / (graph.nodes[i].learning_rate * 1.5) for i, new in zip(graph.parameters, after)}
    check_gradient(graph, gradient, oracle.expected(graph), upstream=1.5)


def _ladder_notes(graph):
    return ('the ladder: a_0 = x, a_{k+1} = p_k * a_k + q_k * a_k, so each rung doubles the paths:\n'
            + graph.formula()[:300] + ' ...')
