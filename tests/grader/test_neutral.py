"""Student text is inert in every report: grading.neutral's two functions, the central pass in
grading.assemble, and every format rendering a report made of hostile strings."""
import dataclasses
import json
import re
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from checks import all_checks
from checks.runner import Result
from grading.assemble import build_report, inert_report
from grading.config import Config
from grading.formats import github, gradescope, json_format, junit, text
from grading.loader import Target
from grading.model import CheckReport, ExerciseReport, Report
from grading.neutral import MARK, PLACEHOLDER, inert, no_workflow_commands

BIDI = '\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069'


def noncharacter(code):
    return 0xfdd0 <= code <= 0xfdef or (code & 0xfffe) == 0xfffe


def dangerous(char):
    """What must never reach a report, written independently of grading.neutral."""
    code = ord(char)
    return ((code < 0x20 and char not in '\n\t') or 0x7f <= code <= 0x9f
            or unicodedata.category(char) == 'Cs' or noncharacter(code) or char in BIDI
            or char in '\u2028\u2029')


def assert_inert(text):
    bad = sorted({f'U+{ord(c):04X}' for c in text if dangerous(c)})
    assert not bad, bad


def strings(value):
    """Every string in parsed JSON, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings(item)


# --- inert ---------------------------------------------------------------------------------------

@pytest.mark.parametrize('hostile, shown', [
    ('\x1b[31mred\x1b[0m', '\\x1b[31mred\\x1b[0m'),                    # CSI colour
    ('\x1b[2J\x1b[H', '\\x1b[2J\\x1b[H'),                              # clear screen, home
    ('\x1b]0;pwned\x07', '\\x1b]0;pwned\\x07'),                        # OSC: window title
    ('\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\',
     '\\x1b]8;;http://evil\\x1b\\link\\x1b]8;;\\x1b\\'),                # OSC 8 hyperlink
    ('\x9b2J \x9d0;t\x9c \x85', '\\x9b2J \\x9d0;t\\x9c \\x85'),         # C1: CSI, OSC, ST, NEL
    ('\x00nul\x7fdel', '\\x00nul\\x7fdel'),
    ('passed\rfailed', 'passed\\x0dfailed'),                           # a line overwritten
    ('score 0\b\b100', 'score 0\\x08\\x08100'),                        # backspaces
    ('\x0b\x0c\x1c\x1d\x1e\x1f', '\\x0b\\x0c\\x1c\\x1d\\x1e\\x1f'),
    ('\udc80\ud800\udfff', '\\udc80\\ud800\\udfff'),                    # lone surrogates
    ('\ufffe\uffff\ufdd0\ufdef', '\\ufffe\\uffff\\ufdd0\\ufdef'),       # noncharacters
    ('\U0001fffe\U0010ffff', '\\U0001fffe\\U0010ffff'),
    ('if x\u202e\u2066 admin\u2069\u2066', 'if x\\u202e\\u2066 admin\\u2069\\u2066'),  # bidi
    ('\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u2067\u2068',
     '\\u200e\\u200f\\u061c\\u202a\\u202b\\u202c\\u202d\\u2067\\u2068'),
    ('a\u2028b\u2029c', 'a\\u2028b\\u2029c'),                          # line separators
    ('one\r\ntwo\r\n', 'one\ntwo\n'),                                  # a Windows line end
])
def test_inert_escapes_each_threat_visibly(hostile, shown):
    assert inert(hostile) == shown
    assert_inert(inert(hostile))


def test_inert_over_every_code_point():
    everything = ''.join(map(chr, range(0x110000)))
    out = inert(everything)
    assert type(out) is str
    assert_inert(out)
    out.encode('utf-8')   # no surrogate left to make a writer raise
    safe = ''.join(char for char in everything if not dangerous(char))
    assert inert(safe) == safe
    for char in set(everything) - set(safe):
        shown = inert(char)
        assert re.fullmatch(r'\\(x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8})', shown), shown
        assert shown.encode('ascii').decode('unicode_escape') == char  # says what was there


@pytest.mark.parametrize('ordinary', [
    'Hello, world.', 'café naïve Ærø', 'a → b ≤ c, ∂L/∂w', 'ok 😀 👍🏽 👨‍👩‍👧 🏳️‍🌈',
    '漢字 かな 한글 Ελληνικά Русский עברית العربية', 'line one\n\tindented\nline three\n',
    r'C:\Users\x1b\new', 'print("a\\nb")', '', ' ' * 3, 'x' * 10000,
])
def test_inert_leaves_ordinary_text_as_it_is(ordinary):
    assert inert(ordinary) == ordinary


def test_inert_is_idempotent():
    hostile = ''.join(map(chr, range(0x200))) + '\udc80\ufffe\u202e\r\n\u2028'
    once = inert(hostile)
    assert inert(once) == once


def test_inert_shows_other_values_by_a_safe_repr():
    class Loud:
        def __repr__(self):
            return '\x1b[2Jcleared\u202e'

    class Raises:
        def __repr__(self):
            raise ValueError('no')

    class Exits:
        def __repr__(self):
            raise SystemExit(0)

    class NotAString:
        def __repr__(self):
            return 42

    class Sneaky(str):
        def replace(self, *args):
            return '\x1b'

        def __str__(self):
            return '\x1b'

    assert inert(42) == '42' and inert(None) == 'None' and inert(b'\x1b') == "b'\\x1b'"
    assert inert(Loud()) == '\\x1b[2Jcleared\\u202e'
    assert inert(Raises()) == inert(Exits()) == inert(NotAString()) == PLACEHOLDER
    out = inert(Sneaky('\r\n\x1b'))
    assert type(out) is str and out == '\n\\x1b'


def test_inert_lets_an_interrupt_through():
    class Interrupted:
        def __repr__(self):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        inert(Interrupted())


# --- no_workflow_commands ------------------------------------------------------------------------

def seen(line):
    """The line as GitHub's runner may compare it: its culture-aware comparisons look past
    invisible characters (format characters, marks)."""
    return ''.join(c for c in line if unicodedata.category(c) not in ('Cf', 'Mn', 'Me', 'Cc'))


def starts_a_command(line):
    return seen(line).lstrip().startswith('::')


def runner_would_run(line):
    """::command at the start after blanks, or the legacy ##[command] anywhere."""
    return starts_a_command(line) or '##[' in seen(line)


