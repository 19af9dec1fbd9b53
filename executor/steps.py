"""The requests the executor understands: steps on objects, run in order, answered as data.

A request is {"steps": [[op, out, *args], ...], "fetch": [handles], "reset": bool}. Each step's
result is stored under the handle `out`, which the grader chose, so that later steps of the same
request can use it before any answer is sent (one round trip for a whole example, most of the
time). The answer is {"values": [...]} with the encoded objects of `fetch`, or, when a step
raised, {"error": {...}, "step": index}: the steps after it did not run.
"""
import io
import operator
import sys

from .adapters import CLASS_NAMES
from .counting import CallCount, CountingFunction, TooManyCalls
from .graph import Graph
from .macros import macro_classes
from .values import Objects

MESSAGE_LENGTH = 2000
PRINTED_LENGTH = 8_000_000   # what one captured call may print (a chatty train_model: ~1 MB)


class Interpreter:
    def __init__(self, adapter, source_paths=()):
        self.adapter = adapter
        self.article = hasattr(adapter, 'build')
        self.objects = Objects(adapter.api if self.article else adapter)
        self.source_paths = tuple(str(p) for p in source_paths if p)
        self.counts = []

    def answer(self, request):
        if request.get('reset'):
            self.reset()
        for index, step in enumerate(request.get('steps', ())):
            try:
                self.run(step)
            except BaseException as error:  # noqa: B902 - every failure is an answer
                return {'error': self.describe(error), 'step': index,
                        'values': [self._partial(h) for h in request.get('fetch', ())]}
        try:
            return {'values': [self.objects.encode(self.objects.get(h))
                               for h in request.get('fetch', ())]}
        except BaseException as error:  # noqa: B902
            return {'error': self.describe(error), 'step': len(request.get('steps', ()))}

    def _partial(self, handle):
        """A value asked for, from a step that ran before the one that failed: the grader reads
        those first, as if the failing call had not been made yet."""
        try:
            return self.objects.encode(self.objects.get(handle))
        except BaseException:  # noqa: B902 - not stored (its step never ran), or unreadable
            return {'missing': True}

    def reset(self):
        """A new example: every count an example left running (it raised) stopped, every
        object let go."""
        for count in self.counts:
            count.stop()
        self.counts = []
        self.objects.reset()

    def run(self, step):
        op, out, *args = step
        objects = self.objects
        args = [objects.decode(a) for a in args]
        result = getattr(self, 'op_' + op)(out, *args)
        objects.store(out, result)

    # --- objects: attributes, calls, types ---

    def op_get(self, out, obj, name):
        return getattr(obj, name)

    def op_get_or(self, out, obj, name, default):
        return getattr(obj, name, default)

    def op_set(self, out, obj, name, value):
        setattr(obj, name, value)

    def op_call(self, out, function, args, kwargs):
        return function(*args, **kwargs)

    def op_method(self, out, obj, name, args, kwargs):
        return getattr(obj, name)(*args, **kwargs)

    def op_isinstance(self, out, obj, cls):
        return isinstance(obj, cls)

    def op_type(self, out, obj):
        return type(obj)

    def op_callable_attr(self, out, obj, name):
        return callable(getattr(obj, name, None))

    def op_float(self, out, obj):
        return float(obj)

    def op_list(self, out, obj):
        if not (hasattr(obj, '__len__') and hasattr(obj, '__iter__')) or isinstance(obj, (str, bytes)):
            raise TypeError(f'a {type(obj).__name__} is not a list')
        return list(obj)

    def op_value(self, out, value):
        return value

    def op_with_item(self, out, items, index, value):
        """A copy of the list `items` with items[index] = value."""
        copy = list(items)
        copy[index] = value
        return copy

    def op_iterate(self, out, obj):
        return list(obj)

    def op_identity(self, out, obj):
        return self.objects.identity(obj)

    # --- graphs ---

    def op_build(self, out, data):
        """The graph built by the adapter; node i is stored under handle out + i."""
        built = list(self.adapter.build(Graph.from_data(data)))
        for i, node in enumerate(built):
            self.objects.store(out + i, node)
        return built[0] if built else None

    def op_walk(self, out, root, classes=()):
        """Every node reachable through `children` (root first, each once), by identity; with
        `classes`, each as [node, isinstance(node, class) for each class]."""
        seen, order, stack = set(), [], [root]
        while stack:
            node = stack.pop()
            if id(node) not in seen:
                seen.add(id(node))
                order.append(node)
                stack.extend(reversed(list(getattr(node, 'children', None) or [])))
        if classes:
            return [[node] + [isinstance(node, cls) for cls in classes] for node in order]
        return order

    def op_describe(self, out, root):
        """The nodes below root, children first: [kind, identity, [children], value, lr, name].

        kind is the elementary class the node is an instance of (most specific first), or its
        class name when it is none of them; value, lr and name are read for leaves only.
        """
        classes = {kind: getattr(self.objects.root, name) for kind, name in CLASS_NAMES.items()}
        rows, done, stack = [], set(), [(root, False)]
        while stack:
            obj, children_done = stack.pop()
            if id(obj) in done:
                continue
            children = list(getattr(obj, 'children', None) or [])
            if not children_done:
                stack.append((obj, True))
                stack.extend((child, False) for child in reversed(children)
                             if id(child) not in done)
                continue
            done.add(id(obj))
            kind = _kind_of(obj, classes)
            row = [kind, self.objects.identity(obj), [self.objects.identity(c) for c in children]]
            if kind == 'input':
                row += [obj.value, None, getattr(obj, 'name', None)]
            elif kind == 'param':
                row += [obj.value, obj.learning_rate, None]
            rows.append(row)
        return rows

    def op_adapter_value(self, out, data):
        return self.adapter.value(Graph.from_data(data))

    def op_adapter_gradient(self, out, data):
        gradient = self.adapter.gradient(Graph.from_data(data))
        return [[_index(key), value] for key, value in dict(gradient).items()]

    def op_adapter_steps(self, out, data, steps):
        """Backward passes and gradient readings on one graph built once (docs/adapters.md)."""
        session, observed = self.adapter.session(Graph.from_data(data)), []
        for step in steps:
            if step[0] == 'backward':
                session.backward(step[1])
            elif step[0] == 'zero_grad':
                session.zero_grad()
            elif step[0] == 'rebuild':
                session.rebuild()
            else:
                grads = dict(session.grads())
                observed.append([[_index(key), value] for key, value in grads.items()])
        return observed

    def op_macros(self, out):
        classes = macro_classes(self.objects.root)
        for i, cls in enumerate(classes[1:], 1):
            self.objects.store(out + i, cls)
        return classes[0]

    # --- counting and capturing ---

    def op_count(self, out, classes, method, limit, defining):
        count = CallCount(classes, method, limit, defining)
        self.counts.append(count)
        return count

    def op_counts(self, out, count):
        return [[self.objects.identity(obj), n] for obj, n in count.counts()]

    def op_uncount(self, out, count):
        count.stop()

    def op_counting_function(self, out, function):
        return CountingFunction(function)

    def op_printing(self, out, function, args, kwargs):
        """function(*args, **kwargs) with sys.stdout captured: the result under out, the printed
        text under out + 1."""
        printed, saved = _Bounded(), sys.stdout
        sys.stdout = printed
        try:
            result = function(*args, **kwargs)
        finally:
            sys.stdout = saved
        self.objects.store(out + 1, printed.text())
        return result

    def op_seed(self, out, value):
        import random
        random.seed(value)

    # --- what went wrong ---

    def describe(self, error):
        """An exception as data: its type, message and the student's own frames."""
        kind = type(error)
        described = {'type': _name(kind), 'mro': [_name(c) for c in kind.__mro__],
                     'message': _message(error), 'traceback': self.frames(error)}
        if isinstance(error, TooManyCalls):
            described['too_many_calls'] = {'object': self.objects.identity(error.obj),
                                           'method': error.method, 'limit': error.limit}
        if isinstance(error, SystemExit):
            described['exit_code'] = _short_repr(error.code)
        return described

    def frames(self, error):
        import traceback
        try:
            frames = traceback.extract_tb(error.__traceback__)
            own = [f for f in frames if self.source_paths
                   and str(f.filename).startswith(self.source_paths)]
            lines = traceback.format_list(own or [f for f in frames
                                                  if not f.filename.startswith(_HERE)][-3:])
            lines += traceback.format_exception_only(type(error), error)
            return ''.join(lines)[-4 * MESSAGE_LENGTH:].rstrip()
        except BaseException:  # noqa: B902 - a hostile __str__ must not stop the answer
            return f'{_name(type(error))} (its text could not be read)'


