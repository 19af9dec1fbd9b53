"""The ready-made platform setups in platforms/, run the way each platform runs them.

Gradescope: run_autograder with AUTOGRADER_ROOT pointing at a temporary folder laid out like
/autograder (source/ = the exported repository), and results.json checked against the fields
Gradescope requires. GitHub Classroom and GitLab: the command of the workflow file itself, run in
an exported student repository, and the result decoded the way the reporter (base64 JSON) and
GitLab (JUnit XML) read it. Grading is restricted to a few checks to keep this fast.
"""
import ast
import base64
import io
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import time
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from grading.export import export_student  # noqa: E402
from grading.formats import gradescope  # noqa: E402
from grading.model import CheckReport, ExerciseReport, Report  # noqa: E402

PLATFORMS = ROOT / 'platforms'
RUN_AUTOGRADER = PLATFORMS / 'gradescope' / 'run_autograder'
FEW_CHECKS = '--check core.add --check core.multiply --check ex1.by_hand --check ex2.wrong_count'
TEST_FIELDS = ('name', 'number', 'score', 'max_score', 'status', 'output', 'visibility')
VISIBILITIES = ('visible', 'hidden', 'after_due_date', 'after_published')

pytestmark = pytest.mark.skipif(sys.platform == 'win32', reason='the setups are shell scripts')


def environment(**extra):
    env = {k: v for k, v in os.environ.items()
           if k not in ('PYTHONPATH', 'GRADER_SEED', 'GRADER_ARGS', 'GITHUB_OUTPUT', 'NO_COLOR')}
    env.update(PYTHONIOENCODING='utf-8', **extra)
    return env


def export(destination):
    export_student(destination, out=io.StringIO())
    return destination


@pytest.fixture(scope='module')
def student_repo(tmp_path_factory):
    """The repository as students receive it: where the CI workflows run."""
    return export(tmp_path_factory.mktemp('student') / 'repo')


# --- Gradescope -----------------------------------------------------------------------------------

@pytest.fixture(scope='module')
def grader_source(tmp_path_factory):
    return export(tmp_path_factory.mktemp('gradescope') / 'source')


def autograder(tmp_path, source, submit, grader_args='', cwd=None, **env):
    """Run run_autograder in a fresh /autograder-like folder; (process, results.json data)."""
    root = tmp_path / 'autograder'
    (root / 'submission').mkdir(parents=True)
    submit(root / 'submission')
    # A range of sandbox users of its own: tests running at the same time never wait for, or
    # share, another grader's users.
    env.setdefault('GRADER_SANDBOX_UIDS', '63000-63999')
    process = subprocess.run(
        ['bash', str(RUN_AUTOGRADER)], capture_output=True, text=True, encoding='utf-8',
        timeout=240, cwd=cwd,
        env=environment(AUTOGRADER_ROOT=str(root), GRADER_SOURCE=str(source),
                        PYTHON=sys.executable, GRADER_ARGS=grader_args, TMPDIR=str(tmp_path),
                        **env))
    results = root / 'results' / 'results.json'
    assert results.is_file() and not results.is_symlink(), process.stderr
    data = json.loads(results.read_text())
    check_gradescope_results(data)
    return process, data


def check_gradescope_results(data):
    """The fields of Gradescope's results.json specification that it needs to show a grade."""
    assert isinstance(data['score'], (int, float)) and not isinstance(data['score'], bool)
    assert isinstance(data['tests'], list) and data['tests']
    for test in data['tests']:
        for name in TEST_FIELDS:
            assert name in test, (name, test)
        assert isinstance(test['name'], str) and isinstance(test['output'], str)
        assert isinstance(test['number'], str)
        assert isinstance(test['score'], (int, float)) and isinstance(test['max_score'],
                                                                      (int, float))
        assert 0 <= test['score'] <= test['max_score'] or test['max_score'] == 0
        assert test['status'] in ('passed', 'failed')
        assert test['visibility'] in VISIBILITIES
    assert data['score'] == pytest.approx(sum(t['score'] for t in data['tests']))
    if 'visibility' in data:
        assert data['visibility'] in VISIBILITIES


def test_gradescope_grades_an_exercises_folder(tmp_path, grader_source):
    def submit(folder):
        shutil.copytree(ROOT / 'reference', folder / 'exercises',
                        ignore=shutil.ignore_patterns('__pycache__'))
    process, data = autograder(tmp_path, grader_source, submit,
                               '--exercise core --check core.add --check core.multiply')
    assert process.returncode == 0, process.stderr
    assert data['score'] == 4
    assert [t['status'] for t in data['tests']] == ['passed', 'passed']
    assert [t['max_score'] for t in data['tests']] == [2, 2]
    assert 'profile thorough' in data['output']


