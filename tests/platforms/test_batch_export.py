"""--batch (a gradebook for a folder of submissions) and --export-student (the student repository).

The batch runs on one folder mixing a correct submission, a buggy one, one that hangs, one that
does not import, a clone of the repository and a folder that is not a submission, restricted to a
few core checks and short limits so that it stays fast; it runs twice, with -j 1 and -j 2, and the
two gradebooks must agree.
"""
import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from corpus import edited_copy  # noqa: E402
from grading.gradebooks import read_gradebook  # noqa: E402

# An example's limit is CPU time (checks/deadline.py), so a loaded machine does not turn a slow
# example into a time-out (wall clock once changed a grade between the -j 1 and -j 2 runs); each
# hang shrunk costs the hanging submission one example_seconds of CPU.
LIMITS = '[limits]\nexample_seconds = 1\ncheck_cpu_seconds = 10\ncheck_wall_seconds = 20\n'
# A few fast core checks. Left out: core.training (one example of about half a second) and
# core.gradients (shrinking the buggy submission's failure takes seconds): they add time only.
CHECKS = ('core.add', 'core.multiply', 'core.relu', 'core.forward')
MAX_SCORE = 2 + 2 + 1 + 3
COLUMNS = ['submission', 'score', 'max_score', 'core', 'status', 'seconds', 'message']

# Each submission is a package with its own copy of the engine (the grader never lets a
# submission import the instructor's reference/): the reference, or the reference with an edit.
BUGGY = ('operations.py', '        # d(x0 * x1 * ... )/d(xi)',   # Multiply.grad: all ones, wrong
         '        return [1.0 for _ in self.children]\n        # d(x0 * x1 * ... )/d(xi)')
HANGING = ('operations.py', 'return sum(x)', 'while True:\n            pass')   # Add.op
BROKEN = 'def broken(:\n    pass\n'
# Hostile: tries to raise its neighbour's grade, zero another's and take over the gradebook.
FRIEND = """import glob, os, signal
for pattern in ('../*/operations.py', '../../*/*/operations.py', '/submission/../*/*.py'):
    for path in glob.glob(pattern):
        try:
            with open(path, 'a') as f:
                f.write('\\nraise SystemExit(0)\\n')
        except OSError:
            pass
for pattern in ('../../*-grades/*', '../../*.toml', '/tmp/grader-*/*'):
    for path in glob.glob(pattern):
        try:
            with open(path, 'w') as f:
                f.write('FORGED')
        except OSError:
            pass
try:
    os.kill(-1, signal.SIGKILL)
except OSError:
    pass
"""


def engine(folder, edit=None, extra=''):
    """A copy of the reference as a package, with one text edit and extra code at import."""
    edited_copy(folder, [edit] if edit else ())
    if extra:
        with open(folder / '__init__.py', 'a') as f:
            f.write('\n' + extra)


def _protected():
    """Whether batch entries run in a sandbox here (root: modes bwrap or user), the mode none
    giving no protection between entries."""
    from grading import sandbox
    try:
        return sandbox.choose()[0] != 'none'
    except sandbox.SandboxError:
        return False


PROTECTED = _protected()
OK = ['buggy', 'clone', 'correct', 'hanging'] + (['friend'] if PROTECTED else [])
ERRORS = ['broken', 'link_in', 'link_out', 'model', 'notes']


def environment():
    env = {k: v for k, v in os.environ.items() if k not in ('PYTHONPATH', 'NO_COLOR')}
    env['PYTHONIOENCODING'] = 'utf-8'
    return env


def run(args, cwd=ROOT, timeout=240, python_options=()):
    return subprocess.run([sys.executable, *python_options, 'grader.py', *args], cwd=cwd,
                          env=environment(), capture_output=True, text=True, encoding='utf-8',
                          timeout=timeout)


