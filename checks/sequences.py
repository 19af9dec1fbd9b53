"""Sequences of API calls on one built graph, judged at every observation.

A session builds a graph in the implementation (a plain root, or an Output or SoftMax over some of
its nodes) and runs steps on it, as a student's training code would: assign a leaf, predict(),
backward(), forward(), compile(). At every evaluation it judges the value against the oracle at the
leaves' current values and, when asked to, the op() calls made since the previous evaluation
against exercise 3 (none if no leaf was assigned; otherwise at most once per Operation, only above
an assigned leaf). At every backward() it judges the SGD step: each Parameter moved once, by its
gradient at the values before the call. A wrong value or step that a freshly built graph at the
same values gives too is not the sequence's doing (core's checks report it) and is not judged here.

The report lists the steps as numbered lines of the article's API.
"""
import math
from dataclasses import replace
from collections import Counter

from hypothesis import assume, strategies as st

from . import oracle
from .compare import GRADIENT_RTOL, KINK_MARGIN, VALUE_RTOL
from .failures import Mismatch, node_mark
from .graphs import CLASS_NAMES, Graph, Node, UNARY_KINDS
from .remote import Ref, StudentError
from .values import as_float, as_float_list

MAX_STEPS = 8
TOO_LARGE = 1e30  # after backward() steps the values may explode: such sequences are discarded
UPSTREAMS = (1.0, -1.0, 0.5, -0.5, 1.5, -1.5, 0.25, -0.25)  # moderate: a blow-up is nobody's


# --- the steps -----------------------------------------------------------------------------------

def numbers():
    """Nonzero halves: cheap to draw, easy to read once shrunk; caching cares only whether a value
    changed (a 0 could hide a stale value behind a product)."""
    return st.builds(lambda n, sign: sign * n / 2, st.integers(1, 12), st.sampled_from((1, -1)))


def tree_leaves():
    from .strategies import learning_rates
    return st.one_of(st.builds(lambda v, lr: ('param', v, lr), numbers(), learning_rates()),
                     st.builds(lambda v: ('input', v), numbers()))


STEPS = {
    'forward': st.just(('forward',)),
    # Indices and lengths are fitted to the graph when the steps run, so that the graph and the
    # steps shrink independently.
    'set': st.tuples(st.just('set'), st.integers(0, 15), numbers()),
    'predict': st.tuples(st.just('predict'),
                         st.lists(numbers(), min_size=1, max_size=6).map(tuple)),
    'backward': st.tuples(st.just('backward'), st.sampled_from(UPSTREAMS)),
    'compile': st.just(('compile',)),
}


def steps(*kinds):
    return st.lists(st.one_of(*[STEPS[k] for k in kinds]), min_size=1, max_size=MAX_STEPS)


# --- what the implementation offers (asked once per check) ---------------------------------------

def can_compile(ctx):
    """Whether sequences may call compile(): exercise 2 is graded in this run and compile() works
    on a small graph. A student who skipped exercise 2 is never judged on it elsewhere."""
    def probe():
        if 'ex2' not in ctx.graded:
            return False
        graph = _small_graph(ctx.operations)
        root = ctx.adapter.build(graph)[graph.root]
        return _works(ctx, lambda: ctx.remote.fetch(root.compile()))
    return ctx.memo('can_compile', probe)


def caches(ctx):
    """Whether forward() caches (exercise 3 graded here and started): a repeated forward() does
    not call op() on every Operation again. Only then are op() calls judged outside exercise 3."""
    def probe():
        return 'ex3' in ctx.graded and caching_started(ctx)
    return ctx.memo('caches', probe)


def has_outputs(ctx):
    """Whether Output works (exercise 5 graded here and implemented)."""
    def probe():
        if 'ex5' not in ctx.graded:
            return False
        graph = _small_graph(ctx.operations)
        built = ctx.adapter.build(graph)
        return _works(ctx, lambda: as_float_list(ctx.api.Output([built[graph.root]]).forward(),
                                                 'Output.forward()', 1))
    return ctx.memo('has_outputs', probe)


def _works(ctx, action):
    ctx.remote.flush()  # what came before is not the probe's doing
    try:
        action()
        return True
    except (StudentError, Mismatch):
        return False


def _small_graph(operations):
    kind = min(operations, key=lambda k: (k in UNARY_KINDS, k))
    operands = (0,) if kind in UNARY_KINDS else (0, 1)
    return Graph((Node('input', value=1.5), Node('param', value=0.5, learning_rate=0.25),
                  Node(kind, operands=operands)))


