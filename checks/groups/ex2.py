"""Checks of exercise 2: compile() caches the Inputs, and predict() checks how many values it gets.

Independent of exercise 3 (forward caching): later predict() calls are judged by the values they
assign to the Inputs, and returned values only on the first evaluation of a freshly built graph.
Independent of exercises 4 and 6: the graphs hold no macros, and names are not looked at.
"""
import re
from functools import lru_cache

from hypothesis import strategies as st

from .. import oracle
from ..compare import VALUE_RTOL, check_value
from ..failures import Mismatch, NotAttempted
from ..graphs import Graph, Node
from ..registry import check
from ..remote import Ref, StudentError
from ..strategies import magnitudes, trees
from ..values import as_float


def compiled(remote, root, same=True):
    """root.compile(), which must return root itself here (no macros in these graphs).

    same=False accepts another root (ex2.compile_returns_root reports that), but not None.
    """
    root, has_compile = remote.fetch_all([root, remote.has_method(root, 'compile')])
    if not has_compile:
        raise NotAttempted(f'{root.type_name} has no compile() method')
    result = remote.fetch(root.compile())
    is_root = isinstance(result, Ref) and result._handle == root._handle
    if not is_root and (same or result is None):
        raise Mismatch('compile() on a graph without macros should return the root itself',
                       expected=f'the same {root.type_name} object',
                       actual=_describe_object(result))
    return result


def _describe_object(x):
    if x is None:
        return 'None'
    return f'another object, a {x.type_name if isinstance(x, Ref) else type(x).__name__}'


@lru_cache(maxsize=None)
def _trees_with_inputs(operations):
    # Made once per set of operations: building strategies anew per example is slow.
    return trees(operations).filter(lambda graph: graph.inputs)


def trees_with_inputs(ctx):
    return _trees_with_inputs(frozenset(ctx.operations))


NONZERO = st.builds(lambda magnitude, sign: magnitude * sign, magnitudes(),
                    st.sampled_from((1.0, -1.0)))  # nonzero_values(), built once


@st.composite
def _predict_cases(draw, graphs, calls):
    graph = draw(graphs)
    vector = st.lists(NONZERO, min_size=len(graph.inputs), max_size=len(graph.inputs))
    return {'graph': graph, 'inputs': [draw(vector) for _ in range(calls)]}


def predict_cases(operations, calls, inputs_required=True):
    """A tree (with at least one Input, if required), and `calls` vectors of values for its
    Inputs."""
    graphs = _trees_with_inputs(frozenset(operations)) if inputs_required else trees(operations)
    return _predict_cases(graphs, calls)


# A graph without Inputs: compile() caches an empty list, which predict([]) must use as it is
# (an empty list is falsy: `if self.inputs:` would search the graph again).
_NO_INPUTS = {'graph': Graph((Node('param', value=0.5, learning_rate=0.1),
                             Node('param', value=-1.5, learning_rate=0.1),
                             Node('mul', operands=(0, 1)))),
              'inputs': [[], [], []]}


# --- compile() returns the root ------------------------------------------------------------------


@check('ex2.compile_returns_root', 1,
       'compile() on a graph without macros returns the root itself',
       'compile() returns the root of the graph it prepared: the node it was called on (exercise '
       '4 may return another root, but only when that node is a macro).',
       explanation='compile() must end with `return self` (exercise 4 may return another root, '
       'but only when the root is a macro).',
       cases=trees_with_inputs, examples=0.2)
def verify_compile_returns_root(ctx, graph):
    built = ctx.adapter.build(graph)
    compiled(ctx.remote, built[graph.root])


# --- predict() after compile() uses the cache ----------------------------------------------------


def counting_searches(ctx, nodes):
    """Count find_input_nodes() calls on every class that defines it for these nodes (and for
    Operation): the classes of each MRO that define it themselves."""
    classes = [ctx.api.Operation] + [ctx.remote.type_of(node) for node in nodes]
    return ctx.remote.counting(classes, 'find_input_nodes', defining=True)


def check_assigned(graph, assigned, values, call):
    """After predict(values), the i-th Input of find_input_nodes() order holds values[i]
    (`assigned`: the Inputs' values read back, in that order)."""
    for k, i in enumerate(graph.input_order()):
        actual = as_float(assigned[k], f'Input {graph.label(i)}')
        if actual != values[k]:
            order = ', '.join(graph.label(j) for j in graph.input_order())
            raise Mismatch(f'Input {graph.label(i)} after the {call} predict({values})',
                           expected=values[k], actual=actual,
                           notes=f'the Inputs in find_input_nodes() order: {order}; predict() '
                                 'must give the i-th value to the i-th of them')


@check('ex2.predict_uses_cache', 2,
       'after compile(), predict() never calls find_input_nodes(), sets every Input in the right '
       'order, and returns the right value',
       'compile() should find the Inputs once and keep them on the root; predict() then uses '
       'what compile() kept (even when it found no Input at all) instead of searching the graph '
       'again.',
       explanation='compile() should store self.find_input_nodes() on the root; predict() then '
       'reads that list (when it is set, even to an empty list) instead of searching the graph '
       'again.',
       cases=lambda ctx: predict_cases(ctx.operations, calls=3, inputs_required=False),
       fixed=(_NO_INPUTS,))
