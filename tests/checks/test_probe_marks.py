"""A single-operation probe that fails marks the node at fault, for the HTML report's drawing:
the operation when its forward() is wrong, the child whose partial derivative is."""
from checks import get
from checks.graphs import Graph
from corpus import all_bugs, write_variant
from grading.local import executor_for

BUGS = {bug.name: bug for bug in all_bugs()}


def _failed(tmp_path, bug_name):
    bug = BUGS[bug_name]
    with executor_for(write_variant(bug, tmp_path)) as impl:
        result = impl.run(get(bug.check))
    assert result.status == 'failed', result.message
    return result, Graph.from_data(result.case["graph"])


def test_a_wrong_forward_marks_the_operation(tmp_path):
    result, graph = _failed(tmp_path, 'multiply_binary_only')
    [mark] = result.marks['nodes']
    assert mark['node'] == graph.root and mark['label'] == graph.name(graph.root)
    assert mark['what'] == 'Multiply.forward()' and mark['expected'] != mark['actual']


def test_a_wrong_partial_marks_the_child(tmp_path):
    result, graph = _failed(tmp_path, 'add_grad_first_child_only')
    [mark] = result.marks['nodes']
    assert mark['node'] != graph.root and graph.nodes[mark['node']].kind == 'param'
    assert (mark['expected'], mark['actual']) == (1.0, 0.0)
    assert mark['what'] == f'd Add / d child {mark["node"]}'
