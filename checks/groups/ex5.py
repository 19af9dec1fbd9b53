"""Checks of exercise 5: Output roots, SoftMax, and the categorical cross-entropy.

The children of an Output here are distinct generated trees (no node shared, no compile()), so
every check needs only the core framework besides exercise 5 itself. SoftMax is judged against an
exact softmax and its full Jacobian written here from the mathematics.
"""
import math

import numpy as np
from hypothesis import assume, strategies as st

from .. import oracle
from ..oracle import softmax
from ..compare import check_gradient, finite_differences, off_kinks, step_size
from ..failures import Mismatch
from ..graphs import Graph, Node
from ..registry import check
from ..remote import StudentError
from ..strategies import nonzero_values, trees
from ..values import as_float, as_float_list

EPS = 1e-8  # cce_loss's default eps

# Strategies built once: building one per example costs more than drawing from it.
_NONZERO = nonzero_values()
_WEIGHT = st.just(0.0) | st.floats(0.05, 1.0)
_PREDICTION = st.floats(1e-6, 1.0)


def _close(actual, expected, rtol=1e-9, atol=1e-12):
    return oracle.within(actual, expected, atol, rtol)


# --- cases ------------------------------------------------------------------------------------


def forests(operations, min_children, max_children=4):
    """Distinct small trees, the children of one Output (the tree strategy is built once)."""
    return st.lists(trees(operations, max_leaves=4, max_arity=3), min_size=min_children,
                    max_size=max_children)


def _case(children, **rest):
    """A case as a dict with one entry per child, so that a report shows each tree."""
    return {**{f'child {k}': g for k, g in enumerate(children)}, **rest}


def _children(case):
    return [case[f'child {k}'] for k in range(len(case)) if f'child {k}' in case]


@st.composite
def _output_cases(draw, children):
    children = draw(children)
    return _case(children, derivatives=[draw(_NONZERO) for _ in children])


def output_cases(ctx):
    return _output_cases(forests(ctx.operations, 1))


@st.composite
def distributions(draw, n, allowed=None):
    """A target distribution over n classes, mass only on `allowed`; some zeros, maybe one-hot."""
    allowed = range(n) if allowed is None else allowed
    weights = [draw(_WEIGHT) for _ in range(n)]
    weights = [w if k in allowed else 0.0 for k, w in enumerate(weights)]
    if sum(weights) == 0:
        weights[draw(st.sampled_from(sorted(allowed)))] = 1.0
    total = sum(weights)
    return [w / total for w in weights]


@st.composite
def _softmax_cases(draw, children):
    children = draw(children)
    # Target mass only where the exact softmax is far from underflow, so -t_i / s_i is finite.
    s = softmax([oracle.value(g) for g in children])
    allowed = [k for k, s_k in enumerate(s) if s_k > 1e-12]
    return _case(children, target=draw(distributions(len(children), allowed)))


def softmax_cases(ctx):
    return _softmax_cases(forests(ctx.operations, 2))


def _built_output(ctx, cls, children):
    """Each child tree built afresh, under one Output (or SoftMax) root."""
    built = [ctx.adapter.build(g) for g in children]
    return cls([b[g.root] for b, g in zip(built, children)]), built


def _steps(ctx, children, built, upstreams):
    """d loss / d parameter per child, read from the updates backward() made:
    (old - new) / (learning_rate * d), every value fetched in one round trip."""
    refs = [b[i].value for c, b in zip(children, built) for i in c.parameters]
    new = iter(ctx.remote.fetch_all(refs))
    return [{i: (c.nodes[i].value - as_float(next(new), 'a Parameter value after backward()'))
             / (c.nodes[i].learning_rate * d) for i in c.parameters}
            for c, d in zip(children, upstreams)]


# --- Output -------------------------------------------------------------------------------------

# The child of a wide Output: with 300 outputs, `len(a) is not len(b)` is true for equal lengths.
_one_parameter = Graph((Node('param', value=0.5, learning_rate=1.0),))


