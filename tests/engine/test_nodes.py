"""Contract section 2 (nodes, core), checked on the reference implementation."""
import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reference import (Add, Input, Multiply, NeuralNetNode, Operation, Parameter, ReLU,
                       Sigmoid)

SETTINGS = settings(derandomize=True, database=None, deadline=None, max_examples=100)


# ---------------------------------------------------------------- the base class and children

def test_every_node_is_a_neural_net_node():
    x, p = Input(), Parameter(value=1.0)
    nodes = [x, p, Add([x, p]), Multiply([x, p]), ReLU([x]), Sigmoid([x])]
    assert all(isinstance(node, NeuralNetNode) for node in nodes)
    assert all(isinstance(node, Operation) for node in nodes[2:])
    assert not isinstance(x, Operation) and not isinstance(p, Operation)


def test_leaves_have_an_empty_children_list():
    for leaf in (Input(), Input(value=2.0, name='x'), Parameter(), Parameter(value=1.0)):
        assert type(leaf.children) is list
        assert leaf.children == []


def test_operation_children_is_the_list_given_in_order():
    a, b, c = Input(value=1.0), Parameter(value=2.0), Input(value=3.0)
    for cls in (Add, Multiply):
        node = cls([a, b, c])
        assert type(node.children) is list
        assert len(node.children) == 3
        assert all(got is want for got, want in zip(node.children, [a, b, c]))
    for cls in (ReLU, Sigmoid):
        node = cls([b])
        assert type(node.children) is list
        assert len(node.children) == 1 and node.children[0] is b


# ---------------------------------------------------------------- op / forward / __call__

def test_op_of_each_operation():
    x = Input()
    assert Add([x, x, x]).op([1.0, 2.0, 3.5]) == 6.5
    assert Multiply([x, x, x]).op([2.0, -3.0, 0.5]) == -3.0
    assert ReLU([x]).op([2.5]) == 2.5
    assert ReLU([x]).op([-2.5]) == 0.0
    assert Sigmoid([x]).op([0.0]) == 0.5
    assert Sigmoid([x]).op([2.0]) == pytest.approx(1 / (1 + math.exp(-2.0)), rel=1e-15)


def test_leaf_forward_returns_its_value():
    assert Input(value=3.25).forward() == 3.25
    assert Parameter(value=-0.75).forward() == -0.75
    assert Input(value=3.25)() == 3.25


def test_forward_of_each_operation():
    a, b, c = Input(value=2.0), Parameter(value=-3.0), Input(value=0.5)
    assert Add([a, b, c]).forward() == -0.5
    assert Multiply([a, b, c]).forward() == -3.0
    assert ReLU([a]).forward() == 2.0
    assert ReLU([b]).forward() == 0.0
    assert Sigmoid([c]).forward() == pytest.approx(1 / (1 + math.exp(-0.5)), rel=1e-15)


def test_nested_forward():
    w, x, bias = Parameter(value=0.5), Input(value=4.0), Parameter(value=-1.0)
    model = Sigmoid([Add([Multiply([w, x]), bias, ReLU([Add([x, Parameter(value=-5.0)])])])])
    assert model.forward() == pytest.approx(1 / (1 + math.exp(-1.0)), rel=1e-15)


def test_call_is_forward():
    a, b = Input(value=2.0), Parameter(value=5.0)
    for node in (Add([a, b]), Multiply([a, b]), ReLU([a]), Sigmoid([b])):
        assert node() == node.forward()
    model = Add([Multiply([a, b]), b])
    assert model() == 15.0
    a.value = 3.0
    assert model() == model.forward() == 20.0


@pytest.mark.parametrize('cls, children', [
    (Add, 2), (Multiply, 3), (ReLU, 1), (Sigmoid, 1)])
def test_operation_computes_its_value_through_its_own_op(cls, children):
    """forward() calls self.op(values), looked up on the instance: an instance override wins."""
    leaves = [Input(value=float(i + 1)) for i in range(children)]
    node = cls(leaves)
    seen = []

    def fake_op(values):
        seen.append(list(values))
        return 42.0

    node.op = fake_op
    assert node.forward() == 42.0
    assert seen == [[float(i + 1) for i in range(children)]]