COMMANDS = ['::error::forged', '::error title=x,file=y::forged', '::notice ::100/100',
            '::warning::w', '::stop-commands::abc', '::add-mask::secret', '::set-output name=a::b',
            '::group::g', '::endgroup::', '::debug::d', '::abc::', '   ::error::indented',
            '\t::error::tab', '\u00a0::error::nbsp', '\u3000::error::ideographic space',
            '\u2003::error::em space', '\u200b::error::zero width', '\ufeff::error::bom',
            '\u00ad::error::soft hyphen', ':\u200b:error::split', 'text ##[error]legacy',
            '##[stop-commands]token', '#\u00ad#[error]hidden', '::x##[y]z']


@pytest.mark.parametrize('line', COMMANDS)
def test_no_workflow_commands_defuses_every_command_line(line):
    assert runner_would_run(line)
    out = no_workflow_commands(line)
    assert not runner_would_run(out)
    assert out.startswith(MARK) == starts_a_command(line)
    # Nothing is lost: take the marks away and the line is back.
    assert out.removeprefix(MARK).replace('#\\[', '#[') == line


@pytest.mark.parametrize('line', ['ok', 'a::b', 'x ::error::x', 'std::vector<int>', 'C::D',
                                  '│ ::error::x', ': :x', '# [x]', '# #[x]', '#[x]', 'é → 😀', ''])
def test_no_workflow_commands_leaves_other_lines_alone(line):
    assert no_workflow_commands(line) == line


