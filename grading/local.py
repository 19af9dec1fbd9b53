"""Grading one implementation check by check from Python: for the project's tests and tools.

    with executor_for('tests/corpus/variants/foo') as impl:
        result = impl.run(check)

The same split as the grader's: the checks run here, the implementation in an executor process
(mode none unless asked: tests grade the project's own corpus, not hostile code).
"""
import contextlib
import dataclasses

from checks import runner

from .channel import Output
from .config import Config
from .judge import Executor
from .loader import adapter_limits, as_data, resolve, spec_of
from .sandbox import Sandbox


class Implementation:
    """An implementation behind a running executor; `run(check)` grades one check."""

    def __init__(self, executor, spec, output, limits):
        self.executor, self.spec, self.output, self.limits = executor, spec, output, limits

    def run(self, check, seed=runner.DEFAULT_SEED, profile='quick', replay=None, budget=None):
        budget = budget or runner.Budget(self.limits.example_seconds,
                                         self.limits.check_wall_seconds,
                                         self.limits.check_cpu_seconds)
        return runner.run(check, self.executor, self.spec, seed=seed, profile=profile,
                          budget=budget, replay=replay)

    def printed(self):
        return self.output.text()


@contextlib.contextmanager
def executor_for(impl, adapter=None, mode='none', limits=None):
    """An Implementation for --impl `impl` (and --adapter `adapter`), stopped on leaving; under
    `limits`, or the defaults raised as the adapter asks (as grader.py does)."""
    target = resolve(None if impl is None else str(impl), adapter)
    spec = spec_of(target)
    data = as_data(target, spec)
    limits = limits or Config().limits_for(adapter_limits(target, spec))[0]
    box = Sandbox.create(mode, 'local')
    executor = None
    try:
        box.prepare(data)
        output = Output()
        executor = Executor(box, data, dataclasses.asdict(limits), 50, output)
        yield Implementation(executor, spec, output, limits)
    finally:
        if executor:
            executor.stop()
        box.close()
