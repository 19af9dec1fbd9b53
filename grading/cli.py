"""The command line: python grader.py [--impl PATH] [--exercise exN] [--format F] ...

Exit codes: 0 every check passed, 1 some check did not, 2 a usage error (the message says what to
type), 3 the grader itself failed (the report is still written when there are results to write).
"""
import argparse
import contextlib
import dataclasses
import json
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

from checks import all_checks
from checks.profiles import DEFAULT_SEED, PROFILES
from checks.registry import EXERCISES

from . import config as config_module
from . import sandbox as sandbox_module
from .assemble import build_report
from .formats import github, gradescope, html, json_format, junit, prairielearn, text
from .isolation import default_jobs, run_exercises
from .loader import UsageError, adapter_limits, as_data, resolve, spec_of
from .notebook import name_cells
from .processes import protect_process

ROOT = Path(__file__).resolve().parents[1]
FORMATS = ('text', 'json', 'gradescope', 'junit', 'github', 'prairielearn', 'html')
GRADESCOPE_RESULTS = Path('/autograder/results')
# Every format but text (which takes the terminal's options): its module, whose render(report)
# gives the report as a str (looked up at each call, so that a test can replace it).
RENDERERS = {'json': json_format, 'gradescope': gradescope, 'junit': junit, 'github': github,
             'prairielearn': prairielearn, 'html': html}


def parser():
    p = argparse.ArgumentParser(
        prog='python grader.py',
        description='Grade an implementation of the tree autodiff framework of "But What\'s '
                    'Backpropagation, Actually?" against docs/contract.md.',
        epilog='Examples:  python grader.py   |   python grader.py --exercise ex3   |   '
               'python grader.py --watch   |   '
               'python grader.py --impl reference --format json --output report.json')
    p.add_argument('--impl', help='what to grade: a package folder, a .py file or an importable '
                   'module name (default: exercises)')
    p.add_argument('--adapter', metavar='FILE[:CLASS]',
                   help='grade another API through an Adapter subclass (docs/adapters.md); '
                        '"value" grades a micrograd-style class Value with no adapter code '
                        '(found by itself when --impl defines one)')
    p.add_argument('--exercise', action='append', choices=EXERCISES, metavar='EX',
                   help=f'grade only this exercise (repeatable): {", ".join(EXERCISES)}')
    p.add_argument('--check', action='append', metavar='ID',
                   help='run only this check (repeatable), e.g. core.gradients')
    p.add_argument('--list', action='store_true', help='list the checks and their points')
    p.add_argument('--watch', action='store_true',
                   help='grade, then regrade each time you save a .py file of --impl (or its '
                        'notebook): the exercises --exercise/--check name, else the one you are on '
                        '(the first failing, else the next to start), and all of them once it '
                        'passes; Ctrl-C stops')
    p.add_argument('--otter-tests', metavar='DIR',
                   help='write Otter-Grader test files into DIR: one per exercise, a case per '
                        'check (docs/instructors.md, section 5)')
    p.add_argument('--seed', type=int, help=f'the examples\' seed (default {DEFAULT_SEED})')
    p.add_argument('--profile', choices=sorted(PROFILES),
                   help='quick (default, for students) or thorough (5x the examples, for CI)')
    p.add_argument('--replay', metavar='JSON|@FILE',
                   help='run exactly one example (the "case" of a JSON report) with --check')
    p.add_argument('--format', choices=FORMATS, default='text', help='report format')
    p.add_argument('--output', metavar='FILE', help='write the report here instead of stdout')
    p.add_argument('--config', metavar='FILE', help='points and limits (default grading.toml)')
    p.add_argument('--no-color', action='store_true', help='no colour even on a terminal')
    p.add_argument('-v', '--verbose', action='store_true',
                   help='text report: list every check, also of exercises that fully pass')
    p.add_argument('--batch', metavar='DIR', help='grade every submission in DIR')
    p.add_argument('--roster', metavar='FILE',
                   help='with --batch: a CSV saying whose each submission is (docs/instructors.md, '
                        'section 5); also write canvas.csv and moodle.csv, to import into Canvas '
                        'and Moodle')
    p.add_argument('--assignment', metavar='NAME',
                   help='with --roster: the assignment\'s name, the grade column of the LMS '
                        'files (Canvas: with its id, "Backprop (12345)"; default Backprop)')
    p.add_argument('--bom', action='store_true',
                   help='with --batch: start every CSV file with a byte-order mark, for Excel')
    p.add_argument('-j', '--jobs', type=int,
                   help='with --batch: submissions graded at once (default: one per CPU); '
                        'otherwise: exercises graded at once (default: one per CPU, at most 4)')
    p.add_argument('--setup-sandbox', action='store_true',
                   help='install bubblewrap where possible (root, apt-get) and say which '
                        'isolation the grader will use here')
    p.add_argument('--export-student', metavar='DIR',
                   help='write the repository as students receive it (no reference/)')
    return p


