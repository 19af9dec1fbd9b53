"""--format html: one offline file; nothing a student's code wrote becomes markup; the smallest
failing graph drawn with the differing nodes marked, a sequence as a timeline; and the file, from
a real grading, opened in a real headless browser."""
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from checks.registry import all_checks
from checks.runner import Result
from grading.assemble import build_report
from grading.config import Config
from grading.formats import html
from grading.in_notebook import Grade
from grading.loader import Target
from grading.model import CheckReport, ExerciseReport, Report

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = ('<script>alert(1)</script>', '</pre><b>bold</b>', '"><img src=x onerror=alert(2)>',
           "'><svg onload=alert(3)>", '</textarea></title></style><iframe src=javascript:1>',
           '&lt;already escaped&gt;')
SAFE_TAGS = {'html', 'head', 'meta', 'title', 'style', 'body', 'div', 'h1', 'h3', 'p', 'span',
             'b', 'section', 'details', 'summary', 'table', 'tr', 'th', 'td', 'pre', 'figure',
             'figcaption', 'svg', 'line', 'g', 'rect', 'text', 'ol', 'li'}
DAG_CASE = {'graph': [{'kind': 'param', 'value': 0.5, 'lr': 0.1},
                      {'kind': 'input', 'value': 2.0},
                      {'kind': 'mul', 'operands': [0, 1]},
                      {'kind': 'add', 'operands': [2, 2, 0]}]}   # n2 used twice, p0 by two


class Tags(HTMLParser):
    """Every element and attribute a browser would build from the page."""

    def __init__(self, page):
        super().__init__()
        self.tags, self.attributes = [], []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [name for name, _ in attrs]


def failing(name='core.gradients', **fields):
    values = dict(message='d root / d p0', what='d root / d p0', expected=1.0, actual=2.0,
                  hint='look at grad()', reproduce=f'python grader.py --check {name}')
    values.update(fields)
    return CheckReport(name, name.split('.')[0], values.pop('description', 'gradients hold'),
                       values.pop('hint'), 'failed', 0.0, 2.0, **values)


def report(*checks, passed=(), output='', hints='direction'):
    exercises = [ExerciseReport('core', 'The core', [*passed])] if passed else []
    exercises.append(ExerciseReport('ex7', 'Shared nodes', list(checks)))
    return Report('impl', 7, 'quick', {'grader': '1'}, exercises, student_output=output,
                  student_output_lines=len(output.splitlines()), hints=hints)


def test_nothing_from_student_code_becomes_markup():
    payload = ' '.join(HOSTILE)
    mark = {'graph': 0, 'node': 0, 'label': payload, 'what': payload, 'expected': payload,
            'actual': payload}
    check = failing(payload, message=payload, what=payload, expected=payload, actual=[payload],
                    notes=payload, case=DAG_CASE, case_text=payload, python=payload,
                    traceback=payload, hint=payload, likely_culprit=payload, reproduce=payload,
                    description=payload,
                    marks={'nodes': [mark], 'steps': [payload, payload], 'failed_step': 2})
    hostile = report(check, output=payload)
    hostile.implementation, hostile.notes = payload, [payload]
    page = html.render(hostile)
    parsed = Tags(page)
    assert set(parsed.tags) <= SAFE_TAGS, set(parsed.tags) - SAFE_TAGS
    assert not [a for a in parsed.attributes if a.startswith('on') or a in ('src', 'href')]
    assert page.count('<pre') == page.count('</pre>')   # no text closed a block early
    assert '&lt;script&gt;alert(1)&lt;/script&gt;' in page
    assert '&amp;lt;already escaped&amp;gt;' in page     # escaped once more, shown as written


def test_one_file_with_no_external_resource_and_no_script():
    page = html.render(report(failing(case=DAG_CASE)))
    assert page.startswith('<!DOCTYPE html>') and '<meta charset="utf-8">' in page
    without_svg_namespace = page.replace('xmlns="http://www.w3.org/2000/svg"', '')
    for needle in ('http:', 'https:', '//cdn', 'url(', '@import', '<script', '<link', 'src='):
        assert needle not in without_svg_namespace, needle


def test_the_failing_graph_is_drawn_once_per_node_with_the_differing_one_marked():
    mark = {'graph': 0, 'node': 0, 'label': 'p0', 'what': 'd root / d p0', 'expected': 1.0,
            'actual': 2.0}
    page = html.render(report(failing(case=DAG_CASE, marks={'nodes': [mark]})))
    for label in ('p0', 'in0', 'n2', 'n3'):
        assert page.count(f'data-node="{label}"') == 1, label   # a shared node drawn once
    assert page.count('<line class="edge"') == 5                 # an edge per operand
    assert '<g class="node marked" data-node="p0">' in page
    assert '✗ differs: d root / d p0' in page and 'actual   2.0' in page   # words, not colour


