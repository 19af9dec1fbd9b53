"""The executor's entry point: take the pipes, drop privileges, import the student's code, answer.

Started by the grader (grading/executor.py) as

    python -I -S -c "<put the runtime folder on sys.path>; from executor.main import main; main()" JOB

with requests on stdin, answers on stdout, and stderr a pipe the grader drains: the first thing this
does is move the request and answer channels to private descriptors and point stdout at stderr, so
that whatever the student's code prints lands in that pipe, never among the answers. JOB (JSON)
says what to import, which user to become (in a sandbox the grader starts this as root inside
bubblewrap), and sys.path. It holds no seed, no check and no expected value.
"""
import json
import os
import sys

from . import wire
from .loader import LoadError, load, make_adapter
from .steps import Interpreter

RECURSION_HEADROOM = 2000  # as Hypothesis gives test bodies: deep recursive solutions still run


def main():
    requests, answers = _take_channels()
    job = json.loads(sys.argv[1])
    _become(job.get('user'))
    _set_path(job['path'])
    sys.setrecursionlimit(len(_stack()) + RECURSION_HEADROOM)
    if job.get('workdir'):
        os.chdir(job['workdir'])
    try:
        adapter = make_adapter(job['target'], load(job['target']))
    except LoadError as error:
        wire.write(answers, {'load_error': str(error)})
        _exit()
    wire.write(answers, {'ready': True})
    interpreter = Interpreter(adapter, list(job.get('source_paths', ()))
                              + [str(p) for p in getattr(adapter, 'source_paths', ()) or ()])
    while True:
        request = wire.read(requests)
        if request is None:
            _exit()
        wire.write(answers, interpreter.answer(request))


def _take_channels():
    """Requests and answers on private descriptors; fd 1 and 2 both to the output pipe."""
    requests, answers = os.dup(0), os.dup(1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.dup2(2, 1)
    sys.stdin = open(0, 'r', closefd=False)
    sys.stdout = open(1, 'w', buffering=1, closefd=False, errors='backslashreplace')
    sys.stderr = open(2, 'w', buffering=1, closefd=False, errors='backslashreplace')
    return requests, answers


def _become(user):
    """Inside bubblewrap the grader starts this as root: become the sandbox's own user (groups,
    then group, then user: the other order would leave root's groups behind)."""
    if not user:
        return
    os.setgroups([])
    os.setgid(user['gid'])
    os.setuid(user['uid'])


def _set_path(job_path):
    """sys.path: the submission's folder first, then the standard library, then installed
    packages; never this runtime's own folder (nor '' from -c)."""
    runtime = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    standard = [p for p in sys.path if p and os.path.abspath(p) != runtime]
    sys.path[:] = job_path['first'] + standard + job_path['last']


def _stack():
    frames, frame = [], sys._getframe()
    while frame:
        frames.append(frame)
        frame = frame.f_back
    return frames


def _exit():
    """Leave without running the student's atexit hooks or finalizers."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:  # noqa: B902
            pass
    os._exit(0)
