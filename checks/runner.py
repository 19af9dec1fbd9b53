"""Running one check against one implementation, and saying what happened.

Hypothesis, the oracle and every verdict live here, on the trusted side; the implementation lives
in an executor process this side only sends requests to (checks.remote). Here: Hypothesis with
explicit settings and a per-check seed, a deadline per example (checks.deadline: the executor's
CPU time, so that a loaded machine changes no verdict; a hang is shrunk to the smallest graph
that hangs) and per check (wall clock and the executor's CPU time), and the minimal failing
example kept as data through a side channel. A failure is shrunk for a bounded number of examples,
then reduced to the smallest failing part of its graph (checks.reduce): counts, not clocks, so
that a report is the same on any machine. Before the first example each fresh executor serves, one
untimed warm-up call (warm_up below): a JIT's first compilation, or an import, is not charged to
an example.
"""
import re
import time
import traceback
import warnings
from dataclasses import dataclass, field

from hypothesis import example, given, seed as hypothesis_seed
from hypothesis.errors import FlakyFailure, HypothesisDeprecationWarning, Unsatisfiable

from .adapters import NAME_EXERCISE, Driver
from .deadline import Deadline
from .explain import decode, encode, explain
from .failures import (CannotCheck, ExampleTimeout, ExecutorMisbehaved, ExecutorTimeout,
                       LoadFailed, Mismatch, NotAttempted)
from .profiles import (DEFAULT_SEED, REDUCE_RUNS, derived_seed, hypothesis_settings,
                       shrink_examples)
from .reduce import ShrinkBudget, ShrinkingDone, StopReducing, reduce_failure
from .registry import EXERCISES
from .remote import MissingName, Remote, StudentError, TooManyCalls
from .warm_up import warm_up_call, warm_up_seconds

STATUSES = ('passed', 'failed', 'error', 'timeout', 'not_attempted', 'skipped')
_STUB = re.compile(r'\s*Exercise\s+(\d)\b')
HANGS_BEFORE_GIVING_UP = 3  # each shrink step of a hang costs a whole time limit
CRASHES_BEFORE_GIVING_UP = 3  # each costs a fresh executor


class _StopSearching(BaseException):
    """Enough examples hung or crashed: report the smallest so far rather than shrink on."""


class _OverBudget(BaseException):
    """The check ran past its wall-clock or CPU budget."""


@dataclass
class Result:
    check_id: str
    exercise: str
    status: str
    points: float
    max_points: float
    message: str = ''          # one line
    what: str = ''             # what was compared
    expected: object = None
    actual: object = None
    notes: str = ''
    answer: str = ''           # set: `expected` is the exercise's answer, and this explains it
    marks: dict = field(default_factory=dict)  # where in the case it went wrong (Mismatch.marks)
    case: object = None        # the minimal failing example, as JSON-able data
    case_text: str = ''        # the same, for people
    traceback: str = ''        # the student's frames only
    examples: int = 0
    examples_after_failure: int = 0  # of `examples`: shrinking the failure, then reducing it
    seconds: float = 0.0
    seed: int = DEFAULT_SEED
    blocked_by: str = ''       # the exercise whose stub stopped this check, if one did
    load_error: bool = False   # the implementation could not even be imported
    grader_error: bool = False  # the grader itself failed (exit status 3)

    def to_dict(self):
        return {key: value for key, value in self.__dict__.items()}


@dataclass
class Budget:
    """The limits of one check: per example (checks.deadline: CPU time where it is read, with a
    wall-clock backstop), and for the whole check (wall clock and CPU time)."""
    example_seconds: float = 2.0
    check_wall_seconds: float = 60.0
    check_cpu_seconds: float = 30.0


