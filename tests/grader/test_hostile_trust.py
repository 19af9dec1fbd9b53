"""Hostile submissions that go after the verdict itself, on the stubs (honest score: 2 of 6 on
STUB_CHECKS) or the reference: forged answers and messages, patches of the grader, the grader's
own exceptions, expected values and the seed looked for everywhere, text that tries to rewrite a
terminal or a CI log. Each outcome is asserted exactly: never above the honest score, the maximum
never lowered, the report the grader's own.
"""
import json
import re
import xml.etree.ElementTree as ET

import pytest

from hostile_runs import (STUB_CHECKS, assert_not_above_honest, assert_outcome, hostile,
                          hostile_lines, message, printed)

SECRET = '81724465019283746'   # a seed no one would guess: 17 digits
TRUST = ('core.add', 'core.multiply')

RUNS = {
    'forge_answers': hostile('forge_answers', *STUB_CHECKS, engine='stubs'),
    'patch_grader': hostile('patch_grader', *STUB_CHECKS, engine='stubs'),
    'patch_runner': hostile('patch_runner', *TRUST),
    'forge_pipe': hostile('forge_pipe', *STUB_CHECKS, engine='stubs'),
    'garble_pipe': hostile('garble_pipe', *STUB_CHECKS, engine='stubs'),
    'skip_me': hostile('skip_me', 'core.add', 'core.multiply', 'core.sigmoid', engine='stubs'),
    'seek_grader': hostile('seek_grader', *TRUST, env={'GRADER_SEED': SECRET},
                           params={'secret': SECRET}),
    'seek_grader_text': hostile('seek_grader', *TRUST, fmt='text', env={'GRADER_SEED': SECRET},
                                params={'secret': SECRET}),
    'forge_report': hostile('forge_report', 'core.add', 'ex1.by_hand',
                            params={'report': '{report}'}),
    'import_reference': hostile('import_reference', 'core.add', 'ex1.by_hand'),
    'ansi_message': hostile('ansi_message', *TRUST, fmt='text'),
    'ansi_message_junit': hostile('ansi_message', *TRUST, fmt='junit'),
    'fake_output': hostile('fake_output', *TRUST),
    'fake_output_github': hostile('fake_output', *TRUST, fmt='github', output=False,
                                  env={'GITHUB_OUTPUT': '{tmp}/github_output'}),
    'fake_output_gradescope': hostile('fake_output', *TRUST, fmt='gradescope'),
    'fake_output_junit': hostile('fake_output', *TRUST, fmt='junit'),
    'proc_write': hostile('proc_write', *TRUST, fmt='github', output=False),
    'fake_lines_at_import': hostile('fake_lines_at_import', *TRUST, fmt='text'),
    'fake_lines_at_import_gradescope': hostile('fake_lines_at_import', *TRUST,
                                               fmt='gradescope'),
}

FAKE_LINES = ('"output": "FORGED gradescope"', 'FORGED-junit', 'Total: 100/100',
              '::notice title=Score::100/100', '::error::FORGED error annotation',
              '::stop-commands::FORGEDTOKEN')


# --- forged answers and messages ------------------------------------------------------------------


@pytest.mark.runs('forge_answers')
def test_forged_answers_are_only_wrong_answers(grader):
    """Framed 'success' written into every pipe, then every answer rewritten to 1.0: the judge
    reads them as answers and judges them, so nothing passes that did not honestly."""
    checks = assert_not_above_honest(grader['forge_answers'])
    assert checks['core.add']['status'] != 'passed'  # its answers were forged: they are wrong


@pytest.mark.runs('forge_pipe', 'garble_pipe')
@pytest.mark.parametrize('name', ['forge_pipe', 'garble_pipe'])
def test_messages_forged_on_any_pipe_are_refused(grader, name):
    """Before the grader's first request, a greeting or result that is not one: the executor is
    refused, every check is an error (the report says why), nothing passes."""
    run = grader[name]
    checks = assert_not_above_honest(run, honest_score=0)
    assert {c['status'] for c in checks.values()} == {'error'}
    for check in checks.values():
        assert 'while importing the implementation' in check['message'] and \
            'expected greeting' in check['message'], check['message']


@pytest.mark.runs('patch_runner')
def test_the_students_process_cannot_even_import_the_checks(grader):
    """The executor's path holds the student's code and the executor's own package, not the
    checks: an implementation that reaches for checks.runner fails to import, on every check."""
    run = grader['patch_runner']
    checks = assert_outcome(run, 1, {'core.add': 'error', 'core.multiply': 'error'}, 0, 4)
    assert all("No module named 'checks'" in c['message'] for c in checks.values()), checks


