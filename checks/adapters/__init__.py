"""Adapters: the only way checks reach an implementation, and only through the executor.

`spec` decides, on the trusted side, what an implementation is graded on (its levels and
operations); `driver` turns the checks' needs (build a graph, its value, its gradient, read a graph
back) into requests to the executor. The adapter classes a user writes live in executor/adapters.py.
"""
from ..remote import MissingName
from .driver import NAME_EXERCISE, UPSTREAM, Driver
from .spec import AdapterSpec, SpecError, article_spec, read_spec

__all__ = ['AdapterSpec', 'Driver', 'MissingName', 'NAME_EXERCISE', 'UPSTREAM',
           'SpecError', 'article_spec', 'read_spec']