class Context:
    """What a check's verify(ctx, case) sees: the implementation (through the adapter), the
    remote objects, and the run's settings."""

    def __init__(self, check, adapter, seed, profile, graded=None):
        self.check, self.adapter, self.seed, self.profile = check, adapter, seed, profile
        self.remote = adapter.remote
        # The exercises of this run: a check uses another exercise's feature only if graded.
        self.graded = frozenset(graded) if graded is not None else frozenset(EXERCISES)
        self._memo = {}

    def memo(self, key, compute):
        """compute() once per check run (probes of what the implementation offers)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @property
    def api(self):
        if 'article' not in self.adapter.levels:
            raise CannotCheck(f'{self.adapter.name} provides only the functional level; '
                              'this check needs the article API')
        return self.adapter.api

    @property
    def operations(self):
        return self.adapter.operations


def run(check, executor, spec, seed=DEFAULT_SEED, profile='quick', budget=None, replay=None,
        graded=None):
    """Run `check` on the implementation behind `executor` (exchange(request, deadline)),
    graded on `spec`; `replay` (case data from a report) runs that one example instead; `graded`
    lists the exercises of the run (default: all)."""
    budget = budget or Budget()
    remote = Remote(executor, NAME_EXERCISE)
    ctx = Context(check, Driver(remote, spec), seed, profile, graded)
    example_seconds = budget.example_seconds * check.time_scale
    side = {'case': None, 'examples': 0, 'hangs': 0, 'crashes': 0, 'why': '', 'warm_cpu': 0.0,
            'too_long': f'ran longer than {example_seconds:g} s'}
    started = time.monotonic()
    ends = started + budget.check_wall_seconds
    cpu_start = executor.cpu_seconds()

    def warm_up():
        """One untimed call on a fresh executor (its start, its import, a JIT's first
        compilation), bounded by a share of the check's wall-clock limit and not counted in its
        CPU time. Whatever it does is no verdict: the examples judge. Once a warm-up hangs or
        crashes, the executor gets no more (it says it wants them with `warm_ups`): each would
        cost a check that much time again. Engines only: the article's API is plain Python
        (its start and import are never charged anyway), and a warm-up would run its classes in
        checks that never use them (a fork bomb in Add.forward() went off in every executor)."""
        if not getattr(executor, 'cold', False) or not getattr(executor, 'warm_ups', True) \
                or 'article' in spec.levels:
            return
        now = time.monotonic()
        limit = min(ends, now + warm_up_seconds(budget))
        cpu = executor.cpu_seconds()
        try:
            warm_up_call(executor, spec, limit)
        except (ExecutorTimeout, ExecutorMisbehaved):
            executor.warm_ups = False
        except (Exception, TooManyCalls):  # noqa: BLE001 - a bug the examples will show
            pass
        finally:
            after = executor.cpu_seconds()
            if cpu is not None and after is not None:
                side['warm_cpu'] += max(0.0, after - cpu)

    def body(case):
        side['case'], side['examples'] = case, side['examples'] + 1
        if time.monotonic() < ends:
            warm_up()
        now = time.monotonic()
        if now >= ends:
            raise _OverBudget(f'still running after {budget.check_wall_seconds:g} s (wall clock): '
                              'a hang or an endless loop?')
        remote.new_example(Deadline.for_example(executor, example_seconds, ends)
                           if example_seconds else ends)
        try:
            check.verify(ctx, case)
            remote.finish()
        except StudentError as error:
            stub = _stub_exercise(error)
            if stub == check.exercise:
                raise NotAttempted(f'still the stub: {error.first_line}') from None
            raise
        except MissingName as error:
            if error.exercise == check.exercise:
                raise NotAttempted(str(error)) from None
            raise Mismatch(f'needs {error.exercise}: {error}', blocked_by=error.exercise) from None
        except ExecutorTimeout as error:
            side['too_long'] = str(error) or side['too_long']
            if time.monotonic() >= ends:
                raise _OverBudget(f'still running after {budget.check_wall_seconds:g} s (wall '
                                  'clock): a hang or an endless loop?') from None
            side['hangs'] += 1
            if side['hangs'] >= HANGS_BEFORE_GIVING_UP:
                raise _StopSearching() from None
            raise ExampleTimeout(f'the example {side["too_long"]}') from None
        except ExecutorMisbehaved as error:
            side['crashes'] += 1
            side['why'] = str(error)
            if side['crashes'] >= CRASHES_BEFORE_GIVING_UP:
                raise _StopSearching() from None
            raise
        finally:
            _check_cpu(executor, cpu_start, budget, side['warm_cpu'])

    shrinking = ShrinkBudget(shrink_examples(profile))

    def bounded(case):
        """body() as Hypothesis runs it: not past the shrink budget, each failure recorded."""
        shrinking.before_example()
        try:
            body(case)
        except Exception as error:
            shrinking.failed(case, error)
            raise

    def attempt(candidate):
        """One candidate of the reduction: its Mismatch or StudentError, or None if it did
        anything else."""
        try:
            body(candidate)
        except (Mismatch, StudentError) as error:
            return error
        except Exception:  # noqa: BLE001 - another failure is not the same failure
            return None
        except (_OverBudget, _StopSearching, NotAttempted, LoadFailed, CannotCheck,
                TooManyCalls):
            raise StopReducing() from None  # keep the failure already known
        return None

    def smallest(error):
        """Raise `error` again, about the smallest part of its case that fails alike."""
        case, error, runs = reduce_failure(check.id, side['case'], error, attempt, REDUCE_RUNS)
        side['case'], side['reduced'] = case, runs
        raise error

    def result(status, message='', **fields):
        after = shrinking.examples_after_failure + side.get('reduced', 0)
        return Result(check.id, check.exercise, status,
                      check.points if status == 'passed' else 0.0, check.points, message,
                      examples=side['examples'], examples_after_failure=after,
                      seconds=time.monotonic() - started, seed=seed, **fields)

    try:
        reason = skip_reason(check, spec)
        if reason:
            raise CannotCheck(reason)
        if replay is not None:
            _outside_hypothesis(body, decode(replay))
        elif check.cases is None:
            body(None)
        else:
            strategy = check.cases(ctx)
            test = given(strategy)(bounded)
            fixed = check.fixed(ctx) if callable(check.fixed) else check.fixed
            for case in reversed(fixed):  # Hypothesis runs explicit examples first, in order
                test = example(case)(test)
            test = hypothesis_settings(profile, check.examples)(test)
            try:
                hypothesis_seed(derived_seed(seed, check.id))(test)()
            except ShrinkingDone:  # the smallest failure so far is the one reported
                _, side['case'], error = shrinking.best
                smallest(error)
            except (Mismatch, StudentError) as error:
                smallest(error)
        return result('passed')
    except NotAttempted as error:
        return result('not_attempted', error.message)
    except CannotCheck as error:
        return result('skipped', error.reason)
    except LoadFailed as error:
        return result('error', error.message, load_error=True)
    except _OverBudget as error:
        return result('timeout', str(error), **_case(side['case']))
    except Mismatch as error:
        failed = result('failed', error.what, **_mismatch(error), **_case(side['case']))
        return _confirmed(failed, side['case'], body, executor, result, check, replay)
    except (ExampleTimeout, _StopSearching):
        if side['crashes'] and not side['hangs']:
            return result('error', side['why'], **_case(side['case']))
        return result('timeout', f'an example {side["too_long"]} (the smallest such example '
                      'found is shown)', **_case(side['case']))
    except ExecutorMisbehaved as error:
        return result('error', str(error), **_case(side['case']))
    except FlakyFailure as error:
        flaky = _flaky(result, error, side)
        if flaky.status != 'failed' or side['case'] is None:
            return flaky
        return _in_a_fresh_process(flaky, side['case'], body, executor, result)
    except Unsatisfiable as error:
        return result('error', f'the grader could not generate examples ({error}): '
                      'please report this', **_case(side['case']))
    except StudentError as error:
        exercise = _stub_exercise(error)
        if exercise:
            return result('failed', f'needs {exercise}: {error.first_line}',
                          blocked_by=exercise, **_case(side['case']))
        return result('error', _student_message(error, executor),
                      traceback=executor.shown(error.traceback), **_case(side['case']))
    except Exception as error:  # noqa: BLE001 - a bug of the grader's own: say so, carry on
        return result('error', 'the grader failed on this check (a bug in the grader, not in '
                      f'your code; please report it): {type(error).__name__}: {error}',
                      traceback=traceback.format_exc(limit=-8), grader_error=True)


def skip_reason(check, spec):
    """Why `check` cannot judge what `spec` declares (its level, its operations), or '': decided
    from the declarations alone, before anything runs."""
    missing = set(check.operations) - set(spec.operations)
    if check.level == 'article' and 'article' not in spec.levels:
        return f'{spec.name} provides only the functional level'
    if check.level == 'engine' and 'article' in spec.levels:
        return 'a check of scalar engines: the article\'s API is judged by its own checks'
    if missing:
        return f'{spec.name} does not support {", ".join(sorted(missing))}'
    if check.session and not getattr(spec, 'repeated_backward', ()):
        return (f'{spec.name} offers no session(): it does not declare repeated_backward '
                '(docs/adapters.md, "State")')
    return ''


def _check_cpu(executor, cpu_start, budget, excluded=0.0):
    if cpu_start is None or not budget.check_cpu_seconds:
        return
    used = executor.cpu_seconds()
    if used is not None and used - cpu_start - excluded > budget.check_cpu_seconds:
        raise _OverBudget(f'used more than {budget.check_cpu_seconds:g} s of CPU time')


def _flaky(result, error, side):
    """An example that failed, then passed (or failed otherwise) when Hypothesis ran it again.
    A time-out or a crash that does not come back is a slow or fragile first call (a JIT
    compiling, a cold cache, memory near its limit), reported as what it was; only a wrong
    answer that does not come back says that the results depend on earlier calls."""
    causes = [e for e in getattr(error, 'exceptions', ()) if isinstance(e, BaseException)]
    again = ('passed' if len({type(e) for e in causes}) <= 1 else 'failed differently') + \
        ' when run again'
    case = _case(side['case'])
    timed_out = any(isinstance(e, ExampleTimeout) for e in causes) or \
        (side['hangs'] and not causes)
    crash = next((e for e in causes if isinstance(e, ExecutorMisbehaved)), None)
    if crash is not None:
        also = f'; the same example also {side["too_long"]} once' \
            if timed_out else f' (the example {again})'
        return result('error', f'{crash}{also}', **case)
    if timed_out:
        return result('timeout', f'an example {side["too_long"]}, then {again}: most likely a '
                      'slow first call (a JIT compiling, a cache filling); it still counts as a '
                      'time-out', **case)
    return result('failed', 'the same example passed once and failed once',
                  notes=_first_line(causes[0]) if causes else '', **case)


def _confirmed(failed, case, body, executor, result, check, replay):
    """A failure, once more in a fresh executor: one that passes there depends on earlier calls
    (the smallest case shown would mislead a student who runs it alone), and is reported so."""
    if (case is None and check.cases is not None) or replay is not None or failed.blocked_by \
            or check.timed:  # a time measured is confirmed by measuring again, not here
        return failed
    executor.stop()  # the next request starts a fresh one
    try:
        _outside_hypothesis(body, case)
    except BaseException:  # noqa: B902 - it fails (or cannot run) there too: the failure stands
        return failed
    fields = {k: getattr(failed, k)
              for k in ('what', 'expected', 'actual', 'answer', 'case', 'case_text', 'marks')}
    return result('failed', f'{failed.message}: this example fails after other examples but '
                  'passes in a fresh process, so the results depend on earlier calls (state kept '
                  'between calls?)', notes=failed.notes, **fields)


def _mismatch(error):
    """A Mismatch's fields, as a Result has them."""
    return {'what': error.what, 'expected': error.expected, 'actual': error.actual,
            'notes': error.notes, 'blocked_by': error.blocked_by, 'answer': error.answer,
            'marks': error.marks}


