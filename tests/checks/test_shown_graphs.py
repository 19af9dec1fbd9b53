"""What a report writes of a graph stays small and quick, whatever graph a student's code built:
a graph read back from it (ex1's model, ex4's expansion) can have 2^40 paths or be 8000 nodes
deep, and the judge writes its formula and tree (a hostile submission once kept it busy past
the grader's backstop, and a deep one made it crash)."""
import subprocess
import sys
from pathlib import Path

from checks.graphs import FORMULA_LIMIT, TREE_DEPTH, TREE_LINES, Graph, Node

ROOT = Path(__file__).resolve().parents[2]


def doubling(levels):
    """p0, then n_{k+1} = n_k + n_k: 2^levels paths."""
    nodes = [Node('param', value=1.0, learning_rate=0.1)]
    nodes += [Node('add', operands=(k, k)) for k in range(levels)]
    return Graph(tuple(nodes))


def chain(depth):
    nodes = [Node('input', value=1.0)] + [Node('add', operands=(k,)) for k in range(depth)]
    return Graph(tuple(nodes))


def test_a_formula_is_cut_and_says_so():
    text = doubling(40).formula()
    assert len(text) == FORMULA_LIMIT and text.endswith('...')
    assert text.startswith('((((') and 'p0 + p0' in text


def test_a_small_formula_is_whole():
    assert doubling(2).formula() == '(p0 + p0) + (p0 + p0)'


def test_a_tree_is_cut_and_shallow():
    lines = chain(8000).tree_text().splitlines()
    assert len(lines) == TREE_LINES + 1 and lines[-1] == '... (8001 nodes in all)'
    assert max(len(line) for line in lines) < 4 * TREE_DEPTH + 40
    assert lines[TREE_DEPTH + 1].strip().startswith(f'[depth {TREE_DEPTH + 1}] Add')


def test_deep_and_wide_graphs_are_written_at_once():
    # In a child process with a deadline: a formula written path by path would never end.
    code = ('import sys; sys.setrecursionlimit(1000)\n'
            'from tests.checks.test_shown_graphs import chain, doubling\n'
            'for graph in (doubling(60), chain(8000)):\n'
            '    graph.formula(); graph.tree_text()\n'
            'print("ok")\n')
    done = subprocess.run([sys.executable, '-c', code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.stdout.strip() == 'ok', done.stderr[-2000:]
