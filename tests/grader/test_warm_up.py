"""A JIT's slow first call is not charged to an example, and a time-out is never blamed on state.

Slow (below) is tests/fixtures/value_adapter.py's engine whose first call in each process takes
3 s, as tinygrad's first call compiles, then answers at once. Graded by `python grader.py
--adapter` with 2 s per example, it gets full marks: before the first example each fresh
executor serves, the runner makes one untimed warm-up call (checks/runner.py). And where an
example times out, then passes when Hypothesis runs it again (a path with no warm-up, here an
executor that says it is never cold), the check is a time-out that says so, not a failure that
says "depends on earlier calls".
"""
import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import reference
from checks import get, runner
from checks.adapters import article_spec
from checks.adapters.convention import value_spec
from checks.deadline import Deadline
from checks.failures import ExecutorTimeout
from corpus.bugs_engine import ENGINE
from executor.adapters import ArticleAdapter, ValueAdapter
from executor.steps import Interpreter

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / 'tests' / 'fixtures'
FIRST_CALL_SECONDS = 3

SLOW = '''

import time as _time

_CALLS = [0]


class Slow(ValueAdapter):
    """ValueAdapter whose first call in each process takes {seconds} s, like a JIT compiling."""
    name = 'valuegrad'
    operations = frozenset({{'add', 'mul', 'relu'}})
    levels = frozenset({{'functional'}})

    def _first_call_compiles(self):
        _CALLS[0] += 1
        if _CALLS[0] == 1:
            _time.sleep({seconds})

    def value(self, graph):
        self._first_call_compiles()
        return super().value(graph)

    def gradient(self, graph):
        self._first_call_compiles()
        return super().gradient(graph)
'''


def grade(tmp, *args, config=''):
    """The JSON report of python grader.py ARGS (run from the repository, as a student would)."""
    report = tmp / 'report.json'
    argv = [sys.executable, 'grader.py', *args, '--format', 'json', '--output', str(report)]
    if config:
        (tmp / 'grading.toml').write_text(config)
        argv += ['--config', str(tmp / 'grading.toml')]
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**_env(), 'CI': 'true', 'NO_COLOR': '1'})
    assert report.is_file(), f'exit {done.returncode}\n{done.stderr[-3000:]}'
    return json.loads(report.read_text()), done


def _env():
    import os
    return {k: v for k, v in os.environ.items() if not k.startswith('PYTEST_')}


def checks_of(report):
    return {c['id']: c for e in report['exercises'] for c in e['checks']}


def slow_adapter(folder):
    """(adapter argument, engine path): Slow written beside a copy of valuegrad.py."""
    engine = Path(shutil.copy(FIXTURES / 'valuegrad.py', folder / 'valuegrad.py'))
    adapter = folder / 'slow_adapter.py'
    adapter.write_text((FIXTURES / 'value_adapter.py').read_text()
                       + SLOW.format(seconds=FIRST_CALL_SECONDS))
    return f'{adapter}:Slow', str(engine)


def test_a_slow_first_call_is_not_charged_to_an_example(tmp_path):
    adapter, engine = slow_adapter(tmp_path)
    report, done = grade(tmp_path, '--adapter', adapter, '--impl', engine,
                         '--check', 'core.forward', '--check', 'core.gradients',
                         config='[limits]\nexample_seconds = 2\ncheck_wall_seconds = 20\n')
    checks = checks_of(report)
    assert {i: (c['status'], c['message']) for i, c in checks.items()} == {
        'core.forward': ('passed', ''), 'core.gradients': ('passed', '')}, done.stderr
    assert report['score'] == report['max_score'] == 6
    assert report['limits']['example_seconds'] == 2


class TimesOutOnce:
    """An executor in this process (the reference behind the article's adapter) whose first
    answer never comes, as if the first call compiled for longer than the example's limit, and
    which never asks for a warm-up (cold is False): the path a retry alone would paper over."""
    cold = False

    def __init__(self):
        self.interpreter = Interpreter(ArticleAdapter(reference))
        self.calls = 0

    def exchange(self, request, deadline):
        self.calls += 1
        if self.calls == 1:
            raise ExecutorTimeout()
        return json.loads(json.dumps(self.interpreter.answer(json.loads(json.dumps(request)))))

    def cpu_seconds(self):
        return None

    def shown(self, text):
        return text

    def close(self):
        self.interpreter.reset()


@pytest.mark.parametrize('check_id', ['core.forward', 'core.gradients'])
def test_a_time_out_that_passes_on_retry_is_a_time_out_not_state(check_id):
    executor = TimesOutOnce()
    try:
        result = runner.run(get(check_id), executor, article_spec('reference'),
                            budget=runner.Budget(example_seconds=2))
    finally:
        executor.close()
    assert result.status == 'timeout', result
    assert 'passed when run again' in result.message and 'slow first call' in result.message
    assert 'earlier calls' not in result.message and 'state kept' not in result.message
    assert result.points == 0


def test_a_warm_up_runs_before_the_first_example_of_a_cold_executor():
    """The runner's own contract: a cold executor gets one call before any example, with a
    deadline of its own (a share of the check's wall clock, not the example's 2 s)."""
    class Cold(TimesOutOnce):
        cold = True

        def __init__(self):
            super().__init__()
            self.deadlines = []

        def exchange(self, request, deadline):
            import time
            self.deadlines.append(Deadline.of(deadline).wall - time.monotonic())
            type(self).cold = False   # started by this call
            self.calls += 1
            return json.loads(json.dumps(self.interpreter.answer(json.loads(json.dumps(
                request)))))

    executor = Cold()
    executor.interpreter = Interpreter(ValueAdapter(_lecture_engine()))  # an engine: warmed up
    try:
        result = runner.run(get('core.forward'), executor, value_spec(ENGINE),
                            budget=runner.Budget(example_seconds=2, check_wall_seconds=40))
    finally:
        executor.close()
    assert result.status == 'passed', result
    assert executor.deadlines[0] > 5 > 2 >= max(executor.deadlines[1:])
    assert executor.calls == result.examples + 1


def _lecture_engine():
    spec = importlib.util.spec_from_file_location('lecture_engine', ENGINE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_article_api_gets_no_warm_up():
    """Plain Python: a warm-up would only run its classes where a check does not."""
    class Cold(TimesOutOnce):
        cold = True

        def exchange(self, request, deadline):
            type(self).cold = False
            self.calls += 1
            return json.loads(json.dumps(self.interpreter.answer(json.loads(json.dumps(
                request)))))

    executor = Cold()
    try:
        result = runner.run(get('core.forward'), executor, article_spec('reference'),
                            budget=runner.Budget(example_seconds=2, check_wall_seconds=40))
    finally:
        executor.close()
    assert result.status == 'passed', result
    assert executor.calls == result.examples


def test_an_import_is_not_charged_to_the_request_that_starts_the_executor(tmp_path):
    """Without a warm-up (the runner stops making them after one failed), the first example of a
    fresh executor starts it: its import, 2.5 s of CPU time, must not count against the example's
    2 s."""
    from grading.local import executor_for
    package = tmp_path / 'slow_import'
    shutil.copytree(ROOT / 'reference', package, ignore=shutil.ignore_patterns('__pycache__'))
    init = package / '__init__.py'
    init.write_text('import time\nbusy = time.process_time() + 2.5\n'
                    'while time.process_time() < busy:\n    pass\n' + init.read_text())
    with executor_for(package) as impl:
        impl.executor.warm_ups = False
        result = impl.run(get('core.add'), budget=runner.Budget(example_seconds=2))
    assert result.status == 'passed', result.message
