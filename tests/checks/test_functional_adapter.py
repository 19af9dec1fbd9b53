"""The functional adapter level, proved with a second engine that is not the article's API.

valuegrad (tests/fixtures/valuegrad.py) is a micrograd-style engine without sigmoid. Through
ValueAdapter every functional check must pass, every article check must be skipped, no check may ask
it for an operation it did not declare, and broken copies of it must lose the gradient checks.

The adapter runs in an executor (grading.local), as `grader.py --adapter` runs it. What it was
asked is recorded there by Recording (an adapter file written for the test: ValueAdapter's source
and a subclass that refuses, and writes down, every graph with an operation it did not declare)
in a file beside it, which the test reads after each check.
"""
import contextlib
import json
import shutil
from pathlib import Path

import pytest

from checks import all_checks, get
from checks.graphs import Graph, Node
from executor.graph import Graph as ReceivedGraph
from fixtures import valuegrad
from fixtures.value_adapter import ValueAdapter
from grading.local import executor_for

SEEDS = [0] + [pytest.param(seed, marks=pytest.mark.slow) for seed in range(1, 5)]
FIXTURES = Path(__file__).resolve().parents[1] / 'fixtures'
VALUE_ADAPTER = FIXTURES / 'value_adapter.py'

RECORDING = '''

import json as _json


class Recording(ValueAdapter):
    """Refuses, and records in graphs.jsonl beside this file, any graph with an operation it did
    not declare; records the operations of every other graph it is asked to build."""
    name = 'valuegrad'
    operations = frozenset({OPERATIONS})
    levels = frozenset({'functional'})

    def _record(self, graph):
        kinds = {node.kind for node in graph.nodes} - {'input', 'param'}
        with open(Path(__file__).with_name('graphs.jsonl'), 'a') as log:
            log.write(_json.dumps(sorted(kinds)) + '\\n')
        assert kinds <= self.operations, f'asked to build {sorted(kinds - self.operations)}'

    def value(self, graph):
        self._record(graph)
        return super().value(graph)

    def gradient(self, graph):
        self._record(graph)
        return super().gradient(graph)
'''


class Recorded:
    """An executor for a Recording adapter; run(check) gives (result, the operation kinds of each
    graph the adapter was asked to build during that check)."""

    def __init__(self, impl, log):
        self.impl, self.log = impl, log

    @property
    def operations(self):
        return self.impl.spec.operations  # what the grader read from the adapter's source

    def graphs(self):
        if not self.log.exists():
            return []
        return [set(json.loads(line)) for line in self.log.read_text().splitlines()]

    def run(self, check, **options):
        before = len(self.graphs())
        result = self.impl.run(check, **options)
        return result, self.graphs()[before:]


@contextlib.contextmanager
def recording_adapter(folder, operations):
    """Recording, declaring `operations`, written to `folder` with valuegrad.py beside it; graded
    as --adapter recording_adapter.py:Recording --impl valuegrad.py."""
    engine = Path(shutil.copy(FIXTURES / 'valuegrad.py', folder / 'valuegrad.py'))
    adapter = folder / 'recording_adapter.py'
    adapter.write_text(VALUE_ADAPTER.read_text() + RECORDING.replace(
        '{OPERATIONS}', '{' + ', '.join(repr(kind) for kind in sorted(operations)) + '}'))
    with executor_for(engine, adapter=f'{adapter}:Recording') as impl:
        yield Recorded(impl, folder / 'graphs.jsonl')


@pytest.fixture(scope='module')
def recording(tmp_path_factory):
    """recording(operations=None): a Recorded adapter declaring those operations (ValueAdapter's
    when None); one executor per set of operations, for the whole module."""
    made = {}
    with contextlib.ExitStack() as stack:
        def make(operations=None):
            declared = frozenset(ValueAdapter.operations if operations is None else operations)
            if declared not in made:
                made[declared] = stack.enter_context(
                    recording_adapter(tmp_path_factory.mktemp('recording'), declared))
            return made[declared]
        yield make


def functional_checks(*exercises):
    return [c for c in all_checks() if c.level == 'functional'
            and (not exercises or c.exercise in exercises)]


def outcome(result):
    return (f'{result.check_id}: {result.status} {result.message}\n'
            f'{result.case_text}\n{result.notes}')


def run_functional(recorded, checks, seed=0):
    """{check id: (result, the operation kinds of each graph the adapter built for it)}."""
    return {c.id: recorded.run(c, seed=seed, profile='quick') for c in checks}


def received(graph):
    """The graph as an adapter receives it in the executor."""
    return ReceivedGraph.from_data(graph.to_data())


# --- the engine and its adapter, on their own ------------------------------------------------


def test_valuegrad_sums_over_shared_uses():
    x, p = valuegrad.Value(3.0), valuegrad.Value(-2.0)
    y = x * x + x * p  # x used three times: dy/dx = 2x + p
    z = (y + y).relu()  # y used twice by one parent
    z.backward()
    assert (z.data, x.grad, p.grad) == (6.0, 2 * (2 * 3.0 - 2.0), 2 * 3.0)


def test_adapter_folds_nary_operations_and_reuses_repeated_operands():
    nodes = (Node('param', value=2.0, learning_rate=0.5), Node('input', value=-3.0),
             Node('mul', operands=(0, 0, 1)),       # p * p * x
             Node('add', operands=(2, 0, 1, 0)),    # p*p*x + p + x + p
             Node('relu', operands=(3,)))
    graph = Graph(nodes)
    adapter = ValueAdapter()
    assert adapter.value(received(graph)) == 0.0  # -12 + 2 - 3 + 2 < 0
    no_relu = received(Graph(nodes[:4]))
    assert adapter.value(no_relu) == -11.0
    assert adapter.gradient(no_relu) == {0: 2 * 2.0 * -3.0 + 2}  # d/dp of p^2 x + 2p


