"""Checks of the article's own framework: operations, backward, predict, losses, training."""
import bisect
import hashlib
import math
import random
import re

from hypothesis import assume, strategies as st

from .. import oracle
from ..compare import (check_gradient, check_value, fd_tolerance, finite_differences,
                       gradient_table, off_kinks)
from ..failures import Mismatch, node_mark
from ..graphs import Graph, Node
from ..profiles import DEFAULT_SEED
from ..registry import check
from ..remote import Ref
from ..strategies import learning_rates, nonzero_values, trees
from ..values import as_float, as_float_list

# --- single-operation probes: they run first, and name the culprit when a composite check fails ---


def single_operation(kind, max_arity, zero_allowed=False):
    """Graphs of one `kind` over 1..max_arity Parameters (optionally with an exact 0 among them)."""
    value = st.one_of(nonzero_values(), st.just(0.0)) if zero_allowed else nonzero_values()

    def build(operands):
        nodes = [Node('param', value=v, learning_rate=lr) for v, lr in operands]
        return Graph(tuple(nodes) + (Node(kind, operands=tuple(range(len(nodes)))),))

    return lambda ctx: st.lists(st.tuples(value, learning_rates()), min_size=1,
                                max_size=max_arity).map(build)


def verify_single_operation(ctx, graph):
    """forward() and grad() of one operation node against the oracle."""
    built = ctx.adapter.build(graph)
    node, expected = built[graph.root], oracle.expected(graph)
    forward, grad = node.forward(), node.grad()
    ctx.remote.prefetch([node, forward, grad])   # one round trip; read below in call order
    name = ctx.remote.fetch(node).type_name
    check_value(f'{name}.forward()', forward, expected.value, expected.value_scale, graph,
                graph.root)
    local = as_float_list(grad, f'{name}.grad()', length=len(graph.nodes) - 1)
    for k, actual in enumerate(local):
        exact = expected.gradient[k]
        if graph.nodes[graph.root].kind == 'relu' and graph.nodes[k].value == 0.0:
            if not 0.0 <= actual <= 1.0:
                raise Mismatch(f'{name}.grad()[{k}] at input 0 (any value in [0, 1] is right)',
                               expected='a value in [0, 1]', actual=actual)
        elif not oracle.within(actual, exact, 1e-9 * expected.gradient_scale[k], 0.0):
            raise Mismatch(f'{name}.grad()[{k}], the partial derivative with respect to child {k}',
                           expected=[expected.gradient[j] for j in range(len(local))],
                           actual=local, marks={'nodes': [node_mark(
                               graph, k, f'd {name} / d child {k}', exact, actual)]})


def fixed_operation(kind, *operand_lists):
    """Graphs of one `kind` over these Parameter values: the arities chance may not draw."""
    return tuple(Graph(tuple(Node('param', value=v, learning_rate=0.1) for v in values)
                       + (Node(kind, operands=tuple(range(len(values)))),))
                 for values in operand_lists)


check('core.add', 2, 'Add: forward() is the sum of 1 to 4 children; grad() is all ones',
      'Add is n-ary: sum every child, and return one 1.0 per child from grad().',
      cases=single_operation('add', 4), probes=('add',),
      fixed=fixed_operation('add', (2.0, 3.0, 0.5), (1.5, -2.0, 0.5, 3.0)))(
          verify_single_operation)

check('core.multiply', 2,
      'Multiply: forward() is the product of 1 to 4 children; grad()[i] the product of the others',
      'Multiply is n-ary. The partial with respect to child i is the product of all the OTHER '
      'children: never divide the product by child i (it may be 0).',
      cases=single_operation('mul', 4, zero_allowed=True), probes=('mul',),
      fixed=fixed_operation('mul', (2.0, 3.0, 0.5), (1.5, -2.0, 0.5, 3.0), (2.0, 0.0, 3.0)))(
          verify_single_operation)