# The writer a hostile submission starts at import (its results path filled in by the test).
WRITER_CODE = '''
import json, time
deadline = time.monotonic() + 20
while time.monotonic() < deadline:
    try:
        with open(RESULTS, 'w') as f:
            json.dump({"score": 999, "tests": [], "output": "FORGED"}, f)
    except OSError:
        pass
    time.sleep(0.2)
'''
WRITER = ('\nimport subprocess as _subprocess, sys as _sys\n'
          '_subprocess.Popen([_sys.executable, "-c", {code!r}], start_new_session=True,\n'
          '                  stdin=_subprocess.DEVNULL, stdout=_subprocess.DEVNULL,\n'
          '                  stderr=_subprocess.DEVNULL)\n')


def test_gradescope_results_are_unchanged_after_the_grader_exits(tmp_path, grader_source):
    """The submission starts a process that rewrites results.json for 20 s: it can neither reach
    the file nor outlive the grade (in mode none, not root, this is not promised)."""
    if not hasattr(os, 'geteuid') or os.geteuid() != 0:
        pytest.skip('the protection needs the grader to run as root, as on Gradescope')
    results = tmp_path / 'autograder' / 'results' / 'results.json'

    def submit(folder):
        shutil.copytree(ROOT / 'reference', folder / 'exercises',
                        ignore=shutil.ignore_patterns('__pycache__'))
        code = f'RESULTS = {str(results)!r}\n' + WRITER_CODE
        with open(folder / 'exercises' / '__init__.py', 'a') as f:
            f.write(WRITER.format(code=code))
    process, data = autograder(tmp_path, grader_source, submit, '--check core.add')
    assert process.returncode == 0, process.stderr
    first = results.read_text()
    time.sleep(1.5)
    assert results.read_text() == first and 'FORGED' not in first
    assert data['score'] == 2


def test_gradescope_grades_loose_files_and_reports_a_broken_one(tmp_path, grader_source):
    def submit(folder):   # the package's files uploaded on their own, one of them broken
        for path in (ROOT / 'reference').glob('*.py'):
            shutil.copy(path, folder / path.name)
        (folder / 'nodes.py').write_text('class NeuralNetNode(:\n    pass\n')
    process, data = autograder(tmp_path, grader_source, submit, '--exercise core')
    assert process.returncode == 0, process.stderr
    assert data['score'] == 0
    assert all(t['status'] == 'failed' for t in data['tests'])
    assert all('SyntaxError' in t['output'] and 'nodes.py' in t['output'] for t in data['tests'])
    assert 'reproduce: python grader.py --impl exercises' in data['tests'][0]['output']


def test_gradescope_without_a_package_still_writes_results(tmp_path, grader_source):
    def submit(folder):
        (folder / 'answers.txt').write_text('I could not do it')
    process, data = autograder(tmp_path, grader_source, submit)
    assert process.returncode == 0
    assert data['score'] == 0
    assert 'exercises/' in data['output'] and data['tests'][0]['status'] == 'failed'


@pytest.mark.parametrize('grader, expected', [
    ('import sys; sys.exit(2)', 'usage error'),
    ('import sys; print("Traceback: boom", file=sys.stderr); sys.exit(3)',
     'the grader itself failed'),
    ('import time; time.sleep(60)', 'longer than 1 s'),
    ('', 'without a valid results.json'),   # exits 0 but writes nothing
])
def test_gradescope_fallback_when_the_grader_fails(tmp_path, grader, expected):
    source = tmp_path / 'source'
    source.mkdir()
    (source / 'grader.py').write_text(grader + '\n')

    def submit(folder):
        (folder / 'exercises').mkdir()
        (folder / 'exercises' / '__init__.py').write_text('')
    process, data = autograder(tmp_path, source, submit, GRADER_TIMEOUT='1')
    assert process.returncode == 0
    assert data['score'] == 0 and expected in data['output']
    if 'boom' in grader:
        assert 'Traceback: boom' in data['output']


def fake_grader(tmp_path, body):
    """A grader source whose grader.py runs `body` (with os, sys, pathlib, REPORT = the --output
    path) and writes no report unless the body does."""
    source = tmp_path / 'source'
    source.mkdir()
    (source / 'grader.py').write_text(
        'import os, pathlib, sys\n'
        'REPORT = pathlib.Path(sys.argv[sys.argv.index("--output") + 1])\n' + body + '\n')
    return source


def valid_report(**fields):
    """A small results.json, as the grader writes it, for fake graders to write."""
    return json.dumps({'score': 1, 'output': 'graded', 'stdout_visibility': 'hidden',
                       'tests': [{'name': 'one', 'number': '1', 'score': 1, 'max_score': 1,
                                  'status': 'passed', 'output': '', 'visibility': 'visible'}],
                       **fields})


def package(folder):
    (folder / 'exercises').mkdir()
    (folder / 'exercises' / '__init__.py').write_text('')


