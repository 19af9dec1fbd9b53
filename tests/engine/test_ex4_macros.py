"""Contract section 5, exercise 4 (macros), checked on the reference implementation."""
import ast
import math
import random

import pytest

from reference import Add, Input, Linear, Macro, Multiply, Operation, Parameter, ReLU, Sigmoid
from engine_helpers import all_nodes, close, evaluate, numeric_partial, parameters


# ---------------------------------------------------------------- helpers


def assert_backward_matches_finite_differences(root, d=0.7):
    params = set(parameters(root))
    for i, p in enumerate(sorted(params, key=id)):
        p.learning_rate = 0.01 + 0.001 * i
    old = {p: p.value for p in params}
    expected = {p: numeric_partial(root, p) for p in params}
    root.backward(d)
    for p in params:
        got = (old[p] - p.value) / (p.learning_rate * d)
        assert close(got, expected[p]), (got, expected[p])
    return params


def assert_no_macro(root):
    for node in all_nodes(root):
        assert not isinstance(node, Macro), node


# test macros: one expanding to a macro, one whose expansion nests a macro, one plain.

class Square(Macro):
    def expand(self):
        return Multiply([self.children[0], self.children[0]])


class SquarePlusOne(Macro):
    """Its expansion contains a macro (Square) below an Add."""

    def __init__(self, children):
        super().__init__(children)
        self.one = Parameter(value=1.0)

    def expand(self):
        return Add([Square([self.children[0]]), self.one])


class Affine(Macro):
    """Its expansion *is* a macro: a Linear over its children."""

    def __init__(self, children):
        super().__init__(children)
        self.linear = Linear(children)

    def expand(self):
        return self.linear


class Chain(Macro):
    """A macro expanding to a macro expanding to a macro."""

    def expand(self):
        return Affine([ReLU([SquarePlusOne([self.children[0]])])])


# ---------------------------------------------------------------- Macro and Linear

def test_macro_is_an_operation():
    assert issubclass(Macro, Operation)
    assert issubclass(Linear, Macro)
    x = Input()
    assert isinstance(Linear([x]), Operation)
    assert Linear([x]).children == [x]


@pytest.mark.parametrize('k', [1, 2, 3, 5])
def test_linear_has_k_distinct_weights_and_one_bias(k):
    xs = [Input(value=float(2 + i), name=f'x{i}') for i in range(k)]  # distinct, none is 1
    linear = Linear(xs)
    expansion = linear.expand()
    params = parameters(expansion)
    assert len(params) == k + 1 and len(set(params)) == k + 1
    assert not set(params) & set(xs)
    for node in all_nodes(expansion):
        assert isinstance(node, (Input, Parameter)) or type(node) in (Add, Multiply), node
        if isinstance(node, Input):
            assert node in xs
    assert set(expansion.find_input_nodes()) == set(xs)
    # Each Parameter's role from its gradient: d/dw_i = x_i, d/db = 1.
    roles = {p: numeric_partial(expansion, p) for p in params}
    biases = [p for p, g in roles.items() if abs(g - 1.0) < 1e-6]
    assert len(biases) == 1
    weights = []
    for x in xs:
        matching = [p for p, g in roles.items() if abs(g - x.value) < 1e-6]
        assert len(matching) == 1
        weights.append(matching[0])
    assert len(set(weights) | set(biases)) == k + 1
    expected = sum(w.value * x.value for w, x in zip(weights, xs)) + biases[0].value
    assert evaluate(expansion) == pytest.approx(expected, rel=1e-12)
    compiled = Add([linear]).compile()
    assert compiled.forward() == pytest.approx(expected, rel=1e-12)


def test_linear_parameters_are_created_when_built():
    random.seed(11)
    draws = [random.uniform(-1, 1) for _ in range(4)]
    random.seed(11)
    linear = Linear([Input(), Input(), Input()])
    random.seed(999)  # any draw made later would differ
    values = sorted(p.value for p in parameters(linear.expand()))
    assert values == sorted(draws)


def test_repeated_expand_uses_the_same_parameters():
    xs = [Input(), Input()]
    linear = Linear(xs)
    first, second = linear.expand(), linear.expand()
    assert set(parameters(first)) == set(parameters(second))
    assert len(set(parameters(first))) == 3


def test_two_linears_have_different_parameters():
    xs = [Input(), Input()]
    a, b = Linear(xs), Linear(xs)
    assert not set(parameters(a.expand())) & set(parameters(b.expand()))


# ---------------------------------------------------------------- compile expands everything

def test_compile_expands_a_macro_at_the_root():
    x = Input(value=1.5, name='x')
    linear = Linear([x])
    root = linear.compile()
    assert root is not linear
    assert_no_macro(root)
    (w,) = [p for p in parameters(root) if abs(numeric_partial(root, p) - 1.5) < 1e-6]
    (b,) = [p for p in parameters(root) if p is not w]
    assert root.forward() == pytest.approx(w.value * 1.5 + b.value, rel=1e-12)
    assert root.predict([2.0]) == pytest.approx(w.value * 2.0 + b.value, rel=1e-12)
    assert root.find_input_nodes() == [x]


def test_compile_without_macros_keeps_the_root():
    root = Add([Multiply([Parameter(value=2.0), Input()]), Parameter(value=1.0)])
    assert root.compile() is root


