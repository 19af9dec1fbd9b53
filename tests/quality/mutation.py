"""Mutation testing of reference/ with the grader as the oracle (cosmic-ray).

A mutant is the reference engine with one small change (`+` made `-`, `>` made `>=`, a number
changed, a loop skipped...). Each mutant is graded with

    python grader.py --impl reference --profile quick --no-color

in a copy of the repository: exit 1 (some check failed) kills it, exit 0 (every check passed) means
it survived, and a grader still running after --timeout seconds is killed as a timeout. A survivor
is either an equivalent mutant (it still meets docs/contract.md) or a clause no check enforces;
docs/quality.md (section 4) classifies the survivors of the last full run.

    python -m pip install -e ".[mutation]"      # cosmic-ray, only needed here
    python tests/quality/mutation.py            # the working tree, 2 workers, 60 s per mutant
    python tests/quality/mutation.py --rev HEAD # a committed snapshot instead (reproducible)
    python tests/quality/mutation.py --report   # summarise the session again, run nothing

Duration: 791 mutants (every cosmic-ray core operator over the 7 graded files of reference/). The
last full run (docs/quality.md) took 70 minutes with 2 workers on a 2-core machine: a
grader run takes ~7 s alone, ~5.3 s of wall clock per mutant with two at once. Everything happens
in --workdir (default /tmp/mutation, never the repository: cosmic-ray mutates files in place), and
TMPDIR points there too, so the grader's scratch folders stay in it. The run is resumable:
interrupt it (Ctrl-C or `kill <pid>`) and run the same command again, it carries on with the
mutants not yet graded, as long as the graded sources are unchanged (otherwise it says so; --fresh
starts over). To shorten a run, --exclude-operators REGEX skips operators (matched against names
such as core/ReplaceBinaryOperator_Add_BitOr): '_(BitOr|BitAnd|BitXor|LShift|RShift)$' drops the
245 bitwise and shift replacements (about 20 minutes): on floats they raise TypeError as soon as
the line runs, so they mostly measure which lines run at all (38 of them survived the last run: on
integer arithmetic, or in code no check runs).

reference/examples.py is not mutated: it is the runnable demo (`python -m reference.examples`),
which the grader never imports (core.training builds its own models), so every mutant there would
survive without telling anything about the checks.

Output: <workdir>/summary.md and <workdir>/summary.json (every mutant, its outcome, the checks that
killed it, the diff), and the figures on stdout.
"""
import argparse
import hashlib
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import threading
import time
from collections import Counter, defaultdict
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MODULE = 'reference'
EXCLUDED = ['reference/examples.py']  # the demo: never imported by the grader (see above)
# What the outcome of a mutant depends on: if any of these change, old results are stale.
FINGERPRINTED = ('reference', 'checks', 'grading', 'grader.py', 'grading.toml')
IGNORED = shutil.ignore_patterns('.git', '__pycache__', '*.egg-info', '.pytest_cache',
                                 '.hypothesis', '.coverage', 'htmlcov', '*.pyc')
CHECK_LINE = re.compile(r'^\s*✗\s+(\S+)')
TOTAL_LINE = re.compile(r'^Total:\s*(\S+)')


def main(argv=None):
    args = parse_args(argv)
    workdir = Path(args.workdir).resolve()
    if workdir == REPO or REPO in workdir.parents:
        sys.exit('--workdir must be outside the repository: cosmic-ray mutates files in place')
    session = workdir / 'session.sqlite'
    if args.report:
        if not session.exists():
            sys.exit(f'no session in {workdir}: run without --report first')
        return report(workdir, args)
    _require_cosmic_ray()
    run(workdir, session, args)
    return report(workdir, args)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--workdir', default='/tmp/mutation', help='where the copies, the session and '
                   'the summary go (default /tmp/mutation)')
    p.add_argument('--rev', help='grade a git revision (e.g. HEAD) instead of the working tree')
    p.add_argument('--workers', type=int, default=2, help='mutants graded at once (default 2)')
    p.add_argument('--timeout', type=float, default=60.0,
                   help='seconds per mutant before it counts as killed by timeout (default 60)')
    p.add_argument('--profile', default='quick', choices=('quick', 'thorough'),
                   help="the grader's profile (default quick)")
    p.add_argument('--exclude-operators', action='append', default=[], metavar='REGEX',
                   help='skip the operators whose name matches (repeatable)')
    p.add_argument('--only', action='append', default=[], metavar='FILE',
                   help='mutate only this file of reference/ (repeatable), e.g. after a change to '
                        'it: reference/nodes.py')
    p.add_argument('--fresh', action='store_true', help='discard an existing session')
    p.add_argument('--report', action='store_true', help='only summarise the existing session')
    return p.parse_args(argv)