@pytest.mark.parametrize('case', ['report', 'grader fails', 'refused before grading'])
def test_gradescope_own_python_steps_ignore_planted_modules(tmp_path, case):
    """run_autograder's own Python (checking and writing results.json, the fallback) imports
    nothing from a working folder: a json.py in the submission, in the folder it is started
    from, and planted (as code running as the grader could) in the grader's working folder and
    beside its report never runs."""
    marker = tmp_path / 'planted-json-ran'
    planted = (f'import sys\nopen({str(marker)!r}, "a").write(repr(sys.orig_argv) + "\\n")\n'
               'dumps = loads = dump = load = None\n')
    start = tmp_path / 'start'
    start.mkdir()
    (start / 'json.py').write_text(planted)
    (tmp_path / 'planted.py').write_text(planted)
    source = fake_grader(tmp_path, f"""
plant = pathlib.Path({str(tmp_path / 'planted.py')!r}).read_text()
for folder in (pathlib.Path.cwd(), REPORT.parent):
    (folder / 'json.py').write_text(plant)
pathlib.Path({str(tmp_path / 'planted-at')!r}).write_text(str(pathlib.Path.cwd()))
""" + (f'REPORT.write_text({valid_report()!r})' if case == 'report' else 'sys.exit(3)'))

    def submit(folder):
        package(folder)
        (folder / 'json.py').write_text(planted)
        (folder / 'exercises' / 'json.py').write_text(planted)
        if case == 'refused before grading':
            (folder / 'exercises' / 'nodes.py').symlink_to('/etc/passwd')
    process, data = autograder(tmp_path, source, submit, cwd=start)
    assert process.returncode == 0, process.stderr
    assert not marker.exists(), marker.read_text()
    if case == 'report':
        assert data['score'] == 1 and data['output'] == 'graded'
    elif case == 'grader fails':
        assert data['score'] == 0 and 'the grader itself failed' in data['output']
    else:
        assert data['score'] == 0 and 'exercises/nodes.py is a link' in data['output']
    # the fake grader did run, and plant, except when the submission was refused before
    assert (tmp_path / 'planted-at').exists() == (case != 'refused before grading')


@pytest.mark.parametrize('when', ['before grading', 'while grading'])
@pytest.mark.parametrize('grader_status', [0, 3])
def test_gradescope_results_link_is_not_followed(tmp_path, when, grader_status):
    """A link at results.json (left before grading, or planted while the grader runs) is
    replaced, never written through: its target keeps its content, results.json is a regular
    file of its own, readable by all; the results folder is root's alone."""
    target = tmp_path / 'target.txt'
    target.write_text('unchanged')
    results = tmp_path / 'autograder' / 'results'
    plant = (f'for name in ("results.json", "results.json.tmp"):\n'
             f'    link = pathlib.Path({str(results)!r}) / name\n'
             f'    link.unlink(missing_ok=True)\n'
             f'    link.symlink_to({str(target)!r})\n')
    source = fake_grader(tmp_path, (plant if when == 'while grading' else '')
                         + (f'REPORT.write_text({valid_report()!r})' if grader_status == 0
                            else 'sys.exit(3)'))

    def submit(folder):
        package(folder)
        if when == 'before grading':
            results.mkdir()
            (results / 'results.json').symlink_to(target)
    process, data = autograder(tmp_path, source, submit)
    assert process.returncode == 0, process.stderr
    assert target.read_text() == 'unchanged'
    assert data['score'] == (1 if grader_status == 0 else 0)
    info = os.lstat(results / 'results.json')
    assert stat.S_ISREG(info.st_mode) and stat.S_IMODE(info.st_mode) == 0o644
    assert stat.S_IMODE(os.stat(results).st_mode) == 0o700
    assert not [p.name for p in results.iterdir()
                if p.name not in ('results.json', 'results.json.tmp')]   # no temporary left


@pytest.mark.parametrize('report', [
    '{"score": 1, "tests": [{"name": "one", "score": 1, "max_score": 1}]}',   # no status
    '{"score": "1", "tests": []}',
    '{"score": NaN, "tests": []}',
    '[1, 2]',
    '{"score": 1, "tests": [{"name": "one", "score": 1, "max_score": 1, "status": "passed"}',
])
def test_gradescope_invalid_report_falls_back(tmp_path, report):
    source = fake_grader(tmp_path, f'REPORT.write_text({report!r})')
    process, data = autograder(tmp_path, source, package)
    assert process.returncode == 0, process.stderr
    assert data['score'] == 0 and 'without a valid results.json' in data['output']


# What the upload is: a package (tested above), or one file holding the whole API.

ONE_FILE_MODULES = ('nodes', 'operations', 'outputs', 'losses', 'macros', 'exercise1', 'training')


def one_file_solution(path):
    """The reference in one file, as a student who writes the whole API in solution.py."""
    parts = [(ROOT / 'reference' / f'{m}.py').read_text() for m in ONE_FILE_MODULES]
    path.write_text('\n'.join(line for part in parts for line in part.splitlines()
                              if not line.lstrip().startswith('from .')) + '\n')
    return path


