"""Contract section 4 (what backward(d) does, core), checked on the reference implementation.

Every expected update is computed in the test from values read before backward(): the formula
p.value = old - lr * d * d(root)/d(p) with the partial at the old values.
"""
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reference import Add, Input, Multiply, NeuralNetNode, Parameter, ReLU, Sigmoid
from engine_helpers import close, evaluate, numeric_partial, sig

SETTINGS = settings(derandomize=True, database=None, deadline=None, max_examples=100)

def sgd(old, lr, d, partial):
    return old - lr * d * partial


def approx(x):
    return pytest.approx(x, rel=1e-12, abs=1e-14)


# ---------------------------------------------------------------- exact formula on hand-built trees

def test_article_linear_model_step():
    w, b = Parameter(value=0.5, learning_rate=0.1), Parameter(value=0.25, learning_rate=0.2)
    x = Input(value=2.0)
    model = Add([Multiply([w, x]), b])
    model.forward()
    model.backward(-4.0)
    assert w.value == approx(sgd(0.5, 0.1, -4.0, 2.0))
    assert b.value == approx(sgd(0.25, 0.2, -4.0, 1.0))
    assert x.value == 2.0


def test_multiply_of_two_parameters_uses_old_values_for_both():
    p1, p2 = Parameter(value=3.0, learning_rate=0.1), Parameter(value=-2.0, learning_rate=0.05)
    model = Multiply([p1, p2])
    model.backward(1.5)
    assert p1.value == approx(sgd(3.0, 0.1, 1.5, -2.0))
    assert p2.value == approx(sgd(-2.0, 0.05, 1.5, 3.0))


def test_nary_multiply_uses_old_values():
    ps = [Parameter(value=v, learning_rate=lr)
          for v, lr in ((2.0, 0.1), (-1.0, 0.2), (0.5, 0.3), (4.0, 0.01))]
    old = [p.value for p in ps]
    Multiply(ps).backward(2.0)
    for i, p in enumerate(ps):
        partial = math.prod(old[:i] + old[i + 1:])
        assert p.value == approx(sgd(old[i], p.learning_rate, 2.0, partial))


def test_multiply_with_a_zero_parameter():
    z, q = Parameter(value=0.0, learning_rate=0.1), Parameter(value=5.0, learning_rate=0.1)
    x = Input(value=3.0)
    Multiply([z, q, x]).backward(1.0)
    assert z.value == approx(sgd(0.0, 0.1, 1.0, 15.0))
    assert q.value == 5.0  # its partial is 0 * 3


def test_deep_tree_with_every_operation():
    a = Parameter(value=0.4, learning_rate=0.1)
    b = Parameter(value=-0.7, learning_rate=0.2)
    c = Parameter(value=1.3, learning_rate=0.3)
    e = Parameter(value=-0.2, learning_rate=0.05)
    x, y = Input(value=1.5), Input(value=-2.0)
    # root = sigmoid(a*x + b) * relu(c + y*e) + e
    u = Add([Multiply([a, x]), b])
    v = Add([c, Multiply([y, e])])
    root = Add([Multiply([Sigmoid([u]), ReLU([v])]), e])
    uv, vv = 0.4 * 1.5 - 0.7, 1.3 + -2.0 * -0.2
    s = sig(uv)
    assert vv > 0
    assert root.forward() == pytest.approx(s * vv - 0.2, rel=1e-12)
    partials = {
        'a': s * (1 - s) * 1.5 * vv,
        'b': s * (1 - s) * vv,
        'c': s,
        'e': s * -2.0 + 1.0,
    }
    d = 0.75
    root.backward(d)
    assert a.value == approx(sgd(0.4, 0.1, d, partials['a']))
    assert b.value == approx(sgd(-0.7, 0.2, d, partials['b']))
    assert c.value == approx(sgd(1.3, 0.3, d, partials['c']))
    assert e.value == approx(sgd(-0.2, 0.05, d, partials['e']))
    assert (x.value, y.value) == (1.5, -2.0)


def test_relu_blocks_gradient_when_negative():
    p = Parameter(value=-1.0, learning_rate=0.1)
    q = Parameter(value=2.0, learning_rate=0.1)
    root = Add([ReLU([p]), q])
    root.backward(3.0)
    assert p.value == -1.0
    assert q.value == approx(2.0 - 0.1 * 3.0)


def test_backward_on_a_subtree_only_updates_parameters_below_it():
    p, q = Parameter(value=1.0, learning_rate=0.1), Parameter(value=2.0, learning_rate=0.1)
    sub = Multiply([p, Input(value=4.0)])
    Add([sub, q])
    sub.backward(1.0)
    assert p.value == approx(1.0 - 0.1 * 4.0)
    assert q.value == 2.0


def test_backward_on_a_leaf():
    p = Parameter(value=1.0, learning_rate=0.5)
    p.backward(2.0)
    assert p.value == approx(0.0)
    x = Input(value=3.0)
    x.backward(2.0)
    assert x.value == 3.0


def test_backward_without_a_prior_forward():
    p = Parameter(value=2.0, learning_rate=0.1)
    x = Input(value=3.0)
    Multiply([p, x, p]).backward(1.0)  # p appears twice: partial 2 * p * x
    assert p.value == approx(2.0 - 0.1 * 12.0)


# ---------------------------------------------------------------- learning rates, inputs, counts

