"""What an adapter declares is decided before anything runs: an adapter that does not import loses
the checks it declared, and only those; an operation the checks do not know is refused."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

BROKEN = '''import nonexistent_engine_for_the_test
from executor.adapters import Adapter


class Broken(Adapter):
    name = 'broken'
    operations = frozenset({'add', 'mul', 'tanh'})
'''

UNKNOWN = '''from executor.adapters import Adapter


class Unknown(Adapter):
    operations = frozenset({'add', 'softplus'})
'''


def grade(tmp_path, source, *args):
    folder = tmp_path / 'adapter'
    folder.mkdir()
    (folder / 'adapter.py').write_text(source)
    return subprocess.run([sys.executable, 'grader.py', '--adapter', str(folder / 'adapter.py'),
                           *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_an_adapter_that_does_not_import_loses_only_what_it_declared(tmp_path):
    done = grade(tmp_path, BROKEN, '--format', 'json', '--exercise', 'core')
    checks = {c['id']: c for e in json.loads(done.stdout)['exercises'] for c in e['checks']}
    assert checks['core.tanh']['status'] == 'error'
    assert 'nonexistent_engine_for_the_test' in checks['core.tanh']['message']
    assert checks['core.forward']['status'] == 'error'
    for skipped in ('core.add', 'core.exp', 'core.engine_relu', 'core.repeated_backward'):
        assert checks[skipped]['status'] == 'skipped', checks[skipped]


def test_an_operation_the_checks_do_not_know_is_refused_naming_the_known_ones(tmp_path):
    done = grade(tmp_path, UNKNOWN)
    assert done.returncode == 2
    assert 'softplus' in done.stderr and 'tanh' in done.stderr and 'Traceback' not in done.stderr