def verify_predict_uses_cache(ctx, case):
    graph, vectors = case['graph'], [list(v) for v in case['inputs']]
    remote = ctx.remote
    built = ctx.adapter.build(graph)
    root = compiled(remote, built[graph.root])
    order = graph.input_order()
    with counting_searches(ctx, built) as calls:
        # Every predict() with the counts and the Inputs after it, in one round trip; read back
        # call after call below.
        asked = [[root.predict(list(values)), calls.ask()] + [built[i].value for i in order]
                 for values in vectors]
        remote.prefetch([ref for refs in asked for ref in refs])
        results = []
        for n, values in enumerate(vectors):
            result, counts, *assigned = remote.fetch_all(asked[n])
            results.append(result)
            searches = sum(calls.parse(counts).values())
            if searches:
                raise Mismatch(f'find_input_nodes() was called by predict() after compile() '
                               f'(call {n + 1} of predict)', expected=0, actual=searches,
                               notes='compile() is where the Inputs are found, once; predict() '
                                     'must use what compile() stored')
            check_assigned(graph, assigned, values, _ordinal(n))
    # Only the first value is judged: later ones would also judge forward caching (exercise 3).
    first = graph.with_values(dict(zip(graph.input_order(), vectors[0])))
    expected = oracle.expected(first)
    check_value(f'the first predict({vectors[0]}) after compile()', results[0], expected.value,
                expected.value_scale)


def _ordinal(n):
    return ('first', 'second', 'third')[n] if n < 3 else f'#{n + 1}'


# --- compiled and uncompiled agree --------------------------------------------------------------


@check('ex2.same_results', 1,
       'predict(values) after compile() returns what predict(values) returns without compile()',
       'compile() must not change what the graph computes: predict() should do the same '
       'assignment and evaluation either way, only without searching for the Inputs.',
       cases=lambda ctx: predict_cases(ctx.operations, calls=1), examples=0.4)
def verify_same_results(ctx, case):
    graph, values = case['graph'], list(case['inputs'][0])
    plain = ctx.adapter.build(graph)
    before = as_float(plain[graph.root].predict(list(values)), 'predict() without compile()')
    fresh = ctx.adapter.build(graph)
    after = as_float(compiled(ctx.remote, fresh[graph.root], same=False).predict(list(values)),
                     'predict() after compile()')
    scale = oracle.expected(graph.with_values(dict(zip(graph.input_order(), values)))).value_scale
    if not oracle.within(after, before, VALUE_RTOL * (1.0 + scale), 0.0):
        raise Mismatch(f'predict({values}) after compile(), against the same graph not compiled',
                       expected=before, actual=after)


# --- the wrong number of values -----------------------------------------------------------------


@check('ex2.wrong_count', 2,
       'predict() with one value too many or too few raises ValueError naming both counts, '
       'compiled or not',
       "The article's assert is not enough: compare the number of values with the number of "
       'Inputs, and raise a ValueError whose message gives both numbers. Check in predict() '
       'itself, so that it holds with and without compile().',
       explanation="Replace the article's assert by: if len(inputs) != len(input_nodes): raise "
       "ValueError(f'expected {len(input_nodes)} values, got {len(inputs)}'). Do it in "
       'predict(), so that it holds with and without compile().',
       cases=trees_with_inputs, examples=0.3)
def verify_wrong_count(ctx, graph):
    n = len(graph.inputs)
    # Compiled first: an implementation still without compile() is reported as not attempted.
    for state in ('compiled', 'not compiled'):
        for given in (n + 1, n - 1):
            built = ctx.adapter.build(graph)
            root = built[graph.root]
            root = compiled(ctx.remote, root, same=False) if state == 'compiled' else root
            _expect_value_error(ctx.remote, root, [0.5] * given, n, given, state)


def _expect_value_error(remote, root, values, n, given, state):
    what = (f'predict() with {given} value{"s" * (given != 1)} for {n} '
            f'Input{"s" * (n != 1)} ({state})')
    remote.flush()  # what came before is not predict()'s doing: raise it here
    try:
        result = remote.fetch(root.predict(values))
    except StudentError as error:
        if error.is_a('NotImplementedError'):
            raise  # a stub of this exercise or another: the runner says which
        if error.is_a('ValueError'):
            numbers = {int(text) for text in re.findall(r'\d+', error.message)}
            if not {n, given} <= numbers:
                raise Mismatch(f'{what}: the ValueError message should state both counts',
                               expected=f'a message with {n} (expected) and {given} (given)',
                               actual=error.message) from None
            return
        if error.is_a('AssertionError'):
            raise Mismatch(f'{what} raised AssertionError, not ValueError',
                           expected='ValueError', actual=f'AssertionError({error.message!r})',
                           notes="the article's `assert` is not enough: raise ValueError with "
                                 'both counts in the message') from None
        if not error.is_a('Exception'):
            raise
        raise Mismatch(f'{what} raised {error.type_name}, not ValueError',
                       expected='ValueError',
                       actual=f'{error.type_name}({error.message!r})') from None
    raise Mismatch(f'{what} raised nothing', expected='ValueError',
                   actual=f'it returned {_short(result)}')


def _short(x):
    text = repr(x) if not isinstance(x, Ref) else f'a {x.type_name}'
    return text if len(text) <= 60 else text[:57] + '...'
