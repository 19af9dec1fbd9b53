"""Contract section 5, exercise 6 (funcify), checked on the reference implementation.

Formulas are evaluated by a small whitelisting evaluator over `ast`; nothing is passed to eval().
"""
import ast
import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reference import (Add, Input, Linear, Multiply, Output, Parameter, ReLU, Sigmoid,
                       SoftMax)

SETTINGS = settings(derandomize=True, database=None, deadline=None, max_examples=50)


def _sigmoid(v):
    if v >= 0:
        return 1 / (1 + math.exp(-v))
    e = math.exp(v)
    return e / (1 + e)


FUNCTIONS = {'relu': lambda v: max(0.0, v), 'sigmoid': _sigmoid, 'max': max, 'exp': math.exp}
BINARY = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b,
          ast.Mult: lambda a, b: a * b, ast.Div: lambda a, b: a / b,
          ast.Pow: lambda a, b: a ** b}


def safe_eval(text, names, allow_list=False):
    """The value of a formula written with the contract's vocabulary (a top-level list display
    is allowed for Output roots, whose forward() is a list)."""
    def ev(node):
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            return float(node.value)
        if isinstance(node, ast.Name):
            if node.id not in names:
                raise NameError(f'unknown name {node.id!r}')
            return names[node.id]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -ev(node.operand)
        if isinstance(node, ast.BinOp) and type(node.op) in BINARY:
            return BINARY[type(node.op)](ev(node.left), ev(node.right))
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id in FUNCTIONS and not node.keywords):
            args = [ev(arg) for arg in node.args]
            if node.func.id == 'max':
                if len(args) != 2:
                    raise ValueError('max takes two arguments')
            elif len(args) != 1:
                raise ValueError(f'{node.func.id} takes one argument')
            return FUNCTIONS[node.func.id](*args)
        raise ValueError(f'forbidden syntax: {ast.dump(node)}')

    tree = ast.parse(text, mode='eval')
    if allow_list and isinstance(tree.body, ast.List):
        return [ev(element) for element in tree.body.elts]
    return ev(tree.body)


def inputs_by_name(root):
    return {x.name: x.value for x in root.find_input_nodes()}


def assert_formula_is_forward(root):
    text = root.funcify()
    assert isinstance(text, str)
    got = safe_eval(text, inputs_by_name(root), allow_list=isinstance(root, Output))
    expected = root.forward()
    if isinstance(expected, list):
        assert len(got) == len(expected)
        for g, e in zip(got, expected):
            assert g == pytest.approx(e, rel=1e-9, abs=1e-300)
    else:
        assert got == pytest.approx(expected, rel=1e-9, abs=1e-300)
    return text


# ---------------------------------------------------------------- the evaluator itself

def test_safe_eval_rejects_other_syntax():
    for text in ('__import__("os")', 'x.y', '[1][0]', 'abs(1)', 'lambda: 1', '1 if 1 else 2',
                 'exp(1, 2)', '"a"'):
        with pytest.raises((ValueError, NameError)):
            safe_eval(text, {'x': 1.0})
    assert safe_eval('-(1.5 + x) * 2 / 4 ** 2', {'x': 0.5}) == -0.25


# ---------------------------------------------------------------- each node type

def test_funcify_of_leaves():
    assert Input(value=2.0, name='speed').funcify() == 'speed'
    assert safe_eval(Parameter(value=0.5).funcify(), {}) == 0.5
    assert safe_eval(Parameter(value=3).funcify(), {}) == 3.0


@pytest.mark.parametrize('value', [0.1 + 0.2, 1 / 3, -2 / 3, 1e-300, -1e300, 123456789.123456789,
                                   5e-324, 0.0, -0.0])
def test_parameter_numbers_are_written_with_enough_digits(value):
    assert safe_eval(Parameter(value=value).funcify(), {}) == value


def test_negative_parameters_are_parenthesised():
    assert Parameter(value=-0.5).funcify() == '(-0.5)'
    text = Multiply([Parameter(value=-2.0), Parameter(value=-3.0)]).funcify()
    assert safe_eval(text, {}) == 6.0
    x = Input(value=4.0, name='x')
    for root in (Add([x, Parameter(value=-1.0)]), Multiply([x, Parameter(value=-0.25)]),
                 ReLU([Parameter(value=-1.0)]), Sigmoid([Multiply([Parameter(value=-2.0), x])])):
        assert_formula_is_forward(root)


def test_funcify_of_each_operation():
    x, y = Input(value=1.5, name='x'), Input(value=-0.5, name='y')
    p = Parameter(value=0.75)
    for root in (Add([x, y, p]), Add([x]), Multiply([x, y, p]), Multiply([y]), ReLU([x]),
                 ReLU([y]), Sigmoid([x]), Sigmoid([y])):
        assert_formula_is_forward(root)


def test_funcify_of_outputs():
    x, y = Input(value=1.5, name='x'), Input(value=-0.5, name='y')
    assert_formula_is_forward(Output([Add([x, y]), Multiply([x, y]), x]))
    assert_formula_is_forward(SoftMax([Add([x, y]), Multiply([x, y]), Parameter(value=0.3)]))


def test_funcify_of_a_linear_macro():
    x, y = Input(value=1.5, name='x'), Input(value=-0.5, name='y')
    linear = Linear([x, y])
    text = linear.funcify()
    assert safe_eval(text, {'x': 1.5, 'y': -0.5}) == pytest.approx(
        Add([linear]).compile().forward(), rel=1e-9)


