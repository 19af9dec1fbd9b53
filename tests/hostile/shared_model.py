"""Hostile: build_linear_regression() returns a wrong model, a chain 3000 nodes deep under 40
levels of node = Add([node, node]) (2^40 paths): its formula, written by recursion or path by
path, would crash the judge or keep it busy for ever."""
from reference import *


def build_linear_regression():
    weight = Parameter(value=0.5, learning_rate=0.1)
    bias = Parameter(value=0.0, learning_rate=0.1)
    node = Input()
    for _ in range(3000):
        node = Add([node])
    for _ in range(40):
        node = Add([node, node])
    return node, weight, bias
