"""What executors read of a submission: checked for links out of it and for size, then copied
(a snapshot), and scratch folders removed whatever their state.
"""
import errno
import os
import shutil
from pathlib import Path

SUBMISSION_MAX_BYTES, SUBMISSION_MAX_FILES = 50 * 2 ** 20, 5000


class SubmissionError(Exception):
    """The submission cannot be copied into the sandbox (a link leaving it, too large)."""


def check_submission(source):
    """Refuse a submission whose links lead outside it, or too large to copy; returns it."""
    source = Path(source)
    if source.is_symlink():
        raise SubmissionError(f'{source} is a link (to {os.readlink(source)}): give the '
                              'submission itself')
    base = source.resolve() if source.is_dir() else source.resolve().parent
    total, files = 0, 0
    for path in (source.rglob('*') if source.is_dir() else [source]):
        if path.is_symlink():
            target = path.resolve()
            if target != base and base not in target.parents:
                raise SubmissionError(f'{path} is a link to {os.readlink(path)}, outside the '
                                      'submission: links may only point inside it')
        files += 1
        if path.is_file():
            total += path.stat().st_size
        if files > SUBMISSION_MAX_FILES or total > SUBMISSION_MAX_BYTES:
            raise SubmissionError(f'{source} holds more than {SUBMISSION_MAX_FILES} files or '
                                  f'{SUBMISSION_MAX_BYTES // 2 ** 20} MB')
    return source


def copy_submission(source, destination):
    """A snapshot of a submission (checked first): later edits on disk change nothing."""
    source = check_submission(source)
    destination.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        shutil.copytree(source, destination, symlinks=False,
                        ignore=shutil.ignore_patterns('__pycache__', '*.py[co]'))
    else:
        shutil.copyfile(source, destination)


def remove_tree(path):
    """Delete a folder even if student code made parts of it read-only; never raises."""
    def writable_then_retry(function, target, _):
        try:  # only the folder is made writable: `target` may be a link to a file not ours
            os.chmod(os.path.dirname(target), 0o700)
            function(target)
        except OSError:
            pass
    try:
        shutil.rmtree(path, onerror=writable_then_retry)
    except OSError as error:
        if error.errno != errno.ENOENT:
            pass