def _outside_hypothesis(body, case):
    """body(case) once, as --replay runs it: an assume() there is a plain check, not a warning."""
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', HypothesisDeprecationWarning)
        body(case)


def _in_a_fresh_process(flaky, case, body, executor, result):
    """A wrong answer that did not come back when Hypothesis ran the example again: run it once
    more in a fresh executor. Failing there, it is a plain failure; passing there, and only then,
    the results depend on earlier calls."""
    executor.stop()  # the next request starts a fresh one
    try:
        _outside_hypothesis(body, case)
    except Mismatch as error:
        note = 'it fails in a fresh process too (it passed once after other examples)'
        fields = _mismatch(error)
        fields['notes'] = '\n'.join(n for n in (error.notes, note) if n)
        return result('failed', error.what, **fields, **_case(case))
    except StudentError as error:
        return result('error', _student_message(error, executor),
                      traceback=executor.shown(error.traceback), **_case(case))
    except BaseException:  # noqa: B902 - anything else: what Hypothesis saw stands
        return flaky
    return result('failed', 'this example passes in a fresh process but failed after other '
                  'examples: the results depend on earlier calls (state kept between calls?)',
                  notes=flaky.notes, **_case(case))


def _student_message(error, executor=None):
    if error.is_a('RecursionError'):
        return 'maximum recursion depth exceeded (does something call itself forever?)'
    if error.is_a('MemoryError') or (error.is_a('OSError')
                                     and 'Cannot allocate memory' in error.message):
        limits = getattr(executor, 'memory_limits', '')
        return (f'{error.type_name}{": " + error.first_line if error.message.strip() else ""}: '
                'the memory limit was hit (an allocation was refused)'
                + (f'; {limits}' if limits else ''))
    if error.is_a('SystemExit'):
        return f'the implementation called sys.exit({error.exit_code})'
    return f'{error.type_name}: {error.first_line}'


def _case(case):
    if case is None:
        return {}
    return {'case': encode(case), 'case_text': explain(case)}


def _stub_exercise(error):
    if not error.is_a('NotImplementedError'):
        return None
    match = _STUB.match(error.message)
    return f'ex{match.group(1)}' if match else None


def _first_line(error):
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
