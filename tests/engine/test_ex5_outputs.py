"""Contract section 5, exercise 5 (outputs), checked on the reference implementation."""
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reference import (Add, Input, Multiply, Operation, Output, Parameter, Sigmoid, SoftMax,
                       cce_loss, cce_loss_grad)
from engine_helpers import H, close, evaluate, softmax

SETTINGS = settings(derandomize=True, database=None, deadline=None, max_examples=100)


def numeric_partial(f, leaf, h=H):
    old = leaf.value
    leaf.value = old + h
    up = f()
    leaf.value = old - h
    down = f()
    leaf.value = old
    return (up - down) / (2 * h)


def gradient_from_backward(root, params, derivatives):
    """Reads each Parameter's gradient from the step backward(derivatives) takes."""
    old = {p: p.value for p in params}
    root.backward(derivatives)
    return {p: (old[p] - p.value) / p.learning_rate for p in params}


# ---------------------------------------------------------------- Output

def test_output_is_an_operation():
    assert issubclass(Output, Operation) and issubclass(SoftMax, Output)


def test_output_forward_is_the_list_of_children_values():
    x, p = Input(value=2.0), Parameter(value=-1.5)
    out = Output([Multiply([x, p]), x, Add([x, p]), p])
    values = out.forward()
    assert type(values) is list
    assert values == [-3.0, 2.0, 0.5, -1.5]
    assert out() == values


def test_output_forward_returns_a_copy():
    x = Input(value=1.0)
    out = Output([x, Add([x, x])])
    first = out.forward()
    first[0] = 99.0
    first.append(5.0)
    second = out.forward()
    assert second == [1.0, 2.0]
    assert second is not out.forward()
    soft = SoftMax([x, Parameter(value=0.0)])
    s = soft.forward()
    s[0] = 7.0
    assert soft.forward()[0] == pytest.approx(1 / (1 + math.exp(-1.0)), rel=1e-12)


def test_output_predict_returns_the_list():
    x, y = Input(), Input()
    out = Output([Add([x, y]), Multiply([x, y])])
    assert out.predict([2.0, 3.0]) == [5.0, 6.0]
    assert out.predict([1.0, -1.0]) == [0.0, -1.0]
    compiled = out.compile()
    assert compiled.predict([4.0, 0.5]) == [4.5, 2.0]


def test_output_backward_sums_over_the_outputs():
    p = Parameter(value=0.5, learning_rate=0.1)
    q = Parameter(value=-2.0, learning_rate=0.2)
    x = Input(value=3.0)
    out = Output([Multiply([p, x]), Add([p, q]), q, Multiply([p, q])])
    d = [1.0, -2.0, 0.5, 4.0]
    out.backward(d)
    # d/dp: d0 * x + d1 + d3 * q ; d/dq: d1 + d2 + d3 * p, at the old values.
    assert p.value == pytest.approx(0.5 - 0.1 * (1.0 * 3.0 - 2.0 + 4.0 * -2.0), rel=1e-12)
    assert q.value == pytest.approx(-2.0 - 0.2 * (-2.0 + 0.5 + 4.0 * 0.5), rel=1e-12)
    assert x.value == 3.0


def test_output_backward_with_a_repeated_child():
    p = Parameter(value=1.0, learning_rate=0.5)
    Output([p, p]).backward([1.0, 2.0])
    assert p.value == pytest.approx(1.0 - 0.5 * 3.0, rel=1e-12)


def test_output_backward_matches_finite_differences():
    a, b, c = (Parameter(value=v, learning_rate=lr) for v, lr in ((0.3, 0.1), (-0.8, 0.05),
                                                                   (1.2, 0.2)))
    x = Input(value=0.7)
    out = Output([Sigmoid([Add([Multiply([a, x]), b])]), Multiply([b, c]), Add([c, a, x])])
    g = [0.9, -1.1, 0.4]

    def loss():
        return sum(gi * vi for gi, vi in zip(g, evaluate(out)))

    expected = {p: numeric_partial(loss, p) for p in (a, b, c)}
    got = gradient_from_backward(out, [a, b, c], g)
    for p in (a, b, c):
        assert close(got[p], expected[p])


# ---------------------------------------------------------------- SoftMax values

def logits_node(values):
    return SoftMax([Parameter(value=v) for v in values])


