"""The child process: limits, captured output, the student's import, the checks, results out.

Results go to the parent as JSON over a private pipe (never stdout, never pickle), one message per
event, so the parent knows which check was running if the process dies.
"""
import json
import os
import signal
import sys

from checks import registry, runner
from checks.runner import Result

from . import integrity, loader


class CheckCPUTimeout(BaseException):
    """The per-check CPU budget ran out. A BaseException: it stops Hypothesis at once."""


def work(conn, job):
    """Entry point of the child: `job` is plain data, so it also works where children are spawned."""
    def send(event, **data):
        conn.send_bytes(json.dumps({'event': event, **data}, default=repr).encode())

    _drop_inherited(job.get('close_fds', ()))
    registry.all_checks()  # import every check before the fingerprint, so all are watched
    _detach()
    _limit_memory(job['memory_mb'])
    _capture_output(job['output_path'])
    os.chdir(job['workdir'])
    before = integrity.snapshot()
    try:
        target = loader.Target(**job['target'])
        adapter = loader.make_adapter(target, loader.load(target))
    except loader.LoadError as error:
        send('load_failed', message=str(error))
        _exit(0)
    tampered = integrity.changes(before)
    if tampered:
        send('tampered', names=tampered)
        _exit(0)
    for check_id in job['checks']:
        send('start', check=check_id)
        check = registry.get(check_id)
        try:
            with _cpu_limit(job['check_cpu_seconds']):
                result = runner.run(check, adapter, seed=job['seed'], profile=job['profile'],
                                    example_timeout=job['example_seconds'],
                                    replay=job.get('replay'))
        except CheckCPUTimeout:
            result = Result(check.id, check.exercise, 'timeout', 0.0, check.points,
                            f'used more than {job["check_cpu_seconds"]} s of CPU time')
        tampered = integrity.changes(before)
        if tampered:
            send('tampered', names=tampered)
            _exit(0)
        send('result', result=result.to_dict())
    send('done')
    _exit(0)


def _exit(code):
    """Leave without running the student's atexit hooks or finalizers."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
    os._exit(code)


def _drop_inherited(fds):
    """A forked child holds the parent's end of the other children's pipes: /dev/null instead
    (dup2, not close: the objects that own these numbers are never closed in this process)."""
    if not fds:
        return
    devnull = os.open(os.devnull, os.O_RDONLY)
    for fd in fds:
        try:
            os.dup2(devnull, fd)
        except OSError:
            pass
    os.close(devnull)


def _detach():
    """Own process group: the parent can then stop anything the student's code started."""
    if hasattr(os, 'setsid'):
        try:
            os.setsid()
        except OSError:
            pass


def _limit_memory(megabytes):
    try:
        import resource
    except ImportError:
        return  # Windows: no limit (documented)
    limit = megabytes * 1024 * 1024
    for name in ('RLIMIT_AS', 'RLIMIT_DATA'):
        if hasattr(resource, name):
            try:
                resource.setrlimit(getattr(resource, name), (limit, limit))
                return
            except (ValueError, OSError):
                continue


def _capture_output(path):
    """Everything the student's code prints (Python or C level) goes to `path`."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    for stream, target in ((sys.stdout, 1), (sys.stderr, 2)):
        try:
            stream.flush()
        except Exception:
            pass
        os.dup2(fd, target)
    os.close(fd)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    sys.stdout = open(1, 'w', buffering=1, closefd=False, errors='replace')
    sys.stderr = open(2, 'w', buffering=1, closefd=False, errors='replace')


class _cpu_limit:
    """Raise CheckCPUTimeout after `seconds` of CPU time in this process (POSIX only)."""

    def __init__(self, seconds):
        self.usable = bool(seconds) and hasattr(signal, 'setitimer') and hasattr(signal,
                                                                                'SIGVTALRM')
        self.seconds = seconds

    def __enter__(self):
        if self.usable:
            def expire(signum, frame):
                raise CheckCPUTimeout()
            self.previous = signal.signal(signal.SIGVTALRM, expire)
            signal.setitimer(signal.ITIMER_VIRTUAL, self.seconds)

    def __exit__(self, *exc):
        if self.usable:
            signal.setitimer(signal.ITIMER_VIRTUAL, 0)
            signal.signal(signal.SIGVTALRM, self.previous)
        return False