def test_no_workflow_commands_splits_lines_as_any_reader_does_and_keeps_the_ends():
    text = ('fine\n::error::a\r::error::b\r\n::error::c\x0b::error::d\x85::error::e'
            '\u2028::error::f\n  last ::not at start\n')
    out = no_workflow_commands(text)
    for line in re.split('\r\n|[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]', out):
        assert not runner_would_run(line), line
    assert out.replace(MARK, '') == text
    assert no_workflow_commands('') == ''


# --- the report: one central pass, then every format ---------------------------------------------

HOSTILE = ('\x1b[31mRED\x1b[0m \x1b]0;title\x07 \x9b2J \x00 \x08\x08 \x7f done\rOVERWRITTEN '
           '\udc80\ud800 \ufffe\uffff\ufdd0\U0001ffff \u202eevil\u202c \u2066\u2069\u200e\u200f'
           '\u061c a\u2028b\x85c\n::error::forged annotation\n  ::notice title=Score::100/100\n'
           '::stop-commands::forgedtoken\n::add-mask::x\n\t::warning file=a.py::w\n'
           'print ##[error]legacy\r::error::after a carriage return\n::forgedtoken::\n'
           'é → 😀 ordinary')
STATUSES = ('passed', 'failed', 'error', 'timeout', 'not_attempted', 'skipped')


def hostile_check(status, n, blocked=''):
    fields = {f.name: HOSTILE for f in dataclasses.fields(CheckReport) if f.type in (str, 'str')}
    fields.update(id=f'{HOSTILE}{n}', status=status, score=1.0 if status == 'passed' else 0.0,
                  max_score=0.0 if status == 'skipped' else 1.0, blocked_by=blocked,
                  expected=HOSTILE,
                  actual=[HOSTILE, (1.5, HOSTILE), {HOSTILE: [HOSTILE, None, True]}],
                  case={'graph': HOSTILE, HOSTILE: [1, HOSTILE]}, examples=3, seconds=0.25)
    return CheckReport(**fields)


def hostile_report():
    exercises = [ExerciseReport(HOSTILE, HOSTILE, [hostile_check(status, n) for n, status
                                                   in enumerate(STATUSES)], visibility=HOSTILE),
                 ExerciseReport('ex1', HOSTILE, [hostile_check('not_attempted', 9, HOSTILE)])]
    return Report(
        implementation=HOSTILE, seed=123, profile=HOSTILE, exercises=exercises,
        versions={'grader': HOSTILE, 'python': HOSTILE, HOSTILE: HOSTILE},
        student_output=HOSTILE, student_output_lines=HOSTILE.count('\n') + 1, seconds=1.5,
        limits={'memory_mb': 512, HOSTILE: HOSTILE}, notes=[HOSTILE, HOSTILE],
        isolation={'mode': HOSTILE, 'description': HOSTILE, 'why': HOSTILE}, seed_secret=False)


@pytest.fixture
def report():
    return inert_report(hostile_report())


def test_the_central_pass_leaves_no_string_unmade_inert(report):
    for value in strings(json.loads(json.dumps(report.to_dict(), default=repr))):
        assert_inert(value)
    check = report.exercises[0].checks[1]
    assert check.message == inert(HOSTILE) and check.expected == inert(HOSTILE)
    assert check.actual == [inert(HOSTILE), (1.5, inert(HOSTILE)),
                            {inert(HOSTILE): [inert(HOSTILE), None, True]}]
    assert (check.status, check.score, check.examples) == ('failed', 0.0, 3)
    assert report.seed == 123 and report.limits['memory_mb'] == 512


def test_the_central_pass_turns_objects_into_their_inert_repr():
    class Loud:
        def __repr__(self):
            return '\x1b[2J'

    check = CheckReport('core.x', 'core', 'd', 'h', 'failed', 0.0, 1.0, expected=Loud(),
                        actual=[Loud()])
    report = inert_report(Report('impl', 1, 'quick', {}, [ExerciseReport('core', 't', [check])]))
    assert check.expected == '\\x1b[2J' and check.actual == ['\\x1b[2J']
    assert report.exercises[0].checks[0] is check