@pytest.fixture(scope='module')
def batch(tmp_path_factory):
    base = tmp_path_factory.mktemp('batch')
    folder = base / 'submissions'
    folder.mkdir()
    engine(folder / 'correct')
    engine(folder / 'buggy', BUGGY)
    engine(folder / 'hanging', HANGING)
    engine(folder / 'broken', extra=BROKEN)
    if PROTECTED:
        engine(folder / 'friend', extra=FRIEND)
    (folder / 'model.py').write_text('from reference import *\n')   # the instructor's, by name
    (folder / 'link_out').symlink_to(ROOT / 'reference')
    engine(folder / 'link_in')
    (folder / 'link_in' / 'operations.py').unlink()
    (folder / 'link_in' / 'operations.py').symlink_to(ROOT / 'reference' / 'operations.py')
    shutil.copytree(ROOT / 'exercises', folder / 'clone' / 'exercises',
                    ignore=shutil.ignore_patterns('__pycache__'))
    (folder / 'notes').mkdir()
    (folder / 'notes' / 'README.txt').write_text('not a submission')
    (folder / '.DS_Store').write_text('hidden: skipped')
    config = base / 'limits.toml'
    config.write_text(LIMITS)
    selection = ['--exercise', 'core', *(a for c in CHECKS for a in ('--check', c)),
                 '--config', str(config), '--seed', '7']
    runs, started = {}, {}
    for jobs in (1, 2):   # both batches at once: two graders on one machine must not meet
        output = base / f'grades-j{jobs}'
        started[jobs] = (output, subprocess.Popen(
            [sys.executable, 'grader.py', '--batch', str(folder), '-j', str(jobs), '--output',
             str(output), *selection], cwd=ROOT, env=environment(), stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, encoding='utf-8'))
    for jobs, (output, process) in started.items():
        stdout, stderr = process.communicate(timeout=240)
        result = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
        with open(output / 'gradebook.csv', newline='', encoding='utf-8') as f:
            rows = list(csv.reader(f))
        runs[jobs] = {'result': result, 'output': output, 'header': rows[0],
                      'rows': {row[0]: dict(zip(rows[0], row)) for row in rows[1:]},
                      'order': [row[0] for row in rows[1:]]}
    return {'folder': folder, 'runs': runs}


def report(batch, name, jobs=1):
    return json.loads((batch['runs'][jobs]['output'] / f'{name}.json').read_text())


def checks_of(data):
    return {c['id']: c for e in data['exercises'] for c in e['checks']}


def test_batch_exits_0_and_summarises(batch):
    for jobs, outcome in batch['runs'].items():
        result = outcome['result']
        assert result.returncode == 0, result.stderr
        assert f'with -j {jobs}' in result.stderr
        assert f'batch of {len(OK + ERRORS)} submissions' in result.stderr
        assert f'{len(OK)} ok, {len(ERRORS)} error' in result.stderr


def test_gradebook_columns_and_one_row_per_visible_entry(batch):
    outcome = batch['runs'][1]
    assert outcome['header'] == COLUMNS
    assert outcome['order'] == sorted(OK + ERRORS)
    for row in outcome['rows'].values():
        assert float(row['max_score']) == MAX_SCORE
        assert float(row['score']) == float(row['core'])   # one exercise graded: core
        assert row['status'] in ('ok', 'error')
        assert float(row['seconds']) >= 0


def test_links_out_of_a_submission_are_refused_with_a_row(batch):
    rows = batch['runs'][1]['rows']
    assert (rows['link_out']['status'], float(rows['link_out']['score'])) == ('error', 0)
    assert 'is a link' in rows['link_out']['message']
    assert 'links are refused' in rows['link_out']['message']
    assert (rows['link_in']['status'], float(rows['link_in']['score'])) == ('error', 0)
    assert 'operations.py is a link to' in rows['link_in']['message']
    assert 'outside the submission' in rows['link_in']['message']
    assert not (batch['runs'][1]['output'] / 'link_out.json').exists()


def test_the_instructors_model_answer_is_not_importable_by_name(batch):
    row = batch['runs'][1]['rows']['model']
    assert (row['status'], float(row['score'])) == ('error', 0)
    assert "No module named 'reference'" in row['message']


