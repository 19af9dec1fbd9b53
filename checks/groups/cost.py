"""Exercise 7's cost clause: on a graph with exponentially many paths, each operation of the API
takes time that grows with the nodes and edges, not the paths (docs/contract.md, exercise 7).

Time is the executor's CPU time, read by the trusted side from /proc (to the nanosecond where the
scheduler's account can be read; otherwise the wall clock of the round trip), around a round trip
that runs the one operation measured. On the ladder a_{k+1} = p_k a_k + q_k a_k, four more rungs
add at most half as many nodes again but multiply the paths by 16: linear code takes x1.2 to x1.5
longer, even cubic code at most x3.4, exponential code x16. The check fails only when the time at
the larger size is above FLOOR and GROWTH times the time at the smaller one, measured twice unless
the evidence is overwhelming: so it cannot fail a linear implementation however slow, or a fast
one by a hiccup of the machine.
"""
import time

from hypothesis import strategies as st

from ..failures import Mismatch
from ..registry import check
from ..sequences import caches, can_compile
from ..strategies import ladder

SIZES = (8, 12, 16, 20)   # rungs: 41 to 101 nodes; 256 to 1048576 paths
FLOOR = {True: 0.005,     # seconds: below it, a ratio is noise (CPU time to the nanosecond)
         False: 0.05}     # (the wall clock of a round trip, where /proc cannot be read)
GROWTH = 6.0              # from one size to the next: linear x1.3 to x1.5, exponential x16
LINEAR = 3.0              # below this growth, above the floor: linear (between: look further,
                          # since a round trip's own fixed cost flattens small sizes' growth)
OVERWHELMING = 0.3        # seconds, with 2 x GROWTH: no hiccup explains that, no need to confirm

# forward() before the operations whose setup evaluates the graph: when it is exponential, the
# check stops there (the first failing example ends it) instead of running into time limits.
OPERATIONS = ('find_input_nodes()', 'compile()', 'forward()', 'x.value = ...', 'predict()',
              'backward()')
HOW = {
    'find_input_nodes()': 'keep the nodes already visited in a set (by identity) and skip them; '
                          "never concatenate the children's lists, which repeats every shared "
                          'node once per path',
    'compile()': 'expand, name and cache with one visit per node (a set of the nodes done), '
                 'not one per path',
    'x.value = ...': 'an assignment must not walk every path upward: stop at an Operation that '
                     'is already marked stale, or let forward() compare version numbers instead',
    'forward()': 'an Operation evaluated once must give its cached value to its other parents, '
                 'not evaluate its children again',
    'predict()': 'predict() is assignments then forward(): see how each of them scales',
    'backward()': 'visit each node once, in topological order, and let the Parameter updates '
                  'invalidate without walking every path each',
}


def prepared(ctx, rungs, operation):
    """A ladder built in the implementation, brought to the state `operation` starts from
    (unmeasured), and a function that queues the operation."""
    graph = ladder(rungs)
    built = ctx.adapter.build(graph)
    root, x = built[graph.root], built[graph.inputs[0]]
    if operation not in ('find_input_nodes()', 'compile()'):
        root.forward()  # as in training: evaluated once before (linear with caching)
    if operation == 'forward()':
        x.value = 1.25
    actions = {
        'find_input_nodes()': lambda: root.find_input_nodes(),
        'compile()': lambda: root.compile(),
        'x.value = ...': lambda: setattr(x, 'value', 1.25),
        'forward()': lambda: root.forward(),
        'predict()': lambda: root.predict([1.5]),
        'backward()': lambda: root.backward(0.5),
    }
    ctx.remote.flush()
    return actions[operation]


def measure(ctx, rungs, operation):
    """(seconds the executor spent on `operation` alone on a ladder of `rungs`, whether that is
    CPU time rather than the wall clock)."""
    action, remote = prepared(ctx, rungs, operation), ctx.remote
    cpu, wall = remote.cpu_seconds(), time.perf_counter()
    result = action()  # an assignment queues a step and returns nothing to fetch
    remote.flush([] if result is None else [result])
    after = remote.cpu_seconds()
    if cpu is not None and after is not None:
        return after - cpu, True
    return time.perf_counter() - wall, False


