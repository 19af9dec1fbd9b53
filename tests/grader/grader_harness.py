"""Running the grader as a subprocess, many runs at once (the fixture is in conftest.py).

A test module defines RUNS = {name: Run(...)} and marks each test with the runs it reads:
@pytest.mark.runs('hang_add'). The `grader` fixture (conftest.py) starts every run the selected
tests of all modules need, a few in parallel, so that the slow part (each run's process start-up,
its limits) overlaps; `grader['hang_add']` waits for that one run and returns its Outcome.
"""
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional, Union

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = ROOT / 'tests' / 'hostile'
RUN_TIMEOUT = 90          # seconds; a run this long is a grader bug (the test fails, never hangs)
# Grader runs at once in this process; pytest-xdist's workers share the machine.
PARALLEL = max(2, min(6, 2 * (os.cpu_count() or 1))
               // int(os.environ.get('PYTEST_XDIST_WORKER_COUNT', '1')))

@dataclass(frozen=True)
class Run:
    """One grader invocation: python grader.py --impl IMPL [args] --format FMT [--output FILE]."""
    impl: Union[str, Callable[[Path], str]]   # a path (relative to ROOT), or tmp -> path
    args: tuple = ()
    fmt: str = 'json'
    config: Optional[str] = None   # TOML text for --config
    env: dict = field(default_factory=dict)   # extra variables; '{tmp}', '{report}' expanded
    output: bool = True            # --output <tmp>/report.<ext> (else the report is on stdout)
    slow: bool = False             # started first: a hang or a limit makes it the longest


@dataclass
class Outcome:
    run: Run
    tmp: Path
    argv: list
    returncode: int
    stdout: str
    stderr: str
    report_path: Optional[Path]
    seconds: float
    finished: float    # time.monotonic() when the grader exited

    @property
    def report_text(self):
        return self.report_path.read_text() if self.report_path else self.stdout

    @property
    def report(self):
        """The JSON report (parsed), failing the test with the run's stderr if there is none."""
        assert self.report_path is not None and self.report_path.is_file(), \
            f'no report was written (exit {self.returncode}); stderr:\n{self.stderr[-3000:]}'
        return json.loads(self.report_path.read_text())

    def checks(self):
        """{check id: the check's entry in the JSON report}."""
        return {c['id']: c for e in self.report['exercises'] for c in e['checks']}

    def describe(self):
        return (f'$ {" ".join(map(str, self.argv))}\nexit {self.returncode} after '
                f'{self.seconds:.1f} s\n--- stderr ---\n{self.stderr[-3000:]}')


# Taken once, in the main thread: runs start from worker threads while pytest sets and unsets
# PYTEST_CURRENT_TEST in os.environ, and reading os.environ meanwhile can fail (a KeyError).
BASE_ENV = {k: v for k, v in os.environ.items()
            if not k.startswith(('GITHUB_', 'HOSTILE_', 'PYTEST_'))}


def grader_env(extra=None):
    env = dict(BASE_ENV)
    env.update({'CI': 'true', 'NO_COLOR': '1', 'PYTHONDONTWRITEBYTECODE': '1'})
    env.update(extra or {})
    return env


def execute(run, tmp):
    tmp.mkdir(parents=True, exist_ok=True)
    impl = run.impl(tmp) if callable(run.impl) else run.impl
    argv = [sys.executable, 'grader.py', '--impl', str(impl), *run.args, '--format', run.fmt]
    report_path = None
    if run.output:
        report_path = tmp / ('report.xml' if run.fmt == 'junit' else
                             'report.txt' if run.fmt in ('text', 'github') else 'report.json')
        argv += ['--output', str(report_path)]
    if run.config is not None:
        config = tmp / 'grading.toml'
        config.write_text(run.config)
        argv += ['--config', str(config)]
    values = {'tmp': str(tmp), 'report': str(report_path)}
    env = grader_env({k: v.format(**values) for k, v in run.env.items()})
    started = time.monotonic()
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=RUN_TIMEOUT)
    finished = time.monotonic()
    return Outcome(run, tmp, argv, done.returncode, done.stdout, done.stderr, report_path,
                   finished - started, finished)


class Grader:
    """Grader runs keyed by (module name, run name), all started at once, awaited one by one."""

    def __init__(self, runs, tmp_factory):
        self.runs, self.tmp_factory = dict(runs), tmp_factory
        self.pool = ThreadPoolExecutor(max_workers=PARALLEL)
        self.futures = {}
        self.start(runs)

    def start(self, runs):
        """Start these runs (the slow ones first), unless started already."""
        self.runs.update(runs)
        for key in sorted(runs, key=lambda k: not runs[k].slow):
            self._submit(key)

    def _submit(self, key):
        if key not in self.futures:
            tmp = self.tmp_factory.mktemp(key[1], numbered=True)
            self.futures[key] = self.pool.submit(execute, self.runs[key], tmp)
        return self.futures[key]

    def view(self, module):
        """What a test module sees: grader['name'] is the Outcome of its RUNS['name']."""
        grader = self

        class View:
            def __getitem__(self, name):
                key = (module.__name__, name)
                grader.runs.setdefault(key, module.RUNS[name])
                return grader._submit(key).result()

        return View()

    def close(self):
        for future in self.futures.values():
            future.cancel()
        self.pool.shutdown(wait=True)
