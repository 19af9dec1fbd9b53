"""Contract section 3 (losses and training, core), checked on the reference implementation."""
import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reference import (Add, Input, Multiply, Parameter, bce_loss, bce_loss_grad, mse_loss,
                       mse_loss_grad, train_model)

SETTINGS = settings(derandomize=True, database=None, deadline=None, max_examples=100)
H, ATOL, RTOL = 1e-6, 1e-6, 1e-5


def central_difference(f, x, h=H):
    return (f(x + h) - f(x - h)) / (2 * h)


def close(analytic, numeric, atol=ATOL, rtol=RTOL):
    return abs(analytic - numeric) <= atol + rtol * abs(numeric)


# ---------------------------------------------------------------- MSE

@pytest.mark.parametrize('y_true, y_pred, loss, grad', [
    (3.0, 1.0, 4.0, -4.0), (1.0, -0.9, 3.61, -3.8), (0.0, 0.0, 0.0, 0.0), (-2.0, 3.0, 25.0, 10.0),
    (2, 5, 9.0, 6.0)])
def test_mse_values(y_true, y_pred, loss, grad):
    assert mse_loss(y_true, y_pred) == pytest.approx(loss, rel=1e-15, abs=1e-15)
    assert mse_loss_grad(y_true, y_pred) == pytest.approx(grad, rel=1e-15, abs=1e-15)


@SETTINGS
@given(st.floats(-100, 100), st.floats(-100, 100))
def test_mse_grad_is_the_derivative_wrt_prediction(y_true, y_pred):
    assert mse_loss(y_true, y_pred) == pytest.approx((y_true - y_pred) ** 2, rel=1e-12, abs=1e-300)
    numeric = central_difference(lambda p: mse_loss(y_true, p), y_pred)
    assert close(mse_loss_grad(y_true, y_pred), numeric, atol=1e-4)


# ---------------------------------------------------------------- BCE

def reference_bce(t, p, eps=1e-8):
    p = min(max(p, eps), 1 - eps)
    return -(t * math.log(p) + (1 - t) * math.log(1 - p))


@pytest.mark.parametrize('t', [0.0, 1.0, 0.3])
@pytest.mark.parametrize('p', [0.01, 0.2, 0.5, 0.8, 0.99])
def test_bce_values_and_grad(t, p):
    assert bce_loss(t, p) == pytest.approx(reference_bce(t, p), rel=1e-12)
    assert bce_loss_grad(t, p) == pytest.approx((p - t) / (p * (1 - p)), rel=1e-12)
    numeric = central_difference(lambda q: bce_loss(t, q), p)
    assert close(bce_loss_grad(t, p), numeric)


@pytest.mark.parametrize('t', [0.0, 1.0])
@pytest.mark.parametrize('p, clipped', [(0.0, 1e-8), (-0.5, 1e-8), (1e-12, 1e-8),
                                        (1.0, 1 - 1e-8), (1.5, 1 - 1e-8)])
def test_bce_clips_the_prediction(t, p, clipped):
    loss = bce_loss(t, p)
    grad = bce_loss_grad(t, p)
    assert math.isfinite(loss) and math.isfinite(grad)
    assert loss == pytest.approx(reference_bce(t, clipped), rel=1e-9)
    assert grad == pytest.approx((clipped - t) / (clipped * (1 - clipped)), rel=1e-9)


def test_bce_eps_is_a_parameter():
    eps = 1e-3
    assert bce_loss(1.0, 0.0, eps=eps) == pytest.approx(-math.log(eps), rel=1e-12)
    assert bce_loss(0.0, 1.0, eps=eps) == pytest.approx(-math.log(eps), rel=1e-9)
    assert bce_loss_grad(1.0, 0.0, eps=eps) == pytest.approx((eps - 1) / (eps * (1 - eps)),
                                                             rel=1e-12)
    assert bce_loss_grad(0.0, 1.0, eps=eps) == pytest.approx(
        (1 - eps) / ((1 - eps) * eps), rel=1e-9)


def test_bce_extremes_with_default_eps():
    assert bce_loss(1.0, 0.0) == pytest.approx(-math.log(1e-8), rel=1e-12)
    assert bce_loss(0.0, 0.0) == pytest.approx(-math.log(1 - 1e-8), rel=1e-6)
    assert bce_loss(1.0, 1.0) == pytest.approx(-math.log(1 - 1e-8), rel=1e-6)


@SETTINGS
@given(st.sampled_from([0.0, 1.0]), st.floats(0.001, 0.999))
def test_bce_grad_is_the_derivative_wrt_prediction(t, p):
    numeric = central_difference(lambda q: bce_loss(t, q), p)
    assert close(bce_loss_grad(t, p), numeric, rtol=1e-4)


# ---------------------------------------------------------------- train_model

