"""Smaller failing cases, at a bounded and deterministic cost.

Two things happen after a check's first failure. Hypothesis shrinks it, but each of its steps is a
round trip to the executor and its shrinker can take hundreds of them (nearly 400 on one funcify()
bug: most of a failing report's time). ShrinkBudget stops that after a fixed number of examples
and keeps the smallest failure seen so far. Then reduce_failure() tries the failing graph's own
parts, which Hypothesis's shrinker rarely reaches in a tree drawn by st.recursive: every subgraph
below an operation (smallest first), then its leaves' values rounded, then, one step at a time,
the graph with one operand of an operation left out or one operation replaced by one of its
operands. It keeps the smallest part on which the same check fails alike (a Mismatch again, or
the implementation raising the same type of exception), within a fixed number of runs. Counts,
never clocks, bound both: the same implementation and seed give the same report on any machine
and under any load.
"""
import contextlib
import json
import math
import warnings
from dataclasses import replace

from hypothesis.errors import HypothesisDeprecationWarning, HypothesisException

from .explain import encode
from .failures import Mismatch
from .graphs import Graph
from .remote import StudentError


class ShrinkingDone(BaseException):
    """The shrink budget is spent. A BaseException, so that Hypothesis stops at once."""


class ShrinkBudget:
    """Counts the examples run after a check's first failure and keeps its smallest failure.

    before_example() raises ShrinkingDone once `limit` examples have run since the first failure;
    failed(case, error) records a failure. The smallest is the one with the fewest graph nodes,
    then the shortest JSON; among equals the latest, since Hypothesis only moves on to a failure
    it considers simpler."""

    def __init__(self, limit):
        self.limit = limit
        self.after = None      # examples run since the first failure; None: no failure yet
        self.best = None       # (size, case, error)

    def before_example(self):
        if self.after is None:
            return
        if self.after >= self.limit:
            raise ShrinkingDone()
        self.after += 1

    def failed(self, case, error):
        if isinstance(error, HypothesisException):
            return  # Hypothesis's own signal (an assume() not met): not a failure of the check
        if self.after is None:
            self.after = 0
        key = size(case)
        if self.best is None or key <= self.best[0]:
            self.best = (key, case, error)

    @property
    def examples_after_failure(self):
        return self.after or 0


def size(case):
    """How big a case looks to a student: graph nodes, then characters of its JSON."""
    return (_nodes(case), len(json.dumps(encode(case), sort_keys=True, default=repr)))


def _nodes(case):
    if isinstance(case, Graph):
        return len(case.nodes)
    if isinstance(case, dict):
        return sum(_nodes(value) for value in case.values())
    if isinstance(case, (list, tuple)):
        return sum(_nodes(item) for item in case)
    return 0


# --- reducing a failure to a part of its graph -----------------------------------------------


class StopReducing(Exception):
    """Raised by an attempt when the check may not go on (its time budget spent, the
    implementation no longer loading, ...): the failure already known is reported."""


def reduce_failure(check_id, case, error, attempt, max_runs):
    """(case, error, runs): the smallest part of `case` found to fail like `error` did.

    attempt(candidate) runs the check on a candidate and returns its Mismatch or StudentError, or
    None when it passed or failed otherwise; it raises StopReducing to end the search. Only cases
    a Reducer below knows how to cut are reduced; at most `max_runs` candidates run."""
    reducer = reducer_for(check_id, case)
    if reducer is None or not isinstance(error, (Mismatch, StudentError)) or max_runs <= 0:
        return case, error, 0
    runs, tried = 0, set()

    def fails(candidate):
        nonlocal runs
        if candidate.graph in tried:  # two steps can lead to the same graph: run it once
            return None
        tried.add(candidate.graph)
        runs += 1
        with _outside_given():
            found = attempt(reducer.case(candidate))
        return found if _same_kind(found, error) else None

    def first_failing(candidates):
        """(candidate, its failure) for the first candidate that fails alike, or None."""
        for candidate in candidates:
            if runs >= max_runs:
                return None
            found = fails(candidate)
            if found is not None:
                return candidate, found
        return None

    graph = reducer.whole
    try:
        # Subgraphs, smallest first: the first that fails is the smallest that does. Then round
        # values (two runs at most, before the last pass can spend what is left).
        found = first_failing(reducer.subgraphs())
        if found:
            graph, error = found
        found = first_failing(reducer.simpler_values(graph))
        if found:
            graph, error = found
        # Then one step smaller at a time, greedily, until no step fails alike.
        while runs < max_runs:
            found = first_failing(reducer.one_step_smaller(graph))
            if not found:
                break
            graph, error = found
    except StopReducing:
        pass
    return reducer.case(graph), error, runs


@contextlib.contextmanager
def _outside_given():
    """A candidate runs outside @given, where an unmet assume() (a candidate outside the check's
    domain) still raises UnsatisfiedAssumption in Hypothesis 6.155, with a deprecation warning
    that would only puzzle a student: silence that warning alone."""
    with warnings.catch_warnings():
        warnings.filterwarnings('ignore', 'Using `assume` outside',
                                HypothesisDeprecationWarning)
        yield


