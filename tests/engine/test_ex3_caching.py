"""Contract section 5, exercise 3 (forward caching), checked on the reference implementation.

Evaluations are counted as a grader does: by wrapping the `op` method of the operation classes.
"""
import contextlib
import math
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reference import Add, Input, Multiply, Parameter, ReLU, Sigmoid, mse_loss_grad
from engine_helpers import all_nodes, cheap_repr, evaluate  # noqa: F401 (cheap_repr is a fixture)

SETTINGS = settings(derandomize=True, database=None, deadline=None, max_examples=50)
OPERATIONS = (Add, Multiply, ReLU, Sigmoid)
OP_BUDGET = 100_000
FORWARD_BUDGET = 1_000_000


@contextlib.contextmanager
def counting_ops():
    """Yields a Counter of op() calls per node, wrapping op at class level."""
    calls, budget = Counter(), [0, 0]
    with pytest.MonkeyPatch.context() as mp:
        for cls in OPERATIONS:
            original = cls.__dict__['op']

            def op(self, x, _original=original):
                calls[self] += 1
                budget[0] += 1
                if budget[0] > OP_BUDGET:  # fail fast instead of an exponential hang
                    raise AssertionError(f'more than {OP_BUDGET} op() calls in one test')
                return _original(self, x)

            mp.setattr(cls, 'op', op)
        for cls in OPERATIONS + (Input, Parameter):
            original_forward = getattr(cls, 'forward')

            def forward(self, _original=original_forward):
                budget[1] += 1
                if budget[1] > FORWARD_BUDGET:  # an exponential walk of a DAG, even without op()
                    raise AssertionError(f'more than {FORWARD_BUDGET} forward() calls in one test')
                return _original(self)

            mp.setattr(cls, 'forward', forward)
        yield calls



@pytest.fixture
def op_calls():
    with counting_ops() as calls:
        yield calls



def operations(root):
    return {n for n in all_nodes(root) if not isinstance(n, (Input, Parameter))}


def ancestors(root, leaves):
    """The operations below root (root included) that have one of `leaves` below them."""
    leaves = set(leaves)
    memo = {}

    def above(node):
        if node not in memo:
            memo[node] = node in leaves or any([above(c) for c in node.children])
        return memo[node]

    return {n for n in operations(root) if above(n)}


def assert_right(root):
    assert root.forward() == pytest.approx(evaluate(root), rel=1e-12, abs=1e-300)


def dag():
    """A DAG with sharing: `shared` has three parents, x appears twice in one Multiply."""
    x, y, z = Input(value=0.5, name='x'), Input(value=-1.0, name='y'), Input(value=2.0, name='z')
    w, b = Parameter(value=0.7, learning_rate=0.1), Parameter(value=0.2, learning_rate=0.1)
    shared = Add([Multiply([w, x]), b])
    left = Sigmoid([Multiply([shared, y])])
    right = ReLU([Add([shared, z])])
    only_z = Multiply([z, z, Parameter(value=1.5, learning_rate=0.1)])
    square = Multiply([x, x])
    root = Add([left, right, shared, only_z, square])
    return root, {'x': x, 'y': y, 'z': z, 'w': w, 'b': b}


def ladder(depth, x, params):
    """Rung i: l' = a_i l + b_i r, r' = sigmoid(c_i l + r); 2^depth paths from the root to x."""
    left, right = Multiply([x, Parameter(value=0.9)]), Add([x, Parameter(value=0.1)])
    for i in range(depth):
        a, b, c = (params(i, k) for k in range(3))
        left, right = (Add([Multiply([a, left]), Multiply([b, right])]),
                       Sigmoid([Add([Multiply([c, left]), right])]))
    return Add([left, right])


def ladder_params(i, k):
    return Parameter(value=(0.45, 0.5, 0.3)[k] + 0.01 * ((i * 7 + k) % 5), learning_rate=0.01)


# ---------------------------------------------------------------- first and repeated forward

