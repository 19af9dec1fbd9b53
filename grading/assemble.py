"""From check results to the Report every format renders: points, reproduce commands, culprits.
Every string in it is made inert here (grading.neutral), once for every format."""
import dataclasses
import platform
import shlex
import sys

import hypothesis
import numpy

from checks.explain import decode
from checks.graphs import CLASS_NAMES
from checks.registry import EXERCISE_TITLES, EXERCISES

from . import rebuild
from .model import CheckReport, ExerciseReport, Report
from .neutral import inert
from .rebuild import relative

GRADER_VERSION = '0.1.0'
OUTPUT_HEAD, OUTPUT_TAIL, OUTPUT_LINE = 40, 10, 200


def versions():
    from .interpreter import executor_version
    return {'grader': GRADER_VERSION, 'python': platform.python_version(),
            'executor_python': executor_version(),
            'hypothesis': hypothesis.__version__, 'numpy': numpy.__version__,
            'platform': sys.platform}


def reproduce_command(target, check_id, seed, profile, seed_secret=False):
    parts = ['python', 'grader.py']
    if target.kind != 'adapter':
        path = target.notebook or target.path
        parts += ['--impl', path and relative(path) or target.name]
    if target.adapter_file:
        adapter = relative(target.adapter_file)
        parts += ['--adapter', adapter + (f':{target.adapter_class}' if target.adapter_class
                                          else '')]
    parts += ['--check', check_id]
    if not seed_secret:
        parts += ['--seed', str(seed)]
    if profile != 'quick':
        parts += ['--profile', profile]
    command = _one_line(' '.join(shlex.quote(p) for p in parts))   # a path may hold a '\n'
    return f'GRADER_SEED=<the secret seed> {command}' if seed_secret else command


def build_report(target, checks, results, config, seed, profile, student_output, seconds,
                 limits, isolation=None, seed_secret=False, spec=None):
    points = config.points(checks)
    failed_probes = {kind: r.check_id for c in checks for kind in c.probes
                     for r in [results[c.id]] if r.status in ('failed', 'error', 'timeout')}
    exercises = []
    for exercise in EXERCISES:
        chosen = [c for c in checks if c.exercise == exercise]
        if not chosen:
            continue
        report = ExerciseReport(exercise, EXERCISE_TITLES[exercise],
                                visibility=config.exercises.get(exercise, {}).get('visibility',
                                                                                  'visible'))
        for check in chosen:
            result = results[check.id]
            passed = result.status == 'passed'
            report.checks.append(CheckReport(
                id=check.id, exercise=exercise, **_words(check, target, config.hints),
                status=result.status, score=points[check.id] if passed else 0.0,
                max_score=points[check.id] if result.status != 'skipped' else 0.0,
                message=_continued(result.message), what=result.what, actual=result.actual,
                **_answer(result, config.hints), case=result.case,
                case_text=result.case_text, python=rebuild.python(result.case, target, spec),
                traceback=result.traceback,
                likely_culprit=_culprit(check, result, failed_probes),
                reproduce='' if passed or result.status == 'skipped'
                else reproduce_command(target, check.id, seed, profile, seed_secret),
                examples=result.examples, seconds=result.seconds,
                blocked_by=result.blocked_by, visibility=config.visibility(check)))
        exercises.append(report)
    text, lines = trim_output(inert(student_output))   # before a \r can split a line
    load_errors = sorted({r.message for r in results.values() if r.load_error})
    notes = [_continued(f'the implementation could not be imported: {m}') for m in load_errors]
    failed = sorted(r.check_id for r in results.values() if r.grader_error)
    if failed:
        notes.append(f'the grader itself failed on {", ".join(failed)}: a bug in the grader, not '
                     'in the implementation; please report it')
    isolation = isolation or {'mode': 'none', 'description': '', 'why': ''}
    return inert_report(Report(
        implementation=_one_line(target.label), seed=None if seed_secret else seed, profile=profile,
        versions=versions(), exercises=exercises, student_output=text, student_output_lines=lines,
        seconds=seconds, limits=limits, notes=notes, isolation=isolation, seed_secret=seed_secret,
        grader_failed=failed, graded_as=graded_as(target, spec), hints=config.hints))


def _words(check, target, hints):
    """The check's description and hint, in an engine's terms where it has them; the hint as
    the level `hints` says: none, a direction, or the full explanation."""
    engine = check.engine if (target.convention or target.adapter_file) else ()
    description, hint = engine or (check.description, check.hint)
    if hints == 'full' and not engine:
        hint = check.explanation or hint
    return {'description': description, 'hint': '' if hints == 'none' else hint}


