"""The terminal report: one section per exercise, failures with their smallest case, a total."""
import os
import re

MARKS = {'passed': ('✓', 'green'), 'failed': ('✗', 'red'), 'error': ('✗', 'red'),
         'timeout': ('⏱', 'red'), 'not_attempted': ('·', 'dim'), 'skipped': ('-', 'dim')}
COLOURS = {'green': '32', 'red': '31', 'yellow': '33', 'dim': '2', 'bold': '1'}


def use_colour(stream):
    return (not os.environ.get('NO_COLOR') and hasattr(stream, 'isatty') and stream.isatty()
            and os.environ.get('TERM') != 'dumb')


def render(report, colour=False, verbose=False):
    """The report; an exercise whose checks all pass takes one line unless `verbose`."""
    def paint(text, name):
        return f'\033[{COLOURS[name]}m{text}\033[0m' if colour else text

    out = [paint(f'Grading {report.implementation}', 'bold')
           + f'  (seed {seed_text(report)}, profile {report.profile}, hints: {report.hints})',
           '']
    if report.isolation.get('mode') == 'none':
        out += [paint('Isolation: none. Your code ran as you, beside the grader: this is feedback, '
                      'not a protected grade.', 'dim'), '']
    engine = graded_as(report)
    if engine:
        out += [paint(engine, 'dim'), '']
    raised = limits_raised(report)
    if raised:
        out += [paint(f'Limits raised at the adapter\'s request: {raised}', 'dim'), '']
    for note in report.notes:
        out += [paint(f'! {note}', 'red'), '']
    not_graded = []  # exercises whose every check was skipped: one line at the end
    for exercise in report.exercises:
        score = f'{_num(exercise.score)}/{_num(exercise.max_score)}'
        skipped = [c for c in exercise.checks if c.status == 'skipped']
        if len(skipped) == len(exercise.checks):
            not_graded.append(exercise)
            continue
        if exercise.status == 'not_attempted':
            out.append(f'{exercise.id:5} {exercise.title:<52} '
                       + paint(f'not attempted  {score}', 'dim'))
            out += [paint(f'      {line}', 'dim') for line in _not_attempted(exercise)]
            continue
        colour_name = 'green' if exercise.status == 'passed' else 'red'
        out.append(paint(f'{exercise.id:5} {exercise.title:<52} {score:>14}', colour_name))
        if exercise.status == 'passed' and not verbose:
            continue   # a quiet pass: the score says it all (-v lists the checks)
        for check in exercise.checks:
            if check.status == 'skipped':
                continue
            mark, name = MARKS[check.status]
            line = f'  {paint(mark, name)} {check.id:<28} {check.description}'
            if check.status not in ('passed', 'failed'):
                line += paint(f'  [{check.status.replace("_", " ")}]', name)
            out.append(line)
            if check.status != 'passed':
                out += ['      ' + line for line in _failure(check).splitlines()]
        if skipped:
            out.append(paint(f'  - {len(skipped)} skipped: {_skip_reasons(skipped)}', 'dim'))
        out.append('')
    if not_graded:
        out += [paint(f'Not graded: {", ".join(e.id for e in not_graded)}, every check skipped: '
                      + _skip_reasons([c for e in not_graded for c in e.checks]), 'dim'), '']
    if out[-1]:
        out.append('')
    if report.student_output:
        lines = report.student_output_lines
        out.append(paint(f'Your code printed ({lines} line{"s" * (lines != 1)}; '
                         'shown as printed, not interpreted):', 'bold'))
        out += ['  │ ' + line for line in report.student_output.splitlines()]
        out.append('')
    total = f'Total: {_num(report.score)}/{_num(report.max_score)}'
    out.append(paint(total, 'green' if report.passed else 'bold'))
    return '\n'.join(out) + '\n'


def _not_attempted(exercise):
    """Why an exercise counts as not attempted: its checks' reasons, each once."""
    reasons = list(dict.fromkeys(c.message for c in exercise.checks
                                 if c.status == 'not_attempted' and c.message))
    blockers = sorted({c.blocked_by for c in exercise.checks if c.blocked_by})
    lines = reasons[:3] + ([f'... and {len(reasons) - 3} more'] if len(reasons) > 3 else [])
    if blockers:
        lines.append(f'(some of its checks need {", ".join(blockers)} first)')
    return lines


