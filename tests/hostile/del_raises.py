"""Hostile: every Parameter raises from __del__ when it is collected."""
from reference import *
import reference


class Parameter(reference.Parameter):
    def __del__(self):
        raise RuntimeError('HOSTILE __del__ raised')
