"""Checks of exercise 3: forward caching (docs/contract.md, exercise 3).

Each check builds a generated tree and drives it through a sequence of steps in the article's API
(checks/sequences.py): assign a leaf, predict(), backward(), forward(), and compile() where exercise
2 is graded and done. At every evaluation of the root it compares the value with the oracle at the
leaves' current values, and the op() calls made since the previous evaluation with what the
contract allows: none if no leaf was assigned, otherwise at most one per Operation, and only on
Operations above an assigned leaf (after a compile(), once on any). Hypothesis shrinks a failure to
the shortest sequence on the smallest tree; the report lists the steps as numbered lines of code.

Trees only: with shared nodes backward() would need exercise 7 (ex7.sequences judges those).
"""
from hypothesis import strategies as st

from ..failures import NotAttempted
from ..graphs import Graph, Node
from ..registry import check
from ..sequences import Session, caching_started, steps, tree_leaves
from ..strategies import trees


def sequences(*kinds):
    """cases(ctx) for a check whose sequences use the given kinds of steps (compile() steps run
    only where exercise 2 is graded and done: a student who skipped it loses nothing here)."""
    def cases(ctx):
        return st.fixed_dictionaries({'graph': trees(ctx.operations, leaf=tree_leaves()),
                                      'steps': steps(*kinds)})
    return cases


def require_attempt(ctx):
    """NotAttempted when a repeated forward() calls op() on every node again (the article's)."""
    if not ctx.memo('caching_started', lambda: caching_started(ctx)):
        raise NotAttempted('forward() recomputes every node on every call: exercise 3 not started')


def verify_sequence(judge_calls):
    def verify(ctx, case):
        require_attempt(ctx)
        Session(ctx, case['graph'], judge_calls).run(case['steps'])
    return verify


# --- the checks ---------------------------------------------------------------------------------

# An Operation above two leaves, both assigned before the next evaluation: a cache that
# recomputes on every assignment runs its op() twice there.
_PAIR_OF_INPUTS = Graph((Node('input', value=1.5), Node('input', value=-0.5),
                         Node('add', operands=(0, 1))))
_PAIR_OF_PARAMETERS = Graph((Node('param', value=0.5, learning_rate=0.1), Node('input', value=2.0),
                             Node('mul', operands=(0, 1)),
                             Node('param', value=-0.25, learning_rate=0.1),
                             Node('add', operands=(2, 3))))

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
      'with caching, forward() and predict() still return the right value, and backward() takes '
      'one SGD step, after any sequence of assignments, predict(), backward() and compile() calls',
      'A cached value is stale as soon as any leaf below it is assigned, however: x.value = ..., '
      'predict(), or the Parameter updates of backward(). The news must reach every Operation '
      'above that leaf, not only its parent.',
      cases=sequences('forward', 'set', 'predict', 'backward', 'compile'),
      # an assignment, then compile(): the news of the assignment must survive it
      fixed=({'graph': _PAIR_OF_INPUTS, 'steps': [('set', 0, 2.0), ('compile',)]},))(
          verify_sequence(False))

check('ex3.recompute_only_what_changed', 2,
      'after leaves are assigned directly, forward() calls op() at most once per Operation, only '
      'above the assigned leaves (after compile(): at most once on any), and returns the right '
      'value',
      'Only the Operations above an assigned leaf need op() again; the others keep their cached '
      'values, and within one forward() no op() runs twice.',
      cases=sequences('forward', 'set', 'compile'),
      fixed=({'graph': _PAIR_OF_INPUTS, 'steps': [('set', 0, 2.0), ('set', 1, 3.0)]},
             # p1 assigned alone: the product p0 * x beside it must keep its cached value
             {'graph': _PAIR_OF_PARAMETERS, 'steps': [('set', 2, 1.0)]}))(
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