check('core.relu', 1, 'ReLU: forward() is max(0, x); grad() is 1 above 0, 0 below (any in [0, 1] at 0)',
      'ReLU passes positive inputs through and blocks negative ones, in forward() and in grad().',
      cases=single_operation('relu', 1, zero_allowed=True), probes=('relu',))(
          verify_single_operation)

check('core.sigmoid', 1, 'Sigmoid: forward() is 1 / (1 + e^-x); grad() is s (1 - s)',
      "Sigmoid's derivative is sigmoid(x) * (1 - sigmoid(x)), at the child's current value.",
      cases=single_operation('sigmoid', 1), probes=('sigmoid',))(verify_single_operation)


@check('core.sigmoid_extremes', 1, 'Sigmoid is finite, in [0, 1], at inputs of +-1000 and beyond',
       'math.exp(-x) overflows for x < -709: for negative x compute e^x / (1 + e^x) instead.',
       probes=('sigmoid',))
def verify_sigmoid_extremes(ctx, _):
    for x in (1000.0, -1000.0, 1e6, -1e6, 710.0, -710.0):
        node = ctx.api.Sigmoid([ctx.api.Parameter(value=x, learning_rate=0.1)])
        expected = float(oracle.sigmoid(x))
        value = as_float(node.forward(), f'Sigmoid.forward() at {x}')
        if not (0.0 <= value <= 1.0 and abs(value - expected) <= 1e-12):
            raise Mismatch(f'Sigmoid.forward() at {x}', expected=expected, actual=value)
        slope = as_float_list(node.grad(), f'Sigmoid.grad() at {x}', length=1)[0]
        if not 0.0 <= slope <= 1e-12:
            raise Mismatch(f'Sigmoid.grad() at {x}', expected=0.0, actual=slope)


# --- the update rule, on the smallest graphs ------------------------------------------------------


@st.composite
def sgd_cases(draw):
    kind = draw(st.sampled_from(('mul', 'add')))
    return {'kind': kind, 'value': draw(nonzero_values()), 'learning_rate': draw(learning_rates()),
            'input': draw(nonzero_values()), 'd': draw(nonzero_values())}


@check('core.sgd_step', 2,
       'backward(d) on p * x (or p + x) sets p to p - learning_rate * d * x (or 1); x unchanged',
       'Parameter.on_backward must do value -= learning_rate * derivative (minus: descent), with '
       "the parameter's own learning rate; multiply the parent's derivative into every child's.",
       cases=lambda ctx: sgd_cases(), probes=('sgd',))
def verify_sgd_step(ctx, case):
    p = ctx.api.Parameter(value=case['value'], learning_rate=case['learning_rate'])
    x = ctx.api.Input(value=case['input'])
    root = (ctx.api.Multiply if case['kind'] == 'mul' else ctx.api.Add)([p, x])
    as_float(root.forward(), 'forward()')
    root.backward(case['d'])
    slope = case['input'] if case['kind'] == 'mul' else 1.0
    expected = case['value'] - case['learning_rate'] * case['d'] * slope
    actual, input_after = ctx.remote.fetch_all([p.value, x.value])
    actual = as_float(actual, 'the Parameter after backward()')
    if not oracle.within(actual, expected, 1e-12 * (1 + abs(expected)), 0.0):
        raise Mismatch('the Parameter after backward(d)', expected=expected, actual=actual,
                       notes=f'old value {case["value"]!r}, learning_rate '
                             f'{case["learning_rate"]!r}, d = {case["d"]!r}')
    if as_float(input_after, 'the Input after backward()') != case['input']:
        raise Mismatch('the Input after backward() (Inputs never change)',
                       expected=case['input'], actual=input_after)


# --- composite checks on generated trees --------------------------------------------------------


def generated_trees(ctx):
    return trees(ctx.operations)


@check('core.forward', 3, 'forward() of generated trees equals the oracle', 
       'Evaluate every child, then apply op() to their values; the probes above name the '
       'operation when one of them is wrong.',
       cases=generated_trees, level='functional', examples=1.5,
       engine=('the value of generated expressions equals the oracle',
               "Compute each operation's value from its operands' values; the probes above name "
               'the operation when one of them is wrong.'))
