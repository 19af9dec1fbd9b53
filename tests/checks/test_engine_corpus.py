"""Engines graded by the Value convention: the lecture's engine gets every check it can take, and
each planted bug (tests/corpus/bugs_engine.py) fails the check it names."""
import pytest

from checks import all_checks, get
from corpus.bugs_engine import BUGS, ENGINE, write_engine_variant
from grading.local import executor_for
from workers import cpus, map_in_workers

OPERATIONS = {'add', 'mul', 'sub', 'div', 'pow', 'neg', 'exp', 'log', 'tanh', 'relu', 'sigmoid',
              'const'}


def test_the_lecture_engine_is_recognised_with_every_operation():
    with executor_for(ENGINE) as impl:
        assert impl.spec.operations == OPERATIONS
        assert impl.spec.repeated_backward == {'reseed', 'reset'}


def _grade(check_ids):
    """{check id: (status, message)} of the lecture's engine, for some checks."""
    with executor_for(ENGINE) as impl:
        return {i: (r.status, r.message) for i in check_ids for r in [impl.run(get(i))]}


def test_the_lecture_engine_passes_every_check_it_can_take():
    ids = [c.id for c in all_checks()]
    shares = [ids[k::cpus()] for k in range(cpus())]   # graded side by side (tests/workers.py)
    results = {i: r for found in map_in_workers(_grade, shares) for i, r in found.items()}
    assert set(results) == set(ids)
    taken = {i: status for i, (status, _) in results.items() if status != 'skipped'}
    assert taken and set(taken.values()) == {'passed'}, {
        i: results[i] for i, status in taken.items() if status != 'passed'}
    for_engines = {c.id for c in all_checks() if c.level in ('functional', 'engine')}
    assert set(taken) == for_engines  # every check for engines, none of the article's


@pytest.mark.parametrize('bug', BUGS, ids=lambda b: b.name)
def test_each_engine_bug_fails_its_check(bug, tmp_path):
    with executor_for(write_engine_variant(bug, tmp_path)) as impl:
        result = impl.run(get(bug.check))
    assert result.status in ('failed', 'error'), (bug.why, result.status, result.message)


@pytest.mark.slow
@pytest.mark.parametrize('bug', BUGS, ids=lambda b: b.name)
def test_each_engine_bug_fails_its_check_at_ten_more_seeds(bug, tmp_path):
    with executor_for(write_engine_variant(bug, tmp_path)) as impl:
        missed = [seed for seed in range(1, 11)
                  if impl.run(get(bug.check), seed=seed).status not in ('failed', 'error')]
    assert not missed, (bug.name, bug.why, missed)


@pytest.mark.slow
def test_the_lecture_engine_passes_at_ten_more_seeds():
    with executor_for(ENGINE) as impl:
        failing = [(c.id, seed, r.status, r.message) for seed in range(1, 11) for c in all_checks()
                   for r in [impl.run(c, seed=seed)] if r.status not in ('passed', 'skipped')]
    assert not failing, failing


def test_installed_micrograd_is_graded_by_name():
    """pip's micrograd (a test dependency), named as an installed module: found from its source,
    without importing it in the grader, and graded (16 checks pass in docs/quality.md; here the
    probe of a reflected operator and the state check, for CI's time)."""
    with executor_for('micrograd') as impl:
        assert impl.spec.operations == {'add', 'mul', 'sub', 'div', 'pow', 'neg', 'relu', 'const'}
        results = [impl.run(get(c)) for c in ('core.constants', 'core.repeated_backward')]
    assert [r.status for r in results] == ['passed', 'passed'], [r.message for r in results]


def test_a_batch_of_engine_files_grades_each_as_a_value_engine(tmp_path):
    import csv
    import subprocess
    import sys
    from pathlib import Path
    submissions = tmp_path / 'submissions'
    submissions.mkdir()
    (submissions / 'right.py').write_text(ENGINE.read_text())
    bug = next(b for b in BUGS if b.name == 'topo_without_visited')
    write_engine_variant(bug, tmp_path).rename(submissions / 'wrong.py')
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, 'grader.py', '--batch', str(submissions), '--output',
                    str(tmp_path / 'out'), '--check', 'core.engine_mul', '--check',
                    'ex7.gradients'], cwd=root, check=True, capture_output=True, timeout=600)
    with open(tmp_path / 'out' / 'gradebook.csv', newline='') as f:
        rows = {row['submission']: row for row in csv.DictReader(f)}
    assert (rows['right']['score'], rows['right']['max_score']) == ('4', '4')
    assert (rows['wrong']['core'], rows['wrong']['ex7']) == ('1', '0')