def test_parent_reads_child_values_through_child_op():
    x = Input(value=1.0)
    child = Add([x, x])
    child.op = lambda values: 10.0
    assert Multiply([child, Input(value=3.0)]).forward() == 30.0


# ---------------------------------------------------------------- grad

def test_leaf_grad_is_never_needed_but_is_empty_or_one():
    for leaf in (Input(value=2.0), Parameter(value=3.0)):
        assert list(leaf.grad()) in ([], [1.0])


def test_add_grad_is_all_ones():
    children = [Input(value=float(i)) for i in range(5)]
    assert list(Add(children).grad()) == [1.0] * 5
    assert list(Add(children[:1]).grad()) == [1.0]


def test_multiply_grad_is_the_product_of_the_others():
    a, b, c, d = (Input(value=v) for v in (2.0, -3.0, 5.0, 0.5))
    assert list(Multiply([a, b]).grad()) == [-3.0, 2.0]
    assert list(Multiply([a, b, c, d]).grad()) == pytest.approx(
        [-3.0 * 5.0 * 0.5, 2.0 * 5.0 * 0.5, 2.0 * -3.0 * 0.5, 2.0 * -3.0 * 5.0], rel=1e-15)
    assert list(Multiply([c]).grad()) == [1.0]


def test_multiply_grad_with_a_zero_child_does_not_divide():
    zero, b, c = Input(value=0.0), Input(value=3.0), Input(value=4.0)
    assert list(Multiply([zero, b, c]).grad()) == [12.0, 0.0, 0.0]
    assert list(Multiply([b, zero]).grad()) == [0.0, 3.0]
    other_zero = Parameter(value=0.0)
    assert list(Multiply([zero, b, other_zero]).grad()) == [0.0, 0.0, 0.0]


def test_grad_is_at_the_current_values():
    x, y = Input(value=2.0), Input(value=7.0)
    node = Multiply([x, y])
    assert list(node.grad()) == [7.0, 2.0]
    x.value, y.value = -1.0, 4.0
    assert list(node.grad()) == [4.0, -1.0]
    r = ReLU([x])
    assert list(r.grad()) == [0.0]
    x.value = 3.0
    assert list(r.grad()) == [1.0]


@pytest.mark.parametrize('value, expected', [(2.0, 1.0), (1e-300, 1.0), (1e300, 1.0),
                                             (-2.0, 0.0), (-1e-300, 0.0), (-1e300, 0.0)])
def test_relu_grad_on_both_sides(value, expected):
    assert list(ReLU([Input(value=value)]).grad()) == [expected]


def test_relu_grad_at_zero_is_in_unit_interval():
    (g,) = ReLU([Input(value=0.0)]).grad()
    assert 0.0 <= g <= 1.0


@pytest.mark.parametrize('x', [-30.0, -2.0, -0.5, 0.0, 0.5, 2.0, 30.0])
def test_sigmoid_grad_is_s_times_one_minus_s(x):
    s = 1 / (1 + math.exp(-x))
    (g,) = Sigmoid([Input(value=x)]).grad()
    assert g == pytest.approx(s * (1 - s), rel=1e-12, abs=1e-300)


def test_grad_matches_central_differences_for_each_operation():
    h = 1e-6
    values = [0.7, -1.3, 2.1]
    for cls, n in ((Add, 3), (Multiply, 3), (ReLU, 1), (Sigmoid, 1)):
        leaves = [Input(value=v) for v in values[:n]]
        node = cls(leaves)
        analytic = list(node.grad())
        for i, leaf in enumerate(leaves):
            old = leaf.value
            leaf.value = old + h
            up = node.forward()
            leaf.value = old - h
            down = node.forward()
            leaf.value = old
            numeric = (up - down) / (2 * h)
            assert abs(analytic[i] - numeric) <= 1e-6 + 1e-5 * abs(numeric), (cls, i)


# ---------------------------------------------------------------- Sigmoid range