def test_first_forward_evaluates_each_operation_at_most_once(op_calls):
    root, _ = dag()
    assert_right(root)
    assert set(op_calls) <= operations(root)
    assert set(op_calls) == operations(root)  # nothing was cached yet
    assert max(op_calls.values()) == 1


def test_repeated_forward_calls_no_op(op_calls):
    root, _ = dag()
    first = root.forward()
    op_calls.clear()
    for _ in range(3):
        assert root.forward() == first
        assert root() == first
    for node in operations(root):
        node.forward()
    assert sum(op_calls.values()) == 0


def test_forward_of_a_subgraph_reuses_the_cache(op_calls):
    root, leaves = dag()
    root.forward()
    shared = root.children[2]
    op_calls.clear()
    assert shared.forward() == pytest.approx(0.7 * 0.5 + 0.2)
    assert sum(op_calls.values()) == 0


# ---------------------------------------------------------------- assigning leaves

@pytest.mark.parametrize('name', ['x', 'y', 'z', 'w', 'b'])
def test_assigning_one_leaf_reevaluates_only_its_ancestors_once(op_calls, name):
    root, leaves = dag()
    root.forward()
    for new_value in (1.25, -0.75, 3.0):
        op_calls.clear()
        leaves[name].value = new_value
        assert_right(root)
        assert set(op_calls) <= ancestors(root, [leaves[name]])
        assert root in op_calls  # the root's value did change
        assert max(op_calls.values()) == 1


def test_assigning_two_leaves_reevaluates_their_ancestors_once(op_calls):
    root, leaves = dag()
    root.forward()
    op_calls.clear()
    leaves['y'].value = 0.3
    leaves['z'].value = -4.0
    assert_right(root)
    assert set(op_calls) <= ancestors(root, [leaves['y'], leaves['z']])
    assert max(op_calls.values()) == 1


def test_assigning_a_leaf_outside_the_graph_calls_no_op(op_calls):
    root, _ = dag()
    root.forward()
    other = Input(value=1.0)
    elsewhere = Add([other, Parameter(value=1.0)])
    elsewhere.forward()
    op_calls.clear()
    other.value = 5.0
    root.forward()
    assert set(op_calls) <= set()
    assert elsewhere.forward() == 6.0
    assert set(op_calls) == {elsewhere}


def test_reassigning_the_same_value_calls_at_most_its_ancestors(op_calls):
    root, leaves = dag()
    before = root.forward()
    op_calls.clear()
    leaves['x'].value = leaves['x'].value
    assert root.forward() == before
    assert set(op_calls) <= ancestors(root, [leaves['x']])
    assert all(n <= 1 for n in op_calls.values())


def test_change_then_change_back(op_calls):
    root, leaves = dag()
    before = root.forward()
    leaves['w'].value = 3.0
    assert_right(root)
    leaves['w'].value = 0.7
    op_calls.clear()
    assert root.forward() == pytest.approx(before, rel=1e-15)
    assert set(op_calls) <= ancestors(root, [leaves['w']])
    assert max(op_calls.values()) == 1


def test_value_changes_between_forwards_are_all_seen():
    x = Input(value=1.0)
    model = Sigmoid([Multiply([x, Parameter(value=2.0)])])
    for v in (1.0, -3.0, 0.0, 1e-9, -1e-9, 250.0):
        x.value = v
        assert model.forward() == pytest.approx(1 / (1 + math.exp(-2 * v)), rel=1e-12)


# ---------------------------------------------------------------- predict() and backward()

def test_after_predict_only_ancestors_of_changed_inputs(op_calls):
    root, leaves = dag()
    root.predict([0.5, -1.0, 2.0])  # find_input_nodes order: x, y, z
    assert [leaves[n] for n in 'xyz'] == root.find_input_nodes()
    op_calls.clear()
    root.predict([0.5, -1.0, 2.0])
    assert set(op_calls) <= set()
    for values, changed in (([0.5, 4.0, 2.0], ['y']), ([0.5, 4.0, -2.0], ['z']),
                            ([1.5, 0.0, -2.0], ['x', 'y'])):
        op_calls.clear()
        result = root.predict(values)
        assert result == pytest.approx(evaluate(root), rel=1e-12)
        assert set(op_calls) <= ancestors(root, [leaves[n] for n in changed])
        assert root in op_calls
        assert max(op_calls.values()) == 1


