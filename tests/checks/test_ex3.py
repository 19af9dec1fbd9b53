"""The exercise 3 checks: the reference passes, the stubs are not attempted, other correct caching
designs pass too, and a failure reads as a numbered sequence of steps."""
import shutil
from pathlib import Path

import pytest

import exercises
from checks import all_checks
from checks.graphs import OPERATION_KINDS
from checks.sequences import probe_tree
from corpus import Bug, write_variant
from corpus.bugs_ex3 import KNOW_PARENTS, LEAF_SETTER, MARK_ALL_ANCESTORS, REFERENCE_FORWARD
from grading.local import executor_for
from workers import map_in_workers

EX3 = [c for c in all_checks() if c.exercise == 'ex3']
ROOT = Path(__file__).resolve().parents[2]


def test_points_add_up():
    assert sum(c.points for c in EX3) == 8


def test_stubs_are_not_attempted():
    with executor_for(exercises.__path__[0]) as impl:
        for c in EX3:
            result = impl.run(c)
            assert result.status == 'not_attempted', (c.id, result.status, result.message)
            assert 'exercise 3 not started' in result.message


def test_probe_tree_has_every_operation_and_no_sharing():
    for kinds in (set(OPERATION_KINDS), {'add'}, {'relu', 'sigmoid'}, {'mul', 'relu'}):
        graph = probe_tree(kinds)
        assert graph.is_tree()
        assert {graph.nodes[i].kind for i in graph.operations} == kinds


# --- other correct designs must pass ------------------------------------------------------------

LEGIT = [
    Bug('ex3_legit_dirty_flags', 'ex3', None, 'dirty flags pushed to every ancestor',
        KNOW_PARENTS + (
            ('nodes.py', LEAF_SETTER, MARK_ALL_ANCESTORS),
            ('nodes.py', REFERENCE_FORWARD,
             '    def forward(self):\n'
             '        if self._dirty:\n'
             '            self._value = self.op([child.forward() for child in self.children])\n'
             '            self._dirty = False\n'
             '        return self._value\n'),
        )),
    Bug('ex3_legit_compare_children', 'ex3', None,
        'no bookkeeping: evaluate the children (cached) and call op() only if their values changed',
        (('nodes.py', 'if self._checked_at == _changes:', 'if False:'),)),
    Bug('ex3_legit_backward_refreshes', 'ex3', None, 'backward() re-evaluates the tree at its end',
        (('nodes.py', 'backpropagate([(self, derivative_from_parent)], self._tape)',
          'backpropagate([(self, derivative_from_parent)], self._tape)\n'
          '        self.forward()'),)),
]

# The likeliest student solution on the dataclass stubs: compare the children's values.
STUDENT_FORWARD = '''    def forward(self) -> float:
        values = [child.forward() for child in self.children]
        if getattr(self, '_seen', None) != values:
            self._cached = self.op(values)
            self._seen = values
        return self._cached

    def find_input_nodes(self) -> List[Input]:'''


def student_solution(directory):
    """The exercises/ package with STUDENT_FORWARD written in: its folder."""
    target = Path(directory) / 'ex3_student'
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(ROOT / 'exercises', target, ignore=shutil.ignore_patterns('__pycache__'))
    nodes = target / 'nodes.py'
    text = nodes.read_text()
    anchor = '    def find_input_nodes(self) -> List[Input]:'
    assert text.count(anchor) == 1
    nodes.write_text(text.replace(anchor, STUDENT_FORWARD))
    return target


def _not_passing(folder):
    """(folder, [(check id, message)] of the ex3 checks that did not pass, seeds 0 and 1)."""
    with executor_for(folder) as impl:
        return folder, [(r.check_id, r.message) for seed in range(2)
                        for r in (impl.run(c, seed=seed) for c in EX3) if r.status != 'passed']


@pytest.fixture(scope='module')
def designs(tmp_path_factory):
    """{name: what did not pass} for each correct design, graded side by side."""
    base = tmp_path_factory.mktemp('designs')
    folders = {v.name: str(write_variant(v, base / 'variants')) for v in LEGIT}
    folders['dataclass_student'] = str(student_solution(base))
    found = dict(map_in_workers(_not_passing, folders.values()))
    return {name: found[folder] for name, folder in folders.items()}


@pytest.mark.parametrize('variant', LEGIT, ids=[v.name for v in LEGIT])
def test_other_correct_designs_pass(variant, designs):
    assert designs[variant.name] == []


def test_a_cache_on_the_dataclass_stubs_passes(designs):
    assert designs['dataclass_student'] == []


# --- a failure reads as steps ---------------------------------------------------------------------

def test_a_stale_value_is_reported_as_numbered_steps(tmp_path_factory):
    from corpus.bugs_ex3 import BUGS
    bug = next(b for b in BUGS if b.name == 'cache_never_invalidates')
    folder = write_variant(bug, tmp_path_factory.getbasetemp() / 'variants')
    check = next(c for c in EX3 if c.id == 'ex3.recompute_only_what_changed')
    with executor_for(folder) as impl:
        result = impl.run(check)
    assert result.status == 'failed'
    # The check's fixed case fails first: two assignments, then the root evaluated again.
    assert result.message == 'step 4: root.forward()'
    lines = result.notes.splitlines()
    assert lines[1].startswith('    1. root.forward() -> ')
    assert '.value = ' in lines[2] and lines[2].startswith('    2. ')
    assert '.value = ' in lines[3] and lines[3].startswith('    3. ')
    assert lines[4].startswith('    4. root.forward() -> ') and ', expected ' in lines[4]
    assert 'no op() call' in lines[4]
