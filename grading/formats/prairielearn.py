"""--format prairielearn: the results.json of PrairieLearn's external grading.

PrairieLearn reads `score` (0 to 1), `gradable` (false: "invalid, not gradable", no attempt
used), `format_errors`, `message`, `output`, and `tests` (name, description, points, max_points,
message, output) for its <pl-external-grader-results> element; the whole file must stay under
1 MB. An implementation that cannot be imported is not gradable (a syntax error costs the
student no attempt). A check of an exercise whose visibility is not `visible` shows its points
but not its failure (PrairieLearn shows every test it is given).
"""
import json

from .text import _failure, seed_text

IMPORT_FAILED = 'the implementation could not be imported'
LIMIT = 1_000_000           # PrairieLearn's limit on results.json, in bytes
TEST_OUTPUT = 8_000         # characters of one test's output (a failure report is ~2 KB)


def render(report):
    results = _results(report, TEST_OUTPUT)
    text = json.dumps(results, indent=1, allow_nan=False)
    if len(text.encode()) > LIMIT:   # hundreds of checks, each failing at length
        text = json.dumps(_results(report, 200), indent=1, allow_nan=False)
    return text + '\n'


def _results(report, room):
    errors = [note for note in report.notes if note.startswith(IMPORT_FAILED)]
    if errors:
        return {'gradable': False, 'format_errors': [_cut(e, room) for e in errors],
                'message': 'Your code could not be imported: nothing was graded.'}
    score = report.score / report.max_score if report.max_score else 0.0
    return {
        'gradable': True,
        'score': round(min(1.0, max(0.0, score)), 6),
        'message': f'{report.score:g}/{report.max_score:g} points',
        'output': _cut(_summary(report), room),
        'tests': [_test(exercise, check, room)
                  for exercise in report.exercises for check in exercise.checks],
    }


def _test(exercise, check, room):
    shown = check.visibility == 'visible'
    if check.status in ('passed', 'skipped') or not shown:
        output = 'skipped: ' + check.message if check.status == 'skipped' and shown else ''
    else:
        output = f'[{check.status.replace("_", " ")}]\n' + _failure(check)
    return {'name': check.id, 'description': check.description,
            'points': round(check.score, 4), 'max_points': round(check.max_score, 4),
            'message': _cut(check.message, 300) if shown else '',
            'output': _cut(output, room)}


def _summary(report):
    lines = [f'{e.id}: {e.score:g}/{e.max_score:g}' for e in report.exercises if e.score_shown]
    lines.append(f'seed {seed_text(report)}, profile {report.profile}, grader '
                 f'{report.versions.get("grader")}')
    return '\n'.join(lines + report.notes)


def _cut(text, room):
    return text if len(text) <= room else text[:room - 40] + f'\n[... {len(text) - room + 40} ' \
        'characters cut]'
