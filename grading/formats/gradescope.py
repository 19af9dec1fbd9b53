"""--format gradescope: the results.json a Gradescope autograder must write.

Fields from Gradescope's "Autograder Specifications": top-level score, execution_time (seconds),
output, visibility, stdout_visibility, tests; each test name, number, score, max_score, status
(passed/failed), output, output_format, tags, visibility. The specification gives a test no time
of its own.

Students always see the top-level output, so it lists only the scores of exercises whose every
check is visible: the score of one hidden, or shown only after the due date or publication, would
tell what its tests keep back.
"""
import json

from .text import _failure, limits_raised, seed_text


def render(report):
    tests = []
    for exercise in report.exercises:
        for n, check in enumerate(exercise.checks, 1):
            passed = check.status in ('passed', 'skipped')
            output = ('skipped: ' + check.message if check.status == 'skipped'
                      else '' if passed else f'[{check.status.replace("_", " ")}]\n'
                      + _failure(check))
            tests.append({
                'name': f'{check.id}: {check.description}',
                'number': f'{exercise.id}.{n}',
                'score': round(check.score, 4),
                'max_score': round(check.max_score, 4),
                'status': 'passed' if passed else 'failed',
                'output': output,
                'output_format': 'text',
                'tags': [exercise.id],
                'visibility': check.visibility,
            })
    summary = exercise_scores(report.exercises)
    summary.append(f'seed {seed_text(report)}, profile {report.profile}, grader '
                   f'{report.versions.get("grader")}, hypothesis '
                   f'{report.versions.get("hypothesis")}')
    summary.append(f'isolation: {report.isolation.get("description", "")}')
    if limits_raised(report):
        summary.append(f'limits raised at the adapter\'s request: {limits_raised(report)}')
    summary += report.notes
    results = {
        'score': round(report.score, 4),
        'execution_time': round(report.seconds),
        'output': '\n'.join(summary),
        'output_format': 'text',
        'visibility': 'visible',
        'stdout_visibility': 'hidden',   # student prints stay out of the results page
        'tests': tests,
    }
    return json.dumps(results, indent=2, allow_nan=False) + '\n'


def exercise_scores(exercises):
    """A line per exercise whose checks are all visible, and one naming the others."""
    lines = [f'{e.id}: {e.score:g}/{e.max_score:g}' + (' (not attempted)'
             if e.status == 'not_attempted' else '') for e in exercises if e.score_shown]
    held_back = [e.id for e in exercises if not e.score_shown]
    if held_back:
        lines.append(f'not shown here: {", ".join(held_back)} (their results come with their '
                     'tests, when your instructor releases them)')
    return lines
