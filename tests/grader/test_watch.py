"""--watch: a grade, then a regrade each time a file of the implementation is saved, until Ctrl-C.

The end-to-end tests run `python grader.py --watch` as the student does, save a file and read
the new report; every read has a deadline and the process is killed in a `finally`, so that a
watch that stops answering fails the test instead of hanging it.
"""
import argparse
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from grading import cli, watch
from grading.export import export_student

ROOT = Path(__file__).resolve().parents[2]
CORRECT_ADD = 'return [1.0] * len(self.children)'
BROKEN_ADD = 'return [2.0] * len(self.children)'
DEADLINE = 60   # seconds for one report; a grade of core.add takes about 4
posix_only = pytest.mark.skipif(os.name != 'posix', reason='sends SIGINT to one process')


class Watch:
    """A running `python grader.py --watch`, its stdout read line by line by a thread."""

    def __init__(self, *args, cwd=ROOT):
        self.process = subprocess.Popen(
            [sys.executable, 'grader.py', '--watch', *args], cwd=cwd, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, encoding='utf-8',
            env={**os.environ, 'PYTHONUNBUFFERED': '1', 'PYTHONIOENCODING': 'utf-8',
                 'NO_COLOR': '1'})
        self.lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)   # the end of the output

    def until_waiting(self, timeout=DEADLINE):
        """Everything printed up to the watch's next 'watching ...' line: one grade's output."""
        seen, deadline = [], time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                pytest.fail('no report within the deadline; output so far:\n' + ''.join(seen))
            if line is None:
                self.process.wait(timeout=10)
                pytest.fail('the watch ended; output:\n' + ''.join(seen) + self.stderr())
            seen.append(line)
            if line.startswith('watching '):
                return ''.join(seen)

    def quiet_for(self, seconds):
        """What was printed within `seconds` (nothing, when nothing was regraded)."""
        time.sleep(seconds)
        seen = []
        while not self.lines.empty():
            seen.append(self.lines.get() or '')
        return ''.join(seen)

    def interrupt(self):
        """Ctrl-C: (exit status, stderr)."""
        self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout=30)
        return self.process.returncode, self.stderr()

    def stderr(self):
        return self.process.stderr.read() if self.process.poll() is not None else ''

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def implementation(tmp_path, add_line):
    """A copy of reference/ whose Add.grad returns `add_line`."""
    folder = tmp_path / 'impl'
    shutil.copytree(ROOT / 'reference', folder, ignore=shutil.ignore_patterns('__pycache__'))
    operations = folder / 'operations.py'
    operations.write_text(operations.read_text().replace(CORRECT_ADD, add_line))
    return folder


def save(path, text):
    """Write as an editor saves, and move the time stamp on: a save within the file system's
    time resolution of the last one must still count."""
    before = path.stat().st_mtime_ns
    path.write_text(text)
    if path.stat().st_mtime_ns <= before:
        os.utime(path, ns=(before + 10**9, before + 10**9))


@posix_only
def test_a_saved_fix_is_regraded_and_ctrl_c_ends_the_watch_with_0(tmp_path):
    folder = implementation(tmp_path, BROKEN_ADD)
    operations = folder / 'operations.py'
    running = Watch('--impl', str(folder), '--check', 'core.add')
    try:
        first = running.until_waiting()
        assert 'grading core.add (as asked)' in first
        early = first.index('✗ core.add  Add.grad()')   # the failure before the report
        assert early < first.index('Grading ') < first.index('Total: 0/2'), first

        for dropping in ('.operations.py.swp', 'operations.py~', '.#operations.py'):
            (folder / dropping).write_text('editor droppings')
        assert running.quiet_for(1.5) == '', 'an editor file started a regrade'

        save(operations, operations.read_text().replace(BROKEN_ADD, CORRECT_ADD))
        second = running.until_waiting()
        assert 'saved: operations.py ====' in second and 'regrading core.add' in second
        assert 'Total: 2/2' in second and '✗' not in second, second

        status, stderr = running.interrupt()
        assert status == 0 and 'Traceback' not in stderr, stderr
        assert 'watch stopped' in stderr
    finally:
        running.kill()


@posix_only
def test_a_save_that_breaks_the_import_is_reported_and_the_watch_goes_on(tmp_path):
    folder = implementation(tmp_path, CORRECT_ADD)
    operations = folder / 'operations.py'
    correct = operations.read_text()
    running = Watch('--impl', str(folder), '--check', 'core.add')
    try:
        assert 'Total: 2/2' in running.until_waiting()
        save(operations, correct + '\ndef half_typed(:\n')
        broken = running.until_waiting()
        assert 'could not be imported: SyntaxError' in broken and 'Total: 0/2' in broken, broken
        save(operations, correct)
        assert 'Total: 2/2' in running.until_waiting()   # still watching, and regrading
        status, stderr = running.interrupt()
        assert status == 0 and 'Traceback' not in stderr, stderr
    finally:
        running.kill()