@pytest.mark.parametrize('x', [-1e308, -1000.0, -745.0, -710.0, -1.0, 0.0, 1.0, 710.0, 1000.0,
                               1e308])
def test_sigmoid_is_finite_and_in_unit_interval(x):
    s = Sigmoid([Input(value=x)]).forward()
    assert isinstance(s, float)
    assert math.isfinite(s)
    assert 0.0 <= s <= 1.0
    (g,) = Sigmoid([Input(value=x)]).grad()
    assert math.isfinite(g) and 0.0 <= g <= 0.25


def test_sigmoid_extremes_saturate():
    assert Sigmoid([Input(value=1000.0)]).forward() == pytest.approx(1.0, abs=1e-15)
    assert Sigmoid([Input(value=-1000.0)]).forward() == pytest.approx(0.0, abs=1e-15)
    assert Sigmoid([Input(value=1e308)]).forward() == pytest.approx(1.0, abs=1e-15)
    assert Sigmoid([Input(value=-1e308)]).forward() == pytest.approx(0.0, abs=1e-15)


@SETTINGS
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_sigmoid_property_finite_in_unit_interval(x):
    s = Sigmoid([Input(value=x)]).forward()
    assert math.isfinite(s) and 0.0 <= s <= 1.0
    if abs(x) < 30:
        assert s == pytest.approx(1 / (1 + math.exp(-x)), rel=1e-12)


# ---------------------------------------------------------------- identity

def test_nodes_compare_and_hash_by_identity():
    a, b = Input(value=1.0, name='x'), Input(value=1.0, name='x')
    assert a == a and not (a != a)
    assert a != b and not (a == b)
    p, q = Parameter(value=0.5, learning_rate=0.1), Parameter(value=0.5, learning_rate=0.1)
    assert p != q
    s1, s2 = Add([a]), Add([a])
    assert s1 != s2 and s1 == s1
    m1, m2 = Multiply([a, p]), Multiply([a, p])
    assert m1 != m2
    assert len({a, b, p, q, s1, s2, m1, m2}) == 8
    table = {a: 'a', b: 'b', s1: 's1', s2: 's2'}
    assert table[a] == 'a' and table[b] == 'b' and table[s1] == 's1' and table[s2] == 's2'
    assert hash(a) == hash(a)


def test_identity_survives_value_changes():
    x = Input(value=1.0)
    seen = {x}
    x.value = 2.0
    assert x in seen
    node = Add([x])
    nodes = {node}
    node.forward()
    assert node in nodes


# ---------------------------------------------------------------- Input and Parameter

def test_input_keywords_and_defaults():
    x = Input()
    assert x.value == 0.0 and isinstance(x.value, float)
    assert x.name is None
    y = Input(value=2.5, name='y')
    assert y.value == 2.5 and y.name == 'y'
    z = Input(name='z')
    assert z.value == 0.0 and z.name == 'z'


def test_parameter_keywords_and_defaults():
    p = Parameter(value=0.25, learning_rate=0.5)
    assert p.value == 0.25 and p.learning_rate == 0.5
    q = Parameter(value=0.25)
    assert q.learning_rate == 0.01
    q.learning_rate = 0.3
    assert q.learning_rate == 0.3


@pytest.mark.parametrize('seed', [0, 1, 42, 2024])
def test_default_parameter_value_is_drawn_from_random_uniform(seed):
    random.seed(seed)
    expected = [random.uniform(-1, 1) for _ in range(3)]
    random.seed(seed)
    got = [Parameter().value for _ in range(3)]
    assert got == expected
    assert all(-1.0 <= v <= 1.0 for v in got)


def test_default_parameter_values_differ():
    random.seed(7)
    values = {Parameter().value for _ in range(20)}
    assert len(values) == 20


@pytest.mark.parametrize('cls', [Input, Parameter])
def test_value_is_assignable_and_read_back_as_float(cls):
    leaf = cls(value=3)
    assert leaf.value == 3.0 and type(leaf.value) is float
    leaf.value = 2
    assert leaf.value == 2.0 and type(leaf.value) is float
    leaf.value = -0.125
    assert leaf.value == -0.125
    assert leaf.forward() == -0.125


