"""The grader against hostile submissions (tests/hostile/): each run's exact outcome.

Each submission is the reference engine with one thing overridden. For each one: the exit code,
that the report exists and parses, the affected check's status, message and score 0, that another
selected check still gets its points (so the damage stays with the check that did it), and that no
forged score gets through.
"""
import base64
import json
import os
import re
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from grader_harness import HOSTILE, Run

POSIX_ONLY = pytest.mark.skipif(sys.platform == 'win32', reason='POSIX-only behaviour')
# Finding a process that left the grader's process group (setsid) takes a child subreaper.
LINUX_ONLY = pytest.mark.skipif(not sys.platform.startswith('linux'),
                                reason='needs PR_SET_CHILD_SUBREAPER (Linux)')


def limits(example_seconds=2, check_cpu_seconds=10, check_wall_seconds=15, memory_mb=1024):
    """A grading.toml [limits] table (keys: grading/config.py, grading/isolation.py Limits)."""
    return (f'[limits]\nexample_seconds = {example_seconds}\ncheck_cpu_seconds = '
            f'{check_cpu_seconds}\ncheck_wall_seconds = {check_wall_seconds}\n'
            f'memory_mb = {memory_mb}\n')


# Limits short enough that a run which goes wrong fails in seconds, long enough that the checks
# which pass never come near them on a loaded machine.
SAFE_LIMITS = limits()
# A hang: the per-example timer stops it (three hangs, then the smallest is reported).
HANG_LIMITS = limits(example_seconds=0.5)
# A hang that swallows every exception (the per-example and CPU timers raise inside it): only the
# parent's wall-clock kill stops it.
WALL_LIMITS = limits(example_seconds=0.5, check_cpu_seconds=1, check_wall_seconds=3)
MEMORY_LIMITS = limits(memory_mb=512)


def hostile(name, *checks, fmt='json', config=SAFE_LIMITS, env=None, output=True, slow=False):
    args = tuple(a for c in checks for a in ('--check', c))
    return Run(str(HOSTILE / f'{name}.py'), args, fmt, config, env or {}, output, slow)


BACKGROUND_ENV = {'HOSTILE_REPORT_PATH': '{report}', 'HOSTILE_PID_FILE': '{tmp}/pids'}

RUNS = {
    'hang_add': hostile('hang_add', 'core.add', 'core.multiply', config=HANG_LIMITS, slow=True),
    'hang_swallow_add': hostile('hang_swallow_add', 'core.add', 'core.multiply',
                                config=WALL_LIMITS, slow=True),
    'recursion_multiply': hostile('recursion_multiply', 'core.add', 'core.multiply'),
    'exit_at_import': hostile('exit_at_import', 'core.add', 'ex1.by_hand'),
    'exit_in_check': hostile('exit_in_check', 'core.add', 'core.sigmoid', 'core.sgd_step'),
    'os_exit_in_check': hostile('os_exit_in_check', 'core.add', 'core.relu', 'core.sigmoid'),
    'memory_bomb_relu': hostile('memory_bomb_relu', 'core.add', 'core.relu', 'core.sigmoid',
                                config=MEMORY_LIMITS),
    'segfault_sigmoid': hostile('segfault_sigmoid', 'core.add', 'core.sigmoid', 'core.sgd_step'),
    'fake_output': hostile('fake_output', 'core.add', 'core.multiply'),
    'fake_output_github': hostile('fake_output', 'core.add', 'core.multiply', fmt='github',
                                  output=False, env={'GITHUB_OUTPUT': '{tmp}/github_output'}),
    'fake_output_gradescope': hostile('fake_output', 'core.add', 'core.multiply',
                                      fmt='gradescope'),
    'fake_output_junit': hostile('fake_output', 'core.add', 'core.multiply', fmt='junit'),
    'lying_object': hostile('lying_object', 'core.add', 'core.multiply'),
    'lying_float': hostile('lying_float', 'core.add', 'core.multiply'),
    'nan_everywhere': hostile('nan_everywhere', 'core.add', 'core.losses'),
    'patch_runner': hostile('patch_runner', 'core.add', 'ex1.by_hand'),
    'patch_compare': hostile('patch_compare', 'core.add', 'ex1.by_hand'),
    'forge_report': hostile('forge_report', 'core.add', 'ex1.by_hand',
                            env={'HOSTILE_REPORT_PATH': '{report}'}),
    'forge_pipe': hostile('forge_pipe', 'core.add', 'ex1.by_hand'),
    'garble_pipe': hostile('garble_pipe', 'core.add', 'ex1.by_hand'),
    'del_raises': hostile('del_raises', 'core.add', 'core.sgd_step'),
    'background_writer': hostile('background_writer', 'core.add', 'ex1.by_hand',
                                 env=BACKGROUND_ENV),
    'background_writer_setsid': hostile('background_writer', 'core.add', 'ex1.by_hand',
                                        env={**BACKGROUND_ENV, 'HOSTILE_NEW_SESSION': '1'}),
}

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