def verify_forward(ctx, graph):
    expected = oracle.expected(graph)
    check_value('the value of the root', ctx.adapter.value(graph), expected.value,
                expected.value_scale)


@check('core.gradients', 3,
       'one backward() on generated trees moves every Parameter by its exact gradient',
       'backward(d) must pass d * grad()[i] to child i, for every child, all the way down; each '
       'Parameter then moves by -learning_rate * (what reached it).',
       cases=generated_trees, level='functional', examples=2,
       engine=('one backward() on generated expressions gives every Parameter its exact gradient',
               "Each node passes to each operand its local derivative times the node's own "
               "gradient, added (+=) to the operand's; a node passes its gradient on only once "
               'every node using it has.'))
def verify_gradients(ctx, graph):
    expected = oracle.expected(graph)
    assume(off_kinks(expected))
    check_gradient(graph, ctx.adapter.gradient(graph), expected, upstream=1.5)


@check('core.finite_differences', 2,
       "each Parameter's gradient matches central differences of the implementation's forward()",
       "Your gradient disagrees with the slope of your own forward(): if forward() is right "
       "(core.forward), the bug is in grad() or backward().",
       cases=generated_trees, level='functional',
       engine=("each Parameter's gradient matches central differences of the engine's own values",
               'Your gradient disagrees with the slope of your own values: if core.forward '
               'passes, the bug is in a derivative or in backward().'))
def verify_finite_differences(ctx, graph):
    expected = oracle.expected(graph)
    assume(off_kinks(expected))
    gradient = ctx.adapter.gradient(graph)
    slopes = finite_differences(graph, ctx.adapter.values, graph.parameters)
    for i, slope in slopes.items():
        actual = as_float(gradient[i], f'd root / d {graph.label(i)}')
        if not oracle.within(actual, slope, fd_tolerance(graph, i, expected), 1e-4):
            raise Mismatch(f'd root / d {graph.label(i)} against the slope of forward()',
                           expected=slope, actual=actual,
                           notes=gradient_table(graph, gradient, _with(expected, slopes),
                                                heading='slope of your forward()'))


def _with(expected, slopes):
    copy = oracle.Expected(**expected.__dict__)
    copy.gradient = {**expected.gradient, **slopes}
    return copy


@check('core.inputs_unchanged', 1, 'backward() changes no Input, on generated trees',
       'Input.on_backward must do nothing: only Parameters learn.',
       cases=generated_trees)
def verify_inputs_unchanged(ctx, graph):
    assume(graph.inputs)
    built = ctx.adapter.build(graph)
    as_float(built[graph.root].forward(), 'forward()')
    built[graph.root].backward(1.5)
    values = ctx.remote.fetch_all([built[i].value for i in graph.inputs])
    for i, after in zip(graph.inputs, values):
        after = as_float(after, f'{graph.label(i)} after backward()')
        if after != graph.nodes[i].value:
            raise Mismatch(f'Input {graph.label(i)} after backward()',
                           expected=graph.nodes[i].value, actual=after)


@check('core.node_protocol', 1,
       "a node's call root() is its forward(); Parameter.on_backward(d) moves its value by "
       '-learning_rate * d, Input.on_backward(d) changes nothing',
       'The article\'s protocol: __call__ returns self.forward(); backward() calls on_backward(d) '
       'on each node, which does nothing except on a Parameter: value -= learning_rate * d.')
def verify_node_protocol(ctx, _):
    api, remote = ctx.api, ctx.remote
    p, x = api.Parameter(value=0.75, learning_rate=0.5), api.Input(value=2.0)
    root = api.Multiply([p, x])
    called, forwarded = remote.fetch_all([root(), root.forward()])
    check_value('root() for root = Multiply([p, x]), p = 0.75, x = 2.0', called, 1.5, 1.5)
    check_value('root.forward()', forwarded, 1.5, 1.5)
    p.on_backward(0.5)
    x.on_backward(0.5)
    after = remote.fetch_all([p.value, x.value])
    if as_float(after[0], 'p.value') != 0.5:
        raise Mismatch('p.value after p.on_backward(0.5), p = Parameter(value=0.75, '
                       'learning_rate=0.5)', expected=0.5, actual=after[0])
    if as_float(after[1], 'x.value') != 2.0:
        raise Mismatch('x.value after x.on_backward(0.5), x = Input(value=2.0)', expected=2.0,
                       actual=after[1])


