"""The checks of exercises 1, 2 and 4: the reference passes, the stubs are not attempted, legitimate
variants pass, hostile answers fail, and the checks' own arithmetic is right."""
import types
from fractions import Fraction

import pytest

import exercises
import reference
from checks import all_checks, run
from checks.adapters import ArticleAdapter
from checks.failures import Mismatch
from checks.graphs import Graph, Node
from checks.groups import ex1, ex2, ex4

MINE = ('ex1', 'ex2', 'ex4')
CHECKS = [c for c in all_checks() if c.exercise in MINE]


def adapter(module):
    return ArticleAdapter(module, source_paths=[module.__path__[0]]
                          if hasattr(module, '__path__') else [])


def variant(**overrides):
    """A module with the reference's names, some replaced."""
    module = types.ModuleType('variant')
    module.__dict__.update({name: getattr(reference, name) for name in reference.__all__})
    module.__dict__.update(overrides)
    return module


def statuses(module, exercise=None, seed=None):
    options = {} if seed is None else {'seed': seed}
    return {c.id: run(c, adapter(module), **options) for c in CHECKS
            if exercise is None or c.exercise == exercise}


def test_every_exercise_has_its_checks_and_points():
    points = {e: sum(c.points for c in CHECKS if c.exercise == e) for e in MINE}
    assert points == {'ex1': 4, 'ex2': 6, 'ex4': 6}




def test_the_stubs_are_not_attempted():
    results = statuses(exercises)
    assert {i: r.status for i, r in results.items()} == {c.id: 'not_attempted' for c in CHECKS}


# --- exercise 1 ------------------------------------------------------------------------------


def test_worked_steps_are_exact():
    steps = ex1.worked_steps()
    assert [(s['w'], s['b']) for s in steps] == [(Fraction(13, 10), Fraction(2, 5)),
                                                (Fraction(23, 25), Fraction(39, 50))]
    assert [s['prediction'] for s in steps] == [1, Fraction(-9, 10)]


class Liar(float):
    """A float whose value is 0 but which claims to equal anything."""

    def __eq__(self, other):
        return True

    __hash__ = float.__hash__

    def __float__(self):
        return 1.3


@pytest.mark.parametrize('answer, passes', [
    ([(1.3, 0.4), (0.92, 0.78)], True),
    (((1.3, 0.4), (0.92, 0.78)), True),
    ([[13 / 10, 2 / 5], [23 / 25, 39 / 50]], True),
    ([(1.3 + 5e-10, 0.4), (0.92, 0.78)], True),
    ([(1.3 + 5e-9, 0.4), (0.92, 0.78)], False),
    ([(Liar(0.0), 0.4), (0.92, 0.78)], False),
    ([(float('nan'), 0.4), (0.92, 0.78)], False),
    ([(0.92, 0.78)], False),
    ([1.3, 0.4, 0.92, 0.78], False),
    ('1.3 0.4 0.92 0.78', False),
])
def test_by_hand_answers(answer, passes):
    result = run(next(c for c in CHECKS if c.id == 'ex1.by_hand'),
                 adapter(variant(sgd_by_hand=lambda: answer)))
    assert result.status == ('passed' if passes else 'failed'), result.message


def test_by_hand_failure_shows_the_worked_table():
    result = run(next(c for c in CHECKS if c.id == 'ex1.by_hand'),
                 adapter(variant(sgd_by_hand=lambda: [(1.3, 0.4), (0.92, 0.02)])))
    assert 'after step 2' in result.message and 'dL/dprediction' in result.notes


def test_a_tree_written_another_way_passes():
    def build():
        weight = reference.Parameter(value=0.5, learning_rate=0.1)
        bias = reference.Parameter(value=0.0, learning_rate=0.1)
        return [reference.Add([bias, reference.Multiply([reference.Input(), weight])]), weight,
                bias]

    result = run(next(c for c in CHECKS if c.id == 'ex1.tree'),
                 adapter(variant(build_linear_regression=build)))
    assert result.status == 'passed', result.message


def test_a_tree_with_weight_and_bias_swapped_fails():
    def build():
        weight = reference.Parameter(value=0.5, learning_rate=0.1)
        bias = reference.Parameter(value=0.0, learning_rate=0.1)
        return reference.Add([reference.Multiply([bias, reference.Input()]), weight]), weight, bias

    result = run(next(c for c in CHECKS if c.id == 'ex1.tree'),
                 adapter(variant(build_linear_regression=build)))
    assert result.status == 'failed'


# --- exercise 2 ------------------------------------------------------------------------------


class Root:
    def __init__(self, error=None):
        self.error = error

    def predict(self, values):
        if self.error:
            raise self.error
        return 0.0


