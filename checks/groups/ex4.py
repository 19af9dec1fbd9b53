"""Checks of exercise 4: Linear's expansion, and compile() expanding every macro however nested.

Linear's Parameters are drawn at random when it is built, and which weight goes with which child
is the implementation's choice: the checks find each Parameter's role from the expansion itself
(d expansion / d child_i is the weight of child i; with every child at 0 what is left is the bias),
with values the check assigns, so that nothing depends on the random draw.
"""
from contextlib import contextmanager
from dataclasses import replace
from functools import lru_cache

from hypothesis import assume, strategies as st

from .. import oracle
from ..compare import VALUE_RTOL, check_gradient, check_value, off_kinks
from ..failures import Mismatch
from ..graphs import CLASS_NAMES, Graph, Node
from ..registry import check
from ..remote import Ref, StudentError
from ..strategies import learning_rates, leaves, magnitudes, trees
from ..values import as_float

UPSTREAM = 1.5
# Distinct values for a Linear's own Parameters: no sum or product of two is another one.
ROLE_VALUES = (1.5, -2.25, 3.125, -0.625, 1.875)
MACRO_PARAMETER_VALUE = 0.625  # every Parameter an expansion creates, in compile_expands_all


def walk(ctx, root):
    """Every node below root (root first, included), each once: Refs, equal handles for the
    same object."""
    return [node for node in ctx.remote.fetch(ctx.remote.walk(root)) if isinstance(node, Ref)]


def below(ctx, roots):
    """The identities of every node below any of `roots`."""
    found = set()
    for nodes in ctx.remote.fetch_all([ctx.remote.walk(root) for root in roots]):
        found.update(node._handle for node in nodes if isinstance(node, Ref))
    return found


def instances_below(ctx, root, cls):
    """(every node below root, root first; those that are instances of `cls`, a Ref to one of
    the implementation's classes), in one round trip."""
    rows = ctx.remote.fetch(ctx.remote.walk(root, [cls]))
    rows = [row for row in rows if isinstance(row, list) and len(row) == 2
            and isinstance(row[0], Ref)]
    return [row[0] for row in rows], [row[0] for row in rows if row[1] is True]


def no_macro_left(ctx, root, what):
    nodes, left = instances_below(ctx, root, ctx.api.Macro)
    if left:
        where = ' at the root' if left[0]._handle == nodes[0]._handle else ''
        raise Mismatch(f'{what} still contains a macro{where}', expected='no Macro anywhere',
                       actual=[node.type_name for node in left])


def compile_root(ctx, root):
    """root.compile() for a graph with macros; an implementation without exercise 2 cannot pass."""
    remote = ctx.remote
    has_compile, compiled = remote.has_method(root, 'compile'), root.compile()
    remote.prefetch([root, has_compile, compiled])   # read below in call order
    root, has_compile = remote.fetch_all([root, has_compile])
    if not has_compile:
        raise Mismatch('needs ex2: macros are expanded by compile() (exercise 2), and '
                       f'{root.type_name} has no compile() method', blocked_by='ex2')
    try:
        result = remote.fetch(compiled)
    except StudentError as error:
        first = (error.message.strip().splitlines() or [''])[0]
        if error.is_a('NotImplementedError') and first.startswith('Exercise 2'):
            raise Mismatch('needs ex2: macros are expanded by compile() (exercise 2), which is '
                           f'still the stub ({first})', blocked_by='ex2') from None
        raise
    if result is None:
        raise Mismatch('compile() returned None', expected='the root to use from then on')
    if not isinstance(result, Ref):
        raise Mismatch('compile() returned something that is not a node',
                       expected='the root to use from then on', actual=result)
    return result


# --- Linear's expansion ------------------------------------------------------------------------


# Strategies are made once (per set of operations): building them anew per example is slow.
NONZERO = st.builds(lambda magnitude, sign: magnitude * sign, magnitudes(),
                    st.sampled_from((1.0, -1.0)))  # nonzero_values(), built once


@lru_cache(maxsize=None)
def child_lists(operations):
    """1 to 4 children of a Linear: mostly Inputs, sometimes a small operation."""
    single_input = NONZERO.map(lambda v: Graph((Node('input', value=v),)))
    child = st.one_of(single_input, single_input, trees(operations, max_leaves=2, max_arity=2))
    return st.lists(child, min_size=1, max_size=4)