@pytest.mark.parametrize('zs', [[0.0], [1.0, 2.0, 3.0], [-1.0, 0.0, 1.0, 2.5], [5.0, 5.0],
                                [-30.0, 30.0, 0.0]])
def test_softmax_values(zs):
    s = logits_node(zs).forward()
    assert type(s) is list and len(s) == len(zs)
    assert sum(s) == pytest.approx(1.0, abs=1e-12)
    assert all(0.0 < v <= 1.0 for v in s)
    exps = [math.exp(z) for z in zs]
    assert s == pytest.approx([e / sum(exps) for e in exps], rel=1e-12, abs=1e-300)


@pytest.mark.parametrize('zs', [[1000.0, 0.0], [-1000.0, 0.0], [1000.0, -1000.0],
                                [1000.0, 1000.0, 999.0], [-1000.0, -1000.0],
                                [1e300, -1e300, 0.0], [709.0, 710.0, 711.0]])
def test_softmax_is_finite_at_extreme_logits(zs):
    s = logits_node(zs).forward()
    assert all(math.isfinite(v) and 0.0 <= v <= 1.0 for v in s)
    assert sum(s) == pytest.approx(1.0, abs=1e-12)
    assert max(s) > 0.0


def test_softmax_extreme_logits_values():
    assert logits_node([1000.0, 1000.0]).forward() == [0.5, 0.5]
    assert logits_node([-1000.0, -1000.0]).forward() == [0.5, 0.5]
    s = logits_node([1000.0, 0.0]).forward()
    assert s[0] == pytest.approx(1.0, abs=1e-15) and s[1] == pytest.approx(0.0, abs=1e-300)
    s = logits_node([1000.0, 999.0]).forward()
    assert s == pytest.approx([1 / (1 + math.exp(-1)), 1 / (1 + math.exp(1))], rel=1e-12)


@SETTINGS
@given(st.lists(st.floats(-1000, 1000), min_size=1, max_size=6), st.floats(-500, 500))
def test_softmax_properties(zs, shift):
    s = logits_node(zs).forward()
    assert all(math.isfinite(v) and 0.0 <= v <= 1.0 for v in s)
    assert sum(s) == pytest.approx(1.0, abs=1e-12)
    if max(zs) - min(zs) < 700:
        assert all(v > 0.0 for v in s)
    shifted = logits_node([z + shift for z in zs]).forward()
    # the shift itself rounds the logits by up to ~1e-13 in absolute terms
    assert shifted == pytest.approx(s, rel=1e-9, abs=1e-12)


def test_softmax_is_shift_invariant_exactly_for_representable_shifts():
    zs = [0.5, -1.25, 2.0, 0.0]
    base = logits_node(zs).forward()
    for shift in (1.0, -4.0, 100.0, 512.0, -1000.0):
        assert logits_node([z + shift for z in zs]).forward() == pytest.approx(base, rel=1e-12)


def test_softmax_caches_like_any_operation():
    x = Input(value=0.0)
    soft = SoftMax([x, Parameter(value=1.0)])
    first = soft.forward()
    x.value = 1.0
    assert soft.forward() == pytest.approx([0.5, 0.5], rel=1e-12)
    x.value = 0.0
    assert soft.forward() == pytest.approx(first, rel=1e-15)


# ---------------------------------------------------------------- SoftMax backward

@pytest.mark.parametrize('zs, target', [
    ([0.1, -0.4, 0.7], [0.0, 1.0, 0.0]),
    ([2.0, 1.0, -1.0, 0.5], [1.0, 0.0, 0.0, 0.0]),
    ([0.0, 0.0], [0.3, 0.7]),
    ([5.0, -3.0, 1.0], [0.0, 0.0, 1.0]),
])
def test_softmax_backward_is_the_cce_gradient_through_softmax(zs, target):
    logits = [Parameter(value=z, learning_rate=0.01 * (i + 1)) for i, z in enumerate(zs)]
    soft = SoftMax(logits)

    def loss():
        return cce_loss(target, softmax([p.value for p in logits]))

    expected = {p: numeric_partial(loss, p) for p in logits}
    s = soft.forward()
    got = gradient_from_backward(soft, logits, cce_loss_grad(target, s))
    for p in logits:
        assert close(got[p], expected[p]), (got[p], expected[p])
    # and the classic closed form s - t (for a target summing to 1)
    for p, si, ti in zip(logits, s, target):
        assert got[p] == pytest.approx(si - ti, abs=1e-9)


