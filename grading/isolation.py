"""Running checks in child processes, so that nothing student code does can take the grader down.

One child per exercise, several exercises at once (`jobs`). The parent, a single thread, listens on
each child's private pipe: 'start' names the check running, 'result' carries its result. If a child
hangs past the wall-clock limit, dies (os._exit, a segfault, the memory limit) or is caught patching
the grader, the check it was running gets the blame, and a fresh child carries on with the rest of
that exercise. Exercises share nothing: each has its own working directory and its own file for
what the student's code prints, read back in course order, so the report does not depend on which
child finished first.
"""
import dataclasses
import json
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from multiprocessing.connection import wait as wait_for_any

from checks import registry
from checks.runner import Result

from . import worker


@dataclass
class Limits:
    example_seconds: float = 2.0      # one generated example (a hang shrinks to the smallest)
    check_cpu_seconds: float = 30.0   # one check, CPU time
    check_wall_seconds: float = 60.0  # one check, wall clock: the parent kills the child
    memory_mb: int = 1024             # address space of a child

    def available(self):
        """What this platform can enforce, for the report."""
        posix = hasattr(signal, 'setitimer')
        try:
            import resource  # noqa: F401
            memory = True
        except ImportError:
            memory = False
        return {**dataclasses.asdict(self), 'per_example_limit': posix,
                'cpu_limit': posix, 'memory_limit': memory}


def _context():
    # fork starts in milliseconds with Hypothesis already imported; spawn (macOS, Windows) works
    # everywhere but pays the imports in each child. GRADER_START_METHOD=spawn tests the latter.
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


def run_exercises(target, groups, seed, profile, limits, workdir, replay=None, on_result=None,
                  jobs=1, order=None):
    """{check id: Result} for every check of `groups` ({exercise: [check ids]}); never raises
    because of student code. Up to `jobs` children run at once, the exercises started in `order`
    (default: as given); each exercise works in workdir/<exercise>/ (see student_output)."""
    _become_subreaper()
    context = _context()
    results = {}
    waiting = [(exercise, list(groups[exercise])) for exercise in (order or groups)
               if groups[exercise]]
    running = []
    while waiting or running:
        while waiting and len(running) < max(1, jobs):
            exercise, remaining = waiting.pop(0)
            job = _job(target, remaining, seed, profile, limits, _exercise_dir(workdir, exercise),
                       replay)
            # A forked child inherits the parent's end of every other child's pipe: it gets
            # /dev/null in their place, so that student code cannot read another exercise's results.
            others = [child.receive.fileno() for child in running] \
                if context.get_start_method() == 'fork' else []
            running.append(_Child(context, job, limits, exercise, others))
        now = time.monotonic()
        ready = wait_for_any([child.receive for child in running],
                             max(0.0, min(child.deadline for child in running) - now))
        for child in list(running):
            if child.receive in ready:
                finished = child.read()
            elif time.monotonic() >= child.deadline:
                finished = child.fail_on_timeout()
            else:
                continue
            if finished is None:
                continue
            running.remove(child)
            child.stop(spare=[c.process.pid for c in running])
            for check_id, result in finished.items():
                results[check_id] = result
                if on_result:
                    on_result(result)
            rest = [c for c in child.job['checks'] if c not in results]
            if rest:  # a fresh child for the rest of the exercise, before any other exercise
                waiting.insert(0, (child.exercise, rest))
    return results


def student_output(workdir, exercises):
    """What the student's code printed, exercise after exercise (in the order given)."""
    parts = []
    for exercise in exercises:
        try:
            with open(os.path.join(workdir, exercise, OUTPUT_NAME), errors='replace') as f:
                parts.append(f.read())
        except OSError:
            pass
    return ''.join(parts)


OUTPUT_NAME = '.student-output'


def _exercise_dir(workdir, exercise):
    path = os.path.join(workdir, exercise)
    os.makedirs(path, exist_ok=True)
    return path


def _job(target, checks, seed, profile, limits, directory, replay):
    return {'target': dataclasses.asdict(target), 'checks': checks, 'seed': seed,
            'profile': profile, 'example_seconds': limits.example_seconds,
            'check_cpu_seconds': limits.check_cpu_seconds, 'memory_mb': limits.memory_mb,
            'workdir': directory, 'output_path': os.path.join(directory, OUTPUT_NAME),
            'replay': replay}


_FORGED = ('error', "the results channel received something that is not the grader's: the "
           'implementation wrote to it')


