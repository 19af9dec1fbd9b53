"""Otter-Grader: `--otter-tests` writes test files whose cases are the checks, Otter's own calls
are left out of what is graded, and a notebook graded by Otter itself (otter.execute) gets each
check's points."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from grading.otter import LEFT_OUT, without_otter
from test_notebook import ROOT, cell, reference_notebook

CELLS = [
    ('In [1]', 'import otter\ngrader = otter.Notebook(tests_dir="tests")'),
    ('In [2]', 'def double(x):\n    return 2 * x\n\nvalue = double(3)'),
    ('In [3]', 'grader.check("q1")\nprint(value)'),
    ('In [4]', 'from otter import Notebook as nb_1\nnb_1.init_grading_mode("t")\nimport math'),
    ('In [5]', 'from otter.execute import Checker\nfor t in ["a"]:\n    Checker.check(t)\n'
               'results = Checker.get_results()\nlog = results'),
    ('In [6]', 'def broken(:\n    otter'),
]


def test_otters_calls_are_left_out_line_for_line_and_the_rest_kept():
    kept = dict(without_otter(CELLS))
    assert kept['In [1]'] == f'{LEFT_OUT}\n{LEFT_OUT}'
    assert kept['In [2]'] == dict(CELLS)['In [2]']
    assert kept['In [3]'] == f'{LEFT_OUT}\nprint(value)'
    assert kept['In [4]'] == f'{LEFT_OUT}\n{LEFT_OUT}\nimport math'
    # the loop, and names bound from Otter's results, go too; the lines stay where they were
    assert kept['In [5]'].splitlines() == [LEFT_OUT, LEFT_OUT, '', LEFT_OUT, LEFT_OUT]
    assert kept['In [6]'] == dict(CELLS)['In [6]']   # does not parse: the grader reports it


def test_a_students_own_names_are_kept_even_when_called_grader():
    cells = [('In [1]', 'grader = "me"\nprint(grader.upper())')]
    assert without_otter(cells) == cells


def otter_tests(folder, *args):
    done = subprocess.run([sys.executable, str(ROOT / 'grader.py'), '--otter-tests', str(folder),
                           *args], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done


def test_a_test_file_per_exercise_a_case_per_check_with_its_points(tmp_path):
    config = tmp_path / 'grading.toml'
    config.write_text('[exercises.ex1]\npoints = 3\n')
    done = otter_tests(tmp_path / 'tests', '--exercise', 'core', '--exercise', 'ex1',
                       '--config', str(config))
    assert sorted(p.name for p in (tmp_path / 'tests').iterdir()) == ['core.py', 'ex1.py']
    source = (tmp_path / 'tests' / 'ex1.py').read_text()
    namespace = {}
    exec(compile(source.replace('from otter.test_files import test_case\n',
                                'test_case = lambda **case: (lambda f: (case, f))\n'),
                 'ex1.py', 'exec'), namespace)
    cases = [value for value in namespace.values() if isinstance(value, tuple)]
    assert namespace['name'] == 'ex1' and namespace['OK_FORMAT'] is False
    assert [case['name'] for case, _ in cases] == ['ex1.by_hand', 'ex1.tree']
    assert sum(case['points'] for case, _ in cases) == 3   # as grading.toml scales ex1
    assert 'engine_add' not in (tmp_path / 'tests' / 'core.py').read_text()  # article checks only
    assert '2 Otter test files' in done.stderr


def test_otter_grades_a_notebook_check_by_check(tmp_path, monkeypatch):
    """The real thing: Otter executes the notebook (its own cells included) and runs the test
    files in the kernel; each case is worth its check's points. A wrong Add.grad: core.add
    fails with its report, core.multiply passes (one run: Otter takes ~20 s)."""
    execute = pytest.importorskip('otter.execute')
    monkeypatch.chdir(tmp_path)   # the kernel's folder, where Otter writes its .OTTER_LOG
    tests = tmp_path / 'tests'
    otter_tests(tests, '--check', 'core.add', '--check', 'core.multiply')
    path = reference_notebook(tmp_path / 'submission.ipynb',
                              cell('Add.grad = lambda self: [2.0] * len(self.children)\n'),
                              cell('grader.check("core")\n'))
    book = json.loads(path.read_text())
    book['cells'][:0] = [cell(f'import sys\nsys.path.insert(0, {str(ROOT)!r})\n'),
                         cell('import otter\ngrader = otter.Notebook(tests_dir="tests")\n')]
    path.write_text(json.dumps(book))
    results = execute.grade_notebook(str(path), tests_glob=[str(tests / 'core.py')],
                                     cwd=str(tmp_path), test_dir=str(tests))
    assert (results.total, results.possible) == (2.0, 4.0)
    cases = {r.test_case.name: r for r in results.results['core'].test_case_results}
    assert cases['core.multiply'].passed and not cases['core.add'].passed
    assert 'core.add [failed]' in cases['core.add'].message
    assert 'expected: [1.0]' in cases['core.add'].message
    assert not (ROOT / '.OTTER_LOG').exists()
