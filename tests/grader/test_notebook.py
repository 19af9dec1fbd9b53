"""Notebooks (`--impl solution.ipynb`): the conversion of code cells to one module, and grading
a notebook end to end, with errors named by cell."""
import itertools
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from grading import notebook
from grading.loader import UsageError, resolve

ROOT = Path(__file__).resolve().parents[2]
# The reference's modules in an order where each needs only those before it.
CELL_IDS = itertools.count()
REFERENCE_MODULES = ('nodes', 'operations', 'outputs', 'macros', 'losses', 'training', 'exercise1')


def cell(source, kind='code'):
    extra = {'outputs': [], 'execution_count': None} if kind == 'code' else {}
    return {'id': f'cell-{next(CELL_IDS)}', 'cell_type': kind, 'metadata': {}, 'source': source,
            **extra}


def write_notebook(path, *cells, **fields):
    data = {'nbformat': 4, 'nbformat_minor': 5, 'metadata': {}, 'cells': list(cells), **fields}
    path.write_text(json.dumps(data), encoding='utf-8')
    return path


def reference_notebook(path, *extra_cells):
    """The reference as a student's notebook: a markdown cell and a setup cell with IPython
    lines, then one cell per module, imports between modules removed (one namespace)."""
    cells = [cell('# Backprop, the exercises', 'markdown'),
             cell(['!pip --version\n', '%env GRADED=1\n', 'import math\n'])]
    for name in REFERENCE_MODULES:
        text = (ROOT / 'reference' / f'{name}.py').read_text(encoding='utf-8')
        lines = [line for line in text.splitlines(keepends=True)
                 if not line.startswith('from .')]
        cells.append(cell(lines))
    return write_notebook(path, *cells, *extra_cells)


