"""Grading from inside a running notebook (Jupyter, Colab, VS Code): `grader.check_notebook()`.

The code graded is what the student ran in this session, in the order they ran it (IPython's
input history, each run a cell named like Jupyter shows it, `In [7]`), with IPython's own lines
dropped as for a .ipynb (grading/notebook.py) and without the cells that call the grader. Or,
with `check_notebook(path='solution.ipynb')`, a notebook or .py file on disk.

Nothing is graded in the kernel's process: the code is written to a temporary .py file and
`python grader.py` grades it in a subprocess, stopped after `timeout` seconds (the kernel never
hangs on it); the report comes back as JSON and is shown as HTML (the text report where HTML
cannot be displayed). Importing this module needs neither IPython nor the grader's dependencies.
The points come back into the kernel, where the student's code runs too: what this module
returns is feedback, not a protected grade (docs/instructors.md, "Threat model").
"""
import html
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
from dataclasses import fields
from pathlib import Path

from . import notebook, otter
from .neutral import inert

ROOT = Path(__file__).resolve().parents[1]
GRADER = ROOT / 'grader.py'
OWN_CALL, OTTER_CALL = 'check_notebook', 'otter_check'
GRADER_IMPORT = re.compile(r'(import\s+grader\b|from\s+grader\s+import\b)')


class NotebookCheckError(RuntimeError):
    """check_notebook cannot run here (no IPython, no history) or the grader did not finish."""


def check_notebook(*options, path=None, timeout=600, show=True):
    """Grade the code this notebook session ran (or the file at `path`) and show the report.

    `options` are the grader's own, e.g. check_notebook('--exercise', 'ex3') or
    check_notebook('--check', 'core.add'). Returns the points earned, a Grade; `show=False`
    displays nothing (Otter's test cases, grading/otter.py, show their own messages)."""
    with tempfile.TemporaryDirectory(prefix='grader-session-') as scratch:
        if path is None:
            module = session_module()
            impl = Path(scratch) / 'notebook_session.py'
            impl.write_text(module.text, encoding='utf-8')
        else:
            impl, module = Path(path).resolve(), None
        report = run_grader(impl, Path(scratch) / 'report.json', options, timeout)
        if module is not None:
            notebook.relocate_report(report, str(impl), 'this notebook', module.places)
            for check in (c for e in report.exercises for c in e.checks):
                check.reproduce = as_call(check.reproduce)
        if show:
            display_report(report)
        return Grade(report.to_dict(), shown=show)


class Grade(float):
    """The points earned, a number, so that the last line of a notebook cell shows them, and an
    autograder that reads a test cell's value as its partial credit (nbgrader) reads the points;
    the maximum (`max_score`) and the whole JSON report (`report`) beside them.

    In a notebook it shows as the HTML report (`_repr_html_`), unless check_notebook() showed
    that report already (`shown`): then as the number, so the report is not shown twice."""

    def __new__(cls, report, shown=False):
        grade = super().__new__(cls, report['score'])
        grade.max_score, grade.report, grade.shown = report['max_score'], report, shown
        return grade

    def _repr_html_(self):
        if self.shown:
            return None   # IPython then shows the number (text/plain)
        report = report_from_json(self.report)
        return as_html(report, _plain(report))


def session_module():
    """The session's history as one module: each run a cell, `In [n]`, the grader's own calls
    (and the cell running now) left out."""
    shell = _shell()
    history = list(getattr(shell, 'history_manager').input_hist_raw)[:-1]  # [-1]: this cell
    cells = otter.without_otter([(f'In [{n}]', without_grader_imports(source))
                                 for n, source in enumerate(history)
                                 if n and OWN_CALL not in source and OTTER_CALL not in source])
    if not any(source.strip() for _, source in cells):
        raise NotebookCheckError('this session has run no code yet: run your cells first')
    return notebook.to_module(cells, 'The cells this notebook session ran')


def without_grader_imports(source):
    """The cell without its `import grader` lines: the grader is no part of the student's
    code, and cannot be imported where that code is graded."""
    return '\n'.join('pass  # the grader\'s import, dropped' if GRADER_IMPORT.match(line)
                     else line for line in source.splitlines())