@check('ex5.output_forward', 1,
       "Output: forward() and predict() return the list of its children's values, in order",
       "Output.op(x) is the list x itself: one value per child, in children order. predict() "
       "sets the Inputs (all children's, in find_input_nodes() order) and returns that list.",
       cases=output_cases)
def verify_output_forward(ctx, case):
    children = _children(case)
    expected = [oracle.expected(g) for g in children]
    root, _ = _built_output(ctx, ctx.api.Output, children)
    values = as_float_list(root.forward(), 'Output.forward()', length=len(children))
    for k, (actual, e) in enumerate(zip(values, expected)):
        if not oracle.within(actual, e.value, 1e-9 * (1 + e.value_scale), 0.0):
            raise Mismatch(f'Output.forward()[{k}], the value of child {k}',
                           expected=[e.value for e in expected], actual=values)

    # predict() on a fresh build: the Inputs of every child, depth-first, left to right, set to
    # values that differ from the built ones (and from each other's positions).
    new = [g.nodes[i].value for g in children for i in g.input_order()][::-1]
    new = [round(v + 0.5 + k, 6) for k, v in enumerate(new)]
    after, start = [], 0
    for g in children:
        order = g.input_order()
        values = dict(zip(order, new[start:start + len(order)]))
        after.append(oracle.expected(g.with_values(values)))
        start += len(order)
    root, _ = _built_output(ctx, ctx.api.Output, children)
    values = as_float_list(root.predict(new), f'Output.predict({new})', length=len(children))
    for k, (actual, e) in enumerate(zip(values, after)):
        if not oracle.within(actual, e.value, 1e-9 * (1 + e.value_scale), 0.0):
            raise Mismatch(f'Output.predict({new})[{k}], the value of child {k}',
                           expected=[e.value for e in after], actual=values)


@check('ex5.output_backward', 1,
       'Output.backward(derivatives) moves every Parameter by derivatives[k] times its gradient '
       'in child k; Inputs unchanged',
       'backward() gets one derivative per output: pass derivatives[k] down child k, for EVERY '
       'child (as backward(d) does on a single root).',
       cases=output_cases, fixed=(_case([_one_parameter] * 300, derivatives=[1.0] * 300),))
def verify_output_backward(ctx, case):
    children, derivatives = _children(case), list(case['derivatives'])
    expected = [oracle.expected(g) for g in children]
    assume(all(off_kinks(e) for e in expected))
    root, built = _built_output(ctx, ctx.api.Output, children)
    as_float_list(root.forward(), 'Output.forward()', length=len(children))
    root.backward(derivatives)
    gradients = _steps(ctx, children, built, derivatives)
    inputs = iter(ctx.remote.fetch_all([b[i].value for g, b in zip(children, built)
                                        for i in g.inputs]))
    for k, (g, gradient, e, d) in enumerate(zip(children, gradients, expected, derivatives)):
        check_gradient(g, gradient, e, upstream=d, graph_index=k,
                       what=f'd output[{k}] / d {{label}} (the {{label}} of child {k})')
        for i in g.inputs:
            after = next(inputs)
            if as_float(after, f'an Input of child {k}') != g.nodes[i].value:
                raise Mismatch(f'Input {g.label(i)} of child {k} after backward() (Inputs never '
                               'change)', expected=g.nodes[i].value, actual=after)


# --- SoftMax forward ------------------------------------------------------------------------------


def _logits():
    return st.one_of(st.floats(-30, 30), st.floats(-30, 30), st.floats(-1000, 1000),
                     st.sampled_from((1000.0, -1000.0, 0.0, 750.0, -750.0)))


