"""The text report: a quiet pass, full failures, and why an exercise counts as not attempted."""
from grading.formats import text
from grading.model import CheckReport, ExerciseReport, Report


def check(exercise, name, status, message='', blocked_by=''):
    return CheckReport(f'{exercise}.{name}', exercise, f'{name} holds', 'look at it', status,
                       1.0 if status == 'passed' else 0.0, 1.0, message=message,
                       blocked_by=blocked_by)


def report():
    return Report('impl', 7, 'quick', {'grader': '1'}, [
        ExerciseReport('core', 'The core', [check('core', 'add', 'passed'),
                                            check('core', 'mul', 'passed')]),
        ExerciseReport('ex1', 'One', [check('ex1', 'steps', 'failed', 'wrong step')]),
        ExerciseReport('ex2', 'Two', [
            check('ex2', 'a', 'not_attempted', 'still the stub: Exercise 2: compile()'),
            check('ex2', 'b', 'not_attempted', 'still the stub: Exercise 2: compile()'),
            check('ex2', 'c', 'failed', 'needs ex1', blocked_by='ex1')]),
    ])


def test_an_exercise_that_passes_takes_one_line():
    out = text.render(report())
    assert 'core.add' not in out and 'core.mul' not in out
    assert [line for line in out.splitlines() if line.startswith('core')] == \
        [line for line in out.splitlines() if 'The core' in line]
    assert 'core.add' in text.render(report(), verbose=True)


def test_failures_are_always_shown_in_full():
    for verbose in (False, True):
        out = text.render(report(), verbose=verbose)
        assert 'ex1.steps' in out and 'wrong step' in out and 'hint: look at it' in out


def test_not_attempted_says_why_once_and_what_it_waits_for():
    out = text.render(report())
    assert out.count('still the stub: Exercise 2: compile()') == 1
    assert '(some of its checks need ex1 first)' in out


def test_one_line_printed_is_one_line():
    shown = report()
    shown.student_output, shown.student_output_lines = 'hello', 1
    assert 'Your code printed (1 line; shown as printed' in text.render(shown)
    shown.student_output, shown.student_output_lines = 'hello\nagain', 2
    assert 'Your code printed (2 lines; shown as printed' in text.render(shown)


def test_a_cases_plain_values_say_what_they_are():
    from checks.explain import explain
    from checks.graphs import Graph, Node
    shown = explain({'graph': Graph((Node('input', value=1.0, name='a'),)), 'other': []})
    assert "other: []  # the Inputs' values for the second evaluation" in shown
    assert shown.count('formula:') == 1


def test_the_article_example_accepts_parentheses_in_its_title_too():
    from checks.registry import all_checks
    (check,) = [c for c in all_checks() if c.id == 'ex6.article_example']
    assert "'0.1 + 0.2' or '(0.1 + 0.2)'" in check.description
