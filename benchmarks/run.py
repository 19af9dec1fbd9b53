"""Benchmarks of the grader and of the reference engine: python benchmarks/run.py [--quick].

Prints Markdown tables (docs/performance.md explains them), one section per question. Since the
split (commit c6191a7) a grade runs the checks in a trusted judge process per exercise
(grading/judge.py: Hypothesis, the oracle, the verdicts) which asks an executor process, started
in the sandbox (grading/sandbox.py: bwrap, user or none), to build and run things in the student's
code (checks/remote.py); the sections measure that:

  a. the grader (`grader`): a whole grade of the reference, quick and thorough profiles, as a
     student types it;
     before and after the split (`split`): the same quick grade by the grader of the last commit
     before it (--before, default 7a05014, extracted with git archive) and by this checkout in
     every sandbox mode usable here, interleaved, and the ratio after/before against the goal of
     at most 1.3x;
     where the time goes (`breakdown`): per exercise, the judge's time and CPU, the time spent
     waiting for the executor, the round trips and steps, the executor's CPU and start-up;
  b. the time until a student learns what is wrong (`first_failure`): the first failed check of
     each bug of the corpus (tests/corpus), judged in this process, the bug in an executor, with
     the examples run after its first failure and the size of the case shown; then a whole
     report (`python grader.py`) with one funcify() bug against the same code without it;
  c. the cost of isolation (`isolation`): starting and stopping one executor, and one round trip,
     per sandbox mode;
  d. bulk grading with --batch, -j 1 against -j 2 (`bulk`);
  e. the engine (`engine`): one SGD step of the article's classifier in the article's engine
     (exercises/), the reference, micrograd and PyTorch when installed, and how a step grows with
     the depth of a ladder DAG.

Every figure is a median over --repeat runs; every ratio compares figures of this one run. Engine
times are CPU time (time.process_time), so that other work on the machine does not inflate them;
grader times are wall clock (what a student waits for) with the CPU time beside them: of every
process a command started, counted by a cgroup of its own where one can be made (root), else
getrusage(RUSAGE_CHILDREN), which misses executors killed with their bubblewrap namespace. Every
grader run caches its bytecode in a temporary folder (PYTHONPYCACHEPREFIX), as a student's second
run finds it. --quick shrinks every section to a few seconds (the CI smoke test,
tests/test_benchmarks_smoke.py); --only runs some sections.
"""
import argparse
import contextlib
import dataclasses
import io
import json
import math
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

HEADERS = {
    'machine': '## Machine',
    'grader': '## a. Grader: a whole grade of the reference',
    'split': '## a. Grader: before and after the split, quick grade of the reference',
    'breakdown': '## a. Grader: where the time goes, per exercise',
    'first_failure': '## b. Time to the first failure, bug corpus',
    'failing_report': '## b. A whole failing report against a passing one',
    'isolation': '## c. Isolation: cost of an executor and of a round trip',
    'bulk': '## d. Bulk grading with --batch',
    'engine': "## e. Engine: one SGD step of the article's classifier",
    'ladder': '## e. Engine: step time against the depth of a ladder DAG',
}
SECTIONS = ('grader', 'split', 'breakdown', 'first_failure', 'isolation', 'bulk', 'engine')
ROOT = Path(__file__).resolve().parents[1]
BEFORE_SPLIT = '7a05014'   # the last commit whose grader ran the checks beside the student's code
GOAL_RATIO = 1.3           # the quick grade of the reference may cost at most 1.3x the old one
EMPTY = {'steps': [], 'fetch': [], 'reset': False}   # a request that asks nothing: a round trip
PYCACHE = None             # the folder every grader run here caches its bytecode in (main)


def main(argv=None):
    p = argparse.ArgumentParser(prog='python benchmarks/run.py', description=__doc__.split('\n')[0])
    p.add_argument('--quick', action='store_true', help='tiny sizes: every table in seconds')
    p.add_argument('--repeat', type=int, help='runs per figure (default 5, --quick 1)')
    p.add_argument('--only', help=f'comma-separated sections: {",".join(SECTIONS)}')
    p.add_argument('--before', default=BEFORE_SPLIT, metavar='COMMIT',
                   help='the grader section split compares with (default: %(default)s, the last '
                        'commit before the judge/executor split)')
    args = p.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    sys.path.insert(1, str(ROOT / 'tests'))  # the bug corpus
    repeat = args.repeat or (1 if args.quick else 5)
    only = args.only.split(',') if args.only else SECTIONS
    unknown = set(only) - set(SECTIONS)
    if unknown:
        p.error(f'--only: no section {", ".join(sorted(unknown))}')
    global PYCACHE, CGROUP_CPU
    PYCACHE = tempfile.mkdtemp(prefix='bench-pycache-')
    CGROUP_CPU = CgroupCpu()
    try:
        machine()
        _warm_up()
        for section in SECTIONS:
            if section in only:
                options = {'before': args.before} if section == 'split' else {}
                globals()[section](args.quick, repeat, **options)
                sys.stdout.flush()
    finally:
        shutil.rmtree(PYCACHE, ignore_errors=True)
        CGROUP_CPU.close()
    print(f'\nLoad average at the end: {_load()}')
    return 0


# --- helpers -----------------------------------------------------------------------------------

def median(values):
    return statistics.median(values) if values else float('nan')


def table(header, columns, rows, note=''):
    print(f'\n{header}\n')
    if note:
        print(note + '\n')
    print('| ' + ' | '.join(columns) + ' |')
    print('|' + '|'.join('---' for _ in columns) + '|')
    for row in rows:
        print('| ' + ' | '.join(str(cell) for cell in row) + ' |')


def s(x, digits=2):
    return '–' if x is None or (isinstance(x, float) and math.isnan(x)) else f'{x:.{digits}f}'


def _load():
    try:
        return ' '.join(f'{x:.2f}' for x in os.getloadavg())
    except OSError:
        return 'n/a'


def _cpus():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count()


def _cpu_model():
    try:
        for line in Path('/proc/cpuinfo').read_text().splitlines():
            if line.startswith('model name'):
                return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_command(argv, env=None, cwd=None):
    """(wall seconds, CPU seconds from getrusage, completed process, CPU seconds from a cgroup or
    None), run in `cwd` (default: this checkout). getrusage(RUSAGE_CHILDREN) counts the process
    and the descendants their parents reaped, not those the kernel reaps itself: the executors of
    mode bwrap die with their PID namespace, whose dying init reaps them without accounting. A
    cgroup of the command's own (CGROUP_CPU) counts them all."""
    with CGROUP_CPU.group() as group:
        cpu, started = children_cpu(), time.perf_counter()
        done = subprocess.run(argv, cwd=cwd or ROOT, env=env, capture_output=True, text=True,
                              preexec_fn=group.enter if group else None)
        wall, cpu = time.perf_counter() - started, children_cpu() - cpu
        return wall, cpu, done, group.seconds() if group else None


