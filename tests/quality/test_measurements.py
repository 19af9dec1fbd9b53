"""The detection measurement of docs/quality.md, kept as tests.

Every bug of the corpus is caught at the default seed (tests/checks/test_corpus.py); here, under
ten other seeds too, by the check it names, and every check is the named check of some bug, so
that each one has a wrong implementation it must fail.
"""
import pytest

from checks import all_checks
from corpus import all_bugs
from corpus.bugs_engine import BUGS as ENGINE_BUGS
from quality import measure

BUGS = all_bugs()
OTHER_SEEDS = range(1, 11)

# Misses measured with tests/quality/measure.py: (bug, seed) -> why the named check lets it
# through at that seed (quick profile). Each is a weakness of that check, not of the bug; when a
# change to the checks fixes one, its test fails until the entry is removed here.
KNOWN_MISSES = {
}


def test_every_check_has_a_bug_named_for_it():
    named = {bug.check for bug in BUGS + ENGINE_BUGS}  # the engines' checks: by engine bugs
    lacking = [c.id for c in all_checks() if c.id not in named]
    assert not lacking, f'no bug of tests/corpus names these checks: {lacking}'


def test_every_named_check_exists_and_belongs_to_the_bug_s_exercise():
    ids = {c.id: c.exercise for c in all_checks()}
    for bug in BUGS:
        assert bug.check in ids, (bug.name, bug.check)
        assert ids[bug.check] == bug.exercise, (bug.name, bug.check, bug.exercise)


def test_known_misses_name_real_bugs_and_other_seeds():
    names = {bug.name for bug in BUGS}
    for (name, seed), why in KNOWN_MISSES.items():
        assert name in names and seed in OTHER_SEEDS and why, (name, seed)


@pytest.mark.slow
@pytest.mark.parametrize('bug', BUGS, ids=[bug.name for bug in BUGS])
def test_bug_is_caught_under_ten_other_seeds(bug):
    measured = measure.measure_bug(bug, list(OTHER_SEEDS), 'quick')
    assert not measured.get('broken'), measured.get('broken')
    missed = [run['seed'] for run in measured['runs'] if not run['caught']]
    known = sorted(seed for name, seed in KNOWN_MISSES if name == bug.name)
    assert missed == known, (
        f'{bug.check} let {bug.name} through at seeds {missed} (known: {known}); '
        'a new miss means a check got weaker, a known one gone that it got stronger: update '
        'KNOWN_MISSES and docs/quality.md')