# --- finding inputs, predicting ---------------------------------------------------------------


@check('core.find_input_nodes', 1,
       'find_input_nodes() lists the Inputs depth-first, left to right',
       'Visit children in order, recursing into operations before moving to the next child.',
       cases=generated_trees)
def verify_find_input_nodes(ctx, graph):
    built = ctx.adapter.build(graph)
    found = ctx.remote.fetch(ctx.remote.step('iterate', built[graph.root].find_input_nodes()))
    identities = ctx.remote.identities([built[i] for i in graph.inputs])
    actual = labels_of(found, dict(zip(identities, (graph.label(i) for i in graph.inputs))))
    expected = [graph.label(i) for i in graph.input_order()]
    if actual != expected:
        raise Mismatch('find_input_nodes() order', expected=expected, actual=actual)


def labels_of(nodes, labels):
    """Fetched nodes as the labels of {identity: label}, others as <Class not an Input>."""
    return [labels.get(node._handle, f'<{node.type_name} not an Input>') if isinstance(node, Ref)
            else f'<{type(node).__name__} not an Input>' for node in nodes]


@st.composite
def predict_cases(draw, operations):
    graph = draw(trees(operations))
    values = draw(st.lists(nonzero_values(), min_size=len(graph.inputs),
                           max_size=len(graph.inputs)))
    return {'graph': graph, 'inputs': values}


def _wide_sum(n):
    """Add over n Inputs: with n above 256, `len(a) is not len(b)` is true for equal lengths."""
    nodes = tuple(Node('input', value=0.0) for _ in range(n))
    return Graph(nodes + (Node('add', operands=tuple(range(n))),))


@check('core.predict', 1, 'predict(values) sets the Inputs in find_input_nodes() order and '
       'returns forward()', 'predict must assign inputs[i] to the i-th Input, then evaluate.',
       cases=lambda ctx: predict_cases(ctx.operations),
       fixed=({'graph': _wide_sum(300), 'inputs': [0.5 + k for k in range(300)]},
              {'graph': Graph((Node('param', value=0.5, learning_rate=0.1),
                               Node('param', value=-1.5, learning_rate=0.1),
                               Node('mul', operands=(0, 1)))), 'inputs': []}))
def verify_predict(ctx, case):
    graph, values = case['graph'], list(case['inputs'])
    order = graph.input_order()
    expected = oracle.expected(graph.with_values(dict(zip(order, values))))
    built = ctx.adapter.build(graph)
    result, *assigned = ctx.remote.fetch_all([built[graph.root].predict(values)]
                                             + [built[i].value for i in order])
    for i, value, actual in zip(order, values, assigned):
        if as_float(actual, graph.label(i)) != value:
            raise Mismatch(f'the value of Input {graph.label(i)} after predict({values})',
                           expected=value, actual=actual)
    check_value(f'predict({values})', result, expected.value, expected.value_scale)


# --- losses and training -----------------------------------------------------------------------


def one_way(seed, purpose):
    """A number drawn from the seed that does not give the seed back (the training data reach
    the executor; a Random seeded with the seed itself could be run back to it)."""
    return int.from_bytes(hashlib.sha256(f'{seed}:{purpose}'.encode()).digest()[:16], 'big')


@st.composite
def loss_cases(draw):
    return {'y_true': draw(st.sampled_from((0.0, 1.0)) | st.floats(0, 1)),
            'y_pred': draw(st.floats(1e-6, 1 - 1e-6) | st.floats(-3, 3))}


def _mse(t, p):
    return (t - p) ** 2, -2 * (t - p)