def test_value_set_by_predict_is_read_back_as_float():
    x = Input()
    model = Add([x, Parameter(value=1.0)])
    model.predict([4])
    assert x.value == 4.0 and type(x.value) is float


# ---------------------------------------------------------------- find_input_nodes / predict

def test_find_input_nodes_on_a_tree_is_depth_first_left_to_right():
    x1, x2, x3, x4 = (Input(name=f'x{i}') for i in range(1, 5))
    p1, p2 = Parameter(value=1.0), Parameter(value=2.0)
    model = Add([Multiply([p1, x1]), Add([x2, ReLU([Sigmoid([x3])])]), p2, x4])
    found = model.find_input_nodes()
    assert len(found) == 4
    assert all(got is want for got, want in zip(found, [x1, x2, x3, x4]))
    assert all(isinstance(node, Input) for node in found)


def test_find_input_nodes_has_no_parameters():
    model = Add([Parameter(value=1.0), Multiply([Parameter(value=2.0), Parameter(value=3.0)])])
    assert model.find_input_nodes() == []


def test_find_input_nodes_on_a_dag_lists_each_input_once_at_first_position():
    x1, x2, x3 = Input(name='a'), Input(name='b'), Input(name='c')
    shared = Add([x2, x1])
    model = Add([Multiply([x1, shared]), shared, x3, x2, Multiply([x3, x3])])
    found = model.find_input_nodes()
    assert len(found) == 3
    assert all(got is want for got, want in zip(found, [x1, x2, x3]))
    assert len(Multiply([x1, x1]).find_input_nodes()) == 1


def test_find_input_nodes_on_a_subtree():
    x1, x2 = Input(), Input()
    sub = Multiply([x2, Parameter(value=1.0)])
    Add([x1, sub])
    found = sub.find_input_nodes()
    assert len(found) == 1 and found[0] is x2


def test_predict_assigns_inputs_in_order_and_returns_forward():
    x1, x2, x3 = Input(), Input(), Input()
    w = Parameter(value=2.0)
    model = Add([Multiply([w, x1]), Multiply([x2, x3]), x1])
    assert model.predict([1.0, 3.0, 4.0]) == 2.0 + 12.0 + 1.0
    assert (x1.value, x2.value, x3.value) == (1.0, 3.0, 4.0)
    assert model.predict([-1.0, 0.5, 2.0]) == -2.0 + 1.0 - 1.0
    assert model.predict((0.0, 1.0, 1.0)) == model.forward() == 1.0
    assert w.value == 2.0


def test_predict_on_a_dag_assigns_each_shared_input_once():
    x, y = Input(), Input()
    model = Add([Multiply([x, x]), Multiply([y, x])])
    assert model.predict([3.0, 2.0]) == 9.0 + 6.0


# ---------------------------------------------------------------- constructor errors

@pytest.mark.parametrize('cls', [Add, Multiply])
def test_nary_operations_need_at_least_one_child(cls):
    with pytest.raises(ValueError):
        cls([])


@pytest.mark.parametrize('cls', [ReLU, Sigmoid])
def test_unary_operations_need_exactly_one_child(cls):
    a, b = Input(), Input()
    with pytest.raises(ValueError):
        cls([a, b])
    with pytest.raises(ValueError):
        cls([])
    assert cls([a]).children[0] is a


def test_children_not_in_a_list_is_a_type_error_with_a_helpful_message():
    a, b = Input(), Parameter(value=1.0)
    with pytest.raises(TypeError) as info:
        Add(a)
    message = str(info.value)
    assert 'list' in message and 'Add([' in message
    with pytest.raises(TypeError):
        Multiply(a)
    with pytest.raises(TypeError):
        ReLU(a)
    with pytest.raises(TypeError):
        Add(a, b)  # Python's own arity error: see the report, the message is the generic one
    with pytest.raises(TypeError):
        Add([a, 3.0])  # a non-node child