def test_gradescope_grades_a_one_file_upload_as_a_file(tmp_path, grader_source):
    """solution.py on its own is graded as `grader.py --impl solution.py` grades it, not as the
    stubs with an unused file beside them."""
    process, data = autograder(tmp_path, grader_source,
                               lambda folder: one_file_solution(folder / 'solution.py'),
                               FEW_CHECKS)
    assert process.returncode == 0, process.stderr
    assert [t['status'] for t in data['tests']] == ['passed'] * 4, data['output']
    assert data['score'] == sum(t['max_score'] for t in data['tests'])
    assert 'not attempted' not in data['output']


def recording_grader(tmp_path):
    """A fake grader that writes a valid report and records its arguments and what its working
    folder holds; (source, the record's path)."""
    record = tmp_path / 'record'
    return fake_grader(tmp_path, f"""
pathlib.Path({str(record)!r}).write_text(repr({{'argv': sys.argv[1:],
                                              'cwd': sorted(os.listdir('.'))}}))
REPORT.write_text({valid_report()!r})"""), record


def recorded(record):
    seen = ast.literal_eval(record.read_text())
    return seen['argv'][seen['argv'].index('--impl') + 1], seen['cwd']


@pytest.mark.parametrize('name, graded_as', [
    ('solution.py', 'solution.py'), ('engine.ipynb', 'engine.ipynb'),
    ('my engine.py', 'solution.py'), ('--adapter.py', 'solution.py'),   # never an option
])
def test_gradescope_one_file_is_graded_alone_under_a_safe_name(tmp_path, name, graded_as):
    source, record = recording_grader(tmp_path)

    def submit(folder):
        (folder / name).write_text('x = 1\n')
        (folder / 'README.md').write_text('notes')
    process, data = autograder(tmp_path, source, submit)
    assert process.returncode == 0, process.stderr
    assert data['score'] == 1
    assert recorded(record) == (graded_as, [graded_as])


def test_gradescope_loose_package_files_stay_a_package(tmp_path):
    source, record = recording_grader(tmp_path)

    def submit(folder):
        (folder / '__init__.py').write_text('')
        (folder / 'helpers.py').write_text('')
    autograder(tmp_path, source, submit)
    assert recorded(record) == ('exercises', ['exercises'])


def control_characters(text):
    return [c for c in text if (unicodedata.category(c) == 'Cc' and c not in '\n\t')
            or c in '\u202e\u2028']


def test_gradescope_several_unrelated_files_get_a_message_not_a_grade(tmp_path):
    source, record = recording_grader(tmp_path)

    def submit(folder):
        for name in ('part1.py', 'part2.py', 'evil\x1b[2J\x07\u202e\r.py'):
            (folder / name).write_text('x = 1\n')
    process, data = autograder(tmp_path, source, submit)
    assert process.returncode == 0, process.stderr
    assert not record.exists()   # the grader never ran
    assert data['score'] == 0
    assert 'part1.py' in data['output'] and 'part2.py' in data['output']
    assert 'one .py file' in data['output'] and 'exercises/' in data['output']
    for text in strings(data):
        assert not control_characters(text), text


def test_gradescope_one_file_that_is_a_link_is_refused(tmp_path):
    source, record = recording_grader(tmp_path)
    process, data = autograder(
        tmp_path, source, lambda folder: (folder / 'solution.py').symlink_to('/etc/passwd'))
    assert not record.exists() and data['score'] == 0
    assert 'solution.py is a link' in data['output']


def test_gradescope_results_carry_no_control_character_from_student_text(tmp_path,
                                                                        grader_source):
    """A hostile exception message reaches results.json as escapes: no NUL, escape sequence,
    carriage return or bidirectional control is carried."""
    hostile = 'NUL\x00 ESC\x1b[2J BEL\x07 CR\r BIDI\u202e DEL\x7f CSI\x9b LS\u2028'

    def submit(folder):
        (folder / 'solution.py').write_text(f'raise ValueError({hostile!r})\n')
    process, data = autograder(tmp_path, grader_source, submit, '--check core.add')
    assert process.returncode == 0, process.stderr
    [test] = data['tests']
    assert 'NUL\\x00 ESC\\x1b[2J' in test['output']   # shown, not carried
    for text in strings(data):
        assert not control_characters(text), text


