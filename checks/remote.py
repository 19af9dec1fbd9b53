"""The student's objects as the checks see them: references in another process, and their answers.

A check never holds a student object. `ctx.api.Add([a, b])` queues a step and returns a Ref, a
handle the executor will store the result under; `root.forward()` queues two more. Nothing is sent
until a check needs a value (`fetch`, `as_float`, ...): then every queued step goes in one request,
and the answer comes back as plain data, validated here. So an example is usually one round trip,
and the executor only ever sees what to build and what to call, never what is expected.

Any exception the student's code raised comes back as a StudentError (type, message, frames),
raised at the fetch that flushed it. Everything here runs on the trusted side.
"""
import math

from .failures import Mismatch

ROOT_HANDLE = 0
_PLAIN = (float, int, str, bool, type(None))
FLOAT_MARKERS = {'nan': math.nan, 'inf': math.inf, '-inf': -math.inf}


class StudentError(Exception):
    """The implementation raised. Its type's name and its class hierarchy's names, its message
    and its own frames, as text: data about the student's exception, never the exception."""

    def __init__(self, described):
        # Bounded here, not only by the executor: its cuts hold only while the student's process
        # cooperates, and every report format carries these (once, a 405 MB report).
        self.type_name = _line(_text(described.get('type'), 'an exception'), NAME_LENGTH)
        self.mro = [_line(name, NAME_LENGTH) for name in described.get('mro', ())
                    if isinstance(name, str)][:50]
        self.message = _cut(_text(described.get('message'), ''), MESSAGE_LENGTH)
        self.traceback = _cut(_text(described.get('traceback'), ''), TRACEBACK_LENGTH)
        self.exit_code = _line(_text(described.get('exit_code'), ''), NAME_LENGTH)
        super().__init__(f'{self.type_name}: {self.message}' if self.message else self.type_name)

    def is_a(self, name):
        return name in self.mro or name == self.type_name

    @property
    def first_line(self):
        text = self.message.strip()
        return text.splitlines()[0] if text else self.type_name


class MissingName(Exception):
    """The implementation does not define a name of the contract at its top level."""

    def __init__(self, name, exercise):
        super().__init__(f'the implementation defines no `{name}` at its top level '
                         '(docs/contract.md, section 1)')
        self.name, self.exercise = name, exercise


class TooManyCalls(BaseException):
    """A counted method went past its per-object limit (the executor stopped the call there).
    A BaseException: Hypothesis must not shrink an exponential walk."""

    def __init__(self, identity, method, limit):
        super().__init__(f'{method}() called more than {limit} times on one object')
        self.identity, self.method, self.limit = identity, method, limit


class GraderBug(Exception):
    """The checks used a reference they may not use: a bug in the grader, not in student code."""


class Ref:
    """A student object (or the promise of one) in the executor, by handle."""
    __slots__ = ('_remote', '_handle', '_generation', '_type', '_value', '_known')

    def __init__(self, remote, handle, type_name=None):
        object.__setattr__(self, '_remote', remote)
        if handle is not None:  # a Member finds its handle when first asked
            object.__setattr__(self, '_handle', handle)
        object.__setattr__(self, '_generation', remote.generation)
        object.__setattr__(self, '_type', type_name)
        object.__setattr__(self, '_known', False)
        object.__setattr__(self, '_value', None)

    def __getattr__(self, name):
        if name.startswith('__'):
            raise AttributeError(name)
        return Member(self, name)

    def __setattr__(self, name, value):
        self._remote.step('set', self, name, value)

    def __call__(self, *args, **kwargs):
        return self._remote.step('call', self, list(args), kwargs)

    def __bool__(self):
        raise GraderBug('a Ref has no truth value: fetch it first')

    def __repr__(self):
        return f'<{self._type or "object"} of the implementation>'

    @property
    def type_name(self):
        """The class name of a fetched object (fetch returns Refs that know it)."""
        return self._type or 'object'


