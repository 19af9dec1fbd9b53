"""The functional adapter level, proved with a second engine that is not the article's API.

valuegrad (tests/fixtures/valuegrad.py) is a micrograd-style engine without sigmoid. Through
ValueAdapter every functional check must pass, every article check must be skipped, no check may ask
it for an operation it did not declare, and broken copies of it must lose the gradient checks.
"""
import importlib.util

import pytest

from checks import all_checks, get, run
from checks.graphs import LEAF_KINDS, Graph, Node
from fixtures import valuegrad
from fixtures.value_adapter import ValueAdapter

SEEDS = [0] + [pytest.param(seed, marks=pytest.mark.slow) for seed in range(1, 5)]


class Recording(ValueAdapter):
    """Refuses, and records, any graph with an operation it did not declare."""

    def __init__(self, engine=valuegrad, operations=None):
        super().__init__(engine)
        if operations is not None:
            self.operations = frozenset(operations)
        self.kinds, self.graphs = set(), 0

    def _record(self, graph):
        kinds = {node.kind for node in graph.nodes} - set(LEAF_KINDS)
        assert kinds <= self.operations, f'asked to build {sorted(kinds - self.operations)}'
        self.kinds |= kinds
        self.graphs += 1

    def value(self, graph):
        self._record(graph)
        return super().value(graph)

    def gradient(self, graph):
        self._record(graph)
        return super().gradient(graph)


def functional_checks(*exercises):
    return [c for c in all_checks() if c.level == 'functional'
            and (not exercises or c.exercise in exercises)]


def outcome(result):
    return (f'{result.check_id}: {result.status} {result.message}\n'
            f'{result.case_text}\n{result.notes}')


def run_functional(adapter_factory, checks, seed=0):
    """{check id: (result, adapter)}, with a fresh adapter per check."""
    results = {}
    for c in checks:
        adapter = adapter_factory()
        results[c.id] = (run(c, adapter, seed=seed, profile='quick'), adapter)
    return results


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
    assert adapter.value(graph) == 0.0  # -12 + 2 - 3 + 2 < 0
    no_relu = Graph(nodes[:4])
    assert adapter.value(no_relu) == -11.0
    assert adapter.gradient(no_relu) == {0: 2 * 2.0 * -3.0 + 2}  # d/dp of p^2 x + 2p


def test_adapter_builds_afresh_each_time():
    graph = Graph((Node('param', value=1.5, learning_rate=0.5), Node('mul', operands=(0, 0))))
    adapter = ValueAdapter()
    assert adapter.gradient(graph) == adapter.gradient(graph) == {0: 3.0}


# --- every registered check through the adapter ----------------------------------------------


@pytest.mark.parametrize('seed', SEEDS)
def test_every_functional_check_passes_and_never_sees_an_undeclared_operation(seed):
    checks = functional_checks()
    assert {'core.forward', 'core.gradients', 'core.finite_differences'} <= {c.id for c in checks}
    seen = set()
    for check_id, (result, adapter) in run_functional(Recording, checks, seed).items():
        c = next(c for c in checks if c.id == check_id)
        missing = c.operations - adapter.operations
        if missing:  # a check that cannot do without, say, sigmoid says so instead of failing
            assert result.status == 'skipped', outcome(result)
            assert all(kind in result.message for kind in missing), outcome(result)
            continue
        assert result.status == 'passed', outcome(result)
        assert adapter.graphs > 0, f'{check_id} never called the adapter'
        assert 'sigmoid' not in adapter.kinds
        seen |= adapter.kinds
    assert seen == ValueAdapter.operations  # and the checks did use all it offers


def test_every_article_check_is_skipped_naming_the_functional_level():
    for c in all_checks():
        assert c.level in ('functional', 'article'), c.id
        if c.level == 'article':
            adapter = Recording()
            result = run(c, adapter, profile='quick')
            assert result.status == 'skipped', outcome(result)
            assert 'functional level' in result.message, outcome(result)
            assert (result.points, result.max_points) == (0.0, c.points)
            assert adapter.graphs == 0


@pytest.mark.slow
def test_an_adapter_without_mul_gets_no_mul():
    """operations is honoured by every functional check: skipped if it needs mul, else no mul."""
    def without_mul():
        return Recording(operations={'add', 'relu'})

    for check_id, (result, adapter) in run_functional(without_mul, functional_checks()).items():
        assert result.status in ('passed', 'skipped'), outcome(result)
        if result.status == 'skipped':
            assert 'mul' in result.message, outcome(result)
        else:
            assert adapter.kinds <= {'add', 'relu'}, check_id


# --- broken engines lose the gradient checks --------------------------------------------------


def broken_engine(tmp_path, name, old, new):
    """A copy of valuegrad with `old` replaced by `new` everywhere, imported as its own module."""
    text = open(valuegrad.__file__).read()
    assert old in text, f'{name}: {old!r} is not in valuegrad.py any more'
    path = tmp_path / f'valuegrad_{name}.py'
    path.write_text(text.replace(old, new))
    spec = importlib.util.spec_from_file_location(f'valuegrad_{name}', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def first_failure(adapter_factory, checks):
    """Run checks in order until one does not pass; that result, or None."""
    for c in checks:
        result = run(c, adapter_factory(), seed=0, profile='quick')
        if result.status != 'passed':
            return result
    return None


def test_a_dropped_chain_factor_fails_the_gradient_checks(tmp_path):
    # Multiply's backward forgets out.grad: right whenever Multiply is the root, wrong below it.
    engine = broken_engine(tmp_path, 'chain', 'self.grad += other.data * out.grad\n'
                           '            other.grad += self.data * out.grad',
                           'self.grad += other.data\n            other.grad += self.data')
    result = run(get('core.gradients'), ValueAdapter(engine), seed=0, profile='quick')
    assert result.status == 'failed', outcome(result)
    ex7 = functional_checks('ex7')
    if ex7:
        failure = first_failure(lambda: ValueAdapter(engine), ex7)
        assert failure is not None and failure.status == 'failed', failure and outcome(failure)


def test_overwritten_gradients_fail_ex7_only(tmp_path):
    # grad = instead of grad +=: the last use's contribution wins. On trees every node has one use,
    # so this is invisible there: the core checks must keep to trees, and pass it.
    engine = broken_engine(tmp_path, 'overwrite', '.grad += ', '.grad = ')
    for check_id, (result, _) in run_functional(lambda: ValueAdapter(engine),
                                                functional_checks('core')).items():
        assert result.status == 'passed', outcome(result)
    ex7 = functional_checks('ex7')
    if not ex7:
        pytest.skip('no functional ex7 check is registered yet')
    failure = first_failure(lambda: ValueAdapter(engine), ex7)
    assert failure is not None and failure.status == 'failed', failure and outcome(failure)
