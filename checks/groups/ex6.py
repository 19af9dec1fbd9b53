"""Checks of exercise 6: funcify() writes a node as a formula that evaluates to its forward().

Formulas are read by checks.formula (parsed, whitelisted, never eval()'d) and compared with
forward() of a freshly built copy of the same tree. compile() is called only where the contract
puts the naming of Inputs, and an implementation without it (exercise 2 unsolved) is still graded.
"""
from dataclasses import replace

from hypothesis import strategies as st

from .. import oracle
from ..failures import Mismatch
from ..formula import FormulaError, evaluate, is_valid_name
from ..graphs import Graph, Node
from ..registry import check
from ..remote import Ref, StudentError
from ..strategies import dags, inputs, ladder, leaves, nonzero_values, parameters, trees
from ..values import as_float

# Names the checks give Inputs: identifiers, none a keyword or a formula function.
NAMES = ('a', 'b', 'x', 'y', 'speed', 'x_1', 'temp', 'w2', 'Z', '_h', 'alpha', 'x0', 'x1', 'x2',
         'inp', 'rate', 'xx', 'value')
assert all(is_valid_name(name) for name in NAMES)

# Strategies built once: building one per example costs more than drawing from it.
_LEAF, _NONZERO, _BOOLEANS = leaves(), nonzero_values(), st.booleans()
_SHUFFLED_NAMES = st.permutations(NAMES)
_ONE_IN_THREE = st.sampled_from((False, True, False))
_ONE_TO_THREE, _TWO_OR_THREE = st.integers(1, 3), st.integers(2, 3)


def with_names(graph, names):
    """The graph with its Inputs named: names[k] for the k-th Input (None leaves it unnamed)."""
    nodes = list(graph.nodes)
    for i, name in zip(graph.inputs, names):
        nodes[i] = replace(nodes[i], name=name)
    return Graph(tuple(nodes))


@st.composite
def _named(draw, tree_strategy):
    """A tree whose Inputs carry distinct names from NAMES."""
    graph = draw(tree_strategy)
    n = len(graph.inputs)
    names = list(draw(_SHUFFLED_NAMES)) + [f'in_{k}' for k in range(n)]
    return with_names(graph, names[:n])


@st.composite
def _partly_named(draw, tree_strategy):
    """A tree where some Inputs are unnamed and the named ones mostly carry the names compile()
    picks first (x0, x1, ...): the unnamed must be named around them."""
    graph = draw(tree_strategy)
    n = len(graph.inputs)
    named = [draw(_ONE_IN_THREE) for _ in range(n)]
    pool = list(draw(st.permutations(tuple(f'x{k}' for k in range(n))))) + ['a', 'speed']
    pool.reverse()
    return with_names(graph, [pool.pop() if k else None for k in named])


@st.composite
def sums_in_products(draw):
    """A product of sums and leaves: where a formula needs its parentheses."""
    nodes = []

    def leaf():
        kind, value, *lr = draw(_LEAF)
        nodes.append(Node(kind, value=value, learning_rate=lr[0] if lr else 0.0))
        return len(nodes) - 1

    factors = []
    for _ in range(draw(_ONE_TO_THREE)):
        if draw(_BOOLEANS):
            terms = [leaf() for _ in range(draw(_TWO_OR_THREE))]
            nodes.append(Node('add', operands=tuple(terms)))
            factors.append(len(nodes) - 1)
        else:
            factors.append(leaf())
    nodes.append(Node('mul', operands=tuple(factors)))
    return Graph(tuple(nodes))


def formula_trees(ctx):
    """Generated trees, and often a product of sums."""
    if {'add', 'mul'} <= set(ctx.operations):
        return st.one_of(trees(ctx.operations), sums_in_products())
    return trees(ctx.operations)