def strings(value):
    """Every string in parsed JSON, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, dict)):
        for key in value if isinstance(value, dict) else ():
            yield key
        for item in value.values() if isinstance(value, dict) else value:
            yield from strings(item)


def gradescope_report(ex7_visibility, check_visibility=None):
    core = ExerciseReport('core', 'Core', [
        CheckReport('core.add', 'core', 'adds', 'h', 'passed', 2.0, 2.0)])
    ex7 = ExerciseReport('ex7', 'Seven', [
        CheckReport('ex7.a', 'ex7', 'a', 'h', 'passed', 1.0, 1.0, visibility=ex7_visibility),
        CheckReport('ex7.b', 'ex7', 'b', 'h', 'failed', 0.0, 4.0,
                    visibility=check_visibility or ex7_visibility)], visibility=ex7_visibility)
    return Report('impl', 1, 'thorough', {'grader': '1'}, [core, ex7], seconds=12.6)


@pytest.mark.parametrize('ex7, check', [
    ('hidden', None), ('after_due_date', None), ('after_published', None),
    ('visible', 'hidden'),   # one check hidden: the exercise's score would tell its result
])
def test_gradescope_output_shows_no_score_that_is_not_visible(ex7, check):
    data = json.loads(gradescope.render(gradescope_report(ex7, check)))
    check_gradescope_results(data)
    assert 'core: 2/2' in data['output']
    assert '/5' not in data['output'] and 'ex7: ' not in data['output'], data['output']
    assert 'not shown here: ex7' in data['output']
    assert [t['visibility'] for t in data['tests']] == ['visible', ex7, check or ex7]


def test_gradescope_results_say_how_long_grading_took():
    data = json.loads(gradescope.render(gradescope_report('visible')))
    assert data['execution_time'] == 13   # seconds, as Gradescope's specification gives it
    assert 'ex7: 1/5' in data['output'] and 'not shown here' not in data['output']


SECRET_SEED = '8072365143'


def test_gradescope_passes_the_seed_in_the_environment_only(tmp_path):
    """GRADER_SEED reaches the grader's environment, not its command line, and what the grader
    says about it never reaches results.json."""
    seen = tmp_path / 'seen.json'
    source = fake_grader(tmp_path, f"""
import json
pathlib.Path({str(seen)!r}).write_text(json.dumps([sys.argv, os.environ.get('GRADER_SEED')]))
REPORT.write_text(json.dumps({{'score': 0, 'output': 'seed ' + os.environ['GRADER_SEED'],
    'tests': [{{'name': 'one', 'number': '1', 'score': 0, 'max_score': 1, 'status': 'failed',
               'output': 'GRADER_SEED=' + os.environ['GRADER_SEED'], 'visibility': 'visible'}}]}}))
""")
    process, data = autograder(tmp_path, source, package, GRADER_SEED=SECRET_SEED)
    argv, environ_seed = json.loads(seen.read_text())
    assert environ_seed == SECRET_SEED
    assert not any(SECRET_SEED in a for a in argv) and '--seed' not in argv
    text = (tmp_path / 'autograder' / 'results' / 'results.json').read_text()
    assert SECRET_SEED not in text and data['output'] == 'seed <secret seed>'


def test_gradescope_secret_seed_reaches_the_grader(tmp_path, grader_source):
    def submit(folder):
        shutil.copytree(ROOT / 'reference', folder / 'exercises',
                        ignore=shutil.ignore_patterns('__pycache__'))
    process, data = autograder(tmp_path, grader_source, submit, '--check core.add',
                               GRADER_SEED=SECRET_SEED)
    assert process.returncode == 0, process.stderr
    assert data['score'] == 2, data['output']
    assert 'seed secret' in data['output']
    text = (tmp_path / 'autograder' / 'results' / 'results.json').read_text()
    assert SECRET_SEED not in text


def test_gradescope_setup_script_is_valid_bash():
    for script in ('setup.sh', 'run_autograder'):
        path = PLATFORMS / 'gradescope' / script
        assert os.access(path, os.X_OK), f'{script} must be executable'
        assert subprocess.run(['bash', '-n', str(path)]).returncode == 0


# --- GitHub Classroom ----------------------------------------------------------------------------

def workflow_command(path, start):
    """The grader command line of a workflow file (the line that runs `start`)."""
    for line in path.read_text().splitlines():
        stripped = line.strip().removeprefix('- ').removeprefix('run: ')
        if stripped.startswith(start):
            return stripped
    raise AssertionError(f'no line starting with {start!r} in {path}')


def test_github_classroom_workflow_wires_the_result_to_the_reporter():
    text = (PLATFORMS / 'github' / 'classroom.yml').read_text()
    step_id = re.search(r'^\s*id:\s*(\S+)\s*$', text, re.M).group(1)
    assert f'{step_id.upper()}_RESULTS: "${{{{ steps.{step_id}.outputs.result }}}}"' in text
    assert re.search(rf'^\s*runners:\s*{re.escape(step_id)}\s*$', text, re.M)
    assert 'classroom-resources/autograding-grading-reporter@v1' in text
    assert 'continue-on-error: true' in text   # a failing grade must still reach the reporter
    yaml = _yaml()
    if yaml:   # PyYAML is not a dependency: the structure is checked when it is there
        steps = yaml.safe_load(text)['jobs']['run-autograding-tests']['steps']
        grade = next(s for s in steps if s.get('id') == step_id)
        assert '\npython grader.py --format github --profile thorough' in grade['run']
        reporter = steps[-1]
        assert reporter['uses'] == 'classroom-resources/autograding-grading-reporter@v1'
        assert reporter['with']['runners'] == step_id
        assert reporter['env'] == {
            f'{step_id.upper()}_RESULTS': f'${{{{ steps.{step_id}.outputs.result }}}}'}


def grade_step(path=PLATFORMS / 'github' / 'classroom.yml', step_id='grader'):
    """The shell script of the workflow's step `step_id` (its `run:`, a block or one line)."""
    lines = path.read_text().splitlines()
    start = next(n for n, line in enumerate(lines) if line.strip() == f'id: {step_id}')
    indent = len(lines[start]) - len(lines[start].lstrip())
    for n in range(start + 1, len(lines)):
        line = lines[n]
        if line.strip() and len(line) - len(line.lstrip()) < indent:
            break
        if line.strip().startswith('run:'):
            value = line.strip()[len('run:'):].strip()
            if value != '|':
                return value + '\n'
            block = []
            for following in lines[n + 1:]:
                if following.strip() and len(following) - len(following.lstrip()) <= indent:
                    break
                block.append(following)
            margin = min(len(b) - len(b.lstrip()) for b in block if b.strip())
            return '\n'.join(b[margin:] for b in block).rstrip('\n') + '\n'
    raise AssertionError(f'no run: in the step {step_id} of {path}')