class CgroupCpu:
    """CPU time of a command and of everything it starts, by a cgroup of its own (cgroup v2's
    cpu.stat, or v1's cpuacct): processes stay counted whoever reaps them. Root only, in practice;
    `group()` gives None where no cgroup can be made here (then only getrusage counts)."""

    def __init__(self):
        self.base, self.version, self.why_not, self.count = None, None, '', 0
        try:
            self.base, self.version = self._find()
        except OSError as error:
            self.why_not = f'no cgroup can be made here ({error.strerror or error})'
            return
        if self.base is None:
            self.why_not = 'no cgroup hierarchy with CPU accounting is mounted here'
            return
        try:  # a process can be moved into one, and is counted there
            with self.group() as group:
                subprocess.run([sys.executable, '-c', 'sum(range(10 ** 6))'],
                               preexec_fn=group.enter, check=True)
                if not group.seconds():
                    raise OSError('no CPU time counted')
        except (OSError, ValueError, subprocess.SubprocessError) as error:
            self.close()
            self.base, self.why_not = None, f'no process can be counted in a cgroup here ({error})'

    @staticmethod
    def _find():
        if not sys.platform.startswith('linux'):
            return None, None
        with open('/proc/self/mounts') as f:
            mounts = [line.split() for line in f]
        with open('/proc/self/cgroup') as f:
            own = [line.rstrip('\n').split(':', 2) for line in f]
        for hierarchy, controllers, path in own:
            for _, point, kind, options, *_ in mounts:
                if hierarchy == '0' and kind == 'cgroup2':
                    version = 2
                elif kind == 'cgroup' and 'cpuacct' in controllers.split(',') and \
                        'cpuacct' in options.split(','):
                    version = 1
                else:
                    continue
                base = Path(point) / path.lstrip('/') / f'bench-cpu-{os.getpid()}'
                base.mkdir()
                return base, version
        return None, None

    @contextlib.contextmanager
    def group(self):
        if self.base is None:
            yield None
            return
        self.count += 1
        folder = self.base / str(self.count)
        folder.mkdir()
        try:
            yield _Cgroup(folder, self.version)
        finally:
            _remove_cgroup(folder)

    def close(self):
        if self.base is not None:
            _remove_cgroup(self.base)

    @property
    def description(self):
        if self.base is None:
            return f'getrusage only: {self.why_not}'
        return f'a cgroup per command (v{self.version}, {self.base.parent})'


class _Cgroup:
    def __init__(self, folder, version):
        self.folder, self.version = folder, version
        self.procs = str(folder / 'cgroup.procs')

    def enter(self):
        """In the child, before exec: into the cgroup, with everything it will start."""
        with open(self.procs, 'w') as f:
            f.write(str(os.getpid()))

    def seconds(self):
        if self.version == 1:
            return int((self.folder / 'cpuacct.usage').read_text()) / 1e9
        for line in (self.folder / 'cpu.stat').read_text().splitlines():
            if line.startswith('usage_usec '):
                return int(line.split()[1]) / 1e6
        return None


def _remove_cgroup(folder):
    for _ in range(50):  # a killed process may take a moment to leave it
        try:
            folder.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.1)


CGROUP_CPU = None  # a CgroupCpu, made in main


