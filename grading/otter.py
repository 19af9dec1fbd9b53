"""Otter-Grader: test files whose cases are the grader's checks, and Otter's calls kept out of what
is graded.

`python grader.py --otter-tests DIR` writes one exception-based Otter test file per exercise
(DIR/core.py, DIR/ex1.py, ...): one test case per check, worth the check's points, each calling
`grader.otter_check(ID)`. In the kernel where Otter runs its tests, the first case of an exercise
grades the session once (grading/in_notebook.py: the code the notebook ran, in a subprocess, in
the sandbox), and every case then passes or raises with its check's failure report.
That pass or fail happens in the kernel where the student's code ran, which could replace
otter_check first: Otter's points are feedback, not a protected grade (docs/instructors.md).

An Otter notebook's own cells call Otter (`import otter`, `grader = otter.Notebook()`,
`grader.check("q1")`), and Otter adds cells of its own while grading: those statements cannot run
where the student's code is graded, so every top-level statement that imports Otter, or uses a
name bound from it, is left out (`pass`, line numbers kept).
"""
import ast
from pathlib import Path

OWN_NAMES = frozenset({'otter'})
LEFT_OUT = "pass  # Otter's, left out of what is graded"
_REPORTS = {}   # exercise -> (the session's length when graded, the JSON report)


# --- the test files -------------------------------------------------------------------------------

def write_otter_tests(directory, checks, points):
    """One test file per exercise of `checks` into `directory`; returns the files written."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for exercise in dict.fromkeys(c.exercise for c in checks):
        cases = [c for c in checks if c.exercise == exercise]
        path = directory / f'{exercise}.py'
        path.write_text(_test_file(exercise, cases, points), encoding='utf-8')
        written.append(path)
    return written


def _test_file(exercise, cases, points):
    lines = [f'"""Otter test file for {exercise}: one case per check of backprop-grader '
             '(python grader.py --list)."""',
             'from otter.test_files import test_case', '', 'import grader', '',
             'OK_FORMAT = False', f'name = {exercise!r}', 'points = None', '']
    for n, check in enumerate(cases, 1):
        lines += ['', f'@test_case(name={check.id!r}, points={points[check.id]!r})',
                  f'def case_{n}():', f'    grader.otter_check({check.id!r})', '']
    return '\n'.join(lines)


# --- in the kernel, when Otter runs a case --------------------------------------------------------

def otter_check(check_id, timeout=600):
    """Pass if check `check_id` passed on the code this session ran; raise AssertionError with
    its report otherwise. The session is graded once per exercise (again only after more code
    ran)."""
    from .formats.text import _failure
    from .in_notebook import _shell, check_notebook, report_from_json
    exercise = check_id.split('.')[0]
    ran = len(_shell().history_manager.input_hist_raw)
    if _REPORTS.get(exercise, (None,))[0] != ran:
        grade = check_notebook('--exercise', exercise, timeout=timeout, show=False)
        _REPORTS[exercise] = (ran, grade.report)
    report = report_from_json(_REPORTS[exercise][1])
    found = [c for e in report.exercises for c in e.checks if c.id == check_id]
    if not found:
        raise AssertionError(f'{check_id} was not graded: {"; ".join(report.notes) or "unknown"}')
    check = found[0]
    if check.status not in ('passed', 'skipped'):
        raise AssertionError(f'{check_id} [{check.status}]\n{_failure(check)}')


# --- what is graded -------------------------------------------------------------------------------

def without_otter(cells):
    """The (name, source) cells with every top-level statement that imports Otter, or uses a
    name bound from it, replaced by LEFT_OUT (line for line). Names stay bound from cell to
    cell; a cell that does not parse is left as it is (the grader reports it)."""
    tainted, kept = set(OWN_NAMES), []
    for name, source in cells:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            kept.append((name, source))
            continue
        lines = source.splitlines()
        for statement in tree.body:
            if _uses(statement, tainted):
                tainted |= _binds(statement)
                first, last = statement.lineno - 1, statement.end_lineno
                lines[first:last] = [LEFT_OUT] + [''] * (last - first - 1)
        kept.append((name, '\n'.join(lines)))
    return kept


def _uses(statement, tainted):
    if isinstance(statement, (ast.Import, ast.ImportFrom)):
        modules = [statement.module or ''] if isinstance(statement, ast.ImportFrom) else \
            [alias.name for alias in statement.names]
        if any(m.split('.')[0] in OWN_NAMES for m in modules):
            return True
    return any(isinstance(node, ast.Name) and node.id in tainted for node in ast.walk(statement))


def _binds(statement):
    """The names a statement binds at the top level (import aliases, assignment targets)."""
    if isinstance(statement, (ast.Import, ast.ImportFrom)):
        return {(alias.asname or alias.name).split('.')[0] for alias in statement.names}
    targets = []
    if isinstance(statement, ast.Assign):
        targets = statement.targets
    elif isinstance(statement, (ast.AnnAssign, ast.AugAssign)):
        targets = [statement.target]
    elif isinstance(statement, (ast.For, ast.With)):
        targets = [statement.target] if isinstance(statement, ast.For) else \
            [item.optional_vars for item in statement.items if item.optional_vars]
    return {node.id for t in targets for node in ast.walk(t) if isinstance(node, ast.Name)}