class RecordingModel:
    """A stand-in model that logs what train_model asks of it."""

    def __init__(self, predictions):
        self.predictions = list(predictions)
        self.log = []

    def predict(self, x):
        prediction = self.predictions[len([e for e in self.log if e[0] == 'predict'])]
        self.log.append(('predict', x, prediction))
        return prediction

    def backward(self, d):
        self.log.append(('backward', d))


def test_train_model_call_order(capsys):
    data = [([1.0], 10.0), ([2.0], 20.0), ([3.0], 30.0)]
    epochs = 2
    predictions = [float(i) for i in range(len(data) * epochs)]
    model = RecordingModel(predictions)
    grad_calls = []

    def loss_grad(y, prediction):
        grad_calls.append((y, prediction))
        return 1000 * y + prediction  # an encoding of both arguments

    train_model(model, mse_loss, loss_grad, data, epochs=epochs, print_every=1)
    expected, k = [], 0
    for _ in range(epochs):
        for x, y in data:
            expected.append(('predict', x, predictions[k]))
            expected.append(('backward', 1000 * y + predictions[k]))
            k += 1
    assert model.log == expected
    assert grad_calls == [(y, predictions[i * len(data) + j])
                          for i in range(epochs) for j, (_, y) in enumerate(data)]
    capsys.readouterr()


def test_train_model_calls_loss_with_target_then_prediction(capsys):
    data = [([0.0], 1.0), ([0.0], 2.0)]
    model = RecordingModel([5.0, 7.0])
    loss_calls = []

    def loss(y, prediction):
        loss_calls.append((y, prediction))
        return 0.0

    train_model(model, loss, lambda y, p: 0.0, data, epochs=1, print_every=1)
    assert loss_calls == [(1.0, 5.0), (2.0, 7.0)]
    capsys.readouterr()


def last_number(line):
    numbers = re.findall(r'[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|nan|inf', line)
    assert numbers, line
    return float(numbers[-1])


@pytest.mark.parametrize('epochs, print_every', [(5, 2), (6, 3), (4, 1), (3, 10)])
def test_train_model_prints_the_mean_loss_every_print_every_epochs(capsys, epochs, print_every):
    data = [([0.0], 1.0), ([0.0], 2.0), ([0.0], 4.0)]
    predictions = [float(k % 5) for k in range(len(data) * epochs)]
    train_model(RecordingModel(predictions), mse_loss, mse_loss_grad, data, epochs=epochs,
                print_every=print_every)
    lines = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
    printed_epochs = list(range(0, epochs, print_every))  # the reference prints epochs 0, k, 2k..
    assert len(lines) == len(printed_epochs)
    for line, epoch in zip(lines, printed_epochs):
        chunk = predictions[epoch * len(data):(epoch + 1) * len(data)]
        mean = sum(mse_loss(y, p) for (_, y), p in zip(data, chunk)) / len(data)
        assert last_number(line) == pytest.approx(mean, rel=1e-9)


def test_train_model_default_printing(capsys):
    data = [([1.0], 2.0)]
    x = Input()
    model = Add([Multiply([Parameter(value=0.0, learning_rate=0.01), x]),
                 Parameter(value=0.0, learning_rate=0.01)])
    train_model(model, mse_loss, mse_loss_grad, data, epochs=250)
    lines = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert len(lines) == 3  # epochs 0, 100, 200 with print_every=100


def test_train_model_trains_a_real_model(capsys):
    w, b = Parameter(value=0.0, learning_rate=0.1), Parameter(value=0.0, learning_rate=0.1)
    model = Add([Multiply([w, Input()]), b])
    data = [([x / 4], 3 * (x / 4) - 1) for x in range(-4, 5)]
    train_model(model, mse_loss, mse_loss_grad, data, epochs=300, print_every=1000)
    assert w.value == pytest.approx(3.0, abs=1e-3)
    assert b.value == pytest.approx(-1.0, abs=1e-3)
    lines = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert len(lines) == 1


def test_train_model_matches_manual_sgd(capsys):
    def build():
        w, b = Parameter(value=0.3, learning_rate=0.05), Parameter(value=-0.2, learning_rate=0.02)
        return Add([Multiply([w, Input()]), b]), w, b

    data = [([1.5], 2.0), ([-0.5], 0.0), ([2.0], 1.0)]
    model, w, b = build()
    train_model(model, mse_loss, mse_loss_grad, data, epochs=3, print_every=1)
    capsys.readouterr()
    wv, bv = 0.3, -0.2
    for _ in range(3):
        for (x,), y in data:
            d = -2 * (y - (wv * x + bv))
            wv, bv = wv - 0.05 * d * x, bv - 0.02 * d
    assert w.value == pytest.approx(wv, rel=1e-12)
    assert b.value == pytest.approx(bv, rel=1e-12)
