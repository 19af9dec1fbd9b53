"""The student's starting point, exercises/: its core works and every exercise is a clear stub."""
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent  # the repo root, which holds exercises/ and reference/
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import exercises  # noqa: E402
import reference  # noqa: E402
from exercises import (Add, Input, Linear, Macro, Multiply, Output, Parameter, ReLU,  # noqa: E402
                       Sigmoid, SoftMax, bce_loss, bce_loss_grad, build_linear_regression,
                       cce_loss, cce_loss_grad, mse_loss, mse_loss_grad, sgd_by_hand, train_model)
from exercises.examples import train_fahrenheit_to_celsius  # noqa: E402


def run_python(*args):
    env = dict(os.environ, PYTHONIOENCODING='utf-8')
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, encoding='utf-8', timeout=60)


# --- the package --------------------------------------------------------------------------------

def test_same_public_names_as_reference():
    assert sorted(exercises.__all__) == sorted(reference.__all__)
    assert len(set(exercises.__all__)) == len(exercises.__all__)
    for name in exercises.__all__:
        assert getattr(exercises, name).__module__.startswith('exercises.'), name


def test_same_module_files_as_reference():
    def modules(folder):
        return sorted(path.name for path in (ROOT / folder).glob('*.py'))
    assert modules('exercises') == modules('reference')


def test_import_prints_nothing():
    result = run_python('-c', 'import exercises')
    assert result.returncode == 0, result.stderr
    assert result.stdout == ''
    assert result.stderr == ''


# --- the core -----------------------------------------------------------------------------------

def test_nodes_compare_and_hash_by_identity():
    a, b = Input(value=1.0), Input(value=1.0)
    assert a != b and a == a
    assert len({a, b, Parameter(value=1.0), Parameter(value=1.0)}) == 4


def test_leaves_built_with_keywords():
    x = Input(value=2.5, name='x')
    assert (x.value, x.name, x.children) == (2.5, 'x', [])
    assert Input().value == 0.0 and Input().name is None
    p = Parameter(value=0.25, learning_rate=0.5)
    assert (p.value, p.learning_rate) == (0.25, 0.5)
    assert Parameter().learning_rate == 0.01
    drawn = [Parameter().value for _ in range(50)]
    assert all(-1 <= v <= 1 for v in drawn) and len(set(drawn)) > 1


def test_add_n_ary():
    node = Add([Input(value=1.0), Input(value=2.0), Parameter(value=3.5)])
    assert node.forward() == 6.5
    assert node() == 6.5
    assert node.grad() == [1.0, 1.0, 1.0]


def test_multiply_n_ary_with_a_zero_child():
    node = Multiply([Input(value=2.0), Input(value=0.0), Input(value=5.0)])
    assert node.forward() == 0.0
    assert node.grad() == [0.0, 10.0, 0.0]  # no division by the zero child


def test_relu():
    assert ReLU([Input(value=-2.0)]).forward() == 0.0
    assert ReLU([Input(value=-2.0)]).grad() == [0.0]
    assert ReLU([Input(value=3.0)]).forward() == 3.0
    assert ReLU([Input(value=3.0)]).grad() == [1.0]


def test_sigmoid():
    node = Sigmoid([Input(value=0.0)])
    assert node.forward() == 0.5
    assert node.grad() == [0.25]
    assert Sigmoid([Input(value=2.0)]).forward() == pytest.approx(1 / (1 + math.exp(-2.0)))
    assert Sigmoid([Input(value=-2.0)]).forward() == pytest.approx(1 / (1 + math.exp(2.0)))


@pytest.mark.parametrize('x', [1000.0, -1000.0])
def test_sigmoid_is_finite_at_the_extremes(x):
    node = Sigmoid([Input(value=x)])
    value = node.forward()
    assert math.isfinite(value) and 0.0 <= value <= 1.0
    assert value == pytest.approx(1.0 if x > 0 else 0.0)
    assert all(math.isfinite(g) for g in node.grad())