@st.composite
def _with_other_values(draw, named):
    graph = draw(named)
    # Other input values, to evaluate the same formula at a second point: each moved by a
    # nonzero amount, so that a formula holding today's values cannot pass.
    moves = [draw(_NONZERO) for _ in graph.inputs]
    return {'graph': graph,
            'other': [graph.nodes[i].value + d for i, d in zip(graph.inputs, moves)]}


def named_cases(ctx):
    return named_cases_of(formula_trees(ctx))


def named_cases_of(graphs):
    """Cases of verify_named_inputs: graphs drawn from `graphs`, their Inputs named, with other
    values for them."""
    return _with_other_values(_named(graphs))


def mixed_cases(ctx):
    # Mostly Inputs, so that several are unnamed.
    return _partly_named(trees(ctx.operations, leaf=st.one_of(inputs(), inputs(), parameters())))


# --- reading a formula ------------------------------------------------------------------------


def _formula(ctx, node, what, names_of=None):
    """funcify() as a plain str (the executor sends a str subclass as its base str), and the
    names of the Inputs `names_of` read right after it, in the same round trip."""
    text, *names = ctx.remote.fetch_all([node.funcify()] + [ctx.remote.get_or(i, 'name')
                                                             for i in names_of or ()])
    text = _text(text, what)
    return text if names_of is None else (text, names)


def _text(text, what):
    """A formula as read back: a str, or a Mismatch saying what it was."""
    if not isinstance(text, str):
        raise Mismatch(f'{what} should return a str', expected='a str',
                       actual=text.type_name if isinstance(text, Ref) else type(text).__name__)
    return text


def _value_of(text, env, what):
    try:
        return evaluate(text, env)
    except FormulaError as error:
        raise Mismatch(f'{what} {error}', notes=_context(text, env)) from None


def _context(text, env):
    shown = text if len(text) <= 400 else text[:397] + '...'
    names = ', '.join(f'{name} = {value!r}' for name, value in env.items()) or 'none'
    return f'funcify() returned: {shown}\nInputs: {names}'


def _judge(text, env, forward, scale, what):
    """The formula at `env` against forward(): within 1e-9 of the size of the terms."""
    value = _value_of(text, env, what)
    if not oracle.within(value, forward, 1e-9 * (1.0 + scale), 0.0):
        raise Mismatch(f'the value of {what}, against forward()', expected=forward, actual=value,
                       notes=_context(text, env) + '\nAn Input is written as its name, a '
                       'Parameter as repr(value) (all its digits); a sum inside a product needs '
                       'parentheses.')


def _forward(ctx, graph, i=None):
    """forward() of node i (the root by default) of a freshly built copy of the graph."""
    i = graph.root if i is None else i
    return as_float(ctx.adapter.build(graph)[i].forward(), 'forward()')


def _name(name, what):
    """An Input's name as read back: None or a str."""
    if name is not None and not isinstance(name, str):
        raise Mismatch(f'{what}.name should be a str', expected='a str', actual=repr(name))
    return name


# --- the checks -------------------------------------------------------------------------------


@check('ex6.article_example', 1,
       "the article's example: Add([Parameter(value=0.1), Parameter(value=0.2)]).funcify() is "
       "'0.1 + 0.2' or '(0.1 + 0.2)'",
       'A Parameter is written as its number (repr(value)), an Add as its children joined by '
       "' + ' (parentheses around it are fine).")
def verify_article_example(ctx, _):
    api = ctx.api
    node = api.Add([api.Parameter(value=0.1), api.Parameter(value=0.2)])
    text = _formula(ctx, node, 'Add([Parameter(value=0.1), Parameter(value=0.2)]).funcify()')
    if ''.join(text.split()) not in ('0.1+0.2', '(0.1+0.2)'):
        raise Mismatch('Add([Parameter(value=0.1), Parameter(value=0.2)]).funcify()',
                       expected='0.1 + 0.2', actual=text)


