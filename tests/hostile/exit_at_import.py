"""Hostile: sys.exit(0) while the grader imports the implementation."""
from reference import *
import reference
import sys

sys.exit(0)
