"""The command line's exit codes and messages: 0 all passed, 1 some did not, 2 a usage error,
3 the grader itself failed; import failures of student code reported as check errors."""
import os
import shutil
import subprocess
import sys

import pytest

from checks import all_checks
from grading import cli
from grading.gradebooks import read_gradebook
from grading.formats import gradescope
from grader_harness import ROOT, Run


def syntax_error_package(tmp):
    package = tmp / 'broken'
    package.mkdir()
    (package / '__init__.py').write_text('from .ops import thing\n')
    (package / 'ops.py').write_text('x = 1\n\ndef thing(:\n    pass\n')
    return str(package)


def raising_package(tmp):
    package = tmp / 'raises'
    package.mkdir()
    (package / '__init__.py').write_text(
        '"""A submission."""\n\n\nraise ValueError("HOSTILE import failure")\n')
    return str(package)


RUNS = {
    'reference': Run('reference', ('--exercise', 'ex1', '--exercise', 'ex2'),
                     env={'TMPDIR': '{tmp}'}),  # where the grader makes its scratch folder
    'default': Run('exercises', ('--check', 'core.add', '--check', 'ex1.by_hand')),
    'syntax_error': Run(syntax_error_package, ('--check', 'core.add', '--check', 'ex1.by_hand')),
    'import_raises': Run(raising_package, ('--check', 'core.add', '--check', 'ex1.by_hand')),
    'unknown_check': Run('reference', ('--check', 'core.nonesuch')),
    # macOS and Windows start children with spawn, not fork: the same grade must come out.
    'spawn': Run('reference', ('--check', 'core.add', '--check', 'ex7.repeated_child'),
                 env={'GRADER_START_METHOD': 'spawn'}),
}


def statuses(outcome):
    return {i: c['status'] for i, c in outcome.checks().items()}


@pytest.mark.runs('reference')
def test_reference_gets_full_marks_exit_0(grader):
    run = grader['reference']
    assert run.returncode == 0, run.describe()
    report = run.report
    assert report['score'] == report['max_score'] == 10
    assert set(statuses(run).values()) == {'passed'}
    assert {e['id'] for e in report['exercises']} == {'ex1', 'ex2'}


@pytest.mark.runs('reference')
def test_the_scratch_folder_is_removed(grader):
    run = grader['reference']
    assert run.returncode == 0, run.describe()
    left = sorted(p.name for p in run.tmp.iterdir() if p.name.startswith('grader-'))
    assert left == [], f'the grader left its scratch folders behind: {left}'


@pytest.mark.runs('default')
def test_default_grades_the_student_stubs_exit_1(grader):
    run = grader['default']
    assert run.returncode == 1, run.describe()
    assert statuses(run) == {'core.add': 'passed', 'ex1.by_hand': 'not_attempted'}
    assert (run.report['score'], run.report['max_score']) == (2, 4)
    assert run.report['implementation'] == str(ROOT / 'exercises')


@pytest.mark.runs('syntax_error')
def test_syntax_error_is_a_check_error_with_file_and_line(grader):
    run = grader['syntax_error']
    assert run.returncode == 1, run.describe()
    assert statuses(run) == {'core.add': 'error', 'ex1.by_hand': 'error'}
    ops = run.tmp / 'broken' / 'ops.py'
    for check in run.checks().values():
        assert check['message'].startswith(f'SyntaxError in {ops}, line 3')
        assert check['score'] == 0
    assert run.report['score'] == 0
    assert run.report['notes'] == [f'the implementation could not be imported: '
                                   f'{run.checks()["core.add"]["message"]}']
    assert 'Traceback' not in run.stderr


@pytest.mark.runs('import_raises')
def test_import_that_raises_is_a_check_error(grader):
    run = grader['import_raises']
    assert run.returncode == 1, run.describe()
    assert statuses(run) == {'core.add': 'error', 'ex1.by_hand': 'error'}
    package = run.tmp / 'raises'
    for check in run.checks().values():
        assert check['message'].startswith(
            f'importing {package} raised ValueError: HOSTILE import failure')
        assert f'{package / "__init__.py"}", line 4' in check['message']
    assert run.report['score'] == 0
    assert 'Traceback' not in run.stderr


@pytest.mark.runs('unknown_check')
def test_usage_error_exit_code_of_the_script(grader):
    run = grader['unknown_check']
    assert run.returncode == 2, run.describe()
    assert 'grader: --check core.nonesuch: no such check' in run.stderr
    assert 'Traceback' not in run.stderr
    assert not run.report_path.exists()


# --- usage errors, in process (each is rejected before any student code runs) ---------------------


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