def test_the_articles_example():
    text = Add([Parameter(value=0.1), Parameter(value=0.2)]).funcify()
    assert text in ('0.1 + 0.2', '(0.1 + 0.2)')
    assert safe_eval(text, {}) == 0.1 + 0.2


# ---------------------------------------------------------------- trees, DAGs, extremes

def trees():
    x, y, z = Input(value=0.7, name='x'), Input(value=-1.2, name='y'), Input(value=2.0, name='z')
    shared = Add([Multiply([Parameter(value=-0.3), x]), y])
    return [
        Add([Multiply([Parameter(value=0.5), x]), Parameter(value=-1.0)]),
        Sigmoid([Add([Multiply([Parameter(value=2.0), ReLU([Add([x, y, Parameter(value=0.1)])])]),
                      Parameter(value=-0.4)])]),
        Multiply([shared, shared, Sigmoid([shared]),
                  ReLU([Multiply([shared, Parameter(value=-1.0)])])]),
        Add([ReLU([Multiply([x, y, z])]), Sigmoid([Sigmoid([z])]), Multiply([z, z, z])]),
        Output([shared, Sigmoid([shared]), Add([z, shared])]),
        SoftMax([x, y, Multiply([z, Parameter(value=0.01)]), shared]),
    ]


@pytest.mark.parametrize('index', range(6))
def test_formulas_of_trees_evaluate_to_forward(index):
    assert_formula_is_forward(trees()[index])


@SETTINGS
@given(st.lists(st.floats(-20, 20), min_size=3, max_size=3))
def test_formulas_follow_the_inputs(values):
    for root in trees():
        for x, v in zip(root.find_input_nodes(), values):
            x.value = v
        assert_formula_is_forward(root)


@pytest.mark.parametrize('v', [-1000.0, -50.0, 50.0, 1000.0, 1e300, -1e300])
def test_formulas_at_large_values(v):
    x = Input(value=v, name='x')
    for root in (Sigmoid([x]), ReLU([x]), Add([x, Parameter(value=1.0)]),
                 Multiply([x, Parameter(value=-0.5)])):
        assert_formula_is_forward(root)


def test_softmax_formula_at_large_logits():
    """SoftMax must be finite at +-1000 logits (exercise 5), and its formula must evaluate to its
    forward() (exercise 6). The reference writes exp(z_i) / sum_j exp(z_j) unshifted, so
    exp(1000.0) overflows: the formula has no value where forward() is [1.0, 0.0]."""
    soft = SoftMax([Parameter(value=1000.0), Parameter(value=0.0)])
    expected = soft.forward()
    text = soft.funcify()
    try:
        got = safe_eval(text, {}, allow_list=True)
    except OverflowError as error:
        got = f'OverflowError: {error}'
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-300), (
        f'REFERENCE BUG (reference/outputs.py SoftMax.funcify): the formula {text!r} evaluates '
        f'to {got!r}, not to forward() = {expected!r}')


# ---------------------------------------------------------------- names

def test_input_without_a_name_cannot_be_written():
    with pytest.raises(ValueError):
        Input().funcify()
    with pytest.raises(ValueError):
        Input(value=1.0).funcify()
    with pytest.raises(ValueError):
        Add([Input(), Parameter(value=1.0)]).funcify()


def test_compile_names_unnamed_inputs_x0_x1():
    a, b, c = Input(value=1.0), Input(value=2.0), Input(value=3.0)
    root = Add([Multiply([a, b]), c, a]).compile()
    names = [x.name for x in (a, b, c)]
    assert all(isinstance(n, str) and re.fullmatch(r'x\d+', n) for n in names)
    assert len(set(names)) == 3
    assert names == ['x0', 'x1', 'x2']  # find_input_nodes() order (reference)
    assert_formula_is_forward(root)


def test_compile_keeps_given_names_and_skips_them():
    a, b, c, d = Input(value=1.0), Input(value=2.0, name='x0'), Input(value=3.0), Input(
        value=4.0, name='x2')
    root = Add([a, Multiply([b, c]), d, Input(value=5.0)]).compile()
    inputs = root.find_input_nodes()
    names = [x.name for x in inputs]
    assert b.name == 'x0' and d.name == 'x2'
    assert len(set(names)) == len(names) == 5
    for x in (a, c, inputs[-1]):
        assert re.fullmatch(r'x\d+', x.name) and x.name not in ('x0', 'x2')
    assert [a.name, c.name, inputs[-1].name] == ['x1', 'x3', 'x4']  # reference
    assert_formula_is_forward(root)


def test_compile_keeps_arbitrary_given_names():
    a, b = Input(value=1.0, name='alpha'), Input(value=2.0)
    root = Multiply([a, b]).compile()
    assert a.name == 'alpha'
    assert re.fullmatch(r'x\d+', b.name)
    assert_formula_is_forward(root)


def test_compile_names_inputs_below_macros_and_outputs():
    a, b = Input(value=0.5), Input(value=-0.5)
    soft = SoftMax([Linear([a, b]), Linear([b]), a]).compile()
    assert {a.name, b.name} == {'x0', 'x1'}
    assert_formula_is_forward(soft)


def test_compile_twice_keeps_the_names():
    a, b = Input(value=0.5), Input(value=1.5)
    root = Add([a, b]).compile()
    first = (a.name, b.name)
    root.compile()
    assert (a.name, b.name) == first
