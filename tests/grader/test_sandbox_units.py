"""grading/sandbox.py and grading/landlock.py in this process: the choice of a mode, the checks
on a submission before it is copied, the users handed out, and Landlock's refusal to write."""
import os
import sys
import time

import pytest

from grading import landlock, processes, sandbox, submission

LINUX = pytest.mark.skipif(not sys.platform.startswith('linux'), reason='Linux only')
ROOT_ONLY = pytest.mark.skipif(not hasattr(os, 'geteuid') or os.geteuid() != 0,
                               reason='needs root (the sandbox users)')


def test_an_unknown_or_impossible_mode_is_a_clear_error(monkeypatch):
    with pytest.raises(sandbox.SandboxError, match='choose auto, bwrap, user or none'):
        sandbox.choose('docker')
    assert sandbox.choose('none') == ('none', 'GRADER_SANDBOX=none')
    if os.geteuid() != 0:
        with pytest.raises(sandbox.SandboxError, match='needs the grader to run as root'):
            sandbox.choose('bwrap')


def test_links_out_of_a_submission_are_refused(tmp_path):
    package = tmp_path / 'package'
    package.mkdir()
    (package / '__init__.py').write_text('x = 1\n')
    (package / 'inside.py').symlink_to(package / '__init__.py')   # inside: fine
    assert submission.check_submission(package) == package
    (package / 'outside.py').symlink_to(tmp_path / 'elsewhere.py')
    with pytest.raises(submission.SubmissionError, match='outside the submission'):
        submission.check_submission(package)
    (tmp_path / 'link').symlink_to(package)
    with pytest.raises(submission.SubmissionError, match='is a link'):
        submission.check_submission(tmp_path / 'link')


def test_a_copy_is_a_snapshot(tmp_path):
    source, copy = tmp_path / 'source', tmp_path / 'copy'
    source.mkdir()
    (source / '__init__.py').write_text('x = 1\n')
    submission.copy_submission(source, copy)
    (source / '__init__.py').write_text('x = 2\n')
    assert (copy / '__init__.py').read_text() == 'x = 1\n'


@ROOT_ONLY
@LINUX
def test_users_are_handed_out_once_and_everything_of_a_user_is_killed():
    pool, other = processes.UserPool(), processes.UserPool()
    first = pool.take()
    second = other.take()       # another grader on the machine: another user
    assert first != second
    pid = os.fork()
    if pid == 0:  # a process of the user, which forks and sleeps
        os.setgroups([])
        os.setgid(first)
        os.setuid(first)
        os.fork()
        time.sleep(60)
        os._exit(0)
    deadline = time.monotonic() + 10   # on a loaded machine the two may take a while to start
    while len(processes.processes_of(first)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(processes.processes_of(first)) == 2   # the child and the one it forked
    processes.kill_user(first)
    os.waitpid(pid, 0)
    deadline = time.monotonic() + 5
    while processes.processes_of(first) and time.monotonic() < deadline:
        time.sleep(0.05)  # the grandchild, re-parented, is reaped by init
    assert processes.processes_of(first) == []
    pool.give_back(first)
    other.give_back(second)


@LINUX
def test_landlock_lets_a_process_write_only_in_its_folder(tmp_path):
    if not landlock.available():
        pytest.skip('this kernel has no Landlock')
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        outcome = [landlock.write_only_in(str(tmp_path))]
        for path in (tmp_path / 'mine', tmp_path.parent / 'not-mine', '/dev/null'):
            try:
                with open(path, 'w') as f:
                    f.write('x')
                outcome.append('wrote')
            except OSError:
                outcome.append('refused')
        os.write(write, repr(outcome).encode())
        os._exit(0)
    os.close(write)
    outcome = os.read(read, 1000).decode()
    os.waitpid(pid, 0)
    assert outcome == "[True, 'wrote', 'refused', 'wrote']"
    assert not (tmp_path.parent / 'not-mine').exists()