@pytest.mark.parametrize('error, passes', [
    (ValueError('expected 3 values, got 4'), True),
    (ValueError('predict(): 4 values given, 3 wanted'), True),
    (type('InputCountError', (ValueError,), {})('need 3 got 4'), True),
    (ValueError('expected 3 values'), False),
    (ValueError('wrong number of values'), False),
    (AssertionError(), False),
    (TypeError('expected 3, got 4'), False),
    (IndexError('list index out of range'), False),
    (None, False),
])
def test_wrong_count_judges_the_error(error, passes):
    if passes:
        ex2._expect_value_error(Root(error), [0.5] * 4, 3, 4, 'compiled')
    else:
        with pytest.raises(Mismatch):
            ex2._expect_value_error(Root(error), [0.5] * 4, 3, 4, 'compiled')


def test_wrong_count_lets_a_stub_through():
    with pytest.raises(NotImplementedError):
        ex2._expect_value_error(Root(NotImplementedError('Exercise 2: no')), [], 1, 0, 'compiled')


def test_a_compile_that_copies_the_root_fails():
    with pytest.raises(Mismatch, match='return the root itself'):
        ex2.compiled(types.SimpleNamespace(compile=lambda: reference.Add([reference.Input()])))


# --- exercise 4 ------------------------------------------------------------------------------


def roles(nodes, own, children, point):
    return ex4._roles(Graph(tuple(nodes)), own, children, point)


def test_roles_of_an_affine_expansion():
    # b + c1 * w1 + w0 * c0, over children c0 = 2, c1 = -3
    nodes = [Node('input', value=2.0, name='c0'), Node('input', value=-3.0, name='c1'),
             Node('param', value=1.5), Node('param', value=-2.25), Node('param', value=3.125),
             Node('mul', operands=(3, 0)), Node('mul', operands=(1, 2)),
             Node('add', operands=(4, 6, 5))]
    assert roles(nodes, [2, 3, 4], [0, 1], [2.0, -3.0]) == ([3, 2], 4)


@pytest.mark.parametrize('nodes, message', [
    # w0 * c0 * c1 + b: not linear in the children
    ([Node('input', value=2.0, name='c0'), Node('input', value=-3.0, name='c1'),
      Node('param', value=1.5), Node('param', value=-2.25), Node('param', value=3.125),
      Node('mul', operands=(2, 0, 1)), Node('add', operands=(5, 4))], 'coefficient'),
    # w0 * c0 + w0 * c1 + b: one weight for two children
    ([Node('input', value=2.0, name='c0'), Node('input', value=-3.0, name='c1'),
      Node('param', value=1.5), Node('param', value=-2.25), Node('param', value=3.125),
      Node('mul', operands=(2, 0)), Node('mul', operands=(2, 1)), Node('add', operands=(5, 6, 4))],
     'same weight'),
    # (w0 * c0 + w1 * c1) * b: the bias multiplies instead of adding
    ([Node('input', value=2.0, name='c0'), Node('input', value=-3.0, name='c1'),
      Node('param', value=1.5), Node('param', value=-2.25), Node('param', value=3.125),
      Node('mul', operands=(2, 0)), Node('mul', operands=(3, 1)), Node('add', operands=(5, 6)),
      Node('mul', operands=(7, 4))], 'coefficient'),
])
def test_roles_reject_what_is_not_affine(nodes, message):
    with pytest.raises(Mismatch, match=message):
        roles(nodes, [2, 3, 4], [0, 1], [2.0, -3.0])


class ChainLinear(reference.Linear):
    """Legitimate: a chain of binary Adds, the bias first, child before weight."""

    def expand(self):
        node = self.bias
        for weight, child in zip(self.weights, self.children):
            node = reference.Add([node, reference.Multiply([child, weight])])
        return node


def test_a_linear_expanded_another_way_passes():
    results = statuses(variant(Linear=ChainLinear), 'ex4')
    assert {i: r.status for i, r in results.items()} == {
        'ex4.linear_structure': 'passed', 'ex4.linear_values_gradients': 'passed',
        'ex4.compile_expands_all': 'passed'}


def test_the_checks_macros_describe_what_they_compute():
    adapter_ = adapter(reference)
    ctx = types.SimpleNamespace(api=adapter_.api, adapter=adapter_)
    tree = ('add', (('Deep', (('input', 2.0), ('param', -3.0, 0.5))),
                    ('Affine', (('input', 4.0),))))
    root, graph, objects = ex4.build_macro_tree(ctx, tree)
    # Deep(2 - 3) + (0.625 * 4 + 0.625)
    assert float(ex4.oracle.value(graph)) == pytest.approx(-1 + 0.625 * 4 + 0.625)
    assert sorted(type(o).__name__ for o in objects.values()) == ['Input', 'Input', 'Parameter']
    assert [type(c).__name__ for c in root.children] == ['Deep', 'Affine']


def test_compile_stub_reads_as_needing_ex2():
    class Stub:
        def compile(self):
            raise NotImplementedError('Exercise 2: compile() is not written yet')

    with pytest.raises(Mismatch, match='^needs ex2: macros are expanded by compile'):
        ex4.compile_root(Stub())
