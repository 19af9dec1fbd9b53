"""Hypothesis strategies for graph descriptions: small composable generators that shrink well.

Trees come from st.recursive (nested tuples, then flattened); DAGs from a flat program whose operands
are references clipped to earlier nodes, so shrinking deletes nodes and lowers references until the
smallest failing graph is left. Values avoid the blind spots: no zeros (they hide dropped or swapped
terms), magnitudes from tiny to large, and ReLU kinks are the checks' business (see oracle.kink_free).
"""
from functools import lru_cache

from hypothesis import strategies as st

from . import oracle
from .graphs import ARTICLE_KINDS, CONSTANT, Graph, Node, UNARY_KINDS

ALL_OPERATIONS = frozenset(ARTICLE_KINDS)
NARY_KINDS = ('add', 'mul')
TAKES_CONSTANTS = ('add', 'mul', 'sub', 'div')  # where a plain number may be an operand
BOUNDED_DOMAIN = frozenset({'div', 'pow', 'exp', 'log', 'tanh'})  # filtered by oracle.in_domain
EXPONENTS = (2.0, 3.0, -1.0, 0.5, -2.0, 1.5)
LEARNING_RATES = (0.5, 0.25, 0.75, 0.125)  # large: an update made too early shows up


@lru_cache(maxsize=None)
def magnitudes():
    """Positive floats: mostly moderate, sometimes tiny or large."""
    return st.one_of(
        st.floats(0.1, 4.0),
        st.floats(0.1, 4.0),
        st.floats(0.1, 4.0),
        st.floats(1e-3, 0.1),
        st.floats(4.0, 30.0),
    )


_NONZERO = st.builds(lambda magnitude, sign: magnitude * sign, magnitudes(),
                     st.sampled_from((1.0, -1.0)))


def nonzero_values():
    """Floats away from 0 on either side (built once: strategies are slow to construct)."""
    return _NONZERO


@lru_cache(maxsize=None)
def learning_rates():
    return st.sampled_from(LEARNING_RATES)


@lru_cache(maxsize=None)
def parameters():
    return st.builds(lambda v, lr: ('param', v, lr), nonzero_values(), learning_rates())


@lru_cache(maxsize=None)
def inputs():
    return st.builds(lambda v: ('input', v), nonzero_values())


@lru_cache(maxsize=None)
def leaves():
    return st.one_of(parameters(), inputs())


def _operation(children, operations, max_arity):
    """One operation over children drawn from `children`."""
    choices = []
    nary = sorted(k for k in operations if k in NARY_KINDS)
    unary = sorted(k for k in operations if k in UNARY_KINDS)
    binary = sorted(k for k in operations if k in ('sub', 'div'))
    if nary:
        choices.append(st.tuples(st.sampled_from(nary), st.lists(children, min_size=1,
                                                                  max_size=max_arity)))
    if unary:
        choices.append(st.tuples(st.sampled_from(unary), st.lists(children, min_size=1,
                                                                   max_size=1)))
    if binary:
        choices.append(st.tuples(st.sampled_from(binary), st.lists(children, min_size=2,
                                                                    max_size=2)))
    if 'pow' in operations:
        choices.append(st.tuples(st.just('pow'), st.tuples(children, exponents()).map(list)))
    if CONSTANT not in operations:
        return st.one_of(*choices)
    return st.tuples(st.one_of(*choices),
                     st.none() | st.tuples(st.integers(0, max_arity), constants())
                     ).map(_with_constant)


def _with_constant(drawn):
    """A plain number among the operands of a sum, product, difference or quotient, on either
    side: in the list at a drawn position, or (sub, div) in place of one operand."""
    (kind, children), extra = drawn
    if extra is None or kind not in TAKES_CONSTANTS:
        return kind, children
    position, constant = extra
    if kind in NARY_KINDS:
        position = min(position, len(children))
        return kind, children[:position] + [constant] + children[position:]
    children = list(children)
    children[position % 2] = constant
    return kind, children


