"""Running one check against one implementation, in this process, and saying what happened.

Process isolation, CPU and memory limits belong to the grader; here: Hypothesis with explicit
settings and a per-check seed, a per-example time limit (so a hang shrinks to the smallest graph
that hangs), and the minimal failing example kept as data through a side channel.
"""
import contextlib
import json
import re
import signal
import threading
import time
import traceback
from dataclasses import dataclass

from hypothesis import example, given, seed as hypothesis_seed
from hypothesis.errors import FlakyFailure, Unsatisfiable

from .adapters import MissingName
from .explain import decode, encode, explain
from .failures import CannotCheck, ExampleTimeout, Mismatch, NotAttempted
from .profiles import DEFAULT_SEED, derived_seed, hypothesis_settings

STATUSES = ('passed', 'failed', 'error', 'timeout', 'not_attempted', 'skipped')
_STUB = re.compile(r'\s*Exercise\s+(\d)\b')
HANGS_BEFORE_GIVING_UP = 3  # each shrink step of a hang costs a whole time limit


class _StopSearching(BaseException):
    """Enough examples hung: report the smallest so far rather than shrink for minutes."""


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
    case: object = None        # the minimal failing example, as JSON-able data
    case_text: str = ''        # the same, for people
    traceback: str = ''        # the student's frames only
    examples: int = 0
    seconds: float = 0.0
    seed: int = DEFAULT_SEED
    blocked_by: str = ''       # the exercise whose stub stopped this check, if one did
    load_error: bool = False   # the implementation could not even be imported

    def to_dict(self):
        return {key: value for key, value in self.__dict__.items()}


class Context:
    """What a check's verify(ctx, case) sees: the adapter, and the run's settings."""

    def __init__(self, check, adapter, seed, profile):
        self.check, self.adapter, self.seed, self.profile = check, adapter, seed, profile

    @property
    def api(self):
        if 'article' not in self.adapter.levels:
            raise CannotCheck(f'{self.adapter.name} provides only the functional level; '
                              'this check needs the article API')
        return self.adapter.api

    @property
    def operations(self):
        return self.adapter.operations


def run(check, adapter, seed=DEFAULT_SEED, profile='quick', example_timeout=None, replay=None):
    """Run `check`; `replay` (case data from a report) runs that one example instead of a search."""
    ctx = Context(check, adapter, seed, profile)
    side = {'case': None, 'examples': 0, 'hangs': 0}
    started = time.perf_counter()

    def body(case):
        side['case'], side['examples'] = case, side['examples'] + 1
        try:
            with _time_limit(example_timeout):
                check.verify(ctx, case)
        except NotImplementedError as error:
            if _stub_exercise(error) == check.exercise:
                raise NotAttempted(f'still the stub: {_first_line(error)}') from None
            raise
        except MissingName as error:
            if error.exercise == check.exercise:
                raise NotAttempted(str(error)) from None
            raise Mismatch(f'needs {error.exercise}: {error}', blocked_by=error.exercise) from None
        except ExampleTimeout:
            side['hangs'] += 1
            if side['hangs'] >= HANGS_BEFORE_GIVING_UP:
                raise _StopSearching() from None
            raise

    def result(status, message='', **fields):
        return Result(check.id, check.exercise, status,
                      check.points if status == 'passed' else 0.0, check.points, message,
                      examples=side['examples'], seconds=time.perf_counter() - started,
                      seed=seed, **fields)

    try:
        missing = set(check.operations) - set(adapter.operations)
        if check.level == 'article' and 'article' not in adapter.levels:
            raise CannotCheck(f'{adapter.name} provides only the functional level')
        if missing:
            raise CannotCheck(f'{adapter.name} does not support {", ".join(sorted(missing))}')
        if replay is not None:
            body(decode(replay))
        elif check.cases is None:
            body(None)
        else:
            strategy = check.cases(ctx)
            test = given(strategy)(body)
            for case in reversed(check.fixed):  # Hypothesis runs explicit examples first, in order
                test = example(case)(test)
            test = hypothesis_settings(profile, check.examples)(test)
            hypothesis_seed(derived_seed(seed, check.id))(test)()
        return result('passed')
    except NotAttempted as error:
        return result('not_attempted', error.message)
    except CannotCheck as error:
        return result('skipped', error.reason)
    except Mismatch as error:
        return result('failed', error.what, what=error.what, expected=error.expected,
                      actual=error.actual, notes=error.notes,
                      blocked_by=error.blocked_by, **_case(side['case']))
    except (ExampleTimeout, _StopSearching):
        return result('timeout', f'an example ran longer than {example_timeout} s (the '
                      'smallest such example found is shown)', **_case(side['case']))
    except FlakyFailure as error:
        return result('failed', 'the same example passed once and failed once: the results '
                      'depend on earlier calls (state kept between calls?)',
                      notes=_first_line(error.exceptions[0]) if error.exceptions else '',
                      **_case(side['case']))
    except Unsatisfiable as error:
        return result('error', f'the grader could not generate examples ({error}): '
                      'please report this', **_case(side['case']))
    except RecursionError as error:
        return result('error', 'maximum recursion depth exceeded (does something call itself '
                      'forever?)', traceback=_student_frames(error, adapter),
                      **_case(side['case']))
    except SystemExit as error:
        return result('error', f'the implementation called sys.exit({error.code!r})',
                      traceback=_student_frames(error, adapter), **_case(side['case']))
    except Exception as error:
        exercise = _stub_exercise(error) if isinstance(error, NotImplementedError) else None
        if exercise:
            return result('failed', f'needs {exercise}: {_first_line(error)}',
                          blocked_by=exercise, **_case(side['case']))
        return result('error', f'{type(error).__name__}: {_first_line(error)}',
                      traceback=_student_frames(error, adapter), **_case(side['case']))


def _case(case):
    if case is None:
        return {}
    return {'case': encode(case), 'case_text': explain(case)}


def _stub_exercise(error):
    match = _STUB.match(str(error))
    return f'ex{match.group(1)}' if match else None


def _first_line(error):
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _student_frames(error, adapter):
    """The traceback, keeping only frames in the implementation's own files."""
    frames = traceback.extract_tb(error.__traceback__)
    paths = tuple(str(p) for p in adapter.source_paths)
    own = [f for f in frames if paths and f.filename.startswith(paths)]
    lines = traceback.format_list(own or frames[-3:])
    lines += traceback.format_exception_only(type(error), error)
    return ''.join(lines).rstrip()


@contextlib.contextmanager
def _time_limit(seconds):
    """Raise ExampleTimeout in this thread after `seconds` of wall-clock time (POSIX main thread).

    Elsewhere (Windows, a worker thread) there is no per-example limit: the grader's per-check
    limit still stops a hang, without shrinking it.
    """
    usable = (seconds and hasattr(signal, 'setitimer')
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def expire(signum, frame):
        raise ExampleTimeout(f'example took longer than {seconds} s')

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_all(checks, adapter, **options):
    return [run(check, adapter, **options) for check in checks]


def dumps(results):
    return json.dumps([r.to_dict() for r in results], indent=2, default=repr)
