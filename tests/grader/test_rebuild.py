"""'rebuild it yourself' (grading/rebuild.py): the code rebuilds the whole failing graph with
what --impl named, and runs as printed from the folder the grader ran in."""
import shutil
import subprocess
import sys
from pathlib import Path

from checks.explain import encode
from checks.graphs import Graph, Node
from grading.loader import Target
from grading.rebuild import python

ROOT = Path(__file__).resolve().parents[2]


def solution(tmp_path):
    """A copy of the reference named `sol`, one folder below the one the grader runs in."""
    folder = tmp_path / 'work' / 'sol'
    shutil.copytree(ROOT / 'reference', folder, ignore=shutil.ignore_patterns('__pycache__'))
    return Target('package', 'sol', str(folder))


def run(code, cwd):
    done = subprocess.run([sys.executable, '-c', code], cwd=cwd, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, f'{code}\n---\n{done.stderr}'
    return done.stdout


def in_folder(path, function, *args):
    import os
    before = os.getcwd()
    os.chdir(path)
    try:
        return function(*args)
    finally:
        os.chdir(before)


PRODUCT = Graph((Node('param', value=1.5, learning_rate=0.1), Node('input', value=2.0),
                 Node('mul', operands=(0, 1))))


def test_a_graph_is_rebuilt_with_what_impl_named_from_where_the_grader_ran(tmp_path):
    target = solution(tmp_path)
    code = in_folder(tmp_path, python, encode(PRODUCT), target)
    assert code.splitlines()[:3] == ['import sys', "sys.path.insert(0, 'work')  # the folder "
                                     'holding sol', 'import sol as impl']
    assert run(code + '\nprint(root.forward())', tmp_path).strip() == '3.0'
    beside = in_folder(tmp_path / 'work', python, encode(PRODUCT), target)
    assert beside.startswith('import sol as impl\n')   # run in the folder holding it: no path


def test_a_linear_is_rebuilt_with_its_children_and_what_is_around_it(tmp_path):
    target = solution(tmp_path)
    case = {'linear': 'Add([Linear([c0, c1]), Parameter(other_leaf)])',
            'children': {'c0': Graph((Node('input', value=2.0),)), 'c1': PRODUCT},
            'point': [1.0, -1.0], 'outer': 'add', 'own_values': [1.5, -2.25, 3.125],
            'learning_rates': [0.1, 0.1, 0.1], 'other_leaf': (0.5, 0.25)}
    code = in_folder(tmp_path, python, encode(case), target)
    assert 'linear = impl.Linear([c0, c1])' in code
    assert 'root = impl.Add([linear, impl.Parameter(value=0.5, learning_rate=0.25)])' in code
    assert 'c1_p0 = impl.Parameter(value=1.5, learning_rate=0.1)' in code   # c1's own nodes
    printed = run(code, tmp_path)
    assert printed.startswith('Add(') and printed.count('Multiply(') == 3, printed


def test_a_tree_of_macros_is_rebuilt_with_the_checks_macros(tmp_path):
    target = solution(tmp_path)
    tree = ('relu', (('Deep', (('input', 2.0), ('Affine', (('param', 1.0, 0.5),)))),))
    code = in_folder(tmp_path, python, encode({'graph': 'ReLU([...])', 'tree': tree,
                                               'other_inputs': [[1.0], [2.0]]}), target)
    for defined in ('class Sum(impl.Macro)', 'class Deep(impl.Macro)', 'class Affine(impl.Macro)'):
        assert defined in code, code
    assert 'class Product' not in code
    float(run(code, tmp_path))   # compiled and evaluated: a number


def test_no_rebuild_for_a_case_that_is_not_a_graph(tmp_path):
    target = solution(tmp_path)
    assert python(None, target) == ''
    assert python(encode({'y_true': [1.0], 'y_pred': [0.5]}), target) == ''