def probe_tree(operations):
    """A small tree with one Operation of each kind available, each over leaves of its own."""
    nodes, arms = [], []
    for n, kind in enumerate(sorted(operations)):
        operands = [len(nodes)]
        nodes.append(Node('param', value=0.5 + n, learning_rate=0.25))
        if kind not in UNARY_KINDS:
            operands.append(len(nodes))
            nodes.append(Node('input', value=-1.5))
        arms.append(len(nodes))
        nodes.append(Node(kind, operands=tuple(operands)))
    nary = sorted(k for k in operations if k not in UNARY_KINDS)
    if nary:
        nodes.append(Node(nary[0], operands=tuple(arms)))
    else:  # only unary operations: chain them instead
        nodes = [Node('param', value=0.5, learning_rate=0.25)]
        for kind in sorted(operations):
            nodes.append(Node(kind, operands=(len(nodes) - 1,)))
    return Graph(tuple(nodes))


def caching_started(ctx):
    """False when a repeated forward() calls op() on every Operation again (the article's)."""
    graph, remote = probe_tree(ctx.operations), ctx.remote
    built = ctx.adapter.build(graph)
    operations = [built[i] for i in graph.operations]
    with remote.counting([remote.type_of(node) for node in operations], 'op') as calls:
        built[graph.root].forward()
        before = calls.ask()
        built[graph.root].forward()
        after = calls.ask()
        fetched = remote.fetch_all([before, after] + operations)
    made = Counter(calls.parse(fetched[1])) - Counter(calls.parse(fetched[0]))
    return not all(made[node._handle] for node in fetched[2:])


# --- a session -----------------------------------------------------------------------------------

