"""Deep graphs (issue 11): every walk of the reference keeps its own stack instead of recursing, so
a chain 10,000 Operations deep and a ladder of 2,000 rungs (2^2000 paths) work under Python's
default recursion limit: find_input_nodes(), forward() (first, cached, after an assignment),
predict(), backward(), compile() (with macros) and funcify().

Every value is compared with a computation written for these tests: a loop over the levels of the
chain or the rungs of the ladder, bottom up for values, top down for derivatives.
"""
import sys
from collections import Counter

import pytest

from reference import Add, Input, Linear, Multiply, Output, Parameter, Sigmoid
from engine_helpers import cheap_repr, evaluate, sig  # noqa: F401 (cheap_repr is a fixture)

DEPTH = 10_000   # Operations, each the only child of the next
RUNGS = 2_000    # ladder rungs: 5 nodes each
D = 0.5          # d loss / d root, for backward()
REL = 1e-9


@pytest.fixture(autouse=True)
def default_recursion_limit(cheap_repr):
    """Python's default limit (1000 frames), whatever the runner set; and short reprs, so that a
    failure report does not itself recurse through 10,000 levels."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)
    yield
    sys.setrecursionlimit(old)


@pytest.fixture
def op_calls(monkeypatch):
    """A Counter of op() calls per node, counted as a grader counts them (the class's op wrapped)."""
    calls = Counter()
    for cls in (Add, Multiply, Sigmoid):
        original = cls.__dict__['op']

        def op(self, x, _original=original):
            calls[self] += 1
            return _original(self, x)

        monkeypatch.setattr(cls, 'op', op)
    return calls


# ---------------------------------------------------------------- a chain, and its own arithmetic

PATTERNS = {'mul_add_sigmoid': ('mul', 'add', 'sigmoid'), 'add': ('add',), 'mul': ('mul',)}


def build_chain(pattern, x, depth=DEPTH):
    """Level k wraps level k - 1 in pattern[k % len(pattern)]: Multiply([p, a]), Add([a, p]) or
    Sigmoid([a]). Returns the root and the levels, bottom up, as (kind, Parameter or None).

    The Parameters keep the values finite: factors 1.05 and 1/1.05 in turn (0.8 to 1.2 with
    sigmoids), terms between -0.2 and 0.2. In the add and mul chains d root / d (level) stays near
    1 at every depth, so every Parameter's step is tested; with sigmoids it shrinks by a slope of
    at most 1/4 every three levels and is 0 in floats from about 1,500 levels down."""
    levels, node = [], x
    for k in range(depth):
        kind = pattern[k % len(pattern)]
        if kind == 'mul':
            value = 0.8 + 0.1 * (k % 5) if 'sigmoid' in pattern else (1.05 if k % 2 else 1 / 1.05)
            p = Parameter(value=value, learning_rate=0.01)
            node = Multiply([p, node])
        elif kind == 'add':
            p = Parameter(value=0.1 * (k % 5 - 2), learning_rate=0.02)
            node = Add([node, p])
        else:
            p = None
            node = Sigmoid([node])
        levels.append((kind, p))
    return node, levels


def chain_values(x_value, levels):
    """The value at every level, the Input's first."""
    values = [x_value]
    for kind, p in levels:
        a = values[-1]
        values.append(p.value * a if kind == 'mul' else a + p.value if kind == 'add' else sig(a))
    return values


def chain_step(levels, values, d=D):
    """The value backward(d) gives every Parameter: p - lr * d * (d root / d p), with d root / d
    (each level) carried down the chain from the root."""
    expected, upstream = {}, d
    for k in reversed(range(len(levels))):
        kind, p = levels[k]
        below = values[k]
        if kind == 'mul':
            expected[p] = p.value - p.learning_rate * upstream * below
            upstream *= p.value
        elif kind == 'add':
            expected[p] = p.value - p.learning_rate * upstream
        else:
            s = values[k + 1]
            upstream *= s * (1 - s)
    return expected


def number(value):
    """A Parameter as the reference writes it: repr, in parentheses when negative."""
    return f'({value!r})' if value < 0 else repr(value)


def chain_formula(name, levels):
    text = name
    for kind, p in levels:
        if kind == 'mul':
            text = f'({number(p.value)} * {text})'
        elif kind == 'add':
            text = f'({text} + {number(p.value)})'
        else:
            text = f'sigmoid({text})'
    return text


def assert_values(got, expected):
    assert got == pytest.approx(expected, rel=REL, abs=1e-300)


def assert_stepped(expected):
    for p, value in expected.items():
        assert_values(p.value, value)


def test_the_graphs_are_beyond_a_recursive_walk():
    """A recursive evaluation (the tests' own) cannot go through them: the depth is real."""
    x = Input(value=0.3)
    with pytest.raises(RecursionError):
        evaluate(build_chain(PATTERNS['add'], x)[0])
    with pytest.raises(RecursionError):
        evaluate(build_ladder(RUNGS, x)[0])


@pytest.mark.parametrize('pattern', PATTERNS.values(), ids=PATTERNS.keys())
def test_chain_find_input_nodes_forward_and_predict(pattern):
    x = Input(value=0.3)
    root, levels = build_chain(pattern, x)
    assert root.find_input_nodes() == [x]
    assert_values(root.forward(), chain_values(0.3, levels)[-1])
    assert_values(root.forward(), chain_values(0.3, levels)[-1])  # cached
    x.value = -0.7
    assert_values(root.forward(), chain_values(-0.7, levels)[-1])
    assert_values(root.predict([1.1]), chain_values(1.1, levels)[-1])
    assert x.value == 1.1


@pytest.mark.parametrize('pattern', PATTERNS.values(), ids=PATTERNS.keys())
def test_chain_backward(pattern):
    x = Input(value=0.3)
    root, levels = build_chain(pattern, x)
    root.forward()
    expected = chain_step(levels, chain_values(0.3, levels))
    root.backward(D)
    assert_stepped(expected)
    assert x.value == 0.3
    # the step changed every Parameter: the next forward() sees all of them
    assert_values(root.forward(), chain_values(0.3, levels)[-1])


@pytest.mark.parametrize('pattern', PATTERNS.values(), ids=PATTERNS.keys())
def test_chain_compiled(pattern):
    x = Input(value=0.3)
    root, levels = build_chain(pattern, x)
    assert root.compile() is root  # no macro: the same root
    assert x.name == 'x0'
    assert root.funcify() == chain_formula('x0', levels)
    assert_values(root.forward(), chain_values(0.3, levels)[-1])
    assert_values(root.predict([-0.4]), chain_values(-0.4, levels)[-1])
    expected = chain_step(levels, chain_values(-0.4, levels))
    root.backward(D)
    assert_stepped(expected)
    assert_values(root.predict([0.9]), chain_values(0.9, levels)[-1])


@pytest.mark.parametrize('compiled', [False, True])
def test_chain_caching_after_an_assignment(op_calls, compiled):
    """Exercise 3 on 10,000 levels: nothing assigned, no op(); a Parameter assigned half way up,
    op() at most once per Operation, and only on the Operations above it."""
    x = Input(value=0.3)
    root, levels = build_chain(PATTERNS['mul_add_sigmoid'], x)
    operations = _chain_nodes(root)  # bottom up, like levels
    if compiled:
        root = root.compile()
    root.forward()
    op_calls.clear()
    root.forward()
    assert not op_calls
    k = next(k for k in range(DEPTH // 2, DEPTH) if levels[k][0] == 'add')
    levels[k][1].value = 0.15
    assert_values(root.forward(), chain_values(0.3, levels)[-1])
    assert max(op_calls.values()) == 1
    assert set(op_calls) <= set(operations[k:])
    assert operations[k] in op_calls


def _chain_nodes(root):
    """The Operations of a chain, bottom up."""
    found, node = [], root
    while not isinstance(node, Input):
        found.append(node)
        node = next(child for child in node.children if not isinstance(child, Parameter))
    return found[::-1]


# ---------------------------------------------------------------- a ladder: 2^rungs paths

def build_ladder(rungs, x):
    """a_{k+1} = p_k * a_k + q_k * a_k, as checks.strategies.ladder: each rung uses the one below
    twice. p + q is 1.05 and 1/1.05 in turn, so the values stay near x."""
    rows, a = [], x
    for k in range(rungs):
        total = 1.05 if k % 2 else 1 / 1.05
        p = Parameter(value=0.6 * total, learning_rate=0.01)
        q = Parameter(value=0.4 * total, learning_rate=0.02)
        a = Add([Multiply([p, a]), Multiply([q, a])])
        rows.append((p, q))
    return a, rows


def ladder_values(x_value, rows):
    values = [x_value]
    for p, q in rows:
        values.append(p.value * values[-1] + q.value * values[-1])
    return values


def ladder_step(rows, values, d=D):
    expected, upstream = {}, d
    for k in reversed(range(len(rows))):
        p, q = rows[k]
        expected[p] = p.value - p.learning_rate * upstream * values[k]
        expected[q] = q.value - q.learning_rate * upstream * values[k]
        upstream *= p.value + q.value  # both paths down to the rung below
    return expected


def test_ladder_uncompiled():
    x = Input(value=0.8)
    root, rows = build_ladder(RUNGS, x)
    assert root.find_input_nodes() == [x]
    assert_values(root.forward(), ladder_values(0.8, rows)[-1])
    x.value = -0.3
    assert_values(root.forward(), ladder_values(-0.3, rows)[-1])
    assert_values(root.predict([0.6]), ladder_values(0.6, rows)[-1])
    expected = ladder_step(rows, ladder_values(0.6, rows))
    root.backward(D)
    assert_stepped(expected)
    assert x.value == 0.6
    assert_values(root.forward(), ladder_values(0.6, rows)[-1])


def test_ladder_compiled(op_calls):
    x = Input(value=0.8)
    root, rows = build_ladder(RUNGS, x)
    assert root.compile() is root
    assert root.find_input_nodes() == [x]
    assert_values(root.predict([0.5]), ladder_values(0.5, rows)[-1])
    expected = ladder_step(rows, ladder_values(0.5, rows))
    root.backward(D)
    assert_stepped(expected)
    assert_values(root.predict([0.7]), ladder_values(0.7, rows)[-1])
    # exercise 3: a Parameter of the top rung assigned, only that rung is recomputed
    op_calls.clear()
    rows[-1][0].value = 0.5
    assert_values(root.forward(), ladder_values(0.7, rows)[-1])
    assert set(op_calls) == {root, root.children[0]} and max(op_calls.values()) == 1


# ---------------------------------------------------------------- macros and Output roots

def build_linears(depth, x):
    """depth Linear macros, each the only child of the next: 2 * depth Operations once
    expanded. Weights 1.05 and 1/1.05 in turn, biases between -0.2 and 0.2."""
    node, macros = x, []
    for k in range(depth):
        node = Linear([node])
        node.weights[0].value = 1.05 if k % 2 else 1 / 1.05
        node.bias.value = 0.1 * (k % 5 - 2)
        macros.append(node)
    return node, macros


def test_nested_macros_compile_funcify_and_train():
    x = Input(value=0.3, name='x')
    root, macros = build_linears(DEPTH // 2, x)
    values, text = [0.3], 'x'
    for m in macros:  # w * a + b, level by level, as expand() writes it
        w, b = m.weights[0].value, m.bias.value
        values.append(w * values[-1] + b)
        text = f'(({number(w)} * {text}) + {number(b)})'
    assert root.funcify() == text  # the macros written as their expansions, uncompiled
    compiled = root.compile()
    assert isinstance(compiled, Add)  # the root macro expanded
    assert compiled.funcify() == text
    assert compiled.find_input_nodes() == [x]
    assert_values(compiled.predict([0.3]), values[-1])
    expected, upstream = {}, D
    for k in reversed(range(len(macros))):
        w, b = macros[k].weights[0], macros[k].bias
        expected[w] = w.value - w.learning_rate * upstream * values[k]
        expected[b] = b.value - b.learning_rate * upstream
        upstream *= w.value
    compiled.backward(D)
    assert_stepped(expected)


def test_output_over_a_chain_and_a_ladder():
    """Output.backward() steps both parts once, each as its own root would."""
    x = Input(value=0.3)
    chain, levels = build_chain(PATTERNS['mul_add_sigmoid'], x)
    ladder, rows = build_ladder(RUNGS, x)
    root = Output([chain, ladder]).compile()
    got = root.predict([0.4])
    assert_values(got[0], chain_values(0.4, levels)[-1])
    assert_values(got[1], ladder_values(0.4, rows)[-1])
    expected = {**chain_step(levels, chain_values(0.4, levels), 0.3),
                **ladder_step(rows, ladder_values(0.4, rows), -0.2)}
    root.backward([0.3, -0.2])
    assert_stepped(expected)