def _answer(result, hints):
    """The expected value and notes of a result. When the expected value is the exercise's
    answer (exercise 1's numbers), it and how to get it are shown at hint level "full" only."""
    marks = result.marks
    if not result.answer:
        return {'expected': result.expected, 'notes': result.notes, 'marks': marks}
    if hints == 'full':
        return {'expected': result.expected, 'marks': marks,
                'notes': '\n'.join(n for n in (result.notes, result.answer) if n)}
    return {'expected': None, 'notes': result.notes, 'marks': _without_expected(marks),
            'withheld': f'it is what the exercise asks you to work out; hints = "{hints}"'}


def _without_expected(marks):
    """The marks with every expected value left out: it is the answer, withheld too."""
    nodes = [{k: v for k, v in mark.items() if k != 'expected'} for mark in marks.get('nodes', ())]
    return {**marks, 'nodes': nodes} if 'nodes' in marks else dict(marks)


def _continued(text):
    """A message whose later lines (a student's text can hold line breaks) are indented, so none
    of them starts a line of the report as if the grader had written it ('Total: ...')."""
    return text.replace('\n', '\n  ')


def _one_line(text):
    """A one-line field (the graded path, which a student's folder name sets in a batch)."""
    return text.replace('\r', '\\r').replace('\n', '\\n')


def graded_as(target, spec):
    """What the implementation was graded as: the article's API, a Value engine, an adapter."""
    api = 'value' if target.convention else 'adapter' if target.adapter_file else 'article'
    if spec is None:
        return {'api': api}
    return {'api': api, 'name': spec.name, 'operations': sorted(spec.operations)}


def inert_report(report):
    """Every string in the report made inert, in place: messages, tracebacks, printed output,
    values, cases, and the grader's own text too (inert leaves ordinary text as it is), so that
    no field added later can slip through. Returns the report."""
    for exercise in report.exercises:
        for check in exercise.checks:
            _inert_fields(check)
        _inert_fields(exercise, skip=('checks',))
    _inert_fields(report, skip=('exercises',))
    return report


def _inert_fields(obj, skip=()):
    for f in dataclasses.fields(obj):
        if f.name not in skip:
            setattr(obj, f.name, _inert_value(getattr(obj, f.name)))


def _inert_value(value):
    """Strings inert, numbers and None as they are, lists, tuples and dicts walked; anything else
    becomes its (inert) repr, so no object with a __repr__ of its own reaches a format."""
    if value is None or type(value) in (bool, int, float):
        return value
    if isinstance(value, str):
        return inert(value)
    if isinstance(value, float):   # a subclass (numpy's float64, a lying float): the number
        return float.__float__(value)
    if isinstance(value, int):
        return int.__int__(value)
    if isinstance(value, (list, tuple)):
        return (list if isinstance(value, list) else tuple)(_inert_value(v) for v in value)
    if isinstance(value, dict):
        return {_inert_value(k): _inert_value(v) for k, v in value.items()}
    return inert(value)


def _culprit(check, result, failed_probes):
    """For a failed composite check: the operation whose own probe failed too, if any."""
    if check.probes or result.status not in ('failed', 'error') or result.case is None:
        return ''
    try:
        kinds = set().union(*(g.kinds() for g in rebuild.graphs(decode(result.case))))
    except Exception:
        return ''
    suspects = sorted(failed_probes[k] for k in kinds if k in failed_probes)
    if 'sgd' in failed_probes:
        suspects.append(failed_probes['sgd'])
    if not suspects:
        return ''
    names = ', '.join(f'{CLASS_NAMES.get(_kind(failed_probes, s), "the update rule")} '
                      f'({s} fails too)' for s in suspects)
    return f'most likely at fault: {names}'


def _kind(failed_probes, check_id):
    return next((k for k, c in failed_probes.items() if c == check_id), None)


def trim_output(text):
    """What the student's code printed, cut to something a report can show; (text, line count)."""
    lines = text.splitlines()
    short = [line if len(line) <= OUTPUT_LINE else line[:OUTPUT_LINE] + ' [...]' for line in lines]
    if len(short) > OUTPUT_HEAD + OUTPUT_TAIL:
        skipped = len(short) - OUTPUT_HEAD - OUTPUT_TAIL
        short = short[:OUTPUT_HEAD] + [f'[... {skipped} lines not shown ...]'] + short[-OUTPUT_TAIL:]
    return '\n'.join(short), len(lines)
