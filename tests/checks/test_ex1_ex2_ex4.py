"""The checks of exercises 1, 2 and 4: the reference passes, the stubs are not attempted, legitimate
variants pass, hostile answers fail, and the checks' own arithmetic is right.

Implementations run in an executor (grading.local), as the grader runs them: a variant is the
reference copied to a folder of its own with some of its names redefined (`variant`), and the
checks' helpers are driven through a Remote on an executor like the one a check gets (`context`).
"""
import shutil
import time
from fractions import Fraction
from pathlib import Path

import pytest

import exercises
import reference
from checks import all_checks, runner
from checks.adapters import NAME_EXERCISE, Driver
from checks.failures import Mismatch
from checks.graphs import Graph, Node
from checks.groups import ex1, ex2, ex4
from checks.remote import Remote, StudentError
from grading.local import executor_for

MINE = ('ex1', 'ex2', 'ex4')
CHECKS = [c for c in all_checks() if c.exercise in MINE]
REFERENCE = Path(reference.__path__[0])


def variant(directory, name, code):
    """A copy of reference/ in directory/name whose __init__.py ends with `code` (source that
    redefines some of its names): the folder, for executor_for."""
    target = Path(directory) / name
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(REFERENCE, target, ignore=shutil.ignore_patterns('__pycache__'))
    init = target / '__init__.py'
    init.write_text(init.read_text() + '\n\n' + code + '\n')
    return target


def statuses(folder, exercise=None, seed=None):
    options = {} if seed is None else {'seed': seed}
    with executor_for(folder) as impl:
        return {c.id: impl.run(c, **options) for c in CHECKS
                if exercise is None or c.exercise == exercise}


def run_one(folder, check_id):
    with executor_for(folder) as impl:
        return impl.run(next(c for c in CHECKS if c.id == check_id))


def context(impl):
    """What a check's verify(ctx, case) gets, on impl's executor, at the start of an example."""
    remote = Remote(impl.executor, NAME_EXERCISE)
    remote.new_example(time.monotonic() + 30)
    return runner.Context(None, Driver(remote, impl.spec), runner.DEFAULT_SEED, 'quick')


# Objects the helper tests below drive, appended to a copy of the reference.
HELPERS = """
class Root:
    def __init__(self, error=None):
        self.error = error

    def predict(self, values):
        if self.error:
            raise self.error
        return 0.0


class CopyingRoot:
    def compile(self):
        return Add([Input()])


class CompileStub:
    def compile(self):
        raise NotImplementedError('Exercise 2: compile() is not written yet')


STUB_ERROR = NotImplementedError('Exercise 2: no')


def root_raising(k):
    return Root(ERRORS[k])
"""


def test_every_exercise_has_its_checks_and_points():
    points = {e: sum(c.points for c in CHECKS if c.exercise == e) for e in MINE}
    assert points == {'ex1': 4, 'ex2': 6, 'ex4': 6}


@pytest.fixture(scope='module')
def helpers(tmp_path_factory):
    """One executor for the reference with HELPERS, for the tests of the checks' helpers."""
    folder = variant(tmp_path_factory.mktemp('helpers'), 'reference_helpers',
                     HELPERS + WRONG_COUNT_ERRORS)
    with executor_for(folder) as impl:
        yield impl


def test_the_stubs_are_not_attempted():
    results = statuses(exercises.__path__[0])
    assert {i: r.status for i, r in results.items()} == {c.id: 'not_attempted' for c in CHECKS}


# --- exercise 1 ------------------------------------------------------------------------------


def test_worked_steps_are_exact():
    steps = ex1.worked_steps()
    assert [(s['w'], s['b']) for s in steps] == [(Fraction(13, 10), Fraction(2, 5)),
                                                (Fraction(23, 25), Fraction(39, 50))]
    assert [s['prediction'] for s in steps] == [1, Fraction(-9, 10)]


LIAR = """
class Liar(float):
    \"\"\"A float whose value is 0 but which claims to equal anything.\"\"\"

    def __eq__(self, other):
        return True

    __hash__ = float.__hash__

    def __float__(self):
        return 1.3
"""


# Each answer is the source of what sgd_by_hand() returns.
@pytest.mark.parametrize('answer, passes', [
    ('[(1.3, 0.4), (0.92, 0.78)]', True),
    ('((1.3, 0.4), (0.92, 0.78))', True),
    ('[[13 / 10, 2 / 5], [23 / 25, 39 / 50]]', True),
    ('[(1.3 + 5e-10, 0.4), (0.92, 0.78)]', True),
    ('[(1.3 + 5e-9, 0.4), (0.92, 0.78)]', False),
    ('[(Liar(0.0), 0.4), (0.92, 0.78)]', False),
    ("[(float('nan'), 0.4), (0.92, 0.78)]", False),
    ('[(0.92, 0.78)]', False),
    ('[1.3, 0.4, 0.92, 0.78]', False),
    ("'1.3 0.4 0.92 0.78'", False),
])
def test_by_hand_answers(answer, passes, tmp_path):
    folder = variant(tmp_path, 'by_hand', f'{LIAR}\n\ndef sgd_by_hand():\n    return {answer}\n')
    result = run_one(folder, 'ex1.by_hand')
    assert result.status == ('passed' if passes else 'failed'), result.message


