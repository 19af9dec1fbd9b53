"""Contract section 5, exercise 7 (several parents), checked on the reference implementation."""
import math
import time
from collections import Counter

import pytest

from reference import (Add, Input, Multiply, NeuralNetNode, Parameter, ReLU, Sigmoid,
                       mse_loss, mse_loss_grad, train_model)
from engine_helpers import all_nodes, cheap_repr, close, evaluate, numeric_partial, parameters  # noqa: F401 (cheap_repr is a fixture)

NODE_CLASSES = (Add, Multiply, ReLU, Sigmoid, Input, Parameter)
OP_BUDGET = 200_000
FORWARD_BUDGET = 1_000_000



def assert_step_matches_finite_differences(root, d):
    params = parameters(root)
    old = {p: p.value for p in params}
    expected = {p: numeric_partial(root, p) for p in params}
    root.backward(d)
    for p in params:
        got = (old[p] - p.value) / (p.learning_rate * d)
        assert close(got, expected[p]), (got, expected[p])
    return expected


@pytest.fixture
def grad_calls(monkeypatch):
    calls = Counter()
    for cls in NODE_CLASSES:
        original = getattr(cls, 'grad')

        def grad(self, _original=original):
            calls[self] += 1
            return _original(self)

        monkeypatch.setattr(cls, 'grad', grad)
    return calls



@pytest.fixture
def op_budget(monkeypatch, cheap_repr):
    """Fails a test fast, instead of hanging, if evaluating a ladder takes exponential time.

    Counts op() and forward() calls (the wrappers call through, so nothing else changes)."""
    count = [0, 0]
    for cls in (Add, Multiply, ReLU, Sigmoid):
        original = cls.__dict__['op']

        def op(self, x, _original=original):
            count[0] += 1
            if count[0] > OP_BUDGET:
                raise AssertionError(f'more than {OP_BUDGET} op() calls in one test')
            return _original(self, x)

        monkeypatch.setattr(cls, 'op', op)
    for cls in NODE_CLASSES:
        original_forward = getattr(cls, 'forward')

        def forward(self, _original=original_forward):
            count[1] += 1
            if count[1] > FORWARD_BUDGET:  # an exponential walk of the ladder, even without op()
                raise AssertionError(f'more than {FORWARD_BUDGET} forward() calls in one test')
            return _original(self)

        monkeypatch.setattr(cls, 'forward', forward)
    return count


@pytest.fixture
def value_writes(monkeypatch):
    writes = Counter()
    for cls in (Input, Parameter):
        original = cls.__setattr__

        def setattr_(self, name, value, _original=original):
            if name == 'value':
                writes[self] += 1
            _original(self, name, value)

        monkeypatch.setattr(cls, '__setattr__', setattr_)
    return writes


# ---------------------------------------------------------------- repeated children

@pytest.mark.parametrize('v', [-1.5, 0.0, 0.5, 3.0])
def test_multiply_x_x_has_gradient_2x(v):
    p = Parameter(value=v, learning_rate=0.1)
    square = Multiply([p, p])
    assert square.forward() == v * v
    square.backward(1.0)
    assert p.value == pytest.approx(v - 0.1 * 2 * v, rel=1e-12, abs=1e-15)


def test_multiply_x_x_x_and_add_x_x():
    p = Parameter(value=2.0, learning_rate=0.01)
    Multiply([p, p, p]).backward(1.0)
    assert p.value == pytest.approx(2.0 - 0.01 * 3 * 4.0, rel=1e-12)
    q = Parameter(value=2.0, learning_rate=0.01)
    Add([q, q, Multiply([q, Input(value=5.0)])]).backward(2.0)
    assert q.value == pytest.approx(2.0 - 0.01 * 2.0 * (1 + 1 + 5), rel=1e-12)


def test_multiply_input_input_grad_list():
    x = Input(value=3.0)
    assert list(Multiply([x, x]).grad()) == [3.0, 3.0]
    assert Multiply([x, x]).forward() == 9.0


# ---------------------------------------------------------------- diamonds and distant parents

def diamond():
    p = Parameter(value=0.6, learning_rate=0.1)
    q = Parameter(value=-0.4, learning_rate=0.2)
    x = Input(value=1.5)
    s = Multiply([p, x])                     # the diamond's top, shared by two parents
    left, right = Sigmoid([s]), Add([s, q])
    return Multiply([left, right, Add([left, Parameter(value=0.3, learning_rate=0.05)])]), x


@pytest.mark.parametrize('d', [1.0, -0.5, 2.5])
def test_diamond_gradients_match_finite_differences(d):
    root, x = diamond()
    assert root.forward() == pytest.approx(evaluate(root), rel=1e-12)
    assert_step_matches_finite_differences(root, d)
    assert x.value == 1.5


def test_diamond_of_inputs_has_the_analytic_gradient():
    p = Parameter(value=0.5, learning_rate=0.1)
    top = Add([p, Input(value=1.0)])
    root = Multiply([Add([top, Input(value=2.0)]), Multiply([top, Input(value=3.0)])])
    # root = (t + 2) * 3t with t = p + 1: d/dp = 3t + 3(t + 2) = 6t + 6 = 15 at p = 0.5
    root.backward(1.0)
    assert p.value == pytest.approx(0.5 - 0.1 * 15.0, rel=1e-12)


