"""--batch --roster: the roster, canvas.csv and moodle.csv, and CSV files safe in a spreadsheet.

One batch (module fixture) grades the reference (full marks), the stubs (core only) and entries
that are not submissions (error rows), on two quick checks whose points are not whole: core.add
is given 2.015625 points, so exact points need six decimals. Every other test uses folders of
non-submissions only, which the batch rows without starting a grading process, or calls the
modules directly.
"""
import codecs
import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from grading.gradebooks import (check_assignment, match_roster, points,  # noqa: E402
                                safe_cell, write_csv)
from grading.loader import UsageError  # noqa: E402
from grading.roster import read_roster  # noqa: E402

CONFIG = '[checks."core.add"]\npoints = 2.015625\n'
SELECTION = ('--check', 'core.add', '--check', 'ex1.by_hand')
FULL = '4.015625'          # 2.015625 + 2
CORE_ONLY = '2.015625'     # the stubs: core is given, exercise 1 not attempted
INJECTION = '=HYPERLINK("evil.example","click")'   # a folder name: no slash
ROSTER = """\ufeffsubmission,Student,ID,SIS User ID,SIS Login ID,Section,Email address,username
alice,"Liddell, Alice",4001,S4001,aliddell,Section A,alice@uni.example,aliddell
stubs,-2+3,4002,S4002,bstone,Section B,bob@uni.example,bstone
carol.zip,Carol Wu,4003,S4003,cwu,Section A,carol@uni.example,
dave,Dave Roe,4004,S4004,droe,Section B,dave@uni.example,droe
,Erin Lo,4005,S4005,elo,Section A,erin@uni.example,elo
"""
CANVAS_HEADER = ['Student', 'ID', 'SIS User ID', 'SIS Login ID', 'Section', 'Backprop (12345)']


