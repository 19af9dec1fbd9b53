"""--format github: what GitHub Classroom's grading reporter reads, plus workflow annotations.

The reporter reads a step output named `result`: base64 of JSON {version, status, max_score,
tests: [{name, status, score, message, ...}]}. Annotations (::error ...) are printed by the grader
only; the student's output is shown after ::stop-commands:: with a one-time token, so nothing it
prints can be taken for a command (a forged ::notice, a fake score). Inside that fence every line
also goes through no_workflow_commands, a second layer should the fence ever fail.

The annotations sit outside the fence and carry check messages, which quote student code: their
text is inert (the newline is the only line break left) and %-escaped as the runner unescapes
it, so a message stays on its annotation's line and cannot start a command of its own.
"""
import base64
import json
import secrets

from ..neutral import inert, no_workflow_commands
from .text import render as render_text


# The reporter gets the result through an environment variable (GRADER_RESULTS), and Linux
# refuses any one variable longer than MAX_ARG_STRLEN, 128 KiB with its name ("Argument list too
# long": no points at all). Half of that leaves room to spare, and is far under the 1 MB a step
# output may hold.
RESULT_LIMIT = 64 * 1024
# What a test's message and test_code are cut to, longest first, until the result fits.
TEXT_LIMITS = (2000, 1000, 500, 200, 80, 0)
NAME_LIMIT = 200


def classroom_result(report):
    """The base64 `result` output: every check a test with its exact score (scaled points are
    multiples of 1/64, grading.config, so they add up exactly), its texts cut until the whole
    fits in RESULT_LIMIT (the full texts are in the log)."""
    for limit in TEXT_LIMITS:
        encoded = _encode(_result(report, limit))
        if len(encoded) <= RESULT_LIMIT:
            return encoded
    return encoded   # only thousands of checks get here; still every test and its score


def _result(report, text_limit):
    tests = [{
        'name': _cut(f'{check.id}: {check.description}', NAME_LIMIT),
        'status': 'pass' if check.status in ('passed', 'skipped') else
                  'error' if check.status in ('error', 'timeout') else 'fail',
        'score': check.score,
        'message': _cut(check.message, text_limit),
        'test_code': _cut(check.reproduce, text_limit),
        'filename': '',
        'line_no': 0,
        'duration': round(check.seconds * 1000),
    } for exercise in report.exercises for check in exercise.checks]
    return {'version': 1, 'status': 'pass' if report.passed else 'fail',
            'max_score': report.max_score, 'tests': tests}


def _encode(result):
    return base64.b64encode(json.dumps(result).encode()).decode()


def _cut(text, limit):
    """`text`, or its start and how much was left out."""
    if len(text) <= limit:
        return text
    return f'{text[:limit]}... ({len(text) - limit} more characters: the full text is in the log)'


def render(report):
    """The log text: annotations, then the text report with student output fenced off."""
    token = secrets.token_hex(16)
    lines = []
    for exercise in report.exercises:
        for check in exercise.checks:
            if check.status in ('failed', 'error', 'timeout'):
                lines.append(f'::error title={_escape_property(check.id)}::'
                             f'{_escape_data(check.message)}')
    lines.append(f'::notice title=Score::{report.score:g}/{report.max_score:g}')
    lines.append(f'::stop-commands::{token}')
    lines.append(no_workflow_commands(render_text(report, colour=False).rstrip('\n')))
    lines.append(f'::{token}::')
    return '\n'.join(lines) + '\n'


def _escape_data(text):
    """Annotation text on one line: inert leaves the newline as the only line break, and it is
    %-escaped here (a carriage return too, in case) as the runner unescapes data."""
    return inert(text).replace('%', '%25').replace('\r', '%0D').replace('\n', '%0A')


def _escape_property(text):
    """A property value (title=...): also no ':' to end the command part, no ',' to add one."""
    return _escape_data(text).replace(':', '%3A').replace(',', '%2C')