def test_parameter_shared_by_distant_parents_is_stepped_once_by_the_sum(value_writes):
    p = Parameter(value=0.7, learning_rate=0.1)
    x = Input(value=1.2)
    deep = x
    for i in range(6):
        weight = Parameter(value=0.9 - 0.1 * i)
        deep = Sigmoid([Add([Multiply([deep, weight]), Parameter(value=0.1)])])
    deep_use = Multiply([deep, p])             # p six levels down
    root = Add([p, Multiply([deep_use, Input(value=2.0)]), Multiply([p, x])])
    d = 0.8
    old = p.value
    expected = numeric_partial(root, p)
    writes_before = value_writes[p]
    root.backward(d)
    assert value_writes[p] - writes_before == 1
    assert value_writes[x] == 0
    assert close((old - p.value) / (p.learning_rate * d), expected)
    assert x.value == 1.2


# ---------------------------------------------------------------- the ladder

def ladder(rungs, x):
    """l' = a l + b r, r' = relu(c l + d r + e): 4 edges per rung, so 2^rungs paths to x.

    a + b and c + d stay near 1, so neither the values nor the gradients blow up or vanish."""
    def p(v):
        return Parameter(value=v, learning_rate=0.01)

    left = Multiply([x, p(0.9)])
    right = Add([x, p(0.2)])
    for i in range(rungs):
        wiggle = 0.02 * ((i * 7) % 5 - 2)
        a, b = p(0.5 + wiggle), p(0.5 - wiggle / 2)
        c, dd, e = p(0.45 - wiggle), p(0.5 + wiggle), p(0.05)
        left, right = (Add([Multiply([a, left]), Multiply([b, right])]),
                       ReLU([Add([Multiply([c, left]), Multiply([dd, right]), e])]))
    return Sigmoid([Add([left, right, p(-1.0)])])


def test_ladder_of_30_rungs_backward_calls_each_grad_once(grad_calls, op_budget):
    x = Input(value=0.8, name='x')
    root = ladder(30, x)
    nodes = all_nodes(root)
    assert len(nodes) > 300
    assert root.forward() == pytest.approx(evaluate(root), rel=1e-12)
    grad_calls.clear()
    start = time.perf_counter()
    root.backward(0.5)
    assert time.perf_counter() - start < 2.0
    assert grad_calls, 'backward() called no grad() at all'
    assert max(grad_calls.values()) == 1
    assert set(grad_calls) <= set(nodes)
    operations = [n for n in nodes if not isinstance(n, (Input, Parameter))]
    assert all(grad_calls[n] == 1 for n in operations)  # the reference asks every operation


def test_ladder_of_30_rungs_updates_match_finite_differences(op_budget):
    x = Input(value=0.8, name='x')
    root = ladder(30, x)
    expected = assert_step_matches_finite_differences(root, 0.5)
    assert x.value == 0.8
    significant = [g for g in expected.values() if abs(g) > 1e-3]
    assert len(significant) > 100  # the gradients did not vanish along the ladder


def test_ladder_input_is_listed_once_and_predict_works(op_budget):
    x = Input(name='x')
    root = ladder(30, x)
    found = root.find_input_nodes()
    assert len(found) == 1 and found[0] is x
    assert root.predict([0.3]) == pytest.approx(evaluate(root), rel=1e-12)
    assert root.compile().predict([0.6]) == pytest.approx(evaluate(root), rel=1e-12)


def test_training_on_a_ladder(capsys, op_budget):
    x = Input(name='x')
    root = ladder(30, x).compile()
    data = [([0.2], 0.3), ([0.9], 0.6)]
    before = sum(mse_loss(y, root.predict(xs)) for xs, y in data)
    train_model(root, mse_loss, mse_loss_grad, data, epochs=20, print_every=20)
    after = sum(mse_loss(y, root.predict(xs)) for xs, y in data)
    assert after < before
    capsys.readouterr()


# ---------------------------------------------------------------- find_input_nodes

def test_find_input_nodes_lists_a_shared_input_once():
    x, y = Input(name='x'), Input(name='y')
    shared = Add([x, y])
    root = Add([Multiply([shared, x]), Sigmoid([shared]), Multiply([y, y, x]), x])
    found = root.find_input_nodes()
    assert len(found) == 2 and found[0] is x and found[1] is y
    assert root.predict([2.0, 3.0]) == pytest.approx(
        5.0 * 2.0 + 1 / (1 + math.exp(-5.0)) + 18.0 + 2.0, rel=1e-12)


def test_each_node_hook_called_once_on_a_dag(monkeypatch):
    calls = Counter()
    for cls in (NeuralNetNode, Parameter):
        original = cls.__dict__['on_backward']

        def hook(self, d, _original=original):
            calls[self] += 1
            return _original(self, d)

        monkeypatch.setattr(cls, 'on_backward', hook)
    root, _ = diamond()
    root.backward(1.0)
    for p in parameters(root):
        assert calls[p] == 1
    assert max(calls.values()) == 1