def _bce(t, p, eps=1e-8):
    q = min(max(p, eps), 1 - eps)
    return -t * math.log(q) - (1 - t) * math.log(1 - q), (q - t) / (q * (1 - q))


# Predictions a sigmoid reaches exactly (0.0, 1.0) or that lie outside [0, 1]: the clip decides.
CLIPPED_PREDICTIONS = tuple({'y_true': t, 'y_pred': p}
                            for t, p in ((1.0, 1.0), (0.0, 0.0), (1.0, 0.0), (0.0, 1.0),
                                         (1.0, 1.5), (0.0, -0.5)))


@check('core.losses', 2, 'mse_loss, bce_loss and their gradients match their formulas',
       'mse_loss_grad is -2 (y_true - y_pred); bce clips y_pred to [eps, 1 - eps] first, in both '
       'the loss and its gradient.',
       cases=lambda ctx: loss_cases(), fixed=CLIPPED_PREDICTIONS)
def verify_losses(ctx, case):
    t, p = case['y_true'], case['y_pred']
    names = [f'{name}_loss{part}' for name in ('mse', 'bce') for part in ('', '_grad')]
    answers = dict(zip(names, (getattr(ctx.api, fn)(t, p) for fn in names)))
    ctx.remote.prefetch(list(answers.values()))
    for name, formula in (('mse', _mse), ('bce', _bce)):
        loss, slope = formula(t, p)
        for fn, expected in ((f'{name}_loss', loss), (f'{name}_loss_grad', slope)):
            actual = as_float(answers[fn], f'{fn}({t!r}, {p!r})')
            if not oracle.within(actual, expected, 1e-9, 1e-9):
                raise Mismatch(f'{fn}({t!r}, {p!r})', expected=expected, actual=actual)


@check('core.training', 2,
       "the article's two examples train: Fahrenheit to Celsius and the above-the-line classifier",
       'train_model: for each (x, y), prediction = model.predict(x), then '
       'model.backward(loss_grad_fn(y, prediction)).',
       time_scale=5)  # one example, 6,000 training steps: 5x the time of a generated case
def verify_training(ctx, _):
    api, rng = ctx.api, random.Random(one_way(ctx.seed, 'core.training'))
    weight = api.Parameter(value=0.1, learning_rate=0.05)
    bias = api.Parameter(value=0.1, learning_rate=0.05)
    model = api.Add([api.Multiply([weight, api.Input()]), bias])
    data = [([f], (f - 32) * 5 / 9) for f in (rng.uniform(-1, 1) for _ in range(200))]
    api.train_model(model, api.mse_loss, api.mse_loss_grad, data, epochs=15, print_every=1000)
    w, b = as_float(weight.value, 'the weight'), as_float(bias.value, 'the bias')
    if abs(w - 5 / 9) > 1e-3 or abs(b + 160 / 9) > 1e-3:
        raise Mismatch('Fahrenheit to Celsius after 15 epochs of 200 samples (weight, bias)',
                       expected=(5 / 9, -160 / 9), actual=(w, b))

    def p(value):
        return api.Parameter(value=value, learning_rate=0.1)
    hidden = api.ReLU([api.Add([api.Multiply([p(-0.6), api.Input()]),
                                api.Multiply([p(0.7), api.Input()]), p(0.1)])])
    classifier = api.Sigmoid([api.Add([api.Multiply([p(0.8), hidden]), p(-0.2)])])
    points = [(rng.uniform(-1, 1), rng.uniform(-1, 1)) for _ in range(300)]
    data = [((x, y), 1 if y > x else 0) for x, y in points]
    api.train_model(classifier, api.bce_loss, api.bce_loss_grad, data, epochs=10,
                    print_every=1000)
    predictions = ctx.remote.fetch_all([classifier.predict([x, y]) for x, y in points])
    correct = sum((as_float(p, 'predict()') > 0.5) == (y > x)
                  for p, (x, y) in zip(predictions, points))
    if correct < 0.9 * len(points):
        raise Mismatch('accuracy of the above-the-line classifier after 10 epochs',
                       expected='at least 90%', actual=f'{correct / len(points):.0%}')