def run_grade_step(tmp_path, repo, **env):
    """The workflow's grading step, run in `repo` as the runner runs it (bash, GITHUB_OUTPUT a
    file); (process, the lines it wrote to GITHUB_OUTPUT)."""
    script = tmp_path / 'grade-step.sh'
    script.write_text(grade_step())
    output = tmp_path / 'github_output'
    output.write_text('')
    process = subprocess.run(['bash', '-e', str(script)], cwd=repo, capture_output=True,
                             text=True, encoding='utf-8', timeout=240,
                             env=environment(GITHUB_OUTPUT=str(output), **env))
    return process, output.read_text().splitlines()


def test_github_command_writes_the_classroom_result(tmp_path, student_repo):
    process, lines = run_grade_step(tmp_path, student_repo, GRADER_SEED='123',
                                    GRADER_ARGS=FEW_CHECKS)
    assert process.returncode == 1, process.stderr   # the stubs of ex1 and ex2 fail
    assert len(lines) == 1 and lines[0].startswith('result=')
    result = json.loads(base64.b64decode(lines[0][len('result='):]))
    assert result['version'] == 1 and result['status'] == 'fail'
    assert result['max_score'] == 8
    assert len(result['tests']) == 4
    for test in result['tests']:
        assert {'name', 'status', 'score', 'message'} <= set(test)
        assert test['status'] in ('pass', 'fail', 'error')
    by_id = {t['name'].split(':')[0]: t for t in result['tests']}
    assert by_id['core.add']['status'] == 'pass' and by_id['core.add']['score'] == 2
    assert by_id['ex1.by_hand']['status'] == 'fail' and by_id['ex1.by_hand']['score'] == 0
    assert '::notice title=Score::4/8' in process.stdout
    # the GRADER_SEED secret reaches the grader through the environment, never as --seed
    assert '--seed' not in grade_step()
    assert 'seed secret' in process.stdout and 'seed 123' not in process.stdout


FAILING_GRADERS = {
    # (grader.py, GRADER_SEED, what the student is told)
    'a seed secret that is no number': (None, 'not-a-number', 'usage error'),
    'the grader fails': ('import sys\nprint("Traceback: boom\\n::error::forged", file=sys.stderr)'
                         '\nsys.exit(3)\n', '', 'the grader itself failed'),
    'it writes nothing': ('\n', '', 'the grader stopped (status 0) without a valid result'),
    'it writes no valid result': (
        'import os\nopen(os.environ["GITHUB_OUTPUT"], "a").write("result=bm90IGpzb24=\\n")\n'
        'raise SystemExit(1)\n', '', 'the grader stopped (status 1) without a valid result'),
}


