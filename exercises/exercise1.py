"""Exercise 1: the article's linear-regression tree, and two SGD steps worked out by hand.

The scenario: prediction = weight * x + bias, MSE loss (y - prediction)^2, one SGD step per sample.
"""
from .nodes import Input, Parameter  # noqa: F401 (for your solution)
from .operations import Add, Multiply  # noqa: F401

INITIAL_WEIGHT = 0.5
INITIAL_BIAS = 0.0
LEARNING_RATE = 0.1
SAMPLES = [([2.0], 3.0), ([-1.0], 1.0)]  # (inputs, target), in training order


def build_linear_regression():
    """Exercise 1: the tree Add([Multiply([weight, Input()]), bias]) for the scenario above.

    Returns (model, weight, bias), where weight and bias are the model's two Parameters, with
    values INITIAL_WEIGHT and INITIAL_BIAS and learning rate LEARNING_RATE.
    Contract: docs/contract.md, exercise 1.
    """
    raise NotImplementedError('Exercise 1: build_linear_regression() is not written yet — '
                              'see its docstring')


def sgd_by_hand():
    """Exercise 1: [(w1, b1), (w2, b2)], the weight and the bias after each SGD step on SAMPLES.

    Work them out by hand with the chain rule, as backward() would (mse_loss_grad gives
    d(loss)/d(prediction)), and return the numbers you found, not a computation by the framework
    (within 1e-9 of exact arithmetic). Then check them with build_linear_regression() and
    backward(). Contract: docs/contract.md, exercise 1.
    """
    raise NotImplementedError('Exercise 1: sgd_by_hand() is not written yet — see its docstring')