@pytest.mark.runs('patch_grader')
def test_patching_the_grader_from_the_students_process_changes_nothing(grader):
    run = grader['patch_grader']
    checks = assert_outcome(run, 1, {'core.add': 'passed', 'ex1.by_hand': 'not_attempted',
                                     'ex2.compile_returns_root': 'not_attempted',
                                     'ex6.article_example': 'not_attempted'}, 2, 6)
    # In every executor (one per exercise) it found nothing of the grader to patch: what it
    # patched (json) is its own process's.
    lines = hostile_lines(run)
    assert len(lines) == 4 and set(lines) == {"HOSTILE patched: ['json']"}, printed(run)
    assert checks['ex1.by_hand']['score'] == 0


@pytest.mark.runs('skip_me')
def test_raising_the_graders_own_signals_is_an_error_never_a_skip(grader):
    run = grader['skip_me']
    checks = assert_outcome(run, 1, {'core.add': 'error', 'core.multiply': 'error',
                                     'core.sigmoid': 'error'}, 0, 5)
    assert message(run, 'core.add').startswith('CannotCheck')
    assert message(run, 'core.multiply').startswith('NotAttempted: Exercise 3')
    assert run.report['exercises'][0]['status'] == 'failed'
    assert all(c['max_score'] > 0 for c in checks.values())


# --- what the student's process can find ----------------------------------------------------------


@pytest.mark.runs('seek_grader')
def test_no_expected_value_grader_object_or_seed_is_reachable(grader):
    """Add.forward() returns an expected value if it finds one in a caller's frame, else NaN; at
    import the submission looks for the secret seed in the environment, every command line and
    environment it can read, the files around it, and in every request it gets."""
    run = grader['seek_grader']
    assert_outcome(run, 1, {'core.add': 'failed', 'core.multiply': 'passed'}, 2, 4)
    assert message(run, 'core.add') == 'Add.forward() is NaN'
    assert "HOSTILE grader modules here: []; grader objects here: []" in printed(run)
    assert 'HOSTILE found' not in printed(run)
    assert SECRET not in run.report_text and run.report['seed'] is None
    assert run.report['seed_secret'] is True


@pytest.mark.runs('seek_grader_text')
def test_a_secret_seed_is_not_shown_and_reproduce_lines_ask_for_it(grader):
    run = grader['seek_grader_text']
    assert run.returncode == 1, run.describe()
    assert SECRET not in run.report_text and SECRET not in run.stderr
    assert '(seed secret, profile quick, hints: direction)' in run.report_text
    assert 'reproduce: GRADER_SEED=<the secret seed> python grader.py' in run.report_text


@pytest.mark.runs('forge_report')
def test_report_forged_at_import_is_unreachable_or_overwritten(grader):
    run = grader['forge_report']
    assert_outcome(run, 0, {'core.add': 'passed', 'ex1.by_hand': 'passed'}, 4, 4)
    assert run.report['schema_version'] == 1 and 'FORGED' not in run.report_text


@pytest.mark.runs('import_reference')
def test_the_model_answer_is_not_importable_beside_student_code(grader):
    run = grader['import_reference']
    checks = assert_outcome(run, 1, {'core.add': 'error', 'ex1.by_hand': 'error'}, 0, 4)
    for check in checks.values():
        assert "ModuleNotFoundError: No module named 'reference'" in check['message']


# --- text that tries to take over a terminal or a CI log ------------------------------------------


CONTROL = re.compile('[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u202a-\u202e]')


@pytest.mark.runs('ansi_message')
def test_escape_sequences_in_messages_and_output_are_shown_inert(grader):
    run = grader['ansi_message']
    assert run.returncode == 1, run.describe()
    assert not CONTROL.search(run.report_text), repr(CONTROL.search(run.report_text))
    assert '\\x1b[2J' in run.report_text            # shown, not obeyed
    lines = run.report_text.splitlines()
    assert lines[-1] == 'Total: 2/4'
    assert not any(line.startswith('::') for line in lines)


@pytest.mark.runs('ansi_message_junit')
def test_surrogates_and_noncharacters_leave_junit_well_formed(grader):
    run = grader['ansi_message_junit']
    assert run.returncode == 1, run.describe()
    suites = ET.fromstring(run.report_text.encode('utf-8'))
    assert [c.get('name') for c in suites.iter('testcase')] == ['core.add', 'core.multiply']
    assert not CONTROL.search(run.report_text)


