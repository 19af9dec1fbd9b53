"""--watch: grade once, then regrade each time a file of the implementation is saved.

What is regraded is the exercise being worked on: the ones --exercise/--check name, else the
first exercise not passing yet, and the whole set again once it passes. Each grade is a normal
grade (cli.grade: the same sandbox, limits and report); only the choice of exercises is ours.

Changes are found by polling (mtime_ns, size) snapshots: no dependency, the same on Linux, macOS
and Windows, and it still works on network and container mounts where file-system events get lost.
"""
import argparse
import os
import re
import sys
import time
import traceback
from pathlib import Path

from checks.registry import EXERCISES

from .cli import ROOT, grade
from .loader import BUILT_IN, UsageError
from .neutral import inert

POLL_SECONDS = 0.4
# Options that do not go with --watch, and why: what to type instead.
NOT_WITH_WATCH = {
    'batch': '--batch grades a folder of submissions once; drop --watch',
    'output': '--watch shows its reports on screen; drop --output (or --watch, to write a file)',
    'replay': '--replay runs one example once; drop --watch',
    'list': '--list only lists the checks; drop --watch',
    'otter_tests': '--otter-tests writes files once; drop --watch',
    'export_student': '--export-student writes a copy once; drop --watch',
    'setup_sandbox': '--setup-sandbox runs once; drop --watch',
}


def check_options(args):
    """Raise UsageError for an option --watch cannot honour, saying what to do instead."""
    for name, advice in NOT_WITH_WATCH.items():
        if getattr(args, name, None):
            raise UsageError(f'--watch with --{name.replace("_", "-")}: {advice}')
    if args.format != 'text':
        raise UsageError(f'--watch with --format {args.format}: --watch shows the text report on '
                         f'screen; run without --watch for a {args.format} report')


def watch(args, poll=POLL_SECONDS):
    """Grade, then regrade on every save until Ctrl-C (exit 0). A usage error of the first grade
    is exit 2; after that, nothing the student saves stops the watch. (cli.main has called
    check_options.)"""
    roots = watched_roots(args)
    explicit = args.exercise or args.check
    try:
        graded = snapshot(roots)
        announce('grading ' + (what_was_asked(args) if explicit else 'every exercise'), [])
        report, focus_graded = grade_once(args, None), None
        while True:
            focus = None if explicit else exercise_to_focus(statuses(report))
            print(f'\nwatching {describe_roots(roots)} for changes (Ctrl-C to stop)', flush=True)
            latest = wait_for_change(roots, graded, poll)
            changed = changed_files(graded, latest, roots)
            graded = latest
            announce(plan_text(args, focus, focus_graded, report), changed,
                     clear=sys.stdout.isatty())
            new_report = try_to_grade(args, focus)
            if new_report:   # else the last report still says where the student stands
                report, focus_graded = new_report, focus
    except KeyboardInterrupt:
        print('\ngrader: watch stopped', file=sys.stderr, flush=True)
        return 0


# --- what is regraded ---

def exercise_to_focus(exercise_statuses):
    """The exercise being worked on, from [(exercise id, status)] of the last grade: the first
    that failed, else the first not attempted, else None (all pass: grade the whole set). A
    failure goes first so that a stub skipped for later does not hide the exercise at hand."""
    ordered = sorted(exercise_statuses, key=lambda pair: EXERCISES.index(pair[0]))
    for wanted in ('failed', 'not_attempted'):
        for exercise, status in ordered:
            if status == wanted:
                return exercise
    return None


def statuses(report):
    return [(e.id, e.status) for e in report.exercises] if report else []


def plan_text(args, focus, focus_graded, last_report):
    """What the next grade covers and why, in one line."""
    if args.exercise or args.check:
        return f'regrading {what_was_asked(args)}'
    if focus:
        why = ('the first exercise failing' if dict(statuses(last_report)).get(focus)
               == 'failed' else 'the next exercise to start')
        return f'regrading {focus} ({why}); a full grade follows when it passes'
    return 'regrading every exercise' + (f' ({focus_graded} passes now)' if focus_graded else '')


def what_was_asked(args):
    return ', '.join((args.exercise or []) + (args.check or [])) + ' (as asked)'


def grade_once(args, focus):
    """The report of one grade as `python grader.py` makes it (of `focus` alone, when given),
    written to the screen; None when there was none."""
    reports = []
    chosen = args if focus is None else argparse.Namespace(**dict(vars(args), exercise=[focus],
                                                                 check=None))
    grade(chosen, progress_stream=early_failures_stream(), on_report=reports.append)
    return reports[0] if reports else None


