"""Exercise 1: the article's linear-regression tree, and two SGD steps worked out by hand."""
from .nodes import Input, Parameter
from .operations import Add, Multiply


def build_linear_regression():
    weight = Parameter(value=0.5, learning_rate=0.1)
    bias = Parameter(value=0.0, learning_rate=0.1)
    return Add([Multiply([weight, Input()]), bias]), weight, bias


def sgd_by_hand():
    # x=2, y=3: pred 1, dL/dpred -4: w = 0.5 + 0.8, b = 0 + 0.4
    # x=-1, y=1: pred -0.9, dL/dpred -3.8: w = 1.3 - 0.38, b = 0.4 + 0.38
    return [(1.3, 0.4), (0.92, 0.78)]
