"""Benchmarks of the grader and of the reference engine: python benchmarks/run.py [--quick].

Prints Markdown tables (docs/performance.md holds the latest), one section per question:

  a. the grader: a whole grade of the reference (quick and thorough profiles), and where the time
     goes, exercise by exercise (child processes, Hypothesis, check bodies, the implementation);
  b. the time until a student learns what is wrong: the first failed check of each bug of the
     corpus (tests/corpus), measured in this process;
  c. the cost of process isolation: one child, forked or spawned;
  d. bulk grading with --batch, -j 1 against -j 2;
  e. the engine: one SGD step of the article's classifier in the article's engine (exercises/),
     the reference, micrograd and PyTorch when installed, and how a step grows with the depth of
     a ladder DAG.

Every figure is a median over --repeat runs; every ratio compares figures of this one run. Engine
times are CPU time (time.process_time), so that other work on the machine does not inflate them;
grader times are wall clock (what a student waits for) with the CPU time beside them.
--quick shrinks every section to a few seconds (the CI smoke test); --repo PATH measures another
checkout of the project (say, an older commit) with this script.
"""
import argparse
import contextlib
import dataclasses
import importlib
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
import tempfile
import time
from pathlib import Path

HEADERS = {
    'machine': '## Machine',
    'grader': '## a. Grader: a whole grade of the reference',
    'breakdown': '## a. Grader: where the time goes, per exercise',
    'first_failure': '## b. Time to the first failure, bug corpus',
    'isolation': '## c. Process isolation: cost of one child',
    'bulk': '## d. Bulk grading with --batch',
    'engine': "## e. Engine: one SGD step of the article's classifier",
    'ladder': '## e. Engine: step time against the depth of a ladder DAG',
}
SECTIONS = ('grader', 'first_failure', 'isolation', 'bulk', 'engine')
ROOT = Path(__file__).resolve().parents[1]


def main(argv=None):
    global ROOT
    p = argparse.ArgumentParser(prog='python benchmarks/run.py', description=__doc__.split('\n')[0])
    p.add_argument('--quick', action='store_true', help='tiny sizes: every table in seconds')
    p.add_argument('--repeat', type=int, help='runs per figure (default 5, --quick 1)')
    p.add_argument('--only', help=f'comma-separated sections: {",".join(SECTIONS)}')
    p.add_argument('--repo', help='the checkout to measure (default: this one)')
    args = p.parse_args(argv)
    if args.repo:
        ROOT = Path(args.repo).resolve()
    sys.path.insert(0, str(ROOT))
    sys.path.insert(1, str(ROOT / 'tests'))  # the bug corpus
    repeat = args.repeat or (1 if args.quick else 5)
    only = args.only.split(',') if args.only else SECTIONS
    unknown = set(only) - set(SECTIONS)
    if unknown:
        p.error(f'--only: no section {", ".join(sorted(unknown))}')
    machine()
    for section in SECTIONS:
        if section in only:
            globals()[section](args.quick, repeat)
            sys.stdout.flush()
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


def timed_command(argv, env=None):
    """(wall seconds, CPU seconds of the process and its children, completed process), run in
    the measured checkout."""
    cpu, started = children_cpu(), time.perf_counter()
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True)
    return time.perf_counter() - started, children_cpu() - cpu, done


def grader_env():
    env = {k: v for k, v in os.environ.items() if not k.startswith(('GITHUB_', 'PYTEST_'))}
    env.update(PYTHONDONTWRITEBYTECODE='1', NO_COLOR='1')
    env.pop('GRADER_START_METHOD', None)
    return env


@contextlib.contextmanager
def quiet():
    """Checks train models that print: keep it off the tables."""
    with contextlib.redirect_stdout(io.StringIO()):
        yield


