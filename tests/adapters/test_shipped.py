"""The shipped adapters (adapters/): every kind of node, by hand, and the grader through them.

Each adapter file is loaded by its path, as the executor loads it, and asked for value() and
gradient() of small graphs whose numbers are worked out here with the math module and derivatives
by hand. The light engines (micrograd, autograd, mygrad) are in the test extra and must be
installed; the heavy ones (jax, tinygrad, torch) are tested only where they are installed.
"""
import importlib.util
import math
from pathlib import Path

import pytest

from checks import all_checks
from checks.adapters import read_spec
from executor.adapters import Adapter, require
from executor.graph import Graph, Node
from grading.local import executor_for
from workers import map_in_workers

ADAPTERS = Path(__file__).resolve().parents[2] / 'adapters'
LIGHT = ('micrograd', 'autograd', 'mygrad')
HEAVY = ('jax', 'tinygrad', 'torch')
LEAVES = {'input', 'param', 'const'}


def load(engine):
    """The adapter class of adapters/<engine>.py, loaded on its own as the executor does."""
    if engine in HEAVY:
        pytest.importorskip(engine)
    spec = importlib.util.spec_from_file_location(f'shipped_{engine}', ADAPTERS / f'{engine}.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return next(c for c in vars(module).values() if isinstance(c, type)
                and issubclass(c, Adapter) and c.__module__ == module.__name__)


# --- graphs worked out by hand ----------------------------------------------------------------

P, Q, X = 1.5, 0.8, -0.5  # nodes 0, 1 (parameters) and 2 (an input) of every graph below


def graph(*operations):
    """p, q, x, then `operations`: (kind, operand indices) or ('const', value)."""
    nodes = [Node('param', (), P, 0.1, None), Node('param', (), Q, 0.1, None),
             Node('input', (), X, 0.0, None)]
    for kind, arg in operations:
        if kind == 'const':
            nodes.append(Node('const', (), float(arg), 0.0, None))
        else:
            nodes.append(Node(kind, tuple(arg), 0.0, 0.0, None))
    return Graph(tuple(nodes))


def sig(v):
    """1 / (1 + e^-v), written so that e^-v cannot overflow."""
    return 1.0 / (1.0 + math.exp(-v)) if v >= 0 else math.exp(v) / (1.0 + math.exp(v))


