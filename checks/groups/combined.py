"""Checks where exercises meet: sequences of the whole API on compiled macro graphs (exercise 4),
under Output and SoftMax roots (exercise 5), and on graphs with shared nodes (exercise 7).

Each property is graded with the later exercise, and uses an earlier one's feature only where that
exercise is graded and done (docs/contract.md, section 6): op() calls are judged only when forward()
caches (exercise 3), compile() steps run only when compile() works (exercise 2), Output roots
appear in exercise 7's sequences only when Output works (exercise 5). So a student who skipped an
exercise loses nothing for it here; a student who did both is judged on how they meet.
"""
from hypothesis import assume, strategies as st

from ..graphs import Graph, Node
from ..registry import check
from ..sequences import Session, caches, forest, has_outputs, steps
from ..strategies import dags
from .ex4 import build_macro_tree, compile_root, linear_attempted, macro_trees, _text
from .ex5 import forests

ALL_STEPS = ('forward', 'set', 'predict', 'backward', 'compile')


# --- exercise 4: a compiled graph with macros, then any sequence ---------------------------------

@st.composite
def macro_sequences(draw, operations):
    tree = draw(macro_trees(frozenset(operations)))
    return {'graph': _text(tree), 'tree': tree, 'steps': draw(steps(*ALL_STEPS))}


@check('ex4.sequences', 1,
       'a graph with macros, compiled, then any sequence of assignments, predict(), backward(), '
       'forward() and compile(): every value right, every backward() one SGD step (and with '
       'caching, op() called only as exercise 3 allows)',
       "The nodes compile() puts in place of a macro must take part in everything the others "
       "do: caching (a Parameter of a Linear updated by backward() must make the values above it "
       "stale), backward(), and predict()'s list of Inputs.",
       cases=lambda ctx: macro_sequences(ctx.operations), operations=('add', 'mul'),
       # a Linear, then one backward(): the values above the Linear's own
       # Parameters must see their update
       fixed=({'graph': 'Sigmoid([Linear([Input(2.0)])])',
               'tree': ('sigmoid', [('Linear', [('input', 2.0)])]),
               'steps': [('backward', 1.0)]},))
def verify_macro_sequence(ctx, case):
    linear_attempted(ctx)
    root, _, _ = build_macro_tree(ctx, case['tree'])
    compiled = compile_root(ctx, root)
    described, nodes = ctx.adapter.describe(compiled)  # a macro left: a Mismatch that says so
    Session(ctx, described, caches(ctx), built=nodes, root=compiled,
            where=lambda i: None).run(case['steps'])   # the compiled graph is not the case's


# --- exercise 5: Output and SoftMax roots --------------------------------------------------------

@st.composite
def output_sequences(draw, operations):
    children = draw(forests(operations, 1, 3))
    case = {f'child {k}': graph for k, graph in enumerate(children)}
    case['root'] = draw(st.sampled_from(('Output', 'SoftMax')))
    case['steps'] = draw(steps(*ALL_STEPS))
    return case


@check('ex5.sequences', 1,
       'an Output or SoftMax over generated trees, then any sequence of assignments, predict(), '
       'backward(list) and forward(): every list of values right, every backward() one SGD step '
       '(and with caching, op() below the root called only as exercise 3 allows)',
       "An Output's forward() must see every leaf assigned since the last one, by predict(), by "
       'its own backward() or directly, and a SoftMax must recompute from fresh logits.',
       cases=lambda ctx: output_sequences(frozenset(ctx.operations)))
def verify_output_sequence(ctx, case):
    children = [case[f'child {k}'] for k in range(3) if f'child {k}' in case]
    graph, outputs = forest(children)
    Session(ctx, graph, caches(ctx), outputs=outputs, softmax=case['root'] == 'SoftMax',
            where=_in_child(children)).run(case['steps'])


def _in_child(children):
    """Node i of the forest as the case holds it: (k, its index in child k)."""
    places = [(k, i) for k, child in enumerate(children) for i in range(len(child.nodes))]
    return lambda i: places[i] if i < len(places) else None


# --- exercise 7: shared nodes ---------------------------------------------------------------------

@st.composite
def dag_sequences(draw, operations):
    graph = draw(dags(operations))
    return {'graph': graph, 'outputs': draw(st.integers(1, 3)),
            'steps': draw(steps(*ALL_STEPS))}


def _outputs(graph, count):
    """The root and the count - 1 Operations before it: the outputs of an Output root."""
    return graph.operations[-count:]


@check('ex7.sequences', 1,
       'generated DAGs (under an Output root too, where Output works), then any sequence of '
       'assignments, predict(), backward() and forward(): every value right, every backward() '
       'one SGD step (and with caching, op() called only as exercise 3 allows)',
       'A shared node has several parents: when a leaf below it is assigned, EVERY Operation '
       'above it, through every parent, must learn that its value is stale (remember all the '
       'parents, or compare version numbers on the way down).',
       cases=lambda ctx: dag_sequences(frozenset(ctx.operations)))
def verify_dag_sequence(ctx, case):
    graph, count = case['graph'], case['outputs']
    if count > 1 and has_outputs(ctx):
        Session(ctx, graph, caches(ctx), outputs=_outputs(graph, count)).run(case['steps'])
    else:
        Session(ctx, graph, caches(ctx)).run(case['steps'])


@st.composite
def shared_outputs(draw, operations):
    """A DAG and two of its Operations with a Parameter below both: the outputs of one Output."""
    graph = draw(dags(operations))
    below = [graph.below(i) for i in range(len(graph.nodes))]
    pairs = [(i, j) for i in graph.operations for j in graph.operations
             if i < j and below[i] & below[j] & set(graph.parameters)]
    assume(pairs)
    i, j = draw(st.sampled_from(pairs))
    return {'graph': graph, 'outputs': [i, j], 'd': draw(st.sampled_from((1.0, -0.5, 1.5)))}


@check('ex7.output_shared', 1,
       'Output.backward(derivatives) with a Parameter below several outputs: one SGD step, by '
       'the sum over the outputs of the gradients at the values before the call',
       "Output.backward() must not step one output after the other: the second output's "
       'gradients would be taken at values the first one already moved. Accumulate the '
       'derivatives of every output first, then update each Parameter once.',
       cases=lambda ctx: shared_outputs(frozenset(ctx.operations)))
def verify_output_shared(ctx, case):
    graph, outputs, d = case['graph'], case['outputs'], case['d']
    if not has_outputs(ctx):  # the same property through a plain root: Add of the two outputs
        root = Graph(graph.nodes + (Node('add', operands=tuple(outputs)),))
        Session(ctx, root, False, excuse_fresh=False,
                where=lambda i: (0, i) if i < len(graph.nodes) else None).run([('backward', d)])
        return
    Session(ctx, graph, False, outputs=outputs, excuse_fresh=False).run([('backward', d)])
