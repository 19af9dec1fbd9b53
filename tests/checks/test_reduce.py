"""checks.reduce on its own: the shrink budget, and the reduction of a failing case to a part of
its graph (a made-up check stands in for the implementation: no executor)."""
import warnings

import pytest
from hypothesis import assume
from hypothesis.errors import UnsatisfiedAssumption

from checks.failures import Mismatch
from checks.graphs import Graph, Node
from checks.reduce import (ShrinkBudget, ShrinkingDone, StopReducing, reduce_failure, reducer_for,
                           size)
from checks.remote import StudentError


def p(value=1.0):
    return Node('param', value=value, learning_rate=0.5)


def graph(*nodes):
    return Graph(tuple(nodes))


# p0 + p1 + p2 * (p3 + p4): the case a student was shown for a funcify() bug whose smallest
# failing part is p2 * (p3 + p4).
REPORTED = graph(p(), p(), p(), p(), p(),
                 Node('add', operands=(3, 4)),     # 5: p3 + p4
                 Node('mul', operands=(2, 5)),     # 6: p2 * (p3 + p4)
                 Node('add', operands=(0, 1, 6)))  # 7: the root


def sum_in_product(g):
    """The made-up bug: a product with a sum of two or more terms among its operands fails."""
    return any(node.kind == 'mul' and len(node.operands) > 1 and any(
        g.nodes[o].kind == 'add' and len(g.nodes[o].operands) > 1 for o in node.operands)
        for node in g.nodes)


def attempts(failing, log=None):
    def attempt(case):
        g = case['graph'] if isinstance(case, dict) else case
        if log is not None:
            log.append(g)
        return Mismatch('formula', 1.0, 2.0) if failing(g) else None
    return attempt


def test_the_smallest_failing_subtree_is_found():
    case, error, runs = reduce_failure('ex6.every_node', REPORTED, Mismatch('formula'),
                                       attempts(sum_in_product), 16)
    assert case.formula() == 'p0 * (p1 + p2)'
    assert len(case.nodes) == 5 and isinstance(error, Mismatch)
    assert runs <= 16


def test_subgraphs_are_tried_smallest_first():
    log = []
    reduce_failure('ex6.every_node', REPORTED, Mismatch('formula'), attempts(sum_in_product, log),
                   16)
    assert [len(g.nodes) for g in log[:2]] == [3, 5]  # p3 + p4, then p2 * (p3 + p4)


def test_operands_left_out_and_operations_bypassed():
    # p0 * p1 * p2 * (p3 + p4 + add(p5)): leaving out factors and terms, and replacing add(p5)
    # by p5, gives p0 * (p3 + p4) shapes of 5 nodes.
    g = graph(p(), p(), p(), p(), p(), p(),
              Node('add', operands=(5,)),            # 6
              Node('add', operands=(3, 4, 6)),       # 7
              Node('mul', operands=(0, 1, 2, 7)))    # 8
    case, _, _ = reduce_failure('ex6.every_node', g, Mismatch('x'), attempts(sum_in_product), 16)
    assert len(case.nodes) == 5 and sum_in_product(case)


def test_values_are_rounded_when_the_failure_stays():
    g = graph(p(3.6853707658), p(-0.0377147), p(12.5), Node('add', operands=(1, 2)),
              Node('mul', operands=(0, 3)))
    case, _, _ = reduce_failure('ex6.every_node', g, Mismatch('x'), attempts(sum_in_product), 16)
    assert [case.nodes[i].value for i in case.parameters] == [4.0, -1.0, 12.0]
    # A failure that needs the exact values keeps them.
    case, _, _ = reduce_failure('ex6.every_node', g, Mismatch('x'),
                                attempts(lambda c: c.nodes[0].value == 3.6853707658), 16)
    assert case.nodes[0].value == 3.6853707658


def test_runs_are_bounded_and_the_result_still_fails():
    log = []
    case, _, runs = reduce_failure('ex6.every_node', REPORTED, Mismatch('formula'),
                                   attempts(sum_in_product, log), 3)
    assert runs == len(log) == 3 and sum_in_product(case)


def test_nothing_smaller_fails_nothing_changes():
    error = Mismatch('formula')
    case, kept, runs = reduce_failure('ex6.every_node', REPORTED, error,
                                      attempts(lambda g: g == REPORTED), 50)
    assert case == REPORTED and kept is error and 0 < runs <= 50


def test_other_failures_do_not_count():
    def attempt(case):
        return None if case == REPORTED else Mismatch('needs ex2', blocked_by='ex2')
    case, _, _ = reduce_failure('ex6.every_node', REPORTED, Mismatch('formula'), attempt, 16)
    assert case == REPORTED


