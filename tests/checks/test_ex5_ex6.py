"""Exercises 5 and 6: the reference passes, the stubs are not attempted, legitimate variations of
the reference pass, and the formula evaluator accepts exactly the contract's syntax."""
import math

import pytest

from checks import all_checks
from checks.formula import FormulaError, evaluate, is_valid_name
from corpus import Bug, write_variant
from grading.local import executor_for
from workers import map_in_workers

import exercises

CHECKS = [c for c in all_checks() if c.exercise in ('ex5', 'ex6')]


def test_points():
    assert sum(c.points for c in CHECKS if c.exercise == 'ex5') == 8
    assert sum(c.points for c in CHECKS if c.exercise == 'ex6') == 7



def test_exercises_not_attempted():
    with executor_for(exercises.__path__[0]) as impl:
        statuses = {c.id: impl.run(c).status for c in CHECKS}
    assert set(statuses.values()) == {'not_attempted'}, statuses


# --- correct implementations that differ from the reference: they must pass -----------------

LEGITIMATE = [
    Bug('legit_minimal_parentheses', 'ex6', None,
        'Add writes no parentheses of its own; Multiply puts them around Add children only; '
        'negative numbers bare; ReLU as max(0, x); Sigmoid written out with exp',
        (('operations.py', "return '(' + ' + '.join(child_formulas) + ')'",
          "return ' + '.join(child_formulas)"),
         ('operations.py', "return '(' + ' * '.join(child_formulas) + ')'",
          "return ' * '.join(f'({f})' if isinstance(c, Add) else f "
          "for c, f in zip(self.children, child_formulas))"),
         ('operations.py', "return f'relu({child_formulas[0]})'",
          "return f'max(0, {child_formulas[0]})'"),
         ('operations.py', "return f'sigmoid({child_formulas[0]})'",
          "return f'1 / (1 + exp(-({child_formulas[0]})))'"),
         ('nodes.py', "return f'({text})' if text.startswith('-') else text", 'return text'))),
    Bug('legit_names_in_funcify', 'ex6', None,
        'no compile() (exercise 2 unsolved): funcify() names an unnamed Input itself',
        (('nodes.py', '        from .macros import expand_macros  # macros.py builds on this module',
          "        raise NotImplementedError('Exercise 2: compile() is not written yet')\n"
          '        from .macros import expand_macros  # macros.py builds on this module'),
         ('nodes.py', '''        if self.name is None:
            raise ValueError('this Input has no name: build it with Input(name=...) '
                             'or call compile() on the root first')''', '''        if self.name is None:
            self.name = f'unnamed_{id(self)}\''''))),
    Bug('legit_log_sum_exp', 'ex5', None,
        'softmax through log-sum-exp; the Jacobian as an explicit matrix; numpy in the losses',
        (('outputs.py', '''    top = max(logits)
    exps = [math.exp(z - top) for z in logits]
    total = sum(exps)
    return [e / total for e in exps]''', '''    top = max(logits)
    lse = top + math.log(sum(math.exp(z - top) for z in logits))
    return [math.exp(z - lse) for z in logits]'''),
         ('outputs.py', '''        weighted = sum(g * s_i for g, s_i in zip(derivatives, s))
        return [s_j * (g_j - weighted) for g_j, s_j in zip(derivatives, s)]''', '''        n = len(s)
        jacobian = [[s[i] * ((i == j) - s[j]) for j in range(n)] for i in range(n)]
        return [sum(derivatives[i] * jacobian[i][j] for i in range(n)) for j in range(n)]'''),
         ('losses.py', 'import math\n', 'import math\n\nimport numpy as np\n'),
         ('losses.py', 'return [-t / min(max(p, eps), 1.0) for t, p in zip(y_true, y_pred)]',
          'return -np.asarray(y_true, float) / np.clip(np.asarray(y_pred, float), eps, 1.0)'),
         ('losses.py', 'return -sum(t * math.log(min(max(p, eps), 1.0)) for t, p in zip(y_true, y_pred))',
          'return -np.sum(np.asarray(y_true) * np.log(np.clip(y_pred, eps, 1.0)))'))),
]


def _failures(task):
    """The checks of one exercise that a folder does not pass: (check, status, message, case)."""
    folder, exercise = task
    with executor_for(folder) as impl:
        results = [impl.run(c) for c in CHECKS if c.exercise == exercise]
    return [(r.check_id, r.status, r.message, r.case_text) for r in results
            if r.status != 'passed']


@pytest.fixture(scope='module')
def legitimate(tmp_path_factory):
    """{name: failures} of every legitimate variant, graded side by side (tests/workers.py)."""
    base = tmp_path_factory.mktemp('legitimate')
    tasks = [(str(write_variant(v, base)), v.exercise) for v in LEGITIMATE]
    return dict(zip((v.name for v in LEGITIMATE), map_in_workers(_failures, tasks)))


@pytest.mark.parametrize('variant', LEGITIMATE, ids=[v.name for v in LEGITIMATE])
def test_legitimate_variant_passes(variant, legitimate):
    assert not legitimate[variant.name]


# --- the formula evaluator ----------------------------------------------------------------------

