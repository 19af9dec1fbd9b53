"""How a check says what went wrong. Everything here is data a report can print."""


class Mismatch(AssertionError):
    """The implementation answered, and the answer is wrong.

    what: one line (e.g. "gradient of p1"); expected/actual: the two values side by side;
    notes: anything else a student needs to see (which exercise it needs, what the oracle knew).
    blocked_by: the exercise whose stub stopped the check (then it is not this exercise's fault).
    answer: set when `expected` is what the exercise asks the student to work out (exercise 1's
    numbers): how to get it. Both are shown only at hint level "full".
    marks: where in the case it went wrong, as data a report can draw (docs/report-format.md):
    `nodes`, the nodes whose value or gradient differs; `steps` and `failed_step`, a sequence.
    """

    def __init__(self, what, expected=None, actual=None, notes='', blocked_by='', answer='',
                 marks=None):
        super().__init__(f'{what}: expected {expected!r}, got {actual!r}' if expected is not None
                         or actual is not None else what)
        self.what, self.expected, self.actual, self.notes = what, expected, actual, notes
        self.blocked_by, self.answer = blocked_by, answer
        self.marks = marks or {}


class NotAttempted(BaseException):
    """The exercise still raises its stub's NotImplementedError (or behaves exactly as shipped).

    A BaseException, so that Hypothesis stops at once instead of shrinking a stub.
    """

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class CannotCheck(BaseException):
    """The adapter cannot serve this check (missing level or operations): reported as skipped."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class ExampleTimeout(Exception):
    """One example ran past its time limit. An Exception, so Hypothesis shrinks the hang."""


class ExecutorMisbehaved(Exception):
    """The executor died, or sent something that is not an answer: the check it served fails.
    An Exception, so that Hypothesis shrinks a crash to the smallest example that causes it."""


class ExecutorTimeout(Exception):
    """No answer came before the example's deadline; the executor was stopped."""


class LoadFailed(BaseException):
    """The implementation could not be imported (again) when the executor restarted."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def node_mark(graph, i, what, expected=None, actual=None, graph_index=0):
    """One entry of Mismatch.marks['nodes']: node i of the case's graph number `graph_index`
    (in the order the case holds its graphs), its label as reports name it (p0, in1, n3)."""
    return {'graph': graph_index, 'node': i, 'label': graph.name(i), 'what': what,
            'expected': expected, 'actual': actual}
