"""Probes of the operations of scalar engines, one operation at a time, alone and times a Parameter.

They judge an engine through values and gradients of a graph built afresh (level 'engine': any
adapter but the article's API, whose own probes judge its four operations through grad()), and
count only for an engine that declares the operation. Like the article's probes they run first,
and name the culprit when a check on generated graphs fails.
"""
from hypothesis import assume, strategies as st

from .. import oracle
from ..compare import check_gradient, check_value
from ..failures import CannotCheck
from ..graphs import CONSTANT, Graph, Node
from ..registry import check
from ..strategies import EXPONENTS, TAKES_CONSTANTS, learning_rates, nonzero_values

SMALL = st.floats(-6.0, 6.0).filter(lambda x: abs(x) >= 0.05)   # exp and tanh: no overflow
POSITIVE = st.floats(0.05, 30.0)                                  # log, fractional powers


def _param(value, learning_rate=0.25):
    return Node('param', value=value, learning_rate=learning_rate)


def _graph(*nodes):
    return Graph(tuple(nodes))


def unary(kind, values):
    return lambda ctx: _scaled(ctx, st.builds(
        lambda v, lr: _graph(_param(v, lr), Node(kind, operands=(0,))), values, learning_rates()))


def binary(kind):
    """p0 - p1, p0 / p1 (p1 away from 0), and p0 - p0, p0 / p0: one Parameter on both sides."""
    return lambda ctx: _scaled(ctx, st.one_of(_two(kind), _same(kind)))


def _two(kind):
    return st.builds(lambda a, b: _graph(_param(a), _param(b), Node(kind, operands=(0, 1))),
                     nonzero_values(), nonzero_values())


def _same(kind):
    return st.builds(lambda a: _graph(_param(a), Node(kind, operands=(0, 0))), nonzero_values())


def powers(ctx):
    return _scaled(ctx, st.builds(lambda x, c: _graph(_param(x), Node(CONSTANT, value=c),
                                                      Node('pow', operands=(0, 1))),
                                  st.one_of(nonzero_values(), POSITIVE),
                                  st.sampled_from(EXPONENTS)))


def _scaled(ctx, graphs):
    """The operation at the root, or (where the engine multiplies) times a Parameter q, so that
    the gradient it passes down must carry the upstream factor q, not 1."""
    if 'mul' in ctx.operations:
        graphs = st.one_of(graphs, st.builds(_times, graphs, nonzero_values()))
    return graphs.filter(oracle.in_domain)


def _times(graph, q):
    nodes = graph.nodes + (_param(q),)
    return Graph(nodes + (Node('mul', operands=(graph.root, len(nodes) - 1)),))


def verify_operation(ctx, graph):
    """The value and every Parameter's derivative of one operation, against the oracle."""
    expected = oracle.expected(graph)
    check_value(f'the value of {graph.formula()}', ctx.adapter.value(graph), expected.value,
                expected.value_scale)
    check_gradient(graph, ctx.adapter.gradient(graph), expected,
                   what=f'd ({graph.formula()}) / d {{label}}')


PROBES = (
    ('neg', '-x is -1 times x; its derivative is -1',
     'Negation: the value is -x and the derivative with respect to x is -1.',
     unary('neg', nonzero_values())),
    ('sub', 'a - b: the difference; derivatives 1 and -1 (and 0 for x - x)',
     'a - b: d/da = 1, d/db = -1. Written as a + (-b), check that the minus reaches b.',
     binary('sub')),
    ('div', 'a / b: the quotient; derivatives 1/b and -a/b^2 (and 0 for x / x)',
     'a / b: d/da = 1 / b and d/db = -a / b**2. Written as a * b**-1, it follows from pow.',
     binary('div')),
    ('pow', 'x ** c for constants c in {2, 3, -1, 0.5, -2, 1.5}: derivative c x^(c-1)',
     'd (x ** c) / dx = c * x ** (c - 1): the constant comes down, and the exponent drops by one.',
     powers),
    ('exp', 'exp(x); its derivative is exp(x) itself',
     'The derivative of exp(x) is exp(x): the output\'s own value, times the upstream gradient.',
     unary('exp', SMALL)),
    ('log', 'log(x) (natural) for x > 0; its derivative is 1/x',
     'log is the natural logarithm (math.log); its derivative is 1 / x, at the input\'s value.',
     unary('log', POSITIVE)),
    ('tanh', 'tanh(x); its derivative is 1 - tanh(x)^2',
     'd tanh(x) / dx = 1 - tanh(x)**2, with tanh(x) the output: square it.',
     unary('tanh', SMALL)),
)