# --- constructors and the training loop's own contract -----------------------------------------


@check('core.constructors', 1,
       'Input() holds 0.0; Parameter(value=v) learns at rate 0.01; Parameter() draws its value '
       'from uniform(-1, 1)',
       'The defaults are part of the API: Input(value=0.0, name=None), Parameter(value=None, '
       'learning_rate=0.01), and a Parameter built without a value takes random.uniform(-1, 1).')
def verify_constructors(ctx, _):
    api = ctx.api
    value = as_float(api.Input().value, 'Input().value')
    if value != 0.0:
        raise Mismatch('Input().value, the default value', expected=0.0, actual=value)
    rate = as_float(api.Parameter(value=0.5).learning_rate, 'Parameter(value=0.5).learning_rate')
    if rate != 0.01:
        raise Mismatch('Parameter(value=0.5).learning_rate, the default learning rate',
                       expected=0.01, actual=rate)
    # The student's random draws, the same in every run (a constant: the seed stays here).
    ctx.remote.step('seed', DEFAULT_SEED)
    values = [as_float(v, 'Parameter().value')
              for v in ctx.remote.fetch_all([api.Parameter().value for _ in range(200)])]
    low, high = min(values), max(values)
    # A true uniform(-1, 1) misses either half-interval in 200 draws with probability 2 * 0.75^200.
    if low < -1.0 or high > 1.0 or low > -0.5 or high < 0.5:
        raise Mismatch('the values of 200 Parameter() built without a value',
                       expected='spread over [-1, 1], as random.uniform(-1, 1) draws them',
                       actual=f'from {low!r} to {high!r}')


_NUMBER = re.compile(r'[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?')


def _shows(line, value):
    """Does `line` print `value`, to the precision it prints it, with at least 4 significant
    digits? (Fewer would match unrelated numbers; integers are not read: they are epoch numbers.)"""
    for token in _NUMBER.findall(line):
        mantissa, _, exponent = token.lower().partition('e')
        if '.' not in mantissa and not exponent:
            continue
        decimals = len(mantissa.partition('.')[2])
        half_unit = 0.5 * 10.0 ** (int(exponent or 0) - decimals)
        # 1e-9: the rounding of 2,000 SGD steps done in another order than the check's
        if half_unit <= 5e-4 * abs(value) and \
                abs(float(token) - value) <= half_unit + 1e-9 * abs(value):
            return True
    return False


def _train_and_read(ctx, model, data, **options):
    """train_model on mse, its printed lines, and how often it asked for the loss's gradient."""
    api, remote = ctx.api, ctx.remote
    gradient = remote.step('counting_function', api.mse_loss_grad)
    _, printed = remote.printing(api.train_model, model, api.mse_loss, gradient, data, **options)
    printed, calls = remote.fetch_all([printed, gradient.calls])
    if not isinstance(printed, str) or type(calls) is not int:
        raise Mismatch('what train_model printed could not be read back')
    return printed.splitlines(), calls


def _sgd_means(w, b, rate, data, epochs):
    """The check's own SGD on w * x + b with the squared error: each epoch's mean loss, each
    sample's loss taken before that sample's update."""
    means = []
    for _ in range(epochs):
        total = 0.0
        for (x,), y in data:
            error = y - (w * x + b)
            total += error ** 2
            w, b = w + rate * 2 * error * x, b + rate * 2 * error
        means.append(total / len(data))
    return means


def _epochs_shown(lines, means):
    """The epochs whose mean loss some line shows (`_shows`), `means` falling strictly: each
    number printed is held against the few means within 0.2 % of it, not against all of them."""
    rising = means[::-1]
    shown = set()
    for line in lines:
        for token in _NUMBER.findall(line):
            number = float(token)
            low = bisect.bisect_left(rising, number * (1 - 2e-3))
            high = bisect.bisect_right(rising, number * (1 + 2e-3))
            shown.update(e for e in (len(means) - 1 - i for i in range(low, high))
                         if e not in shown and _shows(line, means[e]))
    return shown