def _sum_times(first):
    """(a + b) * c, or c * (a + b) when not `first`: a sum as a factor needs its parentheses
    wherever it stands, and a quick run may not draw a sum in first place."""
    a, b, c = (Node('input', value=v, name=n) for v, n in ((1.5, 'a'), (-0.5, 'b'), (2.0, 'c')))
    nodes = (a, b, Node('add', operands=(0, 1)), c)
    factors = (2, 3) if first else (3, 2)
    return {'graph': Graph(nodes + (Node('mul', operands=factors),)), 'other': [0.5, 3.0, -1.5]}


@check('ex6.named_inputs', 2,
       'funcify() of generated trees, with named Inputs, evaluates to forward() at the Inputs\' '
       'values, and again after they change',
       'The formula must compute what forward() computes: parentheses around every Add that is '
       'inside another operation (a sum inside a product), and around negative numbers if you '
       'like; an Input written as its name, a Parameter as repr(value).',
       cases=named_cases, fixed=(_sum_times(first=True), _sum_times(first=False)))
def verify_named_inputs(ctx, case):
    graph, other = case['graph'], list(case['other'])
    built = ctx.adapter.build(graph)
    text, names = _formula(ctx, built[graph.root], 'funcify() of the root',
                           [built[i] for i in graph.inputs])
    for i, name in zip(graph.inputs, names):
        name = _name(name, graph.label(i))
        if name != graph.nodes[i].name:
            raise Mismatch(f'the name of the Input built with name={graph.nodes[i].name!r}, '
                           'after funcify()', expected=graph.nodes[i].name, actual=name)
    env = {graph.nodes[i].name: graph.nodes[i].value for i in graph.inputs}
    expected = oracle.expected(graph)
    _judge(text, env, _forward(ctx, graph), expected.value_scale, 'funcify() of the root')
    # The same formula at other input values: it is a function of the Inputs, not of today's
    # values (an Input is written as its name).
    moved = graph.with_values(dict(zip(graph.inputs, other)))
    env = {moved.nodes[i].name: moved.nodes[i].value for i in moved.inputs}
    _judge(text, env, _forward(ctx, moved), oracle.expected(moved).value_scale,
           'funcify() of the root with the Inputs set to other values')


def _sum_of_inputs(names):
    """Add over Inputs with these names (None: unnamed): the names compile() picks first are
    already taken, so it must look further than one candidate per Input."""
    nodes = tuple(Node('input', value=1.5 + k, name=name) for k, name in enumerate(names))
    return Graph(nodes + (Node('add', operands=tuple(range(len(nodes)))),))


@check('ex6.unnamed_inputs', 2,
       'after compile() (when it exists) and funcify(), every Input has a distinct valid name, '
       'given names are kept, and the formula evaluates to forward()',
       "compile() (or funcify(), without compile()) must give each unnamed Input a name (x0, "
       "x1, ... for instance) that no other Input has, and store it in Input.name.",
       cases=mixed_cases, fixed=(_sum_of_inputs(['x0', None, None]),
                                 _sum_of_inputs([None, 'x1', 'x0', None])))
def verify_unnamed_inputs(ctx, graph):
    built = ctx.adapter.build(graph)
    root = built[graph.root]
    ctx.remote.flush()
    try:
        compiled = ctx.remote.fetch(root.compile())
    except StudentError as error:
        if not error.is_a('NotImplementedError'):
            raise
        compiled = None  # exercise 2 not solved: funcify() must name the Inputs itself
    if compiled is not None and not isinstance(compiled, Ref):
        raise Mismatch('compile() returned something that is not a node', actual=compiled)
    root = compiled if compiled is not None else root
    text, read = _formula(ctx, root, 'funcify() of the root', [built[i] for i in graph.inputs])
    read = [_name(name, graph.label(i)) for i, name in zip(graph.inputs, read)]
    names = {}
    for i, name in zip(graph.inputs, read):
        given = graph.nodes[i].name
        if given is not None and name != given:
            raise Mismatch(f'the name of the Input built with name={given!r}, after compile() '
                           'and funcify()', expected=given, actual=name)
        if not is_valid_name(name):
            raise Mismatch(f'Input {graph.label(i)}.name after compile() and funcify() should be '
                           'an identifier (not a keyword, nor relu, sigmoid, max, exp)',
                           expected='a name like x0', actual=name)
        if name in names:
            raise Mismatch(f'two Inputs are both named {name!r} after compile() and funcify()',
                           expected='distinct names', actual=read)
        names[name] = graph.nodes[i].value
    _judge(text, names, _forward(ctx, graph), oracle.expected(graph).value_scale,
           'funcify() of the root')