def test_learning_rates_are_respected_per_parameter():
    lrs = [0.0, 0.001, 0.1, 1.0, 2.5]
    ps = [Parameter(value=1.0, learning_rate=lr) for lr in lrs]
    x = Input(value=2.0)
    root = Add([Multiply([p, x]) for p in ps])
    root.backward(3.0)
    for p, lr in zip(ps, lrs):
        assert p.value == approx(1.0 - lr * 3.0 * 2.0)


def test_assigned_learning_rate_is_used():
    p = Parameter(value=1.0)
    p.learning_rate = 0.25
    Multiply([p, Input(value=2.0)]).backward(1.0)
    assert p.value == approx(1.0 - 0.25 * 2.0)


def test_default_learning_rate_is_used():
    p = Parameter(value=1.0)
    Add([p]).backward(1.0)
    assert p.value == approx(1.0 - 0.01)


def test_d_scales_the_step():
    for d in (-2.0, -0.5, 0.0, 1.0, 7.0):
        p = Parameter(value=0.5, learning_rate=0.1)
        Multiply([p, Input(value=3.0)]).backward(d)
        assert p.value == approx(0.5 - 0.1 * d * 3.0)


class Counter:
    def __init__(self):
        self.counts = {}

    def add(self, node):
        self.counts[node] = self.counts.get(node, 0) + 1


@pytest.fixture
def value_writes(monkeypatch):
    """Counts every assignment to `value` on an Input or a Parameter."""
    writes = Counter()
    for cls in (Input, Parameter):
        original = cls.__setattr__

        def setattr_(self, name, value, _original=original):
            if name == 'value':
                writes.add(self)
            _original(self, name, value)

        monkeypatch.setattr(cls, '__setattr__', setattr_)
    return writes


@pytest.fixture
def hook_calls(monkeypatch):
    """Counts the calls to on_backward, per node."""
    calls = Counter()
    for cls in (NeuralNetNode, Parameter):
        original = cls.__dict__['on_backward']

        def on_backward(self, d, _original=original):
            calls.add(self)
            return _original(self, d)

        monkeypatch.setattr(cls, 'on_backward', on_backward)
    return calls


def shared_graph():
    p = Parameter(value=0.8, learning_rate=0.1)
    q = Parameter(value=-0.3, learning_rate=0.2)
    x, y = Input(value=1.5), Input(value=-0.5)
    inner = Add([Multiply([p, x]), q])
    root = Add([Multiply([inner, p, y]), Sigmoid([inner]), Multiply([q, q]), p])
    return root, [p, q], [x, y]


def test_each_parameter_is_updated_exactly_once_and_inputs_never(value_writes, hook_calls):
    root, params, inputs = shared_graph()
    root.forward()
    value_writes.counts.clear()
    root.backward(1.0)
    for p in params:
        assert value_writes.counts.get(p, 0) == 1
        assert hook_calls.counts.get(p, 0) == 1
    for x in inputs:
        assert value_writes.counts.get(x, 0) == 0
    assert all(n == 1 for n in hook_calls.counts.values())


def test_shared_parameters_get_the_summed_gradient_at_old_values():
    root, params, inputs = shared_graph()
    old = [p.value for p in params]
    partials = [numeric_partial(root, p) for p in params]
    d = -1.25
    root.backward(d)
    for p, o, partial in zip(params, old, partials):
        analytic = (o - p.value) / (p.learning_rate * d)
        assert close(analytic, partial), (analytic, partial)
    assert [x.value for x in inputs] == [1.5, -0.5]


def test_on_backward_does_nothing_on_other_nodes_and_steps_a_parameter():
    x = Input(value=2.0)
    x.on_backward(5.0)
    assert x.value == 2.0
    node = Add([x])
    assert node.forward() == 2.0
    node.on_backward(5.0)
    assert node.forward() == 2.0 and x.value == 2.0
    p = Parameter(value=1.0, learning_rate=0.1)
    p.on_backward(3.0)
    assert p.value == approx(1.0 - 0.1 * 3.0)


def test_only_parameter_values_change_and_forward_sees_them():
    root, params, inputs = shared_graph()
    before = root.forward()
    children_before = {id(n): list(n.children) for n in _all_nodes(root)}
    root.backward(2.0)
    for node in _all_nodes(root):
        assert node.children == children_before[id(node)]
    after = root.forward()
    assert after != before
    assert after == pytest.approx(evaluate(root), rel=1e-12)


def _all_nodes(root):
    seen, stack, out = set(), [root], []
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        out.append(node)
        stack.extend(node.children)
    return out


@SETTINGS
@given(st.lists(st.floats(-2, 2), min_size=6, max_size=6), st.floats(-3, 3),
       st.lists(st.floats(0.001, 0.5), min_size=4, max_size=4))
def test_backward_matches_finite_differences_property(values, d, lrs):
    a, b, c, e = (Parameter(value=v, learning_rate=lr) for v, lr in zip(values[:4], lrs))
    x, y = Input(value=values[4]), Input(value=values[5])
    root = Add([Multiply([Sigmoid([Add([Multiply([a, x]), b])]), c]),
                Multiply([e, y, a]), Sigmoid([Multiply([c, e])])])
    params = [a, b, c, e]
    old = [p.value for p in params]
    partials = [numeric_partial(root, p) for p in params]
    root.backward(d)
    for p, o, lr, partial in zip(params, old, lrs, partials):
        if abs(d) > 1e-3:
            assert close((o - p.value) / (lr * d), partial)
        else:
            assert abs(p.value - (o - lr * d * partial)) <= 1e-9
    assert (x.value, y.value) == (values[4], values[5])
