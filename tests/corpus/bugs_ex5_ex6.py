"""Bugs for bugs_ex5_ex6; see tests/corpus/__init__.py."""
from . import Bug

BUGS = []
