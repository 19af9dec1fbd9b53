"""--format html: one self-contained HTML5 file a student would rather look at.

Inline CSS, no script, no external resource (no CDN, font or image URL): it opens offline, from a
mail attachment or a notebook's output. The same content as the text report (text._failure is
the reference), plus the smallest failing graph drawn as a tree with the differing nodes marked
(html_graph), and a sequence's steps as a timeline with the failing step marked.

Every string in a report may come from hostile student code: made inert of control characters
already (grading/neutral.py), but not of HTML, so everything shown goes through esc().
`fragment(report)` is the report as one <div> whose CSS applies inside it only: what a notebook
shows, where a page-wide style would restyle the notebook itself.
"""
import html

from . import html_graph
from .text import (MARKS, _not_attempted, _num, _skip_reasons, _value, graded_as, limits_raised,
                   seed_text)

CSS = """
.bpg { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328;
       max-width: 1100px; margin: 0 auto; padding: 0 12px; }
.bpg h1 { font-size: 1.4em; margin: .6em 0 .2em; }
.bpg .meta, .bpg .note { color: #57606a; }
.bpg .warn { color: #cf222e; }
.bpg .total { font-size: 1.2em; font-weight: 600; }
.bpg section.exercise { border: 1px solid #d0d7de; border-radius: 6px; margin: .8em 0; }
.bpg section.exercise > details > summary { padding: .5em .8em; cursor: pointer;
       font-weight: 600; background: #f6f8fa; }
.bpg .passed > details > summary { border-left: 6px solid #1a7f37; }
.bpg .failed > details > summary { border-left: 6px solid #cf222e; }
.bpg .not_attempted > details > summary { border-left: 6px solid #8c959f; }
.bpg .score { float: right; }
.bpg .check { padding: .3em .8em; border-top: 1px solid #eaeef2; }
.bpg .check .id { font-family: ui-monospace, monospace; font-weight: 600; }
.bpg .status-passed .mark { color: #1a7f37; }
.bpg .status-failed .mark, .bpg .status-error .mark, .bpg .status-timeout .mark {
       color: #cf222e; }
.bpg pre { background: #f6f8fa; padding: .5em .7em; border-radius: 4px; overflow-x: auto;
       white-space: pre-wrap; word-break: break-word; font: 12px/1.4 ui-monospace, monospace; }
.bpg .label { font-weight: 600; margin: .6em 0 .1em; }
.bpg table.compare { border-collapse: collapse; margin: .3em 0; }
.bpg table.compare th, .bpg table.compare td { border: 1px solid #d0d7de; padding: .2em .6em;
       vertical-align: top; text-align: left; font-family: ui-monospace, monospace; }
.bpg .withheld { font-style: italic; color: #57606a; }
.bpg figure.drawing { margin: .5em 0; overflow-x: auto; }
.bpg figcaption { font-family: ui-monospace, monospace; color: #57606a; }
.bpg svg.graph text { font: 12px ui-monospace, monospace; white-space: pre; fill: #1f2328; }
.bpg svg.graph text.head { font-weight: 700; }
.bpg svg.graph .edge { stroke: #57606a; stroke-width: 1.5; }
.bpg svg.graph .node rect { fill: #ffffff; stroke: #57606a; stroke-width: 1.2; }
.bpg svg.graph .leaf rect { fill: #ddf4ff; }
.bpg svg.graph .marked rect { fill: #ffebe9; stroke: #cf222e; stroke-width: 3;
       stroke-dasharray: 6 3; }
.bpg svg.graph .marked text { fill: #a40e26; }
.bpg ol.timeline { list-style: none; counter-reset: step; padding-left: 0; margin: .3em 0;
       border-left: 3px solid #d0d7de; }
.bpg ol.timeline li { counter-increment: step; position: relative; margin: 0 0 .35em 0;
       padding: .15em .6em .15em 2.6em; font: 12px/1.4 ui-monospace, monospace; }
.bpg ol.timeline li::before { content: counter(step); position: absolute; left: .5em;
       width: 1.6em; text-align: center; border-radius: 50%; background: #d0d7de; }
.bpg ol.timeline li.failed { background: #ffebe9; border-left: 4px solid #cf222e;
       margin-left: -3px; }
.bpg ol.timeline li.failed::before { background: #cf222e; color: #fff; }
.bpg .output { border-left: 4px solid #8c959f; }
"""


def esc(value):
    """Any value as HTML text: nothing in it becomes markup."""
    return html.escape(value if isinstance(value, str) else str(value), quote=True)


def render(report):
    """The report as one HTML5 document."""
    title = f'Grading {report.implementation}: {_num(report.score)}/{_num(report.max_score)}'
    return ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<title>{esc(title)}</title>\n</head>\n<body>\n{fragment(report)}\n</body>\n'
            '</html>\n')


def fragment(report):
    """The report as one <div class="bpg">, its style scoped to it (for notebooks too)."""
    parts = [f'<div class="bpg">\n<style>{CSS}</style>', _header(report)]
    not_graded = []
    for exercise in report.exercises:
        if exercise.checks and all(c.status == 'skipped' for c in exercise.checks):
            not_graded.append(exercise)
        else:
            parts.append(_exercise(exercise))
    if not_graded:
        reasons = _skip_reasons([c for e in not_graded for c in e.checks])
        parts.append(f'<p class="note">Not graded: {esc(", ".join(e.id for e in not_graded))}, '
                     f'every check skipped: {esc(reasons)}</p>')
    parts.append(_student_output(report))
    parts.append(f'<p class="total">Total: {_num(report.score)}/{_num(report.max_score)}</p>')
    parts.append('</div>')
    return '\n'.join(p for p in parts if p)