def test_after_backward_only_ancestors_of_parameters(op_calls):
    root, leaves = dag()
    params = [n for n in all_nodes(root) if isinstance(n, Parameter)]
    for step in range(3):
        prediction = root.predict([0.5 + step, -1.0, 2.0])
        op_calls.clear()
        before = {p: p.value for p in params}
        root.backward(mse_loss_grad(1.0, prediction))
        changed = [p for p in params if p.value != before[p]]
        assert changed  # the step did something
        assert_right(root)
        assert set(op_calls) <= ancestors(root, changed)
        assert root in op_calls
        assert max(op_calls.values()) == 1


def test_backward_then_forward_sees_the_new_parameters():
    w = Parameter(value=1.0, learning_rate=0.5)
    x = Input(value=2.0)
    model = Multiply([w, x])
    assert model.forward() == 2.0
    model.backward(1.0)  # w = 1 - 0.5 * 2 = 0
    assert w.value == 0.0
    assert model.forward() == 0.0


def test_subgraph_without_changed_leaves_is_not_reevaluated_after_backward(op_calls):
    x, y = Input(value=1.0), Input(value=2.0)
    w = Parameter(value=0.5, learning_rate=0.1)
    no_params = Sigmoid([Multiply([x, y])])
    with_w = Multiply([w, x])
    root = Add([no_params, with_w])
    root.forward()
    op_calls.clear()
    root.backward(1.0)
    root.forward()
    assert no_params not in op_calls and no_params.children[0] not in op_calls
    assert set(op_calls) <= {root, with_w}
    assert_right(root)


# ---------------------------------------------------------------- ladder DAG

def test_ladder_of_depth_25_evaluates_in_linear_time(cheap_repr, op_calls):
    x = Input(value=0.3)
    root = ladder(25, x, ladder_params)
    ops = operations(root)
    assert len(ops) == 2 + 25 * 6 + 1
    assert_right(root)
    assert sum(op_calls.values()) <= len(ops)
    assert max(op_calls.values()) == 1
    for v in (-0.4, 1.7):
        op_calls.clear()
        x.value = v
        assert_right(root)
        assert sum(op_calls.values()) <= len(ops)
        assert max(op_calls.values()) == 1
    op_calls.clear()
    root.forward()
    assert sum(op_calls.values()) == 0


def test_ladder_top_parameter_change_touches_only_the_top(cheap_repr, op_calls):
    x = Input(value=0.3)
    made = []

    def params(i, k):
        p = ladder_params(i, k)
        made.append(p)
        return p

    root = ladder(25, x, params)
    root.forward()
    top = made[-1]  # c of the last rung
    op_calls.clear()
    top.value = 0.9
    assert_right(root)
    assert set(op_calls) <= ancestors(root, [top])
    assert len(ancestors(root, [top])) <= 5


# ---------------------------------------------------------------- a random walk of changes

@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(['x', 'y', 'z', 'w', 'b', 'predict', 'backward',
                                           'none']),
                          st.floats(-3, 3)), min_size=1, max_size=12))
def test_random_sequences_of_changes(steps):
    with counting_ops() as calls:
        root, leaves = dag()
        root.forward()
        leaf_list = list(leaves.values()) + [n for n in all_nodes(root)
                                             if isinstance(n, Parameter)]
        for what, v in steps:
            before = {leaf: leaf.value for leaf in leaf_list}
            calls.clear()
            if what == 'predict':
                root.predict([v, leaves['y'].value, leaves['z'].value])
            elif what == 'backward':
                root.backward(v / 10)
            elif what != 'none':
                leaves[what].value = v
            result = root.forward()
            changed = [leaf for leaf in leaf_list if leaf.value != before[leaf]]
            assert result == pytest.approx(evaluate(root), rel=1e-12, abs=1e-300)
            assert set(calls) <= ancestors(root, changed)
            assert all(n <= 1 for n in calls.values())