@posix_only
def test_the_student_copy_watches_too(tmp_path):
    """--export-student ships grading/watch.py: the watch runs there on the exercises' stubs."""
    copy = tmp_path / 'student'
    export_student(copy, out=open(os.devnull, 'w'))
    assert (copy / 'grading' / 'watch.py').is_file()
    assert '--watch' in (copy / 'README.md').read_text()
    running = Watch('--check', 'core.add', cwd=copy)
    try:
        assert 'Total: 2/2' in running.until_waiting()   # core is given, not an exercise
        status, stderr = running.interrupt()
        assert status == 0 and 'Traceback' not in stderr, stderr
    finally:
        running.kill()


@pytest.mark.parametrize('statuses, expected', [
    ([('core', 'passed'), ('ex1', 'passed'), ('ex2', 'failed'), ('ex3', 'not_attempted')], 'ex2'),
    ([('core', 'failed'), ('ex1', 'failed')], 'core'),
    ([('ex3', 'failed'), ('core', 'passed'), ('ex2', 'failed')], 'ex2'),   # course order
    ([('core', 'passed'), ('ex1', 'not_attempted'), ('ex2', 'not_attempted')], 'ex1'),
    ([('core', 'passed'), ('ex1', 'not_attempted'), ('ex2', 'failed')], 'ex2'),  # skipped ex1
    ([('core', 'passed'), ('ex1', 'passed')], None),   # all pass: the whole set
    ([], None),
])
def test_the_exercise_worked_on_is_the_first_not_passing(statuses, expected):
    assert watch.exercise_to_focus(statuses) == expected


def _args(**given):
    return argparse.Namespace(**{'exercise': None, 'check': None, **given})


class _Report:
    def __init__(self, statuses):
        self.exercises = [argparse.Namespace(id=e, status=s) for e, s in statuses]


def test_the_header_says_what_is_regraded_and_why():
    last = _Report([('core', 'passed'), ('ex3', 'failed')])
    assert watch.plan_text(_args(), 'ex3', None, last) == \
        'regrading ex3 (the first exercise failing); a full grade follows when it passes'
    assert 'ex4 (the next exercise to start)' in watch.plan_text(
        _args(), 'ex4', None, _Report([('ex4', 'not_attempted')]))
    assert watch.plan_text(_args(), None, 'ex3', last) == \
        'regrading every exercise (ex3 passes now)'
    assert watch.plan_text(_args(check=['core.add']), None, None, last) == \
        'regrading core.add (as asked)'


def test_editor_droppings_and_caches_are_not_watched(tmp_path):
    (tmp_path / 'ops.py').write_text('x = 1\n')
    before = watch.snapshot([tmp_path])
    assert list(before) == [str(tmp_path / 'ops.py')]
    (tmp_path / '__pycache__').mkdir()
    for name in ('.ops.py.swp', 'ops.py~', '.#ops.py', '__pycache__/ops.py', 'notes.txt'):
        (tmp_path / name).write_text('not a save of the implementation')
    assert watch.snapshot([tmp_path]) == before
    (tmp_path / 'new.py').write_text('y = 2\n')
    assert watch.changed_files(before, watch.snapshot([tmp_path]), [tmp_path]) == ['new.py']


def test_a_half_written_save_is_graded_only_once_it_holds_still(monkeypatch):
    graded, half, whole = {'a.py': (1, 10)}, {'a.py': (2, 4)}, {'a.py': (3, 20)}
    polls = iter([graded, half, whole, whole, {'a.py': (9, 9)}])
    monkeypatch.setattr(watch, 'snapshot', lambda roots: next(polls))
    assert watch.wait_for_change([], graded, poll=0) == whole


@pytest.mark.parametrize('argv, expected', [
    (['--batch', 'submissions'], '--watch with --batch'),
    (['--format', 'json'], '--watch with --format json'),
    (['--output', 'report.txt'], '--watch with --output'),
    (['--check', 'core.add', '--replay', '{}'], '--watch with --replay'),
    (['--impl', 'json'], 'not a module name'),
    (['--impl', 'missing.py'], 'there is no such file'),
])
def test_usage_errors_exit_2(argv, expected, monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    assert cli.main(['--watch', *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith('grader: ') and expected in err and 'Traceback' not in err, err


def test_the_names_of_saved_files_reach_the_terminal_inert():
    shown = watch.names_text(['a\x1b[31mred.py', 'b\rover.py'])
    assert '\x1b' not in shown and '\r' not in shown
    assert 'red.py' in shown and 'over.py' in shown