class Session:
    """One graph built in the implementation, the steps run on it so far, and what was assigned.

    `graph` holds elementary nodes only. With `outputs` (node indices) the root is an Output, or a
    SoftMax with `softmax`, over those nodes; it is then the extra node len(graph.nodes) of
    `self.graph`, an Operation whose op() counts like the others. `built` gives the nodes already
    built (a compiled graph read back); by default the graph is built afresh.
    With `excuse_fresh` (the default), a wrong step that a graph built afresh takes too is left to
    the checks of single steps; without it every step is judged.
    `values` holds what each leaf holds now (read back from the implementation after predict() and
    backward()); `assigned` the leaves assigned since the last evaluation of the root (all of them
    before the first one, and after a compile(): then every op() may run once).
    """

    def __init__(self, ctx, graph, judge_calls, built=None, root=None, outputs=None,
                 softmax=False, excuse_fresh=True, where=None):
        self.ctx, self.remote, self.judge_calls = ctx, ctx.remote, judge_calls
        # where(i): node i as the case holds it, (graph number, node index), or None
        self.where = where or (lambda i: (0, i) if i < len(graph.nodes) else None)
        self.excuse_fresh = excuse_fresh
        self.built = list(built) if built is not None else ctx.adapter.build(graph)
        self.base, self.outputs, self.softmax = graph, outputs, softmax
        self.kind_names = {}
        if outputs is None:
            self.graph = graph
            self.root = root if root is not None else self.built[graph.root]
        else:  # the Output root, as one more node over the outputs (for ancestry and reports)
            self.graph = Graph(graph.nodes + (Node('add', operands=tuple(outputs)),))
            self.root = root if root is not None else self.root_over(self.built)
            self.built.append(self.root)
            self.kind_names[self.graph.root] = 'SoftMax' if softmax else 'Output'
        self.values = graph.leaf_values()
        self.leaves = sorted(self.values)
        self.assigned = set(self.leaves)
        self.first, self.compiled = True, False
        self.pending = Counter()  # op() calls since the last evaluation, by node index
        self.lines = []

    def run(self, steps):
        # An Output root's own op() (the list of its children's values) is not counted: caching
        # it would save nothing, and the contract does not ask for it.
        counted = [i for i in self.graph.operations if i not in self.kind_names]
        operations = [self.built[i] for i in counted]
        classes = [self.remote.type_of(node) for node in operations]
        with self.remote.counting(classes, 'op') as self.calls:
            self.index = dict(zip(self.remote.identities(operations), counted))
            # A sequence starts from an evaluated graph and ends with an observation.
            for step in [('forward',)] + list(steps) + [('forward',)]:
                getattr(self, 'do_' + step[0])(*step[1:])

    def counted(self, action, read=()):
        """Run action() in the executor; return its result, the op() calls it made by node
        index, and the values of the leaves `read` afterwards: all in one round trip."""
        before = self.calls.ask()
        result = action()
        after = self.calls.ask()
        fetched = self.remote.fetch_all([before, result, after]
                                        + [self.built[i].value for i in read])
        before, result, after = fetched[0], fetched[1], fetched[2]
        made = Counter(self.calls.parse(after)) - Counter(self.calls.parse(before))
        calls = Counter({self.index[k]: n for k, n in made.items() if k in self.index})
        return result, calls, fetched[3:]

    # --- the steps ---

    def do_forward(self):
        self.evaluate('root.forward()', self.root.forward)

    def do_set(self, k, value):
        i = self.leaves[k % len(self.leaves)]
        node = self.built[i]
        _, calls, _ = self.counted(lambda: setattr(node, 'value', value))
        self.pending += calls  # an implementation may recompute eagerly: it counts all the same
        self.values[i] = value
        self.assigned.add(i)
        self.lines.append(f'{self.label(i)}.value = {value!r}')

    def do_predict(self, cycled):
        order = self.graph.input_order()
        xs = [cycled[j % len(cycled)] for j in range(len(order))]
        self.assigned.update(order)  # predict() assigns every Input, changed or not
        self.evaluate(f'root.predict({xs!r})', lambda: self.root.predict(xs), reads_back=True)

    def do_compile(self):
        """root.compile() where exercise 2 is there to call; the steps after it use what it
        returned when that is a node (exercise 2's checks judge what it returns)."""
        if not can_compile(self.ctx):
            return
        result, _, _ = self.counted(self.root.compile)  # its own op() calls are not judged
        if isinstance(result, Ref) and self.outputs is None:
            self.root = result
        self.assigned.update(self.leaves)  # the next evaluation may recompute everything once
        self.pending, self.compiled = Counter(), True
        self.lines.append('root = root.compile()')

    def do_backward(self, d):
        if self.assigned:  # backward() comes after an evaluation at the current values
            self.do_forward()
        upstream = self.upstream(d)
        before = dict(self.values)
        self.root.backward(upstream)  # its op() calls are not judged: grad() may call forward()
        read = self.remote.fetch_all([self.built[i].value for i in self.leaves])
        after = {i: as_float(v, f'the value of {self.label(i)}') for i, v in zip(self.leaves, read)}
        self.lines.append(f'root.backward({upstream!r})')
        self.judge_step(before, after, upstream)
        self.assigned.update(self.graph.parameters)
        self.assigned.update(i for i in self.leaves if after[i] != self.values[i])
        self.values.update(after)
        if self.graph.parameters:
            self.lines[-1] += '  # now ' + ', '.join(f'{self.label(i)} = {self.values[i]!r}'
                                                     for i in self.graph.parameters)
        values = oracle.evaluate(self.base.with_values(self.values))
        assume(all(map(math.isfinite, self.values.values()))
               and all(abs(float(v)) < TOO_LARGE for v in values))

    def upstream(self, d):
        if self.outputs is None:
            return d
        return [d * (1 if k % 2 == 0 else -0.5) for k in range(len(self.outputs))]

    # --- the oracle ---

    def expected(self, values=None):
        """(the expected observation, its scale) at the given leaf values (default: now)."""
        graph = self.base.with_values(values or self.values)
        exact = oracle.evaluate(graph)
        scale = oracle.evaluate(oracle.absolute(graph))
        if self.outputs is None:
            return float(exact[graph.root]), float(scale[graph.root])
        z = [float(exact[i]) for i in self.outputs]
        top = max(float(scale[i]) for i in self.outputs)
        return (softmax(z) if self.softmax else z), top

    def gradient(self, values, upstream):
        """d (upstream . root) / d leaf at `values`, and each one's scale, for every Parameter."""
        graph = self.base.with_values(values)
        absolute = oracle.absolute(graph)
        if self.outputs is None:
            pairs = [(graph.root, upstream)]
        else:
            z = [float(v) for v in (oracle.evaluate(graph)[i] for i in self.outputs)]
            weights = softmax_pullback(z, upstream) if self.softmax else upstream
            pairs = list(zip(self.outputs, weights))
        gradient = {i: 0.0 for i in graph.parameters}
        scale = {i: 0.0 for i in graph.parameters}
        for root, weight in pairs:
            exact, bound = oracle.derivatives(graph, root=root), oracle.derivatives(absolute,
                                                                                    root=root)
            for i in graph.parameters:
                gradient[i] += weight * float(exact[i])
                scale[i] += abs(weight) * float(bound[i])
        return gradient, scale

    # --- judging an evaluation ---

    def evaluate(self, line, action, reads_back=False):
        result, calls, read = self.counted(action, self.leaves if reads_back else ())
        calls += self.pending
        if reads_back:
            self.read_back(read)
        step = len(self.lines) + 1
        expected, scale = self.expected()
        actual = self.observation(result, f'step {step}: {line}')
        if not self.close(actual, expected, scale) and not self.close(actual, self.fresh(),
                                                                      scale):
            self.lines.append(f'{line} -> {actual!r}, expected {expected!r}; '
                              f'{self.calls_text(calls)}')
            raise Mismatch(f'step {step}: {line}', expected=expected, actual=actual,
                           notes=self.notes(),
                           marks=self.marks([self.graph.root], 'the value', expected, actual))
        self.lines.append(f'{line} -> {actual!r}; {self.calls_text(calls)}')
        if self.judge_calls:
            self.judge(step, line, calls)
        self.assigned, self.pending, self.first, self.compiled = set(), Counter(), False, False

    def observation(self, result, what):
        if self.outputs is None:
            return as_float(result, what)
        return as_float_list(result, what, len(self.outputs))

    def close(self, actual, expected, scale):
        if actual is None:
            return False
        return oracle.within(actual, expected, VALUE_RTOL * (1.0 + scale), 0.0)

    def root_over(self, built):
        """The root of this session's shape over nodes built from self.base: its own root, or
        an Output (SoftMax) over the outputs."""
        if self.outputs is None:
            return built[self.base.root]
        cls = self.ctx.api.SoftMax if self.softmax else self.ctx.api.Output
        return cls([built[i] for i in self.outputs])

    def fresh(self):
        """What a graph built afresh at the current leaf values gives (None if it fails): a wrong
        value it gives too is an operation's mistake (core's business), not the sequence's."""
        try:
            root = self.root_over(self.ctx.adapter.build(self.base.with_values(self.values)))
            return self.observation(root.forward(), 'the value')
        except (StudentError, Mismatch):
            return None

    def read_back(self, values):
        """Every leaf's value as the implementation holds it (`values`, read in self.leaves
        order); the leaves that changed count as assigned."""
        for i, value in zip(self.leaves, values):
            value = as_float(value, f'the value of {self.label(i)}')
            if value != self.values[i]:
                self.values[i] = value
                self.assigned.add(i)

    def judge(self, step, line, calls):
        allowed = self.graph.ancestors(self.assigned) & set(self.index.values())
        repeated = sorted(i for i, n in calls.items() if n > 1)
        outside = sorted(i for i in calls if i not in allowed)
        if repeated:
            raise Mismatch(f'step {step}: {line} called op() more than once on '
                           f'{self.names(repeated)}', expected='at most once per Operation',
                           actual=self.calls_text(calls), notes=self.notes(),
                           marks=self.call_marks(repeated, calls, 'at most once'))
        if outside and not self.assigned:
            raise Mismatch(f'step {step}: {line} called op() although no Input or Parameter was '
                           'assigned since the last evaluation', expected='no op() call',
                           actual=self.calls_text(calls), notes=self.notes(),
                           marks=self.call_marks(outside, calls, 'no op() call'))
        if outside:
            assigned = ', '.join(self.label(i) for i in sorted(self.assigned))
            raise Mismatch(f'step {step}: {line} called op() on {self.names(outside)}, not above '
                           f'any leaf assigned since the last evaluation ({assigned})',
                           expected=f'op() on (some of) {self.names(sorted(allowed))} only',
                           actual=self.calls_text(calls), notes=self.notes(),
                           marks=self.call_marks(outside, calls, 'no op() call'))

    # --- judging a backward() ---

    def judge_step(self, before, after, upstream):
        """Every Parameter moved once by -learning_rate times its gradient at `before`; Inputs
        unchanged. Not judged on a ReLU kink (any slope in [0, 1] is right there)."""
        graph = self.base.with_values(before)
        if oracle.expected(graph).relu_margin <= KINK_MARGIN:
            return
        gradient, scale = self.gradient(before, upstream)
        wrong = [i for i in self.leaves if not self._moved_right(graph, i, before, after,
                                                                 gradient, scale)]
        if not wrong or (self.excuse_fresh and self._fresh_step(before, upstream, after)):
            return
        i = wrong[0]
        node = graph.nodes[i]
        expected = before[i] - node.learning_rate * gradient[i] if i in gradient else before[i]
        raise Mismatch(f'step {len(self.lines)}: the value of {self.label(i)} after '
                       f'root.backward({upstream!r})', expected=expected, actual=after[i],
                       notes='one SGD step: every Parameter moves once, by -learning_rate x its '
                             'gradient at the values the graph had BEFORE the call; Inputs do '
                             'not move\n' + self.notes(),
                       marks=self.marks([i], 'the value after backward()', expected, after[i]))

    def _moved_right(self, graph, i, before, after, gradient, scale):
        node = graph.nodes[i]
        if node.kind != 'param':
            return after[i] == before[i]
        readout = 8 * oracle.EPS * (1.0 + abs(before[i]) + abs(after[i]))
        tolerance = node.learning_rate * GRADIENT_RTOL * (1.0 + scale[i]) + readout
        return oracle.within(after[i], before[i] - node.learning_rate * gradient[i],
                             tolerance, 0.0)

    def _fresh_step(self, before, upstream, after):
        """Whether a graph built afresh at `before` moves its leaves the same way: then an
        operation's gradient is wrong (core's business), not the sequence."""
        try:
            built = self.ctx.adapter.build(self.base.with_values(before))
            root = self.root_over(built)
            root.forward()
            root.backward(upstream)
            read = self.remote.fetch_all([built[i].value for i in self.leaves])
            fresh = [as_float(v, 'a leaf value') for v in read]
        except (StudentError, Mismatch):
            return False
        return all(oracle.within(after[i], v, 1e-12 * (1 + abs(v)), 0.0)
                   for i, v in zip(self.leaves, fresh))

    # --- what a report shows ---

    def label(self, i):
        return self.graph.label(i)

    def names(self, indices):
        return ', '.join(f'{self.kind_name(i)} #{i}' for i in indices)

    def kind_name(self, i):
        return self.kind_names.get(i) or CLASS_NAMES[self.graph.nodes[i].kind]

    def calls_text(self, calls):
        if not calls:
            return 'no op() call'
        return 'op() called on ' + ', '.join(
            f'{self.kind_name(i)} #{i}' + (f' ({n} times)' if n > 1 else '')
            for i, n in sorted(calls.items()))

    def marks(self, nodes, what, expected=None, actual=None):
        """Mismatch.marks: the steps so far, the last one failed, and the nodes at fault (an
        Output root, which the case's graph does not hold, is not marked)."""
        return {'steps': list(self.lines), 'failed_step': len(self.lines),
                'nodes': [self.node_mark(i, what, expected, actual) for i in nodes
                          if self.where(i) is not None]}

    def call_marks(self, nodes, calls, expected):
        marks = self.marks([], '')
        marks['nodes'] = [self.node_mark(i, 'op() calls', expected, f'{calls[i]} op() call'
                                         + ('s' if calls[i] > 1 else ''))
                          for i in nodes if self.where(i) is not None]
        return marks

    def node_mark(self, i, what, expected, actual):
        mark = node_mark(self.graph, i, what, expected, actual, self.where(i)[0])
        mark['node'] = self.where(i)[1]   # the label stays the session's: the notes use it
        return mark

    def notes(self):
        steps = '\n'.join(f'    {n}. {line}' for n, line in enumerate(self.lines, 1))
        if self.first:
            steps += '\n(the first evaluation of a graph may call op() once on every Operation)'
        elif self.compiled:
            steps += ('\n(the first evaluation after compile() may call op() once on every '
                      'Operation)')
        return ("the steps, in the article's API, on this case's graph built afresh (#n are its "
                'nodes, in0/p0 its leaves):\n' + steps)


# --- softmax, from the mathematics ---------------------------------------------------------------

def softmax(z):
    return [float(v) for v in oracle.softmax(z)]


def softmax_pullback(z, upstream):
    """d (upstream . softmax(z)) / d z_j = s_j (upstream_j - sum_i upstream_i s_i)."""
    s = softmax(z)
    mean = sum(u * p for u, p in zip(upstream, s))
    return [p * (u - mean) for u, p in zip(upstream, s)]


# --- several roots in one description -------------------------------------------------------------

def forest(graphs):
    """Several graphs as one description, side by side: (Graph, the index of each one's root)."""
    nodes, roots = [], []
    for graph in graphs:
        offset = len(nodes)
        nodes += [replace(node, operands=tuple(o + offset for o in node.operands))
                  for node in graph.nodes]
        roots.append(offset + graph.root)
    return Graph(tuple(nodes)), roots