def children_case(children):
    """Children as {'c0': Graph, ...}: a report shows each one as a formula and a tree."""
    return {f'c{i}': graph for i, graph in enumerate(children)}


@st.composite
def linear_cases(draw, operations):
    children = draw(child_lists(frozenset(operations)))
    point = draw(st.lists(NONZERO, min_size=len(children), max_size=len(children)))
    names = ', '.join(f'c{i}' for i in range(len(children)))
    return {'linear': f'Linear([{names}])', 'children': children_case(children), 'point': point}


def build_children(ctx, case):
    """The children of the case, each built afresh: (their roots, the nodes of each)."""
    graphs = list(case['children'].values())
    built = [ctx.adapter.build(graph) for graph in graphs]
    return [nodes[graph.root] for graph, nodes in zip(graphs, built)], built


def read_linear(ctx, linear, children, point):
    """Check linear.expand() and return its own Parameters: (the weight of each child, bias).

    The roles are read from the function the expansion computes with the children replaced by
    Inputs at `point` and the Parameters at ROLE_VALUES (on the description only).
    """
    children = ctx.remote.identities(children)
    inside = below(ctx, [ctx.remote.ref(child) for child in children])
    graph, nodes, index, own = _expansion(ctx, linear, children, point, inside)
    again = {node._handle for node in instances_below(ctx, linear.expand(), ctx.api.Parameter)[1]
             if node._handle not in inside}
    first = {nodes[i]._handle for i in own}
    if again != first:
        raise Mismatch('the Parameters of a second expand() of the same Linear',
                       expected=f'the same {len(own)} Parameter objects',
                       actual=f'{len(again & first)} of {len(again)} the same',
                       notes='create the weights and the bias once, when the Linear is built '
                             '(in __init__), not in expand()')
    role_values = {i: ROLE_VALUES[j] for j, i in enumerate(own)}
    sub, new = _substituted(graph.with_values(role_values), index, children, point)
    weights, bias = _roles(sub, [new[i] for i in own], [new[index[c]] for c in children], point)
    old = {n: o for o, n in new.items()}
    return [nodes[old[w]] for w in weights], nodes[old[bias]]


def _expansion(ctx, linear, children, point, inside):
    """linear.expand() read back: (Graph, nodes, {identity: index}, indices of its own
    Parameters); `children` are the identities of the Linear's children, `inside` those of every
    node below them."""
    k = len(children)
    expansion = linear.expand()
    no_macro_left(ctx, expansion, 'Linear.expand()')
    graph, nodes = ctx.adapter.describe(expansion)
    index = {node._handle: i for i, node in enumerate(nodes)}
    for c, child in enumerate(children):
        if child not in index:
            raise Mismatch(f'child c{c} of the Linear is not in its expansion',
                           notes='expand() must build on self.children themselves, each once; '
                                 f'the expansion read back: {graph.formula()}')
    read_back = _substituted(graph, index, children, point)[0].formula()
    outside = [i for i, node in enumerate(nodes) if node._handle not in inside]
    for kind in (graph.nodes[i].kind for i in outside):
        if kind not in ('add', 'mul', 'param'):
            raise Mismatch(f'the expansion of a Linear contains a {CLASS_NAMES[kind]} of its own',
                           expected='only Add, Multiply and Parameters',
                           actual=CLASS_NAMES[kind],
                           notes=f'the expansion read back (children as c0, c1, ...): {read_back}')
    own = [i for i in outside if graph.nodes[i].kind == 'param']
    if len(own) != k + 1:
        raise Mismatch('the number of distinct Parameters of its own in the expansion of a '
                       f'Linear over {k} {"child" if k == 1 else "children"}',
                       expected=k + 1, actual=len(own),
                       notes='one weight per child and one bias; the expansion read back '
                             f'(children as c0, c1, ...): {read_back}')
    return graph, nodes, index, own