def test_backward_is_one_sgd_step():
    # root = w * x * v + relu(u + x2) + b, d = 2
    w = Parameter(value=2.0, learning_rate=0.1)
    v = Parameter(value=-1.0, learning_rate=0.01)
    u = Parameter(value=0.5, learning_rate=0.2)
    b = Parameter(value=1.0, learning_rate=0.5)
    x, x2 = Input(value=3.0), Input(value=1.0)
    root = Add([Multiply([w, x, v]), ReLU([Add([u, x2])]), b])
    assert root.forward() == pytest.approx(-6.0 + 1.5 + 1.0)
    root.backward(2.0)
    assert w.value == pytest.approx(2.0 - 0.1 * 2 * (3.0 * -1.0))    # 2.6
    assert v.value == pytest.approx(-1.0 - 0.01 * 2 * (2.0 * 3.0))   # -1.12
    assert u.value == pytest.approx(0.5 - 0.2 * 2 * 1.0)             # 0.1
    assert b.value == pytest.approx(1.0 - 0.5 * 2 * 1.0)             # 0.0
    assert (x.value, x2.value) == (3.0, 1.0)
    assert root.forward() == pytest.approx(2.6 * 3.0 * -1.12 + 1.1 + 0.0)


def test_backward_through_a_dead_relu_leaves_its_parameters():
    p = Parameter(value=-3.0, learning_rate=0.1)
    q = Parameter(value=4.0, learning_rate=0.1)
    root = Add([ReLU([p]), q])
    root.backward(1.0)
    assert p.value == -3.0
    assert q.value == pytest.approx(3.9)


def test_find_input_nodes_and_predict():
    a, b, c = Input(name='a'), Input(name='b'), Input(name='c')
    p, q = Parameter(value=2.0), Parameter(value=-1.0)
    root = Add([Multiply([p, a]), Multiply([b, Add([c, q])])])
    found = root.find_input_nodes()
    assert len(found) == 3
    assert all(got is want for got, want in zip(found, [a, b, c]))
    assert root.predict([1.0, 2.0, 3.0]) == pytest.approx(2.0 * 1.0 + 2.0 * (3.0 - 1.0))
    assert (a.value, b.value, c.value) == (1.0, 2.0, 3.0)


def test_losses():
    assert mse_loss(3.0, 1.0) == 4.0
    assert mse_loss_grad(3.0, 1.0) == -4.0
    assert bce_loss(1, 0.8) == pytest.approx(-math.log(0.8))
    assert bce_loss(0, 0.8) == pytest.approx(-math.log(0.2))
    assert bce_loss_grad(1, 0.8) == pytest.approx(-1.25)
    assert bce_loss(1, 0.0) == pytest.approx(-math.log(1e-8))  # clipped, so finite
    assert bce_loss_grad(0, 1.0) == pytest.approx(1e8)


def test_train_model_runs_the_article_loop(capsys):
    w, b = Parameter(value=0.0, learning_rate=0.1), Parameter(value=0.0, learning_rate=0.1)
    model = Add([Multiply([w, Input()]), b])
    train_model(model, mse_loss, mse_loss_grad, [([1.0], 2.0)], epochs=2, print_every=1)
    # epoch 0: prediction 0, d = -4 -> w = b = 0.4; epoch 1: prediction 0.8, d = -2.4 -> 0.64
    assert w.value == pytest.approx(0.64) and b.value == pytest.approx(0.64)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith('Epoch 0: loss=') and float(lines[0].split('=')[1]) == 4.0
    assert lines[1].startswith('Epoch 1: loss=')
    assert float(lines[1].split('=')[1]) == pytest.approx(1.44)


def test_fahrenheit_example_converges(capsys):
    weight, bias = train_fahrenheit_to_celsius()
    assert abs(weight - 5 / 9) < 1e-3
    assert abs(bias - -160 / 9) < 1e-2
    assert 'Epoch 0: loss=' in capsys.readouterr().out


# --- the stubs ----------------------------------------------------------------------------------

def shared_subtree():
    """A tree but for one subtree with two parents, below a Parameter the recursion reaches first."""
    shared = Multiply([Parameter(value=2.0), Input(value=3.0)])
    return Add([Parameter(value=1.0), Multiply([shared, Parameter(value=-1.0)]), Sigmoid([shared])])