def message(outcome, check_id):
    return outcome.checks()[check_id]['message']


# --- hangs, crashes and exits ---------------------------------------------------------------------


@POSIX_ONLY  # the per-example timer is SIGALRM
@pytest.mark.runs('hang_add')
def test_hang_is_a_timeout_and_the_next_check_still_runs(grader):
    run = grader['hang_add']
    assert_outcome(run, 1, {'core.add': 'timeout', 'core.multiply': 'passed'}, 2, 4)
    assert 'ran longer than 0.5 s' in message(run, 'core.add')
    assert run.checks()['core.add']['case'] is not None  # the smallest hanging example is shown
    assert run.seconds < 30


@pytest.mark.runs('hang_swallow_add')
def test_hang_that_swallows_the_timers_is_killed_by_the_wall_clock(grader):
    run = grader['hang_swallow_add']
    assert_outcome(run, 1, {'core.add': 'timeout', 'core.multiply': 'passed'}, 2, 4)
    assert 'still running after 3 s (wall clock)' in message(run, 'core.add')


@pytest.mark.runs('recursion_multiply')
def test_infinite_recursion_is_an_error(grader):
    run = grader['recursion_multiply']
    assert_outcome(run, 1, {'core.add': 'passed', 'core.multiply': 'error'}, 2, 4)
    assert 'maximum recursion depth exceeded' in message(run, 'core.multiply')
    assert 'recursion_multiply.py' in run.checks()['core.multiply']['traceback']


@pytest.mark.runs('exit_at_import')
def test_sys_exit_at_import_is_an_error_for_every_check(grader):
    run = grader['exit_at_import']
    checks = assert_outcome(run, 1, {'core.add': 'error', 'ex1.by_hand': 'error'}, 0, 4)
    for check in checks.values():
        assert 'exit_at_import.py called sys.exit(0)' in check['message']
        assert check['message'].startswith('importing ')
    assert 'Traceback' not in run.stderr


@pytest.mark.runs('exit_in_check')
def test_sys_exit_in_a_check_is_an_error_of_that_check(grader):
    run = grader['exit_in_check']
    assert_outcome(run, 1, {'core.add': 'passed', 'core.sigmoid': 'error',
                            'core.sgd_step': 'passed'}, 4, 5)
    assert message(run, 'core.sigmoid') == 'the implementation called sys.exit(0)'


@pytest.mark.runs('os_exit_in_check')
def test_os_exit_in_a_check_blames_it_and_a_fresh_child_goes_on(grader):
    run = grader['os_exit_in_check']
    assert_outcome(run, 1, {'core.add': 'passed', 'core.relu': 'error',
                            'core.sigmoid': 'passed'}, 3, 4)
    assert 'exited with status 0 in the middle of the check' in message(run, 'core.relu')


@POSIX_ONLY  # RLIMIT_AS
@pytest.mark.runs('memory_bomb_relu')
def test_memory_bomb_is_stopped_by_the_memory_limit(grader):
    run = grader['memory_bomb_relu']
    assert_outcome(run, 1, {'core.add': 'passed', 'core.relu': 'error',
                            'core.sigmoid': 'passed'}, 3, 4)
    assert message(run, 'core.relu').startswith('MemoryError')
    assert run.report['limits']['memory_mb'] == 512


@POSIX_ONLY  # a segfault is a signal
@pytest.mark.runs('segfault_sigmoid')
def test_segfault_blames_the_check_and_a_fresh_child_goes_on(grader):
    run = grader['segfault_sigmoid']
    assert_outcome(run, 1, {'core.add': 'passed', 'core.sigmoid': 'error',
                            'core.sgd_step': 'passed'}, 4, 5)
    assert message(run, 'core.sigmoid') == 'crashed: SIGSEGV (a segmentation fault)'


# --- wrong values in disguise ---------------------------------------------------------------------


@pytest.mark.runs('lying_object')
def test_object_equal_to_everything_with_a_garbage_float_fails(grader):
    run = grader['lying_object']
    assert_outcome(run, 1, {'core.add': 'failed', 'core.multiply': 'passed'}, 2, 4)
    assert message(run, 'core.add').startswith('Add.forward() is Liar Liar(), which float() '
                                               'cannot read')


