"""Hostile: at import, replace checks.runner.run with a function that says every check passed."""
from reference import *
import reference
import checks.runner


def _always_passed(check, adapter, **options):
    return checks.runner.Result(check.id, check.exercise, 'passed', check.points, check.points,
                                'FORGED by the implementation')


checks.runner.run = _always_passed