def _softmax_of(ctx, logits):
    """SoftMax over Parameters holding the logits (leaves: the logits are exact)."""
    root = ctx.api.SoftMax([ctx.api.Parameter(value=z, learning_rate=0.1) for z in logits])
    ctx.remote.flush()
    try:
        values = ctx.remote.fetch(root.forward())
    except StudentError as error:
        if not (error.is_a('OverflowError') or error.is_a('ZeroDivisionError')):
            raise
        raise Mismatch(f'SoftMax.forward() at logits {logits}', expected=softmax(logits).tolist(),
                       actual=f'no value: it raised {error.type_name}: {error.first_line}') \
            from None
    return as_float_list(values, f'SoftMax.forward() at logits {logits}', length=len(logits))


def _judge_softmax(logits, actual):
    exact = softmax(logits)
    what = f'SoftMax.forward() at logits {logits}'
    for k, p in enumerate(actual):
        if not 0.0 <= p <= 1.0:
            raise Mismatch(f'{what}[{k}] should be in [0, 1]', expected=exact.tolist(),
                           actual=actual)
    if abs(math.fsum(actual) - 1.0) > 1e-9:
        raise Mismatch(f'the sum of {what}', expected=1.0, actual=math.fsum(actual),
                       notes=f'entries: {actual}')
    if max(logits) - min(logits) < 700 and min(actual) <= 0.0:
        raise Mismatch(f'{what}: every entry is > 0 while the logits differ by less than 700',
                       expected=exact.tolist(), actual=actual)
    if not _close(actual, exact):
        raise Mismatch(what, expected=exact.tolist(), actual=actual,
                       notes='softmax(z)_i = exp(z_i - max(z)) / sum_j exp(z_j - max(z))')


@check('ex5.softmax_forward', 1,
       'SoftMax.forward(): entries in [0, 1] summing to 1, equal to softmax of the logits, and '
       'unchanged when every logit is shifted by the same amount',
       'Compute exp(z_i - max(z)) / sum_j exp(z_j - max(z)): subtracting the max changes nothing '
       'mathematically and keeps exp() from overflowing.',
       cases=lambda ctx: st.fixed_dictionaries({
           'logits': st.lists(_logits(), min_size=1, max_size=5),
           'shift': st.floats(-50, 50) | st.sampled_from((1000.0, -1000.0))}))
def verify_softmax_forward(ctx, case):
    logits, shift = list(case['logits']), case['shift']
    actual = _softmax_of(ctx, logits)
    _judge_softmax(logits, actual)
    shifted = [z + shift for z in logits]
    moved = _softmax_of(ctx, shifted)
    # z + shift is rounded: the exact softmax moves by at most ~1e-13 relative.
    if not _close(moved, actual):
        raise Mismatch(f'SoftMax.forward() at logits {logits} shifted by {shift!r} (softmax is '
                       'shift-invariant)', expected=actual, actual=moved)
    _judge_softmax(shifted, moved)


EXTREME_LOGITS = ([1000.0, -1000.0, 0.0], [1000.0, 1000.0], [-1000.0, -1000.0, -999.0],
                  [710.0, 709.0, 0.0], [-800.0, -790.0], [1e6, 0.0], [-1e6, 1e6, 3.0],
                  [1e300, -1e300])


@check('ex5.softmax_extremes', 1,
       'SoftMax.forward() is finite and exact at logits of +-1000 and beyond',
       'math.exp(1000) overflows: subtract max(z) from every logit before exp(), so that the '
       'largest exponent is 0.')
def verify_softmax_extremes(ctx, _):
    for logits in EXTREME_LOGITS:
        _judge_softmax(logits, _softmax_of(ctx, logits))


# --- SoftMax backward ---------------------------------------------------------------------------


def _jacobian_case(children, target):
    """The oracle side of a SoftMax case: logits, s, g = d loss / d s, d loss / d logits."""
    z = np.array([oracle.value(g) for g in children])
    s = softmax(z)
    t = np.array(target)
    g = np.where(t > 0, -t / np.where(t > 0, s, 1.0), 0.0)  # the check's own -t_i / s_i
    jacobian = np.diag(s) - np.outer(s, s)                 # d s_i / d z_j = s_i (delta_ij - s_j)
    dz = jacobian.T @ g                                    # d loss / d z_j = sum_i g_i J_ij
    dz_scale = np.abs(jacobian).T @ np.abs(g)              # the same with every term positive
    return z, s, t, g, dz, dz_scale


