"""Check the checks: how well the checks catch the bug corpus, and whether they leave correct
implementations alone. Run from anywhere:

    python tests/quality/measure.py [--seeds N] [--profile P] [--fp-seeds M] [--json FILE]

Detection (tests/corpus, all_bugs()): each bug is run at the default seed and at seeds 1..N (the
profile of --profile). A bug is caught when the check it names fails (or, naming none, some check
of its exercise does), as in tests/checks/test_corpus.py. For each catch: how many examples
Hypothesis ran up to and including the first failing one, the seconds until that example failed,
and the seconds until the check returned its verdict (shrinking included); median and worst per
exercise.

False positives (tests/corpus/variants and reference/): every check on every correct
implementation under seeds 0..M-1 of --fp-profile (thorough by default): passes / runs, and each
failing check with its seed. This is the slow part: --fp-seeds 50 is the full measurement
(hours of CPU; --jobs spreads it over processes), the default a smoke run.

The checks run in this process (or in --jobs worker processes), each implementation in an executor
process of its own (grading.local, isolation mode none), as the tests do: not through grader.py's
judges and sandboxes.
"""
import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
for path in (ROOT, ROOT / 'tests'):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from hypothesis.errors import UnsatisfiedAssumption  # noqa: E402

from checks import EXERCISES, all_checks, article_checks  # noqa: E402
from checks.failures import CannotCheck, NotAttempted  # noqa: E402
from checks.profiles import DEFAULT_SEED  # noqa: E402
from corpus import all_bugs, write_variant  # noqa: E402
from corpus import variants as variant_corpus  # noqa: E402
from grading.isolation import usable_cpus  # noqa: E402
from grading.local import executor_for  # noqa: E402

CAUGHT = ('failed', 'error', 'timeout')
NOT_FAILURES = (UnsatisfiedAssumption, NotAttempted, CannotCheck)


# --- detection ----------------------------------------------------------------------------------


def instrumented(check):
    """The check with its verify() wrapped to note the first example that fails: (check, notes)."""
    notes = {'calls': 0, 'first': None, 'first_seconds': None, 'started': None}

    def verify(ctx, case):
        notes['calls'] += 1
        try:
            return check.verify(ctx, case)
        except NOT_FAILURES:
            raise
        except BaseException:
            if notes['first'] is None:
                notes['first'] = notes['calls']
                notes['first_seconds'] = time.perf_counter() - notes['started']
            raise

    return replace(check, verify=verify), notes


def run_instrumented(check, impl, seed, profile):
    """`check` on `impl` (a grading.local Implementation); what printed goes to its executor's
    bounded output, never here."""
    wrapped, notes = instrumented(check)
    notes['started'] = time.perf_counter()
    result = impl.run(wrapped, seed=seed, profile=profile)
    return {'check': check.id, 'status': result.status, 'message': result.message,
            'examples': result.examples, 'seconds': result.seconds,
            'first_failure_example': notes['first'], 'first_failure_seconds': notes['first_seconds']}


def measure_bug(bug, seeds, profile):
    """One bug under each seed: {'name', 'exercise', 'check', 'runs': [...]}."""
    directory = tempfile.mkdtemp(prefix='bug_variants_')
    try:
        folder = write_variant(bug, directory)
    except AssertionError as error:  # an edit no longer applies to reference/: fix the corpus
        return {'name': bug.name, 'exercise': bug.exercise, 'check': bug.check,
                'broken': str(error).splitlines()[0][:200],
                'runs': [{'seed': seed, 'caught': False, 'status': 'broken',
                          'first_failure_example': None, 'first_failure_seconds': None,
                          'examples': 0, 'seconds': 0.0} for seed in seeds]}
    checks = all_checks()
    targets = ([c for c in checks if c.id == bug.check] if bug.check
               else [c for c in checks if c.exercise == bug.exercise])
    runs = []
    with executor_for(folder) as impl:
        for seed in seeds:
            for check in targets:  # the named check, or the exercise's until one fails
                outcome = run_instrumented(check, impl, seed, profile)
                if outcome['status'] in CAUGHT:
                    break
            outcome.update(seed=seed, caught=outcome['status'] in CAUGHT)
            runs.append(outcome)
    return {'name': bug.name, 'exercise': bug.exercise, 'check': bug.check, 'runs': runs}


def detection(seeds, profile, jobs):
    bugs = all_bugs()
    return _map(measure_bug, [(bug, seeds, profile) for bug in bugs], jobs)


# --- false positives ------------------------------------------------------------------------------


def implementations():
    """(name, loader) for the reference and every correct variant."""
    found = [('reference', None)]
    found += [(v.name, v) for v in variant_corpus.all_variants()]
    return found


def applicable(name):
    """The checks a correct implementation must pass: the article API's, except a clause the
    variant's design does not meet (its `beyond`, asserted failing elsewhere)."""
    beyond = () if name == 'reference' else variant_corpus.by_name(name).beyond
    return [c for c in article_checks() if c.id not in beyond]


