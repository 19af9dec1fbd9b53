"""Property checks for implementations of the article's tree autodiff framework.

Checks reach an implementation only through an adapter (checks.adapters), judge it against their
own oracle (checks.oracle) on generated graphs (checks.strategies), and report through
checks.runner. The checks themselves are in checks/groups, one module per exercise.
"""
from .registry import EXERCISES, all_checks, article_checks, get
from .runner import Result, run

__all__ = ['EXERCISES', 'Result', 'all_checks', 'article_checks', 'get', 'run']