USAGE_ERRORS = {
    'missing impl path': (lambda t: ['--impl', 'missing/path'], '--impl missing/path: not a'),
    'missing impl file': (lambda t: ['--impl', 'missing.py'], 'there is no such file'),
    'folder without __init__': (lambda t: ['--impl', str(t)], 'the folder has no __init__.py'),
    'impl __main__': (lambda t: ['--impl', '__main__'], '--impl __main__: that is the name of '
                      'the program running'),
    'impl a stdlib module': (lambda t: ['--impl', 'json'], "module of Python's standard library"),
    'impl a stdlib submodule': (lambda t: ['--impl', 'os.path'], "Python's standard library"),
    'impl the grader': (lambda t: ['--impl', 'grading.cli'], "the grader's own"),
    'unknown check': (lambda t: ['--check', 'core.nonesuch'], 'no such check'),
    'check outside exercise': (lambda t: ['--exercise', 'ex1', '--check', 'core.add'],
                               'nothing to run'),
    'missing config': (lambda t: ['--config', str(t / 'nope.toml')], 'there is no such file'),
    'invalid toml': (lambda t: ['--config', _write(t, 'bad.toml', '[limits\nx = ')],
                     'is not valid TOML'),
    'replay without check': (lambda t: ['--replay', '{}'], '--replay runs one example'),
    'unreadable replay': (lambda t: ['--check', 'core.add', '--replay', '@' + str(t / 'no')],
                          '--replay: cannot read a JSON case'),
}