ENV = {'a': 2.0, 'b': -3.0, 'x_1': 0.5, 'speed': 4.0}


@pytest.mark.parametrize('text, value', [
    ('0.1 + 0.2', 0.1 + 0.2),
    ('(0.1 + 0.2)', 0.1 + 0.2),
    ('a * (b + x_1)', 2.0 * (-3.0 + 0.5)),
    ('a * b + x_1', 2.0 * -3.0 + 0.5),
    ('a - -b', 2.0 - 3.0),
    ('2 * -1.5', -3.0),
    ('-a ** 2', -4.0),
    ('(-a) ** 2', 4.0),
    ('+a / speed', 0.5),
    ('relu(b) + relu(a)', 2.0),
    ('max(0, b)', 0.0),
    ('max(a, b, speed)', 4.0),
    ('sigmoid(0)', 0.5),
    ('sigmoid(-1000)', 0.0),
    ('sigmoid(1000)', 1.0),
    ('1 / (1 + exp(-(a)))', 1 / (1 + math.exp(-2.0))),
    ('exp(1000)', math.inf),
    ('10 ** 10 ** 10', math.inf),
    ('1' + '0' * 400, math.inf),
    ('1e400', math.inf),
    ('  a  ', 2.0),
    ('3', 3.0),
    ('((((a))))', 2.0),
    ('a' + ' + a' * 2000, 2.0 * 2001),
])
def test_formula_accepts(text, value):
    result = evaluate(text, ENV)
    assert type(result) is float
    assert result == pytest.approx(value, rel=1e-12)


@pytest.mark.parametrize('text, words', [
    ('open("x")', 'open()'),
    ('__import__("os").system("true")', 'may not use'),
    ('__import__("os")', '__import__()'),
    ('a.real', 'attribute'),
    ('().__class__', 'attribute'),
    ('a[0]', 'indexing'),
    ('(lambda: 1)()', 'lambda'),
    ('[a for a in range(3)]', 'comprehension'),
    ('sum(a for a in range(3))', 'sum()'),
    ('(a, b)', 'tuple'),
    ('[a]', 'list'),
    ('{a}', 'set'),
    ('{1: 2}', 'dict'),
    ('a if b else 1', 'conditional'),
    ('a < b', 'comparison'),
    ('a and b', 'and'),
    ('not a', 'operator'),
    ('~a', 'operator'),
    ('a // 2', 'operator'),
    ('a % 2', 'operator'),
    ('a @ b', 'operator'),
    ('c + 1', "'c'"),
    ('relu', 'without calling'),
    ('relu(a, b)', '2 arguments'),
    ('max(a)', 'fewer than 2'),
    ('max(*[a, b])', 'starred'),
    ('relu(x=a)', 'keyword'),
    ('exp(a)(b)', 'calls'),
    ('min(a, b)', 'min()'),
    ('abs(a)', 'abs()'),
    ('"text"', 'constant'),
    ('True', 'constant'),
    ('None', 'constant'),
    ('1j', 'constant'),
    ('a := 1', 'not a Python expression'),
    ('(y := 1)', 'assignment'),
    ('f"{a}"', 'f-string'),
    ('1 / 0', 'divides by zero'),
    ('a / (b + 3)', 'divides by zero'),
    ('0.0 ** -1', 'divides by zero'),
    ('b ** 0.5', 'fractional power'),
    ('a +', 'not a Python expression'),
    ('', 'not a Python expression'),
    ('import os', 'not a Python expression'),
    ('1' * 5000, 'not a Python expression'),
    ('(' * 1000 + 'a' + ')' * 1000, 'nested'),
    ('-' * 99_000 + 'a', 'cannot be parsed'),
    ('a' * 100_001, 'limit'),
])
def test_formula_rejects(text, words):
    with pytest.raises(FormulaError) as error:
        evaluate(text, ENV)
    assert words in str(error.value)


def test_formula_rejects_non_strings():
    with pytest.raises(FormulaError):
        evaluate(b'a + 1', ENV)
    with pytest.raises(FormulaError):
        evaluate(None, ENV)


def test_formula_reads_a_str_subclass_as_its_text():
    class Sneaky(str):
        def strip(self):
            return '__import__("os")'
    assert evaluate(Sneaky('a + 1'), ENV) == 3.0


def test_valid_names():
    for name in ('a', 'x0', 'x_1', '_h', 'speed', 'Z'):
        assert is_valid_name(name)
    for name in ('relu', 'sigmoid', 'max', 'exp', 'lambda', 'if', 'None', '1a', 'a-b', '', None, 3):
        assert not is_valid_name(name)


def test_a_softmax_that_raises_shows_what_it_raised_as_its_value(tmp_path):
    """Not 'actual: None': the exception is what the student's code gave instead of a value."""
    from corpus import all_bugs
    bug = next(b for b in all_bugs() if b.name == 'softmax_no_max_shift')
    with executor_for(write_variant(bug, tmp_path)) as impl:
        result = impl.run(next(c for c in CHECKS if c.id == 'ex5.softmax_extremes'))
    assert result.status == 'failed' and result.expected is not None
    assert result.actual.startswith('no value: it raised OverflowError'), result.actual
