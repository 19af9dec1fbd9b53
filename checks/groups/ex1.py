"""Checks of exercise 1: two SGD steps of the article's linear regression, by hand and by the tree.

The scenario is the check's own copy (docs/contract.md, exercise 1), never read from the student's
module: a student who edits the constants there must not move the target.
"""
from fractions import Fraction

from .. import oracle
from ..failures import Mismatch
from ..registry import check
from ..remote import Ref
from ..values import as_float, as_float_list

# The scenario: prediction = weight * x + bias, loss (y - prediction)^2, one SGD step per sample.
WEIGHT, BIAS, LEARNING_RATE = Fraction(1, 2), Fraction(0), Fraction(1, 10)
SAMPLES = ((Fraction(2), Fraction(3)), (Fraction(-1), Fraction(1)))
TOLERANCE = 1e-9  # the contract's "within 1e-9 of exact arithmetic"


def worked_steps():
    """Each step in exact arithmetic: x, y, prediction, dL/dprediction, new weight, new bias."""
    w, b, steps = WEIGHT, BIAS, []
    for x, y in SAMPLES:
        prediction = w * x + b
        d = -2 * (y - prediction)            # mse_loss_grad: d loss / d prediction
        w, b = w - LEARNING_RATE * d * x, b - LEARNING_RATE * d  # d prediction / d b is 1
        steps.append({'x': x, 'y': y, 'prediction': prediction, 'd': d, 'w': w, 'b': b})
    return steps


def worked_table():
    rows = ['step    x     y   prediction   dL/dprediction   new weight   new bias']
    for k, s in enumerate(worked_steps(), 1):
        x, y, p, d, w, b = (float(s[key]) for key in ('x', 'y', 'prediction', 'd', 'w', 'b'))
        rows.append(f'{k:>4} {x:>4g} {y:>5g} {p:>12g} {d:>16g} {w:>12g} {b:>10g}')
    return ('the scenario worked out (weight 0.5, bias 0, learning rate 0.1, MSE loss):\n    '
            + '\n    '.join(rows) + '\n'
            'new weight = weight - 0.1 * dL/dprediction * x;  '
            'new bias = bias - 0.1 * dL/dprediction')


def _close(actual, exact):
    return abs(actual - float(exact)) <= TOLERANCE


@check('ex1.by_hand', 2,
       'sgd_by_hand() gives the weight and bias after each of the two SGD steps (within 1e-9)',
       'Work one sample at a time: the prediction, the derivative of the loss with respect to '
       'it, then each Parameter moves against its own gradient (chain rule: how the prediction '
       'depends on it), times the learning rate. Step 2 starts from the values step 1 produced.',
       explanation='dL/dprediction = -2 (y - prediction); the weight moves by -0.1 * '
       'dL/dprediction * x and the bias by -0.1 * dL/dprediction. Step 2 starts from the values '
       'step 1 produced.')
def verify_by_hand(ctx, _):
    pairs = _pairs(ctx.remote, ctx.remote.fetch(ctx.api.sgd_by_hand()))
    expected = [(float(s['w']), float(s['b'])) for s in worked_steps()]
    for k, ((w, b), s) in enumerate(zip(pairs, worked_steps()), 1):
        if not (_close(w, s['w']) and _close(b, s['b'])):
            off = ' and '.join(name for name, ok in (('the weight', _close(w, s['w'])),
                                                     ('the bias', _close(b, s['b']))) if not ok)
            raise Mismatch(f'(weight, bias) after step {k}', expected=expected[k - 1],
                           actual=(w, b), notes=f'sgd_by_hand() returned {pairs}: {off} of '
                                                f'step {k} differ{"s" if " and " not in off else ""}'
                                                f' from exact arithmetic',
                           answer=worked_table())


def _pairs(remote, answer):
    """[(w1, b1), (w2, b2)] read as floats; a list or tuple of two lists or tuples (the executor
    sends both as lists; anything else arrives as a Ref)."""
    what = 'sgd_by_hand(), which should be [(w1, b1), (w2, b2)],'
    if not isinstance(answer, list) or len(answer) != 2:
        raise Mismatch(f'{what} is not a list of two pairs', expected='[(w1, b1), (w2, b2)]',
                       actual=_shape(answer))
    pairs = []
    for k, pair in enumerate(answer, 1):
        if not isinstance(pair, list) or len(pair) != 2:
            raise Mismatch(f'entry {k} of sgd_by_hand() is not a (weight, bias) pair',
                           expected='(weight, bias)', actual=_shape(pair))
        pairs.append(tuple(as_float_list(pair, f'sgd_by_hand()[{k - 1}]', length=2)))
    return pairs