class _Child:
    """One child running checks of one exercise: reads its messages one at a time until it
    finishes, dies or hangs; `read()` and `fail_on_timeout()` return the results it delivered
    (at least one) once it is over, None while it goes on."""

    def __init__(self, context, job, limits, exercise, close_fds):
        self.job, self.limits, self.exercise = job, limits, exercise
        self.receive, send = context.Pipe(duplex=False)
        sys.stdout.flush()
        sys.stderr.flush()
        self.process = context.Process(target=worker.work,
                                       args=(send, dict(job, close_fds=close_fds)), daemon=True)
        self.process.start()
        send.close()
        self.results, self.current, self.started = {}, None, time.monotonic()

    @property
    def deadline(self):
        return self.started + self.limits.check_wall_seconds

    def fail_on_timeout(self):
        return self._fail(('timeout', f'still running after {self.limits.check_wall_seconds:g} s '
                           '(wall clock): a hang or an endless loop?'))

    def read(self):
        """Handle the next message (the pipe is readable)."""
        if time.monotonic() >= self.deadline:
            return self.fail_on_timeout()
        job, results = self.job, self.results
        try:
            message = json.loads(self.receive.recv_bytes())
        except (EOFError, OSError):
            return self._fail(('error', _death(self.process)))
        except ValueError:
            return self._fail(_FORGED)
        event = message.get('event') if isinstance(message, dict) else None
        if event == 'start':
            if self.current is not None or message.get('check') not in job['checks'] \
                    or message['check'] in results:
                return self._fail(_FORGED)
            self.current, self.started = message['check'], time.monotonic()
        elif event == 'result':
            try:
                result = Result(**message['result'])
            except (TypeError, KeyError):
                return self._fail(_FORGED)
            if self.current is None or result.check_id != self.current:
                return self._fail(_FORGED)  # a result that no 'start' announced
            results[result.check_id] = result
            self.current, self.started = None, time.monotonic()
        elif event == 'load_failed':
            return {c: _blame(c, 'error', message['message'], load_error=True)
                    for c in job['checks']}
        elif event == 'tampered':
            names = ', '.join(message['names'][:5])
            blamed = [c for c in job['checks'] if c not in results]
            return {**results, **{c: _blame(c, 'error', 'the implementation changed the '
                                            f"grader's own code or builtins ({names}): no score"
                                            ' for this exercise') for c in blamed}}
        elif event == 'done':
            if set(job['checks']) - set(results):
                return self._fail(_FORGED)  # 'done' before every check has its result
            return results
        else:
            return self._fail(_FORGED)
        return None

    def _fail(self, failure):
        """The child is over without 'done': blame the check it was running (the caller stops
        the child, sparing the others)."""
        results, current = self.results, self.current
        if current is None:  # died or hung outside a check: while importing the implementation
            blamed = [c for c in self.job['checks'] if c not in results]
            if not results:
                return {c: _blame(c, failure[0], 'while importing the implementation, the '
                                  'process ' + failure[1], load_error=True) for c in blamed}
            current = blamed[0]
        results[current] = _blame(current, failure[0], failure[1])
        return results

    def stop(self, spare=()):
        if not self.stopped:
            _stop(self.process, spare)
            self.stopped = True

    stopped = False


def _blame(check_id, status, message, load_error=False):
    check = registry.get(check_id)
    return Result(check.id, check.exercise, status, 0.0, check.points, message,
                  load_error=load_error)


def _death(process):
    process.join(5)
    code = process.exitcode
    if code is None:
        return 'stopped answering'
    if code >= 0:
        return (f'exited with status {code} in the middle of the check: does the code call '
                'sys.exit() or os._exit()?')
    try:
        name = signal.Signals(-code).name
    except ValueError:
        name = f'signal {-code}'
    meaning = {'SIGSEGV': 'a segmentation fault', 'SIGKILL': 'killed (out of memory?)',
               'SIGXCPU': 'the CPU time limit', 'SIGABRT': 'an abort'}.get(name, 'a signal')
    return f'crashed: {name} ({meaning})'


def _stop(process, spare=()):
    """Stop the child and everything it started (it leads its own process group); `spare`: the
    other children still running (each leads its own session)."""
    if process.is_alive() or process.exitcode is None:
        try:
            if hasattr(os, 'killpg'):
                os.killpg(process.pid, signal.SIGKILL)
            else:
                process.kill()
        except (ProcessLookupError, PermissionError, OSError):
            process.kill()
    else:
        try:
            if hasattr(os, 'killpg'):
                os.killpg(process.pid, signal.SIGKILL)  # anything it left behind
        except (ProcessLookupError, PermissionError, OSError):
            pass
    process.join(5)
    if process.exitcode is not None:
        process.close()  # frees its sentinel, which a later fork would inherit
    _kill_leftovers(spare)


def _become_subreaper():
    """Linux: what the student's code starts and detaches (setsid, then its parent dies) is
    re-parented to this process instead of init, so that _kill_leftovers finds it."""
    if sys.platform.startswith('linux'):
        try:
            import ctypes
            ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
        except (OSError, AttributeError):
            pass


def _kill_leftovers(spare=()):
    """Linux: kill and reap every child of ours outside our session, except the children in
    `spare` and what runs in their sessions. The worker calls setsid() before it imports student
    code, so nothing the student starts can be in our session, and nothing of ours (say,
    subprocesses of a program that embeds the grader) is outside it."""
    if not sys.platform.startswith('linux'):
        return
    me, session = os.getpid(), os.getsid(0)
    for _ in range(20):  # a killed leftover's own children come to us next
        found = False
        for entry in os.listdir('/proc'):
            if not entry.isdigit():
                continue
            try:
                with open(f'/proc/{entry}/stat') as f:
                    fields = f.read().rsplit(')', 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) != me or int(fields[3]) == session:  # ppid, session id
                continue
            if int(entry) in spare or int(fields[3]) in spare:  # a running child, or its own
                continue
            found = True
            try:
                os.kill(int(entry), signal.SIGKILL)
                os.waitpid(int(entry), 0)
            except (OSError, ChildProcessError):
                pass
        if not found:
            return


def scratch_dir():
    """A fresh working directory for student code, away from the repository and results."""
    return tempfile.mkdtemp(prefix='grader-')


def remove_scratch(workdir):
    """Delete a scratch directory once its children are gone, even if student code made parts
    of it read-only; never raises (a leftover folder must not cost the report)."""
    def writable_then_retry(function, path, _):
        try:  # only the folder is made writable: `path` may be a link to a file not ours
            os.chmod(os.path.dirname(path), 0o700)
            function(path)
        except OSError:
            pass
    try:
        shutil.rmtree(workdir, onerror=writable_then_retry)
    except OSError:
        pass