@pytest.mark.parametrize('case', USAGE_ERRORS)
def test_usage_errors_exit_2(case, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    argv, expected = USAGE_ERRORS[case]
    output = tmp_path / 'report.json'
    assert cli.main(argv(tmp_path) + ['--format', 'json', '--output', str(output)]) == 2
    err = capsys.readouterr().err
    assert err.startswith('grader: ') and expected in err, err
    assert 'usage: python grader.py' in err and 'Traceback' not in err
    assert not output.exists()


@pytest.mark.parametrize('argv', [['--exercise', 'ex9'], ['--format', 'pdf'], ['--seed', 'x']])
def test_argparse_errors_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(argv)
    assert stop.value.code == 2
    assert 'invalid' in capsys.readouterr().err


@pytest.mark.parametrize('argv, level', [([], 'engine'),
                                         (['--adapter', 'adapters/micrograd.py'], 'article')])
def test_list_prints_the_checks_a_grade_counts_with_their_points(monkeypatch, capsys, argv,
                                                                 level):
    """The article's checks (the total a course sets on its platform), or an engine's."""
    monkeypatch.chdir(ROOT)
    assert cli.main(['--list', *argv]) == 0
    lines = capsys.readouterr().out.splitlines()
    checks = [c for c in all_checks() if c.level != level]
    assert len(lines) == len(checks) + 1 and 0 < len(checks) < len(all_checks())
    for check, line in zip(checks, lines):
        fields = line.split()
        assert fields[0] == check.id and float(fields[1]) == check.points, line
    assert lines[-1].split() == ['total', f'{sum(c.points for c in checks):g}']


def test_list_of_named_checks_shows_them_whatever_their_level(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    assert cli.main(['--list', '--check', 'core.neg', '--check', 'core.add']) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == ['core.add', 'core.neg', 'total']


# --- the grader itself failing: exit 3 -------------------------------------------------------------


def test_grader_failure_before_any_result_exits_3_without_a_report(tmp_path, monkeypatch,
                                                                   capsys):
    monkeypatch.chdir(ROOT)

    def broken(*args, **kwargs):
        raise RuntimeError('INJECTED grader bug')

    monkeypatch.setattr(cli, 'run_and_report', broken)
    output = tmp_path / 'report.json'
    assert cli.main(['--impl', 'reference', '--check', 'core.add', '--format', 'json',
                     '--output', str(output)]) == 3
    err = capsys.readouterr().err
    assert 'the grader itself failed; this is a bug in the grader' in err
    assert 'RuntimeError: INJECTED grader bug' in err
    assert not output.exists()


def test_renderer_failure_exits_3_and_still_writes_a_report(tmp_path, monkeypatch, capsys):
    """The results exist when a renderer fails: cli's docstring promises the report is still
    written (exit 3 all the same), so the run's results are not lost."""
    monkeypatch.chdir(ROOT)

    def broken(report):
        raise RuntimeError('INJECTED renderer bug')

    monkeypatch.setattr(gradescope, 'render', broken)
    output = tmp_path / 'results.json'
    assert cli.main(['--impl', 'reference', '--check', 'core.sigmoid_extremes', '--format',
                     'gradescope', '--output', str(output)]) == 3
    err = capsys.readouterr().err
    assert 'the grader itself failed; this is a bug in the grader' in err
    assert 'RuntimeError: INJECTED renderer bug' in err
    assert output.is_file(), 'no report written although every result was in'
    assert 'core.sigmoid_extremes' in output.read_text()


@pytest.mark.runs('spawn')
def test_children_started_with_spawn_grade_the_same(grader):
    run = grader['spawn']
    assert run.returncode == 0, run.describe()
    assert statuses(run) == {'core.add': 'passed', 'ex7.repeated_child': 'passed'}


# --- encodings: files always UTF-8, a terminal that is not gets escapes ---------------------------

ACCENTED = 'résultat → faux'
# Python's own C locale, not coerced to UTF-8: ASCII, stricter than Latin-1 (which has 'é' but not
# '→'), and present on every machine, where a Latin-1 locale often is not installed.
NOT_UTF8 = {'LC_ALL': 'C', 'LANG': 'C', 'PYTHONCOERCECLOCALE': '0', 'PYTHONUTF8': '0'}


def not_utf8_environment():
    env = {k: v for k, v in os.environ.items()
           if not k.startswith('LC_') and k not in ('LANG', 'PYTHONIOENCODING', 'PYTHONPATH')}
    return {**env, **NOT_UTF8}


def accented_package(tmp):
    package = tmp / 'accented'
    package.mkdir()
    (package / '__init__.py').write_text(f'raise ValueError({ACCENTED!r})\n', encoding='utf-8')
    return package


def grade_outside_utf8(tmp_path, *args):
    return subprocess.run([sys.executable, str(ROOT / 'grader.py'), '--check', 'core.add', *args],
                          env=not_utf8_environment(), cwd=tmp_path, capture_output=True,
                          timeout=300)


def grades_outside_utf8(tmp_path, *argvs):
    """grade_outside_utf8 of each argument list, all at once: [CompletedProcess]."""
    runs = [(argv, subprocess.Popen([sys.executable, str(ROOT / 'grader.py'), '--check',
                                     'core.add', *argv], env=not_utf8_environment(),
                                    cwd=tmp_path, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE)) for argv in argvs]
    done = []
    for argv, run in runs:
        stdout, stderr = run.communicate(timeout=300)
        done.append(subprocess.CompletedProcess(argv, run.returncode, stdout, stderr))
    return done


def test_reports_are_utf8_and_stdout_never_fails_whatever_the_locale(tmp_path):
    probe = subprocess.run([sys.executable, '-c', 'import locale, sys; print(locale.'
                            'getpreferredencoding(False), sys.stdout.encoding)'],
                           env=not_utf8_environment(), capture_output=True, text=True)
    if 'utf' in probe.stdout.lower():
        pytest.skip(f'Python uses UTF-8 here under every locale ({probe.stdout.strip()})')
    package = accented_package(tmp_path)
    config = tmp_path / 'grading.toml'   # TOML is UTF-8, whatever the locale
    config.write_text('# barème du cours → 75 points\n[grader]\nprofile = "quick"\n',
                      encoding='utf-8')
    formats = ('text', 'junit')
    *written, shown = grades_outside_utf8(
        tmp_path, *[('--impl', str(package), '--format', fmt, '--output',
                     str(tmp_path / f'report.{fmt}'), '--config', str(config))
                    for fmt in formats], ('--impl', str(package)))
    for fmt, done in zip(formats, written):
        assert done.returncode == 1, done.stderr.decode('utf-8', 'replace')
        assert ACCENTED in (tmp_path / f'report.{fmt}').read_text(encoding='utf-8'), fmt
    # The text report on a terminal that is not UTF-8: escapes, not a crash (exit 3).
    assert shown.returncode == 1, shown.stderr.decode('utf-8', 'replace')
    assert 'r\\xe9sultat \\u2192 faux' in shown.stdout.decode('ascii')
    batch = tmp_path / 'batch'
    shutil.copytree(package, batch / 'accented')
    (batch / 'café').mkdir()   # a name this locale cannot decode: in the gradebook as it reads
    done = grade_outside_utf8(tmp_path, '--batch', str(batch), '-j', '1')
    assert done.returncode == 0, done.stderr.decode('utf-8', 'replace')
    grades = tmp_path / 'batch-grades'
    rows = {row['submission']: row for row in read_gradebook(grades / 'gradebook.csv')}
    assert sorted(rows) == ['accented', 'café']
    assert rows['accented']['status'] == 'error' and ACCENTED in rows['accented']['message']
    assert ACCENTED in (grades / 'accented.txt').read_text(encoding='utf-8')
    assert 'the folder café has no __init__.py' in rows['café']['message']