def measure_implementation(name, seed, profile):
    started = time.perf_counter()
    failing = []
    with variant_corpus.implementation(name) as impl:
        results = [impl.run(check, seed=seed, profile=profile) for check in applicable(name)]
    for result in results:
        if result.status != 'passed':
            failing.append({'check': result.check_id, 'status': result.status,
                            'message': result.message, 'case': result.case_text,
                            'expected': repr(result.expected), 'actual': repr(result.actual)})
    return {'implementation': name, 'seed': seed, 'failing': failing,
            'seconds': time.perf_counter() - started}


def false_positives(seeds, profile, jobs, log=None):
    """Seed after seed, every implementation at each, so that a run stopped early still covers
    all of them. log: a JSON-lines file; each run is appended as it ends, and the runs it holds
    already are not repeated (a long measurement can be stopped and resumed)."""
    done = _read_log(log, profile)
    tasks = [(name, seed, profile) for seed in seeds for name, _ in implementations()
             if (name, seed) not in done]
    runs = [done[key] for key in done if key[1] in seeds]
    for run in _imap(measure_implementation, tasks, jobs):
        runs.append(run)
        if log:
            with open(log, 'a') as f:
                f.write(json.dumps(dict(run, profile=profile), default=repr) + '\n')
    return runs


def _read_log(log, profile):
    if not log or not os.path.exists(log):
        return {}
    runs = {}
    with open(log) as f:
        for line in f:
            if line.strip():
                run = json.loads(line)
                if run.pop('profile', None) == profile:
                    runs[(run['implementation'], run['seed'])] = run
    return runs


# --- running -----------------------------------------------------------------------------------


def _call(packed):
    fn, args = packed
    return fn(*args)


def _map(fn, argument_lists, jobs):
    return list(_imap(fn, argument_lists, jobs))


def _imap(fn, argument_lists, jobs):
    """fn(*args) for each, in order, as they end."""
    if jobs <= 1:
        yield from (fn(*args) for args in argument_lists)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield from pool.map(_call, [(fn, args) for args in argument_lists])


# --- the report --------------------------------------------------------------------------------


