"""Reverse accumulation (exercises 5 and 7), written recursively.

A recursive post-order lists every node below the seeds once (a set of ids): each node comes after
all of its children, so the reversed list has every node before its children. Walking it, a node's
adjoint (d loss / d node, in a dict keyed by id) is complete when its turn comes: every parent has
already added its share. The node's grad() is called once, with the children's values of the sweep
that preceded, and its adjoint is pushed down into its children's. Only when every adjoint is known
are the Parameters stepped, so no update can disturb a partial derivative still to be computed.
"""


def post_order(roots):
    """Every node below `roots` once, children before parents."""
    order, seen = [], set()

    def visit(node):
        seen.add(id(node))
        for child in node.children:
            if id(child) not in seen:
                visit(child)
        order.append(node)

    for root in roots:
        if id(root) not in seen:
            visit(root)
    return order


def reverse_accumulate(seeds, memo):
    """seeds: (node, d loss / d node) pairs; memo: the values of one sweep, by id."""
    seeds = list(seeds)
    adjoint = {}
    for node, derivative in seeds:
        adjoint[id(node)] = adjoint.get(id(node), 0.0) + derivative
    order = post_order([node for node, _ in seeds])
    for node in reversed(order):
        if not node.children:
            continue
        mine = adjoint.get(id(node), 0.0)
        values = [memo[id(child)] for child in node.children]
        for child, partial in zip(node.children, node.grad(values)):
            adjoint[id(child)] = adjoint.get(id(child), 0.0) + mine * partial
    for node in order:
        node.on_backward(adjoint.get(id(node), 0.0))