def grader_env():
    """The environment of every grader run here: bytecode cached in PYCACHE, as a student's
    second run finds it in __pycache__ (the executor, started with -B, compiles the submission
    each time, as in any grade)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(('GITHUB_', 'PYTEST_'))}
    env.pop('PYTHONDONTWRITEBYTECODE', None)
    env.update(NO_COLOR='1', PYTHONPYCACHEPREFIX=PYCACHE or tempfile.gettempdir())
    env.pop('GRADER_START_METHOD', None)
    return env


def _cpu_method():
    if CGROUP_CPU is not None and CGROUP_CPU.base is not None:
        return 'counted by a cgroup of each run\'s own'
    return ('from getrusage(RUSAGE_CHILDREN), which does not see executors killed with their '
            f'bubblewrap PID namespace: {CGROUP_CPU.why_not if CGROUP_CPU else "no cgroup"}')


def _warm_up():
    """One grade, untimed: the bytecode of the grader and its packages is cached for the rest."""
    timed_command([sys.executable, 'grader.py', '--impl', 'reference', '--exercise', 'ex1',
                   '--format', 'json', '--output', os.path.join(PYCACHE, 'warm-up.json')],
                  env=grader_env())


def _last_line(text):
    lines = [line for line in (text or '').strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else 'no message'


@contextlib.contextmanager
def quiet():
    """Checks train models that print: keep it off the tables."""
    with contextlib.redirect_stdout(io.StringIO()):
        yield


def _sandbox_mode():
    """(mode, why): the mode a grade uses here (GRADER_SANDBOX, or the strongest that works)."""
    from grading.sandbox import choose
    return choose()


def machine():
    import hypothesis
    print('# Benchmarks\n')
    print(f'Measured {time.strftime("%Y-%m-%d %H:%M")} on {ROOT}')
    try:
        mode, why = _sandbox_mode()
        sandbox = f'{mode} ({why})'
    except Exception as error:  # noqa: BLE001 - say it, the sections say the rest
        sandbox = f'none usable: {error}'
    bwrap = shutil.which('bwrap')
    if bwrap:
        done = subprocess.run([bwrap, '--version'], capture_output=True, text=True)
        bwrap = done.stdout.strip() or bwrap
    table(HEADERS['machine'], ['what', 'value'], [
        ('CPUs usable (nproc)', _cpus()),
        ('CPU model', _cpu_model()),
        ('Python', platform.python_version()),
        ('Hypothesis', hypothesis.__version__),
        ('platform', platform.platform()),
        ('CPU time of the commands run', CGROUP_CPU.description if CGROUP_CPU else ''),
        ('runs as root', 'yes' if hasattr(os, 'geteuid') and os.geteuid() == 0 else 'no'),
        ('bubblewrap', bwrap or 'not installed'),
        ('sandbox of a grade here (GRADER_SANDBOX, default auto)', sandbox),
        ('Python of the executors (GRADER_EXECUTOR_PYTHON)',
         os.environ.get('GRADER_EXECUTOR_PYTHON') or 'the grader\'s own'),
        ('load average (1, 5, 15 min) at the start', _load()),
    ])


# --- a. the grader -----------------------------------------------------------------------------

def grader(quick, repeat):
    subset = ['--exercise', 'ex1'] if quick else []
    out = Path(tempfile.mkdtemp(prefix='bench-grade-'))
    rows, reports = [], {}
    runs = [('quick', [], 'default'), ('quick', ['-j', '1'], '1 (one exercise at a time)'),
            ('thorough', ['--profile', 'thorough'], 'default')]
    for profile, extra, jobs in runs:
        walls, cpus = [], []
        for i in range(repeat if profile == 'quick' else max(1, (repeat + 1) // 2)):
            report = out / f'{profile}-{len(extra)}-{i}.json'
            wall, cpu, done, every_cpu = timed_command(
                [sys.executable, 'grader.py', '--impl', 'reference', *subset, *extra,
                 '--format', 'json', '--output', str(report)], env=grader_env())
            if done.returncode != 0:
                raise SystemExit(f'the grade failed:\n{done.stderr[-2000:]}')
            walls.append(wall)
            cpus.append(cpu if every_cpu is None else every_cpu)
            reports[(profile, jobs)] = json.loads(report.read_text())
        data = reports[(profile, jobs)]
        examples = sum(c['examples'] for e in data['exercises'] for c in e['checks'])
        goal = 10 if profile == 'quick' else 60
        rows.append((profile, jobs, data.get('isolation', {}).get('mode', '?'), len(walls),
                     s(median(walls)), s(min(walls)), s(max(walls)), s(median(cpus)), examples,
                     f'{data["score"]:g}/{data["max_score"]:g}', f'<= {goal} s'))
    # Same seed, same report, however many exercises run at once.
    same = None
    if ('quick', 'default') in reports and ('quick', '1 (one exercise at a time)') in reports:
        same = _without_times(reports[('quick', 'default')]) == \
            _without_times(reports[('quick', '1 (one exercise at a time)')])
    table(HEADERS['grader'],
          ['profile', 'exercises at once (-j)', 'sandbox', 'runs', 'wall median (s)', 'min',
           'max', 'CPU median (s)', 'examples', 'score', 'goal (wall)'], rows,
          note='`python grader.py --impl reference` (a fresh process each run, as a student '
               'types it, bytecode cached; the sandbox GRADER_SANDBOX chooses, default the '
               'strongest that works here), wall clock from start to exit, and the CPU time of '
               f'the grader and all its children, judges and executors ({_cpu_method()}).' +
               (' Only ex1 (--quick).' if quick else '') +
               ('' if same is None else f' Reports with -j 1 and the default -j identical '
                f'(times aside): {"yes" if same else "NO"}.'))
    shutil.rmtree(out, ignore_errors=True)


def _without_times(report):
    if isinstance(report, dict):
        return {k: _without_times(v) for k, v in report.items() if k != 'seconds'}
    if isinstance(report, list):
        return [_without_times(v) for v in report]
    return report


def split(quick, repeat, before=BEFORE_SPLIT):
    """The quick grade of the reference by the grader before the split and after it, in every
    sandbox mode usable here, runs interleaved so that a busy moment hits all of them alike."""
    from grading.interpreter import site_packages
    from grading.sandbox import MODES, SandboxError, choose

    subset = ['--exercise', 'ex1'] if quick else []
    work = Path(tempfile.mkdtemp(prefix='bench-split-'))
    # Both graders run the same way: python -S (no .pth: this project's editable install would
    # make the old checkout import the new packages), the checkout then site-packages on
    # PYTHONPATH, bytecode cached in PYCACHE (the warm-up run of each fills it).
    env = grader_env()
    env.pop('GRADER_SANDBOX', None)
    packages = os.pathsep.join(site_packages())
    label_old = f'before the split ({before})'
    variants, skipped, usable, reports = [], [], [], {}
    figures = {}  # label -> {'wall': [...], 'rusage': [...], 'cgroup': [...]}
    try:
        old, why_not = _checkout(before, work / 'before')
        if old:
            variants.append((label_old, old, dict(env, PYTHONPATH=f'{old}{os.pathsep}{packages}')))
        else:
            skipped.append((label_old, why_not))
        for mode in MODES:
            label = f'after the split, sandbox {mode}'
            try:
                choose(mode)
            except SandboxError as error:
                skipped.append((label, f'cannot be used here: {error}'))
                continue
            variants.append((label, ROOT, dict(env, PYTHONPATH=f'{ROOT}{os.pathsep}{packages}',
                                               GRADER_SANDBOX=mode)))
        for variant in variants:  # the warm-up: bytecode, disk cache, and can it run here?
            wall, cpu, every_cpu, done, report = _grade_in(variant, subset, work)
            if report is None:
                skipped.append((variant[0], f'the grade failed here (exit status '
                                f'{done.returncode}): {_last_line(done.stderr)}'))
            else:
                usable.append(variant)
                reports[variant[0]] = report
                figures[variant[0]] = {'wall': [], 'rusage': [], 'cgroup': []}
                if quick:   # --quick: the warm-up is the one run (a smoke test, not the goal's)
                    figures[variant[0]]['wall'].append(wall)
                    figures[variant[0]]['rusage'].append(cpu)
                    if every_cpu is not None:
                        figures[variant[0]]['cgroup'].append(every_cpu)
        for _ in range(0 if quick else repeat):
            for variant in usable:
                wall, cpu, every_cpu, done, report = _grade_in(variant, subset, work)
                if report is None:
                    raise SystemExit(f'{variant[0]}: the grade failed after its warm-up '
                                     f'worked:\n{done.stderr[-2000:]}')
                figures[variant[0]]['wall'].append(wall)
                figures[variant[0]]['rusage'].append(cpu)
                if every_cpu is not None:
                    figures[variant[0]]['cgroup'].append(every_cpu)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    m = {label: {key: median(values) if values else None for key, values in f.items()}
         for label, f in figures.items()}
    counted = 'cgroup' if all(f['cgroup'] for f in figures.values()) and figures else 'rusage'
    base = m.get(label_old)
    rows, verdicts = [], []
    for label, _, _ in usable:
        data, walls = reports[label], figures[label]['wall']
        examples = sum(c['examples'] for e in data['exercises'] for c in e['checks'])
        ratios, goal = ('–', '–'), ''
        if base and label != label_old:
            wall, cpu = m[label]['wall'] / base['wall'], m[label][counted] / base[counted]
            lower = counted == 'rusage' and label.endswith('bwrap')
            goal = _verdict(wall, cpu) + (' (CPU: executors not counted)' if lower else '')
            verdicts.append((label, wall, cpu, lower))
            ratios = (f'{wall:.2f}x', f'{cpu:.2f}x' + (' (at least)' if lower else ''))
        rows.append((label, len(walls), s(m[label]['wall']), s(min(walls)), s(max(walls)),
                     s(m[label]['rusage']), s(m[label]['cgroup']), examples,
                     f'{data["score"]:g}/{data["max_score"]:g}', *ratios, goal))
    for label, why in skipped:
        rows.append((label, 0, f'not measured: {why}', *[''] * 9))
    table(HEADERS['split'],
          ['grader', 'runs', 'wall median (s)', 'min', 'max', 'CPU median, getrusage (s)',
           'CPU median, cgroup (s)', 'examples', 'score', 'wall after/before',
           'CPU after/before', f'goal: after <= {GOAL_RATIO:g}x before'], rows,
          note=f'`python -S grader.py --impl reference{" --exercise ex1" if quick else ""}` in '
               f'the checkout of {before} (git archive into a temporary folder) and in this one, '
               'each with PYTHONPATH=<checkout>:<site-packages> (no .pth files: the editable '
               'install would make the old checkout import the new packages), GRADER_SANDBOX set '
               'for each mode, bytecode cached (PYTHONPYCACHEPREFIX). One untimed warm-up run '
               f'each, then {repeat} round(s) of one run each, interleaved. Wall clock from start '
               'to exit. CPU: the grader and all its children (the old grader\'s workers; the '
               'judges and executors): from getrusage(RUSAGE_CHILDREN) deltas, which miss the '
               'executors of mode bwrap (killed with their PID namespace, whose dying init reaps '
               'them unaccounted), and from a cgroup of each run\'s own, which counts every '
               'process (' + (CGROUP_CPU.description if CGROUP_CPU.base is not None else
                              CGROUP_CPU.why_not) + '). The CPU ratio uses the '
               + ('cgroup.' if counted == 'cgroup' else 'getrusage figures.') +
               (' --quick: ex1 only, one run (the warm-up itself): start-up dominates, this '
                'is not the goal\'s measurement.' if quick else ''))
    if base is None:
        why = dict(skipped).get(label_old, 'no figure before the split')
        print(f'\nComparison skipped: {why}.')
    for label, wall, cpu, lower in verdicts:
        print(f'\n{label}: the grade costs {wall:.2f}x the wall time and {cpu:.2f}x the CPU time '
              f'{"(at least: executors not counted) " if lower else ""}of the grader before the '
              f'split; the goal is at most {GOAL_RATIO:g}x: {_verdict(wall, cpu)}.')


def _verdict(wall, cpu):
    def one(what, ratio):
        return f'{what} {"met" if ratio <= GOAL_RATIO else "NOT met"} ({ratio:.2f}x)'
    return f'{one("wall", wall)}, {one("CPU", cpu)}'


def _checkout(commit, destination):
    """(folder, '') holding the files of `commit` of this repository, or (None, why not)."""
    git = shutil.which('git')
    if not git:
        return None, 'git is not installed here'
    done = subprocess.run([git, '-C', str(ROOT), 'archive', '--format=tar', commit],
                          capture_output=True)
    if done.returncode != 0:
        return None, (f'`git archive {commit}` failed (a shallow clone, or not a git '
                      f'checkout?): {_last_line(done.stderr.decode(errors="replace"))}')
    destination.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(done.stdout)) as archive:
        try:
            archive.extractall(destination, filter='data')
        except TypeError:  # Python before 3.11.4 has no filters
            archive.extractall(destination)
    if not (destination / 'grader.py').is_file():
        return None, f'{commit} has no grader.py'
    return destination, ''


def _grade_in(variant, subset, work):
    """(wall, CPU by getrusage, CPU by cgroup or None, completed process, report or None): one
    quick grade of the reference by the grader in `variant`'s folder."""
    label, folder, env = variant
    report = work / 'report.json'
    if report.exists():
        report.unlink()
    wall, cpu, done, every_cpu = timed_command(
        [sys.executable, '-S', 'grader.py', '--impl', 'reference', *subset, '--format', 'json',
         '--output', str(report)], env=env, cwd=folder)
    data = None
    if done.returncode == 0 and report.is_file():
        data = json.loads(report.read_text())
    return wall, cpu, every_cpu, done, data