def _usable(s, t):
    """Every class with target mass has a probability far from underflow (so -t / s is finite)."""
    return bool(np.all((t == 0) | (s > 1e-12)))


def _gradient_rows(children, gradients, expected):
    rows = [f'    {"child":<6}{"parameter":<10} {"expected":>24} {"actual":>24}']
    for k, g in enumerate(children):
        for i in g.parameters:
            e, a = expected[k][i], gradients[k][i]
            mark = '' if np.isclose(a, e, rtol=1e-6, atol=1e-9) else '   <-- differs'
            rows.append(f'    {k:<6}{g.label(i):<10} {e!r:>24} {a!r:>24}{mark}')
    return '\n'.join(rows)


def _softmax_gradients(ctx, children, g):
    """Fresh build, forward(), backward(g): d loss / d parameter per child, from the updates."""
    root, built = _built_output(ctx, ctx.api.SoftMax, children)
    as_float_list(root.forward(), 'SoftMax.forward()', length=len(children))
    root.backward([float(x) for x in g])
    return _steps(ctx, children, built, [1.0] * len(children))


@check('ex5.softmax_backward', 1.5,
       'SoftMax.backward(d loss / d s) moves every Parameter by its exact gradient through the '
       'full softmax Jacobian',
       'Each output s_i depends on EVERY logit, so child j receives a contribution from every '
       'output, not only from s_j: work out d s_i / d z_j both for i = j and for i != j.',
       explanation='Each output s_i depends on EVERY logit: d s_i / d z_j = s_i (delta_ij - '
       's_j). So child j receives sum_i derivatives[i] * s_i * (delta_ij - s_j), not only the '
       'i = j term.',
       cases=softmax_cases)
def verify_softmax_backward(ctx, case):
    children, target = _children(case), case['target']
    expected = [oracle.expected(c) for c in children]
    assume(all(off_kinks(e) for e in expected))
    z, s, t, g, dz, dz_scale = _jacobian_case(children, target)
    assume(_usable(s, t))
    gradients = _softmax_gradients(ctx, children, g)
    exact = [{i: float(dz[k] * e.gradient[i]) for i in c.parameters}
             for k, (c, e) in enumerate(zip(children, expected))]
    for k, (c, e) in enumerate(zip(children, expected)):
        for i in c.parameters:
            actual = as_float(gradients[k][i], f'd loss / d {c.label(i)} of child {k}')
            node = c.nodes[i]
            tolerance = (1e-7 * (1 + dz_scale[k]) * e.gradient_scale[i]
                         + 8 * oracle.EPS * (1 + abs(node.value)) / node.learning_rate)
            if not oracle.within(actual, exact[k][i], tolerance, 0.0):
                raise Mismatch(
                    f'd loss / d {c.label(i)} of child {k} after SoftMax.backward(derivatives)',
                    expected=exact[k][i], actual=actual,
                    notes=f'logits z = {z.tolist()}\nsoftmax s = {s.tolist()}\n'
                          f'target t = {t.tolist()}\n'
                          f'derivatives given to backward() (-t_i / s_i) = {g.tolist()}\n'
                          f'd loss / d z (full Jacobian) = {dz.tolist()}\n'
                          + _gradient_rows(children, gradients, exact))


def _oracle_losses(children, t, k, overrides):
    """Cross-entropy of the exact softmax, with child k's leaves overridden (arrays allowed)."""
    logits = [oracle.evaluate(c, overrides if j == k else None)[c.root]
              for j, c in enumerate(children)]
    p = softmax(np.array(np.broadcast_arrays(*logits)))
    mass = t > 0
    return -np.sum(t[mass][:, None] * np.log(p[mass].reshape(mass.sum(), -1)), axis=0)