def _header(report):
    lines = [f'<h1>Grading {esc(report.implementation)}</h1>',
             f'<p class="meta">seed {esc(seed_text(report))} · profile {esc(report.profile)} · '
             f'hints: {esc(report.hints)} · <span class="total">score '
             f'{_num(report.score)}/{_num(report.max_score)}</span></p>']
    if report.isolation.get('mode') == 'none':
        lines.append('<p class="note">Isolation: none. Your code ran as you, beside the grader: '
                     'this is feedback, not a protected grade.</p>')
    for extra in (graded_as(report), limits_raised(report) and
                  f'Limits raised at the adapter\'s request: {limits_raised(report)}'):
        if extra:
            lines.append(f'<p class="note">{esc(extra)}</p>')
    lines += [f'<p class="warn">! {esc(note)}</p>' for note in report.notes]
    return '\n'.join(lines)


def _exercise(exercise):
    """A section; an exercise that passed in full is collapsed, one that did not is open."""
    status = exercise.status
    score = f'{_num(exercise.score)}/{_num(exercise.max_score)}'
    label = {'passed': 'passed', 'failed': 'failed', 'not_attempted': 'not attempted'}[status]
    summary = (f'<summary>{esc(exercise.id)} · {esc(exercise.title)} <span class="score">'
               f'{label} · {score}</span></summary>')
    body = []
    if status == 'not_attempted':
        body += [f'<p class="note check">{esc(line)}</p>' for line in _not_attempted(exercise)]
    else:
        body += [_check(c) for c in exercise.checks if c.status != 'skipped']
        skipped = [c for c in exercise.checks if c.status == 'skipped']
        if skipped:
            body.append(f'<p class="note check">- {len(skipped)} skipped: '
                        f'{esc(_skip_reasons(skipped))}</p>')
    opened = '' if status in ('passed', 'not_attempted') else ' open'
    return (f'<section class="exercise {status}" id="{esc(exercise.id)}"><details{opened}>'
            f'{summary}\n' + '\n'.join(body) + '\n</details></section>')


def _check(check):
    mark = MARKS.get(check.status, ('✗', 'red'))[0]
    head = (f'<div class="line"><span class="mark" aria-hidden="true">{esc(mark)}</span> '
            f'<span class="id">{esc(check.id)}</span> <span class="state">'
            f'[{esc(check.status.replace("_", " "))}]</span> {esc(check.description)}</div>')
    body = '' if check.status == 'passed' else _failure(check)
    return (f'<div class="check status-{esc(check.status)}" id="check-{esc(check.id)}">'
            f'{head}{body}</div>')


def _failure(check):
    """What went wrong, as text._failure shows it, with the drawing and the timeline added."""
    if check.status == 'not_attempted':
        return f'<p>{esc(check.message)}</p>'
    parts = []
    if check.what and (check.expected is not None or check.actual is not None):
        parts.append(_comparison(check))
    else:
        parts.append(f'<p class="message">{esc(check.message)}</p>')
    if check.notes:
        parts.append(_block('notes', check.notes))
    drawings = html_graph.drawings(check)
    if drawings:
        parts.append(f'<p class="label">the smallest failing graph</p>{drawings}')
    parts.append(_timeline(check.marks or {}))
    for heading, text in (('smallest failing case', check.case_text),
                          ('rebuild it yourself', check.python),
                          ('your code raised', check.traceback)):
        if text:
            parts.append(_block(heading, text))
    if check.likely_culprit:
        parts.append(f'<p>{esc(check.likely_culprit)}</p>')
    if check.hint:
        parts.append(f'<p class="hint"><b>hint:</b> {esc(check.hint)}</p>')
    if check.reproduce:
        parts.append(_block('reproduce', check.reproduce))
    return '\n'.join(p for p in parts if p)


def _comparison(check):
    """What was compared, expected and actual side by side; the expected value withheld when
    it is the exercise's answer."""
    if check.withheld:
        expected = f'<td class="withheld">withheld: {esc(check.withheld)}</td>'
    else:
        expected = f'<td>{esc(_value(check.expected))}</td>'
    return (f'<p class="message">{esc(check.what)}</p><table class="compare"><tr>'
            f'<th>expected</th><th>actual</th></tr><tr>{expected}'
            f'<td>{esc(_value(check.actual))}</td></tr></table>')


def _timeline(marks):
    """A sequence's steps in order, the failing one marked in words and colour; '' if none."""
    steps = marks.get('steps')
    if not isinstance(steps, list) or not steps:
        return ''
    failed = marks.get('failed_step')
    items = []
    for n, step in enumerate(steps, 1):
        if n == failed:
            items.append(f'<li class="failed"><b>✗ fails here:</b> {esc(step)}</li>')
        else:
            items.append(f'<li>{esc(step)}</li>')
    return ('<p class="label">the steps, in order</p><ol class="timeline">'
            + ''.join(items) + '</ol>')


def _block(heading, text):
    return f'<p class="label">{esc(heading)}</p><pre>{esc(text)}</pre>'


def _student_output(report):
    if not report.student_output:
        return ''
    lines = report.student_output_lines
    return (f'<p class="label">Your code printed ({lines} line{"s" * (lines != 1)}; shown as '
            f'printed, not interpreted):</p><pre class="output">'
            f'{esc(report.student_output)}</pre>')