def test_by_hand_failure_says_what_is_off_and_keeps_the_worked_table_as_the_answer(tmp_path):
    folder = variant(tmp_path, 'by_hand', 'def sgd_by_hand():\n'
                                          '    return [(1.3, 0.4), (0.92, 0.02)]\n')
    result = run_one(folder, 'ex1.by_hand')
    assert 'after step 2' in result.message and 'the bias of step 2 differs' in result.notes
    assert 'dL/dprediction' not in result.notes   # shown at hint level "full" only
    assert 'dL/dprediction' in result.answer and result.expected == (0.92, 0.78)


def test_a_tree_written_another_way_passes(tmp_path):
    folder = variant(tmp_path, 'tree', """
def build_linear_regression():
    weight = Parameter(value=0.5, learning_rate=0.1)
    bias = Parameter(value=0.0, learning_rate=0.1)
    return [Add([bias, Multiply([Input(), weight])]), weight, bias]
""")
    result = run_one(folder, 'ex1.tree')
    assert result.status == 'passed', result.message


def test_a_tree_with_weight_and_bias_swapped_fails(tmp_path):
    folder = variant(tmp_path, 'tree', """
def build_linear_regression():
    weight = Parameter(value=0.5, learning_rate=0.1)
    bias = Parameter(value=0.0, learning_rate=0.1)
    return Add([Multiply([bias, Input()]), weight]), weight, bias
""")
    result = run_one(folder, 'ex1.tree')
    assert result.status == 'failed'


# --- exercise 2 ------------------------------------------------------------------------------


# Each error is the source of what Root(error).predict() raises (None: it returns 0.0).
WRONG_COUNT = [
    ("ValueError('expected 3 values, got 4')", True),
    ("ValueError('predict(): 4 values given, 3 wanted')", True),
    ("type('InputCountError', (ValueError,), {})('need 3 got 4')", True),
    ("ValueError('expected 3 values')", False),
    ("ValueError('wrong number of values')", False),
    ('AssertionError()', False),
    ("TypeError('expected 3, got 4')", False),
    ("IndexError('list index out of range')", False),
    ('None', False),
]
WRONG_COUNT_ERRORS = ('\nERRORS = [\n' + ''.join(f'    {error},\n' for error, _ in WRONG_COUNT)
                      + ']\n')


@pytest.mark.parametrize('k', range(len(WRONG_COUNT)), ids=[e for e, _ in WRONG_COUNT])
def test_wrong_count_judges_the_error(k, helpers):
    ctx = context(helpers)
    root = ctx.api.root_raising(k)
    if WRONG_COUNT[k][1]:
        ex2._expect_value_error(ctx.remote, root, [0.5] * 4, 3, 4, 'compiled')
    else:
        with pytest.raises(Mismatch):
            ex2._expect_value_error(ctx.remote, root, [0.5] * 4, 3, 4, 'compiled')


def test_wrong_count_lets_a_stub_through(helpers):
    ctx = context(helpers)
    root = ctx.api.Root(ctx.api.STUB_ERROR)
    with pytest.raises(StudentError) as raised:
        ex2._expect_value_error(ctx.remote, root, [], 1, 0, 'compiled')
    assert raised.value.is_a('NotImplementedError') and raised.value.message == 'Exercise 2: no'


def test_a_compile_that_copies_the_root_fails(helpers):
    ctx = context(helpers)
    with pytest.raises(Mismatch, match='return the root itself'):
        ex2.compiled(ctx.remote, ctx.api.CopyingRoot())


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


CHAIN_LINEAR = '''
class ChainLinear(Linear):
    """Legitimate: a chain of binary Adds, the bias first, child before weight."""

    def expand(self):
        node = self.bias
        for weight, child in zip(self.weights, self.children):
            node = Add([node, Multiply([child, weight])])
        return node


Linear = ChainLinear
'''


def test_a_linear_expanded_another_way_passes(tmp_path):
    results = statuses(variant(tmp_path, 'chain_linear', CHAIN_LINEAR), 'ex4')
    assert {i: r.status for i, r in results.items()} == {
        'ex4.linear_structure': 'passed', 'ex4.linear_values_gradients': 'passed',
        'ex4.compile_expands_all': 'passed', 'ex4.sequences': 'passed'}


def test_the_checks_macros_describe_what_they_compute(helpers):
    ctx = context(helpers)
    tree = ('add', (('Deep', (('input', 2.0), ('param', -3.0, 0.5))),
                    ('Affine', (('input', 4.0),))))
    root, graph, objects = ex4.build_macro_tree(ctx, tree)
    # Deep(2 - 3) + (0.625 * 4 + 0.625)
    assert float(ex4.oracle.value(graph)) == pytest.approx(-1 + 0.625 * 4 + 0.625)
    remote = ctx.remote
    children = remote.fetch(root.children)
    names = remote.fetch_all([remote.get_or(remote.type_of(node), '__name__')
                              for node in list(objects.values()) + children])
    assert sorted(names[:len(objects)]) == ['Input', 'Input', 'Parameter']
    assert names[len(objects):] == ['Deep', 'Affine']


def test_compile_stub_reads_as_needing_ex2(helpers):
    ctx = context(helpers)
    with pytest.raises(Mismatch, match='^needs ex2: macros are expanded by compile'):
        ex4.compile_root(ctx, ctx.api.CompileStub())