FIXED_OPERANDS = {'neg': (1.5,), 'sub': (1.5, -0.5), 'div': (1.5, -0.5), 'exp': (0.5,),
                  'log': (1.5,), 'tanh': (0.5,), 'add': (1.5, 1.5, -0.5), 'mul': (1.5, 1.5, -0.5),
                  'relu': (-1.5,), 'sigmoid': (-1.5,)}


def fixed_probes(kind):
    """The operation once at the root and once times a Parameter: chance may draw only one. Sums
    and products take two Parameters of equal value: an engine must keep them apart."""
    def cases(ctx):
        if kind == 'pow':
            nodes = (_param(1.5), Node(CONSTANT, value=3.0), Node('pow', operands=(0, 1)))
        else:
            values = FIXED_OPERANDS[kind]
            nodes = tuple(_param(v) for v in values) + (
                Node(kind, operands=tuple(range(len(values)))),)
        alone = Graph(nodes)
        return (alone, _times(alone, -2.5)) if 'mul' in ctx.operations else (alone,)
    return cases


@st.composite
def _nary(draw, kind):
    values = draw(st.lists(nonzero_values(), min_size=2, max_size=4))
    return _graph(*(_param(v) for v in values), Node(kind, operands=tuple(range(len(values)))))


PROBES += (
    ('add', 'a + b + ...: the sum; every derivative 1 (x + x: 2)',
     'Each operand of a sum gets the upstream gradient unchanged, added to what it has (+=).',
     lambda ctx: _scaled(ctx, st.one_of(_nary('add'), _same('add')))),
    ('mul', 'a * b * ...: the product; the derivative by each operand the product of the others',
     'd (a * b) / da = b: the OTHER operand\'s value, times the upstream gradient.',
     lambda ctx: _scaled(ctx, st.one_of(_nary('mul'), _same('mul')))),
    ('relu', 'relu(x): max(0, x); its derivative 1 above 0 and 0 below',
     'ReLU lets the gradient through where its INPUT is positive, and blocks it where negative.',
     unary('relu', nonzero_values())),
    ('sigmoid', 'sigmoid(x): 1 / (1 + e^-x); its derivative s (1 - s)',
     "sigmoid's derivative is s * (1 - s), with s the output.", unary('sigmoid', SMALL)),
)

for _kind, _description, _hint, _cases in PROBES:
    # The article's own probes (core.add, ...) judge its four operations through grad().
    _article = _kind in ('add', 'mul', 'relu', 'sigmoid')
    check(f'core.engine_{_kind}' if _article else f'core.{_kind}', 1, _description, _hint, cases=_cases, level='engine', operations=(_kind,),
          probes=(_kind,), fixed=fixed_probes(_kind))(verify_operation)


@st.composite
def constant_operands(draw, operations):
    """p op c and c op p: a plain number on either side of a sum, product, difference or
    quotient, as Python calls __add__ or __radd__."""
    kind = draw(st.sampled_from(sorted(k for k in operations if k in TAKES_CONSTANTS)))
    p, c = _param(draw(nonzero_values()), draw(learning_rates())), Node(CONSTANT,
                                                                        value=draw(nonzero_values()))
    left = draw(st.booleans())
    graph = _graph(p, c, Node(kind, operands=(1, 0) if left else (0, 1)))
    assume(oracle.in_domain(graph))
    return graph


@check('core.constants', 1,
       'a plain number on either side: p + 2, 2 * p, 2 - p, 2 / p give the value and derivative '
       'of the same expression with the number as a node',
       'Python evaluates 2 * v as v.__rmul__(2) and 2 - v as v.__rsub__(2): define the reflected '
       'operators, keep the operands in order (2 - v is not v - 2), and wrap the number in a '
       'node without a gradient of its own.',
       cases=lambda ctx: constant_operands(_beside_numbers(ctx)), level='engine',
       operations=(CONSTANT,), probes=(CONSTANT,), fixed=lambda ctx: every_side(ctx.operations))
def verify_constants(ctx, graph):
    verify_operation(ctx, graph)


def every_side(operations):
    """p op 2.5 and 2.5 op p for every operation declared that takes a number: 1.5 and 2.5, so
    that no mix-up of the sides (2 - v for v - 2, 2 / v for v / 2) gives the same result."""
    return tuple(_graph(_param(1.5), Node(CONSTANT, value=2.5), Node(kind, operands=operands))
                 for kind in sorted(set(operations) & set(TAKES_CONSTANTS))
                 for operands in ((0, 1), (1, 0)))


def _beside_numbers(ctx):
    if not set(ctx.operations) & set(TAKES_CONSTANTS):
        raise CannotCheck(f'{ctx.adapter.name} declares constants but none of '
                          f'{", ".join(TAKES_CONSTANTS)} to put them beside')
    return ctx.operations
