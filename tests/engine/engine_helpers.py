"""What the reference's unit tests share: an evaluation written for the tests (independent of
forward()), graph walks, central differences and the tolerance they are judged with."""
import math

import pytest

from reference import Add, Input, Multiply, Output, Parameter, ReLU, Sigmoid, SoftMax

H, ATOL, RTOL = 1e-6, 1e-6, 1e-5


def sig(x):
    return 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))


def softmax(zs):
    top = max(zs)
    exps = [math.exp(z - top) for z in zs]
    return [e / sum(exps) for e in exps]


def evaluate(node, memo=None):
    """A plain evaluation, memoised by identity so that it is linear on a DAG."""
    memo = {} if memo is None else memo
    if id(node) not in memo:
        if isinstance(node, (Input, Parameter)):
            value = node.value
        else:
            xs = [evaluate(child, memo) for child in node.children]
            if isinstance(node, Add):
                value = sum(xs)
            elif isinstance(node, Multiply):
                value = math.prod(xs)
            elif isinstance(node, ReLU):
                value = max(0.0, xs[0])
            elif isinstance(node, Sigmoid):
                value = sig(xs[0])
            elif isinstance(node, SoftMax):
                value = softmax(xs)
            elif isinstance(node, Output):
                value = list(xs)
            else:
                raise TypeError(node)
        memo[id(node)] = value
    return memo[id(node)]


def all_nodes(root):
    seen, stack, out = set(), [root], []
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        out.append(node)
        stack.extend(node.children)
    return out


def parameters(root):
    return [n for n in all_nodes(root) if isinstance(n, Parameter)]


def numeric_partial(root, leaf, h=H):
    """Central difference of the tests' own evaluation with respect to one leaf."""
    old = leaf.value
    leaf.value = old + h
    up = evaluate(root)
    leaf.value = old - h
    down = evaluate(root)
    leaf.value = old
    return (up - down) / (2 * h)


def close(analytic, numeric):
    return abs(analytic - numeric) <= ATOL + RTOL * abs(numeric)


@pytest.fixture
def cheap_repr(monkeypatch):
    """Short reprs for operations while a ladder test runs and its failure is reported: the
    reference's repr writes out the whole graph below a node, which is exponential on a ladder."""
    for cls in (Add, Multiply, ReLU, Sigmoid):
        monkeypatch.setattr(cls, '__repr__',
                            lambda self: f'<{type(self).__name__} at {id(self):#x}>')
