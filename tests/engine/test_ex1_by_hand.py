"""Contract section 5, exercise 1 (by hand), checked on the reference implementation.

The scenario is recomputed here in exact rational arithmetic, independently of the reference.
"""
from fractions import Fraction

import pytest

from reference import (Add, Input, Multiply, Parameter, build_linear_regression, mse_loss,
                       mse_loss_grad, sgd_by_hand, train_model)

WEIGHT, BIAS, LR = Fraction('0.5'), Fraction(0), Fraction('0.1')
SAMPLES = [(Fraction(2), Fraction(3)), (Fraction(-1), Fraction(1))]


def exact_steps():
    """[(w1, b1), (w2, b2)] as Fractions: prediction = w x + b, loss (y - prediction)^2."""
    w, b, out = WEIGHT, BIAS, []
    for x, y in SAMPLES:
        d = -2 * (y - (w * x + b))  # d loss / d prediction
        w, b = w - LR * d * x, b - LR * d * 1
        out.append((w, b))
    return out


def test_exact_scenario_is_what_the_article_expects():
    # A sanity check of the test's own arithmetic.
    assert exact_steps() == [(Fraction(13, 10), Fraction(2, 5)),
                             (Fraction(23, 25), Fraction(39, 50))]


def test_sgd_by_hand_matches_exact_arithmetic():
    result = sgd_by_hand()
    assert len(result) == 2
    for (w, b), (ew, eb) in zip(result, exact_steps()):
        assert abs(Fraction(float(w)) - ew) <= Fraction(1, 10**9)
        assert abs(Fraction(float(b)) - eb) <= Fraction(1, 10**9)


def test_build_linear_regression_is_the_articles_tree():
    model, weight, bias = build_linear_regression()
    assert isinstance(weight, Parameter) and isinstance(bias, Parameter)
    assert weight is not bias
    assert type(model) is Add and len(model.children) == 2
    product, b = model.children
    assert type(product) is Multiply and len(product.children) == 2
    assert b is bias
    w, x = product.children
    assert w is weight
    assert type(x) is Input
    assert weight.value == 0.5 and bias.value == 0.0
    assert weight.learning_rate == pytest.approx(0.1, abs=1e-15)
    assert bias.learning_rate == pytest.approx(0.1, abs=1e-15)
    assert model.find_input_nodes() == [x]


def test_build_linear_regression_gives_fresh_parameters():
    _, w1, b1 = build_linear_regression()
    _, w2, b2 = build_linear_regression()
    assert w1 is not w2 and b1 is not b2


def assert_on_exact(weight, bias, step):
    ew, eb = exact_steps()[step]
    assert abs(weight.value - float(ew)) <= 1e-12
    assert abs(bias.value - float(eb)) <= 1e-12


def test_two_steps_of_train_model_land_on_the_exact_values(capsys):
    model, weight, bias = build_linear_regression()
    data = [([float(x)], float(y)) for x, y in SAMPLES]
    train_model(model, mse_loss, mse_loss_grad, data[:1], epochs=1, print_every=1)
    assert_on_exact(weight, bias, 0)
    train_model(model, mse_loss, mse_loss_grad, data[1:], epochs=1, print_every=1)
    assert_on_exact(weight, bias, 1)
    capsys.readouterr()


def test_two_steps_in_one_epoch(capsys):
    model, weight, bias = build_linear_regression()
    data = [([float(x)], float(y)) for x, y in SAMPLES]
    train_model(model, mse_loss, mse_loss_grad, data, epochs=1, print_every=1)
    assert_on_exact(weight, bias, 1)
    capsys.readouterr()


def test_two_steps_with_predict_and_backward():
    model, weight, bias = build_linear_regression()
    parameters_before = [(WEIGHT, BIAS)] + exact_steps()[:1]
    for step, (x, y) in enumerate(SAMPLES):
        prediction = model.predict([float(x)])
        w, b = parameters_before[step]
        assert abs(prediction - float(w * x + b)) <= 1e-12
        model.backward(mse_loss_grad(float(y), prediction))
        assert_on_exact(weight, bias, step)


def test_sgd_by_hand_agrees_with_the_trained_model():
    model, weight, bias = build_linear_regression()
    for (x, y), (w, b) in zip(SAMPLES, sgd_by_hand()):
        model.backward(mse_loss_grad(float(y), model.predict([float(x)])))
        assert abs(weight.value - w) <= 1e-9 and abs(bias.value - b) <= 1e-9