S = P * Q  # the shared node of the DAG case
# name: (graph, value, {0: d/dp, 1: d/dq})
CASES = {
    'add n-ary, consts both sides, p twice': (
        graph(('const', 2.0), ('const', 3.0), ('add', (3, 0, 2, 0, 4))),
        2 + P + X + P + 3, {0: 2.0, 1: 0.0}),
    'add of one operand': (graph(('add', (1,))), Q, {0: 0.0, 1: 1.0}),
    'mul x * x': (graph(('mul', (0, 0))), P * P, {0: 2 * P, 1: 0.0}),
    'mul n-ary, consts both sides': (
        graph(('const', 2.0), ('const', -3.0), ('mul', (3, 0, 2, 1, 4))),
        2 * P * X * Q * -3, {0: 2 * X * Q * -3, 1: 2 * P * X * -3}),
    'sub p - q': (graph(('sub', (0, 1))), P - Q, {0: 1.0, 1: -1.0}),
    'sub const - p': (graph(('const', 2.0), ('sub', (3, 0))), 2 - P, {0: -1.0, 1: 0.0}),
    'sub p - const': (graph(('const', 2.0), ('sub', (0, 3))), P - 2, {0: 1.0, 1: 0.0}),
    'sub p - p': (graph(('sub', (0, 0))), 0.0, {0: 0.0, 1: 0.0}),
    'div p / q': (graph(('div', (0, 1))), P / Q, {0: 1 / Q, 1: -P / Q ** 2}),
    'div const / p': (graph(('const', 2.0), ('div', (3, 0))), 2 / P, {0: -2 / P ** 2, 1: 0.0}),
    'div p / const': (graph(('const', 4.0), ('div', (0, 3))), P / 4, {0: 0.25, 1: 0.0}),
    'pow 2': (graph(('const', 2.0), ('pow', (0, 3))), P ** 2, {0: 2 * P, 1: 0.0}),
    'pow 3 of a negative': (graph(('const', 3.0), ('mul', (0, 2)), ('pow', (4, 3))),
                            (P * X) ** 3, {0: 3 * (P * X) ** 2 * X, 1: 0.0}),
    'pow -1': (graph(('const', -1.0), ('pow', (1, 3))), 1 / Q, {0: 0.0, 1: -1 / Q ** 2}),
    'pow 0.5': (graph(('const', 0.5), ('pow', (1, 3))), math.sqrt(Q),
                {0: 0.0, 1: 0.5 / math.sqrt(Q)}),
    'neg': (graph(('neg', (0,))), -P, {0: -1.0, 1: 0.0}),
    'exp': (graph(('mul', (0, 2)), ('exp', (3,))), math.exp(P * X),
            {0: math.exp(P * X) * X, 1: 0.0}),
    'log': (graph(('log', (1,))), math.log(Q), {0: 0.0, 1: 1 / Q}),
    'tanh': (graph(('mul', (0, 1)), ('tanh', (3,))), math.tanh(S),
             {0: (1 - math.tanh(S) ** 2) * Q, 1: (1 - math.tanh(S) ** 2) * P}),
    'tanh far below 0': (graph(('const', -1000.0), ('mul', (3, 0)), ('tanh', (4,))), -1.0,
                         {0: 0.0, 1: 0.0}),
    'tanh near 0': (graph(('const', 1e-8), ('mul', (3, 0)), ('tanh', (4,))), math.tanh(1e-8 * P),
                    {0: 1e-8 * (1 - math.tanh(1e-8 * P) ** 2), 1: 0.0}),
    'relu of a positive': (graph(('relu', (0,))), P, {0: 1.0, 1: 0.0}),
    'relu of a negative': (graph(('mul', (0, 2)), ('relu', (3,))), 0.0, {0: 0.0, 1: 0.0}),
    'sigmoid': (graph(('add', (0, 2)), ('sigmoid', (3,))), sig(P + X),
                {0: sig(P + X) * (1 - sig(P + X)), 1: 0.0}),
    'sigmoid far below 0 (e^-x overflows)': (  # sigmoid(-750) and its slope underflow to 0
        graph(('const', -500.0), ('mul', (3, 0)), ('sigmoid', (4,))), 0.0, {0: 0.0, 1: 0.0}),
    # s = p q used by three parents (one of them twice): s * s + (2 - s) / 4 + relu(s)
    'shared node, micrograd\'s operations': (
        graph(('mul', (0, 1)), ('mul', (3, 3)), ('const', 2.0), ('sub', (5, 3)), ('const', 4.0),
              ('div', (6, 7)), ('relu', (3,)), ('add', (4, 8, 9))),
        S * S + (2 - S) / 4 + S, {0: (2 * S - 0.25 + 1) * Q, 1: (2 * S - 0.25 + 1) * P}),
    # s = p q; exp(s) + log(s) * tanh(s) - sigmoid(-s) ** 2
    'shared node, every unary': (
        graph(('mul', (0, 1)), ('exp', (3,)), ('log', (3,)), ('tanh', (3,)), ('mul', (5, 6)),
              ('neg', (3,)), ('sigmoid', (8,)), ('const', 2.0), ('pow', (9, 10)),
              ('add', (4, 7)), ('sub', (12, 11))),
        math.exp(S) + math.log(S) * math.tanh(S) - sig(-S) ** 2,
        {k: (math.exp(S) + math.tanh(S) / S + math.log(S) * (1 - math.tanh(S) ** 2)
             + 2 * sig(-S) * sig(-S) * (1 - sig(-S))) * other for k, other in ((0, Q), (1, P))}),
    'p, q and x of one value, p + q + x': (  # three leaves, not one
        Graph((Node('param', (), 1.0, 0.1, None), Node('param', (), 1.0, 0.1, None),
               Node('input', (), 1.0, 0.0, None), Node('add', (0, 1, 2), 0.0, 0.0, None))),
        3.0, {0: 1.0, 1: 1.0}),
    'q unused, root of the input only': (graph(('relu', (2,)), ('neg', (3,))), 0.0,
                                         {0: 0.0, 1: 0.0}),
}


def kinds(case):
    return {node.kind for node in case[0].nodes} - LEAVES


def _heavy(engine):
    """The heavy engines' tests run only when asked for (-m heavy) where they are installed."""
    return [pytest.mark.heavy] if engine in HEAVY else []


def supported():
    """(engine, case name) for every case whose operations the engine's adapter declares."""
    pairs = []
    for engine in LIGHT + HEAVY:
        declared = _declared(engine)
        for name, case in CASES.items():
            if kinds(case) <= declared:
                pairs.append(pytest.param(engine, name, id=f'{engine}-{name}',
                                          marks=_heavy(engine)))
    return pairs


