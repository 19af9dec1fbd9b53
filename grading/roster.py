"""--roster FILE: which student handed in which submission, for the LMS files of --batch.

The roster is a CSV file, UTF-8 (with or without a byte-order mark), a header line and then one
line per student:

    submission,student,id,sis_user_id,sis_login_id,section,email,username,idnumber
    alice,"Liddell, Alice",4001,S4001,aliddell,Section A,alice@uni.example,aliddell,S4001
    bob.py,Bob Stone,4002,S4002,bstone,Section B,bob@uni.example,bstone,S4002
    ,Carol Wu,4003,S4003,cwu,Section A,carol@uni.example,cwu,S4003

Columns may come in any order, and any but `submission` may be left out. Headers are read
ignoring case, spaces and dashes, so Canvas's and Moodle's own names work too: `SIS User ID`,
`Email address`, `ID number`.

  * submission: the entry's name in the batch folder, as gradebook.csv's `submission` column
    shows it (`alice` for alice.py; the file name itself, `alice.py`, matches too). Empty: the
    student handed nothing in.
  * student (display name), id (Canvas's user ID), sis_user_id, sis_login_id, section: Canvas;
  * email, username, idnumber (Moodle's "ID number"): Moodle.

At least one identifier column (any but section) is required, and every student needs a value
in one of them. Whatever is wrong (no such file, not UTF-8, empty, an unknown or a repeated
column, a line with too many or too few fields, a student with no identifier, a submission or an
identifier given twice) is a usage error naming the line, raised before anything is graded.
"""
import csv
import io
from dataclasses import dataclass
from pathlib import Path

from .loader import UsageError

CANVAS_IDENTIFIERS = ('student', 'id', 'sis_user_id', 'sis_login_id')
MOODLE_IDENTIFIERS = ('email', 'username', 'idnumber')
IDENTIFIERS = CANVAS_IDENTIFIERS + MOODLE_IDENTIFIERS
COLUMNS = ('submission',) + IDENTIFIERS + ('section',)
# Other spellings of a column (after lower-casing, spaces and dashes as '_'): the LMS's own.
ALIASES = {'email_address': 'email', 'id_number': 'idnumber', 'name': 'student'}
# A student's name may repeat (two Wei Zhangs); an ID may not.
UNIQUE = ('submission', 'id', 'sis_user_id', 'sis_login_id', 'email', 'username', 'idnumber')


@dataclass
class Student:
    line: int
    submission: str = ''
    student: str = ''
    id: str = ''
    sis_user_id: str = ''
    sis_login_id: str = ''
    section: str = ''
    email: str = ''
    username: str = ''
    idnumber: str = ''

    @property
    def label(self):
        """How warnings name the student: the name, else the first identifier."""
        return next((getattr(self, c) for c in IDENTIFIERS if getattr(self, c)),
                    f'line {self.line}')


def read_roster(path):
    """The students of the roster at `path`, in its order (UsageError when it is not valid)."""
    lines = csv.reader(io.StringIO(_read_text(path), newline=''))
    try:
        rows = [(lines.line_num, cells) for cells in lines if any(c.strip() for c in cells)]
    except csv.Error as error:
        raise UsageError(f'--roster {path}, line {lines.line_num}: not valid CSV ({error})'
                         ) from None
    if not rows:
        raise UsageError(f'--roster {path}: the file is empty; its first line names the columns, '
                         'e.g. submission,student,email')
    columns = _columns(path, rows[0][1], rows[0][0])
    students = [_student(path, columns, cells, line) for line, cells in rows[1:]]
    if not students:
        raise UsageError(f'--roster {path}: no students, only the header line')
    _refuse_repeats(path, students)
    return students


def _read_text(path):
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise UsageError(f'--roster {path}: cannot read it ({error.strerror or error})') from None
    try:
        return data.decode('utf-8-sig')
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b'\n') + 1
        raise UsageError(f'--roster {path}, line {line}: not UTF-8; save the file as "CSV UTF-8"'
                         ) from None


def _columns(path, header, line):
    names = [_column_name(cell) for cell in header]
    where = f'--roster {path}, line {line}'
    for name, cell in zip(names, header):
        if name not in COLUMNS:
            raise UsageError(f'{where}: unknown column {cell.strip()!r}; the columns are '
                             f'{", ".join(COLUMNS)}')
        if names.count(name) > 1:
            raise UsageError(f'{where}: the column {name} is given twice')
    if 'submission' not in names:
        raise UsageError(f'{where}: no submission column (the entry\'s name in the batch folder)')
    if not any(name in IDENTIFIERS for name in names):
        raise UsageError(f'{where}: no column identifies the students; give at least one of '
                         f'{", ".join(IDENTIFIERS)}')
    return names


def _column_name(cell):
    name = '_'.join(cell.strip().lower().replace('-', ' ').split())
    return ALIASES.get(name, name)


def _student(path, columns, cells, line):
    if len(cells) != len(columns):
        raise UsageError(f'--roster {path}, line {line}: {len(cells)} fields where the header has '
                         f'{len(columns)} (a comma in a name needs quotes: "Liddell, Alice")')
    student = Student(line, **{c: cell.strip() for c, cell in zip(columns, cells)})
    if not any(getattr(student, c) for c in IDENTIFIERS):
        raise UsageError(f'--roster {path}, line {line}: nothing identifies this student; fill '
                         f'in one of {", ".join(c for c in IDENTIFIERS if c in columns)}')
    return student


def _refuse_repeats(path, students):
    for column in UNIQUE:
        seen = {}
        for student in students:
            value = getattr(student, column)
            if value and value in seen:
                raise UsageError(f'--roster {path}, line {student.line}: {column} {value!r} is '
                                 f'also on line {seen[value]}; each student is on one line, with '
                                 'a submission of their own')
            seen.setdefault(value, student.line)

