"""Counting calls to an implementation's methods, per node, by wrapping them on the class."""
import contextlib
from collections import Counter


@contextlib.contextmanager
def counting(classes, method):
    """Count calls of `method` per object (by id) for instances of `classes`; yields the Counter.

    The wrapper is put on each class itself, so calls through self.method(), type(self).method or
    a bound method taken later are all counted; every class is restored afterwards.
    """
    calls = Counter()
    saved = []
    for cls in _unique(classes):
        original = getattr(cls, method)
        saved.append((cls, method in vars(cls), vars(cls).get(method)))
        setattr(cls, method, _counted(original, calls))
    try:
        yield calls
    finally:
        for cls, had_own, own in reversed(saved):
            if had_own:
                setattr(cls, method, own)
            else:
                delattr(cls, method)


def _counted(original, calls):
    def wrapper(self, *args, **kwargs):
        calls[id(self)] += 1
        return original(self, *args, **kwargs)
    wrapper.__wrapped__ = original
    return wrapper


def _unique(classes):
    seen = []
    for cls in classes:
        if cls not in seen:
            seen.append(cls)
    return seen


@contextlib.contextmanager
def forbidden(classes, method, message):
    """Make `method` raise AssertionError(message) on every class given (and their instances)."""
    def refuse(self, *args, **kwargs):
        raise AssertionError(message)
    saved = [(cls, method in vars(cls), vars(cls).get(method)) for cls in _unique(classes)]
    for cls, _, _ in saved:
        setattr(cls, method, refuse)
    try:
        yield
    finally:
        for cls, had_own, own in reversed(saved):
            if had_own:
                setattr(cls, method, own)
            else:
                delattr(cls, method)
