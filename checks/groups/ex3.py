"""Checks of exercise 3: forward caching (docs/contract.md, exercise 3).

Each check builds a generated tree and drives it through a sequence of steps in the article's API:
assign a leaf, predict(), backward(), forward(). At every evaluation of the root it compares the
value with the oracle at the leaves' current values, and the op() calls made since the previous
evaluation with what the contract allows: none if no leaf was assigned, otherwise at most one per
Operation, and only on Operations above an assigned leaf. Hypothesis shrinks a failure to the
shortest sequence on the smallest tree; the report lists the steps as numbered lines of code.

Trees only: with shared nodes backward() would need exercise 7.
"""
import math
from collections import Counter

from hypothesis import assume, strategies as st

from .. import oracle
from ..compare import VALUE_RTOL, check_value
from ..failures import Mismatch, NotAttempted
from ..graphs import CLASS_NAMES, Graph, Node, UNARY_KINDS
from ..registry import check
from ..strategies import learning_rates, trees
from ..values import as_float

MAX_STEPS = 8
TOO_LARGE = 1e30  # after backward() steps the values may explode: such sequences are discarded


# --- the cases: a tree and a list of steps ------------------------------------------------------

def numbers():
    """Nonzero halves: cheap to draw, easy to read once shrunk; caching cares only whether a value
    changed (a 0 could hide a stale value behind a product)."""
    return st.builds(lambda n, sign: sign * n / 2, st.integers(1, 12), st.sampled_from((1, -1)))


def tree_leaves():
    return st.one_of(st.builds(lambda v, lr: ('param', v, lr), numbers(), learning_rates()),
                     st.builds(lambda v: ('input', v), numbers()))


def step_strategies():
    """Steps as small tuples. Indices and lengths are fitted to the tree when the steps run, so
    that the tree and the steps shrink independently."""
    return {
        'forward': st.just(('forward',)),
        'set': st.tuples(st.just('set'), st.integers(0, 15), numbers()),
        'predict': st.tuples(st.just('predict'),
                             st.lists(numbers(), min_size=1, max_size=6).map(tuple)),
        # d is moderate: the amount of an update is core's business, a blow-up is nobody's
        'backward': st.tuples(st.just('backward'),
                              st.sampled_from((1.0, -1.0, 0.5, -0.5, 1.5, -1.5, 0.25, -0.25))),
    }


def sequences(*kinds):
    """cases(ctx) for a check whose sequences use the given kinds of steps."""
    def cases(ctx):
        steps = step_strategies()
        return st.fixed_dictionaries({
            'graph': trees(ctx.operations, leaf=tree_leaves()),
            'steps': st.lists(st.one_of(*[steps[k] for k in kinds]), min_size=1,
                              max_size=MAX_STEPS),
        })
    return cases


# --- running a sequence -------------------------------------------------------------------------