def _shell():
    try:
        from IPython import get_ipython
    except ImportError:
        raise NotebookCheckError('check_notebook() grades a running notebook and needs IPython '
                                 '(Jupyter, Colab); outside one, run python grader.py --impl '
                                 'FILE') from None
    shell = get_ipython()
    if shell is None or not hasattr(shell, 'history_manager'):
        raise NotebookCheckError('check_notebook() runs inside a notebook (Jupyter, Colab); '
                                 'here, run python grader.py --impl FILE, or give '
                                 'check_notebook(path=...)')
    return shell


def run_grader(impl, output, options, timeout):
    """The grader's report on `impl`, from a subprocess stopped (with its children) after
    `timeout` seconds, as a grading.model.Report."""
    command = [sys.executable, str(GRADER), '--impl', str(impl), *map(str, options),
               '--format', 'json', '--output', str(output)]
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, encoding='utf-8',
                               errors='replace', start_new_session=True)
    try:
        _, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        raise NotebookCheckError(f'the grader did not finish within {timeout} s and was '
                                 'stopped: check_notebook(timeout=...) gives it longer') from None
    finally:
        _stop(process)   # also on KeyboardInterrupt: "Interrupt kernel" stops the grading
    if process.returncode not in (0, 1) or not output.is_file():
        raise NotebookCheckError(f'the grader stopped with status {process.returncode}:\n'
                                 + inert(err.strip()[-3000:]))
    return report_from_json(json.loads(output.read_text(encoding='utf-8')))


def _stop(process):
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (OSError, AttributeError):
            process.kill()
        process.wait()


def report_from_json(data):
    """The JSON report (docs/report-format.md) as the Report the text format renders."""
    from .model import CheckReport, ExerciseReport, Report

    def known(cls, values):
        return {f.name: values[f.name] for f in fields(cls) if f.name in values}
    exercises = [ExerciseReport(**known(ExerciseReport, {
        **e, 'checks': [CheckReport(**known(CheckReport, c)) for c in e['checks']]}))
        for e in data['exercises']]
    return Report(**known(Report, {**data, 'exercises': exercises}))


def as_call(command):
    """A reproduce command of the session's file, as the call that grades the session."""
    if not command:
        return command
    words = shlex.split(command.split('python ', 1)[-1])[1:]   # after `grader.py`
    if '--impl' in words:
        at = words.index('--impl')
        del words[at:at + 2]
    return f'grader.check_notebook({", ".join(repr(w) for w in words)})'


def _plain(report):
    from .formats import text
    return text.render(report, colour=False)


def display_report(report):
    """The report as rich output: HTML in a notebook, the text report where HTML is not shown."""
    plain = _plain(report)
    try:
        from IPython.display import display
    except ImportError:
        print(plain)
        return
    display({'text/html': as_html(report, plain), 'text/plain': plain}, raw=True)


def as_html(report, plain):
    """A score line and the HTML report (--format html, its style scoped to it); where the
    grader's dependencies are not in the kernel's Python (the drawing needs them), a table of
    exercises and the full text report instead. Every string escaped."""
    try:
        from .formats import html as html_format
        page = html_format.fragment(report)
    except ImportError:
        page = None
    if page is not None:
        return (f'<div class="backprop-grader"><h3>Grade: {_num(report.score)}/'
                f'{_num(report.max_score)}</h3>{page}</div>')
    colour = {'passed': '#1a7f37', 'failed': '#cf222e', 'not_attempted': '#6e7781'}
    rows = ''.join(
        f'<tr><td>{html.escape(e.id)}</td><td>{html.escape(e.title)}</td>'
        f'<td style="color:{colour.get(e.status, "inherit")}">{_num(e.score)}/'
        f'{_num(e.max_score)}</td></tr>' for e in report.exercises)
    return (f'<div class="backprop-grader"><h3>Grade: {_num(report.score)}/'
            f'{_num(report.max_score)}</h3><table>{rows}</table>'
            f'<details{" open" if not report.passed else ""}><summary>the full report'
            f'</summary><pre>{html.escape(plain)}</pre></details></div>')


def _num(x):
    return f'{x:g}'