@pytest.mark.skipif(not PROTECTED, reason='entries share a user in mode none (not root)')
def test_an_entry_cannot_touch_its_neighbours_or_the_gradebook(batch):
    """friend tries to append `raise SystemExit` to every other entry's operations.py, to
    overwrite the gradebook, the config and other grades' scratch folders, and kill(-1)."""
    rows = batch['runs'][1]['rows']
    assert (rows['friend']['status'], float(rows['friend']['score'])) == ('ok', MAX_SCORE)
    assert float(rows['correct']['score']) == MAX_SCORE
    folder = batch['folder']
    assert 'SystemExit' not in (folder / 'correct' / 'operations.py').read_text()
    assert 'FORGED' not in (batch['runs'][1]['output'] / 'gradebook.csv').read_text()


def test_correct_submission_gets_full_marks(batch):
    for name in ('correct', 'clone'):   # a .py file, and a clone of the repository (exercises/)
        row = batch['runs'][1]['rows'][name]
        assert (row['status'], float(row['score']), row['message']) == ('ok', MAX_SCORE, '')
    assert report(batch, 'clone')['implementation'].endswith(os.path.join('clone', 'exercises'))


def test_buggy_submission_loses_points(batch):
    row = batch['runs'][1]['rows']['buggy']
    assert row['status'] == 'ok'
    assert float(row['score']) < MAX_SCORE
    assert checks_of(report(batch, 'buggy'))['core.multiply']['status'] == 'failed'


def test_hanging_submission_times_out_and_the_batch_goes_on(batch):
    row = batch['runs'][1]['rows']['hanging']
    assert row['status'] == 'ok'
    assert float(row['score']) < MAX_SCORE
    assert 'timeout' in row['message'] and 'core.add' in row['message']
    checks = checks_of(report(batch, 'hanging'))
    assert checks['core.add']['status'] == 'timeout'
    assert checks['core.forward']['status'] == 'timeout'
    assert checks['core.multiply']['status'] == 'passed'   # no Add in it


def test_submission_that_does_not_import_scores_0_with_the_syntax_error(batch):
    row = batch['runs'][1]['rows']['broken']
    assert (row['status'], float(row['score'])) == ('error', 0)
    assert 'SyntaxError' in row['message'] and \
        os.path.join('broken', '__init__.py') + ', line' in row['message']
    assert '\n' not in row['message']
    assert all('SyntaxError' in c['message'] for c in checks_of(report(batch, 'broken')).values())


def test_folder_that_is_not_a_submission_gets_an_error_row(batch):
    row = batch['runs'][1]['rows']['notes']
    assert (row['status'], float(row['score'])) == ('error', 0)
    assert 'not a submission' in row['message']
    assert not (batch['runs'][1]['output'] / 'notes.json').exists()


def test_json_and_text_report_per_submission(batch):
    output = batch['runs'][1]['output']
    for name in ('broken', 'buggy', 'clone', 'correct', 'hanging', 'model'):
        data = json.loads((output / f'{name}.json').read_text())
        assert data['seed'] == 7 and data['profile'] == 'quick'
        assert sorted(checks_of(data)) == sorted(CHECKS)
        text = (output / f'{name}.txt').read_text(encoding='utf-8')
        assert text.startswith('Grading ') and 'Total: ' in text
        assert '\033[' not in text


def test_two_jobs_give_the_same_gradebook_as_one(batch):
    one, two = batch['runs'][1], batch['runs'][2]
    assert one['header'] == two['header'] and one['order'] == two['order']

    def without_seconds(rows):
        return {name: {k: v for k, v in row.items() if k != 'seconds'}
                for name, row in rows.items()}
    assert without_seconds(one['rows']) == without_seconds(two['rows'])
    for name in ('buggy', 'hanging', 'correct'):
        statuses = [{i: c['status'] for i, c in checks_of(report(batch, name, j)).items()}
                    for j in (1, 2)]
        assert statuses[0] == statuses[1], name