def _stats(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {'median': statistics.median(values), 'worst': max(values)}


def summarize_detection(bugs, seeds):
    other_seeds = [s for s in seeds if s != DEFAULT_SEED]
    summary = {}
    for exercise in EXERCISES + ('all',):
        mine = [b for b in bugs if exercise in ('all', b.get('exercise'))]
        if not mine:
            continue
        per_seed = {}
        for seed in seeds:
            runs = [(b['name'], next(r for r in b['runs'] if r['seed'] == seed)) for b in mine]
            per_seed[seed] = {'caught': sum(r['caught'] for _, r in runs), 'total': len(runs),
                              'missed': [name for name, r in runs if not r['caught']]}
        caught = [r for b in mine for r in b['runs'] if r['caught']]
        summary[exercise] = {
            'bugs': len(mine),
            'default_seed': per_seed.get(DEFAULT_SEED),
            'other_seeds': {s: per_seed[s] for s in other_seeds},
            'caught_every_seed': sum(all(r['caught'] for r in b['runs']) for b in mine),
            'examples_to_first_failure': _stats([r['first_failure_example'] for r in caught]),
            'seconds_to_first_failure': _stats([r['first_failure_seconds'] for r in caught]),
            'seconds_to_verdict': _stats([r['seconds'] for r in caught]),
            'broken': [b['name'] for b in mine if b.get('broken')],
        }
    return summary


def summarize_false_positives(runs):
    summary = {}
    for name, _ in implementations():
        mine = [r for r in runs if r['implementation'] == name]
        wanted = {c.id for c in applicable(name)}  # a log may hold runs of other checks too
        failing = [[f for f in r['failing'] if f['check'] in wanted] for r in mine]
        summary[name] = {'passed': sum(not f for f in failing), 'total': len(mine),
                         'seconds': sum(r['seconds'] for r in mine),
                         'failing': [dict(f, seed=r['seed']) for r, fs in zip(mine, failing)
                                     for f in fs]}
    return summary


def _fmt(stats, unit=''):
    if stats is None:
        return '-'
    if unit == 's':
        return f'{stats["median"]:.2f} / {stats["worst"]:.2f}'
    return f'{stats["median"]:g} / {stats["worst"]:g}'


def print_detection(summary, seeds, profile, out):
    other = [s for s in seeds if s != DEFAULT_SEED]
    print(f'== Detection: the bug corpus, profile {profile}, default seed {DEFAULT_SEED} and '
          f'seeds {other[0]}..{other[-1]} ==' if other else
          f'== Detection: the bug corpus, profile {profile}, default seed {DEFAULT_SEED} ==',
          file=out)
    header = (f'{"exercise":<9} {"bugs":>4} {"default":>8} {"every seed":>10} '
              f'{"caught per other seed":<32} {"examples to 1st fail":>20} '
              f'{"s to 1st fail":>14} {"s to verdict":>14}')
    print(header + '\n' + '-' * len(header), file=out)
    for exercise, s in summary.items():
        d = s['default_seed']
        per = ' '.join(str(s['other_seeds'][seed]['caught']) for seed in other)
        print(f'{exercise:<9} {s["bugs"]:>4} {d["caught"]:>4}/{d["total"]:<3} '
              f'{s["caught_every_seed"]:>6}/{s["bugs"]:<3} {per:<32} '
              f'{_fmt(s["examples_to_first_failure"]):>20} '
              f'{_fmt(s["seconds_to_first_failure"], "s"):>14} '
              f'{_fmt(s["seconds_to_verdict"], "s"):>14}', file=out)
    print('(median / worst over the catches of every bug and seed; examples counted up to and '
          'including the first failing one)', file=out)
    missed = [(seed, name) for seed, data in
              ([(DEFAULT_SEED, summary['all']['default_seed'])]
               + list(summary['all']['other_seeds'].items()))
              for name in data['missed']]
    broken = summary['all'].get('broken') or []
    if broken:
        print(f'BROKEN (an edit no longer applies to reference/; counted as missed): '
              f'{", ".join(broken)}', file=out)
    if missed:
        print('missed:', file=out)
        for seed, name in missed:
            print(f'  seed {seed}: {name}', file=out)
    else:
        print('missed: none', file=out)


def print_false_positives(summary, seeds, profile, out):
    print(f'\n== False positives: correct implementations, profile {profile}, seeds '
          f'{seeds[0]}..{seeds[-1]} ==', file=out)
    for name, s in summary.items():
        print(f'{name:<20} {s["passed"]:>3}/{s["total"]:<3} seeds with every check passed  '
              f'({s["seconds"]:.0f} s)', file=out)
        for f in s['failing']:
            print(f'    seed {f["seed"]}: {f["check"]} {f["status"]}: {f["message"]}', file=out)
    total = sum(s['passed'] for s in summary.values())
    runs = sum(s['total'] for s in summary.values())
    print(f'{"all":<20} {total:>3}/{runs:<3}', file=out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--seeds', type=int, default=10,
                        help='detection: seeds 1..N besides the default one (default 10)')
    parser.add_argument('--profile', default='quick', help='detection profile (default quick)')
    parser.add_argument('--fp-seeds', type=int, default=1,
                        help='false positives: M seeds, from --fp-from on (default 1; 50 is the '
                             'full measurement, about 4 hours of CPU)')
    parser.add_argument('--fp-from', type=int, default=0,
                        help='false positives: the first seed (default 0), to split the work')
    parser.add_argument('--fp-profile', default='thorough',
                        help='false positives: profile (default thorough)')
    parser.add_argument('--jobs', '-j', type=int, default=usable_cpus(),
                        help=f'worker processes (default {usable_cpus()}, the cores this process may '
                             'use; each worker is single-threaded, so timings stay per core)')
    parser.add_argument('--skip-detection', action='store_true')
    parser.add_argument('--skip-false-positives', action='store_true')
    parser.add_argument('--json', metavar='FILE', help='also write every measurement here')
    parser.add_argument('--fp-log', metavar='FILE',
                        help='false positives: append each run to this JSON-lines file and '
                             'skip the runs it holds (stop and resume a long run)')
    args = parser.parse_args(argv)

    report = {'default_seed': DEFAULT_SEED}
    started = time.perf_counter()
    if not args.skip_detection:
        seeds = [DEFAULT_SEED] + list(range(1, args.seeds + 1))
        bugs = detection(seeds, args.profile, args.jobs)
        summary = summarize_detection(bugs, seeds)
        report['detection'] = {'profile': args.profile, 'seeds': seeds, 'summary': summary,
                               'bugs': bugs, 'seconds': time.perf_counter() - started}
        print_detection(summary, seeds, args.profile, sys.stdout)
        sys.stdout.flush()
    if not args.skip_false_positives and args.fp_seeds > 0:
        begun = time.perf_counter()
        seeds = list(range(args.fp_from, args.fp_from + args.fp_seeds))
        runs = false_positives(seeds, args.fp_profile, args.jobs, args.fp_log)
        summary = summarize_false_positives(runs)
        report['false_positives'] = {'profile': args.fp_profile, 'seeds': seeds,
                                     'summary': summary,
                                     'seconds': time.perf_counter() - begun}
        print_false_positives(summary, seeds, args.fp_profile, sys.stdout)
    report['seconds'] = time.perf_counter() - started
    print(f'\n({report["seconds"]:.0f} s)')
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, default=repr))
    return report


if __name__ == '__main__':
    main()
