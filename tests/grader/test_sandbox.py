"""Containment, sandbox mode by sandbox mode: processes left behind, fork bombs, kill(-1), files
written outside the scratch folder, file size, the grader's own processes through /proc.

bwrap and user need root (and, for user, a Python other users can open: /usr/bin/python3 stands in
when the grader's own lives under /root); a mode this machine cannot give is reported as skipped
with the reason. The asserted outcomes are exact for what each mode promises (docs/instructors.md,
threat model).
"""
import os
import re
import sys
import time
import uuid
from pathlib import Path

import pytest

from grading import landlock
from hostile_runs import (assert_outcome, hostile, hostile_lines, limits, message, printed,
                          skip_unless)
from grader_harness import ROOT

pytestmark = pytest.mark.skipif(not sys.platform.startswith('linux'),
                                reason='the sandbox modes bwrap and user are Linux-only')
MODES = ('bwrap', 'user', 'none')
PROTECTED = ('bwrap', 'user')
TOKEN = f'hostile-token-{uuid.uuid4().hex}'
FORK_LIMITS = limits(processes=32, memory_mb=512)
FILE_LIMITS = limits(file_mb=16)


def _runs():
    runs = {}
    for mode in MODES:
        runs[f'background_writer@{mode}'] = hostile(
            'background_writer', 'core.add', 'ex1.by_hand', mode=mode,
            params={'report': '{report}', 'token': f'{TOKEN}-{mode}-a', 'new_session': ''})
        runs[f'background_setsid@{mode}'] = hostile(
            'background_writer', 'core.add', 'ex1.by_hand', mode=mode,
            params={'report': '{report}', 'token': f'{TOKEN}-{mode}-b', 'new_session': '1'})
        runs[f'big_file@{mode}'] = hostile('big_file', 'core.add', 'core.multiply', mode=mode,
                                           config=FILE_LIMITS)
        runs[f'write_everywhere@{mode}'] = hostile(
            'write_everywhere', 'core.add', mode=mode,
            params={'targets': os.pathsep.join(['{tmp}', str(ROOT), str(ROOT / 'reference')])})
    for mode in PROTECTED:
        runs[f'fork_bomb@{mode}'] = hostile('fork_bomb', 'core.add', 'core.multiply', mode=mode,
                                            config=FORK_LIMITS, params={'token': f'{TOKEN}-{mode}-fork'},
                                            slow=True)
        runs[f'kill_all@{mode}'] = hostile('kill_all', 'core.add', 'core.sigmoid', 'ex1.by_hand',
                                           mode=mode)
    return runs


RUNS = _runs()


