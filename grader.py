"""The grader (placeholder until the grader issue lands): runs every check in this process."""
import argparse
import importlib
import sys
from pathlib import Path

from checks import all_checks, run
from checks.adapters import ArticleAdapter


def main(argv=None):
    parser = argparse.ArgumentParser(description='Grade an implementation of the article.')
    parser.add_argument('--impl', default='exercises', help='an importable package name')
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).parent))
    module = importlib.import_module(args.impl)
    adapter = ArticleAdapter(module, source_paths=[str(Path(module.__file__).parent)])
    results = [run(check, adapter) for check in all_checks()]
    for r in results:
        print(f'{r.status:14} {r.check_id:28} {r.points:g}/{r.max_points:g}  {r.message}')
    score, total = sum(r.points for r in results), sum(r.max_points for r in results)
    print(f'total {score:g}/{total:g}')
    return 0 if score == total else 1


if __name__ == '__main__':
    sys.exit(main())
