"""Grading exercises side by side, each in a judge process of its own (grading/judge.py).

The judges are the grader's own code: they never import the student's, which runs in executor
processes each judge starts in the sandbox. The main process, a single thread, listens on each
judge's pipe: 'start' names the check running, 'result' carries its result, 'done' what the
student's code printed. A judge that dies (a grader bug, or killed by student code running as the
same user, in mode none) costs the check it was running; a fresh judge carries on with the rest.
The report does not depend on which judge finished first.
"""
import dataclasses
import json
import multiprocessing
import os
import signal
import sys
import time
from dataclasses import dataclass
from multiprocessing.connection import wait as wait_for_any

from checks import registry
from checks.runner import Result

from . import judge, memory


@dataclass
class Limits:
    example_seconds: float = 2.0      # one generated example, CPU time (checks/deadline.py)
    check_cpu_seconds: float = 30.0   # one check, CPU time of the executor
    check_wall_seconds: float = 60.0  # one check, wall clock
    memory_mb: int = 1024             # memory used (resident) by an executor and its children
    file_mb: int = 64                 # largest file student code may write
    processes: int = 64               # processes student code may run at once (sandbox users)
    address_space_mb: int = 0         # RLIMIT_AS backstop per process; 0: grading/memory.py's

    def available(self, mode='none'):
        """The limits in force and what this platform can enforce, for the report."""
        posix = hasattr(signal, 'SIGKILL') and os.name == 'posix'
        try:
            import resource  # noqa: F401 - its presence is the question
            rlimits = True
        except ImportError:
            rlimits = False
        watched = memory.watchable()
        return {**dataclasses.asdict(self),
                'address_space_mb': memory.address_space_mb(self.memory_mb,
                                                             self.address_space_mb),
                'memory_measure': 'resident' if watched else 'address_space',
                'per_example_limit': True,
                'cpu_limit': sys.platform.startswith('linux'),
                'memory_limit': watched or rlimits,
                'file_limit': rlimits, 'process_limit': rlimits and mode != 'none' and posix}


def _context():
    # fork starts in milliseconds with Hypothesis already imported; spawn (macOS, Windows) works
    # everywhere but pays the imports in each judge. GRADER_START_METHOD=spawn tests the latter.
    forced = os.environ.get('GRADER_START_METHOD')
    if forced:
        return multiprocessing.get_context(forced)
    if 'fork' in multiprocessing.get_all_start_methods() and sys.platform.startswith('linux'):
        return multiprocessing.get_context('fork')
    return multiprocessing.get_context('spawn')


def usable_cpus():
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # macOS, Windows
        return os.cpu_count() or 1


def default_jobs():
    """Exercises graded at once: one per usable CPU, at most 4 (core alone is a third of the work,
    so more would not finish sooner)."""
    return min(4, usable_cpus())


def run_exercises(job, groups, on_result=None, jobs=1, order=None):
    """({check id: Result}, {exercise: printed text}) for every check of `groups` ({exercise:
    [check ids]}); never raises because of student code. `job` is what every judge gets (target,
    spec, seed, profile, limits, sandbox state, replay). Up to `jobs` judges run at once, the
    exercises started in `order` (default: as given). `on_result(result)` is called for each
    check as soon as its result is final, while the others still run."""
    context = _context()
    results, printed = {}, {}
    waiting = [(exercise, list(groups[exercise])) for exercise in (order or groups)
               if groups[exercise]]
    running = []
    while waiting or running:
        while waiting and len(running) < max(1, jobs):
            exercise, remaining = waiting.pop(0)
            others = [j.receive.fileno() for j in running] \
                if context.get_start_method() == 'fork' else []
            running.append(_Judge(context, dict(job, checks=remaining), exercise, others))
        now = time.monotonic()
        ready = wait_for_any([j.receive for j in running],
                             max(0.0, min(j.deadline for j in running) - now))
        for one in list(running):
            if one.receive in ready:
                finished = one.read()
            elif time.monotonic() >= one.deadline:
                finished = one.fail('the grader stopped answering for this exercise')
            else:
                continue
            for check_id, result in one.results.items():  # each as soon as it is final
                if check_id not in results:
                    results[check_id] = result
                    if on_result:
                        on_result(result)
            if finished is None:
                continue
            running.remove(one)
            one.stop()
            printed[one.exercise] = printed.get(one.exercise, '') + one.output
            rest = [c for c in one.job['checks'] if c not in results]
            if rest:  # a fresh judge for the rest of the exercise, before any other exercise
                waiting.insert(0, (one.exercise, rest))
    return results, printed


class _Judge:
    """One judge process: reads its messages one at a time until it is done or dies."""

    def __init__(self, context, job, exercise, others):
        self.job, self.exercise, self.output = job, exercise, ''
        self.receive, send = context.Pipe(duplex=False)
        sys.stdout.flush()
        sys.stderr.flush()
        self.process = context.Process(target=_start_judge, args=(send, job, others),
                                       daemon=True)
        self.process.start()
        send.close()
        self.results, self.current, self.finished = {}, None, False
        self.limit = job['limits']['check_wall_seconds'] * 2 + 30  # the judge's own backstop
        self.started = time.monotonic()

    @property
    def deadline(self):
        return self.started + self.limit

    def read(self):
        try:
            message = json.loads(self.receive.recv_bytes())
        except (EOFError, OSError, ValueError):
            return self.fail(_death(self.process))
        try:  # our own judge: a message of another shape is a bug, still never a crash here
            event = message['event']
            if event == 'start':
                self.current, self.started = message['check'], time.monotonic()
            elif event == 'result':
                result = Result(**message['result'])
                self.results[result.check_id] = result
                self.current, self.started = None, time.monotonic()
            elif event == 'done':
                self.output, self.finished = str(message.get('output', '')), True
                return self.results
        except (KeyError, TypeError):
            return self.fail('its process sent a message the grader cannot read')
        return None

    def fail(self, why):
        """The judge is over without 'done': blame the check it was running."""
        blamed = self.current or next(c for c in self.job['checks'] if c not in self.results)
        check = registry.get(blamed)
        self.results[blamed] = Result(check.id, check.exercise, 'error', 0.0, check.points,
                                      f'the grading of this check stopped: {why}')
        return self.results

    def stop(self):
        if self.finished:   # it said 'done': let it end by itself (and save what it measured)
            self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        if self.process.exitcode is not None:
            self.process.close()  # frees its sentinel, which a later fork would inherit


def _start_judge(conn, job, others):
    """In the judge: /dev/null in place of the other judges' pipe ends it inherited by fork."""
    devnull = os.open(os.devnull, os.O_RDONLY)
    for fd in others:
        try:
            os.dup2(devnull, fd)
        except OSError:
            pass
    os.close(devnull)
    judge.judge(conn, job)


def _death(process):
    process.join(5)
    code = process.exitcode
    if code is None:
        return 'its process stopped answering'
    if code >= 0:
        return f'its process exited with status {code}'
    try:
        name = signal.Signals(-code).name
    except ValueError:
        name = f'signal {-code}'
    return f'its process was ended by {name}'
