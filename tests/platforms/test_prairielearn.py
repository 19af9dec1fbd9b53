"""PrairieLearn: --format prairielearn, and platforms/prairielearn/run.sh run the way PrairieLearn
runs a question's entrypoint (GRADE_ROOT laid out like /grade), its results.json checked against
the fields of PrairieLearn's external grading documentation (docs/externalGrading.md: score in
[0, 1], gradable, format_errors, tests with name, points, max_points, under 1 MB).
"""
import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grading.assemble import inert_report
from grading.formats import prairielearn
from grading.model import CheckReport, ExerciseReport, Report

ROOT = Path(__file__).resolve().parents[2]
RUN = ROOT / 'platforms' / 'prairielearn' / 'run.sh'
FEW = '--check core.add --check core.multiply --check ex1.by_hand'

pytestmark = pytest.mark.skipif(sys.platform == 'win32', reason='run.sh is a shell script')


def assert_prairielearn(results):
    """The fields PrairieLearn reads, with the types it expects."""
    assert isinstance(results, dict)
    if results.get('gradable') is False:
        errors = results['format_errors']
        assert isinstance(errors, list) and errors and all(isinstance(e, str) for e in errors)
        return
    assert results['gradable'] is True
    assert isinstance(results['score'], float) and 0.0 <= results['score'] <= 1.0
    for test in results['tests']:
        assert isinstance(test['name'], str) and test['name']
        for key in ('description', 'message', 'output'):
            assert isinstance(test[key], str)
        assert 0 <= test['points'] <= test['max_points']
    total = sum(t['max_points'] for t in results['tests'])
    if total:
        earned = sum(t['points'] for t in results['tests'])
        assert math.isclose(results['score'], earned / total, abs_tol=1e-6)


def check(status, message, visibility='visible', n=0):
    return CheckReport(f'core.c{n}', 'core', 'a property', 'a hint', status,
                       1.0 if status == 'passed' else 0.0, 1.0, message=message,
                       visibility=visibility)


def report(*checks, notes=()):
    return Report('impl', 1, 'quick', {'grader': '1'},
                  [ExerciseReport('core', 'Core', list(checks))], notes=list(notes))


def test_scores_are_a_fraction_and_every_check_is_a_test():
    results = json.loads(prairielearn.render(report(
        check('passed', ''), check('failed', 'wrong gradient', n=1),
        check('timeout', 'an example used more than 2 s of CPU time', n=2))))
    assert_prairielearn(results)
    assert results['score'] == pytest.approx(1 / 3)
    assert [t['name'] for t in results['tests']] == ['core.c0', 'core.c1', 'core.c2']
    assert 'wrong gradient' in results['tests'][1]['output']
    assert results['tests'][1]['output'].startswith('[failed]')


def test_a_check_not_visible_keeps_its_points_and_hides_its_failure():
    results = json.loads(prairielearn.render(report(
        check('failed', 'the secret case', visibility='hidden'), check('passed', '', n=1))))
    assert_prairielearn(results)
    hidden = results['tests'][0]
    assert (hidden['points'], hidden['max_points']) == (0, 1)
    assert 'secret' not in json.dumps(results)
    assert 'core:' not in results['output']   # its exercise's score would tell the check's


def test_an_implementation_that_cannot_be_imported_is_not_gradable():
    results = json.loads(prairielearn.render(report(
        check('error', 'SyntaxError'),
        notes=['the implementation could not be imported: SyntaxError: invalid syntax (line 3)'])))
    assert_prairielearn(results)
    assert results['gradable'] is False
    assert 'invalid syntax (line 3)' in results['format_errors'][0]


def test_hostile_text_is_inert_and_the_file_stays_under_a_megabyte():
    hostile = '\x00\x1b[2J\ud800\ufffe\u202e ::error::x é' + 'long ' * 4000
    many = [check('failed', hostile, n=n) for n in range(400)]
    out = prairielearn.render(inert_report(report(*many, notes=[hostile])))
    assert len(out.encode()) < prairielearn.LIMIT
    results = json.loads(out)
    assert_prairielearn(results)
    assert len(results['tests']) == 400
    assert not any(c in out for c in '\x00\x1b\ufffe\u202e')
    out.encode('utf-8')   # no lone surrogate