@pytest.mark.runs('fake_output')
def test_fake_reports_printed_stay_in_student_output_json(grader):
    run = grader['fake_output']
    checks = assert_outcome(run, 1, {'core.add': 'failed', 'core.multiply': 'passed'}, 2, 4)
    report = run.report
    for line in FAKE_LINES:
        assert line in report['student_output']  # printed via print() and os.write, fd 1 and 2
    rest = {k: v for k, v in report.items() if k != 'student_output'}
    assert 'FORGED' not in repr(rest) and '100/100' not in repr(rest)
    assert checks['core.add']['what'] == 'Add.forward()'
    assert report['exercises'][0]['score'] == 2
    assert run.stdout == ''


def _fenced_log(run, total):
    """The github log: only the grader's annotations outside the fence, student text inside."""
    lines = run.stdout.splitlines()
    starts = [line for line in lines if line.lstrip().startswith('::')]
    match = re.fullmatch(r'::stop-commands::([0-9a-f]{32})', starts[-2])
    assert match, starts
    token = match.group(1)
    assert starts[-3:] == [f'::notice title=Score::{total}', f'::stop-commands::{token}',
                           f'::{token}::']
    assert all(s.startswith('::error title=') for s in starts[:-3]), starts
    begin, end = lines.index(f'::stop-commands::{token}'), lines.index(f'::{token}::')
    assert end == len(lines) - 1
    return lines, begin, end


@pytest.mark.runs('fake_output_github')
def test_github_annotations_are_only_the_graders(grader):
    run = grader['fake_output_github']
    assert run.returncode == 1, run.describe()
    lines, begin, end = _fenced_log(run, '2/4')
    fake = [i for i, line in enumerate(lines) if '::notice title=Score::100/100' in line]
    assert fake and all(begin < i < end for i in fake)
    text = lines[begin + 1:end]
    assert [line for line in text if line.startswith('Total:')] == ['Total: 2/4'] == text[-1:]
    forged = [line for line in text if 'FORGED' in line or '100/100' in line]
    assert forged and all(line.startswith('  │ ') for line in forged)


@pytest.mark.runs('proc_write')
def test_writes_through_proc_never_reach_the_graders_log(grader):
    run = grader['proc_write']
    assert run.returncode == 0, run.describe()
    _fenced_log(run, '4/4')
    assert 'FORGED-BY-PROC' not in run.stdout and 'FORGED-BY-PROC' not in run.stderr
    reached = [line for line in run.stdout.splitlines() if 'HOSTILE reached:' in line]
    assert reached and reached[0].rstrip().endswith('[]'), reached


@pytest.mark.runs('fake_output_gradescope')
def test_gradescope_results_carry_no_student_output(grader):
    run = grader['fake_output_gradescope']
    assert run.returncode == 1, run.describe()
    import json
    results = json.loads(run.report_text)
    assert results['score'] == 2 and results['stdout_visibility'] == 'hidden'
    assert [(t['name'].split(':')[0], t['score'], t['status']) for t in results['tests']] == \
        [('core.add', 0, 'failed'), ('core.multiply', 2, 'passed')]
    assert 'FORGED' not in run.report_text and '100/100' not in run.report_text


@pytest.mark.runs('fake_output_junit')
def test_junit_report_carries_no_student_output(grader):
    run = grader['fake_output_junit']
    assert run.returncode == 1, run.describe()
    suites = ET.fromstring(run.report_text)
    assert suites.get('name') == 'backprop-grader'
    assert (suites.get('tests'), suites.get('failures'), suites.get('errors')) == ('2', '1', '0')
    assert [case.get('name') for case in suites.iter('testcase')] == ['core.add', 'core.multiply']
    assert 'FORGED' not in run.report_text and '100/100' not in run.report_text


@pytest.mark.runs('fake_lines_at_import', 'fake_lines_at_import_gradescope')
def test_line_breaks_in_an_exception_start_no_line_of_the_report(grader):
    """The import error's message and class name are shown, but no line of theirs starts a line
    of the report (or of Gradescope's summary and test outputs) as the grader's own would."""
    text = grader['fake_lines_at_import'].report_text
    results = json.loads(grader['fake_lines_at_import_gradescope'].report_text)
    for shown in [text, results['output']] + [test['output'] for test in results['tests']]:
        assert 'FORGED-AT-IMPORT' in shown                      # shown, as the student's text
        lines = shown.splitlines()
        assert not any(line.startswith(('Total: 76', "core  The article's framework   27"))
                       for line in lines)
    assert text.splitlines()[-1] == 'Total: 0/' + text.splitlines()[-1].split('/')[-1]
