"""Answers as plain data: what the executor sends back, and how it reads the grader's arguments.

A number, a string, None or a bool is sent as itself (read through the base type, so that a float
subclass's own __float__ or __repr__ is not asked); a list or tuple element by element; anything
else as a reference {"$": handle, "t": type name} that later requests can use. Sizes are bounded:
an answer the grader would refuse anyway is cut short here with a marker.
"""
import math

MAX_ITEMS = 100_000      # elements in one answer, all lists together
MAX_DEPTH = 16
MAX_STRING = 1_000_000   # characters of one string
BIG_INT_BITS = 1024      # larger integers are not numbers a float can hold
_PLAIN = (float, int, str, bool, type(None))


class Objects:
    """Handles for the objects of one example: a handle is the grader's name for an object."""

    def __init__(self, root):
        self.root = root
        self.reset()

    def reset(self):
        self.by_handle = {0: self.root}
        self.canonical = {id(self.root): 0}   # the first handle an object got: its identity
        self.next_free = 1 << 30             # handles the executor gives (the grader's are lower)

    def store(self, handle, obj):
        self.by_handle[handle] = obj
        self.canonical.setdefault(id(obj), handle)

    def get(self, handle):
        try:
            return self.by_handle[handle]
        except (KeyError, TypeError):
            raise LookupError(f'no object under handle {handle!r}') from None

    def identity(self, obj):
        """The object's canonical handle, giving it one if it has none yet."""
        handle = self.canonical.get(id(obj))
        if handle is None:
            handle, self.next_free = self.next_free, self.next_free + 1
            self.store(handle, obj)
        return handle

    # --- arguments from the grader ---

    def decode(self, data):
        if isinstance(data, list):
            if all(type(item) in _PLAIN for item in data):
                return data  # numbers and strings, as JSON gave them
            return [self.decode(item) for item in data]
        if isinstance(data, dict):
            if '$' in data:
                return self.get(data['$'])
            if 'tuple' in data:
                return tuple(self.decode(item) for item in data['tuple'])
            return {key: self.decode(value) for key, value in data.items()}
        return data

    # --- answers to the grader ---

    def encode(self, value):
        budget = [MAX_ITEMS]
        return self._encode(value, MAX_DEPTH, budget)

    def _encode(self, value, depth, budget):
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, float):
            number = float.__float__(value)
            return number if math.isfinite(number) else {'float': repr(number)}
        if isinstance(value, int):
            number = int.__int__(value)
            return number if number.bit_length() <= BIG_INT_BITS else {'int': 'too large'}
        if isinstance(value, str):
            text = str.__str__(value)
            return text if len(text) <= MAX_STRING else {'str': text[:MAX_STRING], 'cut': len(text)}
        if isinstance(value, (list, tuple)) and depth > 0:
            items = list.copy(value) if isinstance(value, list) else tuple.__getitem__(
                value, slice(None))
            budget[0] -= len(items)
            if budget[0] < 0:
                return {'too_many': len(items)}
            return [self._encode(item, depth - 1, budget) for item in items]
        return {'$': self.identity(value), 't': _type_name(value)}


def _type_name(value):
    name = getattr(type(value), '__name__', None)
    return name if isinstance(name, str) else '?'