def _substituted(graph, index, children, point):
    """The graph with child c (an identity) replaced by an Input named c<c> of value point[c],
    pruned below. Returns the new Graph and {old index: new index} for the nodes it keeps.
    """
    nodes = list(graph.nodes)
    for c, child in enumerate(children):
        nodes[index[child]] = Node('input', value=float(point[c]), name=f'c{c}')
    keep, stack = set(), [graph.root]
    while stack:
        i = stack.pop()
        if i not in keep:
            keep.add(i)
            stack.extend(nodes[i].operands)
    new = {old: n for n, old in enumerate(sorted(keep))}
    return Graph(tuple(replace(nodes[old], operands=tuple(new[o] for o in nodes[old].operands))
                       for old in sorted(keep))), new


def _roles(graph, own, child_inputs, point):
    """Which own Parameter weighs each child, and which is the bias; a Mismatch unless affine."""
    values = {i: graph.nodes[i].value for i in own}
    adjoint = oracle.derivatives(graph)
    notes = (f'the expansion read back, children as c0, c1, ... and its own Parameters set to '
             f'distinct values: {graph.formula()}\n    with '
             + ', '.join(f'{graph.label(i)} = {values[i]!r}' for i in own))

    def close(a, b, scale=0.0):
        return oracle.within(a, b, 1e-9 * (1.0 + abs(b) + scale), 0.0)

    weights = []
    for c, x in enumerate(child_inputs):
        coefficient = float(adjoint[x])
        matching = [i for i in own if close(coefficient, values[i])]
        if len(matching) != 1:
            raise Mismatch(f'the coefficient of child c{c} (d expansion / d c{c})',
                           expected=f'the value of one of its Parameters {sorted(values.values())}',
                           actual=coefficient, notes=notes)
        if matching[0] in weights:
            raise Mismatch(f'children c{weights.index(matching[0])} and c{c} have the same '
                           f'weight {graph.label(matching[0])}', notes=notes)
        weights.append(matching[0])
    (bias,) = [i for i in own if i not in weights]
    at_zero = oracle.value(graph, {x: 0.0 for x in child_inputs})
    if not close(at_zero, values[bias]):
        raise Mismatch('the expansion with every child at 0', expected=values[bias],
                       actual=at_zero, notes=f'that is the bias, {graph.label(bias)}; {notes}')
    expected = sum(values[w] * float(x) for w, x in zip(weights, point)) + values[bias]
    scale = oracle.expected(graph).value_scale
    actual = oracle.value(graph)
    if not close(actual, expected, scale):
        raise Mismatch(f'the expansion at children = {list(point)}', expected=expected,
                       actual=actual, notes=notes)
    for i, slope in [(w, float(x)) for w, x in zip(weights, point)] + [(bias, 1.0)]:
        if not close(float(adjoint[i]), slope, scale):
            raise Mismatch(f'd expansion / d {graph.label(i)}', expected=slope,
                           actual=float(adjoint[i]), notes=notes)
    return weights, bias


@check('ex4.linear_structure', 2,
       'Linear(children).expand(): Add and Multiply only, one weight per child and one bias, '
       'all distinct, the same ones at every expand(), computing sum(w_i * x_i) + b',
       'A Linear owns its k weights and its bias: make them once, when it is built, not at each '
       'expand(); expand() then writes the weighted sum of the children plus the bias with the '
       'article\'s Add and Multiply.',
       explanation='Create k weights and one bias with Parameter() in Linear.__init__ (not in '
       'expand()); expand() returns Add([Multiply([w_0, x_0]), ..., Multiply([w_k-1, x_k-1]), '
       'b]) over self.children.',
       cases=lambda ctx: linear_cases(ctx.operations), operations=('add', 'mul'))
def verify_linear_structure(ctx, case):
    children, _ = build_children(ctx, case)
    linear = ctx.api.Linear(children)
    weights, bias = read_linear(ctx, linear, children, case['point'])
    # "Fresh": another Linear has Parameters of its own, none shared with the first.
    others, _ = build_children(ctx, case)
    other = {node._handle for node in instances_below(
        ctx, ctx.api.Linear(others).expand(), ctx.api.Parameter)[1]}
    shared = other & {p._handle for p in weights + [bias]}
    if shared:
        raise Mismatch('two Linear objects share Parameters', expected='no Parameter in common',
                       actual=f'{len(shared)} in common',
                       notes='each Linear creates its own Parameters when it is built')


# --- values and gradients through compile() ------------------------------------------------------

OUTER = ('linear', 'add', 'mul', 'sigmoid', 'relu')
RATES = learning_rates()


