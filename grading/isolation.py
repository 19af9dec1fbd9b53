"""Running checks in child processes, so that nothing student code does can take the grader down.

One child per exercise. The parent listens on a private pipe: 'start' names the check running,
'result' carries its result. If the child hangs past the wall-clock limit, dies (os._exit, a
segfault, the memory limit) or is caught patching the grader, the check it was running gets the
blame, and a fresh child carries on with the rest of the exercise.
"""
import dataclasses
import json
import multiprocessing
import os
import signal
import sys
import tempfile
import time
from dataclasses import dataclass

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


def run_exercise(target, check_ids, seed, profile, limits, workdir, output_path, replay=None,
                 on_result=None):
    """{check id: Result} for every check id; never raises because of student code."""
    _become_subreaper()
    results, remaining = {}, list(check_ids)
    while remaining:
        job = {'target': dataclasses.asdict(target), 'checks': remaining, 'seed': seed,
               'profile': profile, 'example_seconds': limits.example_seconds,
               'check_cpu_seconds': limits.check_cpu_seconds, 'memory_mb': limits.memory_mb,
               'workdir': workdir, 'output_path': output_path, 'replay': replay}
        for check_id, result in _one_child(job, limits).items():
            results[check_id] = result
            if on_result:
                on_result(result)
        remaining = [c for c in remaining if c not in results]
    return results


def _one_child(job, limits):
    """Run one child until it finishes, dies or hangs; the results it delivered (at least one)."""
    ctx = _context()
    receive, send = ctx.Pipe(duplex=False)
    sys.stdout.flush()
    sys.stderr.flush()
    process = ctx.Process(target=worker.work, args=(send, job), daemon=True)
    process.start()
    send.close()
    results, current, started = {}, None, time.monotonic()
    failure = None
    while True:
        wait = limits.check_wall_seconds - (time.monotonic() - started)
        if wait <= 0 or not receive.poll(wait):
            failure = ('timeout', f'still running after {limits.check_wall_seconds:g} s '
                       '(wall clock): a hang or an endless loop?')
            break
        forged = ('error', 'the results channel received something that is not the '
                  "grader's: the implementation wrote to it")
        try:
            message = json.loads(receive.recv_bytes())
        except (EOFError, OSError):
            failure = ('error', _death(process))
            break
        except ValueError:
            failure = forged
            break
        event = message.get('event') if isinstance(message, dict) else None
        if event == 'start':
            if current is not None or message.get('check') not in job['checks'] \
                    or message['check'] in results:
                failure = forged
                break
            current, started = message['check'], time.monotonic()
        elif event == 'result':
            try:
                result = Result(**message['result'])
            except (TypeError, KeyError):
                failure = forged
                break
            if current is None or result.check_id != current:
                failure = forged  # a result that no 'start' announced
                break
            results[result.check_id] = result
            current, started = None, time.monotonic()
        elif event == 'load_failed':
            _stop(process)
            return {c: _blame(c, 'error', message['message'], load_error=True)
                    for c in job['checks']}
        elif event == 'tampered':
            _stop(process)
            names = ', '.join(message['names'][:5])
            blamed = [c for c in job['checks'] if c not in results]
            return {**results, **{c: _blame(c, 'error', 'the implementation changed the '
                                            f"grader's own code or builtins ({names}): no score"
                                            ' for this exercise') for c in blamed}}
        elif event == 'done':
            if set(job['checks']) - set(results):
                failure = forged  # 'done' before every check has its result
                break
            _stop(process)
            return results
        else:
            failure = forged
            break
    _stop(process)
    if current is None:  # died or hung outside a check: while importing the implementation
        blamed = [c for c in job['checks'] if c not in results]
        if not results:
            return {c: _blame(c, failure[0], 'while importing the implementation, the process '
                              + failure[1], load_error=True) for c in blamed}
        current = blamed[0]
    results[current] = _blame(current, failure[0], failure[1])
    return results


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


def _stop(process):
    """Stop the child and everything it started (it leads its own process group)."""
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
    _kill_leftovers()


def _become_subreaper():
    """Linux: what the student's code starts and detaches (setsid, then its parent dies) is
    re-parented to this process instead of init, so that _kill_leftovers finds it."""
    if sys.platform.startswith('linux'):
        try:
            import ctypes
            ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
        except (OSError, AttributeError):
            pass


def _kill_leftovers():
    """Linux: kill and reap every child of ours outside our session. The worker calls setsid()
    before it imports student code, so nothing the student starts can be in our session, and
    nothing of ours (say, subprocesses of a program that embeds the grader) is outside it."""
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
