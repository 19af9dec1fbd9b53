"""Counting calls to an implementation's methods, per node, by wrapping them on the class."""
import contextlib
from collections import Counter


class TooManyCalls(BaseException):
    """A per-object call limit was passed. A BaseException: a student's `except Exception`
    cannot swallow it, so an exponential traversal stops at the first extra call."""

    def __init__(self, obj, method, limit):
        super().__init__(f'{method}() called more than {limit} times on one {type(obj).__name__}')
        self.obj, self.method, self.limit = obj, method, limit


@contextlib.contextmanager
def counting(classes, method, limit=None):
    """Count calls of `method` per object (by id) for instances of `classes`; yields the Counter.

    The wrapper is put on each class itself, so calls through self.method(), type(self).method or
    a bound method taken later are all counted; every class is restored afterwards. With a
    `limit`, the call that takes one object past it raises TooManyCalls instead of running.
    """
    calls = Counter()
    inside = set()  # objects in a counted call: a subclass's wrapper around its parent's counts once
    saved = []
    for cls in _unique(classes):
        original = getattr(cls, method)
        saved.append((cls, method in vars(cls), vars(cls).get(method)))
        setattr(cls, method, _counted(original, calls, method, limit, inside))
    try:
        yield calls
    finally:
        for cls, had_own, own in reversed(saved):
            if had_own:
                setattr(cls, method, own)
            else:
                delattr(cls, method)


def _counted(original, calls, method, limit, inside):
    def wrapper(self, *args, **kwargs):
        if id(self) in inside:
            return original(self, *args, **kwargs)
        calls[id(self)] += 1
        if limit is not None and calls[id(self)] > limit:
            raise TooManyCalls(self, method, limit)
        inside.add(id(self))
        try:
            return original(self, *args, **kwargs)
        finally:
            inside.discard(id(self))
    wrapper.__wrapped__ = original
    return wrapper


def _unique(classes):
    seen = []
    for cls in classes:
        if cls not in seen:
            seen.append(cls)
    return seen