_HERE = __file__.rsplit('/', 1)[0].rsplit('\\', 1)[0]


def _index(key):
    try:
        return operator.index(key)
    except TypeError:
        return key


def _kind_of(obj, classes):
    # Most specific first: a student's Parameter might subclass Input, or SoftMax subclass Add.
    order = ('param', 'input', 'add', 'mul', 'relu', 'sigmoid')
    for kind in order:
        if type(obj) is classes[kind]:
            return kind
    for kind in order:
        if isinstance(obj, classes[kind]):
            return kind
    return _name(type(obj))


def _name(cls):
    name = getattr(cls, '__name__', None)
    return name if isinstance(name, str) else '?'


def _message(error):
    try:
        text = str(error)
    except BaseException:  # noqa: B902
        return f'<{_name(type(error))} whose str() fails>'
    return str.__str__(text)[:MESSAGE_LENGTH] if isinstance(text, str) else '?'


def _short_repr(value):
    try:
        return repr(value)[:200]
    except BaseException:  # noqa: B902
        return '?'


class _Bounded(io.StringIO):
    """A StringIO that keeps the first PRINTED_LENGTH characters and drops the rest."""

    def write(self, text):
        room = PRINTED_LENGTH - self.tell()
        if room > 0:
            super().write(str(text)[:room])
        return len(text)

    def text(self):
        return self.getvalue()