def graded_as(report):
    """'Graded as a Value engine (micrograd convention): add, mul, ...', or '' for the article."""
    engine = report.graded_as or {}
    if engine.get('api') in (None, 'article') or 'name' not in engine:
        return ''
    return f'Graded as {engine["name"]}, with the operations {", ".join(engine["operations"])}'


def _skip_reasons(skipped):
    """The skipped checks, one group per reason: 'core.x, core.y (reason); ...'."""
    reasons, unsupported = {}, {}
    for check in skipped:
        found = re.fullmatch(r'(.+) does not support (.+)', check.message or '')
        if found:  # one group for every operation the implementation lacks
            unsupported.setdefault(found.group(1), []).append((check.id, found.group(2)))
        else:
            reasons.setdefault(check.message or 'not applicable', []).append(check.id)
    for name, pairs in unsupported.items():
        lacking = ', '.join(sorted({op for _, ops in pairs for op in ops.split(', ')}))
        reasons[f'{name} does not support {lacking}'] = [i for i, _ in pairs]
    return '; '.join(f'{", ".join(ids) if len(ids) <= 3 else f"{len(ids)} checks"} ({reason})'
                     for reason, ids in reasons.items())


def limits_raised(report):
    """'memory_mb 4096, example_seconds 10': the limits the adapter raised, or ''."""
    set_by = report.limits.get('set_by') or {}
    return ', '.join(f'{key} {report.limits.get(key)}' for key, who in set_by.items()
                     if who == 'adapter')


def seed_text(report):
    return 'secret' if report.seed_secret else str(report.seed)


def _failure(check):
    lines = []
    if check.status == 'not_attempted':
        return check.message
    if check.what and (check.expected is not None or check.actual is not None):
        expected = f'(withheld: {check.withheld})' if check.withheld else _value(check.expected)
        lines += [f'{check.what}:', f'    expected: {expected}',
                  f'    actual:   {_value(check.actual)}']
    else:
        lines.append(check.message)
    if check.notes:
        lines += check.notes.splitlines()
    if check.case_text:
        lines.append('smallest failing case:')
        lines += ['    ' + line for line in check.case_text.splitlines()]
    if check.python:
        lines.append('rebuild it yourself:')
        lines += ['    ' + line for line in check.python.splitlines()]
    if check.traceback:
        lines.append('your code raised:')
        lines += ['    ' + line for line in check.traceback.splitlines()]
    if check.likely_culprit:
        lines.append(check.likely_culprit)
    if check.hint:
        lines.append(f'hint: {check.hint}')
    if check.reproduce:
        lines.append(f'reproduce: {check.reproduce}')
    return '\n'.join(lines)


def _value(value):
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= 300 else text[:297] + '...'


def _num(x):
    return f'{x:g}' if abs(x - round(x, 2)) < 1e-9 else f'{x:.2f}'


def early_failure(result, stream, colour=False):
    """One line for a check that did not pass, on the terminal as soon as it is known (the full
    report follows at the end). Its text comes from the student's run: made inert first."""
    from ..neutral import inert
    mark, name = MARKS.get(result.status, ('✗', 'red'))
    what = inert(str(result.what or result.message or result.status)).replace('\n', ' ')
    what = what if len(what) <= 160 else what[:157] + '...'
    line = f'{mark} {inert(result.check_id)}  {what}  (details in the report below)'
    if colour:
        line = f'\033[{COLOURS[name]}m{line}\033[0m'
    stream.write(f'\r\033[K{line}\n')
    stream.flush()


def progress(done, total, current, stream):
    """One line, rewritten in place, while checks run (only on a terminal)."""
    stream.write(f'\r\033[K[{done}/{total}] {current}')
    stream.flush()


def clear_progress(stream):
    stream.write('\r\033[K')
    stream.flush()
