"""The CSV files --batch writes: safe cells, exact points, and the LMS gradebooks of --roster.

With a roster (grading/roster.py), beside gradebook.csv go:

  * canvas.csv, Canvas's gradebook import (Grades, Import): the columns Student, ID, SIS User
    ID, SIS Login ID, Section and one assignment column, then a "Points Possible" row, then one
    row per student. The layout is the one Canvas's importer reads (instructure/canvas-lms,
    app/models/gradebook_importer.rb: the header must start with "Student" and "ID", "SIS User
    ID" and "SIS Login ID" come next and "Section" ends the student columns; a row whose first
    cell holds "Points Possible" sets the points; a student is found by ID, then SIS User ID,
    then SIS Login ID, then name; the assignment column by the id in "Name (id)", else by its
    exact name, else it is a new assignment) and the one its gradebook export writes.
  * moodle.csv, Moodle's "Import grades from CSV file": one column identifying the user (Email
    address, Username or ID number: "Map from" it to the same field) and one for the grade item
    (docs.moodle.org/en/Grade_import; grade/import/csv/classes/load_data.php reads an empty
    grade as "no grade"). Moodle takes a blank identifier for the previous line's student, so
    the column chosen is one that every student on the roster has; without one, no moodle.csv.

Each file is written when every student on the roster has an identifier it uses, else a note
says why not. Grades in both are points (not percentages), written exactly (scaled points are
multiples of 1/64, six decimals at most). A student whose submission could not be graded (an
error row) gets an empty grade, so the LMS shows it as missing and the instructor looks at it;
a student on the roster with no submission gets 0. Submissions that are not on the roster are left out of the
LMS files (no student to give them to) but stay in gradebook.csv, and a warning lists them.

Every cell of every CSV file written is made safe to open in a spreadsheet: one that starts with
=, +, -, @, a tab or a carriage return (after blanks) would run as a formula ("CSV injection"),
so it gets a ' in front. Submission names are chosen by students, so they can be formulas.
"""
import csv
import io
from pathlib import Path

from .loader import UsageError
from .neutral import inert
from .roster import CANVAS_IDENTIFIERS, read_roster

CANVAS_FILE, MOODLE_FILE = 'canvas.csv', 'moodle.csv'
CANVAS_COLUMNS = ('Student', 'ID', 'SIS User ID', 'SIS Login ID', 'Section')
MOODLE_COLUMNS = (('email', 'Email address'), ('username', 'Username'), ('idnumber', 'ID number'))
# Canvas's importer drops every column whose header holds one of these (NON_ASSIGNMENT_COLUMN_
# HEADERS, matched as a regexp, case-sensitive): never an assignment's name.
CANVAS_NOT_ASSIGNMENTS = ('Current Score', 'Current Points', 'Current Grade', 'Final Score',
                          'Final Points', 'Final Grade', 'Override Score', 'Override Grade',
                          'Override Status')
FORMULA_STARTS = ('=', '+', '-', '@', '\t', '\r')
NO_SUBMISSION = 'no submission'
DEFAULT_ASSIGNMENT = 'Backprop'


def safe_cell(value):
    """`value` as a cell no spreadsheet runs as a formula: a leading ' when it could be one."""
    text = str(value)
    if text.startswith(FORMULA_STARTS) or text.lstrip().startswith(FORMULA_STARTS):
        return "'" + text
    return text


def points(x):
    """A score exactly: multiples of 1/64 need six decimals at most (0.015625)."""
    return f'{x:.6f}'.rstrip('0').rstrip('.') if x != int(x) else str(int(x))


def write_csv(path, rows, bom=False):
    """Write `rows` (lists of cells) as CSV, every cell made safe, UTF-8 (with a byte-order
    mark for Excel when `bom`), lines ending in \r\n; atomically, never through a link."""
    from .cli import _write_atomically  # here, not at the top: cli imports batch lazily
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    _write_atomically(path, ('\ufeff' if bom else '') + buffer.getvalue())


def lms_options(args):
    """(roster, assignment) for the LMS files, (None, None) without --roster. Read before
    grading: a mistake in either is a usage error now, not after the whole batch."""
    if not args.roster:
        if args.assignment:
            raise UsageError('--assignment names the grade column of the LMS files: give the '
                             '--roster they are written for too')
        return None, None
    try:
        assignment = check_assignment(args.assignment or DEFAULT_ASSIGNMENT)
    except ValueError as error:
        raise UsageError(f'--assignment {args.assignment!r}: {error}') from None
    return read_roster(args.roster), assignment


def check_assignment(name):
    """The Canvas assignment column's header, or ValueError saying why Canvas would misread it."""
    name = name.strip()
    if not name or any(c in name for c in '\r\n'):
        raise ValueError('give the assignment\'s name on one line, e.g. "Backprop (12345)"')
    taken = [words for words in CANVAS_NOT_ASSIGNMENTS if words in name]
    if taken:
        raise ValueError(f'Canvas ignores a column whose name holds {taken[0]!r}; choose '
                         'another name')
    return name


