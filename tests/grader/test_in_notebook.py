"""`grader.check_notebook()`: grading from inside a running notebook, in a real Jupyter kernel,
and its pieces without one."""
import json
import subprocess
import sys

import pytest

from grading import in_notebook
from test_notebook import ROOT, cell, reference_notebook, write_notebook


def test_without_ipython_the_error_says_what_to_do_instead():
    code = ('import sys; sys.modules["IPython"] = None\nimport grader\n'
            'try:\n    grader.check_notebook()\nexcept RuntimeError as e:\n'
            '    print("refused:", e)\n')
    done = subprocess.run([sys.executable, '-c', code], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert 'refused: check_notebook() grades a running notebook and needs IPython' in \
        done.stdout, done.stderr


def test_reproduce_commands_become_the_call_that_grades_the_session():
    command = 'python grader.py --impl /tmp/x/notebook_session.py --check core.add --seed 7'
    assert in_notebook.as_call(command) == \
        "grader.check_notebook('--check', 'core.add', '--seed', '7')"


def test_the_graders_imports_are_dropped_from_the_session():
    assert in_notebook.without_grader_imports('import grader\nx = 1\nfrom grader import a') == \
        "pass  # the grader's import, dropped\nx = 1\npass  # the grader's import, dropped"


def test_a_file_is_graded_in_a_subprocess_and_shown_as_text_without_a_display(tmp_path, capsys):
    path = write_notebook(tmp_path / 'broken.ipynb', cell('raise ValueError("no")'))
    grade = in_notebook.check_notebook('--check', 'core.add', path=str(path), timeout=120)
    assert grade == 0 and grade.max_score == 2 and grade.report['score'] == 0
    assert 'broken.ipynb", cell 1, line 1' in capsys.readouterr().out


def test_the_grader_is_stopped_at_the_timeout(tmp_path):
    path = tmp_path / 'slow.py'
    path.write_text('import time\ntime.sleep(60)\n')
    with pytest.raises(in_notebook.NotebookCheckError, match='did not finish within 1 s'):
        in_notebook.check_notebook('--check', 'core.add', path=str(path), timeout=1)


def test_a_real_kernel_shows_the_score_as_html(tmp_path):
    nbclient = pytest.importorskip('nbclient')
    nbformat = pytest.importorskip('nbformat')
    path = reference_notebook(
        tmp_path / 'solution.ipynb',
        cell('%%time\nanswer = 42\n!echo a shell line'),
        cell('import grader\nreport = grader.check_notebook('
             "'--check', 'core.add', '--check', 'core.multiply', timeout=120)"))
    book = nbformat.reads(path.read_text(), as_version=4)
    book.cells.insert(0, nbformat.v4.new_code_cell(f'import sys; sys.path.insert(0, {str(ROOT)!r})'))
    nbclient.NotebookClient(book, timeout=150, kernel_name='python3',
                            resources={'metadata': {'path': str(tmp_path)}}).execute()
    outputs = book.cells[-1].outputs
    html = [o['data']['text/html'] for o in outputs if 'text/html' in o.get('data', {})]
    assert html and 'Grade: 4/4' in html[0], json.dumps(outputs)[:3000]
    assert 'Grading this notebook' in html[0]


def nbgrader_points(cell_outputs, max_points):
    """nbgrader's rule for an autograder test cell (nbgrader/utils.py determine_grade and
    get_partial_grade): an error or anything on stderr is 0; the first execute_result that reads
    as a number is the partial credit (more than max_points is an error); else full marks."""
    for output in cell_outputs:
        if output['output_type'] == 'error' or \
                output['output_type'] == 'stream' and output['name'] == 'stderr':
            return 0.0
        if output['output_type'] == 'execute_result':
            try:
                grade = float(output['data']['text/plain'])
            except ValueError:
                return max_points
            assert grade <= max_points, 'nbgrader refuses partial credit above the maximum'
            return grade
    return max_points


def test_an_nbgrader_test_cell_gets_the_points_of_its_exercise(tmp_path):
    """A test cell that ends with check_notebook(...) is worth what the grader gives: nbgrader
    reads its value as partial credit. With a wrong Add.grad, core.add and core.multiply's 4
    points become 2 (core.multiply passes), not all or nothing."""
    nbclient = pytest.importorskip('nbclient')
    nbformat = pytest.importorskip('nbformat')
    wrong_add = cell('Add.grad = lambda self: [2.0] * len(self.children)\n')
    test_cell = cell('import grader\n'
                     "grader.check_notebook('--check', 'core.add', '--check', 'core.multiply', "
                     'timeout=120)')
    path = reference_notebook(tmp_path / 'submission.ipynb', wrong_add, test_cell)
    book = nbformat.reads(path.read_text(), as_version=4)
    book.cells.insert(0, nbformat.v4.new_code_cell(f'import sys; sys.path.insert(0, {str(ROOT)!r})'))
    nbclient.NotebookClient(book, timeout=150, kernel_name='python3', allow_errors=True,
                            resources={'metadata': {'path': str(tmp_path)}}).execute()
    outputs = book.cells[-1].outputs
    assert nbgrader_points(outputs, max_points=4.0) == 2.0, json.dumps(outputs)[:3000]