@pytest.mark.skipif(not hasattr(os, 'openpty'), reason='a terminal needs a POSIX pty')
def test_on_a_terminal_the_batch_shows_each_row_as_it_is_graded(tmp_path):
    """An instructor at a terminal sees '[1/1] correct: 2/2' as rows finish (the progress line
    once called the points table as a function, and the batch failed at its first row)."""
    folder = tmp_path / 'submissions'
    folder.mkdir()
    engine(folder / 'correct')
    terminal, other_end = os.openpty()
    try:
        done = subprocess.run([sys.executable, 'grader.py', '--batch', str(folder), '--check',
                               'core.add'], cwd=ROOT, env=environment(), stdout=subprocess.PIPE,
                              stderr=other_end, timeout=240)
        os.close(other_end)
        shown = b''
        while True:
            try:
                chunk = os.read(terminal, 65536)
            except OSError:   # the pty closed: everything was read
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(terminal)
    assert done.returncode == 0, shown.decode('utf-8', 'replace')[-2000:]
    assert '[1/1] correct: 2/2' in shown.decode('utf-8', 'replace')


def test_batch_usage_errors_exit_2(tmp_path):
    missing = run(['--batch', str(tmp_path / 'nowhere')])
    assert missing.returncode == 2 and 'no such folder' in missing.stderr
    empty = tmp_path / 'empty'
    empty.mkdir()
    (empty / '.hidden').write_text('')
    result = run(['--batch', str(empty)])
    assert result.returncode == 2 and 'empty' in result.stderr
    assert not (tmp_path / 'empty-grades').exists()


def test_submission_names_and_the_clone_rule(tmp_path):
    from grading.batch import find_submissions
    (tmp_path / 'alice').mkdir()
    (tmp_path / 'alice' / '__init__.py').write_text('')
    (tmp_path / 'alice.py').write_text('')
    (tmp_path / 'bob').mkdir()
    (tmp_path / 'bob' / 'exercises').mkdir()
    (tmp_path / 'bob' / 'exercises' / '__init__.py').write_text('')
    (tmp_path / 'carol.zip').write_text('')
    (tmp_path / '__pycache__').mkdir()
    (tmp_path / '.git').mkdir()
    found = {s.name: s for s in find_submissions(tmp_path)}
    assert sorted(found) == ['alice', 'alice.py', 'bob', 'carol.zip']
    assert found['alice'].impl == str(tmp_path / 'alice')
    assert found['alice.py'].impl == str(tmp_path / 'alice.py')
    assert found['bob'].impl == str(tmp_path / 'bob' / 'exercises')
    assert found['carol.zip'].impl == '' and 'archive' in found['carol.zip'].problem


def test_every_row_has_a_report_saying_why_when_it_was_not_graded(tmp_path):
    """An error row keeps everything the gradebook's one line cannot hold: `<name>.txt` says why
    the entry was not graded, the grader's whole message included; `<name>.json` is a report, so
    it exists only where the grader made one, and none is left over from an earlier batch."""
    folder = tmp_path / 'submissions'
    (folder / 'notes').mkdir(parents=True)
    (folder / 'notes' / 'README.txt').write_text('not a submission')
    engine(folder / 'link_in')
    (folder / 'link_in' / 'nodes.py').unlink()
    (folder / 'link_in' / 'nodes.py').symlink_to(ROOT / 'reference' / 'nodes.py')
    output = tmp_path / 'grades'
    output.mkdir()
    (output / 'notes.json').write_text('{"score": 75}')   # from an earlier batch
    result = run(['--batch', str(folder), '--output', str(output), '--check', 'core.add'])
    assert result.returncode == 0, result.stderr
    rows = {row['submission']: row for row in read_gradebook(output / 'gradebook.csv')}
    assert {name: row['status'] for name, row in rows.items()} == {
        'link_in': 'error', 'notes': 'error'}
    for name, why in (('notes', 'the folder notes has no __init__.py'),
                      ('link_in', 'nodes.py is a link to')):
        text = (output / f'{name}.txt').read_text(encoding='utf-8')
        assert text.startswith('Not graded: ') and why in text and why in rows[name]['message']
        assert not (output / f'{name}.json').exists(), name


# --- --export-student ----------------------------------------------------------------------------

@pytest.fixture(scope='module')
def exported(tmp_path_factory):
    destination = tmp_path_factory.mktemp('export') / 'student-repo'
    result = run(['--export-student', str(destination)])
    assert result.returncode == 0, result.stderr
    return destination, result


