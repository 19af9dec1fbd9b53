"""The article's two training examples, and a SoftMax classifier built from Linear macros.

Run them with `python -m exercises.examples`. The first two use the article's core only and work
from the start; the SoftMax classifier needs exercises 2, 4, 5 and 7 (its three Linear layers share
the inputs), and says which one it is waiting for.
"""
import random

from . import (Add, Input, Linear, Multiply, Parameter, ReLU, Sigmoid, SoftMax, bce_loss,
               bce_loss_grad, cce_loss, cce_loss_grad, mse_loss, mse_loss_grad, train_model)


def fahrenheit_to_celsius(f):
    return (f - 32) * 5 / 9


def train_fahrenheit_to_celsius(samples=1000, epochs=5, seed=0):
    """A linear model that learns C = 5/9 F - 160/9; returns (weight, bias)."""
    rng = random.Random(seed)
    data = [([f], fahrenheit_to_celsius(f)) for f in (rng.uniform(-1, 1) for _ in range(samples))]
    weight, bias = Parameter(value=rng.uniform(-1, 1)), Parameter(value=rng.uniform(-1, 1))
    model = Add([Multiply([weight, Input()]), bias])  # used as is, as in the article: no compile()
    train_model(model, mse_loss, mse_loss_grad, data, epochs=epochs, print_every=epochs)
    return weight.value, bias.value


def above_the_line_data(samples=1000, rng=random):
    """Points (x, y) of [-1, 1]^2 labelled 1 when y > x."""
    points = [(rng.uniform(-1, 1), rng.uniform(-1, 1)) for _ in range(samples)]
    return [((x, y), 1 if y > x else 0) for x, y in points]


def above_the_line_model(rng=random):
    """The article's classifier: sigmoid(p * relu(p x + p y + p) + p)."""
    def p():
        return Parameter(value=rng.uniform(-1, 1))
    hidden = ReLU([Add([Multiply([p(), Input()]), Multiply([p(), Input()]), p()])])
    return Sigmoid([Add([Multiply([p(), hidden]), p()])])


def train_above_the_line(samples=1000, epochs=20, seed=0):
    """Trains the article's classifier; returns its accuracy on fresh points."""
    rng = random.Random(seed)
    model = above_the_line_model(rng)  # no compile(), as in the article
    train_model(model, bce_loss, bce_loss_grad, above_the_line_data(samples, rng),
                epochs=epochs, print_every=epochs)
    test = above_the_line_data(samples, rng)
    return sum((model.predict(x) > 0.5) == bool(label) for x, label in test) / len(test)


CENTRES = [(1.0, 0.0), (-1.0, 0.0), (0.0, 1.5)]


def blobs(samples=300, rng=random):
    """Points around three centres, each labelled with its centre as a one-hot list."""
    data = []
    for _ in range(samples):
        k = rng.randrange(len(CENTRES))
        cx, cy = CENTRES[k]
        point = (rng.gauss(cx, 0.3), rng.gauss(cy, 0.3))
        data.append((point, [1.0 if j == k else 0.0 for j in range(len(CENTRES))]))
    return data


def train_softmax_classifier(samples=300, epochs=20, seed=0):
    """SoftMax over three Linear macros that share the inputs x and y; returns test accuracy.

    Needs exercises 2 (compile), 4 (Linear), 5 (SoftMax, cce_loss) and 7 (shared inputs).
    """
    rng = random.Random(seed)
    random.seed(seed)  # Linear draws its Parameters from the global generator
    x, y = Input(name='x'), Input(name='y')
    model = SoftMax([Linear([x, y]) for _ in CENTRES]).compile()
    for parameter in set(_parameters(model)):
        parameter.learning_rate = 0.05
    train_model(model, cce_loss, cce_loss_grad, blobs(samples, rng), epochs=epochs,
                print_every=epochs)
    test = blobs(samples, rng)
    correct = sum(_argmax(model.predict(point)) == _argmax(label) for point, label in test)
    return correct / len(test)


def _parameters(node):
    if isinstance(node, Parameter):
        yield node
    for child in node.children:
        yield from _parameters(child)


def _argmax(values):
    return max(range(len(values)), key=values.__getitem__)


def _fahrenheit_report():
    weight, bias = train_fahrenheit_to_celsius()
    return (f'weight={weight:.6f} (5/9={5 / 9:.6f}), '
            f'bias={bias:.6f} (-160/9={-160 / 9:.6f})')


def _try(title, report):
    """Print `title: report()`; an unsolved exercise gets one line instead of a traceback."""
    try:
        print(f'{title}: {report()}')
    except NotImplementedError as missing:
        exercise, _, what = str(missing).partition(': ')
        if exercise.startswith('Exercise'):
            print(f'{title}: needs {exercise}: {what}')
        else:  # a NotImplementedError that is not a stub's
            print(f'{title}: stopped on NotImplementedError({str(missing)!r})')


def main():
    _try('Fahrenheit to Celsius', _fahrenheit_report)
    _try('Above the line y = x', lambda: f'accuracy {train_above_the_line():.1%}')
    _try('SoftMax over three blobs', lambda: f'accuracy {train_softmax_classifier():.1%}')


if __name__ == '__main__':
    main()