@st.composite
def linear_in_graph_cases(draw, operations):
    case = draw(linear_cases(operations))
    k = len(case['children'])
    outer = draw(st.sampled_from([o for o in OUTER if o == 'linear' or o in operations]))
    case.update(outer=outer, own_values=draw(st.lists(NONZERO, min_size=k + 1, max_size=k + 1)),
                learning_rates=draw(st.lists(RATES, min_size=k + 1, max_size=k + 1)),
                other_leaf=(draw(NONZERO), draw(RATES)))
    case['linear'] = {'linear': '{}', 'add': 'Add([{}, Parameter(other_leaf)])',
                      'mul': 'Multiply([{}, Input(other_leaf)])', 'sigmoid': 'Sigmoid([{}])',
                      'relu': 'ReLU([{}])'}[outer].format(case['linear'])
    return case


def expected_graph(case, weights, bias, built_children):
    """The check's own description of the case: (Graph, {parameter index: implementation node})."""
    nodes, objects, roots = [], {}, []
    for graph, built in zip(case['children'].values(), built_children):
        offset = len(nodes)
        nodes += [replace(node, operands=tuple(o + offset for o in node.operands))
                  for node in graph.nodes]
        objects.update({offset + i: built[i] for i in graph.parameters})
        roots.append(offset + graph.root)
    own = list(zip(case['own_values'], case['learning_rates']))
    terms = []
    for (value, rate), root, weight in zip(own, roots, weights):
        nodes.append(Node('param', value=value, learning_rate=rate))
        objects[len(nodes) - 1] = weight
        nodes.append(Node('mul', operands=(len(nodes) - 1, root)))
        terms.append(len(nodes) - 1)
    nodes.append(Node('param', value=own[-1][0], learning_rate=own[-1][1]))
    objects[len(nodes) - 1] = bias
    nodes.append(Node('add', operands=tuple(terms) + (len(nodes) - 1,)))
    return Graph(tuple(nodes)), objects


@check('ex4.linear_values_gradients', 1.5,
       'a graph with a Linear, compiled: its value and one backward() match sum(w_i * x_i) + b '
       '(and what is around it)',
       'compile() must put the expansion in place of the Linear (or return it when the Linear is '
       'the root), using the Linear\'s own Parameters, so that backward() trains them.',
       cases=lambda ctx: linear_in_graph_cases(ctx.operations), operations=('add', 'mul'))
def verify_linear_values_gradients(ctx, case):
    children, built_children = build_children(ctx, case)
    linear = ctx.api.Linear(children)
    weights, bias = read_linear(ctx, linear, children, case['point'])
    for node, value, rate in zip(weights + [bias], case['own_values'], case['learning_rates']):
        node.value, node.learning_rate = value, rate
    graph, objects = expected_graph(case, weights, bias, built_children)
    nodes, outer, (value, rate) = list(graph.nodes), case['outer'], case['other_leaf']
    if outer == 'linear':
        root = linear
    elif outer == 'add':
        other = ctx.api.Parameter(value=value, learning_rate=rate)
        root = ctx.api.Add([linear, other])
        nodes += [Node('param', value=value, learning_rate=rate),
                  Node('add', operands=(graph.root, len(nodes)))]
        objects[len(nodes) - 2] = other
    elif outer == 'mul':
        root = ctx.api.Multiply([linear, ctx.api.Input(value=value)])
        nodes += [Node('input', value=value), Node('mul', operands=(graph.root, len(nodes)))]
    else:
        root = getattr(ctx.api, CLASS_NAMES[outer])([linear])
        nodes.append(Node(outer, operands=(graph.root,)))
    graph = Graph(tuple(nodes))
    expected = oracle.expected(graph)
    assume(off_kinks(expected))
    result = compile_root(ctx, root)
    no_macro_left(ctx, result, 'the graph compile() returned')
    described, nodes = ctx.adapter.describe(result)  # a Mismatch names any non-elementary node
    identities = dict(zip(objects, ctx.remote.identities(list(objects.values()))))
    with explained(f'the graph, with the Linear expanded: {graph.formula()}\n'
                   f'{graph.tree_text()}'):
        leaves_kept(described, {node._handle: i for i, node in enumerate(nodes)},
                    {f'Parameter {graph.label(i)}': identities[i] for i in objects})
        check_value('forward() of the compiled graph', result.forward(), expected.value,
                    expected.value_scale)
        result.backward(UPSTREAM)
        after = ctx.remote.fetch_all([objects[i].value for i in graph.parameters])
        gradient = {i: (graph.nodes[i].value - as_float(new, f'{graph.label(i)} after backward()'))
                    / (graph.nodes[i].learning_rate * UPSTREAM)
                    for i, new in zip(graph.parameters, after)}
        check_gradient(graph, gradient, expected, upstream=UPSTREAM,
                       what='d root / d {label} (from the update backward() made)')