def test_export_leaves_out_the_model_answer_and_the_tests(exported):
    destination, result = exported
    for withheld in ('reference', 'tests', '.ci', 'docs/instructors.md', 'platforms'):
        assert not (destination / withheld).exists(), withheld
    assert not list(destination.rglob('__pycache__'))
    for present in ('exercises/__init__.py', 'checks/registry.py', 'grading/cli.py', 'grader.py',
                    'pyproject.toml', 'README.md', 'docs/contract.md'):
        assert (destination / present).is_file(), present
    packages = tomllib.loads((destination / 'pyproject.toml').read_text())['tool']['setuptools'][
        'packages']
    assert 'reference' not in packages and 'exercises' in packages and 'grading' in packages
    assert '`reference/`' not in (destination / 'README.md').read_text()
    assert 'exercises/' in result.stdout and 'not exported: reference/' in result.stdout


REPOSITORY_PATH = re.compile(r'(?<![\w/.-])((?:tests|docs|reference|platforms|benchmarks|adapters|'
                             r'exercises|checks|grading|executor|\.ci)/[\w./-]*[\w/])')


def test_every_path_a_shipped_document_names_is_in_the_copy_or_said_not_to_be(exported):
    """Students read README.md, docs/ and grading.toml in their copy: a path named there that
    the copy does not have is marked '(not in this copy)', never left for them to look for."""
    destination, _ = exported
    documents = [p for p in destination.rglob('*') if p.suffix == '.md' or p.name == 'grading.toml']
    assert len(documents) >= 4
    dangling = []
    for document in documents:
        for n, line in enumerate(document.read_text(encoding='utf-8').splitlines(), 1):
            for found in REPOSITORY_PATH.finditer(line):
                after = found.end()
                if line.count('`', 0, found.start()) % 2:   # in a code span: after it ends
                    after = line.find('`', after) + 1
                if not (destination / found.group(1)).exists() and \
                        not line.startswith(' (not in this copy)', after):
                    dangling.append(f'{document.relative_to(destination)}:{n}: {found.group(1)}')
    assert not dangling, dangling
    readme = (destination / 'README.md').read_text(encoding='utf-8')
    assert '| `adapters/`' not in readme     # the row about a folder the copy does not have


def test_export_refuses_a_non_empty_folder_and_the_repository(exported, tmp_path):
    destination, _ = exported
    again = run(['--export-student', str(destination)])
    assert again.returncode == 2 and 'not empty' in again.stderr
    inside = run(['--export-student', str(ROOT / 'student-copy')])
    assert inside.returncode == 2 and 'inside the repository' in inside.stderr
    assert not (ROOT / 'student-copy').exists()
    (tmp_path / 'file').write_text('x')
    assert run(['--export-student', str(tmp_path)]).returncode == 2


def test_exported_grader_grades_its_own_exercises(exported):
    destination, _ = exported
    # python -v logs the file of every module it imports: the grader must come from the export.
    result = run(['--format', 'json', '--output', 'r.json'], cwd=destination,
                 python_options=('-v',))
    assert result.returncode == 1, result.stderr[-3000:]
    data = json.loads((destination / 'r.json').read_text())
    assert Path(data['implementation']) == (destination / 'exercises').resolve()
    assert {e['id']: e['status'] for e in data['exercises']} == {
        'core': 'passed', **{f'ex{n}': 'not_attempted' for n in range(1, 8)}}
    imported = [line for line in result.stderr.splitlines()
                if line.startswith('#') and any(f'{package}{os.sep}' in line
                                                for package in ('checks', 'grading'))]
    assert any(str(destination.resolve() / 'checks') in line for line in imported)
    assert any(str(destination.resolve() / 'grading') in line for line in imported)
    assert not any(str(ROOT) + os.sep in line for line in imported), imported[:5]
    where = subprocess.run([sys.executable, '-c', 'import checks, grading; '
                            'print(checks.__file__); print(grading.__file__)'],
                           cwd=destination, env=environment(), capture_output=True, text=True)
    assert [Path(p).parent.parent for p in where.stdout.split()] == [destination.resolve()] * 2