class Session:
    """One tree built in the implementation, the steps run on it so far, and what was assigned.

    `values` holds what each leaf holds now (read back from the implementation after predict()
    and backward(), whose correctness is core's business); `assigned` the leaves assigned since the
    last evaluation of the root (all of them before the first one: then every op() may run once).
    """

    def __init__(self, ctx, graph, judge_calls):
        self.graph, self.judge_calls, self.adapter = graph, judge_calls, ctx.adapter
        self.remote = ctx.remote
        self.built = ctx.adapter.build(graph)
        self.root = self.built[graph.root]
        self.values = graph.leaf_values()
        self.leaves = sorted(self.values)
        self.assigned = set(self.leaves)
        self.first = True
        self.pending = Counter()  # op() calls since the last evaluation, by node index
        self.lines = []

    def run(self, steps):
        operations = [self.built[i] for i in self.graph.operations]
        classes = [self.remote.type_of(node) for node in operations]
        with self.remote.counting(classes, 'op') as self.calls:
            self.index = dict(zip(self.remote.identities(operations), self.graph.operations))
            # A sequence starts from an evaluated tree and ends with an observation.
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
        self.lines.append(f'{self.graph.label(i)}.value = {value!r}')

    def do_predict(self, cycled):
        order = self.graph.input_order()
        xs = [cycled[j % len(cycled)] for j in range(len(order))]
        self.assigned.update(order)  # predict() assigns every Input, changed or not
        self.evaluate(f'root.predict({xs!r})', lambda: self.root.predict(xs), reads_back=True)

    def do_backward(self, d):
        if self.assigned:  # backward() comes after an evaluation at the current values
            self.do_forward()
        self.root.backward(d)  # its op() calls are not judged: grad() may call forward()
        self.assigned.update(self.graph.parameters,
                             self.read_back(self.remote.fetch_all(
                                 [self.built[i].value for i in self.leaves])))
        now = ', '.join(f'{self.graph.label(i)} = {self.values[i]!r}'
                        for i in self.graph.parameters)
        self.lines.append(f'root.backward({d!r})' + (f'  # now {now}' if now else ''))
        expected = oracle.expected(self.graph.with_values(self.values))
        assume(all(map(math.isfinite, self.values.values()))
               and expected.value_scale < TOO_LARGE
               and max(expected.gradient_scale.values()) < TOO_LARGE)

    def read_back(self, values):
        """Every leaf's value as the implementation holds it (`values`, read in self.leaves
        order); returns the leaves that changed."""
        changed = set()
        for i, value in zip(self.leaves, values):
            value = as_float(value, f'the value of {self.graph.label(i)}')
            if value != self.values[i]:
                self.values[i] = value
                changed.add(i)
        return changed

    # --- judging an evaluation ---

    def evaluate(self, line, action, reads_back=False):
        result, calls, read = self.counted(action, self.leaves if reads_back else ())
        calls += self.pending
        if reads_back:
            self.assigned.update(self.read_back(read))
        step = len(self.lines) + 1
        expected = oracle.expected(self.graph.with_values(self.values))
        try:
            value = check_value(f'step {step}: {line}', result, expected.value,
                                expected.value_scale)
        except Mismatch as error:
            if self.same_as_fresh(result, expected):
                return self.passed(step, line, error.actual, calls)
            self.lines.append(f'{line} -> {error.actual!r}, expected {expected.value!r}; '
                              f'{self.calls_text(calls)}')
            raise Mismatch(error.what, expected=error.expected, actual=error.actual,
                           notes=self.notes()) from None
        self.passed(step, line, value, calls)

    def same_as_fresh(self, result, expected):
        """Whether a wrong value is what a freshly built tree gives at the same leaf values too:
        then an operation is wrong (core's business, core.forward reports it), not the cache."""
        try:
            actual = as_float(result, 'the value')
            fresh = self.adapter.value(self.graph.with_values(self.values))
        except Exception:  # noqa: BLE001 (the first mismatch is the one to report)
            return False
        return oracle.within(actual, fresh, VALUE_RTOL * (1.0 + expected.value_scale), 0.0)

    def passed(self, step, line, value, calls):
        self.lines.append(f'{line} -> {value!r}; {self.calls_text(calls)}')
        if self.judge_calls:
            self.judge(step, line, calls)
        self.assigned, self.pending, self.first = set(), Counter(), False

    def judge(self, step, line, calls):
        allowed = self.graph.ancestors(self.assigned) & set(self.graph.operations)
        repeated = sorted(i for i, n in calls.items() if n > 1)
        outside = sorted(i for i in calls if i not in allowed)
        if repeated:
            raise Mismatch(f'step {step}: {line} called op() more than once on '
                           f'{self.names(repeated)}', expected='at most once per Operation',
                           actual=self.calls_text(calls), notes=self.notes())
        if outside and not self.assigned:
            raise Mismatch(f'step {step}: {line} called op() although no Input or Parameter was '
                           'assigned since the last evaluation', expected='no op() call',
                           actual=self.calls_text(calls), notes=self.notes())
        if outside:
            assigned = ', '.join(self.graph.label(i) for i in sorted(self.assigned))
            raise Mismatch(f'step {step}: {line} called op() on {self.names(outside)}, not above '
                           f'any leaf assigned since the last evaluation ({assigned})',
                           expected=f'op() on (some of) {self.names(sorted(allowed))} only',
                           actual=self.calls_text(calls), notes=self.notes())

    # --- what a report shows ---

    def names(self, indices):
        return ', '.join(f'{CLASS_NAMES[self.graph.nodes[i].kind]} #{i}' for i in indices)

    def calls_text(self, calls):
        if not calls:
            return 'no op() call'
        return 'op() called on ' + ', '.join(
            f'{CLASS_NAMES[self.graph.nodes[i].kind]} #{i}' + (f' ({n} times)' if n > 1 else '')
            for i, n in sorted(calls.items()))

    def notes(self):
        steps = '\n'.join(f'    {n}. {line}' for n, line in enumerate(self.lines, 1))
        first = ('\n(the first evaluation of a tree may call op() once on every Operation)'
                 if self.first else '')
        return ("the steps, in the article's API, on this case's tree built afresh (#n are its "
                'nodes, in0/p0 its leaves):\n' + steps + first)