# --- run.sh, as PrairieLearn runs it ---------------------------------------------------------------

def run(tmp_path, student, source=ROOT, **env):
    """Lay out GRADE_ROOT with /grade/student = `student` (a function filling the folder), run
    run.sh, return (its process, results.json)."""
    grade = tmp_path / 'grade'
    (grade / 'student').mkdir(parents=True)
    student(grade / 'student')
    environment = {k: v for k, v in os.environ.items() if not k.startswith(('GRADER_', 'PYTEST_'))}
    environment.update(GRADE_ROOT=str(grade), GRADER_SOURCE=str(source), PYTHON=sys.executable,
                       GRADER_ARGS=FEW, **env)
    process = subprocess.run(['bash', str(RUN)], env=environment, capture_output=True,
                             text=True, timeout=300)
    results = json.loads((grade / 'results' / 'results.json').read_text(encoding='utf-8'))
    assert_prairielearn(results)
    return process, results


def test_a_package_submission_is_graded(tmp_path):
    def submit(folder):
        shutil.copytree(ROOT / 'reference', folder / 'exercises',
                        ignore=shutil.ignore_patterns('__pycache__'))
    process, results = run(tmp_path, submit)
    assert process.returncode == 0, process.stderr
    assert results['score'] == 1.0 and len(results['tests']) == 3, process.stderr


def test_the_stubs_are_graded_as_the_stubs(tmp_path):
    def submit(folder):
        shutil.copytree(ROOT / 'exercises', folder / 'exercises',
                        ignore=shutil.ignore_patterns('__pycache__'))
    _, results = run(tmp_path, submit)
    assert results['gradable'] is True and results['score'] < 1.0
    by_hand = next(t for t in results['tests'] if t['name'] == 'ex1.by_hand')
    assert by_hand['points'] == 0 and 'not attempted' in by_hand['output']


@pytest.mark.parametrize('files, expected', [
    ({'a.py': 'x = 1\n', 'b.py': 'y = 2\n'}, 'found 2 .py files'),
    ({'notes.txt': 'hello'}, 'found 0 .py files'),
])
def test_a_submission_it_cannot_place_is_not_gradable_and_says_why(tmp_path, files, expected):
    def submit(folder):
        for name, text in files.items():
            (folder / name).write_text(text)
    _, results = run(tmp_path, submit)
    assert results['gradable'] is False and expected in results['format_errors'][0]


def test_a_link_in_the_submission_is_refused(tmp_path):
    def submit(folder):
        (folder / 'solution.py').symlink_to('/etc/passwd')
    _, results = run(tmp_path, submit)
    assert results['gradable'] is False and 'solution.py is a link' in \
        results['format_errors'][0]


@pytest.mark.parametrize('grader, expected', [
    ('import sys; sys.exit(3)', 'the grader itself failed'),
    ('import sys; sys.exit(2)', 'started wrongly'),
    ('import time; time.sleep(60)', 'longer than 1 s'),
    ('', 'without a valid results.json'),
])
def test_a_grader_failure_is_not_gradable_so_no_attempt_is_lost(tmp_path, grader, expected):
    source = tmp_path / 'source'
    source.mkdir()
    (source / 'grader.py').write_text(grader + '\n')

    def submit(folder):
        (folder / 'solution.py').write_text('x = 1\n')
    _, results = run(tmp_path, submit, source=source, GRADER_TIMEOUT='1')
    assert results['gradable'] is False and expected in results['format_errors'][0]


def test_the_question_files_agree_with_the_image_and_the_script():
    """info.json runs the run.sh the Dockerfile puts in the image, and gives it more time than
    run.sh gives the grader, so that the fallback is written before PrairieLearn kills the job."""
    info = json.loads((RUN.parent / 'info.json').read_text())
    options = info['externalGradingOptions']
    assert info['gradingMethod'] == 'External' and options['enabled'] is True
    assert 'COPY . /grader' in (RUN.parent / 'Dockerfile').read_text()
    assert options['entrypoint'] == '/grader/run.sh'
    default = int(next(line for line in RUN.read_text().splitlines()
                       if line.startswith('TIME_LIMIT=')).split(':-')[1].rstrip('}"'))
    assert default + 10 < options['timeout'] <= 600
    assert 'file-names="solution.py"' in (RUN.parent / 'question.html').read_text()