def test_an_exception_of_the_same_type_counts():
    def raised(name):
        return StudentError({'type': name, 'mro': [name, 'Exception'], 'message': 'no'})

    def attempt(case):
        if not sum_in_product(case):
            return None
        return raised('AttributeError' if len(case.nodes) > 5 else 'TypeError')
    error = raised('AttributeError')
    case, kept, _ = reduce_failure('core.forward', REPORTED, error, attempt, 16)
    assert len(case.nodes) == 6 and kept.type_name == 'AttributeError'


def test_stop_keeps_the_failure_known():
    def attempt(case):
        raise StopReducing()
    error = Mismatch('formula')
    assert reduce_failure('ex6.every_node', REPORTED, error, attempt, 16) == (REPORTED, error, 1)


def test_a_dag_stays_a_dag():
    # (p0 * p1) + (p0 * p1), the product shared: its subgraph p0 * p1 is a tree and is not
    # tried; p0 + p0 (the product replaced by an operand) still shares a node.
    g = graph(p(), p(), Node('mul', operands=(0, 1)), Node('add', operands=(2, 2)))
    log = []
    case, _, _ = reduce_failure('ex7.gradients', g, Mismatch('x'),
                                attempts(lambda _: True, log), 16)
    assert log and all(not candidate.is_tree() for candidate in log)
    assert case.formula() == 'p0 + p0'


def test_fields_aligned_with_the_inputs_follow_them():
    named = graph(Node('input', value=1.0, name='a'), Node('input', value=2.0, name='b'),
                  Node('input', value=3.0, name='c'), Node('add', operands=(1, 2)),
                  Node('mul', operands=(0, 3)), Node('sigmoid', operands=(4,)))
    case = {'graph': named, 'other': [10.0, 20.0, 30.0]}
    reduced, _, _ = reduce_failure('ex6.named_inputs', case, Mismatch('x'),
                                   attempts(sum_in_product), 16)
    assert reduced['graph'].formula() == 'a * (b + c)'
    assert reduced['other'] == [10.0, 20.0, 30.0]
    only_sum, _, _ = reduce_failure('ex6.named_inputs', case, Mismatch('x'),
                                    attempts(lambda g: g.nodes[-1].kind == 'add' and
                                             len(g.nodes[-1].operands) == 2), 16)
    assert only_sum['graph'].formula() == 'b + c' and only_sum['other'] == [20.0, 30.0]


def test_only_known_cases_are_reduced():
    error = Mismatch('x')
    case = {'graph': REPORTED, 'inputs': [1.0]}   # what 'inputs' means is the check's business
    assert reducer_for('core.predict', case) is None
    assert reduce_failure('core.predict', case, error, attempts(lambda _: True), 16) == \
        (case, error, 0)
    assert reducer_for('ex6.every_node', graph(p())) is None   # a lone leaf: nothing below it
    other = ValueError('not a Mismatch')
    assert reduce_failure('ex6.every_node', REPORTED, other, attempts(lambda _: True), 16) == \
        (REPORTED, other, 0)


def test_candidates_outside_the_domain_are_skipped_quietly():
    # A check states its domain with assume(); outside @given Hypothesis warns about it.
    def attempt(case):
        try:
            assume(len(case.nodes) > 5)
        except UnsatisfiedAssumption:
            return None
        return Mismatch('x')
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        case, _, runs = reduce_failure('ex6.every_node', REPORTED, Mismatch('x'), attempt, 16)
    assert len(case.nodes) == 6 and runs > 1


def test_the_shrink_budget_counts_examples_after_the_first_failure():
    budget = ShrinkBudget(3)
    for _ in range(10):
        budget.before_example()        # no failure yet: no limit
    small, big = graph(p(), Node('relu', operands=(0,))), REPORTED
    budget.failed(big, Mismatch('first'))
    for _ in range(3):
        budget.before_example()
    budget.failed(small, Mismatch('smaller'))
    budget.failed(big, Mismatch('bigger again'))
    with pytest.raises(ShrinkingDone):
        budget.before_example()
    assert budget.examples_after_failure == 3
    assert budget.best[1] == small and str(budget.best[2]) == 'smaller'


def test_an_unmet_assumption_is_not_a_failure():
    budget = ShrinkBudget(0)
    budget.failed(REPORTED, UnsatisfiedAssumption('assume() in a check'))
    budget.before_example()            # no failure: no limit
    assert budget.best is None and budget.examples_after_failure == 0


def test_equal_sizes_keep_the_latest():
    budget = ShrinkBudget(5)
    budget.failed(graph(p(1.5), Node('relu', operands=(0,))), Mismatch('first'))
    budget.failed(graph(p(2.5), Node('relu', operands=(0,))), Mismatch('second'))
    assert str(budget.best[2]) == 'second'
    assert size(graph(p(1.0))) < size(graph(p(1.0), Node('relu', operands=(0,))))