@pytest.mark.parametrize('case', FAILING_GRADERS)
def test_github_grade_step_always_hands_the_reporter_a_result(tmp_path, student_repo, case):
    """Whatever stops the grader, the reporter gets a valid result: 0 out of the assignment's
    points (76), with the reason and the end of the grader's error output."""
    grader, seed, told = FAILING_GRADERS[case]
    repo = student_repo
    if grader is not None:
        repo = tmp_path / 'repo'
        shutil.copytree(student_repo, repo, ignore=shutil.ignore_patterns('__pycache__'))
        (repo / 'grader.py').write_text(grader)
    process, lines = run_grade_step(tmp_path, repo, GRADER_SEED=seed)
    assert [line.split('=')[0] for line in lines] == ['result'], process.stderr
    seen = reporter_reads(lines[0][len('result='):])
    assert seen['results']['status'] == 'error' and seen['maxPoints'] == 76
    assert seen['totalPoints'] == 0 and seen['notice'] == 'Points 0/76'
    [test] = seen['results']['tests']
    assert test['status'] == 'error' and told in test['message']
    if seed:
        assert 'GRADER_SEED must be a whole number' in test['message']
        assert process.returncode == 2
    if 'boom' in (grader or ''):
        assert 'Traceback: boom' in test['message'] and process.returncode == 3
        assert '\n. ::error::forged' in test['message']   # no command in the reporter's log


def reporter_reads(result):
    """What GitHub Classroom's reporter makes of a `result` output: handed to it through the
    environment (GRADER_RESULTS, as the workflow does: the kernel refuses one variable over
    MAX_ARG_STRLEN, "Argument list too long"), decoded as its src/main.js does, the points it
    sends summed as src/notify-classroom.js does, its log's total as getTestScore does
    (classroom-resources/autograding-grading-reporter, commit 43c2d9f). In node when there is
    one: its own JSON.parse and its own float sums."""
    if shutil.which('node'):
        command = ['node', '-e', REPORTER_JS]
    else:
        command = [sys.executable, '-c', REPORTER_PY]
    process = subprocess.run(command, capture_output=True, text=True, timeout=60,
                             env=environment(GRADER_RESULTS=result))
    assert process.returncode == 0, process.stderr
    return json.loads(process.stdout)


REPORTER_JS = r"""
const results = JSON.parse(Buffer.from(process.env.GRADER_RESULTS, 'base64').toString('utf-8'));
let totalPoints = 0;
results.tests.forEach(({ score }) => { totalPoints += score; });
const passed = results.tests.filter((t) => t.status === 'pass').length;
const logScore = (passed / results.tests.length) * (results.max_score || 0);
console.log(JSON.stringify({ results, totalPoints, maxPoints: results.max_score, logScore,
                             notice: `Points ${totalPoints}/${results.max_score}` }));
"""
REPORTER_PY = r"""
import base64, json, os
results = json.loads(base64.b64decode(os.environ['GRADER_RESULTS']).decode('utf-8'))
total = 0
for test in results['tests']:
    total += test['score']
passed = sum(t['status'] == 'pass' for t in results['tests'])
print(json.dumps({'results': results, 'totalPoints': total, 'maxPoints': results['max_score'],
                  'logScore': passed / len(results['tests']) * (results['max_score'] or 0),
                  'notice': f'Points {total}/{results["max_score"]}'}))
"""


def article_report(config, status='passed', message='', traceback=''):
    """A report of every check of the article's API, each with `status`, under `config`."""
    from checks.registry import article_checks
    from checks.runner import Result
    from grading.assemble import build_report
    from grading.loader import Target
    checks = article_checks()
    points = config.points(checks)
    results = {c.id: Result(c.id, c.exercise, status, points[c.id] if status == 'passed' else 0,
                            points[c.id], message=message, traceback=traceback)
               for c in checks}
    return build_report(Target('package', 'exercises', 'exercises'), checks, results, config,
                        7, 'thorough', '', 1.0, {})


def test_github_scaled_points_arrive_exactly(tmp_path):
    """Exercises scaled to totals their checks do not divide: the scores Classroom adds up are
    exactly each exercise's points, and the total is exactly max_score."""
    from grading import config
    from grading.formats import github
    (tmp_path / 'grading.toml').write_text(
        '[exercises.core]\npoints = 6\n[exercises.ex5]\npoints = 7\n'
        '[exercises.ex7]\npoints = 10\n[checks."ex7.grad_once"]\npoints = 3\n')
    setting = config.load(tmp_path / 'grading.toml')
    seen = reporter_reads(github.classroom_result(article_report(setting)))
    by_exercise = {}
    for test in seen['results']['tests']:
        exercise = test['name'].split('.')[0]
        by_exercise[exercise] = by_exercise.get(exercise, 0) + test['score']   # in their order
    assert (by_exercise['core'], by_exercise['ex5'], by_exercise['ex7']) == (6, 7, 10)
    unscaled = sum(score for exercise, score in by_exercise.items()
                   if exercise not in ('core', 'ex5', 'ex7'))
    assert unscaled == int(unscaled) > 0
    assert seen['maxPoints'] == seen['totalPoints'] == 6 + 7 + 10 + unscaled
    assert seen['notice'] == f'Points {23 + int(unscaled)}/{23 + int(unscaled)}'


