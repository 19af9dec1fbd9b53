"""Do honest submissions keep exactly their grades across the split of the grader?

    python tests/quality/compare_split.py [--seeds 20240214,1,2] [--before 7a05014] [-j 2]

Grades the reference, the stubs, every correct variant (tests/corpus/variants) and every bug of the
corpus (tests/corpus; on its own exercise, as tests/checks/test_corpus.py does) with the grader
before the split (the commit --before, from `git archive`) and with this one, under each seed, and
compares the scores and every check's status. Prints a Markdown summary and each difference; exits
1 when a score differs. Both checkouts are run with `python -S` and PYTHONPATH=<checkout>:<site
packages> (no .pth files: the editable install would make them import the installed checkout's
packages), so that this one can be a worktree of a fixed commit while work goes on elsewhere.
"""
import argparse
import json
import os
import site
import subprocess
import sys
import tarfile
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / 'tests')]

from corpus import all_bugs, write_variant  # noqa: E402
from corpus.variants import VARIANTS  # noqa: E402


def implementations(scratch):
    """(name, path, exercises or None for all)."""
    found = [('reference', ROOT / 'reference', None), ('stubs', ROOT / 'exercises', None)]
    found += [(f'variant {v.name}', v.folder, None) for v in VARIANTS]
    found += [(f'bug {b.name}', write_variant(b, scratch), [b.exercise]) for b in all_bugs()]
    return found


def old_checkout(commit, scratch):
    archive = subprocess.run(['git', '-C', str(ROOT), 'archive', '--format=tar', commit],
                             capture_output=True, check=True).stdout
    target = scratch / f'grader-{commit}'
    target.mkdir()
    with tempfile.TemporaryFile() as f:
        f.write(archive)
        f.seek(0)
        with tarfile.open(fileobj=f) as tar:
            tar.extractall(target)
    return target


def grade(checkout, path, exercises, seed, output):
    # Both sides without .pth files: the editable install would make either import /work/main's
    # packages, whatever folder the grader is run from.
    argv = [sys.executable, '-S'] + [
        str(checkout / 'grader.py'), '--impl', str(path), '--seed', str(seed), '-j', '1',
        '--format', 'json', '--output', str(output)]
    for exercise in exercises or ():
        argv += ['--exercise', exercise]
    env = {k: v for k, v in os.environ.items() if not k.startswith(('GRADER_SEED', 'CI'))}
    env['PYTHONPATH'] = os.pathsep.join([str(checkout)] + site.getsitepackages())
    subprocess.run(argv, cwd=checkout, env=env, capture_output=True, timeout=1800)
    try:
        report = json.loads(output.read_text())
    except (OSError, ValueError):
        return None
    return report['score'], {c['id']: c['status'] for e in report['exercises']
                             for c in e['checks']}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--seeds', default='20240214,1,2')
    p.add_argument('--before', default='7a05014')
    p.add_argument('-j', '--jobs', type=int, default=2)
    p.add_argument('--match', default='', help='only the implementations whose name has this')
    args = p.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(',')]
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        old = old_checkout(args.before, scratch)
        impls = [i for i in implementations(scratch / 'bugs') if args.match in i[0]]
        jobs = [(name, path, exercises, seed, side) for name, path, exercises in impls
                for seed in seeds for side in ('old', 'new')]
        with ThreadPoolExecutor(args.jobs) as pool:
            outcomes = list(pool.map(lambda n: grade(
                old if jobs[n][4] == 'old' else ROOT, jobs[n][1], jobs[n][2], jobs[n][3],
                scratch / f'report-{n}.json'), range(len(jobs))))
    results = {(j[0], j[3], j[4]): o for j, o in zip(jobs, outcomes)}
    scores_differ, statuses_differ, missing = [], [], []
    for name, _, _ in impls:
        for seed in seeds:
            before, after = results[(name, seed, 'old')], results[(name, seed, 'new')]
            if before is None or after is None:
                missing.append((name, seed, before is None, after is None))
                continue
            if before[0] != after[0]:
                scores_differ.append((name, seed, before[0], after[0]))
            changed = {c: (before[1].get(c), after[1].get(c))
                       for c in set(before[1]) | set(after[1])
                       if before[1].get(c) != after[1].get(c)}
            if changed:
                statuses_differ.append((name, seed, changed))
    print(f'## Grades before ({args.before}) and after the split\n')
    kinds = [name.split()[0] for name, _, _ in impls]
    print(f'{len(impls)} implementations ({kinds.count("reference")} reference, '
          f'{kinds.count("stubs")} stubs, {kinds.count("variant")} correct variants, '
          f'{kinds.count("bug")} bugs on their exercise) x seeds {", ".join(map(str, seeds))}: '
          f'{len(impls) * len(seeds)} pairs of grades.\n')
    print(f'- same score: {len(impls) * len(seeds) - len(scores_differ) - len(missing)}')
    print(f'- different score: {len(scores_differ)}')
    print(f'- no report on one side: {len(missing)}')
    print(f'- same score, some check with another status: '
          f'{len([d for d in statuses_differ if (d[0], d[1]) not in {(s[0], s[1]) for s in scores_differ}])}')
    for name, seed, before, after in scores_differ:
        print(f'  - score differs: {name}, seed {seed}: {before:g} before, {after:g} after')
    for name, seed, changed in statuses_differ:
        print(f'  - statuses: {name}, seed {seed}: ' + ', '.join(
            f'{c} {b} -> {a}' for c, (b, a) in sorted(changed.items())))
    for name, seed, old_missing, new_missing in missing:
        print(f'  - no report: {name}, seed {seed} ({"before" if old_missing else "after"})')
    return 1 if scores_differ or missing else 0


if __name__ == '__main__':
    sys.exit(main())