class Member(Ref):
    """`ref.name`: a 'get' step queued at once, in order; called at once, that step becomes one
    'method' step (not a 'get' and then a 'call')."""
    __slots__ = ('_owner', '_name', '_got')

    def __init__(self, owner, name):
        object.__setattr__(self, '_owner', owner)
        object.__setattr__(self, '_name', name)
        Ref.__init__(self, owner._remote, None)
        object.__setattr__(self, '_got', owner._remote.step('get', owner, name))

    @property
    def _handle(self):
        if self._got is None:  # called already; used as a value after all
            object.__setattr__(self, '_got', self._remote.step('get', self._owner, self._name))
        return self._got._handle

    def __call__(self, *args, **kwargs):
        remote = self._remote
        if self._got is not None and remote.pending and \
                remote.pending[-1][1] == self._got._handle:
            remote.pending.pop()   # the get was the last step: fuse it into the call
            object.__setattr__(self, '_got', None)
            return remote.step('method', self._owner, self._name, list(args), kwargs)
        return remote.step('call', self, list(args), kwargs)


class Remote:
    """One check's conversation with the executor. `executor` has exchange(request, deadline)."""

    def __init__(self, executor, name_exercise=None):
        self.executor = executor
        self.name_exercise = name_exercise or {}
        self.generation = 0
        self.deadline = None
        self.new_example()

    @property
    def api(self):
        return Ref(self, ROOT_HANDLE, 'api')

    def ref(self, handle):
        """A Ref to the object the executor knows under `handle` (e.g. an identity)."""
        return Ref(self, handle)

    def new_example(self, deadline=None):
        """Forget every Ref of the previous example; the executor drops its objects too."""
        self.generation += 1
        self.pending, self.lost, self.next_handle = [], set(), 1
        self.widths, self.failed, self.deferred = {}, {}, None
        self.reset, self.deadline = True, deadline

    # --- queueing steps ---

    def step(self, op, *args, width=None):
        """Queue [op, out, *args]; the Ref of `out` (with a width: Refs of out ... out+width-1,
        for steps that store several results)."""
        out = self.next_handle
        self.next_handle += width or 1
        self.pending.append([op, out] + [self._encode(a) for a in args])
        if width:
            self.widths[out] = width
        if width is None:
            return Ref(self, out)
        return [Ref(self, out + i) for i in range(width)]

    def _encode(self, value):
        if isinstance(value, list) and all(type(v) in _PLAIN for v in value):
            return value  # a list of numbers, the common case, as it is
        if isinstance(value, Ref):
            self._usable(value)
            return {'$': value._handle}
        if isinstance(value, tuple):
            return {'tuple': [self._encode(v) for v in value]}
        if isinstance(value, list):
            return [self._encode(v) for v in value]
        if isinstance(value, dict):
            return {str(k): self._encode(v) for k, v in value.items()}
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        raise GraderBug(f'cannot send a {type(value).__name__} to the executor')

    def _usable(self, ref):
        if ref._remote is not self or (ref._generation != self.generation
                                       and ref._handle != ROOT_HANDLE):
            raise GraderBug('a Ref from another example was used')
        if ref._handle in self.lost and ref._handle not in self.failed:
            raise GraderBug('a Ref whose step never ran was used')

    # --- the round trip ---

    def flush(self, fetch=()):
        """Send every queued step; the values of `fetch` (Refs), decoded. A student's exception
        in any step is raised here."""
        return self._round_trip(list(fetch), lazy=False)

    def prefetch(self, refs):
        """Send every queued step now and keep what came back: the values of `refs`, and the
        exception of the step that raised, if one did. Reading a Ref then gives its value if its
        step ran before the failing one, and raises the exception if not; an exception no read
        has raised is raised at the next round trip or at the end of the example. So a check
        that reads in the order it would have called gets the same outcome as if each call had
        been made at its read -- in one round trip instead of one per call."""
        self._round_trip(list(refs), lazy=True)

    def finish(self):
        """The end of an example: an exception a prefetch kept and nothing read is raised now."""
        if self.deferred is not None:
            error, self.deferred = self.deferred, None
            raise error

    def _round_trip(self, fetch, lazy):
        for ref in fetch:
            self._usable(ref)
        if not self.pending and all(ref._known for ref in fetch):
            return [self._value_of(ref) for ref in fetch]
        self.finish()   # a kept exception comes before anything the check does after it
        request = {'steps': self.pending, 'fetch': [ref._handle for ref in fetch],
                   'reset': self.reset}
        sent, self.pending, self.reset = self.pending, [], False
        answer = self.executor.exchange(request, self.deadline)
        values = answer.get('values')
        if values is not None and (not isinstance(values, list) or len(values) != len(fetch)):
            raise_bad_answer('an answer with the wrong number of values')
        error = self._error(answer, sent) if 'error' in answer else None
        for i, ref in enumerate(fetch):
            if ref._handle in self.lost or values is None or values[i] == {'missing': True}:
                self.failed[ref._handle] = error
            else:
                object.__setattr__(ref, '_known', True)
                object.__setattr__(ref, '_value', self.decode(values[i]))
        if error is not None and not lazy:
            raise error
        if error is not None:
            self.deferred = error
        return [self._value_of(ref) for ref in fetch] if not lazy else None

    def _value_of(self, ref):
        if ref._handle in self.failed and not ref._known:
            error = self.failed[ref._handle]
            if error is self.deferred:
                self.deferred = None
            raise error
        return ref._value

    def _error(self, answer, sent):
        """The exception an error answer stands for; the steps from the failing one on are lost."""
        index = answer['step']
        if not isinstance(index, int) or not isinstance(answer['error'], dict):
            raise_bad_answer('an error answer of the wrong form')
        for op, out, *_ in sent[index:]:
            self.lost.update(range(out, out + self.widths.get(out, 1)))
        described = answer['error']
        if index >= len(sent) or index < 0:  # reading the answer back failed
            return StudentError(described)
        op, out, *args = sent[index]
        calls = described.get('too_many_calls')
        if isinstance(calls, dict) and isinstance(calls.get('object'), int):
            return TooManyCalls(calls['object'], _text(calls.get('method'), '?'),
                                calls.get('limit'))
        error = StudentError(described)
        if op == 'get' and args[0] == {'$': ROOT_HANDLE} and error.is_a('AttributeError'):
            name = args[1]
            return MissingName(name, self.name_exercise.get(name, 'core'))
        return error

    def fetch(self, value):
        """The plain value behind a Ref (a number, a string, a list, or a Ref to an object)."""
        if not isinstance(value, Ref):
            return value
        return self.flush([value])[0]

    def fetch_all(self, values):
        refs = [v for v in values if isinstance(v, Ref)]
        fetched = iter(self.flush(refs)) if refs else iter(())
        return [next(fetched) if isinstance(v, Ref) else v for v in values]

    def decode(self, data, depth=0):
        """An answer value as Python data, checked: anything unexpected is the executor's fault."""
        if depth > 20:
            raise_bad_answer('an answer nested too deeply')
        if data is None or isinstance(data, (bool, int, float, str)):
            return data
        if isinstance(data, list):
            return [self.decode(item, depth + 1) for item in data]
        if isinstance(data, dict):
            if isinstance(data.get('$'), int):
                return Ref(self, data['$'], _line(_text(data.get('t'), 'object'), NAME_LENGTH))
            if data.get('float') in FLOAT_MARKERS:
                return FLOAT_MARKERS[data['float']]
            if 'int' in data:
                return Unreadable('an integer too large for a float')
            if isinstance(data.get('str'), str):
                return data['str']
            if 'too_many' in data:
                return Unreadable('a list too long to send')
        raise_bad_answer('a value of an unknown form')

    # --- conveniences the checks use ---

    def cpu_seconds(self):
        """The executor's CPU time so far (trusted: read by this side from /proc), or None."""
        return self.executor.cpu_seconds()

    def identity(self, ref):
        """The executor's identity for an object: equal for the same object, whatever the Ref."""
        value = self.fetch(ref)
        if not isinstance(value, Ref):
            raise Mismatch(f'expected an object, got {value!r}')
        return value._handle

    def same(self, a, b):
        """Whether two Refs name the same object (`a is b` in the executor)."""
        first, second = self.fetch_all([a, b])
        return isinstance(first, Ref) and isinstance(second, Ref) and \
            first._handle == second._handle

    def identities(self, refs):
        values = self.fetch_all(list(refs))
        return [v._handle if isinstance(v, Ref) else None for v in values]

    def isinstance(self, ref, cls):
        return self.step('isinstance', ref, cls)

    def type_of(self, ref):
        return self.step('type', ref)

    def get_or(self, ref, name, default=None):
        """getattr(ref, name, default), in the executor."""
        return self.step('get_or', ref, name, default)

    def has_method(self, ref, name):
        return self.step('callable_attr', ref, name)

    def build(self, graph):
        """The graph's nodes, built by the adapter: a Ref per node, indexed like graph.nodes."""
        return self.step('build', graph.to_data(), width=len(graph.nodes))

    def walk(self, root, classes=()):
        """Every node reachable through `children` from root (root first, each once); with
        `classes` (Refs), each as [node, isinstance(node, class) for each class]."""
        return self.step('walk', root, list(classes)) if classes else self.step('walk', root)

    def printing(self, function, *args, **kwargs):
        """(result, printed text) of function(*args, **kwargs), both Refs."""
        return self.step('printing', function, list(args), kwargs, width=2)

    def counting(self, classes, method, limit=None, defining=False):
        """Count calls of `method` per object on these classes (Refs) until the Counts is
        stopped; with `defining`, on every class of their MROs that defines it."""
        return Counts(self, self.step('count', list(classes), method, limit, defining))