def machine():
    import hypothesis
    print('# Benchmarks\n')
    print(f'Measured {time.strftime("%Y-%m-%d %H:%M")} on {ROOT}')
    table(HEADERS['machine'], ['what', 'value'], [
        ('CPUs usable (nproc)', _cpus()),
        ('CPU model', _cpu_model()),
        ('Python', platform.python_version()),
        ('Hypothesis', hypothesis.__version__),
        ('platform', platform.platform()),
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
        if '-j' in extra and not _supports_jobs():
            continue
        walls, cpus = [], []
        for i in range(repeat if profile == 'quick' else max(1, (repeat + 1) // 2)):
            report = out / f'{profile}-{len(extra)}-{i}.json'
            wall, cpu, done = timed_command(
                [sys.executable, 'grader.py', '--impl', 'reference', *subset, *extra,
                 '--format', 'json', '--output', str(report)], env=grader_env())
            if done.returncode != 0:
                raise SystemExit(f'the grade failed:\n{done.stderr[-2000:]}')
            walls.append(wall)
            cpus.append(cpu)
            reports[(profile, jobs)] = json.loads(report.read_text())
        data = reports[(profile, jobs)]
        examples = sum(c['examples'] for e in data['exercises'] for c in e['checks'])
        goal = 10 if profile == 'quick' else 60
        rows.append((profile, jobs, len(walls), s(median(walls)), s(min(walls)), s(max(walls)),
                     s(median(cpus)), examples, f'{data["score"]:g}/{data["max_score"]:g}',
                     f'<= {goal} s'))
    # Same seed, same report, however many exercises run at once.
    same = None
    if ('quick', 'default') in reports and ('quick', '1 (one exercise at a time)') in reports:
        same = _without_times(reports[('quick', 'default')]) == \
            _without_times(reports[('quick', '1 (one exercise at a time)')])
    table(HEADERS['grader'],
          ['profile', 'exercises at once (-j)', 'runs', 'wall median (s)', 'min', 'max',
           'CPU median (s)', 'examples', 'score', 'goal (wall)'], rows,
          note='`python grader.py --impl reference` (a fresh process each run, as a student '
               'types it), wall clock from start to exit, and the CPU time of the grader and all '
               'its children.' + (' Only ex1 (--quick).' if quick else '') +
               ('' if same is None else f' Reports with -j 1 and the default -j identical '
                f'(times aside): {"yes" if same else "NO"}.'))
    shutil.rmtree(out, ignore_errors=True)
    breakdown(quick, repeat)


def _supports_jobs():
    return '--jobs' in (ROOT / 'grading' / 'cli.py').read_text() and \
        'run_exercises' in (ROOT / 'grading' / 'isolation.py').read_text()


def _without_times(report):
    if isinstance(report, dict):
        return {k: _without_times(v) for k, v in report.items() if k != 'seconds'}
    if isinstance(report, list):
        return [_without_times(v) for v in report]
    return report


def breakdown(quick, repeat):
    """Per exercise: a child of its own (as the grader runs it), then the same checks in this
    process with the check bodies and the implementation's own calls timed."""
    import reference
    from checks import all_checks, runner
    from checks.adapters import ArticleAdapter
    from checks.profiles import DEFAULT_SEED
    from grading.isolation import Limits

    exercises = ['ex1'] if quick else list(dict.fromkeys(c.exercise for c in all_checks()))
    adapter = ArticleAdapter(reference, source_paths=[reference.__path__[0]])
    target = _target('reference')
    rows = []
    totals = [0.0] * 7
    for exercise in exercises:
        checks = [c for c in all_checks() if c.exercise == exercise]
        isolated, inside = [], []
        process, bodies, implementation = [], [], []
        examples = None
        for _ in range(1 if quick else max(1, repeat // 2)):
            workdir = tempfile.mkdtemp(prefix='bench-iso-')
            started = time.perf_counter()
            results = _isolated(target, [c.id for c in checks], DEFAULT_SEED, Limits(), workdir)
            isolated.append(time.perf_counter() - started)
            inside.append(sum(r.seconds for r in results.values()))
            shutil.rmtree(workdir, ignore_errors=True)
            with quiet(), _timing(reference) as spent:
                started = time.perf_counter()
                body, count = 0.0, 0
                for check in checks:
                    timed_check, clock = _timed_verify(check)
                    count += runner.run(timed_check, adapter, seed=DEFAULT_SEED).examples
                    body += clock[0]
                process.append(time.perf_counter() - started)
            examples = count
            bodies.append(body)
            implementation.append(spent[0])
        values = [median(isolated), median(isolated) - median(inside), median(process),
                  median(bodies), median(implementation), median(bodies) - median(implementation),
                  median(process) - median(bodies)]
        totals = [t + v for t, v in zip(totals, values)]
        rows.append((exercise, len(checks), examples, *(s(v) for v in values)))
    rows.append(('**all**', '', '', *(f'**{s(v)}**' for v in totals)))
    table(HEADERS['breakdown'],
          ['exercise', 'checks', 'examples', 'child: wall (s)', 'child: outside checks (s)',
           'in-process: total (s)', 'check bodies (s)', 'implementation (s)',
           'oracle & comparisons (s)', 'Hypothesis (s)'], rows,
          note='"child": the exercise run alone by grading/isolation.py, one child process, as '
               'in a grade; "outside checks" is that wall time minus the checks\' own seconds '
               '(start-up, the import of the implementation, the integrity snapshots, stopping '
               'the child). "in-process": the same checks run here, no isolation. "check bodies": '
               'time inside the checks\' verify(), which builds graphs in the implementation, runs '
               'it, and compares it with the oracle; "implementation": the part of it spent in '
               'the reference\'s own methods (timed by wrappers, their overhead included); '
               '"Hypothesis": generating examples and running its engine, i.e. in-process total '
               'minus check bodies. The reference fails nothing, so nothing is shrunk (see b. for '
               'shrinking). Sums of medians.')


def _target(name):
    from grading.loader import resolve
    return resolve(str(ROOT / name))


def _isolated(target, check_ids, seed, limits, workdir, exercise='bench'):
    """One exercise in child processes, whichever version of grading/isolation.py this is."""
    from grading import isolation
    with quiet():
        if hasattr(isolation, 'run_exercises'):
            return isolation.run_exercises(target, {exercise: check_ids}, seed, 'quick', limits,
                                           workdir)
        return isolation.run_exercise(target, check_ids, seed, 'quick', limits, workdir,
                                      os.path.join(workdir, '.student-output'))


def _timed_verify(check):
    """A copy of `check` whose verify() adds its duration to clock[0]."""
    clock = [0.0]
    verify = check.verify

    def timed(ctx, case):
        started = time.perf_counter()
        try:
            return verify(ctx, case)
        finally:
            clock[0] += time.perf_counter() - started

    return dataclasses.replace(check, verify=timed), clock


@contextlib.contextmanager
def _timing(module):
    """Times every call into the implementation's functions and methods, outermost calls only."""
    spent, depth = [0.0], [0]

    def wrap(function):
        def wrapper(*args, **kwargs):
            if depth[0]:
                return function(*args, **kwargs)
            depth[0] += 1
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[0] += time.perf_counter() - started
                depth[0] -= 1
        wrapper.__wrapped__ = function
        return wrapper

    saved, classes = [], []
    for name in dir(module):
        obj = getattr(module, name)
        if isinstance(obj, type):
            classes += [c for c in obj.__mro__ if c.__module__.startswith(module.__name__)]
        elif callable(obj) and getattr(obj, '__module__', '').startswith(module.__name__):
            saved.append((module, name, obj))
            setattr(module, name, wrap(obj))
    for cls in dict.fromkeys(classes):
        for attr, value in list(vars(cls).items()):
            if not callable(value) or isinstance(value, (staticmethod, classmethod, type)):
                continue
            if attr.startswith('__') and attr not in ('__init__', '__call__'):
                continue
            if attr == 'on_backward':
                continue  # the reference compares it by identity: wrapping it would change it
            saved.append((cls, attr, value))
            setattr(cls, attr, wrap(value))
    try:
        yield spent
    finally:
        for owner, attr, value in reversed(saved):
            setattr(owner, attr, value)


# --- b. time to the first failure --------------------------------------------------------------

def first_failure(quick, repeat):
    from hypothesis.errors import HypothesisException, StopTest

    from checks import all_checks, runner
    from checks.adapters import ArticleAdapter
    from checks.profiles import DEFAULT_SEED
    from corpus import all_bugs, make_variant

    bugs = all_bugs()
    if quick:
        bugs = bugs[:1]
    directory = Path(tempfile.mkdtemp(prefix='bench-bugs-'))
    found_all, known_all, per_bug = [], [], []
    for bug in bugs:
        with quiet():
            module = make_variant(bug, directory)
        adapter = ArticleAdapter(module, source_paths=[module.__path__[0]])
        checks = [c for c in all_checks() if c.exercise == bug.exercise]
        founds, knowns, culprit = [], [], None
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
            with quiet():
                for check in checks:
                    result = runner.run(dataclasses.replace(check, verify=spy(check.verify)),
                                        adapter, seed=DEFAULT_SEED, example_timeout=2.0)
                    if result.status != 'passed':
                        known, culprit = time.perf_counter() - started, check.id
                        break
            if known is None:
                continue  # the exercise lost no points: tests/checks/test_corpus.py says so
            knowns.append(known)
            founds.append(first[0] if first[0] is not None else known)
        if knowns:
            found_all.append(median(founds))
            known_all.append(median(knowns))
            per_bug.append((median(knowns), median(founds), bug.name, bug.exercise, culprit))
    shutil.rmtree(directory, ignore_errors=True)
    per_bug.sort(reverse=True)
    rows = [('median over bugs', '', s(median(found_all)), s(median(known_all)),
             s(median(known_all) - median(found_all))),
            ('90th percentile', '', s(_quantile(found_all, 0.9)), s(_quantile(known_all, 0.9)),
             ''),
            ('worst', '', s(max(found_all, default=None)), s(max(known_all, default=None)), '')]
    rows += [(f'`{name}` ({exercise})', f'`{culprit}`', s(found), s(known), s(known - found))
             for known, found, name, exercise, culprit in per_bug[:5]]
    table(HEADERS['first_failure'],
          ['bug', 'first failing check', 'failing example found (s)', 'failure known (s)',
           'shrinking (s)'], rows,
          note=f'{len(known_all)} bug(s) (tests/corpus, make_variant), each graded as `python '
               'grader.py --exercise exN` grades it, measured in this process (no child '
               'process; add the start-up of c. and about half a second of imports for the '
               'command line): the checks of the bug\'s exercise run in grade order until one '
               'fails. "found": the first example on which the implementation was wrong; '
               '"known": the failed check\'s result is complete, its example shrunk. The five '
               'slowest bugs follow.')


def _quantile(values, q):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# --- c. process isolation ----------------------------------------------------------------------

def isolation(quick, repeat):
    import multiprocessing

    from checks.profiles import DEFAULT_SEED
    from grading.isolation import Limits

    n = 2 if quick else max(10, 2 * repeat)
    rows = []
    target = _target('reference')
    for method in ('fork', 'spawn'):
        if method not in multiprocessing.get_all_start_methods():
            rows.append((method, 'not available here', '', ''))
            continue
        context = multiprocessing.get_context(method)
        bare = []
        for _ in range(n):
            receive, send = context.Pipe(duplex=False)
            started = time.perf_counter()
            process = context.Process(target=_ready, args=(send,))
            process.start()
            send.close()
            receive.recv_bytes()
            bare.append(time.perf_counter() - started)
            process.join()
        whole = []
        previous = os.environ.get('GRADER_START_METHOD')
        os.environ['GRADER_START_METHOD'] = method
        try:
            for _ in range(n):
                workdir = tempfile.mkdtemp(prefix='bench-iso-')
                started = time.perf_counter()
                results = _isolated(target, ['ex1.tree'], DEFAULT_SEED, Limits(), workdir, 'ex1')
                whole.append(time.perf_counter() - started - results['ex1.tree'].seconds)
                shutil.rmtree(workdir, ignore_errors=True)
        finally:
            if previous is None:
                os.environ.pop('GRADER_START_METHOD', None)
            else:
                os.environ['GRADER_START_METHOD'] = previous
        rows.append((method, n, s(1000 * median(bare), 0), s(1000 * median(whole), 0)))
    wall, _, _ = timed_command([sys.executable, '-c', 'import grading.cli, checks; '
                                'checks.all_checks()'], env=grader_env())
    rows.append(('(the grader process itself: python, then its imports)', 1, '',
                 s(1000 * wall, 0)))
    table(HEADERS['isolation'],
          ['start method', 'runs', 'bare process: start to first message (ms)',
           'grader child, outside its check (ms)'], rows,
          note='"bare": multiprocessing starts a process that sends one message, from this '
               'parent, which has imported Hypothesis and the checks already (fork copies them; '
               'spawn imports them again). "grader child": grading/isolation.py grading one '
               'instant check (ex1.tree) of the reference: start, imports, the import of the '
               'implementation, the integrity snapshots, the messages, stopping and the search '
               'for leftover processes, minus the check\'s own seconds. The grader starts one '
               'child per exercise (eight for a whole grade).')


def _ready(conn):
    from checks import registry
    registry.all_checks()  # what the grader's worker does first
    conn.send_bytes(b'ready')


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
            wall, _, done = timed_command([*prefix, sys.executable, 'grader.py', '--batch',
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
               'twice). The reference and micrograd grow linearly (both recurse somewhere: the '
               'reference\'s compile() expands macros recursively, micrograd\'s backward() '
               'sorts the graph recursively, so at a few hundred rungs both reach Python\'s '
               'recursion limit).')


def _ladder_step(module, graph):
    """Tiny learning rates: repeated steps leave the values where they are."""
    from checks.adapters import ArticleAdapter
    root = ArticleAdapter(module).build(graph)[graph.root].compile()
    x = graph.nodes[0].value

    def step():
        root.predict([x])
        root.backward(1.0)
    return step


def _ladder_forward(module, graph):
    from checks.adapters import ArticleAdapter
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
