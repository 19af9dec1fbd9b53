"""--batch DIR: grade every submission in a folder, several at once, into one gradebook.

Which entries of DIR are graded (every entry gets exactly one gradebook row, so nothing handed in
goes unnoticed):

  * entries whose name starts with '.' (.DS_Store, .git, ...) and __pycache__ are skipped, and so
    is the output folder when it lies inside DIR;
  * a folder with an __init__.py is a package: the student's exercises/ folder, renamed or not;
  * a file ending in .py is a single-module implementation, and so is a notebook (.ipynb);
  * a folder holding exercises/__init__.py is a student's clone of the repository: its exercises/
    package is graded;
  * anything else (a folder with none of these, a .zip, a .txt) gets a row with status "error"
    and a message saying what was found instead.

A row's name is the entry's name (without .py for a file; with it when a folder of the same name
exists). Into the output folder (default: DIR-grades, beside DIR) go gradebook.csv and, per
row, <name>.txt (the text report, no colour; for a row the grader made no report for, why it was
not graded, in full) and, where the grader made a report, <name>.json (the JSON report). With
--roster, canvas.csv and moodle.csv too, for the LMS (grading/gradebooks.py, grading/roster.py).

Each submission is graded by a `python` process of its own, which calls cli.run_and_report exactly
as `python grader.py --impl X` would; a thread pool here waits on up to -j of them. Not threads
calling run_and_report side by side in this process: run_and_report forks one child per exercise,
and a child forked from a multi-threaded parent inherits every file descriptor the other threads
hold at that moment, the private results pipes of the other submissions included. One student's
code could then read another's results or write forged ones into them, and a child that crashes is
noticed late (its pipe's write end stays open in an unrelated child). A process per submission
costs about half a second of imports and shares nothing. Each of those processes grades its
submission's exercises side by side with the CPUs left to it (CPUs // -j, at least one: with
-j 1 on two CPUs, two exercises at once), so that -j 1 does not leave CPUs idle.

Exit code 0 once the batch has run, whatever the students' scores (each row's status says whether
its submission could be graded); 2 for a usage error (DIR missing or empty, a bad option).
"""
import json
import os
import signal
import subprocess
import sys
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from checks.adapters.limits import CEILINGS
from checks.profiles import DEFAULT_SEED
from checks.registry import EXERCISES

from . import config as config_module
from .gradebooks import (CANVAS_FILE, MOODLE_FILE, NO_SUBMISSION, lms_options, match_roster,
                         points, readable, write_gradebook, write_lms_files)
from .isolation import default_jobs, usable_cpus
from .loader import UsageError

ROOT = Path(__file__).resolve().parents[1]
SKIPPED_NAMES = {'__pycache__'}
MESSAGE_LENGTH = 300
# Runs in the per-submission process: the grader's own folder first on sys.path, as for
# `python grader.py` (python -c would put the current directory there instead).
_BOOT = ('import sys; sys.path[0] = {root!r}; from grading.batch import grade_one; '
         'sys.exit(grade_one(sys.argv[1]))')


@dataclass
class Submission:
    name: str
    path: Path
    impl: str = ''        # what --impl would be; '' when the entry is not a submission
    problem: str = ''     # why it is not one


@dataclass
class Row:
    submission: str
    score: float
    max_score: float
    exercises: dict
    status: str           # ok: graded; error: could not be graded (the message says why);
    seconds: float        # no submission: a student of the --roster who handed nothing in
    message: str = ''
    entry: str = ''       # the entry's file name in DIR (alice.py for the row alice)
    student: object = None   # with --roster: the roster.Student, None when not on it