def _shape(x):
    if isinstance(x, list):
        return f'list of length {len(x)}'
    return x.type_name if isinstance(x, Ref) else type(x).__name__


# --- the tree ----------------------------------------------------------------------------------


@check('ex1.tree', 2,
       'build_linear_regression() gives weight * x + bias with weight 0.5, bias 0, learning rate '
       '0.1, and two SGD steps on it land on the exact values',
       'The model is weight * x + bias built from the article\'s nodes, with one Input for x and '
       'the scenario\'s two Parameters (their starting values and learning rate); return the '
       'model together with those same two Parameter objects, not copies.',
       explanation="Build Add([Multiply([weight, Input()]), bias]) with weight = "
       "Parameter(value=0.5, learning_rate=0.1) and bias = Parameter(value=0.0, "
       "learning_rate=0.1), and return the model with those same two Parameter objects.")
def verify_tree(ctx, _):
    remote = ctx.remote
    built = remote.fetch(ctx.api.build_linear_regression())
    if not isinstance(built, list) or len(built) != 3:
        raise Mismatch('build_linear_regression() should return (model, weight, bias)',
                       expected='a tuple of 3', actual=_shape(built))
    model, weight, bias = built
    for name, node, value in (('weight', weight, WEIGHT), ('bias', bias, BIAS)):
        if not isinstance(node, Ref) or not remote.fetch(remote.isinstance(node,
                                                                           ctx.api.Parameter)):
            raise Mismatch(f'the {name} returned by build_linear_regression() is a '
                           f'{_shape(node)}, not a Parameter')
        actual = as_float(node.value, f'the {name} value')
        if actual != float(value):
            raise Mismatch(f'the initial {name} value', expected=float(value), actual=actual)
        rate = as_float(node.learning_rate, f'the {name} learning rate')
        if not _close(rate, LEARNING_RATE):
            raise Mismatch(f'the {name} learning rate', expected=float(LEARNING_RATE), actual=rate)
    if not isinstance(model, Ref):
        raise Mismatch('the model returned by build_linear_regression() is not a node',
                       actual=_shape(model))
    if weight._handle == bias._handle:
        raise Mismatch('build_linear_regression() returned the same Parameter as weight and bias')
    _check_function(ctx, model, weight, bias)
    _check_training(model, weight, bias)


def _check_function(ctx, model, weight, bias):
    """The model, read back as a graph, is weight * x + bias over exactly one Input."""
    graph, nodes = ctx.adapter.describe(model)
    position = {node._handle: i for i, node in enumerate(nodes)}
    for name, node in (('weight', weight), ('bias', bias)):
        if node._handle not in position:
            raise Mismatch(f'the {name} Parameter returned is not in the model',
                           notes=f'the model: {graph.formula()}')
    if len(graph.inputs) != 1:
        raise Mismatch('the number of Inputs in the model', expected=1, actual=len(graph.inputs),
                       notes=f'the model: {graph.formula()}')
    x, w, b = graph.inputs[0], position[weight._handle], position[bias._handle]
    # Other weight and bias values than the scenario's, so that a swapped or dropped term shows.
    for wv, bv, xv in ((0.5, 0.0, 0.0), (0.5, 0.0, 2.0), (-1.25, 0.75, 0.0), (-1.25, 0.75, 3.0)):
        actual = oracle.value(graph, {w: wv, b: bv, x: xv})
        if not oracle.within(actual, wv * xv + bv, 1e-12, 1e-12):
            raise Mismatch(f'the model at weight = {wv}, bias = {bv}, x = {xv} (read from its '
                           'nodes)', expected=wv * xv + bv, actual=actual,
                           notes=f'the model: {graph.formula()} with {graph.label(w)} the weight, '
                                 f'{graph.label(b)} the bias')


def _check_training(model, weight, bias):
    """Two steps with the model's own predict() and backward(): the weight and bias are exact."""
    for k, s in enumerate(worked_steps(), 1):
        prediction = as_float(model.predict([float(s['x'])]), f'model.predict([{s["x"]}])')
        if not _close(prediction, s['prediction']):
            raise Mismatch(f'the prediction at step {k}, model.predict([{float(s["x"]):g}])',
                           expected=float(s['prediction']), actual=prediction,
                           answer=worked_table())
        model.backward(-2 * (float(s['y']) - prediction))  # d loss / d prediction
        actual = (as_float(weight.value, 'the weight'), as_float(bias.value, 'the bias'))
        if not (_close(actual[0], s['w']) and _close(actual[1], s['b'])):
            raise Mismatch(f'(weight, bias) after step {k} of training the model',
                           expected=(float(s['w']), float(s['b'])), actual=actual,
                           answer=worked_table())