@check('ex6.every_node', 1,
       'funcify() of every node of generated trees (leaves and inner operations) evaluates to '
       'that node\'s forward()',
       'Each class writes itself from its children\'s formulas: the formula of any node, not only '
       'the root, must stand on its own (balanced parentheses, numbers with all their digits).',
       cases=lambda ctx: _named(formula_trees(ctx)))
def verify_every_node(ctx, graph):
    built = ctx.adapter.build(graph)
    classes = [node.type_name for node in ctx.remote.fetch_all(built)]
    env = {graph.nodes[i].name: graph.nodes[i].value for i in graph.inputs}
    # Every node's formula, then the forward() of a fresh copy, node after node: in one round
    # trip, read back in that order.
    order = list(reversed(range(len(graph.nodes))))
    calls = {i: (built[i].funcify(), ctx.adapter.build(graph)[i].forward()) for i in order}
    ctx.remote.prefetch([ref for pair in calls.values() for ref in pair])
    for i in order:
        sub = Graph(graph.nodes[:i + 1]).pruned()  # node i and what is below it
        node = graph.label(i) if graph.nodes[i].kind in ('input', 'param') else f'node #{i}'
        what = f'funcify() of {node} (a {classes[i]})'
        text = _text(ctx.remote.fetch(calls[i][0]), what)
        _judge(text, env, as_float(calls[i][1], 'forward()'), oracle.expected(sub).value_scale,
               what)


def _written_size(graph):
    """How many parts the root's formula has: a node reached by several paths is written once
    per path."""
    size = []
    for node in graph.nodes:
        size.append(1 + sum(size[i] for i in node.operands))
    return size[graph.root]


def _named_dags(ctx):
    # Formulas that stay short: text that repeats a shared node per path grows with the paths.
    return named_cases_of(dags(ctx.operations).filter(lambda graph: _written_size(graph) <= 400))


def _nodes_used_twice(ctx):
    """(a + p) * sigmoid(a + p) with the sum built once, and a 3-rung ladder: a node's text is
    needed by each of its parents, the last one included."""
    cases = [{'graph': with_names(ladder(3), ['x']), 'other': [-1.25]}]
    if 'sigmoid' in ctx.operations:
        a, p = Node('input', value=0.7, name='a'), Node('param', value=1.3, learning_rate=0.1)
        nodes = (a, p, Node('add', operands=(0, 1)), Node('sigmoid', operands=(2,)),
                 Node('mul', operands=(2, 3)))
        cases.insert(0, {'graph': Graph(nodes), 'other': [-0.4]})
    return tuple(cases)


# funcify() works on every node (contract 5.6), so on graphs where a node has several parents
# too: building such graphs and forward() on them need nothing of exercise 7.
check('ex6.shared_nodes', 1,
      "funcify() of generated DAGs (nodes with several parents), with named Inputs, evaluates to "
      "forward() at the Inputs' values, and again after they change",
      'A node with several parents is written in the formula of each of them: the text written '
      'for it must still be there when its last parent is written, and say the same thing each '
      'time.',
      cases=_named_dags, fixed=_nodes_used_twice, operations=('add', 'mul'))(verify_named_inputs)