def _alive(token):
    """Pids of live processes (not zombies) whose command line holds `token`."""
    found = []
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            command = Path(f'/proc/{entry}/cmdline').read_bytes().decode(errors='replace')
            state = Path(f'/proc/{entry}/stat').read_text().rsplit(')', 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if token in command and state not in ('Z', 'X'):
            found.append(int(entry))
    return found


def _kill(pids):
    for pid in pids:
        try:
            os.kill(pid, 9)
        except OSError:
            pass


# --- what outlives a check -------------------------------------------------------------------------


@pytest.mark.parametrize('mode', MODES)
@pytest.mark.parametrize('variant', ['background_writer', 'background_setsid'])
def test_background_processes_are_ended_with_the_grade(grader, mode, variant):
    """A process started at import that waits for the report to overwrite it, in the same
    session or in one of its own: none is left once the grader has exited, in any mode."""
    skip_unless(mode)
    run = grader[f'{variant}@{mode}']
    token = f'{TOKEN}-{mode}-{"a" if variant == "background_writer" else "b"}'
    time.sleep(max(0.0, run.finished + 1.0 - time.monotonic()))  # it rewrites every 0.5 s
    survivors = _alive(token)
    _kill(survivors)
    assert_outcome(run, 0, {'core.add': 'passed', 'ex1.by_hand': 'passed'}, 4, 4)
    assert 'FORGED' not in run.report_text
    assert survivors == [], f'processes of the submission outlived the grader in mode {mode}'


@pytest.mark.parametrize('mode', PROTECTED)
def test_fork_bomb_is_capped_and_ended(grader, mode):
    skip_unless(mode)
    run = grader[f'fork_bomb@{mode}']
    survivors = _alive(f'{TOKEN}-{mode}-fork')
    _kill(survivors)
    assert survivors == []
    checks = run.checks()
    # Its sleeping children (64 MB each) count in the memory of the executor that forked them:
    # the next check there either passes, or is stopped with the memory limit named.
    multiply = checks['core.multiply']
    assert multiply['status'] == 'passed' or (
        multiply['status'] == 'error' and 'memory limit was hit' in multiply['message']), \
        run.describe()
    forked = [int(n) for n in re.findall(r'HOSTILE forked (\d+)', printed(run))]
    assert forked and max(forked) < 32, printed(run)   # RLIMIT_NPROC of the sandbox user


@pytest.mark.parametrize('mode', PROTECTED)
def test_kill_minus_one_reaches_only_the_submissions_own_processes(grader, mode):
    """kill(-1) from the executor of one exercise: the grader, the judges and the executors of
    the other exercises run as other users (and, with bwrap, in other PID namespaces)."""
    skip_unless(mode)
    run = grader[f'kill_all@{mode}']
    if mode == 'bwrap':  # alone in its PID namespace: kill(-1) finds no process at all
        assert_outcome(run, 1, {'core.add': 'passed', 'core.sigmoid': 'error',
                                'ex1.by_hand': 'passed'}, 4, 5)
        assert message(run, 'core.sigmoid') == 'ProcessLookupError: [Errno 3] No such process'
    else:  # every other process belongs to another user: the signal reaches none of them
        assert_outcome(run, 0, {'core.add': 'passed', 'core.sigmoid': 'passed',
                                'ex1.by_hand': 'passed'}, 5, 5)


# --- files ---------------------------------------------------------------------------------------


@pytest.mark.parametrize('mode', MODES)
def test_files_written_outside_the_scratch_folder(grader, mode):
    """bwrap: only the scratch folder (its HOME) is writable. user: the same with Landlock (Linux
    5.13+), else also the folders every user may write (/tmp, /var/tmp, /dev/shm); never the
    grader's or the test's. none: as the user."""
    skip_unless(mode)
    run = grader[f'write_everywhere@{mode}']
    wrote = sorted({line.split(' ', 2)[2] for line in hostile_lines(run)
                    if line.startswith('HOSTILE wrote /')})
    for path in wrote:
        if path.startswith(('/tmp/', '/var/tmp/', '/dev/shm/')) and mode != 'bwrap':
            Path(path).unlink(missing_ok=True)
    assert_outcome(run, 0, {'core.add': 'passed'}, 2, 2)
    outside = [p for p in wrote if Path(p).parent.name not in ('work',)
               and not re.match(r'/tmp/grader-\w+/work-\w+/', p)]
    if mode == 'bwrap':
        assert wrote == ['/work/HOSTILE-was-here'], wrote
    elif mode == 'user' and landlock.available():   # Landlock: the scratch folder only
        assert outside == [] and len(wrote) == 1, wrote
        assert 'Landlock' in run.report['isolation']['description']
    elif mode == 'user':
        assert set(outside) <= {'/tmp/HOSTILE-was-here', '/var/tmp/HOSTILE-was-here',
                                '/dev/shm/HOSTILE-was-here'}, wrote
    for target in (run.tmp, ROOT, ROOT / 'reference'):
        planted = target / 'HOSTILE-was-here'
        if mode in PROTECTED:
            assert not planted.exists(), f'{planted} was written in mode {mode}'
        planted.unlink(missing_ok=True)


@pytest.mark.parametrize('mode', MODES)
def test_file_size_limit_stops_a_huge_write(grader, mode):
    skip_unless(mode)
    run = grader[f'big_file@{mode}']
    assert_outcome(run, 1, {'core.add': 'error', 'core.multiply': 'passed'}, 2, 4)
    assert message(run, 'core.add') in (
        'the process running your code crashed: SIGXFSZ (the file size limit)',
        'OSError: [Errno 27] File too large')