def test_softmax_backward_uses_the_full_jacobian():
    zs, g = [0.3, -0.2, 1.1], [2.0, -1.0, 0.5]
    logits = [Parameter(value=z, learning_rate=0.1) for z in zs]
    soft = SoftMax(logits)

    def loss():
        return sum(gi * si for gi, si in zip(g, softmax([p.value for p in logits])))

    expected = {p: numeric_partial(loss, p) for p in logits}
    got = gradient_from_backward(soft, logits, g)
    s = softmax(zs)
    for j, p in enumerate(logits):
        jacobian_row = sum(g[i] * s[i] * ((i == j) - s[j]) for i in range(3))
        assert close(got[p], expected[p])
        assert got[p] == pytest.approx(jacobian_row, rel=1e-12, abs=1e-15)


def test_softmax_backward_through_a_network():
    x, y = Input(value=0.5), Input(value=-1.5)
    w = [Parameter(value=v, learning_rate=0.05) for v in (0.2, -0.7, 0.4, 0.9, -0.1, 0.3)]
    shared = Sigmoid([Add([Multiply([w[0], x]), Multiply([w[1], y])])])
    soft = SoftMax([Add([Multiply([w[2], shared]), w[3]]), Multiply([w[4], x, shared]),
                    Add([w[5], y])])
    target = [0.0, 1.0, 0.0]

    def loss():
        return cce_loss(target, evaluate(soft))

    expected = {p: numeric_partial(loss, p) for p in w}
    got = gradient_from_backward(soft, w, cce_loss_grad(target, soft.forward()))
    for p in w:
        assert close(got[p], expected[p]), (got[p], expected[p])
    assert (x.value, y.value) == (0.5, -1.5)


# ---------------------------------------------------------------- cce_loss

def test_cce_loss_values():
    assert cce_loss([0.0, 1.0, 0.0], [0.2, 0.5, 0.3]) == pytest.approx(-math.log(0.5), rel=1e-15)
    assert cce_loss([0.25, 0.75], [0.4, 0.6]) == pytest.approx(
        -(0.25 * math.log(0.4) + 0.75 * math.log(0.6)), rel=1e-15)
    assert cce_loss([1.0, 0.0], [1.0, 0.0]) == pytest.approx(0.0, abs=1e-15)


def test_cce_loss_clips_each_prediction():
    assert cce_loss([1.0, 0.0], [0.0, 1.0]) == pytest.approx(-math.log(1e-8), rel=1e-12)
    assert cce_loss([1.0], [-0.5]) == pytest.approx(-math.log(1e-8), rel=1e-12)
    assert cce_loss([1.0], [1.5]) == pytest.approx(0.0, abs=1e-15)
    assert cce_loss([1.0], [0.0], eps=1e-3) == pytest.approx(-math.log(1e-3), rel=1e-12)
    assert math.isfinite(cce_loss([0.5, 0.5], [0.0, 0.0]))


def test_cce_loss_grad_values():
    assert cce_loss_grad([0.0, 1.0, 0.0], [0.2, 0.5, 0.3]) == pytest.approx([0.0, -2.0, 0.0])
    assert cce_loss_grad([0.25, 0.75], [0.4, 0.6]) == pytest.approx(
        [-0.25 / 0.4, -0.75 / 0.6], rel=1e-15)
    grad = cce_loss_grad([1.0, 0.0], [0.5, 0.5])
    assert type(grad) is list and len(grad) == 2


@pytest.mark.parametrize('t, p', [([0.0, 1.0, 0.0], [0.2, 0.5, 0.3]),
                                  ([0.3, 0.3, 0.4], [0.1, 0.6, 0.3])])
def test_cce_loss_grad_is_the_derivative(t, p):
    grad = cce_loss_grad(t, p)
    for i in range(len(p)):
        up = p[:i] + [p[i] + H] + p[i + 1:]
        down = p[:i] + [p[i] - H] + p[i + 1:]
        assert close(grad[i], (cce_loss(t, up) - cce_loss(t, down)) / (2 * H))


@pytest.mark.parametrize('fn', [cce_loss, cce_loss_grad])
@pytest.mark.parametrize('t, p', [([1.0, 0.0], [0.5]), ([1.0], [0.5, 0.5]), ([], [1.0])])
def test_cce_length_mismatch_is_a_value_error(fn, t, p):
    with pytest.raises(ValueError):
        fn(t, p)