def _same_kind(found, error):
    """A Mismatch again (about the same exercise's stub, if one was in the way), or the
    implementation raising the same type of exception again."""
    if isinstance(error, Mismatch):
        return isinstance(found, Mismatch) and found.blocked_by == error.blocked_by
    return isinstance(found, StudentError) and found.type_name == error.type_name


class Reducer:
    """Cuts the graph of a case, and puts a cut graph back into a case of the same shape.

    `aligned`: fields of a dict case that hold one item per Input of the graph, in node order
    (they follow the Inputs that stay). A graph that shares nodes stays one that does: a check
    drawn on DAGs is not shown a tree."""

    def __init__(self, case, key=None, aligned=()):
        self.original, self.key, self.aligned = case, key, tuple(aligned)
        self.graph = case if key is None else case[key]
        self.whole = Cut(self.graph, range(len(self.graph.nodes)))
        self.shared = not self.graph.is_tree()

    def case(self, cut):
        """The case for a Cut (which knows the original index of each node it kept)."""
        if self.key is None:
            return cut.graph
        inputs = self.graph.inputs
        result = dict(self.original, **{self.key: cut.graph})
        for field in self.aligned:
            values = list(self.original[field])
            result[field] = [values[inputs.index(i)] for i in cut.kept
                             if self.graph.nodes[i].kind == 'input']
        return result

    def subgraphs(self):
        """The graph below each operation other than the root, fewest nodes first."""
        graph = self.graph
        cuts = [_cut(graph, i) for i in graph.operations if i != graph.root]
        cuts = [c for c in cuts if self._allowed(c)]
        return sorted(cuts, key=lambda c: (len(c.graph.nodes), c.kept[-1]))

    def one_step_smaller(self, cut):
        """The graph with one operand of an n-ary operation left out, then with one operation
        (not the root) replaced by one of its operands; operations from the root down, operands
        from the last."""
        graph, kept = cut.graph, cut.kept
        for i in reversed(graph.operations):
            operands = graph.nodes[i].operands
            for k in reversed(range(len(operands)) if len(operands) > 1 else ()):
                nodes = list(graph.nodes)
                nodes[i] = replace(nodes[i], operands=operands[:k] + operands[k + 1:])
                yield from self._allowed_cut(nodes, graph.root, kept)
        for i in reversed(graph.operations):
            if i == graph.root:
                continue
            for operand in reversed(dict.fromkeys(graph.nodes[i].operands)):
                # Every use of node i becomes a use of its operand (an earlier node: the graph
                # stays in topological order).
                nodes = [replace(node, operands=tuple(operand if o == i else o
                                                      for o in node.operands))
                         for node in graph.nodes]
                yield from self._allowed_cut(nodes, graph.root, kept)

    def simpler_values(self, cut):
        """The graph with every leaf's value rounded: to a whole number (away from 0, so that
        no zero hides a term), then to two significant digits."""
        graph = cut.graph
        leaves = {i: node.value for i, node in enumerate(graph.nodes) if not node.operands
                  and node.kind in ('input', 'param')}
        for rounded in (_whole, _two_digits):
            values = {i: rounded(value) for i, value in leaves.items()}
            if values != leaves:
                yield Cut(graph.with_values(values), cut.kept)

    def _allowed_cut(self, nodes, root, kept):
        inner = _cut(Graph(tuple(nodes)), root)
        candidate = Cut(inner.graph, [kept[j] for j in inner.kept])
        if self._allowed(candidate):
            yield candidate

    def _allowed(self, cut):
        return not self.shared or not cut.graph.is_tree()


def _whole(value):
    return math.copysign(max(1.0, float(round(abs(value)))), value) if math.isfinite(value) \
        else value


def _two_digits(value):
    return float(f'{value:.2g}') if math.isfinite(value) and value else value


class Cut:
    """A graph cut out of another, and the original index of each of its nodes."""

    def __init__(self, graph, kept):
        self.graph, self.kept = graph, list(kept)


def _cut(graph, root):
    """The nodes below `root` (and it), in their order, renumbered; root last."""
    return Cut(Graph(graph.nodes[:root + 1]).pruned(), sorted(graph.below(root)))


# Dict cases whose other fields depend on the graph: reduced only when declared here (a check's
# other fields may mean anything; these are known to be one value per Input, in node order).
ALIGNED_FIELDS = {
    'ex6.named_inputs': ('graph', ('other',)),
}


def reducer_for(check_id, case):
    """A Reducer for this check's case, or None where cutting it is not known to be safe."""
    if isinstance(case, Graph):
        return Reducer(case) if case.operations else None
    declared = ALIGNED_FIELDS.get(check_id)
    if declared and isinstance(case, dict):
        key, aligned = declared
        if isinstance(case.get(key), Graph) and all(field in case for field in aligned):
            return Reducer(case, key, aligned)
    return None