def test_build_report_makes_student_text_inert_and_keeps_the_graders():
    check = next(c for c in all_checks() if c.id == 'core.add')
    result = Result('core.add', 'core', 'failed', 0.0, check.points, message=HOSTILE, what=HOSTILE,
                    expected=HOSTILE, actual=[HOSTILE], notes=HOSTILE, case={'x': HOSTILE},
                    case_text=HOSTILE, traceback=HOSTILE)
    target = Target('package', 'evil', f'/tmp/{HOSTILE}')
    report = build_report(target, [check], {'core.add': result}, Config(), 7, 'quick',
                          'progress 10%\rprogress 100%\n\x1b[2Jcleared\n', 1.0, {})
    for value in strings(json.loads(json_format.render(report))):
        assert_inert(value)
    shown = report.exercises[0].checks[0]
    # a message's later lines indented, so that none starts a line of the report
    assert shown.message == inert(HOSTILE).replace('\n', '\n  ')
    assert shown.traceback == inert(HOSTILE)
    assert shown.description == check.description and shown.hint == check.hint
    assert report.student_output == 'progress 10%\\x0dprogress 100%\n\\x1b[2Jcleared'
    assert report.student_output_lines == 2   # the \r split no line


def test_text_shows_the_escapes_and_nothing_acts(report):
    out = text.render(report)
    assert_inert(out)
    assert '\\x1b[31mRED' in out and '\\u202eevil' in out and '\\x0dOVERWRITTEN' in out
    coloured = text.render(report, colour=True)
    assert_inert(re.sub('\x1b\\[[0-9;]*m', '', coloured))   # only the grader's own colours


def test_json_output_and_its_parsed_strings_are_inert(report):
    out = json_format.render(report)
    assert_inert(out)
    data = json.loads(out)
    for value in strings(data):
        assert_inert(value)
    assert data['student_output'] == inert(HOSTILE)


def test_gradescope_results_have_no_control_characters(report):
    out = gradescope.render(report)
    assert_inert(out)
    results = json.loads(out)
    for value in strings(results):
        assert_inert(value)
    for output in [results['output']] + [t['output'] for t in results['tests']]:
        assert not [c for c in output if unicodedata.category(c) == 'Cc' and c not in '\n\t']
        assert '\x00' not in output
    assert any('\\x00' in t['output'] for t in results['tests'])   # shown, not carried


def xml_1_0_char(char):
    code = ord(char)
    return (char in '\t\n\r' or 0x20 <= code <= 0xd7ff or 0xe000 <= code <= 0xfffd
            or 0x10000 <= code <= 0x10ffff)


@pytest.mark.parametrize('central', [True, False], ids=['inert report', 'raw report'])
def test_junit_is_well_formed_xml_whatever_the_report(central):
    report = inert_report(hostile_report()) if central else hostile_report()
    out = junit.render(report)
    assert all(xml_1_0_char(c) for c in out)
    assert_inert(out)
    out.encode('utf-8')
    suites = ET.fromstring(out.encode('utf-8'))
    assert suites.tag == 'testsuites' and suites.get('skipped') is None
    assert suites.get('tests') == str(len(STATUSES) + 1)
    assert [s.get('skipped') for s in suites.iter('testsuite')] == ['1', '0']
    skipped = [s for s in suites.iter('skipped')]
    assert len(skipped) == 1 and skipped[0].text == skipped[0].get('message') == inert(HOSTILE)


JUNIT_XSD = Path(__file__).resolve().parents[1] / 'fixtures' / 'schemas' / 'junit-10.xsd'


def one_check_report(status='failed', message='wrong', description='d'):
    """A report of one check, its strings as given: not made inert (any Report must render)."""
    check = CheckReport('core.x', 'core', description, 'h', status,
                        1.0 if status == 'passed' else 0.0, 0.0 if status == 'skipped' else 1.0,
                        message=message)
    return Report('impl', 1, 'quick', {}, [ExerciseReport('core', 't', [check])])


