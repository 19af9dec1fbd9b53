"""Bugs for bugs_ex1_ex2_ex4; see tests/corpus/__init__.py."""
from . import Bug

BUGS = []
