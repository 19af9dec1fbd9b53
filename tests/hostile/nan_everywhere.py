"""Hostile: every operation's forward() returns NaN."""
from reference import *
import reference

reference.Operation.forward = lambda self: float('nan')