@pytest.mark.runs('lying_float')
def test_float_subclass_that_lies_is_read_as_the_number_it_is(grader):
    run = grader['lying_float']
    assert_outcome(run, 1, {'core.add': 'passed', 'core.multiply': 'failed'}, 2, 4)
    check = run.checks()['core.multiply']
    assert check['what'] == 'Multiply.forward()'
    # Read through float itself: the true (wrong) number, one more than the product.
    assert check['actual'] == pytest.approx(check['expected'] + 1.0)


@pytest.mark.runs('nan_everywhere')
def test_nan_from_every_operation_fails_and_the_report_is_still_written(grader):
    run = grader['nan_everywhere']
    assert_outcome(run, 1, {'core.add': 'failed', 'core.losses': 'passed'}, 2, 4)
    assert message(run, 'core.add') == 'Add.forward() is NaN'
    # Strict JSON, as json_format promises (allow_nan=False): no NaN or Infinity constants.
    json.loads(run.report_text, parse_constant=lambda name: pytest.fail(f'{name} in the report'))


# --- patching the grader from inside --------------------------------------------------------------


@pytest.mark.runs('patch_runner')
def test_replacing_checks_runner_run_voids_the_exercises(grader):
    run = grader['patch_runner']
    checks = assert_outcome(run, 1, {'core.add': 'error', 'ex1.by_hand': 'error'}, 0, 4)
    for check in checks.values():
        assert "changed the grader's own code or builtins (checks.runner.run)" in \
            check['message']


@pytest.mark.runs('patch_compare')
def test_replacing_check_value_voids_the_exercises(grader):
    run = grader['patch_compare']
    checks = assert_outcome(run, 1, {'core.add': 'error', 'ex1.by_hand': 'error'}, 0, 4)
    for check in checks.values():
        assert "changed the grader's own code or builtins (checks.compare.check_value)" in \
            check['message']


@POSIX_ONLY
@pytest.mark.runs('forge_pipe')
def test_results_forged_on_the_private_pipe_are_not_taken(grader):
    """Student code finds the results pipe among its open descriptors and writes, in the
    grader's own framing, a 'passed' result for every check and then 'done', before any check
    has started. Those results answer no 'start': they must be refused, not scored."""
    run = grader['forge_pipe']
    checks = assert_outcome(run, 1, {'core.add': 'error', 'ex1.by_hand': 'error'}, 0, 4)
    for check in checks.values():
        assert 'results channel' in check['message']


@POSIX_ONLY
@pytest.mark.runs('garble_pipe')
def test_malformed_message_on_the_private_pipe_is_the_students_error_not_a_grader_crash(grader):
    run = grader['garble_pipe']
    checks = assert_outcome(run, 1, {'core.add': 'error', 'ex1.by_hand': 'error'}, 0, 4)
    for check in checks.values():
        assert 'results channel' in check['message']
    assert 'the grader itself failed' not in run.stderr


# --- forged reports -------------------------------------------------------------------------------


@pytest.mark.runs('forge_report')
def test_report_forged_at_import_is_overwritten_by_the_real_one(grader):
    run = grader['forge_report']
    assert_outcome(run, 0, {'core.add': 'passed', 'ex1.by_hand': 'passed'}, 4, 4)
    assert run.report['schema_version'] == 1 and 'FORGED' not in run.report_text


def _background_pids(run):
    pids_file = run.tmp / 'pids'
    assert pids_file.is_file(), 'the background writer never started: ' + run.describe()
    return [int(line) for line in pids_file.read_text().split()]


def _running(pid):
    """Whether pid is a live process (a zombie waiting for init to reap it is not)."""
    stat = Path(f'/proc/{pid}/stat')
    if Path('/proc/self/stat').exists():
        try:
            return stat.read_text().rsplit(')', 1)[1].split()[0] not in ('Z', 'X')
        except (OSError, IndexError):
            return False
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def _check_background(run):
    pids = _background_pids(run)
    # The writer overwrites the report 0.2 s after it appears: give it ample time to try.
    time.sleep(max(0.0, run.finished + 1.5 - time.monotonic()))
    try:
        survivors = [pid for pid in pids if _running(pid)]
        assert_outcome(run, 0, {'core.add': 'passed', 'ex1.by_hand': 'passed'}, 4, 4)
        assert 'FORGED' not in run.report_text
        assert survivors == [], 'processes started by the submission outlived the grader'
    finally:
        for pid in pids:  # started by this test's submission: never leave them behind
            _kill_writer(pid, run)


def _kill_writer(pid, run):
    """Kill pid if it is still this run's background writer (never a process reusing its id)."""
    try:
        command = Path(f'/proc/{pid}/cmdline').read_bytes().decode(errors='replace')
    except OSError:
        return
    if str(run.report_path) in command and _running(pid):
        try:
            os.kill(pid, 9)
        except OSError:
            pass