@lru_cache(maxsize=None)
def constants():
    """Plain numbers as operands: the ones people write, then any away from 0."""
    return st.one_of(st.sampled_from((2.0, -1.0, 0.5, 3.0)), nonzero_values()).map(
        lambda v: (CONSTANT, v))


@lru_cache(maxsize=None)
def exponents():
    return st.sampled_from(EXPONENTS).map(lambda v: (CONSTANT, v))


def _flatten(tree):
    """Nested ('add', [children]) / ('param', v, lr) tuples -> Graph, children before parents."""
    nodes = []

    def add(t):
        if t[0] == 'param':
            nodes.append(Node('param', value=t[1], learning_rate=t[2]))
        elif t[0] in ('input', CONSTANT):
            nodes.append(Node(t[0], value=t[1]))
        else:
            operands = tuple(add(child) for child in t[1])
            nodes.append(Node(t[0], operands=operands))
        return len(nodes) - 1

    add(tree)
    return Graph(tuple(nodes))


def trees(operations=ALL_OPERATIONS, max_leaves=6, max_arity=4, leaf=None):
    """Trees whose root is an operation; every node has one parent."""
    return _trees(frozenset(operations), max_leaves, max_arity, leaf)


@lru_cache(maxsize=None)  # built once: composites call this on every draw, and building is slow
def _trees(operations, max_leaves, max_arity, leaf):
    leaf = leaf if leaf is not None else leaves()

    def extend(children):
        return _operation(children, operations, max_arity)

    subtrees = st.recursive(leaf, extend, max_leaves=max_leaves)
    return _valid(_operation(subtrees, operations, max_arity).map(_flatten), operations)


def _valid(graphs, operations):
    """Only graphs a correct engine computes exactly: no log of 0, no overflow (oracle.in_domain);
    operations without such limits are not filtered, so their examples stay what they were."""
    return graphs.filter(oracle.in_domain) if BOUNDED_DOMAIN & set(operations) else graphs


@st.composite
def programs(draw, operations=ALL_OPERATIONS, max_leaves=4, max_operations=7, max_arity=4):
    """A DAG as a flat program: leaves, then operations whose operands are earlier nodes."""
    nodes = [Node(kind, value=v, learning_rate=lr[0] if lr else 0.0)
             for kind, v, *lr in draw(st.lists(leaves(), min_size=1, max_size=max_leaves))]
    kinds = sorted(k for k in operations if k != CONSTANT)
    for _ in range(draw(st.integers(1, max_operations))):
        kind = draw(st.sampled_from(kinds))
        arity = 1 if kind in UNARY_KINDS + ('pow',) else 2 if kind in ('sub', 'div') else \
            draw(st.integers(1, max_arity))
        # Prefer recent nodes, so that the program grows upwards rather than sideways; a
        # constant is its one operation's own.
        nodes_so_far = [i for i, node in enumerate(nodes) if node.kind != CONSTANT]
        refs = [nodes_so_far[-1 - draw(st.integers(0, len(nodes_so_far) - 1))]
                for _ in range(arity)]
        constant = _constant_operand(draw, kind, operations, len(refs))
        if constant is not None:
            position, (_, value) = constant
            nodes.append(Node(CONSTANT, value=value))
            refs = _placed(kind, refs, position, len(nodes) - 1)
        nodes.append(Node(kind, operands=tuple(refs)))
    return Graph(tuple(nodes)).pruned()


def _placed(kind, refs, position, constant):
    """The operands with the constant among them: inserted (add, mul), replacing one (sub, div),
    or as the exponent (pow)."""
    if kind == 'pow':
        return refs + [constant]
    if kind in NARY_KINDS:
        return refs[:position] + [constant] + refs[position:]
    return [constant if k == position % 2 else ref for k, ref in enumerate(refs)]