def x_times_x():
    """x appears twice in one children list, after a Parameter the recursion reaches first."""
    x = Parameter(value=3.0)
    return Add([Parameter(value=5.0), Multiply([x, x])])


def x_times_x_alone():
    x = Parameter(value=3.0)
    return Multiply([x, x])


def parameters_below(node):
    if isinstance(node, Parameter):
        yield node
    for child in node.children:
        yield from parameters_below(child)


STUBS = {
    'ex1 build_linear_regression': (1, build_linear_regression),
    'ex1 sgd_by_hand': (1, sgd_by_hand),
    'ex2 compile': (2, lambda: Add([Input(), Parameter()]).compile()),
    'ex4 Macro.expand': (4, lambda: Macro([Input()]).expand()),
    'ex4 Linear.expand': (4, lambda: Linear([Input(), Input()]).expand()),
    'ex4 Linear.forward': (4, lambda: Linear([Input(), Input()]).forward()),
    'ex5 Output.forward': (5, lambda: Output([Input(value=1.0), Parameter()]).forward()),
    'ex5 Output.backward': (5, lambda: Output([Input(value=1.0), Parameter()]).backward([1.0, 1.0])),
    'ex5 SoftMax.forward': (5, lambda: SoftMax([Input(value=1.0), Input(value=2.0)]).forward()),
    'ex5 SoftMax.op': (5, lambda: SoftMax([Input(), Input()]).op([1.0, 2.0])),
    'ex5 cce_loss': (5, lambda: cce_loss([0.0, 1.0], [0.5, 0.5])),
    'ex5 cce_loss_grad': (5, lambda: cce_loss_grad([0.0, 1.0], [0.5, 0.5])),
    'ex6 Add.funcify': (6, lambda: Add([Parameter(value=0.1), Parameter(value=0.2)]).funcify()),
    'ex6 Input.funcify': (6, lambda: Input(name='x').funcify()),
    'ex6 Parameter.funcify': (6, lambda: Parameter(value=0.1).funcify()),
}


@pytest.mark.parametrize('name', STUBS)
def test_stub_names_its_exercise(name):
    number, call = STUBS[name]
    with pytest.raises(NotImplementedError) as raised:
        call()
    assert str(raised.value).startswith(f'Exercise {number}: ')


@pytest.mark.parametrize('build', [x_times_x_alone, x_times_x, shared_subtree])
def test_backward_refuses_shared_nodes_before_any_update(build):
    root = build()
    parameters = list(parameters_below(root))
    before = [p.value for p in parameters]
    with pytest.raises(NotImplementedError) as raised:
        root.backward(1.0)
    assert str(raised.value).startswith('Exercise 7: ')
    assert [p.value for p in parameters] == before


def test_find_input_nodes_refuses_a_shared_input():
    x = Input(name='x')
    for root in (Add([x, x]), Add([Multiply([x, Parameter()]), Sigmoid([x])])):
        with pytest.raises(NotImplementedError) as raised:
            root.find_input_nodes()
        assert str(raised.value).startswith('Exercise 7: ')


def test_backward_still_works_on_trees_after_a_refusal():
    with pytest.raises(NotImplementedError):
        shared_subtree().backward(1.0)
    p = Parameter(value=1.0, learning_rate=0.5)
    Multiply([p, Input(value=2.0)]).backward(1.0)
    assert p.value == 0.0


# --- python -m exercises.examples ---------------------------------------------------------------

def test_examples_module_runs_and_names_the_missing_exercise():
    result = run_python('-m', 'exercises.examples')
    assert result.returncode == 0, result.stderr
    assert 'Traceback' not in result.stdout + result.stderr
    match = re.search(r'^Fahrenheit to Celsius: weight=(-?[\d.]+)', result.stdout, re.MULTILINE)
    assert match, result.stdout
    assert abs(float(match.group(1)) - 5 / 9) < 1e-3
    assert re.search(r'^Above the line y = x: accuracy \d', result.stdout, re.MULTILINE)
    softmax_lines = [line for line in result.stdout.splitlines() if line.startswith('SoftMax')]
    assert len(softmax_lines) == 1
    assert 'Exercise 2' in softmax_lines[0]