def _declared(engine):
    """The operations adapters/<engine>.py declares, read from its source by the grader's reader."""
    return read_spec(ADAPTERS / f'{engine}.py').operations


@pytest.fixture(scope='module')
def adapters():
    made = {}

    def get(engine):
        if engine not in made:
            made[engine] = load(engine)()
        return made[engine]
    return get


@pytest.mark.parametrize('engine, name', supported())
def test_value_and_gradient_by_hand(engine, name, adapters):
    adapter = adapters(engine)
    g, value, gradient = CASES[name]
    got_value, got_gradient = adapter.value(g), adapter.gradient(g)
    assert type(got_value) is float and got_value == pytest.approx(value, rel=1e-12, abs=1e-300)
    assert set(got_gradient) == {0, 1}
    for i, expected in gradient.items():
        assert type(got_gradient[i]) is float
        assert got_gradient[i] == pytest.approx(expected, rel=1e-12, abs=1e-15), (i, got_gradient)
    assert adapter.gradient(g) == got_gradient  # built afresh: nothing carried over


@pytest.mark.parametrize('engine', [pytest.param(e, marks=_heavy(e)) for e in LIGHT + HEAVY])
def test_declarations(engine):
    cls = load(engine)
    assert cls.name == engine and cls.levels == {'functional'}
    assert cls.operations == _declared(engine) <= {
        'add', 'mul', 'sub', 'div', 'pow', 'neg', 'exp', 'log', 'tanh', 'relu', 'sigmoid', 'const'}
    expected = {'add', 'mul', 'sub', 'div', 'pow', 'neg', 'relu', 'const'}
    if engine != 'micrograd':  # micrograd has no exp, log, tanh or sigmoid
        expected |= {'exp', 'log'}
    if engine not in ('micrograd', 'tinygrad'):  # tinygrad's are NaN far below 0, see its file
        expected |= {'tanh', 'sigmoid'}
    assert cls.operations == expected


def test_every_declared_operation_is_tested():
    tested = {node.kind for case in CASES.values() for node in case[0].nodes}
    for engine in LIGHT + HEAVY:
        assert _declared(engine) <= tested, engine


def test_an_undeclared_operation_cannot_be_built(adapters):
    with pytest.raises(AttributeError, match="'exp'"):
        adapters('micrograd').value(CASES['exp'][0])


# --- the shared helper -------------------------------------------------------------------------


def test_a_missing_engine_names_the_pip_command():
    with pytest.raises(ImportError, match='no_such_engine is not installed: pip install nse'):
        require('no_such_engine.engine', 'pip install nse')


# --- the grader through each light adapter ----------------------------------------------------


def _grade_every_check(engine):
    """[(check id, status, text)] of every functional and engine check, through the adapter."""
    checks = [c for c in all_checks() if c.level in ('functional', 'engine')]
    with executor_for(None, adapter=str(ADAPTERS / f'{engine}.py')) as impl:
        spec = (impl.spec.name, impl.spec.operations)
        rows = []
        for check in checks:
            result = impl.run(check, seed=0, profile='quick')
            rows.append((check.id, result.status,
                         f'{check.id}: {result.status} {result.message}\n{result.case_text}'))
    return engine, spec, rows


@pytest.fixture(scope='module')
def graded():
    """{engine: (spec, rows)}: the light engines graded side by side (tests/workers.py)."""
    return {engine: (spec, rows) for engine, spec, rows in
            map_in_workers(_grade_every_check, LIGHT)}


@pytest.mark.parametrize('engine', LIGHT)
def test_every_check_it_can_serve_passes(engine, graded):
    """The functional checks and the engines' probes; the state checks need a session, which
    these adapters do not offer (skipped, as are probes of operations not declared)."""
    declared = _declared(engine)
    (name, operations), rows = graded[engine]
    assert name == engine and operations == declared
    by_id = {c.id: c for c in all_checks()}
    passed = []
    for check_id, status, text in rows:
        check = by_id[check_id]
        if check.operations - declared or check.session:  # a probe of exp, for micrograd
            assert status == 'skipped', text
        else:
            assert status == 'passed', text
            passed.append(check_id)
    assert {'core.forward', 'core.gradients', 'ex7.gradients', 'ex7.repeated_child',
            'core.engine_mul', 'core.constants', 'core.pow'} <= set(passed)