def _require_cosmic_ray():
    if shutil.which('cosmic-ray') is None:
        sys.exit('cosmic-ray is not installed: python -m pip install -e ".[mutation]"')


# --- the run ---------------------------------------------------------------------------------

def run(workdir, session, args):
    workdir.mkdir(parents=True, exist_ok=True)
    state_file = workdir / 'run.json'
    base = workdir / 'repo'
    source = _snapshot(workdir / 'snapshot', args.rev)
    fingerprint = _fingerprint(source)
    state = json.loads(state_file.read_text()) if state_file.exists() else {}
    resume = (not args.fresh and session.exists() and state.get('fingerprint') == fingerprint
              and state.get('excluded_operators', []) == args.exclude_operators)
    if session.exists() and not resume and not args.fresh:
        sys.exit(f'{session} was made from other sources or other options: run with --fresh to '
                 'start over (its results are then lost), or --report to summarise it')
    if not resume:
        for stale in (session, state_file, base):
            if stale.is_dir():
                shutil.rmtree(stale)
            elif stale.exists():
                stale.unlink()
        _copy(source, base)
        state = {'fingerprint': fingerprint, 'rev': _describe(args.rev),
                 'excluded_operators': args.exclude_operators, 'elapsed_seconds': 0.0,
                 'started': _now()}
    state.update(timeout=args.timeout, profile=args.profile, workers=args.workers)
    (workdir / 'tmp').mkdir(exist_ok=True)
    env = dict(os.environ, TMPDIR=str(workdir / 'tmp'), PYTHONDONTWRITEBYTECODE='1')
    command = (f'{shlex.quote(sys.executable)} grader.py --impl {MODULE} '
               f'--profile {args.profile} --no-color')
    state['test_command'] = command
    state['cosmic_ray'] = _cosmic_ray_version()

    print(f'baseline: {command}  (in {base})', flush=True)
    started = time.monotonic()
    baseline = subprocess.run(shlex.split(command), cwd=base, env=env, capture_output=True,
                              text=True)
    state['baseline_seconds'] = round(time.monotonic() - started, 1)
    if baseline.returncode != 0:
        sys.exit(f'the unmutated reference does not pass (exit {baseline.returncode}):\n'
                 + baseline.stdout[-3000:] + baseline.stderr[-3000:])
    print(f'baseline passes in {state["baseline_seconds"]} s', flush=True)

    ports = [_free_port() for _ in range(args.workers)]
    config = workdir / 'cosmic-ray.toml'
    config.write_text(_config(command, args, ports))
    if not resume:
        subprocess.run(['cosmic-ray', 'init', str(config), str(session)], cwd=base, check=True)
        if args.exclude_operators:
            subprocess.run(['cr-filter-operators', str(session), str(config)], cwd=base,
                           check=True)
    state_file.write_text(json.dumps(state, indent=2))

    workers, executor = [], None
    started = time.monotonic()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, _terminate)  # `kill <pid>` stops as cleanly as Ctrl-C
    try:
        for i, port in enumerate(ports):
            copy = workdir / f'worker-{i}'
            if copy.exists():
                shutil.rmtree(copy)  # a killed run may have left a mutated file behind
            _copy(base, copy)
            log = open(workdir / f'worker-{i}.log', 'a')
            workers.append(subprocess.Popen(
                ['cosmic-ray', 'http-worker', '--port', str(port)], cwd=copy, env=env,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
            _wait_for_port(port)
        threading.Thread(target=_progress, args=(session, stop, started), daemon=True).start()
        executor = subprocess.Popen(['cosmic-ray', 'exec', str(config), str(session)], cwd=base,
                                    env=env)
        if executor.wait() != 0:
            sys.exit(f'cosmic-ray exec failed (exit {executor.returncode})')
    finally:
        stop.set()
        if executor is not None and executor.poll() is None:
            executor.terminate()
            executor.wait()
        for worker in workers:  # only the workers this run started, by their process group
            try:
                os.killpg(worker.pid, signal.SIGTERM)
                worker.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(worker.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        state['elapsed_seconds'] = round(state.get('elapsed_seconds', 0.0)
                                         + time.monotonic() - started)
        state['finished'] = _now()
        state_file.write_text(json.dumps(state, indent=2))


def _terminate(signum, frame):
    raise KeyboardInterrupt(f'signal {signum}')


def _snapshot(target, rev):
    """The sources to copy: the working tree, or `git archive rev` unpacked into `target`."""
    if rev is None:
        return REPO
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    archive = subprocess.run(['git', '-C', str(REPO), 'archive', '--format=tar', rev],
                             capture_output=True, check=True)
    tar_path = target.parent / 'snapshot.tar'
    tar_path.write_bytes(archive.stdout)
    with tarfile.open(tar_path) as tar:
        try:
            tar.extractall(target, filter='data')
        except TypeError:  # Python before 3.10.12 / 3.11.4: no extraction filters
            tar.extractall(target)
    tar_path.unlink()
    return target


def _describe(rev):
    name = rev or 'working tree'
    try:
        commit = subprocess.run(['git', '-C', str(REPO), 'rev-parse', '--short', rev or 'HEAD'],
                                capture_output=True, text=True, check=True).stdout.strip()
        dirty = '' if rev else subprocess.run(
            ['git', '-C', str(REPO), 'status', '--porcelain', '--untracked-files=no'],
            capture_output=True, text=True).stdout.strip()
        return f'{name} ({commit}{", with uncommitted changes" if dirty else ""})'
    except (OSError, subprocess.CalledProcessError):
        return name


def _copy(source, target):
    shutil.copytree(source, target, ignore=IGNORED)


def _fingerprint(root):
    digest = hashlib.sha256()
    for name in FINGERPRINTED:
        path = root / name
        files = sorted(path.rglob('*.py')) if path.is_dir() else [path]
        for file in files:
            if '__pycache__' in file.parts or not file.exists():
                continue
            digest.update(str(file.relative_to(root)).encode() + b'\0' + file.read_bytes())
    return digest.hexdigest()


def _excluded(only):
    """EXCLUDED, plus every other file of reference/ when --only names some."""
    if not only:
        return EXCLUDED
    wanted = {Path(name).as_posix() for name in only}
    unknown = wanted - {f'{MODULE}/{f.name}' for f in (REPO / MODULE).glob('*.py')}
    if unknown:
        raise SystemExit(f'--only: no such file in {MODULE}/: {", ".join(sorted(unknown))}')
    others = [f'{MODULE}/{f.name}' for f in sorted((REPO / MODULE).glob('*.py'))
              if f'{MODULE}/{f.name}' not in wanted]
    return sorted(set(EXCLUDED) | set(others))


def _config(command, args, ports):
    lines = [
        '[cosmic-ray]',
        f'module-path = "{MODULE}"',
        f'excluded-modules = {json.dumps(_excluded(args.only))}',
        f'timeout = {args.timeout}',
        f'test-command = {json.dumps(command)}',
        '',
        '[cosmic-ray.distributor]',
        'name = "http"',
        '',
        '[cosmic-ray.distributor.http]',
        f'worker-urls = {json.dumps([f"http://localhost:{p}" for p in ports])}',
        '',
        '[cosmic-ray.filters.operators-filter]',
        f'exclude-operators = {json.dumps(args.exclude_operators)}',
        '',
    ]
    return '\n'.join(lines)


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _wait_for_port(port, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(('127.0.0.1', port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f'the cosmic-ray worker on port {port} did not start')


def _progress(session, stop, started):
    import sqlite3
    while not stop.wait(60):
        try:
            with sqlite3.connect(f'file:{session}?mode=ro', uri=True, timeout=5) as db:
                total = db.execute('select count(*) from work_items').fetchone()[0]
                done = db.execute('select count(*) from work_results').fetchone()[0]
        except sqlite3.Error:
            continue
        minutes = (time.monotonic() - started) / 60
        print(f'[{_now()}] {done}/{total} mutants graded, {minutes:.0f} min this run', flush=True)


def _cosmic_ray_version():
    try:
        from importlib.metadata import version
        return version('cosmic-ray')
    except Exception:  # noqa: BLE001 - only for the report
        return 'unknown'


def _now():
    return datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M:%S UTC')


# --- the report ------------------------------------------------------------------------------

def outcome_of(result):
    """survived, killed, timeout, incompetent, skipped or no-test."""
    # the session stores the enums' names (NORMAL, KILLED...), `cosmic-ray dump` their values
    worker = str(result['worker_outcome']).lower().replace('_', '-')
    test = str(result['test_outcome']).lower()
    if worker == 'skipped':
        return 'skipped'
    if worker == 'no-test':
        return 'no-test'
    if worker != 'normal' or test == 'incompetent':
        return 'incompetent'
    if test == 'survived':
        return 'survived'
    return 'timeout' if (result['output'] or '').strip() == 'timeout' else 'killed'


def load(session):
    import sqlite3
    with sqlite3.connect(f'file:{session}?mode=ro', uri=True) as db:
        db.row_factory = sqlite3.Row
        rows = db.execute(
            'select m.job_id, m.module_path, m.operator_name, m.occurrence, m.start_pos_row, '
            'm.start_pos_col, m.definition_name, r.worker_outcome, r.test_outcome, r.output, '
            'r.diff from mutation_specs m left join work_results r on r.job_id = m.job_id'
        ).fetchall()
    mutants = []
    for row in rows:
        row = dict(row)
        done = row['worker_outcome'] is not None
        output = row.pop('output') or ''
        mutant = {
            'file': row['module_path'], 'line': row['start_pos_row'], 'col': row['start_pos_col'],
            'operator': row['operator_name'].removeprefix('core/'),
            'occurrence': row['occurrence'], 'function': row['definition_name'],
            'outcome': outcome_of({**row, 'output': output}) if done else 'pending',
            'failed_checks': [m.group(1) for m in map(CHECK_LINE.match, output.splitlines()) if m],
            'score': next((m.group(1) for m in map(TOTAL_LINE.match, output.splitlines()) if m),
                          None),
            'diff': row['diff'] or '',
        }
        mutants.append(mutant)
    mutants.sort(key=lambda m: (m['file'], m['line'], m['col'], m['operator']))
    return mutants


def report(workdir, args):
    state_file = workdir / 'run.json'
    state = json.loads(state_file.read_text()) if state_file.exists() else {}
    mutants = load(workdir / 'session.sqlite')
    counts = Counter(m['outcome'] for m in mutants)
    judged = counts['killed'] + counts['timeout'] + counts['survived']
    score = (counts['killed'] + counts['timeout']) / judged if judged else 0.0
    figures = {'total': len(mutants), **{k: counts[k] for k in (
        'killed', 'timeout', 'survived', 'incompetent', 'skipped', 'no-test', 'pending')},
        'score': round(score, 4)}
    per_file = defaultdict(Counter)
    per_check = Counter()
    for m in mutants:
        per_file[m['file']][m['outcome']] += 1
        per_check.update(m['failed_checks'])
    survivors = [m for m in mutants if m['outcome'] == 'survived']
    timeouts = [m for m in mutants if m['outcome'] == 'timeout']
    # killed by a non-zero exit that names no failed check (an import error, a grader crash)
    unexplained = [m for m in mutants if m['outcome'] == 'killed' and not m['failed_checks']]
    (workdir / 'summary.json').write_text(json.dumps(
        {'run': state, 'figures': figures, 'per_file': per_file, 'per_check': per_check,
         'mutants': mutants}, indent=1, ensure_ascii=False))

    out = ['# Mutation testing of reference/ (cosmic-ray, grader as oracle)', '']
    out += [f'- {k}: {state[k]}' for k in ('rev', 'cosmic_ray', 'test_command', 'timeout',
                                          'workers', 'started', 'finished', 'elapsed_seconds',
                                          'baseline_seconds', 'excluded_operators')
            if k in state]
    out += ['', '| total | killed | timeout | survived | incompetent | skipped | pending | score |',
            '|---|---|---|---|---|---|---|---|',
            f"| {figures['total']} | {figures['killed']} | {figures['timeout']} | "
            f"{figures['survived']} | {figures['incompetent']} | {figures['skipped']} | "
            f"{figures['pending']} | {score:.1%} |", '',
            'score = (killed + timeout) / (killed + timeout + survived)', '',
            '## Per file', '', '| file | mutants | killed | timeout | survived | other |',
            '|---|---|---|---|---|---|']
    for file, c in sorted(per_file.items()):
        other = sum(c.values()) - c['killed'] - c['timeout'] - c['survived']
        out.append(f"| {file} | {sum(c.values())} | {c['killed']} | {c['timeout']} | "
                   f"{c['survived']} | {other} |")
    out += ['', '## Mutants each check fails on', '', '| check | mutants |', '|---|---|']
    out += [f'| {check} | {n} |' for check, n in per_check.most_common()]
    out += ['', f'## Survivors ({len(survivors)})', '']
    for m in survivors:
        out += [f"### {m['file']}:{m['line']} {m['operator']} #{m['occurrence']} "
                f"(in {m['function']})", '', '```diff', _short_diff(m['diff']), '```', '']
    out += [f'## Killed only by the {state.get("timeout", "?")} s timeout ({len(timeouts)})', '']
    for m in timeouts:
        out += [f"### {m['file']}:{m['line']} {m['operator']} #{m['occurrence']}", '', '```diff',
                _short_diff(m['diff']), '```', '']
    if unexplained:
        out += [f'## Killed with no failed check in the report ({len(unexplained)})', '']
        out += [f"- {m['file']}:{m['line']} {m['operator']} #{m['occurrence']}"
                for m in unexplained]
    (workdir / 'summary.md').write_text('\n'.join(out) + '\n')

    print(json.dumps(figures))
    for m in survivors:
        print(f"SURVIVED {m['file']}:{m['line']}:{m['col']} {m['operator']} "
              f"#{m['occurrence']}\n{_short_diff(m['diff'])}")
    print(f'summary: {workdir / "summary.md"} and {workdir / "summary.json"}')
    return 0


def _short_diff(diff):
    """The removed and added lines of a unified diff (no headers, no context)."""
    return '\n'.join(line for line in diff.splitlines()
                     if line.startswith(('-', '+')) and not line.startswith(('---', '+++')))


if __name__ == '__main__':
    sys.exit(main())
