"""A failing check's report comes fast, shows a small case, and is the same in every run.

The funcify() bug of the corpus that drops the parentheses around a sum (a student's report once
showed p0 + p1 + p2 * (p3 + p4), whose part p2 * (p3 + p4) fails alike) is graded in an executor:
its case is no bigger than the smallest failing part, the examples run after the first failure
are bounded by counts (checks/profiles.py), and the report does not change between runs nor with
the modules loaded beside the checks."""
import dataclasses
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, seed, strategies as st

from checks import get, profiles
from checks.graphs import Graph, Node
from checks.strategies import trees
from corpus import all_bugs, write_variant
from grading.local import executor_for

ROOT = Path(__file__).resolve().parents[2]
BUG = next(bug for bug in all_bugs() if bug.name == 'funcify_add_no_parentheses')
AFTER_FAILURE = profiles.SHRINK_EXAMPLES['quick'] + profiles.REDUCE_RUNS
SMALLEST = 5   # a product of a sum of two terms and one more factor: a * (b + c)
REPORTED = Graph((Node('param', value=0.5, learning_rate=0.5),
                  Node('param', value=1.5, learning_rate=0.5),
                  Node('param', value=2.5, learning_rate=0.5),
                  Node('param', value=3.5, learning_rate=0.5),
                  Node('param', value=4.5, learning_rate=0.5),
                  Node('add', operands=(3, 4)),
                  Node('mul', operands=(2, 5)),
                  Node('add', operands=(0, 1, 6))))


@pytest.fixture(scope='module')
def folder(tmp_path_factory):
    return write_variant(BUG, tmp_path_factory.mktemp('bug'))


@pytest.fixture(scope='module')
def impl(folder):
    with executor_for(folder) as implementation:
        yield implementation


def _graph(result):
    case = result.case
    return Graph.from_data(case['graph']['graph'] if 'other' in case else case['graph'])


@pytest.mark.parametrize('check_id', ['ex6.named_inputs', 'ex6.unnamed_inputs',
                                      'ex6.every_node'])
def test_small_case_few_examples_after_the_failure(impl, check_id):
    result = impl.run(get(check_id))
    assert result.status == 'failed', result.message
    assert len(_graph(result).nodes) <= SMALLEST, result.case_text
    assert 0 < result.examples_after_failure <= AFTER_FAILURE
    assert result.examples_after_failure < result.examples


def test_the_reported_case_becomes_its_smallest_failing_part(impl):
    # Hypothesis cannot shrink st.just(): what is shown is the reduction's work alone.
    check = dataclasses.replace(get('ex6.every_node'), cases=lambda ctx: st.just(REPORTED))
    result = impl.run(check)
    assert result.status == 'failed'
    assert _graph(result).formula() == 'p0 * (p1 + p2)'
    assert result.examples_after_failure <= profiles.REDUCE_RUNS


def _without_seconds(data):
    if isinstance(data, dict):
        return {k: _without_seconds(v) for k, v in data.items() if k != 'seconds'}
    if isinstance(data, list):
        return [_without_seconds(v) for v in data]
    return data


def test_the_grader_writes_the_same_report_twice(folder, tmp_path):
    # Through the command line: judges forked from the grader, as a student runs it; the two
    # runs at once, as two students on one machine (and in half the time).
    outs = [tmp_path / f'report{run}.json' for run in range(2)]
    runs = [subprocess.Popen([sys.executable, 'grader.py', '--impl', str(folder), '--exercise',
                              'ex6', '--format', 'json', '--output', str(out)], cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            for out in outs]
    for run in runs:
        _, stderr = run.communicate(timeout=300)
        assert run.returncode == 1, stderr[-2000:]
    reports = [json.loads(out.read_text()) for out in outs]
    assert _without_seconds(reports[0]) == _without_seconds(reports[1])
    failed = [c for c in reports[0]['exercises'][0]['checks'] if c['status'] == 'failed']
    # every check of exercise 6 that writes a sum inside a product (article_example has none)
    assert [c['id'] for c in failed] == ['ex6.named_inputs', 'ex6.unnamed_inputs',
                                         'ex6.every_node', 'ex6.shared_nodes']
    for check in failed:
        graph = check['case']['graph']
        assert len(graph['graph'] if isinstance(graph, dict) else graph) <= SMALLEST


def _without_time(result):
    return {k: v for k, v in result.to_dict().items() if k != 'seconds'}


def test_same_report_in_every_run(impl, tmp_path, monkeypatch):
    check = get('ex6.unnamed_inputs')
    first = _without_time(impl.run(check))
    assert _without_time(impl.run(check)) == first
    # A module full of constants, loaded beside the checks (Hypothesis would draw from it).
    (tmp_path / 'constants_beside.py').write_text(
        'NUMBERS = [' + ', '.join(f'{k}.125' for k in range(-40, 40)) + ']\n'
        "NAMES = ['x0', 'x1', 'x2', 'a', 'speed', 'rate', 'value']\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.import_module('constants_beside')
    try:
        assert _without_time(impl.run(check)) == first
    finally:
        sys.modules.pop('constants_beside', None)


def test_examples_do_not_depend_on_the_modules_loaded(tmp_path, monkeypatch):
    assert profiles.LOCAL_CONSTANTS_IGNORED, 'Hypothesis changed: see ignore_local_constants()'

    def drawn():
        seen = []

        @seed(1234)
        @profiles.hypothesis_settings('quick', 3)
        @given(trees())
        def draw(graph):
            seen.append(graph)
        draw()
        return seen

    before = drawn()
    (tmp_path / 'more_constants.py').write_text(
        'VALUES = [' + ', '.join(f'{k}.375' for k in range(-60, 60)) + ']\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.import_module('more_constants')
    try:
        assert drawn() == before
    finally:
        sys.modules.pop('more_constants', None)