def leaves_kept(described, index, leaves):
    """Each of `leaves` ({text: identity}) is in the compiled graph itself, not a copy of it."""
    for text, identity in leaves.items():
        if identity not in index:
            raise Mismatch(f'the {text} of the graph is not in the graph compile() returned',
                           notes='compile() replaces the macros and keeps every other node: '
                                 'predict() must set these Inputs, backward() train these '
                                 f'Parameters. The compiled graph: {described.formula()}')


@contextmanager
def explained(text):
    """Add `text` to the notes of a Mismatch raised inside."""
    try:
        yield
    except Mismatch as error:
        error.notes = f'{error.notes}\n{text}' if error.notes else text
        raise


# --- compile() expands every macro ----------------------------------------------------------------

MACRO_KINDS = ('Sum', 'Deep', 'Affine', 'Linear', 'Product')
MACROS_TEXT = ('Sum, Product, Deep and Affine are macros the check defines: Sum(c).expand() is '
               'Add(c), Product(c).expand() is Multiply(c), Deep(c).expand() is Sum([Sum(c)]) '
               '(a macro whose expansion is a macro over a macro), Affine(c).expand() is '
               'Linear(c) (your Linear)')
def macro_classes(ctx):
    """The check's own macros, subclasses of the implementation's Macro, made in the executor
    (executor/macros.py): Refs by name."""
    classes = dict(zip(('Sum', 'Product', 'Deep', 'Affine'), ctx.remote.step('macros', width=4)))
    classes['Linear'] = ctx.api.Linear
    return classes


def _macro_tree_node(children, operations):
    kinds = [k for k in MACRO_KINDS if k != 'Product' or 'mul' in operations]
    nary = kinds + sorted(k for k in ('add', 'mul') if k in operations)
    unary = sorted(k for k in ('relu', 'sigmoid') if k in operations)
    options = [st.tuples(st.sampled_from(nary), st.lists(children, min_size=1, max_size=3))]
    if unary:
        options.append(st.tuples(st.sampled_from(unary), st.lists(children, min_size=1,
                                                                  max_size=1)))
    return st.one_of(*options)


def _has_macro(tree):
    return tree[0] in MACRO_KINDS or (tree[0] not in ('input', 'param')
                                      and any(_has_macro(child) for child in tree[1]))


def _count_inputs(tree):
    if tree[0] in ('input', 'param'):
        return tree[0] == 'input'
    return sum(_count_inputs(child) for child in tree[1])


def _text(tree):
    if tree[0] == 'input':
        return f'Input({tree[1]!r})'
    if tree[0] == 'param':
        return f'Parameter({tree[1]!r})'
    name = CLASS_NAMES.get(tree[0], tree[0])
    return f'{name}([{", ".join(_text(child) for child in tree[1])}])'


@lru_cache(maxsize=None)
def macro_trees(operations):
    subtrees = st.recursive(leaves(), lambda c: _macro_tree_node(c, operations), max_leaves=5)
    return _macro_tree_node(subtrees, operations).filter(_has_macro)


@st.composite
def macro_cases(draw, operations):
    tree = draw(macro_trees(frozenset(operations)))
    n = _count_inputs(tree)
    other = st.lists(NONZERO, min_size=n, max_size=n)
    return {'graph': _text(tree), 'tree': tree, 'other_inputs': [draw(other), draw(other)]}


def linear_attempted(ctx):
    """Stop at once, as not attempted, while Linear.expand() is still the stub of exercise 4."""
    ctx.remote.flush()
    try:
        ctx.remote.fetch(ctx.api.Linear([ctx.api.Input(value=1.0)]).expand())
    except StudentError as error:
        if error.is_a('NotImplementedError') and error.message.lstrip().startswith('Exercise 4'):
            raise  # the runner reports this exercise's own stub as not attempted
        if not error.is_a('Exception'):
            raise
        # a broken Linear is for ex4.linear_structure to report, not this check


