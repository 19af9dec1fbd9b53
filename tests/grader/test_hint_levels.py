"""Hint levels ([report] hints in grading.toml): "direction", the default, points at the property
and never gives the answer away (no number exercise 1 asks for, no line of code to paste), in
every format; "full" adds the explanations; "none" shows no hint at all."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from checks.groups.ex1 import worked_steps, worked_table
from checks.registry import all_checks
from checks.runner import Result
from grading.assemble import build_report
from corpus import edited_copy
from grading.cli import FORMATS, RENDERERS
from grading.config import Config, HINT_LEVELS
from grading.formats import github, json_format, text
from grading.loader import Target, UsageError

ROOT = Path(__file__).resolve().parents[2]
RENDER = {'text': text.render, **{fmt: module.render for fmt, module in RENDERERS.items()}}
# Exercise 1's answers a student works out by hand: step 2's weight, and the worked steps'
# intermediate values (step 1's weight and bias appear below as the student's own, right, answer).
ANSWERS = ('0.92', '-3.8', '-0.9')
CODE_TO_PASTE = ('raise ValueError(', 'return self`', 'p = min(max(p, eps), 1)',
                 'Add([Multiply([weight, Input()]), bias])')


def levels(hints):
    return Config({'report': {'hints': hints}})


def failing_report(config):
    """Exercises 1 and 2, every check failing; ex1.by_hand as the real check reports a wrong
    step 2 (its expected value is the answer, explained by the worked table)."""
    checks = [c for c in all_checks() if c.exercise in ('ex1', 'ex2')]
    step = worked_steps()[1]
    results = {c.id: Result(c.id, c.exercise, 'failed', 0, c.points, message='wrong',
                            what='wrong') for c in checks}
    results['ex1.by_hand'] = Result(
        'ex1.by_hand', 'ex1', 'failed', 0, 2, message='(weight, bias) after step 2',
        what='(weight, bias) after step 2', expected=(float(step['w']), float(step['b'])),
        actual=(0.9, 0.78), notes='sgd_by_hand() returned [(1.3, 0.4), (0.9, 0.78)]',
        answer=worked_table())
    return build_report(Target('package', 'exercises', 'exercises'), checks, results, config,
                        7, 'quick', '', 1.0, {})


@pytest.mark.parametrize('fmt', FORMATS)
def test_the_default_level_gives_no_answer_away_in_any_format(fmt):
    report = failing_report(Config())
    assert report.hints == 'direction'
    out = _every_text(report, fmt)
    for answer in ANSWERS + CODE_TO_PASTE:
        assert answer not in out, (fmt, answer)
    assert 'what the exercise asks you to work out' in out, fmt   # says why it is not shown
    assert 'Work one sample at a time' in out, fmt                  # the direction is there


@pytest.mark.parametrize('fmt', FORMATS)
def test_full_explains_with_the_answer_and_none_shows_no_hint(fmt):
    full = _every_text(failing_report(levels('full')), fmt)
    for answer in ANSWERS + ('raise ValueError(', 'return self`'):
        assert answer in full, (fmt, answer)
    none_report = failing_report(levels('none'))
    assert all(c.hint == '' for e in none_report.exercises for c in e.checks)
    none = _every_text(none_report, fmt)
    assert 'Work one sample at a time' not in none and 'dL/dprediction' not in none, fmt
    for answer in ANSWERS:
        assert answer not in none, (fmt, answer)


def _every_text(report, fmt):
    """What a format shows, with GitHub Classroom's base64 result decoded."""
    out = RENDER[fmt](report)
    if fmt == 'github':
        import base64
        out += base64.b64decode(github.classroom_result(report)).decode()
    return out


def test_the_level_is_in_the_report_and_a_wrong_one_is_a_usage_error():
    for hints in HINT_LEVELS:
        report = failing_report(levels(hints))
        assert json.loads(json_format.render(report))['hints'] == hints
        assert f'hints: {hints}' in text.render(report).splitlines()[0]
    with pytest.raises(UsageError, match=r"\[report\] hints must be one of 'none', 'direction'"):
        levels('answers')


def test_every_hint_points_without_code_to_paste_and_explanations_differ():
    for check in all_checks():
        for code in CODE_TO_PASTE:
            assert code not in check.hint, (check.id, code)
        assert check.explanation != check.hint, check.id   # '' when the hint says it all


def test_a_wrong_step_of_exercise_1_is_shown_without_its_answer(tmp_path):
    """The real check, graded end to end: which value of which step is off, not its number."""
    impl = edited_copy(tmp_path / 'solution', [('exercise1.py', '(0.92, 0.78)', '(0.9, 0.78)')])
    report = tmp_path / 'report.json'
    done = subprocess.run([sys.executable, str(ROOT / 'grader.py'), '--impl', str(impl),
                           '--check', 'ex1.by_hand', '--format', 'json', '--output', str(report)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    out = report.read_text()
    check = json.loads(out)['exercises'][0]['checks'][0]
    assert (check['status'], check['expected'], check['actual']) == ('failed', None, [0.9, 0.78])
    assert 'the weight of step 2 differs' in check['notes'], check['notes']
    assert check['withheld'].startswith('it is what the exercise asks you to work out')
    for answer in ANSWERS:
        assert answer not in out, answer