def grade_batch(args):
    folder = Path(args.batch)
    if not folder.exists():
        raise UsageError(f'--batch {args.batch}: there is no such folder')
    if not folder.is_dir():
        raise UsageError(f'--batch {args.batch}: not a folder. Put each submission (a package '
                         'folder, a .py file or a clone of the repository) in one folder and '
                         'give that folder')
    for option, value in (('--impl', args.impl), ('--replay', args.replay),
                          ('--list', args.list)):
        if value:
            raise UsageError(f'--batch grades every entry of {args.batch}: it cannot be combined '
                             f'with {option}')
    roster, assignment = lms_options(args)
    jobs = args.jobs if args.jobs is not None else usable_cpus()
    if jobs < 1:
        raise UsageError(f'-j {jobs}: give at least 1 (submissions graded at once)')
    from .cli import select_checks  # here, not at the top: cli imports this module lazily
    config = config_module.load(args.config, ROOT)
    checks = select_checks(args)
    seed = args.seed if args.seed is not None else (config.seed or DEFAULT_SEED)
    profile = args.profile or config.profile or 'quick'
    folder = folder.resolve()
    output = Path(args.output).resolve() if args.output else \
        folder.parent / (folder.name + '-grades')
    if output.exists() and not output.is_dir():
        raise UsageError(f'--output {output}: a file is in the way; --batch writes a folder')
    submissions = find_submissions(folder, skip=output)
    if not submissions:
        raise UsageError(f'--batch {args.batch}: the folder is empty (hidden entries do not '
                         'count): nothing to grade')
    output.mkdir(parents=True, exist_ok=True)
    for stale in (CANVAS_FILE, MOODLE_FILE):   # an earlier batch's never pass for this one's
        (output / stale).unlink(missing_ok=True)

    check_points = config.points(checks)
    exercises = [e for e in EXERCISES if any(c.exercise == e for c in checks)]
    template = {  # paths as given: the grading processes share this one's working directory
        'config': args.config, 'adapter': args.adapter,
        'checks': [c.id for c in checks], 'seed': seed, 'profile': profile,
        # the CPUs left to each submission for its exercises (python grader.py -j)
        'exercise_jobs': max(1, min(default_jobs(), usable_cpus() // jobs)),
    }
    # A backstop for a grader bug only: isolation already stops every check at its wall limit,
    # which an adapter may raise (up to its ceiling) unless grading.toml sets it.
    wall = config.limits_for({'check_wall_seconds': CEILINGS['check_wall_seconds']}
                             if args.adapter else {})[0].check_wall_seconds
    backstop = len(checks) * (wall + 10) + 120
    empty = {'max_score': sum(check_points.values()),
             'exercises': {e: 0.0 for e in exercises}}

    started = time.perf_counter()
    progress = sys.stderr if sys.stderr.isatty() else None
    runner = _Runner(template, output, backstop, empty)
    rows = []
    with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix='batch') as pool:
        futures = {pool.submit(runner.grade, s): s for s in submissions}
        try:
            for future in as_completed(futures):
                row = future.result()
                rows.append(row)
                if progress:
                    progress.write(f'\r\033[K[{len(rows)}/{len(submissions)}] {row.submission}: '
                                   + (f'{points(row.score)}/{points(row.max_score)}'
                                      if row.status == 'ok' else 'error'))
                    progress.flush()
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            runner.stop_all()
            raise
    if progress:
        progress.write('\r\033[K')
    rows.sort(key=lambda r: r.submission)
    entries = {s.name: s.path.name for s in submissions}
    for row in rows:
        row.entry = entries[row.submission]
    errors = sum(r.status == 'error' for r in rows)
    summary = (f'grader: batch of {len(rows)} submissions graded in '
               f'{time.perf_counter() - started:.1f} s with -j {jobs} ({len(rows) - errors} ok, '
               f'{errors} error); gradebook: {output / "gradebook.csv"}')
    notes = []
    if roster is not None:
        rows, notes = match_roster(rows, roster, lambda student: _no_submission(student, empty))
    write_gradebook(output / 'gradebook.csv', rows, exercises, roster is not None, args.bom)
    if roster is not None:
        notes += write_lms_files(output, rows, assignment, args.bom)
    print(summary, file=sys.stderr)
    for note in notes:
        print(f'grader: {note}', file=sys.stderr)
    return 0


def _no_submission(student, empty):
    where = (f'no entry {student.submission!r} in the batch folder' if student.submission
             else 'the roster gives no submission')
    return Row(student.submission, 0.0, empty['max_score'], dict(empty['exercises']),
               NO_SUBMISSION, 0.0, f'{where} (roster line {student.line})', student=student)


def find_submissions(folder, skip=None):
    """Every visible entry of `folder`, sorted, as a Submission (impl '' when it is not one)."""
    entries = sorted(p for p in folder.iterdir()
                     if not p.name.startswith('.') and p.name not in SKIPPED_NAMES
                     and (skip is None or p.resolve() != Path(skip).resolve()))
    stems = [p.stem if p.is_file() and p.suffix in ('.py', '.ipynb') else p.name for p in entries]
    names = {p.name for p in entries}   # unique: the fallback when a stem is ambiguous
    submissions = []
    for path, stem in zip(entries, stems):
        unique = stems.count(stem) == 1 and (stem == path.name or stem not in names)
        name = stem if unique else path.name
        if path.is_symlink():
            submissions.append(Submission(name, path, problem=(
                f'not graded: {path.name} is a link (to {os.readlink(path)}); links are refused, '
                'put the submission itself in the folder')))
        elif path.is_dir() and (path / '__init__.py').is_file():
            submissions.append(Submission(name, path, str(path)))
        elif path.is_file() and path.suffix in ('.py', '.ipynb'):   # a notebook: its code cells
            submissions.append(Submission(name, path, str(path)))
        elif path.is_dir() and (path / 'exercises' / '__init__.py').is_file():
            submissions.append(Submission(name, path, str(path / 'exercises')))
        else:
            submissions.append(Submission(name, path, problem=_not_a_submission(path)))
    return submissions


def _not_a_submission(path):
    if path.is_dir():
        if (path / 'exercises').is_dir():
            return (f'not a submission: {path.name}/exercises has no __init__.py, so it is not a '
                    'package')
        return (f'not a submission: the folder {path.name} has no __init__.py and no '
                'exercises/ package')
    if path.suffix.lower() in ('.zip', '.tar', '.gz', '.tgz'):
        return f'not a submission: {path.name} is an archive; unpack it into a folder first'
    return f'not a submission: {path.name} is neither a package folder nor a .py file or notebook'


class _Runner:
    """Grades one submission per call, in a process of its own; safe to call from many threads."""

    def __init__(self, template, output, backstop, empty):
        self.template, self.output, self.backstop, self.empty = template, output, backstop, empty
        self.lock = threading.Lock()
        self.processes = set()
        self.stopping = False

    def grade(self, submission):
        started = time.perf_counter()
        try:
            self._remove_stale_reports(submission)
            if not submission.impl:
                return self._row(submission, started, message=submission.problem)
            return self._grade(submission, started)
        except Exception as error:  # never lose the batch to one submission
            return self._row(submission, started, message='the grader failed on this submission '
                             f'({type(error).__name__}: {error}): ' + _last_line(
                                 traceback.format_exc()), details=traceback.format_exc())

    def _reports(self, submission):
        return self.output / f'{submission.name}.json', self.output / f'{submission.name}.txt'

    def _remove_stale_reports(self, submission):
        """Reports of an earlier batch into the same folder never pass for this one's."""
        for stale in self._reports(submission):
            stale.unlink(missing_ok=True)

    def _grade(self, submission, started):
        json_path, text_path = self._reports(submission)
        job = {**self.template, 'impl': submission.impl, 'json': str(json_path),
               'text': str(text_path)}
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE='1', PYTHONIOENCODING='utf-8')
        with self.lock:
            if self.stopping:
                return self._row(submission, started, message='not graded: the batch was stopped')
            process = subprocess.Popen(
                [sys.executable, '-c', _BOOT.format(root=str(ROOT)), json.dumps(job)],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                env=env, text=True, encoding='utf-8', errors='replace')
            self.processes.add(process)
        try:
            try:
                out, err = process.communicate(timeout=self.backstop)
            except subprocess.TimeoutExpired:
                process.kill()
                out, err = process.communicate()
                return self._row(submission, started, message='the grader itself did not finish '
                                 f'within {self.backstop:g} s (a grader bug: every check has its '
                                 'own limit)', details=err + out)
        finally:
            with self.lock:
                self.processes.discard(process)
        if process.returncode != 0:
            what = {2: 'could not be graded', 3: 'the grader failed on this submission'}.get(
                process.returncode, f'the grading process exited with status '
                                    f'{process.returncode}')
            return self._row(submission, started, message=f'{what}: {_last_line(err + out)}',
                             details=err + out)
        try:
            report = json.loads(json_path.read_text(encoding='utf-8'))
        except (OSError, ValueError) as error:
            return self._row(submission, started, message=f'no report was written ({error})')
        return self._from_report(submission, report, started)

    def _from_report(self, submission, report, started):
        checks = [c for e in report['exercises'] for c in e['checks']]
        statuses = {c['status'] for c in checks}
        messages = {c['message'] for c in checks}
        # Every check stopped with one and the same error: the implementation did not import (or
        # hung, crashed or tampered with the grader while importing). Nothing was graded.
        not_loaded = checks and statuses <= {'error', 'timeout'} and len(messages) == 1
        if not_loaded:
            status, message = 'error', messages.pop()
        else:
            status, message = 'ok', _trouble(checks, report.get('notes', []))
        return Row(submission.name, report['score'], report['max_score'],
                   {e['id']: e['score'] for e in report['exercises']}, status,
                   time.perf_counter() - started, _one_line(message))

    def _row(self, submission, started, message, details=''):
        """An error row, and its text report when the grader wrote none: the row's message in
        full, and what the grading process said."""
        text_path = self._reports(submission)[1]
        if not text_path.exists():
            _write_why_not_graded(text_path, submission, message, details)
        return Row(submission.name, 0.0, self.empty['max_score'], dict(self.empty['exercises']),
                   'error', time.perf_counter() - started, _one_line(message))

    def stop_all(self):
        """Interrupted: stop every grading process (SIGINT first, so each stops its children)."""
        with self.lock:
            self.stopping = True
            processes = list(self.processes)
        for process in processes:
            try:
                process.send_signal(signal.SIGINT)
            except OSError:
                pass
        for process in processes:
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()