@pytest.mark.parametrize('status', ['failed', 'error', 'skipped'])
def test_junit_shows_noncharacters_as_escapes(status):
    """U+FFFE and U+FFFF are no XML 1.0 characters: written as they are, no parser reads the file."""
    out = junit.render(one_check_report(status, 'a\ufffe\uffffb\U0010ffff'))
    [element] = ET.fromstring(out.encode('utf-8')).iter(
        {'failed': 'failure', 'error': 'error', 'skipped': 'skipped'}[status])
    assert element.get('message') == 'a\\ufffe\\uffffb\\U0010ffff'


def test_junit_writes_a_lone_surrogate_as_an_escape():
    """A lone surrogate made the writer raise, and --output then wrote JSON into the .xml file."""
    out = junit.render(one_check_report('failed', 'half \udc80 a pair', 'also \ud800'))
    suites = ET.fromstring(out.encode('utf-8'))
    assert suites.find('.//failure').get('message') == 'half \\udc80 a pair'
    assert suites.find('.//system-out').text.endswith('also \\ud800')


def test_junit_testsuites_has_no_skipped_attribute():
    """Jenkins' junit-10.xsd allows `skipped` on <testsuite> only."""
    suites = ET.fromstring(junit.render(one_check_report('skipped', 'no tanh')).encode('utf-8'))
    assert suites.get('skipped') is None and suites.get('tests') == '1'
    assert suites.find('testsuite').get('skipped') == '1'


def test_junit_skip_reason_is_the_elements_text():
    """GitLab shows a skip's text, not its message attribute."""
    suites = ET.fromstring(junit.render(one_check_report('skipped', 'no tanh')).encode('utf-8'))
    skipped = suites.find('.//skipped')
    assert skipped.text == skipped.get('message') == 'no tanh'


@pytest.mark.parametrize('which', ['every status, hostile text', 'raw hostile report',
                                   'lone surrogate and noncharacters', 'skipped'])
def test_junit_is_valid_under_jenkins_junit_10_xsd(which):
    etree = pytest.importorskip('lxml.etree', reason='lxml (in the test extra) validates XSD')
    report = {'every status, hostile text': lambda: inert_report(hostile_report()),
              'raw hostile report': hostile_report,
              'lone surrogate and noncharacters':
                  lambda: one_check_report('error', '\udc80\ufffe\uffff\x00'),
              'skipped': lambda: one_check_report('skipped', 'no tanh')}[which]()
    schema = etree.XMLSchema(etree.parse(str(JUNIT_XSD)))
    document = etree.fromstring(junit.render(report).encode('utf-8'))
    assert schema.validate(document), schema.error_log


@pytest.mark.parametrize('central', [True, False], ids=['inert report', 'raw report'])
def test_github_log_has_no_commands_but_the_graders(central):
    report = inert_report(hostile_report()) if central else hostile_report()
    out = github.render(report)
    if central:
        assert_inert(out)
    lines = re.split('\r\n|[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]', out.rstrip('\n'))
    commands = [(n, line) for n, line in enumerate(lines) if runner_would_run(line)]
    failing = sum(c.status in ('failed', 'error', 'timeout') for e in report.exercises
                  for c in e.checks)
    fence = re.fullmatch('::stop-commands::([0-9a-f]{32})', lines[failing + 1])
    assert fence, lines[:failing + 2]
    assert [n for n, _ in commands] == list(range(failing + 2)) + [len(lines) - 1]
    assert lines[-1] == f'::{fence.group(1)}::'
    assert lines[failing] == '::notice title=Score::1/6'
    for line in lines[:failing]:
        title, message = re.fullmatch('::error title=([^:,]*)::(.*)', line).groups()
        assert title and '\n' not in message and '\r' not in message
    fenced = lines[failing + 2:-1]
    assert sum('forged annotation' in line for line in fenced) > 1   # shown, not run
    assert f'{MARK}::error::forged annotation' in fenced   # the second layer at work
