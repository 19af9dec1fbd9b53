"""What a student sees, end to end, in the text report: the stubs, one bug, a full solution.

Each point students asked for, on the grader's real output: the hint level in the header and no
worked answer at the default level; a quiet pass (an exercise that passes takes one line); every
"not attempted" says why; the rebuild code imports what --impl named and builds the whole
failing graph (here a Linear)."""
import re

import pytest

from checks import all_checks
from corpus import edited_copy
from grader_harness import Run

EXERCISES_1_TO_7 = tuple(a for n in range(1, 8) for a in ('--exercise', f'ex{n}'))


def linear_without_bias(tmp):
    """The reference with one bug: Linear.expand() leaves the bias out."""
    return str(edited_copy(tmp / 'solution', [('macros.py', 'return Add(products + [self.bias])',
                                                'return Add(products)')]))


RUNS = {
    'stubs': Run('exercises', EXERCISES_1_TO_7, fmt='text'),
    'one_bug': Run(linear_without_bias, ('--exercise', 'ex1', '--exercise', 'ex4'), fmt='text'),
    'solution': Run('reference', ('--exercise', 'ex1', '--exercise', 'ex2', '--exercise', 'ex6'),
                    fmt='text'),
}


def exercise_lines(text, exercise):
    """The lines of one exercise's section: its title line and what follows, to the next one."""
    lines, inside = [], False
    for line in text.splitlines():
        if re.match(r'(core|ex\d) ', line):
            inside = line.startswith(exercise + ' ')
        if inside:
            lines.append(line)
    return lines


@pytest.mark.runs('stubs')
def test_the_stubs_say_why_each_exercise_is_not_attempted(grader):
    run = grader['stubs']
    assert run.returncode == 1, run.describe()
    text = run.report_text
    assert 'hints: direction' in text.splitlines()[0]
    for n in range(1, 8):
        lines = exercise_lines(text, f'ex{n}')
        assert 'not attempted' in lines[0], lines
        assert len(lines) >= 2 and f'xercise {n}' in lines[1], lines   # the stub's reason


@pytest.mark.runs('one_bug')
def test_one_bug_is_shown_in_full_with_its_graph_and_a_direction(grader):
    run = grader['one_bug']
    assert run.returncode == 1, run.describe()
    text = run.report_text
    assert exercise_lines(text, 'ex1') == [line for line in text.splitlines()
                                           if line.startswith('ex1 ')]   # passed: one line
    ex4 = '\n'.join(exercise_lines(text, 'ex4'))
    assert '✗ ex4.linear_structure' in ex4 and 'rebuild it yourself:' in ex4
    assert 'import solution as impl' in ex4 and "sys.path.insert(0, " in ex4
    assert re.search(r'linear = impl\.Linear\(\[c0(, c\d)*\]\)', ex4), ex4
    assert 'Add([Multiply([w_0' not in ex4   # the full explanation is not the default
    assert 'hint: A Linear owns its k weights and its bias' in ex4


@pytest.mark.runs('solution')
def test_a_full_solution_takes_one_line_per_exercise(grader):
    run = grader['solution']
    assert run.returncode == 0, run.describe()
    lines = [line for line in run.report_text.splitlines() if line.strip()]
    assert [line.split()[0] for line in lines[1:-1]] == ['ex1', 'ex2', 'ex6'], lines
    points = sum(c.points for c in all_checks() if c.exercise in ('ex1', 'ex2', 'ex6'))
    assert lines[-1] == f'Total: {points:g}/{points:g}'