def test_adapter_builds_afresh_each_time():
    graph = received(Graph((Node('param', value=1.5, learning_rate=0.5),
                            Node('mul', operands=(0, 0)))))
    adapter = ValueAdapter()
    assert adapter.gradient(graph) == adapter.gradient(graph) == {0: 3.0}


def test_the_grader_reads_what_the_adapter_declares(recording):
    recorded = recording()
    assert recorded.impl.spec.name == ValueAdapter.name == 'valuegrad'
    assert recorded.impl.spec.levels == ValueAdapter.levels == {'functional'}
    assert recorded.operations == ValueAdapter.operations == {'add', 'mul', 'relu'}
    assert recording({'add', 'relu'}).operations == {'add', 'relu'}


# --- every registered check through the adapter ----------------------------------------------


@pytest.mark.parametrize('seed', SEEDS)
def test_every_functional_check_passes_and_never_sees_an_undeclared_operation(seed, recording):
    recorded = recording()
    checks = functional_checks()
    assert {'core.forward', 'core.gradients', 'core.finite_differences'} <= {c.id for c in checks}
    seen = set()
    for check_id, (result, graphs) in run_functional(recorded, checks, seed).items():
        c = next(c for c in checks if c.id == check_id)
        missing = c.operations - recorded.operations
        if missing:  # a check that cannot do without, say, sigmoid says so instead of failing
            assert result.status == 'skipped', outcome(result)
            assert all(kind in result.message for kind in missing), outcome(result)
            continue
        assert result.status == 'passed', outcome(result)
        assert graphs, f'{check_id} never called the adapter'
        kinds = set().union(*graphs)
        assert kinds <= recorded.operations and 'sigmoid' not in kinds, (check_id, kinds)
        seen |= kinds
    assert seen == recorded.operations  # and the checks did use all it offers


def test_every_article_check_is_skipped_naming_the_functional_level(recording):
    recorded = recording()
    for c in all_checks():
        assert c.level in ('functional', 'article', 'engine'), c.id
        if c.level == 'article':
            result, graphs = recorded.run(c, profile='quick')
            assert result.status == 'skipped', outcome(result)
            assert 'functional level' in result.message, outcome(result)
            assert (result.points, result.max_points) == (0.0, c.points)
            assert graphs == []


@pytest.mark.slow
def test_an_adapter_without_mul_gets_no_mul(recording):
    """operations is honoured by every functional check: skipped if it needs mul, else no mul."""
    recorded = recording({'add', 'relu'})
    for check_id, (result, graphs) in run_functional(recorded, functional_checks()).items():
        assert result.status in ('passed', 'skipped'), outcome(result)
        if result.status == 'skipped':
            assert 'mul' in result.message, outcome(result)
        else:
            assert set().union(*graphs) <= {'add', 'relu'}, check_id


# --- broken engines lose the gradient checks --------------------------------------------------


def broken_engine(tmp_path, name, old, new):
    """A copy of valuegrad with `old` replaced by `new` everywhere: its path, for --impl."""
    text = open(valuegrad.__file__).read()
    assert old in text, f'{name}: {old!r} is not in valuegrad.py any more'
    path = tmp_path / f'valuegrad_{name}.py'
    path.write_text(text.replace(old, new))
    return path


def graded(engine):
    """An executor for `engine` (a file) through ValueAdapter, as --adapter FILE --impl engine."""
    return executor_for(engine, adapter=f'{VALUE_ADAPTER}:ValueAdapter')


def first_failure(impl, checks):
    """Run checks in order until one does not pass; that result, or None."""
    for c in checks:
        result = impl.run(c, seed=0, profile='quick')
        if result.status != 'passed':
            return result
    return None


def test_a_dropped_chain_factor_fails_the_gradient_checks(tmp_path):
    # Multiply's backward forgets out.grad: right whenever Multiply is the root, wrong below it.
    engine = broken_engine(tmp_path, 'chain', 'self.grad += other.data * out.grad\n'
                           '            other.grad += self.data * out.grad',
                           'self.grad += other.data\n            other.grad += self.data')
    with graded(engine) as impl:
        result = impl.run(get('core.gradients'), seed=0, profile='quick')
        assert result.status == 'failed', outcome(result)
        ex7 = functional_checks('ex7')
        if ex7:
            failure = first_failure(impl, ex7)
            assert failure is not None and failure.status == 'failed', failure and outcome(failure)


def test_overwritten_gradients_fail_ex7_only(tmp_path):
    # grad = instead of grad +=: the last use's contribution wins. On trees every node has one use,
    # so this is invisible there: the core checks must keep to trees, and pass it.
    engine = broken_engine(tmp_path, 'overwrite', '.grad += ', '.grad = ')
    with graded(engine) as impl:
        for c in functional_checks('core'):
            result = impl.run(c, seed=0, profile='quick')
            assert result.status == 'passed', outcome(result)
        ex7 = functional_checks('ex7')
        if not ex7:
            pytest.skip('no functional ex7 check is registered yet')
        failure = first_failure(impl, ex7)
        assert failure is not None and failure.status == 'failed', failure and outcome(failure)