def breakdown(quick, repeat):
    """Per exercise, the checks run here as a judge runs them, the reference in an executor of
    the sandbox a grade uses, every round trip timed and counted."""
    from checks import all_checks

    mode, why = _sandbox_mode()
    exercises = ['ex1'] if quick else list(dict.fromkeys(c.exercise for c in all_checks()))
    rows, totals, failed = [], [0.0] * 9, []
    for exercise in exercises:
        checks = [c for c in all_checks() if c.exercise == exercise]
        runs = [_judged(ROOT / 'reference', checks, mode)
                for _ in range(1 if quick else max(1, repeat // 2))]
        failed += [c for run in runs for c in run.pop('failed')]
        m = {key: median([run[key] for run in runs]) for key in runs[0]}
        values = [m['wall'], m['cpu'], m['wait'], m['wall'] - m['wait'], m['trips'],
                  m['steps'], m['executor_cpu'], m['startup'], m['starts']]
        totals = [t + v for t, v in zip(totals, values)]
        rows.append((exercise, len(checks), int(m['examples']), s(m['wall']), s(m['cpu']),
                     s(m['wait']), s(m['wall'] - m['wait']), int(m['trips']), int(m['steps']),
                     s(1e6 * m['wait'] / m['trips'], 0) if m['trips'] else '–',
                     s(m['executor_cpu']), s(1000 * m['startup'], 0), int(m['starts'])))
    wall, cpu, wait, own, trips, steps, executor_cpu, startup, starts = totals
    rows.append(('**all**', '', '', *(f'**{x}**' for x in (
        s(wall), s(cpu), s(wait), s(own), int(trips), int(steps),
        s(1e6 * wait / trips, 0) if trips else '–', s(executor_cpu), s(1000 * startup, 0),
        int(starts)))))
    table(HEADERS['breakdown'],
          ['exercise', 'checks', 'examples', 'judge: wall (s)', 'judge: CPU (s)',
           'waiting for the executor (s)', 'judge\'s own work (s)', 'round trips', 'steps',
           'µs per round trip', 'executor: CPU (s)', 'executor: start-up (ms)',
           'executor starts'], rows,
          note=f'Each exercise\'s checks run in this process as a judge runs them (checks.runner '
               f'through grading.local), the reference in an executor in sandbox mode {mode} '
               f'({why}), one executor per exercise as in a grade. "judge": the checks from the '
               'first to the last, start-up excluded; its CPU is this process\'s (Hypothesis, the '
               'oracle, the comparisons, building and reading requests). "waiting": the time '
               'inside Executor.exchange (sending the request, the executor\'s work, reading and '
               'validating the answer); "own work" is the rest. A round trip is one request; a '
               'step is one thing the executor does (build a graph, call a method, read an '
               'attribute). "executor: CPU": its CPU during the checks (Executor.cpu_seconds); '
               '"start-up": the launch, Python, the import of the implementation and a first '
               'empty round trip. The reference fails nothing, so nothing is shrunk (see b.). '
               'Sums of medians' + (' (--quick: ex1 only, one run).' if quick else '.') +
               (f' Checks that did not pass: {", ".join(failed)}.' if failed else ''))


def _judged(path, checks, mode):
    """One exercise judged here, its round trips counted: a dict of figures."""
    from grading.local import executor_for

    figures = {'trips': 0, 'steps': 0, 'wait': 0.0, 'starts': 1}
    with quiet(), executor_for(str(path), mode=mode) as impl:
        executor = impl.executor
        exchange = executor.exchange
        started = time.perf_counter()
        exchange(dict(EMPTY, reset=True), time.monotonic() + 60)
        figures['startup'] = time.perf_counter() - started
        executor_cpu = executor.cpu_seconds()

        def counted(request, deadline):
            if executor.process is None:  # a death or a hang: started again
                figures['starts'] += 1
            started = time.perf_counter()
            try:
                return exchange(request, deadline)
            finally:
                figures['wait'] += time.perf_counter() - started
                figures['trips'] += 1
                figures['steps'] += len(request.get('steps', ()))

        executor.exchange = counted  # what the runner calls, through checks.remote
        examples, failed = 0, []
        cpu, started = time.process_time(), time.perf_counter()
        for check in checks:
            result = impl.run(check)
            examples += result.examples
            if result.status != 'passed':
                failed.append(check.id)
        figures['wall'] = time.perf_counter() - started
        figures['cpu'] = time.process_time() - cpu
        used = executor.cpu_seconds()
        figures['executor_cpu'] = float('nan') if used is None or executor_cpu is None \
            else used - executor_cpu
    return dict(figures, examples=examples, failed=failed)


# --- b. time to the first failure --------------------------------------------------------------

def first_failure(quick, repeat):
    from hypothesis.errors import HypothesisException, StopTest

    import corpus
    from checks import all_checks
    from grading.local import executor_for

    mode, why = _sandbox_mode()
    bugs = corpus.all_bugs()
    if quick:
        bugs = bugs[:1]
    directory = Path(tempfile.mkdtemp(prefix='bench-bugs-'))
    found_all, known_all, after_all, per_bug = [], [], [], []
    for bug in bugs:
        with quiet():  # write_variant leaves the import to the executor; make_variant also imports
            getattr(corpus, 'write_variant', corpus.make_variant)(bug, directory)
        folder = directory / f'variant_{bug.name}'
        checks = [c for c in all_checks() if c.exercise == bug.exercise]
        founds, knowns, culprit, afters, nodes = [], [], None, [], []
        for _ in range(1 if quick else max(1, repeat // 2)):
            first = [None]
            started = time.perf_counter()

            def spy(verify):
                def verify_and_note(ctx, case):
                    try:
                        return verify(ctx, case)
                    except (HypothesisException, StopTest):
                        raise
                    except BaseException:
                        if first[0] is None:
                            first[0] = time.perf_counter() - started
                        raise
                return verify_and_note

            known = None
            with quiet(), executor_for(str(folder), mode=mode) as impl:
                for check in checks:
                    result = impl.run(dataclasses.replace(check, verify=spy(check.verify)))
                    if result.status != 'passed':
                        known, culprit = time.perf_counter() - started, check.id
                        afters.append(result.examples_after_failure)
                        nodes.append(case_nodes(result.case))
                        break
            if known is None:
                continue  # the exercise lost no points: tests/checks/test_corpus.py says so
            knowns.append(known)
            founds.append(first[0] if first[0] is not None else known)
        if knowns:
            found_all.append(median(founds))
            known_all.append(median(knowns))
            after_all.append(max(afters))
            per_bug.append((median(knowns), median(founds), bug.name, bug.exercise, culprit,
                            max(afters), max(nodes)))
    shutil.rmtree(directory, ignore_errors=True)
    per_bug.sort(reverse=True)
    rows = [('median over bugs', '', s(median(found_all)), s(median(known_all)),
             s(median(known_all) - median(found_all)), s(median(after_all), 0), ''),
            ('90th percentile', '', s(_quantile(found_all, 0.9)), s(_quantile(known_all, 0.9)),
             '', s(_quantile(after_all, 0.9), 0), ''),
            ('worst', '', s(max(found_all, default=None)), s(max(known_all, default=None)), '',
             max(after_all, default='–'), '')]
    rows += [(f'`{name}` ({exercise})', f'`{culprit}`', s(found), s(known), s(known - found),
              after, size) for known, found, name, exercise, culprit, after, size in per_bug[:5]]
    table(HEADERS['first_failure'],
          ['bug', 'first failing check', 'failing example found (s)', 'failure known (s)',
           'shrinking (s)', 'examples after the failure', 'nodes in the case shown'], rows,
          note=f'{len(known_all)} bug(s) (tests/corpus), each graded as `python '
               'grader.py --exercise exN` grades it: the checks of the bug\'s exercise run in '
               'this process as its judge runs them, in grade order until one fails, the bug in '
               f'an executor in sandbox mode {mode} ({why}); the clock starts before the '
               'executor does, so its start-up is included (add the grader\'s own start-up, the '
               'last row of c., for the command line). "found": the first example on which the '
               'implementation was wrong; "known": the failed check\'s result is complete, its '
               'example shrunk and reduced. "examples after the failure": shrinking and reducing '
               f'(at most {_after_failure_bound()} by checks/profiles.py). The five slowest bugs '
               'follow.')
    failing_report(quick, repeat)


FAILING_REPORT_BUG = 'funcify_add_no_parentheses'   # a user timed this one: 13.2 s against 3.5 s


def failing_report(quick, repeat):
    """`python grader.py` on the reference and on the reference with one funcify() bug, runs
    interleaved: what a student with that bug waits for, against the same code without it."""
    import corpus

    bug = next(b for b in corpus.all_bugs() if b.name == FAILING_REPORT_BUG)
    directory = Path(tempfile.mkdtemp(prefix='bench-report-'))
    with quiet():
        getattr(corpus, 'write_variant', corpus.make_variant)(bug, directory)
    subjects = [('reference (passing)', str(ROOT / 'reference')),
                (f'`{bug.name}` ({bug.exercise})', str(directory / f'variant_{bug.name}'))]
    subset = ['--exercise', bug.exercise] if quick else []
    walls, reports = {label: [] for label, _ in subjects}, {}
    for i in range(repeat):
        for label, impl in subjects:
            out = directory / f'report-{i}.json'
            wall, _, done, _ = timed_command(
                [sys.executable, 'grader.py', '--impl', impl, *subset, '--format', 'json',
                 '--output', str(out)], env=grader_env())
            if done.returncode not in (0, 1):
                raise SystemExit(f'the grade failed:\n{done.stderr[-2000:]}')
            walls[label].append(wall)
            report = json.loads(out.read_text())
            if label in reports and _without_times(report) != _without_times(reports[label]):
                reports[label + ' (reports differ between runs!)'] = report
            reports.setdefault(label, report)
    rows, passing = [], median(walls[subjects[0][0]])
    for label, _ in subjects:
        report = reports[label]
        checks = [c for e in report['exercises'] for c in e['checks']]
        failed = [c for c in checks if c['status'] != 'passed']
        rows.append((label, len(walls[label]), s(median(walls[label])), s(min(walls[label])),
                     s(max(walls[label])), f'{median(walls[label]) / passing:.2f}x',
                     f'{report["score"]:g}/{report["max_score"]:g}',
                     sum(c['examples'] for c in checks),
                     ', '.join(f'`{c["id"]}` {c["examples"]} ex., {c["seconds"]:.2f} s, '
                               f'{case_nodes(c["case"])} nodes' for c in failed) or '–'))
    differ = [label for label in reports if label.endswith('differ between runs!)')]
    table(HEADERS['failing_report'],
          ['implementation', 'runs', 'wall median (s)', 'min', 'max', 'against passing',
           'score', 'examples', 'failed checks: examples, seconds, nodes in the case shown'],
          rows,
          note='`python grader.py --impl ...`' + (f' `--exercise {bug.exercise}`' if quick else '')
               + f', a fresh process each run as in a., the two implementations interleaved. '
               f'{bug.why}. Goal: the failing report at most 1.5x the passing one (issue 11). '
               'Same seed, same report in every run: ' + ('NO, ' + ', '.join(differ) if differ
                                                          else 'yes') + '.')
    shutil.rmtree(directory, ignore_errors=True)


def _after_failure_bound():
    from checks.profiles import REDUCE_RUNS, SHRINK_EXAMPLES
    return SHRINK_EXAMPLES['quick'] + REDUCE_RUNS


def case_nodes(data):
    """The nodes of every graph in a case as reports carry it (checks.explain.encode)."""
    if isinstance(data, dict):
        if isinstance(data.get('graph'), list):
            return len(data['graph'])
        return sum(case_nodes(value) for value in data.values())
    if isinstance(data, list):
        return sum(case_nodes(item) for item in data)
    return 0


def _quantile(values, q):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# --- c. isolation ------------------------------------------------------------------------------

def isolation(quick, repeat):
    from grading.sandbox import MODES, SandboxError, choose

    starts = 3 if quick else max(10, 2 * repeat)
    trips = 200 if quick else 5000
    rows = []
    for mode in MODES:
        try:
            choose(mode)
        except SandboxError as error:
            rows.append((mode, 0, f'not usable here: {error}', '', '', '', '', '', ''))
            continue
        try:
            rows.append((mode, starts, *_isolation_costs(mode, starts, trips)))
        except Exception as error:  # noqa: BLE001 - GRADER_SANDBOX=mode would fail the same way
            rows.append((mode, 0, f'failed here: {type(error).__name__}: {error}', '', '', '', '',
                         '', ''))
    wall, *_ = timed_command([sys.executable, '-c', 'import grading.cli, checks; '
                                'checks.all_checks()'], env=grader_env())
    rows.append(('(for scale: the grader process itself, python then its imports)', 1, '',
                 s(1000 * wall, 0), '', '', '', '', ''))
    table(HEADERS['isolation'],
          ['sandbox mode', 'starts', 'sandbox set-up and removal, once per grade (ms)',
           'executor start: launch to first answer (ms)', 'executor stop (ms)', 'round trips',
           'round trip: wall (µs)', 'round trip: judge CPU (µs)',
           'round trip: executor CPU (µs)'], rows,
          note='Per mode GRADER_SANDBOX can choose (grading.sandbox.choose says why one cannot be '
               'used here). "set-up": grading.sandbox.Sandbox created (a scratch root, a copy of '
               'the executor package, the submission\'s copy) and removed, for the reference. '
               '"start": from launching the executor of the reference to its first answer (the '
               'sandbox, Python, the import of the reference, the greeting, one empty round '
               'trip); "stop": killing it and everything it started. A grade starts one executor '
               'per exercise (eight), each in a judge forked from the grader. "round trip": one '
               'request that asks nothing, answered (median of batches); judge CPU is this '
               'process\'s (framing, JSON, validation, waiting), executor CPU from /proc '
               '(Executor.cpu_seconds, 10 ms ticks: an average over the batch). How many round '
               'trips and steps a grade makes: table a, "where the time goes".')


def _isolation_costs(mode, starts, trips):
    from grading.local import executor_for

    reference = str(ROOT / 'reference')
    setup = []
    for _ in range(starts):
        started = time.perf_counter()
        with executor_for(reference, mode=mode):
            pass
        setup.append(time.perf_counter() - started)
    launched, stopped = [], []
    with quiet(), executor_for(reference, mode=mode) as impl:
        executor = impl.executor
        for _ in range(starts):
            started = time.perf_counter()
            executor.exchange(dict(EMPTY, reset=True), time.monotonic() + 60)
            answered = time.perf_counter()
            executor.stop()
            launched.append(answered - started)
            stopped.append(time.perf_counter() - answered)
        executor.exchange(dict(EMPTY, reset=True), time.monotonic() + 60)
        for _ in range(50):  # warm
            executor.exchange(EMPTY, time.monotonic() + 60)
        batches, walls, cpus, executor_cpus = 5, [], [], []
        for _ in range(batches):
            n = max(1, trips // batches)
            before = executor.cpu_seconds()
            cpu, started = time.process_time(), time.perf_counter()
            for _ in range(n):
                executor.exchange(EMPTY, time.monotonic() + 60)
            walls.append((time.perf_counter() - started) / n)
            cpus.append((time.process_time() - cpu) / n)
            after = executor.cpu_seconds()
            if before is not None and after is not None:
                executor_cpus.append((after - before) / n)
    return (s(1000 * median(setup), 0), s(1000 * median(launched), 0),
            s(1000 * median(stopped), 0), batches * max(1, trips // batches),
            s(1e6 * median(walls), 0), s(1e6 * median(cpus), 0),
            s(1e6 * sum(executor_cpus) / len(executor_cpus), 0) if executor_cpus else '–')


# --- d. bulk ------------------------------------------------------------------------------------

BUGGY_SUBMISSIONS = {
    'add_grad_first_only': ('class Add(reference.Add):\n    def grad(self):\n'
                            '        return [1.0] + [0.0] * (len(self.children) - 1)\n'),
    'relu_grad_inverted': ('class ReLU(reference.ReLU):\n    def grad(self):\n'
                           '        return [0.0 if self.children[0].forward() > 0 else 1.0]\n'),
    'sigmoid_grad_s': ('class Sigmoid(reference.Sigmoid):\n    def grad(self):\n'
                       '        return [self.forward()]\n'),
    'mse_grad_sign': ('def mse_loss_grad(y_true, y_pred):\n    return 2 * (y_true - y_pred)\n'),
}


def bulk(quick, repeat):
    n = 2 if quick else 8
    folder = Path(tempfile.mkdtemp(prefix='bench-batch-')) / 'submissions'
    folder.mkdir()
    buggy = list(BUGGY_SUBMISSIONS.items())
    for i in range(n):
        if i % 2 == 0 or not buggy:
            text = 'from reference import *\n'
            name = f'student{i:02d}_reference'
        else:
            bug, code = buggy[(i // 2) % len(buggy)]
            text = f'from reference import *\nimport reference\n\n\n{code}'
            name = f'student{i:02d}_{bug}'
        (folder / f'{name}.py').write_text(text)
    subset = ['--exercise', 'ex1'] if quick else []
    rows, walls = [], {}
    # One CPU (taskset) is the baseline: throughput per core. Then -j 1 and -j 2 on every CPU.
    one_cpu = ['taskset', '-c', str(min(os.sched_getaffinity(0)))] \
        if shutil.which('taskset') and hasattr(os, 'sched_getaffinity') else None
    setups = ([('-j 1 on one CPU (taskset)', 1, one_cpu)] if one_cpu else []) + \
        [(f'-j {jobs}', jobs, []) for jobs in (1, 2)]
    for label, jobs, prefix in setups:
        times = []
        for i in range(1 if quick else max(1, round(repeat / 3))):
            output = folder.parent / f'grades-{len(walls)}-{i}'
            wall, _, done, _ = timed_command([*prefix, sys.executable, 'grader.py', '--batch',
                                           str(folder), '-j', str(jobs), '--output', str(output),
                                           *subset], env=grader_env())
            if done.returncode != 0:
                raise SystemExit(f'--batch failed:\n{done.stderr[-2000:]}')
            times.append(wall)
        walls[label] = median(times)
        base = next(iter(walls.values()))
        rows.append((label, n, len(times), s(walls[label], 1), s(60 * n / walls[label], 1),
                     s(base / walls[label])))
    shutil.rmtree(folder.parent, ignore_errors=True)
    table(HEADERS['bulk'],
          ['jobs', 'submissions', 'runs', 'wall (s)', 'submissions per minute',
           'speed-up over the first row'], rows,
          note=f'`python grader.py --batch DIR -j N`: {n} single-file submissions, half `from '
               'reference import *`, half with one method overridden wrongly' +
               (', only ex1 (--quick)' if quick else ', every check at the quick profile') +
               '. Each submission is graded in a process of its own, which grades its '
               'exercises side by side on its share of the CPUs (CPUs // -j): with -j 1 on two '
               'CPUs, two exercises at once; with -j 2, one at a time. The first row pins the '
               'whole batch to one CPU: the speed-up over it is what the cores give.')


# --- e. the engine ------------------------------------------------------------------------------

def engine(quick, repeat):
    import exercises
    import exercises.examples
    import reference
    import reference.examples

    from reference.examples import above_the_line_data

    samples = 100 if quick else 1000
    data = above_the_line_data(samples, random.Random(1))
    engines = {
        "article's engine (exercises/, as shipped)":
            _article_step(exercises, exercises.examples.above_the_line_model(random.Random(0))),
        'reference, compiled': _article_step(
            reference, reference.examples.above_the_line_model(random.Random(0)).compile()),
        'reference, not compiled': _article_step(
            reference, reference.examples.above_the_line_model(random.Random(0))),
    }
    engines['micrograd'] = _micrograd_step()
    engines['PyTorch (scalar autograd)'] = _torch_step()
    times = {name: [] for name, step in engines.items() if step is not None}
    walls = {name: [] for name in times}
    for _ in range(1 if quick else max(15, 3 * repeat)):  # cheap: a few seconds in all
        for name in times:  # interleaved, so that a busy moment hits every engine alike
            step = engines[name]
            cpu, wall = time.process_time(), time.perf_counter()
            for x, y in data:
                step(x, y)
            times[name].append((time.process_time() - cpu) / len(data) * 1e6)
            walls[name].append((time.perf_counter() - wall) / len(data) * 1e6)
    article = median(times["article's engine (exercises/, as shipped)"])
    compiled = median(times['reference, compiled'])
    micro = median(times['micrograd']) if 'micrograd' in times else None
    rows = []
    for name, step in engines.items():
        if step is None:
            rows.append((name, 'not installed', '', '', ''))
            continue
        t = median(times[name])
        rows.append((name, s(t, 1), s(median(walls[name]), 1), s(article / t),
                     s(micro / t) if micro else '–'))
    table(HEADERS['engine'],
          ['engine', 'µs per step (CPU, median)', 'µs per step (wall)', 'speed-up over the '
           "article's engine", 'speed-up over micrograd'], rows,
          note=f'One step = predict(x), bce_loss, backward(bce_loss_grad) on one sample, as '
               f'train_model does; {samples} samples of reference.examples.above_the_line_data '
               '(seed 1), the model of above_the_line_model (seed 0) in each engine. micrograd '
               'has no sigmoid: a sigmoid Value written the way micrograd writes relu stands '
               'in; its graph is rebuilt every step (that is how micrograd works). Goal: the '
               f'compiled reference at least 3x faster than the article\'s engine '
               f'({s(article / compiled)}x here) and faster than micrograd.')
    ladder(quick, repeat)


def _article_step(module, model):
    loss, loss_grad = module.bce_loss, module.bce_loss_grad

    def step(x, y):
        prediction = model.predict(x)
        loss(y, prediction)
        model.backward(loss_grad(y, prediction))
    return step


def _sigmoid(x):
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _micrograd_step():
    try:
        from micrograd.engine import Value
    except ImportError:
        return None

    def sigmoid(v):
        out = Value(_sigmoid(v.data), (v,), 'sigmoid')

        def _backward():
            v.grad += out.data * (1.0 - out.data) * out.grad
        out._backward = _backward
        return out

    rng = random.Random(0)
    w1, w2, b1, w3, b2 = params = [Value(rng.uniform(-1, 1)) for _ in range(5)]
    import reference
    bce, bce_grad = reference.bce_loss, reference.bce_loss_grad

    def step(x, y):
        hidden = (w1 * x[0] + w2 * x[1] + b1).relu()
        out = sigmoid(w3 * hidden + b2)
        bce(y, out.data)
        (out * bce_grad(y, out.data)).backward()
        for p in params:
            p.data -= 0.01 * p.grad
            p.grad = 0
    return step


def _torch_step():
    try:
        import torch
    except ImportError:
        return None
    rng = random.Random(0)
    params = [torch.tensor(rng.uniform(-1, 1), dtype=torch.float64, requires_grad=True)
              for _ in range(5)]
    w1, w2, b1, w3, b2 = params
    import reference
    bce, bce_grad = reference.bce_loss, reference.bce_loss_grad

    def step(x, y):
        hidden = torch.relu(w1 * x[0] + w2 * x[1] + b1)
        out = torch.sigmoid(w3 * hidden + b2)
        p = out.item()
        bce(y, p)
        out.backward(torch.tensor(bce_grad(y, p), dtype=torch.float64))
        with torch.no_grad():
            for q in params:
                q -= 0.01 * q.grad
                q.grad = None
    return step


def ladder(quick, repeat):
    import exercises
    import reference
    from checks.strategies import ladder as ladder_graph

    depths = [1, 2, 4, 8] if quick else [1, 2, 4, 8, 16, 32, 64, 128]
    article_limit = 8 if quick else 16  # its forward() doubles with every rung
    builders = {
        "article's engine (forward only)": lambda k: _ladder_forward(exercises, ladder_graph(k)),
        'reference, compiled (step)':
            lambda k: _ladder_step(reference, ladder_graph(k, learning_rate=1e-12)),
        'micrograd (step)': _micrograd_ladder,
    }
    rows = []
    per_rung = {}
    for name, build in builders.items():
        row = [name]
        for k in depths:
            if name.startswith("article") and k > article_limit:
                row.append('–')
                continue
            try:
                step = build(k)
                if step is None:
                    row.append('n/a')
                    continue
                t = _time_step(step, quick, repeat)
            except RecursionError:
                row.append('RecursionError')
                continue
            row.append(s(t, 1))
            per_rung.setdefault(name, []).append((k, t))
        rows.append(row)
    for name, points in per_rung.items():
        if len(points) >= 2:
            (k0, t0), (k1, t1) = points[-2], points[-1]
            rows.append([f'{name}: growth from {k0} to {k1} rungs',
                         f'x{t1 / t0:.2f} for x{k1 / k0:g} rungs'] + [''] * (len(depths) - 1))
    table(HEADERS['ladder'], ['engine'] + [f'{k} rungs' for k in depths], rows,
          note='µs per step (CPU, median) on a_{k+1} = p_k a_k + q_k a_k (checks.strategies.'
               'ladder): 5 nodes per rung, 2^k paths from the root to the input. A step is '
               'predict then backward; the article\'s engine raises NotImplementedError for '
               'backward() on a DAG (exercise 7), so only its forward() is timed, and that '
               'already doubles with every rung (no cache: each rung evaluates the one below '
               'twice). The reference and micrograd grow linearly. micrograd\'s backward() '
               'sorts the graph recursively, so at a few hundred rungs it reaches Python\'s '
               'recursion limit; the reference walks every graph with stacks of its own and '
               'works at thousands of rungs (tests/engine/test_deep_graphs.py).')


def _ladder_step(module, graph):
    """Tiny learning rates: repeated steps leave the values where they are."""
    from executor.adapters import ArticleAdapter
    root = ArticleAdapter(module).build(graph)[graph.root].compile()
    x = graph.nodes[0].value

    def step():
        root.predict([x])
        root.backward(1.0)
    return step


def _ladder_forward(module, graph):
    from executor.adapters import ArticleAdapter
    root = ArticleAdapter(module).build(graph)[graph.root]
    return root.forward


def _micrograd_ladder(rungs):
    try:
        from micrograd.engine import Value
    except ImportError:
        return None
    values = (0.6, 0.45)
    params = [(Value(values[k % 2]), Value(values[(k + 1) % 2])) for k in range(rungs)]

    def step():
        a = Value(0.8)
        for p, q in params:
            a = p * a + q * a
        a.backward()
        for p, q in params:
            p.data -= 1e-12 * p.grad
            q.data -= 1e-12 * q.grad
            p.grad = q.grad = 0
    return step


def _time_step(step, quick, repeat):
    """Median CPU µs of one call, over batches of about 20 ms."""
    started = time.process_time()
    step()
    once = max(time.process_time() - started, 1e-6)
    batch = max(1, min(10000, int(0.02 / once)))
    results = []
    for _ in range(max(3, repeat) if not quick else 1):
        started = time.process_time()
        for _ in range(batch):
            step()
        results.append((time.process_time() - started) / batch * 1e6)
    return median(results)


if __name__ == '__main__':
    sys.exit(main())