def _constant_operand(draw, kind, operations, arity):
    """pow's exponent, or (where constants are declared) maybe a plain number among the operands:
    (position, ('const', value)) or None."""
    if kind == 'pow':
        return 1, draw(exponents())
    if CONSTANT in operations and kind in TAKES_CONSTANTS:
        return draw(st.none() | st.tuples(st.integers(0, arity), constants()))
    return None


@st.composite
def diamonds(draw, operations=ALL_OPERATIONS):
    """A subgraph x used by two arms that meet again: top(f(x, ...), g(x, ...))."""
    shared = draw(trees(operations, max_leaves=3))
    nodes, arms = list(shared.nodes), []
    for _ in range(2):
        kind = draw(st.sampled_from(sorted(k for k in operations if k != CONSTANT)))
        operands = [shared.root]
        if kind == 'pow':
            nodes.append(Node(CONSTANT, value=draw(exponents())[1]))
            operands.append(len(nodes) - 1)
        elif kind not in UNARY_KINDS:
            size = (1, 1) if kind in ('sub', 'div') else (0, 2)
            for _, v, lr in draw(st.lists(parameters(), min_size=size[0], max_size=size[1])):
                nodes.append(Node('param', value=v, learning_rate=lr))
                operands.append(len(nodes) - 1)
        nodes.append(Node(kind, operands=tuple(operands)))
        arms.append(len(nodes) - 1)
    top = draw(st.sampled_from(_combining(operations)))
    nodes.append(Node(top, operands=tuple(arms)))
    return Graph(tuple(nodes))


def _combining(operations):
    """The operations that can take two nodes of the graph as operands."""
    return sorted(k for k in operations if k in NARY_KINDS + ('sub', 'div'))


@st.composite
def squares(draw, operations=ALL_OPERATIONS):
    """x * x and x + x: one node twice in one children list."""
    base = draw(st.one_of(leaves().map(lambda leaf: _flatten(leaf)),
                          trees(operations, max_leaves=2)))
    kind = draw(st.sampled_from(_combining(operations)))
    times = draw(st.integers(2, 3)) if kind in NARY_KINDS else 2  # x - x, x / x: two
    nodes = list(base.nodes) + [Node(kind, operands=(base.root,) * times)]
    return Graph(tuple(nodes))


def ladder(rungs, values=(0.6, 0.45), learning_rate=0.25, x=0.8):
    """a_{k+1} = p_k * a_k + q_k * a_k: 2^rungs paths from the root down to the input x."""
    nodes = [Node('input', value=x)]
    current = 0
    for k in range(rungs):
        p, q = values[k % 2], values[(k + 1) % 2]
        nodes += [Node('param', value=p, learning_rate=learning_rate),
                  Node('param', value=q, learning_rate=learning_rate)]
        nodes.append(Node('mul', operands=(len(nodes) - 2, current)))
        nodes.append(Node('mul', operands=(len(nodes) - 2, current)))
        nodes.append(Node('add', operands=(len(nodes) - 2, len(nodes) - 1)))
        current = len(nodes) - 1
    return Graph(tuple(nodes))


@st.composite
def ladders(draw, operations=ALL_OPERATIONS):
    rungs = draw(st.integers(1, 5))
    return ladder(rungs, values=(draw(st.floats(0.3, 0.7)), draw(st.floats(0.3, 0.7))),
                  x=draw(nonzero_values()))


def dags(operations=ALL_OPERATIONS):
    """Graphs where nodes are shared: random programs and the classic shapes."""
    return _dags(frozenset(operations))


@lru_cache(maxsize=None)
def _dags(operations):
    shapes = [programs(operations), diamonds(operations), squares(operations)]
    if {'add', 'mul'} <= set(operations):
        shapes.append(ladders(operations))
    return _valid(st.one_of(*shapes).filter(lambda graph: not graph.is_tree()), operations)