def exponential(ctx, operation):
    """None when `operation` scales with the graph; else (small rungs, big rungs, their times).

    Sizes are measured in turn, and the search stops at the first pair where the time grew by
    GROWTH (then confirmed), or where it is above the floor and grew less than LINEAR (linear, if
    slow): exponential code is caught at the smallest size that shows it, before any time
    limit."""
    times, cpu = {}, True
    for small, big in zip(SIZES, SIZES[1:]):
        for rungs in (small, big):
            if rungs not in times:
                times[rungs], precise = measure(ctx, rungs, operation)
                cpu = cpu and precise
        floor = FLOOR[cpu]
        if _grows(times[small], times[big], floor):
            break
        if times[big] >= floor and times[big] < LINEAR * times[small]:
            return None  # slow, but it did not grow: linear
    else:
        return None
    if not (times[big] >= OVERWHELMING and times[big] >= 2 * GROWTH * times[small]):
        # Confirmed, or a hiccup of the machine: measure both again, keep the least growth.
        times[small] = max(times[small], measure(ctx, small, operation)[0])
        times[big] = min(times[big], measure(ctx, big, operation)[0])
        if not _grows(times[small], times[big], FLOOR[cpu]):
            return None
    return small, big, times[small], times[big]


def _grows(small, big, floor):
    return big >= floor and big >= GROWTH * small


def applicable(ctx, operation):
    """compile() needs exercise 2; every operation that evaluates needs forward caching
    (exercise 3): without it forward() evaluates a shared node once per path by design."""
    if operation == 'compile()':
        return can_compile(ctx)
    if operation == 'find_input_nodes()':
        return True
    return caches(ctx)


def _ms(seconds):
    if seconds < 10:
        return f'{seconds * 1000:.1f} ms'
    return f'{seconds:.0f} s' if seconds < 120 else f'{seconds / 60:.0f} minutes'


def _extrapolated(seconds, small, big, rungs=30):
    per_rung = (max(seconds[1], 1e-9) / max(seconds[0], 1e-9)) ** (1 / (big - small))
    estimate = seconds[1] * per_rung ** (rungs - big)
    if estimate > 3600 * 24:
        return f'{estimate / 3600 / 24:.0f} days'
    return f'{estimate / 3600:.1f} hours' if estimate > 3600 else _ms(estimate)


@check('ex7.linear_cost', 1,
       'on ladder DAGs of 8 to 20 rungs (up to a million paths), find_input_nodes(), '
       'compile(), an assignment, forward(), predict() and backward() take time that grows with '
       'the nodes, not the paths (where exercises 2 and 3 are done)',
       'Anything that walks the graph must visit each node once (a set of visited nodes, a '
       'topological order, a cached value), never once per path: a ladder of 30 rungs has a '
       'billion paths.',
       cases=lambda ctx: st.sampled_from(OPERATIONS), operations=('add', 'mul'),
       examples=0.05, fixed=OPERATIONS, timed=True)
def verify_linear_cost(ctx, operation):
    if not applicable(ctx, operation):
        return
    found = exponential(ctx, operation)
    if found is None:
        return
    small, big, t_small, t_big = found
    graph, nodes = ladder(big), len(ladder(small).nodes)
    raise Mismatch(
        f'{operation} on a ladder DAG: its time grows with the number of paths',
        expected=f'time growing with the nodes: about x{len(graph.nodes) / nodes:.1f} from '
                 f'{small} to {big} rungs ({nodes} to {len(graph.nodes)} nodes)',
        actual=f'{_ms(t_small)} at {small} rungs, {_ms(t_big)} at {big} '
               f'(x{t_big / max(t_small, 1e-9):.0f}, the paths grew x{2 ** (big - small)}); '
               f'at 30 rungs: about {_extrapolated((t_small, t_big), small, big)}',
        notes=f'{HOW[operation]}\nthe ladder: a_0 = x, then a_(k+1) = Add([Multiply([p_k, a_k]), '
              'Multiply([q_k, a_k])]) for each rung: every rung doubles the paths from the root '
              'down to x (python -c "from checks.strategies import ladder; '
              'print(ladder(3).python())" prints the code that builds one)')
