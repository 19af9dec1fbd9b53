"""Reading numbers out of an implementation without trusting them."""
import math

from .failures import Mismatch


def as_float(x, what):
    """x as a plain float, or a Mismatch saying why not.

    A float or int subclass is read through the base type, so an overridden __float__ or __eq__
    cannot change what the check sees; anything else must convert with float().
    """
    if isinstance(x, bool):
        raise Mismatch(f'{what} is a bool ({x!r}), not a number')
    try:
        if isinstance(x, float):
            value = float.__float__(x)
        elif isinstance(x, int):
            value = float(int.__int__(x))
        else:
            value = float.__float__(float(x))
    except (TypeError, ValueError, OverflowError) as error:
        raise Mismatch(f'{what} is {type(x).__name__} {_short(x)}, which float() cannot read '
                       f'({error})') from None
    if math.isnan(value):
        raise Mismatch(f'{what} is NaN', actual=value)
    return value


def as_float_list(xs, what, length=None):
    if isinstance(xs, (str, bytes)) or not hasattr(xs, '__len__') or not hasattr(xs, '__iter__'):
        raise Mismatch(f'{what} should be a list of floats, got {type(xs).__name__} {_short(xs)}')
    items = list(xs)
    if length is not None and len(items) != length:
        raise Mismatch(f'{what} should have {length} entries', expected=length, actual=len(items))
    return [as_float(x, f'{what}[{i}]') for i, x in enumerate(items)]


def _short(x):
    try:
        text = repr(x)
    except Exception:  # a hostile __repr__ must not take the report down
        text = f'<{type(x).__name__} object>'
    return text if len(text) <= 80 else text[:77] + '...'
