"""grading.toml: a mistake in it is a usage error that names the file, the table and what to
write, never a traceback."""
import pytest

from grading import config
from grading.loader import UsageError


@pytest.mark.parametrize('text, says', [
    ('[exercises.ex9]\npoints = 3\n', '[exercises.ex9] is not an exercise'),
    ('[exercises.ex1]\nvisibility = "secret"\n', 'visibility must be one of'),
    ('[checks."core.nonesuch"]\npoints = 1\n', 'is not a check'),
    ('[grader\nseed = 1\n', 'is not valid TOML'),
    ('[limits]\nnonsense = 1\n[limits.deeper]\n', None),
])
def test_a_mistake_in_grading_toml_is_a_usage_error(tmp_path, text, says):
    path = tmp_path / 'grading.toml'
    path.write_text(text)
    if says is None:   # an unknown limit is ignored, like an unknown check id's points
        assert config.load(path).limits.memory_mb == 1024
        return
    with pytest.raises(UsageError) as error:
        config.load(path)
    assert says in str(error.value) and str(path) in str(error.value)


def test_a_missing_config_file_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match='there is no such file'):
        config.load(tmp_path / 'nowhere.toml')
    assert config.load(None, tmp_path).seed is None   # no grading.toml beside: the defaults


def test_points_are_scaled_per_exercise():
    from checks import all_checks
    checks = [c for c in all_checks() if c.exercise == 'ex7']
    scaled = config.Config({'exercises': {'ex7': {'points': 20}},
                            'checks': {'ex7.grad_once': {'points': 4}}}).points(checks)
    assert sum(scaled.values()) == 20   # exactly: multiples of 1/64, in any order
    assert sum(reversed(scaled.values())) == 20
    assert all((value * 64).is_integer() for value in scaled.values())
    # each within 1/64 of its exact share (ex7.grad_once's default is 1)
    assert scaled["ex7.grad_once"] == pytest.approx(4 * 20 / (10 - 1 + 4), abs=1 / 64)


@pytest.mark.parametrize('weights, total', [
    ([1] * 17, 6), ([1] * 9, 7), ([1, 1, 1, 3], 10), ([2, 1, 1], 1), ([0.5] * 3, 2.5),
    ([1] * 7, 100), ([3, 1e-9], 5)])
def test_scaled_points_add_up_exactly(weights, total):
    points = config.scaled(weights, total)
    assert sum(points) == total and sum(reversed(points)) == total
    for point, weight in zip(points, weights):
        assert abs(point - weight * total / sum(weights)) < 1 / 64


def test_a_total_off_the_grid_is_scaled_as_it_is():
    assert config.scaled([1, 2], 7.3) == pytest.approx([7.3 / 3, 2 * 7.3 / 3])
    assert config.scaled([0, 0], 5) == [0.0, 0.0]


def test_a_checks_visibility_wins_over_its_exercises():
    """docs/instructors.md: `visibility` under [checks."ID"] is applied, in the report and in
    Gradescope's results.json."""
    import json

    from checks import all_checks
    from checks.runner import Result
    from grading.assemble import build_report
    from grading.formats import gradescope
    from grading.loader import Target
    setting = config.Config({'exercises': {'ex7': {'visibility': 'hidden'}},
                             'checks': {'ex7.grad_once': {'visibility': 'after_due_date'}}})
    checks = [c for c in all_checks() if c.exercise == 'ex7' and c.level != 'engine']
    results = {c.id: Result(c.id, c.exercise, 'passed', c.points, c.points) for c in checks}
    report = build_report(Target('package', 'exercises', 'exercises'), checks, results, setting,
                          7, 'quick', '', 1.0, {})
    [exercise] = report.exercises
    assert exercise.visibility == 'hidden'
    shown = {c.id: c.visibility for c in exercise.checks}
    assert shown.pop('ex7.grad_once') == 'after_due_date'
    assert set(shown.values()) == {'hidden'}
    tests = json.loads(gradescope.render(report))['tests']
    assert {t['visibility'] for t in tests if 'ex7.grad_once' in t['name']} == {'after_due_date'}
    assert {t['visibility'] for t in tests if 'ex7.grad_once' not in t['name']} == {'hidden'}