# --- is exercise 3 started at all? --------------------------------------------------------------

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


def require_attempt(ctx):
    """NotAttempted when a repeated forward() calls op() on every node again (the article's)."""
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
    if all(made[node._handle] for node in fetched[2:]):
        raise NotAttempted('forward() recomputes every node on every call: exercise 3 not started')


def verify_sequence(judge_calls):
    def verify(ctx, case):
        require_attempt(ctx)
        Session(ctx, case['graph'], judge_calls).run(case['steps'])
    return verify


# --- the checks ---------------------------------------------------------------------------------

@check('ex3.repeat_is_free', 2,
       'forward() repeated with nothing assigned in between calls no op() and returns the same '
       'value (the first one calls op() at most once per Operation)',
       'Keep the value each Operation computed, and return it as long as no Input or Parameter '
       'below it has been assigned since: a second forward() must not call op() anywhere.',
       cases=lambda ctx: trees(ctx.operations, leaf=tree_leaves()))
def verify_repeat_is_free(ctx, graph):
    require_attempt(ctx)
    Session(ctx, graph, judge_calls=True).run([('forward',)])


check('ex3.values_stay_right', 2,
      'with caching, forward() and predict() still return the right value after any sequence of '
      'assignments, predict() and backward() calls',
      'A cached value is stale as soon as any leaf below it is assigned, however: x.value = ..., '
      'predict(), or the Parameter updates of backward(). The news must reach every Operation '
      'above that leaf, not only its parent.',
      cases=sequences('forward', 'set', 'predict', 'backward'))(verify_sequence(False))

# An Operation above two leaves, both assigned before the next evaluation: a cache that
# recomputes on every assignment runs its op() twice there.
_PAIR_OF_INPUTS = Graph((Node('input', value=1.5), Node('input', value=-0.5),
                         Node('add', operands=(0, 1))))
_PAIR_OF_PARAMETERS = Graph((Node('param', value=0.5, learning_rate=0.1), Node('input', value=2.0),
                             Node('mul', operands=(0, 1)),
                             Node('param', value=-0.25, learning_rate=0.1),
                             Node('add', operands=(2, 3))))

check('ex3.recompute_only_what_changed', 2,
      'after leaves are assigned directly, forward() calls op() at most once per Operation, only '
      'above the assigned leaves, and returns the right value',
      'Only the Operations above an assigned leaf need op() again; the others keep their cached '
      'values, and within one forward() no op() runs twice.',
      cases=sequences('forward', 'set'),
      fixed=({'graph': _PAIR_OF_INPUTS, 'steps': [('set', 0, 2.0), ('set', 1, 3.0)]},))(
          verify_sequence(True))

check('ex3.predict_and_backward_invalidate', 2,
      'predict() assigns every Input and backward() every Parameter: the next evaluation is right '
      'and calls op() at most once per Operation, only above those leaves',
      'predict() and the Parameter updates of backward() are assignments like x.value = ...: '
      'they must mark the caches above those leaves as stale (e.g. through the value setter), '
      'and nothing else.',
      cases=sequences('forward', 'predict', 'backward'),
      fixed=({'graph': _PAIR_OF_INPUTS, 'steps': [('predict', (2.0, 3.0))]},
             {'graph': _PAIR_OF_PARAMETERS, 'steps': [('backward', 1.0)]}))(
          verify_sequence(True))