def test_compile_expands_macros_nested_in_children():
    x, y = Input(value=0.5, name='x'), Input(value=-1.25, name='y')
    inner = Linear([x, y])
    root = Add([Sigmoid([inner]), Multiply([Square([y]), x]), Parameter(value=0.3)])
    compiled = root.compile()
    assert compiled is root
    assert_no_macro(compiled)
    lin = inner.expand()
    expected = (1 / (1 + math.exp(-evaluate(lin)))) + (-1.25) ** 2 * 0.5 + 0.3
    assert compiled.forward() == pytest.approx(expected, rel=1e-12)
    assert compiled.forward() == pytest.approx(evaluate(compiled), rel=1e-12)


def test_compile_expands_macros_produced_by_an_expansion():
    x = Input(value=0.8, name='x')
    for macro in (SquarePlusOne([x]), Affine([x]), Chain([x])):
        compiled = Add([macro, Parameter(value=0.0)]).compile()
        assert_no_macro(compiled)
        assert compiled.forward() == pytest.approx(evaluate(compiled), rel=1e-12)
    assert Add([SquarePlusOne([x])]).compile().forward() == pytest.approx(0.8 ** 2 + 1, rel=1e-12)


def test_compile_expands_a_macro_whose_expansion_is_a_macro_at_the_root():
    x = Input(value=0.8, name='x')
    affine = Affine([x])
    compiled = affine.compile()
    assert_no_macro(compiled)
    assert not isinstance(compiled, Macro)
    w_and_b = parameters(compiled)
    assert len(w_and_b) == 2
    assert set(w_and_b) == set(parameters(affine.linear.expand()))
    chain = Chain([x]).compile()
    assert_no_macro(chain)
    assert chain.forward() == pytest.approx(evaluate(chain), rel=1e-12)


def test_compile_expands_a_macro_inside_a_macros_children():
    x, y = Input(value=0.4, name='x'), Input(value=0.9, name='y')
    outer = Linear([Square([x]), Linear([x, y]), y])
    compiled = Add([outer]).compile()
    assert_no_macro(compiled)
    assert compiled.forward() == pytest.approx(evaluate(compiled), rel=1e-12)
    assert {n for n in compiled.find_input_nodes()} == {x, y}


def test_values_after_compile_against_a_hand_formula():
    x, y = Input(name='x'), Input(name='y')
    linear = Linear([x, y])
    root = Add([Square([linear]), Parameter(value=0.5)]).compile()
    expansion = linear.expand()
    for xv, yv in ((1.0, 2.0), (-0.5, 0.25), (0.0, 0.0)):
        x.value, y.value = xv, yv  # the same Parameters and Inputs are in `expansion`
        assert root.predict([xv, yv]) == pytest.approx(evaluate(expansion) ** 2 + 0.5, rel=1e-12)


def test_backward_gradients_after_compile():
    x, y = Input(value=0.6, name='x'), Input(value=-0.4, name='y')
    root = Sigmoid([Add([Linear([x, Square([y])]), Chain([x]), SquarePlusOne([Linear([y])])])])
    compiled = root.compile()
    assert_no_macro(compiled)
    params = assert_backward_matches_finite_differences(compiled)
    assert len(params) >= 8
    assert (x.value, y.value) == (0.6, -0.4)


def test_backward_updates_the_linear_parameters():
    random.seed(3)
    x = Input(value=2.0, name='x')
    linear = Linear([x])
    params = set(parameters(linear.expand()))
    compiled = linear.compile()
    before = {p: p.value for p in params}
    compiled.backward(1.0)
    assert all(p.value != before[p] for p in params)


def test_training_a_compiled_linear_fits_a_line():
    random.seed(5)
    x = Input(name='x')
    model = Linear([x]).compile()
    for p in parameters(model):
        p.learning_rate = 0.1
    for _ in range(300):
        for xv in (-1.0, -0.5, 0.0, 0.5, 1.0):
            prediction = model.predict([xv])
            model.backward(-2 * ((2 * xv - 1) - prediction))
    assert model.predict([3.0]) == pytest.approx(5.0, abs=1e-6)


# ---------------------------------------------------------------- funcify of a Linear

ALLOWED_FUNCS = {'relu': lambda v: max(0.0, v), 'sigmoid': lambda v: 1 / (1 + math.exp(-v)),
                 'max': max, 'exp': math.exp}


def safe_eval(text, names):
    """Evaluates a formula from a whitelist of syntax; never calls eval()."""
    def ev(node):
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            return node.value
        if isinstance(node, ast.Name) and node.id in names:
            return names[node.id]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            v = ev(node.operand)
            return -v if isinstance(node.op, ast.USub) else v
        if isinstance(node, ast.BinOp):
            a, b = ev(node.left), ev(node.right)
            ops = {ast.Add: lambda: a + b, ast.Sub: lambda: a - b, ast.Mult: lambda: a * b,
                   ast.Div: lambda: a / b, ast.Pow: lambda: a ** b}
            if type(node.op) in ops:
                return ops[type(node.op)]()
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id in ALLOWED_FUNCS and not node.keywords):
            return ALLOWED_FUNCS[node.func.id](*[ev(a) for a in node.args])
        raise ValueError(f'forbidden syntax: {ast.dump(node)}')

    return ev(ast.parse(text, mode='eval'))


def test_funcify_of_an_unexpanded_linear():
    random.seed(8)
    x, y = Input(value=1.5, name='x'), Input(value=-2.0, name='y')
    linear = Linear([x, Sigmoid([y])])
    text = linear.funcify()
    assert isinstance(text, str)
    expected = evaluate(linear.expand())
    assert safe_eval(text, {'x': 1.5, 'y': -2.0}) == pytest.approx(expected, rel=1e-9)
    assert all(isinstance(n, Macro) is False for n in linear.children)
