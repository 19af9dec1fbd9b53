"""Exercise 1: the article's linear-regression tree, and two SGD steps worked out by hand.

The scenario: prediction = weight * x + bias, MSE loss (y - prediction)^2, one SGD step per sample.
"""
from .nodes import Input, Parameter
from .operations import Add, Multiply

INITIAL_WEIGHT = 0.5
INITIAL_BIAS = 0.0
LEARNING_RATE = 0.1
SAMPLES = [([2.0], 3.0), ([-1.0], 1.0)]  # (inputs, target), in training order


def build_linear_regression():
    """The tree Add([Multiply([weight, x]), bias]) set up for the scenario: (model, weight, bias)."""
    weight = Parameter(value=INITIAL_WEIGHT, learning_rate=LEARNING_RATE)
    bias = Parameter(value=INITIAL_BIAS, learning_rate=LEARNING_RATE)
    model = Add([Multiply([weight, Input(name='x')]), bias])
    return model, weight, bias


def sgd_by_hand():
    """(weight, bias) after the first step and after the second, computed by hand.

    Step 1, x = 2, y = 3: prediction = 0.5 * 2 + 0 = 1; dL/dprediction = -2 (3 - 1) = -4.
        dL/dweight = -4 * x = -8, so weight = 0.5 - 0.1 * -8 = 1.3
        dL/dbias   = -4,          so bias   = 0.0 - 0.1 * -4 = 0.4
    Step 2, x = -1, y = 1: prediction = 1.3 * -1 + 0.4 = -0.9; dL/dprediction = -2 (1 + 0.9) = -3.8.
        dL/dweight = -3.8 * x = 3.8, so weight = 1.3 - 0.1 * 3.8 = 0.92
        dL/dbias   = -3.8,           so bias   = 0.4 - 0.1 * -3.8 = 0.78
    """
    return [(1.3, 0.4), (0.92, 0.78)]