def match_roster(rows, students, no_submission):
    """Give each gradebook row its student (row.student) and each student with no submission a
    row of its own (no_submission(student)). Returns (rows, notes for the instructor)."""
    by_name = {row.submission: row for row in rows}
    by_entry = {row.entry: row for row in rows if row.entry}
    missing = []
    for student in students:
        row = by_name.get(student.submission) or by_entry.get(student.submission)
        if row is None or row.student is not None:
            missing.append(no_submission(student))
        else:
            row.student = student
    notes = []
    unmatched = [row.submission for row in rows if row.student is None]
    if unmatched:
        notes.append(f'warning: {len(unmatched)} submission(s) not on the roster, so in no LMS '
                     'file (gradebook.csv has them): ' + ', '.join(map(_one_line, unmatched)))
    if missing:
        notes.append(f'{len(missing)} student(s) on the roster with no submission (0 in the LMS '
                     'files): ' + ', '.join(_one_line(row.student.label) for row in missing))
    return rows + missing, notes


def lms_grade(row):
    """What the LMS gets: points; 0 for no submission; empty (missing) when not graded."""
    if row.status == NO_SUBMISSION:
        return '0'
    return points(row.score) if row.status == 'ok' else ''


def write_lms_files(output, rows, assignment, bom=False):
    """canvas.csv and moodle.csv into `output` for the rows that have a student, each where
    every student has an identifier it uses. Returns notes for the instructor (what was written
    where, what was not and why, which grades are left empty)."""
    rows = sorted((row for row in rows if row.student is not None), key=lambda r: r.student.line)
    possible = max((row.max_score for row in rows if row.status == 'ok'),
                   default=max((row.max_score for row in rows), default=0))
    notes = []
    if all(_has_any(row.student, CANVAS_IDENTIFIERS) for row in rows):
        write_csv(Path(output) / CANVAS_FILE, canvas_table(rows, assignment, possible), bom)
        notes.append(f'for Canvas (Grades, Import): {Path(output) / CANVAS_FILE}')
    else:
        notes.append(f'no {CANVAS_FILE}: Canvas finds students by student (name), id, '
                     'sis_user_id or sis_login_id, and some student on the roster has none')
    column = moodle_identifier(row.student for row in rows)
    if column:
        write_csv(Path(output) / MOODLE_FILE, moodle_table(rows, assignment, column), bom)
        notes.append(f'for Moodle (Import, CSV file; map from "{dict(MOODLE_COLUMNS)[column]}"): '
                     f'{Path(output) / MOODLE_FILE}')
    else:
        notes.append(f'no {MOODLE_FILE}: Moodle finds students by email, username or idnumber, '
                     'and no such column of the roster is filled in for every student')
    empty = [row for row in rows if lms_grade(row) == '']
    if empty:
        notes.append(f'warning: {len(empty)} grade(s) left empty in the LMS files, as the '
                     'submission could not be graded (gradebook.csv says why): '
                     + ', '.join(_one_line(f'{r.student.label} ({r.submission})') for r in empty))
    return notes


def canvas_table(rows, assignment, possible):
    header = [*CANVAS_COLUMNS, assignment]
    # Canvas's importer reads this row's first cell with include?("Points Possible").
    points_row = ['Points Possible', '', '', '', '', points(possible)]
    return [header, points_row, *(
        [*map(_one_line, (row.student.student, row.student.id, row.student.sis_user_id,
                          row.student.sis_login_id, row.student.section)), lms_grade(row)]
        for row in rows)]


def _has_any(student, columns):
    return any(getattr(student, column) for column in columns)


def moodle_identifier(students):
    """The first of email, username, idnumber that every student has, or None."""
    students = list(students)
    return next((column for column, _ in MOODLE_COLUMNS
                 if students and all(getattr(s, column) for s in students)), None)


def moodle_table(rows, assignment, column):
    header = [dict(MOODLE_COLUMNS)[column], assignment]
    return [header, *([_one_line(getattr(row.student, column)), lms_grade(row)] for row in rows)]


def _one_line(text):
    return ' '.join(inert(text).split())


def write_gradebook(path, rows, exercises, with_students=False, bom=False):
    """gradebook.csv: points exact, cells safe in a spreadsheet (gradebooks.write_csv); with a
    roster, a student column (the roster's name for the row, empty when not on it)."""
    students = ['student'] if with_students else []
    table = [['submission', *students, 'score', 'max_score', *exercises, 'status', 'seconds',
              'message']]
    for row in rows:
        student = [readable(row.student.label) if row.student else ''] if with_students else []
        table.append([readable(row.submission), *student, points(row.score),
                      points(row.max_score), *(points(row.exercises.get(e, 0.0))
                                               for e in exercises),
                      row.status, f'{row.seconds:.1f}', readable(row.message)])
    write_csv(path, table, bom)


def readable(text):
    """An entry's name (or a message holding one) as the folder shows it: a locale that cannot
    decode a name (LC_ALL=C and 'café') leaves surrogates for its bytes, which no UTF-8 file can
    hold; those bytes are read as UTF-8, and whatever is still unsafe is escaped."""
    try:
        text = text.encode('utf-8', 'surrogateescape').decode('utf-8', 'backslashreplace')
    except UnicodeEncodeError:   # a surrogate that stands for no byte
        pass
    return inert(text)


def read_gradebook(path):
    """The gradebook as a list of dicts (for scripts and tests)."""
    with open(path, newline='', encoding='utf-8') as f:
        return list(csv.DictReader(f))
