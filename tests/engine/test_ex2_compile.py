"""Contract section 5, exercise 2 (compile), checked on the reference implementation."""
import re

import pytest

from reference import (Add, Input, Multiply, NeuralNetNode, Operation, Parameter, ReLU, Sigmoid,
                       SoftMax)


def build():
    x1, x2, x3 = Input(), Input(name='b'), Input()
    w1, w2, bias = Parameter(value=0.5), Parameter(value=-1.5), Parameter(value=0.25)
    shared = Add([Multiply([w1, x1]), x2])
    root = Add([Sigmoid([shared]), Multiply([w2, ReLU([shared]), x3]), bias, Multiply([x1, x3])])
    return root, [x1, x2, x3]


SAMPLES = [[0.0, 0.0, 0.0], [1.0, 2.0, 3.0], [-1.0, 0.5, 2.0], [4.0, -3.0, -0.5], [1.0, 2.0, 3.0]]


def forbid_search(monkeypatch):
    def no_search(self):
        raise AssertionError('find_input_nodes() called after compile()')

    monkeypatch.setattr(Operation, 'find_input_nodes', no_search)


def test_compile_returns_the_root():
    root, _ = build()
    assert root.compile() is root


def test_compile_is_an_operation_method():
    for node in (Add([Input()]), Multiply([Input()]), ReLU([Input()]), Sigmoid([Input()])):
        assert node.compile() is node


def test_compiled_predict_never_searches_and_matches_uncompiled(monkeypatch):
    plain, _ = build()
    expected = [plain.predict(sample) for sample in SAMPLES]
    root, inputs = build()
    compiled = root.compile()
    forbid_search(monkeypatch)
    got = [compiled.predict(sample) for sample in SAMPLES]
    assert got == pytest.approx(expected, rel=1e-15)
    assert [x.value for x in inputs] == SAMPLES[-1]


def test_compiled_predict_does_not_walk_the_graph(monkeypatch):
    """After compile(), predict() reads no more `children` lists than assigning the same inputs
    by hand and calling forward(): it does not search the graph by other means either."""
    root, inputs = build()
    compiled = root.compile()
    reads = []
    original = NeuralNetNode.__getattribute__

    def counting(self, name):
        if name == 'children':
            reads.append(self)
        return original(self, name)

    monkeypatch.setattr(NeuralNetNode, '__getattribute__', counting)
    compiled.predict([1.0, 2.0, 3.0])
    reads.clear()
    got = compiled.predict([4.0, 5.0, 6.0])
    through_predict = len(reads)
    for x, v in zip(inputs, [1.0, 2.0, 3.0]):
        x.value = v
    compiled.forward()
    for x, v in zip(inputs, [4.0, 5.0, 6.0]):
        x.value = v
    reads.clear()
    assert compiled.forward() == got
    assert through_predict <= len(reads)
    monkeypatch.undo()
    assert got == pytest.approx(_plain(root, dict(zip(inputs, [4.0, 5.0, 6.0]))), rel=1e-12)


def _plain(root, values):
    import math

    def ev(node):
        if node in values:
            return values[node]
        if isinstance(node, Parameter):
            return node.value
        xs = [ev(c) for c in node.children]
        if isinstance(node, Add):
            return sum(xs)
        if isinstance(node, Multiply):
            return math.prod(xs)
        if isinstance(node, ReLU):
            return max(0.0, xs[0])
        return 1 / (1 + math.exp(-xs[0]))

    return ev(root)


def test_compile_caches_the_inputs_in_find_input_nodes_order(monkeypatch):
    root, inputs = build()
    order = root.find_input_nodes()
    assert order == inputs
    compiled = root.compile()
    forbid_search(monkeypatch)
    compiled.predict([7.0, 8.0, 9.0])
    assert [x.value for x in inputs] == [7.0, 8.0, 9.0]


def test_compile_then_backward_then_predict(monkeypatch):
    root, inputs = build()
    compiled = root.compile()
    forbid_search(monkeypatch)
    compiled.predict([1.0, 2.0, 3.0])
    compiled.backward(1.0)
    assert compiled.predict([1.0, 2.0, 3.0]) == pytest.approx(
        _plain(root, dict(zip(inputs, [1.0, 2.0, 3.0]))), rel=1e-12)


def test_compiled_output_root(monkeypatch):
    x, y = Input(), Input()
    out = SoftMax([Multiply([x, Parameter(value=2.0)]), Add([y, x])])
    expected = out.predict([1.0, 0.5])
    compiled = out.compile()
    assert compiled is out
    forbid_search(monkeypatch)
    assert compiled.predict([1.0, 0.5]) == pytest.approx(expected, rel=1e-15)


def _mentions(message, number):
    return re.search(rf'(?<![\d.]){number}(?![\d.])', message) is not None


@pytest.mark.parametrize('compiled', [False, True])
@pytest.mark.parametrize('given', [0, 1, 2, 5])
def test_wrong_number_of_inputs_is_a_value_error_naming_both_counts(monkeypatch, compiled, given):
    root, _ = build()  # 3 inputs
    if compiled:
        root = root.compile()
        forbid_search(monkeypatch)
    with pytest.raises(ValueError) as info:
        root.predict([1.0] * given)
    message = str(info.value)
    assert _mentions(message, 3), message
    assert _mentions(message, given), message


def test_wrong_count_on_a_one_input_model():
    model = Add([Input(), Parameter(value=1.0)]).compile()
    with pytest.raises(ValueError) as info:
        model.predict([1.0, 2.0, 3.0, 4.0])
    assert _mentions(str(info.value), 1) and _mentions(str(info.value), 4)


def test_wrong_count_changes_nothing():
    root, inputs = build()
    root.predict([1.0, 2.0, 3.0])
    with pytest.raises(ValueError):
        root.predict([5.0, 6.0])
    assert [x.value for x in inputs] == [1.0, 2.0, 3.0]
