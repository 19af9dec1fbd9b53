"""Where exercises meet, a student who skipped the earlier one loses nothing in the later one.

The reference with exercise 2, 3 or 5 undone (the stub back in place, or the article's uncached
forward()) keeps full marks in every later exercise that meets it, and with exercise 7 undone in
exercise 6 (whose funcify() is judged on graphs with shared nodes too): the sequence checks then leave
out compile() steps, op() counts or Output roots (docs/contract.md, section 6). And the combined
checks do judge the combination when both exercises are there (the bug corpus, bugs_combined.py).
"""
import pytest

from checks import all_checks, get
from corpus import Bug, write_variant
from grading.local import executor_for
from workers import map_in_workers

SKIPPED = {
    'ex2': Bug('skips_ex2', 'ex2', None, 'compile() is still the stub', (
        ('nodes.py', '        from .macros import expand_macros  # macros.py builds on this module',
         "        raise NotImplementedError('Exercise 2: compile() is yours to write')\n"
         '        from .macros import expand_macros'),)),
    'ex3': Bug('skips_ex3', 'ex3', None, "the article's forward(), without a cache", (
        ('nodes.py', '''    def forward(self):
        if self._checked_at == _changes:''', '''    def forward(self):
        return self.op([child.forward() for child in self.children])  # the article's
        if self._checked_at == _changes:'''),)),
    'ex5': Bug('skips_ex5', 'ex5', None, 'Output is still the stub', (
        ('outputs.py', '''    def forward(self):
        return list(super().forward())''', '''    def forward(self):
        raise NotImplementedError('Exercise 5: Output')'''),)),
}
LATER = {'ex2': ('ex3', 'ex7'), 'ex3': ('ex4', 'ex5', 'ex7'), 'ex5': ('ex7',)}
CASES = [(skipped, check.id) for skipped, later in LATER.items()
         for check in all_checks() if check.exercise in later]

# And the other way: funcify() on graphs with shared nodes is exercise 6's (it works on every
# node), judged on graphs that need nothing of exercise 7's code.
SKIPPED['ex7'] = Bug('skips_ex7', 'ex7', None, 'backward() and find_input_nodes() on shared nodes are the stubs', (
    ('nodes.py', '    def backward(self, derivative_from_parent):\n',
     '    def backward(self, derivative_from_parent):\n'
     "        raise NotImplementedError('Exercise 7: backward()')\n"),
    ('nodes.py', '            if node in seen:\n                continue\n',
     '            if node in seen:  # a node met twice\n'
     "                raise NotImplementedError('Exercise 7: find_input_nodes()')\n")))
CASES += [('ex7', check.id) for check in all_checks() if check.exercise == 'ex6']


def _grade(task):
    folder, check_id = task
    with executor_for(folder) as impl:
        result = impl.run(get(check_id))
    return result.status, result.message


@pytest.fixture(scope='module')
def statuses(tmp_path_factory):
    folder = tmp_path_factory.mktemp('skipped')
    folders = {skipped: str(write_variant(bug, folder)) for skipped, bug in SKIPPED.items()}
    tasks = [(folders[skipped], check_id) for skipped, check_id in CASES]
    return dict(zip(CASES, map_in_workers(_grade, tasks)))


def test_the_skips_are_real(tmp_path):
    """Each skipped exercise does lose its own points: the edit is not a no-op."""
    for skipped, bug in SKIPPED.items():
        own = next(c for c in all_checks() if c.exercise == skipped
                   and c.id not in ('ex5.cce', 'ex5.cce_clip'))
        with executor_for(write_variant(bug, tmp_path)) as impl:
            assert impl.run(get(own.id)).status in ('not_attempted', 'failed'), own.id


@pytest.mark.parametrize('case', CASES, ids=[f'without {s}: {c}' for s, c in CASES])
def test_a_later_exercise_keeps_its_points(case, statuses):
    status, message = statuses[case]
    assert status == 'passed', message
