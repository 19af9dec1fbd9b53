"""Hostile submissions as grader runs: each tests/hostile/<name>.py becomes a package whose engine
is a copy of the reference (or of the stubs) beside it, graded by `python grader.py` in a sandbox
mode of our choice; and the assertions every hostile outcome shares."""
import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from grader_harness import HOSTILE, ROOT, Run

# On the stubs, these four checks are worth 2 of 6 (core.add passes, the three others are stubs):
# a forged verdict would show as a higher score.
STUB_CHECKS = ('core.add', 'ex1.by_hand', 'ex2.compile_returns_root', 'ex6.article_example')
STUB_HONEST = {'core.add': 'passed', 'ex1.by_hand': 'not_attempted',
               'ex2.compile_returns_root': 'not_attempted', 'ex6.article_example': 'not_attempted'}
ENGINES = {'reference': ROOT / 'reference', 'stubs': ROOT / 'exercises'}


def limits(example_seconds=2, check_cpu_seconds=10, check_wall_seconds=15, memory_mb=1024,
           file_mb=64, processes=64):
    """A grading.toml [limits] table (keys: grading/isolation.py Limits)."""
    return (f'[limits]\nexample_seconds = {example_seconds}\ncheck_cpu_seconds = '
            f'{check_cpu_seconds}\ncheck_wall_seconds = {check_wall_seconds}\n'
            f'memory_mb = {memory_mb}\nfile_mb = {file_mb}\nprocesses = {processes}\n')


SAFE_LIMITS = limits()


def package(name, engine='reference', params=None):
    """tmp -> tmp/<name>/, a package: tests/hostile/<name>.py as its __init__.py, the engine
    beside it as the subpackage _engine (`from reference import *` made relative), and `params`
    in _params.json ('{tmp}' and '{report}' expanded): the executor's environment is the
    grader's, not the test's, so that is how a hostile submission learns a path."""
    def build(tmp):
        target = tmp / name
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(ENGINES[engine], target / '_engine',
                        ignore=shutil.ignore_patterns('__pycache__'))
        source = (HOSTILE / f'{name}.py').read_text()
        source = source.replace('from reference import *', 'from ._engine import *')
        source = source.replace('import reference\n', 'from . import _engine as reference\n')
        (target / '__init__.py').write_text(source)
        values = {'tmp': str(tmp), 'report': str(tmp / 'report.json')}
        (target / '_params.json').write_text(json.dumps(
            {k: v.format(**values) for k, v in (params or {}).items()}))
        return target
    return build


def mode_env(mode):
    """The environment that makes the grader use sandbox `mode` (and a Python other users can
    open, in mode user, when the grader's own cannot be)."""
    env = {'GRADER_SANDBOX': mode}
    if mode == 'user' and _unreachable():
        env['GRADER_EXECUTOR_PYTHON'] = USER_PYTHON
    return env


USER_PYTHON = '/usr/bin/python3'


def _unreachable():
    sys.path.insert(0, str(ROOT))
    from grading import interpreter
    return interpreter.unreachable_for_others()


def available(mode):
    """None when sandbox `mode` works here, else why not."""
    sys.path.insert(0, str(ROOT))
    from grading import interpreter, sandbox
    old = {k: os.environ.get(k) for k in ('GRADER_EXECUTOR_PYTHON',)}
    os.environ.update({k: v for k, v in mode_env(mode).items() if k != 'GRADER_SANDBOX'})
    try:
        interpreter.python_paths.cache_clear()
        interpreter.site_packages.cache_clear()
        chosen, why = sandbox.choose(mode)
        return None if chosen == mode else why
    except sandbox.SandboxError as error:
        return str(error)
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        interpreter.python_paths.cache_clear()
        interpreter.site_packages.cache_clear()


def skip_unless(mode):
    """Skip the test when sandbox `mode` cannot be had on this machine, saying why."""
    why = available(mode)
    if why is not None:
        pytest.skip(f'sandbox mode {mode} is unavailable here: {why}')


def hostile(name, *checks, engine='reference', mode=None, fmt='json', config=SAFE_LIMITS,
            env=None, output=True, slow=False, params=None):
    args = tuple(a for c in checks for a in ('--check', c))
    env = dict(env or {}, **(mode_env(mode) if mode else {}))
    return Run(package(name, engine, params), args, fmt, config, env, output, slow)


def assert_outcome(outcome, returncode, statuses, score, max_score):
    """The exit code, every check's status and score, and the totals, exactly."""
    where = outcome.describe()
    assert outcome.returncode == returncode, where
    report = outcome.report
    checks = outcome.checks()
    where += '\n--- checks ---\n' + '\n'.join(f'{i}: {c["status"]} {c["message"][:300]}'
                                             for i, c in checks.items())
    assert {i: c['status'] for i, c in checks.items()} == statuses, where
    for check_id, check in checks.items():
        if check['status'] == 'passed':
            assert check['score'] == check['max_score'] > 0, (check_id, where)
        else:
            assert check['score'] == 0, (check_id, where)
    assert (report['score'], report['max_score']) == (score, max_score), where
    assert report['score'] == sum(c['score'] for c in checks.values())
    assert not report.get('FORGED')
    assert all(c['message'] != 'FORGED' for c in checks.values()), where
    return checks


def assert_not_above_honest(outcome, honest=STUB_HONEST, honest_score=2, max_score=6):
    """A hostile run on the stubs: no check passes that does not honestly, the maximum is the
    honest one, and the report is the grader's."""
    where = outcome.describe()
    assert outcome.returncode in (0, 1), where
    report = outcome.report
    checks = outcome.checks()
    statuses = {i: c['status'] for i, c in checks.items()}
    assert set(statuses) == set(honest), where
    assert all(statuses[i] != 'passed' or honest[i] == 'passed' for i in honest), \
        f'{statuses}\n{where}'
    assert 'skipped' not in statuses.values(), where
    assert report['max_score'] == max_score, where
    assert report['score'] <= honest_score, where
    assert report['score'] == sum(c['score'] for c in checks.values())
    return checks


def message(outcome, check_id):
    return outcome.checks()[check_id]['message']


def printed(outcome):
    return outcome.report['student_output']


def hostile_lines(outcome):
    return [line for line in printed(outcome).splitlines() if line.startswith('HOSTILE')]


def json_text(outcome):
    return json.dumps(outcome.report)