@POSIX_ONLY
@pytest.mark.runs('background_writer')
def test_background_process_is_killed_with_the_child(grader):
    run = grader['background_writer']
    assert len(_background_pids(run)) == 2  # one per exercise child
    _check_background(run)


@LINUX_ONLY
@pytest.mark.runs('background_writer_setsid')
def test_background_process_that_leaves_the_process_group_is_killed_too(grader):
    _check_background(grader['background_writer_setsid'])


# --- noise ----------------------------------------------------------------------------------------


@pytest.mark.runs('del_raises')
def test_exception_from_del_is_only_output(grader):
    run = grader['del_raises']
    assert_outcome(run, 0, {'core.add': 'passed', 'core.sgd_step': 'passed'}, 4, 4)
    assert 'RuntimeError: HOSTILE __del__ raised' in run.report['student_output']


# --- fake reports printed by the student ----------------------------------------------------------

FAKE_LINES = ('"output": "FORGED gradescope"', 'FORGED-junit', 'Total: 100/100',
              '::notice title=Score::100/100', '::error::FORGED error annotation',
              '::stop-commands::FORGEDTOKEN')


@pytest.mark.runs('fake_output')
def test_fake_reports_printed_stay_in_student_output_json(grader):
    run = grader['fake_output']
    checks = assert_outcome(run, 1, {'core.add': 'failed', 'core.multiply': 'passed'}, 2, 4)
    report = run.report
    for line in FAKE_LINES:
        assert line in report['student_output']  # printed via print() and os.write, fd 1 and 2
    rest = json.dumps({k: v for k, v in report.items() if k != 'student_output'})
    assert 'FORGED' not in rest and '100/100' not in rest
    assert checks['core.add']['what'] == 'Add.forward()'
    assert report['exercises'][0]['score'] == 2
    assert run.stdout == ''


@pytest.mark.runs('fake_output_github')
def test_github_annotations_are_only_the_graders(grader):
    run = grader['fake_output_github']
    assert run.returncode == 1, run.describe()
    lines = run.stdout.splitlines()
    starts = [line for line in lines if line.lstrip().startswith('::')]
    match = re.fullmatch(r'::stop-commands::([0-9a-f]{32})', starts[-2])
    assert match, starts
    token = match.group(1)
    assert starts[0].startswith('::error title=core.add::')
    assert starts == [starts[0], '::notice title=Score::2/4', f'::stop-commands::{token}',
                      f'::{token}::']
    begin, end = lines.index(f'::stop-commands::{token}'), lines.index(f'::{token}::')
    assert end == len(lines) - 1
    fake = [i for i, line in enumerate(lines) if '::notice title=Score::100/100' in line]
    assert fake and all(begin < i < end for i in fake)
    assert sum('::notice' in line for line in lines[:begin] + lines[end + 1:]) == 1
    # Between the markers, the text report: its own total last, the student's lines fenced.
    text = lines[begin + 1:end]
    assert [line for line in text if line.startswith('Total:')] == ['Total: 2/4'] == text[-1:]
    printed = [line for line in text if 'FORGED' in line or '100/100' in line]
    assert printed and all(line.startswith('  │ ') for line in printed)
    output = (run.tmp / 'github_output').read_text()
    assert output.startswith('result=') and output.count('\n') == 1
    result = json.loads(base64.b64decode(output[len('result='):]))
    assert result['status'] == 'fail' and result['max_score'] == 4
    assert {t['name'].split(':')[0]: (t['status'], t['score']) for t in result['tests']} == \
        {'core.add': ('fail', 0), 'core.multiply': ('pass', 2)}


@pytest.mark.runs('fake_output_gradescope')
def test_gradescope_results_carry_no_student_output(grader):
    run = grader['fake_output_gradescope']
    assert run.returncode == 1, run.describe()
    results = json.loads(run.report_text)
    assert results['score'] == 2 and results['stdout_visibility'] == 'hidden'
    assert [(t['name'].split(':')[0], t['score'], t['status']) for t in results['tests']] == \
        [('core.add', 0, 'failed'), ('core.multiply', 2, 'passed')]
    assert 'FORGED' not in run.report_text and '100/100' not in run.report_text


@pytest.mark.runs('fake_output_junit')
def test_junit_report_carries_no_student_output(grader):
    run = grader['fake_output_junit']
    assert run.returncode == 1, run.describe()
    suites = ET.fromstring(run.report_text)
    assert suites.get('name') == 'backprop-grader'
    assert (suites.get('tests'), suites.get('failures'), suites.get('errors')) == ('2', '1', '0')
    assert [case.get('name') for case in suites.iter('testcase')] == ['core.add', 'core.multiply']
    assert 'FORGED' not in run.report_text and '100/100' not in run.report_text
