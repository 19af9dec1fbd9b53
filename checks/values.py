"""Reading numbers out of an implementation's answers without trusting them."""
import math

from .failures import Mismatch
from .remote import Ref, StudentError, Unreadable


def as_float(x, what):
    """x as a plain float, or a Mismatch saying why not.

    An answer is fetched from the executor first. A number arrives as a number (the executor reads
    a float or int subclass through its base type); any other object is converted by float() in the
    executor, and must give a number.
    """
    x = _fetched(x)
    if isinstance(x, Ref):
        remote = x._remote
        try:
            x = remote.fetch(remote.step('float', x))
        except StudentError as error:
            raise Mismatch(f'{what} is a {x.type_name}, which float() cannot read '
                           f'({error.type_name}: {error.first_line})') from None
    if isinstance(x, Unreadable):
        raise Mismatch(f'{what} is {x.what}, which float() cannot read')
    if isinstance(x, bool):
        raise Mismatch(f'{what} is a bool ({x!r}), not a number')
    try:
        value = float(x) if isinstance(x, (int, float, str)) else None
    except (TypeError, ValueError, OverflowError) as error:
        raise Mismatch(f'{what} is {type(x).__name__} {_short(x)}, which float() cannot read '
                       f'({error})') from None
    if value is None:
        raise Mismatch(f'{what} is {type(x).__name__} {_short(x)}, which float() cannot read')
    if math.isnan(value):
        raise Mismatch(f'{what} is NaN', actual=value)
    return value


def as_float_list(xs, what, length=None):
    xs = _fetched(xs)
    if isinstance(xs, Ref):
        remote = xs._remote
        try:
            xs = remote.fetch(remote.step('list', xs))
        except StudentError:
            raise Mismatch(f'{what} should be a list of floats, got a {xs.type_name}') from None
    if not isinstance(xs, list):
        raise Mismatch(f'{what} should be a list of floats, got {type(xs).__name__} {_short(xs)}')
    if length is not None and len(xs) != length:
        raise Mismatch(f'{what} should have {length} entries', expected=length, actual=len(xs))
    return [as_float(x, f'{what}[{i}]') for i, x in enumerate(xs)]


def _fetched(x):
    return x._remote.fetch(x) if isinstance(x, Ref) else x


def _short(x):
    text = repr(x)
    return text if len(text) <= 80 else text[:77] + '...'