@check('ex5.softmax_finite_differences', 0.5,
       "SoftMax: each Parameter's gradient matches central differences of the cross-entropy of "
       "the implementation's own forward()",
       'Your backward() disagrees with the slope of your own forward(): if forward() is right '
       '(ex5.softmax_forward), look at how backward() combines the derivatives through the '
       'Jacobian.',
       cases=softmax_cases, examples=0.7)
def verify_softmax_finite_differences(ctx, case):
    children, target = _children(case), case['target']
    expected = [oracle.expected(c) for c in children]
    assume(all(off_kinks(e) for e in expected))
    z, s, t, g, dz, dz_scale = _jacobian_case(children, target)
    assume(_usable(s, t))
    gradients = _softmax_gradients(ctx, children, g)
    loss_scale = 1 + float(np.sum(t * np.abs(np.log(np.maximum(s, 1e-300))))) + 2 * sum(
        e.value_scale for e in expected)

    def loss_with(k):
        def values_of(variants):  # a fresh build per evaluation: no caching relied on
            stencil = [children[:k] + [child] + children[k + 1:] for child in variants]
            outputs = ctx.remote.fetch_all(
                [_built_output(ctx, ctx.api.SoftMax, graphs)[0].forward() for graphs in stencil])
            return [loss(graphs, output) for graphs, output in zip(stencil, outputs)]

        def loss(graphs, output):
            p = as_float_list(output, 'SoftMax.forward()', length=len(graphs))
            if any(p_i <= 0 for p_i, t_i in zip(p, target) if t_i > 0):
                raise Mismatch('SoftMax.forward() gave 0 for a class the target needs',
                               expected=softmax([oracle.value(c) for c in graphs]).tolist(),
                               actual=p)
            return -math.fsum(t_i * math.log(p_i) for t_i, p_i in zip(target, p) if t_i > 0)
        return values_of

    for k, (c, e) in enumerate(zip(children, expected)):
        for i, slope in finite_differences(c, loss_with(k), c.parameters).items():
            x, h = c.nodes[i].value, step_size(c.nodes[i].value)
            # The same stencil on the exact loss says how much truncation this step has.
            down, up = _oracle_losses(children, t, k, {i: np.array([x - h, x + h])})
            stencil = abs((up - down) / (2 * h) - dz[k] * e.gradient[i])
            tolerance = (20 * oracle.EPS * loss_scale / h + 10 * stencil
                         + 1e-9 * e.gradient_scale[i])
            actual = as_float(gradients[k][i], f'd loss / d {c.label(i)} of child {k}')
            if not oracle.within(actual, slope, tolerance, 1e-4):
                raise Mismatch(f'd loss / d {c.label(i)} of child {k} against the slope of the '
                               'cross-entropy of your SoftMax.forward()', expected=slope,
                               actual=actual,
                               notes=f'target t = {t.tolist()}; the loss is -sum_i t_i log(s_i)')


# --- categorical cross-entropy ------------------------------------------------------------------


def _cce(t, p, eps=EPS):
    """The check's own loss and gradient, from the formulas."""
    clipped = [min(max(p_i, eps), 1.0) for p_i in p]
    return (-math.fsum(t_i * math.log(q) for t_i, q in zip(t, clipped)),
            [-t_i / q for t_i, q in zip(t, clipped)])


def _call(ctx, fn, name, t, p, **eps):
    shown = f'{name}({t}, {p}' + ''.join(f', eps={v!r}' for v in eps.values()) + ')'
    ctx.remote.flush()
    try:
        return shown, ctx.remote.fetch(fn(list(t), list(p), **eps))
    except StudentError as error:
        if not any(error.is_a(kind) for kind in ('ValueError', 'ZeroDivisionError',
                                                   'OverflowError')):
            raise
        raise Mismatch(f'{shown} raised {error.type_name}: {error.message}',
                       notes='each p_i is first clipped to [eps, 1], so a prediction of 0 is '
                             'read as eps') from None