def run(*args, cwd=ROOT):
    env = {k: v for k, v in os.environ.items() if k not in ('PYTHONPATH', 'NO_COLOR')}
    env['PYTHONIOENCODING'] = 'utf-8'
    return subprocess.run([sys.executable, str(ROOT / 'grader.py'), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, encoding='utf-8', timeout=300)


def read_csv(path):
    with open(path, newline='', encoding='utf-8') as f:
        return list(csv.reader(f))


def not_submissions(folder, *names):
    """Entries the batch rows as errors at once: folders with nothing to grade."""
    for name in names:
        (folder / name).mkdir(parents=True)
        (folder / name / 'README.txt').write_text('not a submission')


@pytest.fixture(scope='module')
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp('lms')
    folder = base / 'submissions'
    ignore = shutil.ignore_patterns('__pycache__')
    shutil.copytree(ROOT / 'reference', folder / 'alice', ignore=ignore)
    shutil.copytree(ROOT / 'exercises', folder / 'stubs', ignore=ignore)
    (folder / 'carol.zip').write_bytes(b'PK\x05\x06' + bytes(18))   # an archive: an error row
    not_submissions(folder, INJECTION)
    (base / 'roster.csv').write_text(ROSTER, encoding='utf-8')
    (base / 'points.toml').write_text(CONFIG)
    result = run('--batch', str(folder), *SELECTION, '--config', str(base / 'points.toml'),
                 '--roster', str(base / 'roster.csv'), '--assignment', 'Backprop (12345)')
    return SimpleNamespace(result=result, output=base / 'submissions-grades', base=base)


def test_batch_with_a_roster_exits_0_and_names_every_file(graded):
    assert graded.result.returncode == 0, graded.result.stderr
    for name in ('gradebook.csv', 'canvas.csv', 'moodle.csv'):
        assert (graded.output / name).is_file()
    assert f'for Canvas (Grades, Import): {graded.output / "canvas.csv"}' in graded.result.stderr
    assert 'map from "Email address"' in graded.result.stderr


def test_canvas_file_is_canvas_import_layout_with_exact_points(graded):
    rows = read_csv(graded.output / 'canvas.csv')
    assert rows == [
        CANVAS_HEADER,
        ['Points Possible', '', '', '', '', FULL],
        ['Liddell, Alice', '4001', 'S4001', 'aliddell', 'Section A', FULL],
        ["'-2+3", '4002', 'S4002', 'bstone', 'Section B', CORE_ONLY],
        ['Carol Wu', '4003', 'S4003', 'cwu', 'Section A', ''],      # error row: left empty
        ['Dave Roe', '4004', 'S4004', 'droe', 'Section B', '0'],     # no such entry: 0
        ['Erin Lo', '4005', 'S4005', 'elo', 'Section A', '0'],       # no submission given: 0
    ]


def test_canvas_file_bytes_utf8_no_bom_crlf(graded):
    data = (graded.output / 'canvas.csv').read_bytes()
    assert not data.startswith(codecs.BOM_UTF8)
    assert data.startswith(b'Student,ID,SIS User ID,SIS Login ID,Section,Backprop (12345)\r\n')
    assert data.count(b'\r\n') == 7 and b'\n' not in data.replace(b'\r\n', b'')


def test_moodle_file_has_one_identifier_complete_for_everyone_and_the_grade(graded):
    # username is missing for Carol, so email it is: Moodle reads a blank identifier as the
    # previous line's student.
    assert read_csv(graded.output / 'moodle.csv') == [
        ['Email address', 'Backprop (12345)'],
        ['alice@uni.example', FULL],
        ['bob@uni.example', CORE_ONLY],
        ['carol@uni.example', ''],
        ['dave@uni.example', '0'],
        ['erin@uni.example', '0'],
    ]


def test_gradebook_keeps_every_submission_and_adds_students_with_none(graded):
    rows = read_csv(graded.output / 'gradebook.csv')
    assert rows[0] == ['submission', 'student', 'score', 'max_score', 'core', 'ex1', 'status',
                       'seconds', 'message']
    by_name = {row[0]: dict(zip(rows[0], row)) for row in rows[1:]}
    assert set(by_name) == {"'" + INJECTION, 'alice', 'carol.zip', 'stubs', 'dave', ''}
    alice, stubs = by_name['alice'], by_name['stubs']
    assert (alice['student'], alice['score'], alice['max_score'], alice['core'], alice['ex1'],
            alice['status']) == ('Liddell, Alice', FULL, FULL, '2.015625', '2', 'ok')
    assert (stubs['student'], stubs['score'], stubs['ex1']) == ("'-2+3", CORE_ONLY, '0')
    assert by_name['carol.zip']['status'] == 'error'
    assert by_name["'" + INJECTION]['student'] == ''          # not on the roster, still listed
    assert by_name["'" + INJECTION]['status'] == 'error'
    dave, erin = by_name['dave'], by_name['']
    assert (dave['status'], dave['score'], dave['student']) == ('no submission', '0', 'Dave Roe')
    assert "no entry 'dave' in the batch folder (roster line 5)" == dave['message']
    assert (erin['status'], erin['student']) == ('no submission', 'Erin Lo')


def test_warnings_list_unmatched_submissions_missing_students_and_empty_grades(graded):
    err = graded.result.stderr
    assert ('warning: 1 submission(s) not on the roster, so in no LMS file (gradebook.csv has '
            f'them): {INJECTION}') in err
    assert '2 student(s) on the roster with no submission (0 in the LMS files): Dave Roe, ' \
           'Erin Lo' in err
    assert 'warning: 1 grade(s) left empty in the LMS files, as the submission could not be ' \
           'graded (gradebook.csv says why): Carol Wu (carol.zip)' in err


def test_no_cell_of_any_file_starts_a_formula(graded):
    for name in ('gradebook.csv', 'canvas.csv', 'moodle.csv'):
        for row in read_csv(graded.output / name):
            for cell in row:
                assert not cell.lstrip().startswith(('=', '+', '-', '@', '\t', '\r')), (name, cell)


# -- CSV safety and exact points, directly ----------------------------------------------------

@pytest.mark.parametrize('cell', ['=1+2', '+1', '-1', '@SUM(A1)', '\t=1', '\r=1', '  =1',
                                  '=HYPERLINK("x")', '-'])
def test_a_cell_that_could_be_a_formula_gets_a_quote(cell):
    assert safe_cell(cell) == "'" + cell


@pytest.mark.parametrize('cell', ['alice', '4.015625', '0', '', 'a=b', "O'Brien", 'café 🎓',
                                  'x-1', 'me@uni.example'])
def test_ordinary_cells_are_left_alone(cell):
    assert safe_cell(cell) == cell


def test_points_are_exact_on_the_1_64_grid():
    for k in range(0, 64 * 80 + 1):
        assert float(points(k / 64)) == k / 64
    assert [points(x) for x in (75, 0.5, 1 / 64, 74.984375, 0.0)] == \
        ['75', '0.5', '0.015625', '74.984375', '0']


@pytest.mark.parametrize('bom', [False, True])
def test_byte_order_mark_only_on_request(tmp_path, bom):
    write_csv(tmp_path / 'x.csv', [['Student', 'Score'], ['Zoë', '1']], bom=bom)
    data = (tmp_path / 'x.csv').read_bytes()
    assert data.startswith(codecs.BOM_UTF8) == bom
    assert data.removeprefix(codecs.BOM_UTF8) == 'Student,Score\r\nZoë,1\r\n'.encode('utf-8')


# -- the roster --------------------------------------------------------------------------------

def roster(tmp_path, text, encoding='utf-8'):
    path = tmp_path / 'roster.csv'
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize('bom', ['', '\ufeff'])
def test_roster_with_or_without_bom_and_lms_header_spellings(tmp_path, bom):
    students = read_roster(roster(tmp_path, bom + 'Submission,SIS User ID,Email Address,ID number'
                                  '\r\nalice.py, S1 ,a@x.example,N1\r\n\r\nbob,,b@x.example,\r\n'))
    assert [(s.line, s.submission, s.sis_user_id, s.email, s.idnumber) for s in students] == \
        [(2, 'alice.py', 'S1', 'a@x.example', 'N1'), (4, 'bob', '', 'b@x.example', '')]


@pytest.mark.parametrize('text, message', [
    ('', 'the file is empty'),
    ('\n\n', 'the file is empty'),
    ('submission,email\n', 'no students, only the header line'),
    ('student,email\nAlice,a@x\n', 'line 1: no submission column'),
    ('submission,section\nalice,A\n', 'line 1: no column identifies the students'),
    ('submission,emial\nalice,a@x\n', "line 1: unknown column 'emial'"),
    ('submission,email,Email address\nalice,a@x,a@x\n', 'line 1: the column email is given twice'),
    ('submission,student\nalice,Liddell, Alice\n', 'line 2: 3 fields where the header has 2'),
    ('submission,student,email\nalice,Alice,a@x\nbob,,\n', 'line 3: nothing identifies'),
    ('submission,student\nalice,Alice\nbob,Bob\nalice,Alice Two\n',
     "line 4: submission 'alice' is also on line 2"),
    ('submission,email\nalice,a@x\nbob,a@x\n', "line 3: email 'a@x' is also on line 2"),
])
def test_bad_roster_is_a_usage_error_naming_the_line(tmp_path, text, message):
    with pytest.raises(UsageError, match='^--roster .*' + re.escape(message)):
        read_roster(roster(tmp_path, text))


def test_roster_not_utf8_names_the_line(tmp_path):
    with pytest.raises(UsageError, match='line 3: not UTF-8'):
        read_roster(roster(tmp_path, 'submission,student\nalice,Alice\nzoe,Zoë\n', 'latin-1'))


def test_roster_that_does_not_exist(tmp_path):
    with pytest.raises(UsageError, match='cannot read it'):
        read_roster(tmp_path / 'missing.csv')


def test_students_without_a_submission_may_share_the_empty_one(tmp_path):
    students = read_roster(roster(tmp_path, 'submission,student\n,Ann\n,Ben\n'))
    assert [s.student for s in students] == ['Ann', 'Ben']


def test_a_roster_names_a_submission_by_row_name_or_by_file_name(tmp_path):
    students = read_roster(roster(tmp_path, 'submission,student\nalice.py,Alice\nbob,Bob\n'))
    rows = [SimpleNamespace(submission='alice', entry='alice.py', student=None),
            SimpleNamespace(submission='bob', entry='bob', student=None),
            SimpleNamespace(submission='zed', entry='zed.zip', student=None)]
    rows, notes = match_roster(rows, students, no_submission=lambda s: pytest.fail(s.label))
    assert [r.student.student if r.student else None for r in rows] == ['Alice', 'Bob', None]
    assert notes == ['warning: 1 submission(s) not on the roster, so in no LMS file '
                     '(gradebook.csv has them): zed']


@pytest.mark.parametrize('name', ['', '  ', 'Final Score', 'My Current Grade', 'a\nb'])
def test_assignment_names_canvas_would_misread_are_refused(name):
    with pytest.raises(ValueError):
        check_assignment(name)


# -- the command line, on folders of non-submissions (nothing to grade: fast) -------------------

@pytest.fixture
def folder(tmp_path):
    subs = tmp_path / 'subs'
    not_submissions(subs, 'ann', 'ben')
    return subs


def test_bad_roster_exits_2_before_grading(folder, tmp_path):
    bad = roster(tmp_path, 'submission,student\nann,Ann\nann,Ann again\n')
    result = run('--batch', str(folder), '--roster', str(bad), '--check', 'core.add')
    assert result.returncode == 2
    assert f"--roster {bad}, line 3: submission 'ann' is also on line 2" in result.stderr
    assert not (tmp_path / 'subs-grades').exists()


@pytest.mark.parametrize('args, message', [
    (['--roster', 'r.csv'], '--roster is for the CSV files of --batch DIR'),
    (['--bom'], '--bom is for the CSV files of --batch DIR'),
    (['--batch', 'DIR', '--assignment', 'X'], '--assignment names the grade column'),
    (['--batch', 'DIR', '--roster', 'ROSTER', '--assignment', 'Final Score'],
     "--assignment 'Final Score': Canvas ignores a column"),
])
def test_option_mistakes_exit_2(folder, tmp_path, args, message):
    good = roster(tmp_path, 'submission,student\nann,Ann\n')
    args = [{'DIR': str(folder), 'ROSTER': str(good)}.get(a, a) for a in args]
    result = run(*args, '--check', 'core.add')
    assert result.returncode == 2, result.stderr
    assert message in result.stderr


def test_bom_on_request_in_every_file(folder, tmp_path):
    good = roster(tmp_path, 'submission,student,email\nann,Ann,ann@x.example\n')
    for bom in (True, False):
        result = run('--batch', str(folder), '--roster', str(good), '--check', 'core.add',
                     *(['--bom'] if bom else []))
        assert result.returncode == 0, result.stderr
        for name in ('gradebook.csv', 'canvas.csv', 'moodle.csv'):
            data = (tmp_path / 'subs-grades' / name).read_bytes()
            assert data.startswith(codecs.BOM_UTF8) == bom, name
            assert not data.removeprefix(codecs.BOM_UTF8).startswith(codecs.BOM_UTF8)


def test_lms_file_left_out_when_some_student_lacks_its_identifier(folder, tmp_path):
    partial = roster(tmp_path, 'submission,student,email,username\nann,Ann,ann@x.example,\n'
                               'ben,,,ben\n')
    result = run('--batch', str(folder), '--roster', str(partial), '--check', 'core.add')
    assert result.returncode == 0, result.stderr
    output = tmp_path / 'subs-grades'
    assert not (output / 'moodle.csv').exists() and not (output / 'canvas.csv').exists()
    assert 'no moodle.csv: Moodle finds students by email, username or idnumber' in result.stderr
    assert 'no canvas.csv: Canvas finds students by' in result.stderr


def test_lms_files_of_an_earlier_batch_are_removed(folder, tmp_path):
    good = roster(tmp_path, 'submission,student,email\nann,Ann,ann@x.example\n')
    assert run('--batch', str(folder), '--roster', str(good), '--check', 'core.add'
               ).returncode == 0
    output = tmp_path / 'subs-grades'
    assert (output / 'canvas.csv').exists()
    result = run('--batch', str(folder), '--check', 'core.add')
    assert result.returncode == 0, result.stderr
    assert not (output / 'canvas.csv').exists() and not (output / 'moodle.csv').exists()
    assert read_csv(output / 'gradebook.csv')[0][:2] == ['submission', 'score']   # no roster