def try_to_grade(args, focus):
    """grade_once, where no error stops the watch: it is shown, and the next save regrades."""
    try:
        return grade_once(args, focus)
    except UsageError as error:   # e.g. the folder was removed, the notebook is half written
        print(f'grader: {error}\n(the watch goes on: save again to regrade)', file=sys.stderr)
    except Exception:
        print('grader: the grader itself failed; this is a bug in the grader, not in your code. '
              'Please report it with this traceback (the watch goes on):', file=sys.stderr)
        traceback.print_exc()
    return None


def early_failures_stream():
    """Where each failure shows as soon as it is known: the terminal's stderr, with the progress
    line, as in a normal grade; else (a pipe, an editor's pane) stdout, as plain lines."""
    return sys.stderr if sys.stderr.isatty() else FinishedLinesOnly(sys.stdout)


class FinishedLinesOnly:
    """A stream for text.early_failure and text.progress that keeps only whole lines, without
    the codes that rewrite a terminal line in place: the progress line itself is left out."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, text):
        text = text.replace('\r\033[K', '')
        if text.endswith('\n'):
            self.stream.write(text)

    def flush(self):
        self.stream.flush()

    def isatty(self):
        return False


def announce(plan, changed, clear=False):
    """The header of a grade: the time, the files saved, what is graded and why."""
    if clear and os.environ.get('TERM') != 'dumb':
        sys.stdout.write('\033[2J\033[H')   # a clean screen for each run, only on a terminal
    saved = f'  saved: {names_text(changed)}' if changed else ''
    space = '' if clear or not changed else '\n'   # apart from the last report
    print(f'{space}==== {time.strftime("%H:%M:%S")}{saved} ====\n{plan}\n', flush=True)


def names_text(names):
    """The files saved, made inert: a file name can hold escape codes too."""
    names = [inert(name) for name in names]
    return ', '.join(names) if len(names) <= 3 else f'{", ".join(names[:3])} and ' \
                                                    f'{len(names) - 3} more'


# --- what is watched ---

def watched_roots(args):
    """The files and folders whose saves mean a regrade: --impl (a folder, a .py file or a
    notebook; default exercises/) and a user-written --adapter file."""
    impl = args.impl if args.impl or args.adapter else str(ROOT / 'exercises')
    roots = []
    if impl:
        path = Path(impl)
        if not path.is_dir() and path.suffix not in ('.py', '.ipynb'):
            raise UsageError(f'--watch --impl {impl}: --watch watches files; give the folder or '
                             'the .py file of your implementation, not a module name')
        roots.append(path)
    if args.adapter and not (args.adapter in BUILT_IN and not Path(args.adapter).is_file()):
        roots.append(Path(re.sub(r':\w+$', '', args.adapter)))
    return roots


def describe_roots(roots):
    return ' and '.join(f'{root}{os.sep}*.py' if root.is_dir() else str(root) for root in roots)


def ignored(name):
    """Caches and editor droppings (vim's .x.swp, Emacs' .#x and x~, hidden folders): no save
    of the student's."""
    return name.startswith('.') or name.endswith('~') or name == '__pycache__' or \
        name.endswith('.egg-info')


def sources_under(folder):
    for parent, folders, names in os.walk(folder):
        folders[:] = [f for f in folders if not ignored(f)]
        yield from (Path(parent, n) for n in names if n.endswith('.py') and not ignored(n))


def snapshot(roots):
    """{path: (mtime_ns, size)} of every watched file there is now."""
    found = {}
    for root in roots:
        for path in sources_under(root) if root.is_dir() else [root]:
            try:
                stat = path.stat()
            except OSError:   # not there (yet, or any more): its coming back is a change
                continue
            found[str(path)] = (stat.st_mtime_ns, stat.st_size)
    return found


def wait_for_change(roots, graded, poll):
    """The snapshot of the next save: one that differs from `graded` and stays the same for a
    poll, so that a file half written is not graded."""
    previous = graded
    while True:
        time.sleep(poll)
        latest = snapshot(roots)
        if latest != graded and latest == previous:
            return latest
        previous = latest


def changed_files(before, after, roots):
    """The names of the files saved, added or removed, relative to their watched folder."""
    paths = sorted(p for p in set(before) | set(after) if before.get(p) != after.get(p))
    return [shown_name(p, roots) + ('' if p in after else ' (removed)') for p in paths]


def shown_name(path, roots):
    for root in roots:
        if root.is_dir() and Path(path).is_relative_to(root):
            return str(Path(path).relative_to(root))
    return Path(path).name
