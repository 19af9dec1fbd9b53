"""The warm-up: one untimed call on a fresh executor before its first example, so that its start,
the import, or a JIT's first compilation is not charged to an example (checks/runner.py)."""
from .adapters import NAME_EXERCISE, Driver
from .graphs import Graph, Node
from .remote import Remote

# The most one warm-up call may take: WARM_UP_SECONDS or a share of the check's wall-clock limit,
# whichever is less, but never less than an example may take.
WARM_UP_SECONDS, WARM_UP_SHARE = 10.0, 0.25


def warm_up_seconds(budget):
    """The most one warm-up call may take under `budget`."""
    return max(budget.example_seconds,
               min(WARM_UP_SECONDS, WARM_UP_SHARE * budget.check_wall_seconds))


def warm_up_graph(operations):
    """Two Parameters through each declared operation of the article's four, in turn."""
    nodes = [Node('param', value=0.5, learning_rate=0.1), Node('param', value=1.5,
                                                               learning_rate=0.1)]
    for kind in ('add', 'mul', 'relu', 'sigmoid'):
        if kind in operations:
            last = len(nodes) - 1
            operands = (last,) if kind in ('relu', 'sigmoid') else (last, 1)
            nodes.append(Node(kind, operands=operands))
    return Graph(tuple(nodes))


def warm_up_call(executor, spec, deadline):
    """A small graph's value and gradient through the adapter, answer unread, by `deadline`."""
    remote = Remote(executor, NAME_EXERCISE)
    remote.new_example(deadline)
    graph = warm_up_graph(spec.operations)
    if 'article' in spec.levels:
        Driver(remote, spec).gradient(graph)
    else:
        data = graph.to_data()
        remote.flush([remote.step('adapter_value', data), remote.step('adapter_gradient', data)])