def _judge_cce(ctx, t, p, **eps):
    loss, slope = _cce(t, p, **eps)
    shown, actual = _call(ctx, ctx.api.cce_loss, 'cce_loss', t, p, **eps)
    if not _close(as_float(actual, shown), loss):
        raise Mismatch(shown, expected=loss, actual=actual)
    shown, actual = _call(ctx, ctx.api.cce_loss_grad, 'cce_loss_grad', t, p, **eps)
    grad = as_float_list(actual, shown, length=len(p))
    if not _close(grad, slope):
        raise Mismatch(shown, expected=slope, actual=grad)
    return loss, grad


@st.composite
def cce_cases(draw):
    n = draw(st.integers(1, 5))
    return {'y_true': draw(distributions(n)),
            'y_pred': [draw(_PREDICTION) for _ in range(n)]}


@check('ex5.cce', 0.5,
       'cce_loss and cce_loss_grad match -sum t_i log(p_i) and -t_i / p_i, and the gradient is '
       'the slope of the loss',
       'cce_loss is -sum_i t_i * log(p_i); its derivative with respect to p_i is -t_i / p_i '
       '(minus: more probability on the target lowers the loss), one entry per prediction.',
       cases=lambda ctx: cce_cases(),
       # 300 classes: `len(a) is not len(b)` is true for equal lengths above 256
       fixed=({'y_true': [1 / 300] * 300, 'y_pred': [1 / 300] * 300},))
def verify_cce(ctx, case):
    t, p = list(case['y_true']), list(case['y_pred'])
    loss, grad = _judge_cce(ctx, t, p)
    # The gradient is the slope of the implementation's own loss (away from the clip at 1).
    # t and p are sent once; each call gets a copy of p with one entry moved.
    remote = ctx.remote
    sent_t, sent_p = remote.step('value', t), remote.step('value', p)
    stencil = {}
    for i, p_i in enumerate(p):
        h = 1e-4 * p_i
        if p_i + h < 1.0:
            stencil[i] = (h, [ctx.api.cce_loss(sent_t, remote.step('with_item', sent_p, i,
                                                                   p_i + step))
                              for step in (h, -h)])
    remote.prefetch([ref for _, pair in stencil.values() for ref in pair])
    for i, (h, (up, down)) in stencil.items():
        p_i = p[i]
        up, down = as_float(up, 'cce_loss'), as_float(down, 'cce_loss')
        fd = (up - down) / (2 * h)
        if not oracle.within(grad[i], fd, 20 * oracle.EPS * (1 + abs(loss)) / h, 1e-5):
            raise Mismatch(f'cce_loss_grad({t}, {p})[{i}] against the slope of cce_loss',
                           expected=fd, actual=grad[i])


CLIP_CASES = (([1.0], [0.0]), ([0.25, 0.75], [0.0, 1.0]), ([0.5, 0.5], [1e-9, 1.0]),
              ([0.0, 1.0], [0.0, 0.5]), ([0.2, 0.3, 0.5], [0.0, 0.0, 0.0]),
              ([1.0], [1.5]), ([0.5, 0.5], [1.5, 0.0]))  # above 1: clipped to 1


@check('ex5.cce_clip', 0.5,
       'cce_loss and cce_loss_grad clip each prediction to [eps, 1]: finite at a prediction of 0, '
       'and eps can be passed',
       'Clip each prediction into [eps, 1] first, in both functions, before the logarithm and '
       'before dividing by it: a softmax output can underflow to exactly 0.',
       explanation='Clip first, in both functions: p = min(max(p, eps), 1), then log(p) and '
       '-t / p. A softmax output can underflow to exactly 0.')
def verify_cce_clip(ctx, _):
    for t, p in CLIP_CASES:
        _judge_cce(ctx, t, p)
    _judge_cce(ctx, [0.5, 0.5], [0.0, 0.5], eps=1e-3)
