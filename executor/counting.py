"""Counting calls of a method, per object, by wrapping it on classes (exercises 2, 3 and 7).

The counts live in a Counter held by the executor for the length of one example; the grader reads
them with a request. They are answers like any other: student code could change them, and the
threat model says so (docs/instructors.md). What it cannot do is reach them by replacing one module
attribute: the wrappers close over their own Counter, made afresh for each count.
"""
from collections import Counter


class TooManyCalls(BaseException):
    """A per-object call limit was passed. A BaseException, so that a student's `except
    Exception` does not swallow it: an exponential traversal stops at the first extra call."""

    def __init__(self, obj, method, limit):
        super().__init__(f'{method}() called more than {limit} times on one {type(obj).__name__}')
        self.obj, self.method, self.limit = obj, method, limit


class CallCount:
    """Wraps `method` on each class of `classes` until `stop()`; `calls[id(obj)]` counts."""

    def __init__(self, classes, method, limit=None, defining=False):
        if defining:  # every class of each MRO that defines the method itself
            classes = [c for cls in classes for c in cls.__mro__ if method in vars(c)]
        self.calls, self.method, self.objects = Counter(), method, {}
        self.saved = []
        inside = set()  # objects in a counted call: a subclass's wrapper around its parent's
        for cls in dict.fromkeys(classes):
            original = getattr(cls, method)
            self.saved.append((cls, method in vars(cls), vars(cls).get(method)))
            setattr(cls, method, self._wrap(original, limit, inside))

    def _wrap(self, original, limit, inside):
        calls, objects, method = self.calls, self.objects, self.method

        def counted(obj, *args, **kwargs):
            if id(obj) in inside:
                return original(obj, *args, **kwargs)
            calls[id(obj)] += 1
            objects[id(obj)] = obj
            if limit is not None and calls[id(obj)] > limit:
                raise TooManyCalls(obj, method, limit)
            inside.add(id(obj))
            try:
                return original(obj, *args, **kwargs)
            finally:
                inside.discard(id(obj))
        counted.__wrapped__ = original
        return counted

    def counts(self):
        """[(object, calls)] for every object called so far."""
        return [(self.objects[key], n) for key, n in self.calls.items()]

    def stop(self):
        for cls, had_own, own in reversed(self.saved):
            if had_own:
                setattr(cls, self.method, own)
            else:
                delattr(cls, self.method)
        self.saved = []


class CountingFunction:
    """A callable that forwards to `function` and counts its calls in `calls`."""

    def __init__(self, function):
        self.function, self.calls = function, 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self.function(*args, **kwargs)
