"""Bugs for bugs_ex3; see tests/corpus/__init__.py."""
from . import Bug

BUGS = []
