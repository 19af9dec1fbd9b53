"""Bugs for bugs_ex7; see tests/corpus/__init__.py."""
from . import Bug

BUGS = []