def _write_why_not_graded(path, submission, message, details):
    from .cli import _write_atomically  # here, not at the top: cli imports this module lazily
    text = f'Not graded: {submission.path}\n\n{message}\n'
    if details.strip() and details.strip() not in message:
        text += f'\nThe grading process said:\n{details.strip()}\n'
    _write_atomically(path, readable(text))


def _trouble(checks, notes):
    """For a graded submission: the checks that timed out or crashed, and grader notes."""
    parts = list(notes)
    for status in ('timeout', 'error'):
        ids = [c['id'] for c in checks if c['status'] == status]
        if ids:
            parts.append(f'{status}: {", ".join(ids)}')
    return '; '.join(parts)


def grade_one(job_text):
    """In the per-submission process: grade one implementation, write its JSON and text reports.

    Exit code 0 when both are written, 2 when the implementation cannot be resolved, 3 when the
    grader failed (the traceback is on stderr, which the batch keeps for the row's message).
    """
    from .cli import _write_atomically, run_and_report
    from .formats import json_format, text
    from .loader import resolve
    from checks.registry import get

    job = json.loads(job_text)
    try:
        config = config_module.load(job['config'], ROOT)
        checks = [get(check_id) for check_id in job['checks']]
        target = resolve(job['impl'], job['adapter'])
        report = run_and_report(target, checks, config, job['seed'], job['profile'],
                                progress_stream=None, jobs=job.get('exercise_jobs', 1))
        _write_atomically(job['json'], json_format.render(report))
        _write_atomically(job['text'], text.render(report, colour=False))
    except UsageError as error:
        print(error, file=sys.stderr)
        return 2
    except Exception:
        traceback.print_exc()
        return 3
    return 0


def _last_line(text):
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else '(no message)'


def _one_line(text):
    text = ' | '.join(line.strip() for line in str(text).splitlines() if line.strip())
    return text if len(text) <= MESSAGE_LENGTH else text[:MESSAGE_LENGTH - 3] + '...'