def test_github_result_of_a_long_report_reaches_the_reporter():
    """Every check failing with long exception text: the result still fits in an environment
    variable, every test keeps its name and score, and messages are cut, saying so."""
    from grading.config import Config
    from grading.formats import github
    text = 'Traceback (most recent call last):\n' + 'raise ValueError("é")\n' * 200
    report = article_report(Config(), status='error', message=text[:2000], traceback=text)
    result = github.classroom_result(report)
    assert len(result) <= github.RESULT_LIMIT < 128 * 1024 - len('GRADER_RESULTS=')
    seen = reporter_reads(result)
    tests = seen['results']['tests']
    checks = [c for e in report.exercises for c in e.checks]
    assert [t['name'].split(':')[0] for t in tests] == [c.id for c in checks]
    assert all(t['status'] == 'error' and t['score'] == 0 for t in tests)
    assert seen['maxPoints'] == 76 and seen['totalPoints'] == 0
    assert all(t['message'].startswith('Traceback') for t in tests)
    assert all('more characters' in t['message'] for t in tests)


def test_github_reporter_log_weighs_tests_the_same_but_sends_the_points():
    """docs/instructors.md: the stubs pass core's 17 checks (27 of 76 points); the reporter's
    log shows 17/53 x 76 = 24.38, while the points it sends are 27/76."""
    from grading.config import Config
    from grading.formats import github
    report = article_report(Config(), status='not_attempted')
    for check in report.exercises[0].checks:   # core: the framework the stubs already have
        check.status, check.score = 'passed', check.max_score
    seen = reporter_reads(github.classroom_result(report))
    assert len(seen['results']['tests']) == 53
    assert f"{seen['logScore']:.2f}" == '24.38'
    assert seen['notice'] == 'Points 27/76'


# --- GitLab ---------------------------------------------------------------------------------------

def junit(repo, extra=''):
    command = workflow_command(PLATFORMS / 'gitlab' / '.gitlab-ci.yml', 'python grader.py')
    report = repo / 'report.xml'
    report.unlink(missing_ok=True)
    process = subprocess.run(['sh', '-c', f'{command} {extra}'], cwd=repo, capture_output=True,
                             text=True, encoding='utf-8', timeout=240, env=environment())
    assert report.is_file(), process.stderr
    return process, ET.parse(report).getroot()


def check_junit_counts(suites):
    assert suites.tag == 'testsuites'
    totals = {'tests': 0, 'failures': 0, 'errors': 0, 'skipped': 0}
    for suite in suites.findall('testsuite'):
        cases = suite.findall('testcase')
        counts = {'tests': len(cases),
                  'failures': sum(c.find('failure') is not None for c in cases),
                  'errors': sum(c.find('error') is not None for c in cases),
                  'skipped': sum(c.find('skipped') is not None for c in cases)}
        assert {k: int(suite.get(k)) for k in counts} == counts, suite.get('name')
        for case in cases:
            assert case.get('name') and case.get('classname')
            outcomes = [c.tag for c in case if c.tag in ('failure', 'error', 'skipped')]
            assert len(outcomes) <= 1
        for key in totals:
            totals[key] += counts[key]
    # <testsuites> may leave out `skipped` (Jenkins' junit-10.xsd allows none there)
    summed = {k: v for k, v in totals.items() if k != 'skipped' or suites.get(k) is not None}
    assert {k: int(suites.get(k)) for k in summed} == summed
    return totals


def test_gitlab_command_writes_junit(student_repo):
    text = (PLATFORMS / 'gitlab' / '.gitlab-ci.yml').read_text()
    assert re.search(r'when:\s*always', text) and re.search(r'junit:\s*report\.xml', text)
    process, suites = junit(student_repo, FEW_CHECKS)
    assert process.returncode == 1, process.stderr
    assert check_junit_counts(suites) == {'tests': 4, 'failures': 2, 'errors': 0, 'skipped': 0}
    names = {c.get('name'): c for c in suites.iter('testcase')}
    assert names['core.add'].find('failure') is None
    assert names['ex1.by_hand'].find('failure').get('type') == 'not_attempted'


def test_gitlab_junit_reports_a_broken_package_as_errors(tmp_path):
    repo = export(tmp_path / 'repo')
    (repo / 'exercises' / 'nodes.py').write_text('class NeuralNetNode(:\n    pass\n')
    process, suites = junit(repo, '--exercise core')
    assert process.returncode == 1
    totals = check_junit_counts(suites)
    assert totals['tests'] == totals['errors'] > 0
    assert all('SyntaxError' in c.find('error').get('message') for c in suites.iter('testcase'))
    yaml = _yaml()
    if yaml:
        job = yaml.safe_load((PLATFORMS / 'gitlab' / '.gitlab-ci.yml').read_text())['grade']
        assert job['artifacts']['when'] == 'always'
        assert job['artifacts']['reports']['junit'] == 'report.xml'


def _yaml():
    try:
        import yaml
    except ImportError:
        return None
    return yaml