def test_the_steps_of_a_sequence_are_a_timeline_with_the_failing_step_marked():
    steps = ['root.forward() -> 0.75', 'p1.value = 1.0', 'root.forward() -> 2.0']
    page = html.render(report(failing(marks={'steps': steps, 'failed_step': 3})))
    timeline = page.split('<ol class="timeline">')[1].split('</ol>')[0]
    assert timeline.count('<li') == 3
    assert '<li class="failed"><b>✗ fails here:</b> root.forward() -&gt; 2.0</li>' in timeline


def test_a_withheld_answer_is_not_shown_nor_drawn():
    """Through build_report, as a real ex1 failure: the mark's expected value is the answer."""
    check = next(c for c in all_checks() if c.id == 'ex1.by_hand')
    mark = {'graph': 0, 'node': 0, 'label': 'p0', 'what': 'the weight', 'expected': 0.9237,
            'actual': 0.5}
    result = Result(check.id, 'ex1', 'failed', 0, 2, message='the weight', what='the weight',
                    expected=0.9237, actual=0.5, answer='0.9237 = 1.3 - 0.5 * 0.7526',
                    case=DAG_CASE, marks={'nodes': [mark]})
    built = build_report(Target('package', 'exercises', 'exercises'), [check],
                         {check.id: result}, Config(), 7, 'quick', '', 1.0, {})
    page = html.render(built)
    assert '0.9237' not in page
    assert 'withheld: it is what the exercise asks you to work out' in page
    assert '<g class="node marked" data-node="p0">' in page and 'actual   0.5' in page


def test_the_hint_follows_the_level_and_an_empty_one_is_left_out():
    assert '<b>hint:</b> look at grad()' in html.render(report(failing()))
    assert 'hint:' not in html.render(report(failing(hint=''), hints='none'))
    assert 'hints: none' in html.render(report(failing(hint=''), hints='none'))


def test_a_full_pass_is_collapsed_and_a_failure_is_open():
    passed = CheckReport('core.add', 'core', 'adds', '', 'passed', 1.0, 1.0)
    page = html.render(report(failing(), passed=[passed]))
    core = page.split('id="core"')[1].split('</section>')[0]
    ex7 = page.split('id="ex7"')[1].split('</section>')[0]
    assert core.startswith('><details>') and 'passed · 1/1' in core
    assert ex7.startswith('><details open>')
    assert 'Total: 1/3' in page


def test_a_notebook_shows_the_grade_as_this_report_once():
    data = report(failing(case=DAG_CASE)).to_dict()
    assert '<svg' in Grade(data)._repr_html_() and 'Grade: 0/2' in Grade(data)._repr_html_()
    assert Grade(data, shown=True)._repr_html_() is None   # check_notebook showed it already


# --- a real grading, in a real browser -------------------------------------------------------

def browser():
    for found in ('/usr/bin/chromium', shutil.which('chromium'), shutil.which('chromium-browser')):
        if found and Path(found).exists():
            return found
    pytest.fail('this test opens the HTML report in a headless Chromium, and none is installed: '
                'run tools/install-test-browser (or: sudo apt-get install -y chromium)')


def chromium(page, scratch, *options):
    command = [browser(), '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
               '--no-first-run', '--disable-background-networking', '--disable-component-update',
               '--disable-sync', f'--user-data-dir={scratch}', *options, page.as_uri()]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180,
                          env={'HOME': str(scratch), 'PATH': '/usr/bin:/bin'})
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def wrong_multiply(folder):
    """The reference with one wrong gradient: Multiply's derivative for its second child."""
    shutil.copytree(ROOT / 'reference', folder)
    source = folder / 'operations.py'
    text = source.read_text()
    assert 'return [b.forward(), a.forward()]' in text
    source.write_text(text.replace('return [b.forward(), a.forward()]',
                                   'return [b.forward(), a.forward() + 1]'))
    return folder


def test_a_real_report_opens_in_a_headless_browser_with_the_graph_drawn(tmp_path):
    impl = wrong_multiply(tmp_path / 'wrong_multiply')
    page = tmp_path / 'report.html'
    graded = subprocess.run([sys.executable, 'grader.py', '--impl', str(impl), '--check',
                             'core.gradients', '--format', 'html', '--output', str(page)],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert graded.returncode == 1, graded.stderr[-3000:]
    scratch = tmp_path / 'browser'
    scratch.mkdir()
    dom = chromium(page, scratch, '--dump-dom')
    assert '<svg' in dom and 'class="graph"' in dom
    for label in ('p0', 'p1', 'n2'):
        assert f'data-node="{label}"' in dom, label
    marked = dom.split('<g class="node marked" data-node="')[1].split('"')[0]
    assert f'd root / d {marked}' in dom and '✗ differs' in dom
    assert '<details open="">' in dom or '<details open>' in dom
    shot = scratch / 'shot.png'
    chromium(page, scratch, f'--screenshot={shot}', '--window-size=1200,2000')
    picture = shot.read_bytes()
    assert picture[:8] == b'\x89PNG\r\n\x1a\n' and len(picture) > 20_000   # not a blank page