def main(argv=None):
    protect_process()
    escape_what_stdout_cannot_encode()
    args = parser().parse_args(argv)
    try:
        if args.watch:
            from .watch import check_options, watch
            check_options(args)
            return watch(args)
        if args.setup_sandbox:
            from .setup_sandbox import setup_sandbox
            return setup_sandbox()
        if args.export_student:
            from .export import export_student
            return export_student(args.export_student)
        if args.batch:
            from .batch import grade_batch
            return grade_batch(args)
        return grade(args)
    except UsageError as error:
        print(f'grader: {error}', file=sys.stderr)
        print('usage: python grader.py [--impl PATH] [--exercise ex1] [--format text|json|...]'
              '  (python grader.py --help for all options)', file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print('grader: interrupted', file=sys.stderr)
        return 130
    except Exception:
        print('grader: the grader itself failed; this is a bug in the grader, not in your code.'
              ' Please report it with this traceback:', file=sys.stderr)
        traceback.print_exc()
        return 3


def escape_what_stdout_cannot_encode():
    """A terminal that is not UTF-8 (LC_ALL=C, Latin-1) shows a report's other characters as
    escapes (\\u2192) rather than failing on its first one; files are always UTF-8."""
    try:
        sys.stdout.reconfigure(errors='backslashreplace')
    except (AttributeError, ValueError, OSError):   # replaced by a stream without that
        pass


def select_checks(args):
    checks = all_checks()
    if args.exercise:
        checks = [c for c in checks if c.exercise in args.exercise]
    if args.check:
        known = {c.id for c in all_checks()}
        unknown = [c for c in args.check if c not in known]
        if unknown:
            raise UsageError(f'--check {unknown[0]}: no such check. `python grader.py --list` '
                             'shows them all')
        checks = [c for c in checks if c.id in args.check]
    if not checks:
        raise UsageError('nothing to run: --exercise and --check select no check together')
    return checks


def list_checks(checks, config, engine=None):
    """The checks with their points, and the total. engine=False keeps the article's checks,
    engine=True those of a scalar engine (--adapter; docs/checks.md): the total is then what a
    grade counts (an engine's checks of operations it does not declare are skipped)."""
    if engine is not None:
        checks = [c for c in checks if c.level != ('article' if engine else 'engine')]
    points = config.points(checks)
    for check in checks:
        print(f'{check.id:<28} {points[check.id]:>5g}  {check.description}')
    print(f'{"total":<28} {sum(points.values()):>5g}')
    return 0


def otter_tests(directory, checks, config):
    """The Otter test files of the article's checks among `checks`, their points as configured."""
    from checks.registry import article_checks
    from .otter import write_otter_tests
    chosen = {c.id for c in checks}
    checks = [c for c in article_checks() if c.id in chosen]
    written = write_otter_tests(directory, checks, config.points(checks))
    print(f'grader: {len(written)} Otter test files ({len(checks)} cases) written to '
          f'{directory}: {", ".join(p.name for p in written)}', file=sys.stderr)
    return 0


def grade(args, out=None, progress_stream=None, on_report=None):
    """One grade, its report written; `progress_stream` (default: stderr on a terminal) shows
    each failure as soon as it is known, `on_report(report)` hands the report on (--watch)."""
    for option, value in (('--roster', args.roster), ('--assignment', args.assignment),
                          ('--bom', args.bom)):
        if value:
            raise UsageError(f'{option} is for the CSV files of --batch DIR; give --batch too')
    config = config_module.load(args.config, ROOT)
    checks = select_checks(args)
    if args.list:
        return list_checks(checks, config, None if args.check else bool(args.adapter))
    if args.otter_tests:
        return otter_tests(args.otter_tests, checks, config)
    seed, secret = choose_seed(args, config)
    profile = args.profile or config.profile or 'quick'
    impl = args.impl if args.impl or args.adapter else str(ROOT / 'exercises')
    target = resolve(impl, args.adapter)
    replay = _replay(args.replay, checks)
    if args.jobs is not None and args.jobs < 1:
        raise UsageError(f'-j {args.jobs}: give at least 1 (exercises graded at once)')
    report = run_and_report(target, checks, config, seed, profile, replay,
                            progress_stream=progress_stream or
                            (sys.stderr if sys.stderr.isatty() else None),
                            jobs=args.jobs, seed_secret=secret)
    if on_report:
        on_report(report)
    try:
        write(report, args.format, args.output, colour=not args.no_color,
              verbose=args.verbose)
    except Exception:
        _write_fallback(report, args.format, args.output)
        raise  # main() still exits 3 with the traceback
    if report.grader_failed:
        print(f'grader: the grader itself failed on {", ".join(report.grader_failed)}; this is a '
              'bug in the grader, not in your code (the report says more)', file=sys.stderr)
        return 3
    return 0 if report.passed else 1


def choose_seed(args, config):
    """(seed, secret): --seed, else GRADER_SEED from the environment (a secret: kept out of the
    command line, which other users' processes can read, and out of the reports students see),
    else grading.toml's, else the default."""
    if args.seed is not None:
        return args.seed, False
    secret = os.environ.get('GRADER_SEED', '').strip()
    if secret:
        try:
            return int(secret), True
        except ValueError:
            raise UsageError('GRADER_SEED must be a whole number, e.g. the output of python -c '
                             '"import secrets; print(secrets.randbits(64))"') from None
    return config.seed or DEFAULT_SEED, False


def _write_fallback(report, failed_format, output):
    """A renderer failed after every result was in: keep the results, in the first format that
    renders (JSON, else text), where the report was to go."""
    for fmt, render in (('json', json_format.render), ('text', text.render)):
        if fmt == failed_format:
            continue
        try:
            rendered = render(report)
        except Exception:
            continue
        if output:
            _write_atomically(output, rendered)
        else:
            sys.stdout.write(rendered)
        print(f'grader: the {failed_format} report failed; the {fmt} report was written '
              'instead', file=sys.stderr)
        return


def _replay(value, checks):
    if value is None:
        return None
    if len(checks) != 1:
        raise UsageError('--replay runs one example of one check: add --check ID')
    try:
        text = Path(value[1:]).read_text(encoding='utf-8') if value.startswith('@') else value
        return json.loads(text)
    except (OSError, ValueError) as error:
        raise UsageError(f'--replay: cannot read a JSON case ({error})') from None


def run_and_report(target, checks, config, seed, profile, replay=None, progress_stream=None,
                   jobs=None, seed_secret=False):
    """Grade `checks`, each exercise in a judge of its own, `jobs` exercises at once (default:
    one per CPU, at most 4), the student's code in executors in the sandbox. The report depends
    only on the seed, never on `jobs` or timing."""
    started = time.perf_counter()
    spec = spec_of(target)
    if spec.article:  # the checks of scalar engines never apply to the article's API: not listed
        checks = [c for c in checks if c.level != 'engine']
    requested = adapter_limits(target, spec)
    limits, set_by = config.limits_for(requested)
    try:
        mode, why = sandbox_module.choose()
        box = sandbox_module.Sandbox.create(mode, why)
    except sandbox_module.SandboxError as error:
        raise UsageError(str(error)) from None
    if mode == 'none' and hasattr(os, 'geteuid') and os.geteuid() == 0:
        print(f'grader: warning: the code graded runs as root, without a sandbox ({why})',
              file=sys.stderr)
    if mode == 'user' and config.seed is not None and not seed_secret and config.path and \
            os.stat(config.path).st_mode & 0o004:
        print(f'grader: warning: {config.path} holds the seed and every user may read it, the '
              'code graded too (mode user): give the seed in GRADER_SEED instead', file=sys.stderr)
    done = [0]

    def on_result(result):
        done[0] += 1
        if progress_stream:
            if result.status in ('failed', 'error', 'timeout'):
                text.early_failure(result, progress_stream, text.use_colour(progress_stream))
            text.progress(done[0], len(checks), result.check_id, progress_stream)

    groups = {e: [c.id for c in checks if c.exercise == e] for e in EXERCISES}
    groups = {e: ids for e, ids in groups.items() if ids}
    # The longest exercises first, so that the last one to finish ends as early as it can.
    order = sorted(groups, key=lambda e: -expected_cost([c for c in checks if c.exercise == e]))
    job = {'target': as_data(target, spec), 'seed': seed, 'profile': profile,
           'spec': spec.to_data(),
           'limits': dataclasses.asdict(limits), 'sandbox': box.state, 'replay': replay,
           'graded': sorted(groups)}
    try:
        box.prepare(job['target'])
        results, printed = run_exercises(job, groups, on_result=on_result,
                                         jobs=jobs or default_jobs(), order=order)
    except sandbox_module.SubmissionError as error:
        raise UsageError(f'--impl {target.label}: {error}') from None
    finally:
        box.close()  # every executor is stopped by now; what they printed is read
    if progress_stream:
        text.clear_progress(progress_stream)
    isolation = {'mode': box.mode, 'description': box.description, 'why': box.why}
    report = build_report(target, checks, results, config, seed, profile,
                          ''.join(printed.get(e, '') for e in groups), time.perf_counter() - started,
                          dict(limits.available(box.mode), set_by=set_by,
                               requested_by_adapter=requested), isolation=isolation,
                          seed_secret=seed_secret, spec=spec)
    return name_cells(report, target)   # a notebook's cells, not its generated file's lines


def expected_cost(checks):
    """A rough guess of how long checks take: their shares of the example budget."""
    return sum(c.examples if c.cases else 0.05 for c in checks)


def write(report, fmt, output=None, colour=True, verbose=False):
    """Render and write the report; Gradescope's default is its results folder."""
    if fmt == 'gradescope' and output is None and GRADESCOPE_RESULTS.is_dir():
        output = str(GRADESCOPE_RESULTS / 'results.json')
    if fmt == 'github':
        _github_output(report)
    stream = sys.stdout
    if fmt == 'text':
        rendered = text.render(report, colour=colour and output is None and
                               text.use_colour(stream), verbose=verbose)
    else:
        rendered = RENDERERS[fmt].render(report)
    if output:
        _write_atomically(output, rendered)
        if fmt != 'text':
            print(f'grader: {_num(report.score)}/{_num(report.max_score)}, '
                  f'{fmt} report written to {output}', file=sys.stderr)
    else:
        stream.write(rendered)
        stream.flush()


def _github_output(report):
    """Hand the Classroom reporter its `result` step output, when run inside a workflow."""
    path = os.environ.get('GITHUB_OUTPUT')
    if path:
        with open(path, 'a', encoding='utf-8') as f:
            f.write(f'result={github.classroom_result(report)}\n')


def _write_atomically(path, content):
    """Write a new file beside `path`, then rename it over: never through a link, never half
    written, always UTF-8 whatever the locale."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f'.{path.name}.', dir=path.parent)
    try:
        with os.fdopen(fd, 'w', encoding='utf-8', newline='') as f:
            f.write(content)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _num(x):
    return f'{x:g}'