class Counts:
    """A running count in the executor. `read()` gives {identity: calls}; use it in a with."""

    def __init__(self, remote, counter):
        self.remote, self.counter = remote, counter

    def read(self):
        return self.parse(self.remote.fetch(self.ask()))

    def ask(self):
        """A Ref to the counts so far, to fetch with other values in one round trip."""
        return self.remote.step('counts', self.counter)

    @staticmethod
    def parse(rows):
        if not isinstance(rows, list) or not all(
                isinstance(r, list) and len(r) == 2 and all(type(x) is int for x in r)
                for r in rows):
            raise_bad_answer('call counts that are not pairs of integers')
        return {identity: n for identity, n in rows}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        # Queued, not sent: the next request stops it, and starting a new example stops every
        # count the executor still runs.
        if exc[0] is None:
            self.remote.step('uncount', self.counter)
        return False


class Unreadable:
    """A value the executor could not send as a number or a list (e.g. a huge integer)."""

    def __init__(self, what):
        self.what = what

    def __repr__(self):
        return f'<{self.what}>'


def raise_bad_answer(what):
    from .failures import ExecutorMisbehaved
    raise ExecutorMisbehaved(f'the process running your code sent {what}')


def _text(value, default):
    return value if isinstance(value, str) else default


# How much of a student's exception the judge keeps: a name is one line, a message or a traceback
# a few screens (the executor already cuts its messages at 2000 characters).
NAME_LENGTH, MESSAGE_LENGTH, TRACEBACK_LENGTH = 200, 4000, 12000


def _cut(text, limit):
    """`text`, its middle left out past `limit` characters (a traceback ends where it raised)."""
    if len(text) <= limit:
        return text
    head = limit // 4
    return f'{text[:head]}\n[... {len(text) - limit} characters left out ...]\n' \
           f'{text[len(text) - (limit - head):]}'


def _line(text, limit):
    """A name as one line: a line break in a class name is someone's attempt at a fake line."""
    text = text.replace('\r', '\\r').replace('\n', '\\n')
    return text if len(text) <= limit else text[:limit - 3] + '...'