def _epoch_list(epochs, most=12):
    epochs = sorted(epochs)
    if not epochs:
        return 'none'
    text = ', '.join(map(str, epochs[:most]))
    return text + (f', ... ({len(epochs)} epochs in all)' if len(epochs) > most else '')


# The model of core.train_model: a lone bias b, two samples x = 0 with target 0. Each sample's step
# multiplies b by (1 - 2 * rate), so the epoch's mean loss falls by (1 - 2 * rate)^4 = 0.992 per
# epoch: neighbouring epochs differ by 0.8 %, far more than 4 significant digits can blur (0.05 %
# either way), and epoch 999's mean, 33,000, still prints them with f'{mean:.6f}'. A start of 10,000
# keeps the means (above 33,000) apart from everything else a training loop might print of its own:
# predictions and parameters (at most 10,000), gradients (20,000), steps, epoch numbers, times.
# A sample's loss (b^2) or a loss before training sits between two epochs' means (0.2 % from each),
# and so do the total of an epoch and the loss after training.
_BIAS, _RATE = 10000.0, 0.001
_SAMPLES = [([0.0], 0.0), ([0.0], 0.0)]


@check('core.train_model', 1,
       'train_model: epochs defaults to 1000; after each epoch e with e % print_every == 0 '
       '(print_every defaults to 100) it prints a line with that epoch\'s mean loss, and no '
       'line shows the mean loss of another epoch (but the last)',
       'One model.backward(loss_grad_fn(y, prediction)) per sample per epoch; after epoch e '
       '(counted from 0), if e % print_every == 0, print the mean of loss_fn(y, prediction) over '
       'the epoch\'s samples, each prediction taken before its own update, with at least 4 '
       'significant digits. Lines of your own are fine, but not the mean loss of the other epochs.')
def verify_train_model(ctx, _):
    api = ctx.api
    call = (f'train_model(Add([Input(), Parameter(value={_BIAS}, learning_rate={_RATE})]), '
            f'mse_loss, mse_loss_grad, {_SAMPLES}')
    for options, epochs, every in (({}, 1000, 100), ({'epochs': 101}, 101, 100),
                                   ({'epochs': 5, 'print_every': 2}, 5, 2)):
        model = api.Add([api.Input(), api.Parameter(value=_BIAS, learning_rate=_RATE)])
        lines, calls = _train_and_read(ctx, model, _SAMPLES, **options)
        written = call + ''.join(f', {k}={v}' for k, v in options.items()) + ')'
        if not options and calls != 1000 * len(_SAMPLES):
            raise Mismatch(f'loss_grad_fn calls in {written}', expected=1000 * len(_SAMPLES),
                           actual=calls, notes='epochs defaults to 1000; one call per sample')
        means = _sgd_means(0.0, _BIAS, _RATE, _SAMPLES, epochs)
        printing = set(range(0, epochs, every))
        shown = _epochs_shown(lines, means)
        missing, others = printing - shown, shown - printing - {epochs - 1}
        if missing or others:
            defaults = '' if options.get('print_every') else (
                'print_every defaults to 100' + ('' if options else ' and epochs to 1000') + ': ')
            notes = (f'{defaults}epochs {_epoch_list(printing)} print (epoch 0 included), and '
                     'another line may repeat the last epoch\'s mean. '
                     + (f'Not shown: epoch {min(missing)}\'s mean, {means[min(missing)]!r}'
                        + (f', and {len(missing) - 1} more. ' if len(missing) > 1 else '. ')
                        if missing else '')
                     + (f'Shown but not printing: epoch {min(others)} ({means[min(others)]!r}). '
                        if others else '')
                     + f'The first lines printed (of {len(lines)}):\n' + '\n'.join(lines[:12]))
            raise Mismatch(f'the epochs whose mean loss the lines printed by {written} show',
                           expected=f'epochs {_epoch_list(printing)}',
                           actual=f'epochs {_epoch_list(shown)}', notes=notes)