def build_macro_tree(ctx, tree):
    """The tree in the implementation's classes, and the check's own Graph of what it computes.

    Returns (root, Graph, {Graph leaf index: implementation leaf}). Parameters a Linear creates
    are in the Graph with MACRO_PARAMETER_VALUE and no implementation node.
    """
    classes, nodes, objects = macro_classes(ctx), [], {}

    def add(node):
        nodes.append(node)
        return len(nodes) - 1

    def build(t):
        kind = t[0]
        if kind == 'input':
            obj, i = ctx.api.Input(value=t[1]), add(Node('input', value=t[1]))
            objects[i] = obj
            return obj, i
        if kind == 'param':
            obj = ctx.api.Parameter(value=t[1], learning_rate=t[2])
            i = add(Node('param', value=t[1], learning_rate=t[2]))
            objects[i] = obj
            return obj, i
        built = [build(child) for child in t[1]]
        objs, operands = [obj for obj, _ in built], tuple(i for _, i in built)
        if kind in CLASS_NAMES:
            return getattr(ctx.api, CLASS_NAMES[kind])(objs), add(Node(kind, operands=operands))
        obj = classes[kind](objs)
        if kind in ('Sum', 'Product'):
            return obj, add(Node('add' if kind == 'Sum' else 'mul', operands=operands))
        if kind == 'Deep':
            return obj, add(Node('add', operands=(add(Node('add', operands=operands)),)))
        terms = [add(Node('mul', operands=(add(Node('param', value=MACRO_PARAMETER_VALUE)), i)))
                 for i in operands]
        return obj, add(Node('add', operands=tuple(terms) + (
            add(Node('param', value=MACRO_PARAMETER_VALUE)),)))

    root, _ = build(tree)
    return root, Graph(tuple(nodes)), objects


@check('ex4.compile_expands_all', 1.5,
       'compile() leaves no macro: at the root, nested in children, or produced by an expansion; '
       'the compiled graph computes the same function',
       'Expand recursively: replace a macro by expand(), and expand the result again while it is '
       'still a macro; then do the same for every child of what you got. When the root is a '
       'macro, compile() returns its expansion.',
       cases=lambda ctx: macro_cases(ctx.operations), operations=('add', 'mul'))
def verify_compile_expands_all(ctx, case):
    linear_attempted(ctx)
    root, graph, objects = build_macro_tree(ctx, case['tree'])
    result = compile_root(ctx, root)
    with explained(MACROS_TEXT):
        no_macro_left(ctx, result, 'the graph compile() returned')
    described, nodes = ctx.adapter.describe(result)
    index = {node._handle: i for i, node in enumerate(nodes)}
    identities = dict(zip(objects, ctx.remote.identities(list(objects.values()))))
    known = set(identities.values())
    leaves_kept(described, index, {f'{CLASS_NAMES[graph.nodes[i].kind]}(value='
                                   f'{graph.nodes[i].value!r})': identities[i] for i in objects})
    # The Parameters a Linear created: set to the value the check's own Graph gives them.
    created = {i: MACRO_PARAMETER_VALUE for i in described.parameters
               if nodes[i]._handle not in known}
    for i in created:
        nodes[i].value = MACRO_PARAMETER_VALUE
    described = described.with_values(created)
    expected = oracle.expected(graph)
    with explained(MACROS_TEXT):
        check_value('forward() of the compiled graph', result.forward(), expected.value,
                    expected.value_scale)
    inputs = graph.inputs
    for values in case['other_inputs']:
        point = dict(zip(inputs, values))
        want = oracle.expected(graph.with_values(point))
        at = {index[identities[i]]: v for i, v in point.items() if identities[i] in index}
        actual = oracle.value(described, at)
        if not oracle.within(actual, want.value, VALUE_RTOL * (1.0 + want.value_scale), 0.0):
            raise Mismatch(f'the compiled graph, read back, at Inputs = {list(values)}',
                           expected=want.value, actual=actual,
                           notes=f'the compiled graph: {described.formula()}\n{MACROS_TEXT}')
