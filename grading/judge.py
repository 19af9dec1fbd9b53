"""The judge: a trusted process that grades one exercise by asking an executor.

It runs Hypothesis, the oracle and the checks (checks.runner), and reaches the student's code only
through Executor below, which starts an executor process in the sandbox, restarts it after it dies
or hangs, and turns whatever it does into the exceptions the runner understands. The judge never
imports student code, so nothing the student's code does can change a verdict made here; its
results go to the grader's main process over a private pipe the executor has no way to reach.
"""
import json
import time

from checks import registry, runner
from checks.adapters import AdapterSpec
from checks.deadline import Deadline
from checks.failures import ExecutorMisbehaved, ExecutorTimeout, LoadFailed

from .channel import AnswerTimeout, ExecutorFailure, ExecutorProcess, Output
from .memory import address_space_mb, watchable
from .processes import Limits, become_subreaper, protect_process
from .sandbox import Sandbox


def judge(conn, job):
    """Entry point of the judge process: `job` is plain data (it also works where children are
    spawned). Sends 'start' and 'result' per check, then 'done' with what the code printed."""
    def send(event, **data):
        conn.send_bytes(json.dumps({'event': event, **data}, default=repr).encode())

    protect_process()
    sandbox = Sandbox.attach(job['sandbox'])
    if sandbox.mode == 'none':
        become_subreaper()
    spec = AdapterSpec.from_data(job['spec'])
    output = Output()
    executor = Executor(sandbox, job['target'], job['limits'], len(job['checks']), output)
    budget = runner.Budget(job['limits']['example_seconds'], job['limits']['check_wall_seconds'],
                           job['limits']['check_cpu_seconds'])
    try:
        for check_id in job['checks']:
            send('start', check=check_id)
            check = registry.get(check_id)
            result = runner.run(check, executor, spec, seed=job['seed'], profile=job['profile'],
                                budget=budget, replay=job.get('replay'),
                                graded=job.get('graded'))
            send('result', result=result.to_dict())
            if result.load_error:  # the implementation does not import: the same for the rest
                for rest in job['checks'][job['checks'].index(check_id) + 1:]:
                    send('start', check=rest)
                    send('result', result=_copy(result, registry.get(rest), spec).to_dict())
                break
    finally:
        executor.stop()
    send('done', output=output.text())


def _copy(result, check, spec):
    """The import failure, for a check that would have needed the implementation; a check its
    declarations rule out is skipped, as it would have been."""
    reason = runner.skip_reason(check, spec)
    if reason:
        return runner.Result(check.id, check.exercise, 'skipped', 0.0, check.points, reason)
    return runner.Result(check.id, check.exercise, 'error', 0.0, check.points, result.message,
                         load_error=True)


class Executor:
    """The executor of one exercise, as the runner sees it: exchange(request, deadline).

    Started when first asked, started again after it died or hung; its CPU time is added up over
    its lives. A failure to import is a LoadFailed, a death or a malformed answer an
    ExecutorMisbehaved, no answer in time an ExecutorTimeout."""

    def __init__(self, sandbox, target, limits, checks, output):
        self.sandbox, self.target, self.output = sandbox, target, output
        self.import_seconds = limits['check_wall_seconds']
        self.limits = Limits(limits['memory_mb'], limits['file_mb'], limits['processes'],
                             limits['check_cpu_seconds'] * checks + 10,
                             address_space_mb(limits['memory_mb'],
                                              limits.get('address_space_mb', 0)),
                             watch_memory=watchable())
        self.process, self.launch, self.cpu_before = None, None, 0.0
        self.warm_ups = True  # the runner warms each fresh executor up, until a warm-up fails

    def exchange(self, request, deadline):
        """The answer to `request` by `deadline` (a checks.deadline.Deadline, or a bare
        time.monotonic() for a wall-clock limit alone)."""
        deadline, process = Deadline.of(deadline), self.process
        if process is None:
            # Starting the executor and importing the code (JAX: 3 s) are not the request's:
            # its deadline moves by the time they took (the import has its own limit).
            began = time.monotonic()
            process = self._start()
            deadline = deadline.later(time.monotonic() - began, process.cpu_seconds() or 0.0)
        if deadline.cpu is not None and process.cpu_seconds() is None:
            deadline = deadline.wall_clock_only()
        cpu_limit = None if deadline.cpu is None else deadline.cpu - self.cpu_before
        try:
            return process.exchange(request, deadline.wall, cpu_limit)
        except AnswerTimeout as timeout:
            self._drop()
            raise ExecutorTimeout(deadline.exceeded(timeout.waited)) from None
        except ExecutorFailure as error:
            self._drop()
            raise ExecutorMisbehaved(str(error)) from None

    def _start(self):
        self.launch = self.sandbox.launch(self.target, self.limits)
        process = ExecutorProcess(self.launch, self.output)
        self.process = process
        try:
            hello = process.hello(time.monotonic() + self.import_seconds)
        except AnswerTimeout:
            self._drop()
            raise LoadFailed('while importing the implementation, the process was still '
                             f'running after {self.import_seconds:g} s (wall clock)') from None
        except ExecutorFailure as error:
            self._drop()
            raise LoadFailed(f'while importing the implementation, {error}') from None
        if 'load_error' in hello:
            self._drop()
            text = self.launch.shown(hello['load_error'])
            first = text.strip().splitlines()[0] if text.strip() else ''
            if 'MemoryError' in first or 'Cannot allocate memory' in first:
                text = f'the memory limit was hit ({self.memory_limits}): {text}'
            raise LoadFailed(text)
        return process

    def _drop(self):
        if self.process:
            self.cpu_before += self.process.cpu_seconds() or 0.0
            self.process.stop()
            self.process = None

    @property
    def cold(self):
        """No executor runs: the next request starts one (the runner warms it up first)."""
        return self.process is None

    @property
    def memory_limits(self):
        """The memory limits, in words, for a MemoryError's report."""
        limits = self.limits
        if not limits.watch_memory:
            return f'the process may reserve {limits.memory_mb} MB of address space (memory_mb)'
        return (f'the process may use {limits.memory_mb} MB of memory (memory_mb) and reserve '
                f'{limits.address_space_mb} MB of address space')

    def cpu_seconds(self):
        if self.process is None:
            return self.cpu_before
        used = self.process.cpu_seconds()
        return None if used is None else self.cpu_before + used

    def shown(self, text):
        return self.launch.shown(text) if self.launch else text

    def stop(self):
        self._drop()