def grade(impl, *args):
    return subprocess.run([sys.executable, str(ROOT / 'grader.py'), '--impl', str(impl),
                           '--no-color', *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


# --- the conversion ---------------------------------------------------------------------------

def module_of(tmp_path, *cells):
    return notebook.notebook_module(write_notebook(tmp_path / 'nb.ipynb', *cells))


def test_string_and_list_sources_give_the_same_module(tmp_path):
    as_string = module_of(tmp_path, cell('x = 1\ny = 2\n'))
    as_list = module_of(tmp_path, cell(['x = 1\n', 'y = 2\n']))
    assert as_string.text == as_list.text
    assert 'x = 1\ny = 2\n' in as_string.text


def test_cells_are_kept_in_order_markdown_raw_and_empty_cells_skipped(tmp_path):
    module = module_of(tmp_path, cell('# Title', 'markdown'), cell('a = 1'), cell(''),
                       cell('   \n'), cell('not = python', 'raw'), cell('b = a + 1'))
    assert 'Title' not in module.text and 'not = python' not in module.text
    assert module.text.index('a = 1') < module.text.index('b = a + 1')
    namespace = {}
    exec(compile(module.text, 'generated', 'exec'), namespace)
    assert namespace['b'] == 2
    assert '# --- cell 6 (the 4th code cell) ---' in module.text


def test_shell_lines_and_line_magics_are_dropped_line_for_line():
    lines = notebook.python_lines(
        '!pip install micrograd\n%matplotlib inline\nfiles = !ls\n?len\nlen??\n'
        'def f():\n    %timeit 1\n    return 2\nx = 10 % 3\ny = x != 1\n')
    assert lines[:5] == ['pass  # an IPython line, dropped'] * 5
    assert lines[6] == '    pass  # an IPython line, dropped'
    assert lines[8:] == ['x = 10 % 3', 'y = x != 1']   # Python's own % and != stay
    namespace = {}
    exec('\n'.join(lines), namespace)
    assert namespace['f']() == 2


def test_lines_inside_strings_and_brackets_are_python_not_magics():
    source = 'text = """\n!not a shell line\n%not a magic\n"""\npair = (1,\n%2)\n'
    assert notebook.python_lines(source) == source.splitlines()


@pytest.mark.parametrize('magic', ['%%time', '%%capture output', '%%prun -s cumulative'])
def test_the_body_of_time_capture_and_prun_is_kept(magic):
    lines = notebook.python_lines(f'{magic}\nx = 1\n!echo hi\n')
    assert lines == [f'# {magic}', 'x = 1', 'pass  # an IPython line, dropped']


@pytest.mark.parametrize('magic', ['%%timeit', '%%bash', '%%writefile helper.py', '%%html', '%%'])
def test_other_cell_magics_drop_the_cell(magic):
    assert notebook.python_lines(f'{magic}\nx = 1\n') is None


def test_a_syntax_error_in_cell_3_is_named_as_cell_3(tmp_path):
    module = module_of(tmp_path, cell('a = 1'), cell('# notes', 'markdown'),
                       cell('b = 2\nc = (\n'))
    with pytest.raises(SyntaxError) as error:
        compile(module.text, 'generated.py', 'exec')
    message = f'File "generated.py", line {error.value.lineno}'
    assert notebook.relocate(message, 'generated.py', 'nb.ipynb', module.places) == \
        'File "nb.ipynb", cell 3 (the 2nd code cell), line 2'


def test_relocate_names_cells_in_syntax_errors_and_replaces_the_file_everywhere():
    places = [None, None, ('cell 1', 1), ('cell 1', 2)]
    text = 'SyntaxError in /s/nb.py, line 4: invalid\nimporting /s/nb.py raised'
    assert notebook.relocate(text, '/s/nb.py', 'nb.ipynb', places) == \
        'SyntaxError in nb.ipynb, cell 1, line 2: invalid\nimporting nb.ipynb raised'


@pytest.mark.parametrize('content, problem', [
    (b'print("a .py file renamed")\n', 'not valid JSON'),
    (b'\xff\xfe', 'not valid JSON'),
    (b'[1, 2]', 'nbformat 4'),
    (b'{"nbformat": 3, "worksheets": []}', 'nbformat: 3'),
    (b'{"nbformat": 4, "cells": [{"cell_type": "code", "source": 7}]}', 'cell 1'),
    (b'{"nbformat": 4, "cells": [], "metadata": {"language_info": {"name": "R"}}}', 'in R'),
    (b'[' * 100000 + b']' * 100000, 'not valid JSON'),
], ids=['python', 'binary', 'a list', 'nbformat 3', 'a bad source', 'R', 'too deep'])
def test_a_file_that_is_not_a_python_notebook_is_a_usage_error_saying_why(tmp_path, content,
                                                                            problem):
    (tmp_path / 'solution.ipynb').write_bytes(content)
    with pytest.raises(UsageError, match=re.escape(problem)):
        resolve('solution.ipynb', base=tmp_path)


def test_a_notebook_resolves_to_a_generated_file_graded_under_its_own_name(tmp_path):
    target = resolve(str(write_notebook(tmp_path / 'my solution.ipynb', cell('x = 1'))))
    assert target.kind == 'file' and target.name == 'my_solution'
    assert target.path.endswith('my_solution.py') and 'x = 1' in Path(target.path).read_text()
    assert target.label == target.notebook == str(tmp_path / 'my solution.ipynb')


# --- end to end -------------------------------------------------------------------------------

def test_a_notebook_of_the_reference_gets_full_marks(tmp_path):
    done = grade(reference_notebook(tmp_path / 'solution.ipynb'), '--check', 'core.add',
                 '--check', 'core.multiply', '--format', 'json')
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report['score'] == report['max_score'] > 0
    assert report['implementation'].endswith('solution.ipynb')


def test_a_notebook_that_fails_to_import_names_the_cell(tmp_path):
    path = write_notebook(tmp_path / 'broken.ipynb', cell('# Setup', 'markdown'),
                          cell('%matplotlib inline\nimport math'), cell('# Nodes', 'markdown'),
                          cell('x = 1\n\ny = math.tau\nraise ValueError("stop here")\n'))
    done = grade(path, '--check', 'core.add')
    assert done.returncode == 1, done.stderr
    assert 'broken.ipynb", cell 4 (the 2nd code cell), line 4' in done.stdout
    assert 'grader-notebook-' not in done.stdout     # the generated file is never shown
    # The reproduce line names the notebook (relative to the folder the grader ran in, where
    # that is short), never the module generated from it.
    [command] = [line.split('reproduce: ')[1] for line in done.stdout.splitlines()
                 if 'reproduce: ' in line]
    impl = shlex.split(command)[shlex.split(command).index('--impl') + 1]
    assert (ROOT / impl).resolve() == path.resolve(), command


def test_a_failing_checks_traceback_names_the_cell(tmp_path):
    broken_add = cell('def forward(self):\n    raise RuntimeError("not yet")\n\n'
                      'Add.forward = forward\n')
    done = grade(reference_notebook(tmp_path / 'solution.ipynb', broken_add),
                 '--check', 'core.add', '--format', 'json')
    check = json.loads(done.stdout)['exercises'][0]['checks'][0]
    assert check['status'] == 'error'
    assert 'cell 10 (the 9th code cell), line 2' in check['traceback'] + check['message']


def test_the_failing_graph_is_rebuilt_with_the_notebooks_own_names(tmp_path):
    """The generated module is gone after grading: the rebuild code runs in the notebook."""
    wrong_add = cell('Add.grad = lambda self: [2.0] * len(self.children)\n')
    done = grade(reference_notebook(tmp_path / 'solution.ipynb', wrong_add),
                 '--check', 'core.add', '--format', 'json')
    check = json.loads(done.stdout)['exercises'][0]['checks'][0]
    assert check['status'] == 'failed', check
    assert check['python'].startswith('import __main__ as impl  # in the notebook'), check
    assert 'impl.Add(' in check['python']


def test_a_file_that_is_not_a_notebook_exits_2(tmp_path):
    (tmp_path / 'solution.ipynb').write_text('def f(): pass\n')
    done = grade(tmp_path / 'solution.ipynb', '--check', 'core.add')
    assert done.returncode == 2
    assert 'solution.ipynb is not a notebook: it is not valid JSON' in done.stderr


def test_batch_grades_notebooks_like_py_files(tmp_path):
    folder = tmp_path / 'submissions'
    folder.mkdir()
    reference_notebook(folder / 'alice.ipynb')
    write_notebook(folder / 'bob.ipynb', cell('x = 1'), cell('y = (\n'))
    done = subprocess.run([sys.executable, str(ROOT / 'grader.py'), '--batch', str(folder),
                           '--check', 'core.add', '-j', '1'], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    from grading.gradebooks import read_gradebook
    rows = {r['submission']: r for r in read_gradebook(tmp_path / 'submissions-grades' /
                                                        'gradebook.csv')}
    assert (rows['alice']['status'], rows['alice']['score']) == ('ok', rows['alice']['max_score'])
    assert rows['bob']['status'] == 'error' and 'cell 2, line 1' in rows['bob']['message']


def test_prairielearn_grades_a_notebook_submission(tmp_path):
    """platforms/prairielearn/run.sh, /grade laid out in tmp_path, a notebook as the upload."""
    reference_notebook((tmp_path / 'student').mkdir() or tmp_path / 'student' / 'solution.ipynb')
    environment = {k: v for k, v in os.environ.items() if not k.startswith(('GRADER_', 'PYTEST_'))}
    environment.update(GRADE_ROOT=str(tmp_path), GRADER_SOURCE=str(ROOT), PYTHON=sys.executable,
                       GRADER_ARGS='--check core.add --check core.multiply')
    done = subprocess.run(['bash', str(ROOT / 'platforms' / 'prairielearn' / 'run.sh')],
                          env=environment, capture_output=True, text=True, timeout=300)
    results = json.loads((tmp_path / 'results' / 'results.json').read_text(encoding='utf-8'))
    assert results.get('gradable', True) and results['score'] == 1.0, done.stderr
