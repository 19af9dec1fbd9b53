"""Limits an adapter asks for (checks/adapters/limits.py): read from the adapter's source, never
by running it; checked (known limits, positive numbers, a ceiling); raising the defaults, never
above what grading.toml sets itself; and shown in the report."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from checks.adapters import SpecError
from checks.adapters.limits import CEILINGS, read_limits
from grading import config as config_module
from grading.formats.text import limits_raised
from grading.isolation import Limits

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / 'tests' / 'fixtures'

HEADER = 'from executor.adapters import Adapter, ArticleAdapter\n\n\n'


def adapter_file(tmp_path, body, name='adapter.py'):
    path = tmp_path / name
    path.write_text(HEADER + body)
    return path


# --- reading ----------------------------------------------------------------------------------


@pytest.mark.parametrize('body, expected', [
    ("class A(Adapter):\n    limits = {'memory_mb': 4096, 'example_seconds': 10}\n",
     {'memory_mb': 4096, 'example_seconds': 10}),
    ("class A(Adapter):\n    limits: dict = dict(check_cpu_seconds=60.5, check_wall_seconds=90)\n",
     {'check_cpu_seconds': 60.5, 'check_wall_seconds': 90}),
    ("class A(Adapter):\n    name = 'a'\n", {}),
    # inherited from a base class of the same file, then updated by the class's own
    ("class Base(ArticleAdapter):\n    limits = {'memory_mb': 2048, 'example_seconds': 5}\n\n\n"
     "class A(Base):\n    limits = {'example_seconds': 8}\n",
     {'memory_mb': 2048, 'example_seconds': 8}),
])
def test_limits_are_read_from_the_class_body(tmp_path, body, expected):
    path = adapter_file(tmp_path, body)
    assert read_limits(path, 'A') == expected
    if 'Base' not in body:   # the file's only adapter class, found without its name
        assert read_limits(path) == expected


def test_limits_are_read_without_running_the_file(tmp_path):
    marker = tmp_path / 'ran'
    path = adapter_file(tmp_path, f"open({str(marker)!r}, 'w').close()\n\n\n"
                                  "class A(Adapter):\n    limits = {'memory_mb': 3000}\n")
    assert read_limits(path, 'A') == {'memory_mb': 3000}
    assert not marker.exists()


@pytest.mark.parametrize('limits, says', [
    ("{'memory_gb': 4}", "names 'memory_gb'; an adapter may ask for memory_mb, example_seconds"),
    ("{'file_mb': 512}", "names 'file_mb'"),
    ("{'memory_mb': -1}", 'must be a positive number'),
    ("{'example_seconds': 0}", 'must be a positive number'),
    ("{'example_seconds': True}", 'must be a positive number'),
    ("{'example_seconds': '10'}", 'must be a positive number'),
    ("{'memory_mb': 1536.5}", 'must be a whole number of MB'),
    ("{'memory_mb': 16384}", 'is more than an adapter may ask for (8192)'),
    ("{'example_seconds': 600}", 'is more than an adapter may ask for (60)'),
    ("{'check_wall_seconds': 10 ** 9}", 'must be written as a literal dict'),
    ("{'memory_mb': 4 * 1024}", 'must be written as a literal dict'),
    ("LIMITS", 'must be written as a literal dict'),
    ("{**LIMITS}", 'must be written as a literal dict'),
])
def test_absurd_or_computed_limits_are_refused_with_a_message(tmp_path, limits, says):
    path = adapter_file(tmp_path, f"LIMITS = {{}}\n\n\nclass A(Adapter):\n    limits = {limits}\n")
    with pytest.raises(SpecError) as refused:
        read_limits(path, 'A')
    assert says in str(refused.value)
    assert 'A.limits' in str(refused.value)


def test_the_ceilings_are_those_the_docs_give():
    assert CEILINGS == {'memory_mb': 8192, 'example_seconds': 60, 'check_cpu_seconds': 600,
                        'check_wall_seconds': 1200}


# --- merging with grading.toml ----------------------------------------------------------------


def test_a_request_raises_a_default_and_grading_toml_wins():
    config = config_module.Config({'limits': {'example_seconds': 3.0}})
    limits, set_by = config.limits_for({'memory_mb': 4096, 'example_seconds': 10,
                                        'check_cpu_seconds': 5})
    assert (limits.memory_mb, set_by['memory_mb']) == (4096, 'adapter')
    assert (limits.example_seconds, set_by['example_seconds']) == (3.0, 'grading.toml')
    # a request below the default leaves the default: an adapter raises limits, never lowers them
    assert (limits.check_cpu_seconds, set_by['check_cpu_seconds']) == (30.0, 'default')
    assert config.limits == Limits(example_seconds=3.0)   # the configuration itself unchanged


def test_a_setting_equal_to_the_default_still_wins_when_written():
    config = config_module.Config({'limits': {'memory_mb': 1024}})
    limits, set_by = config.limits_for({'memory_mb': 4096})
    assert (limits.memory_mb, set_by['memory_mb']) == (1024, 'grading.toml')


def test_the_text_report_names_the_limits_the_adapter_raised():
    report = SimpleNamespace(limits={'memory_mb': 4096, 'example_seconds': 2.0, 'set_by': {
        'memory_mb': 'adapter', 'example_seconds': 'grading.toml'}})
    assert limits_raised(report) == 'memory_mb 4096'
    assert limits_raised(SimpleNamespace(limits={'memory_mb': 1024})) == ''


# --- applied by the grader --------------------------------------------------------------------

ROOMY = '''

import time as _time

_CALLS = [0]


class Roomy(ValueAdapter):
    """ValueAdapter whose second call in each process computes for 2.5 s of CPU time (the first
    is the grader's warm-up): over the default 2 s per example, within the 5 s it asks for."""
    name = 'valuegrad'
    operations = frozenset({'add', 'mul', 'relu'})
    levels = frozenset({'functional'})
    limits = {'example_seconds': 5, 'memory_mb': 2048}

    def value(self, graph):
        _CALLS[0] += 1
        if _CALLS[0] == 2:
            busy = _time.process_time() + 2.5
            while _time.process_time() < busy:
                pass
        return super().value(graph)
'''


def grade(tmp, *args, config=None):
    report = tmp / 'report.json'
    argv = [sys.executable, 'grader.py', *args, '--format', 'json', '--output', str(report)]
    if config is not None:
        (tmp / 'grading.toml').write_text(config)
        argv += ['--config', str(tmp / 'grading.toml')]
    env = {k: v for k, v in os.environ.items() if not k.startswith('PYTEST_')}
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**env, 'CI': 'true', 'NO_COLOR': '1'})
    return (json.loads(report.read_text()) if report.is_file() else None), done


def roomy(folder, source=ROOMY):
    engine = Path(shutil.copy(FIXTURES / 'valuegrad.py', folder / 'valuegrad.py'))
    adapter = folder / 'roomy_adapter.py'
    adapter.write_text((FIXTURES / 'value_adapter.py').read_text() + source)
    return ['--adapter', f'{adapter}:Roomy', '--impl', str(engine), '--check', 'core.forward']


@pytest.mark.parametrize('config, status, example_seconds, who', [
    ('', 'passed', 5, 'adapter'),
    ('[limits]\nexample_seconds = 2\n', 'timeout', 2, 'grading.toml'),
])
def test_the_limits_an_adapter_asks_for_are_applied_unless_grading_toml_sets_them(
        tmp_path, config, status, example_seconds, who):
    report, done = grade(tmp_path, *roomy(tmp_path), config=config)
    assert report is not None, done.stderr
    (check,) = [c for e in report['exercises'] for c in e['checks']]
    assert check['status'] == status, check['message']
    limits = report['limits']
    assert (limits['example_seconds'], limits['set_by']['example_seconds']) == \
        (example_seconds, who)
    assert (limits['memory_mb'], limits['set_by']['memory_mb']) == (2048, 'adapter')
    assert limits['requested_by_adapter'] == {'example_seconds': 5, 'memory_mb': 2048}


def test_an_adapter_asking_for_absurd_limits_is_a_usage_error(tmp_path):
    args = roomy(tmp_path, ROOMY.replace("'memory_mb': 2048", "'memory_mb': 65536"))
    report, done = grade(tmp_path, *args)
    assert done.returncode == 2 and report is None
    assert "Roomy.limits['memory_mb'] = 65536 is more than an adapter may ask for (8192)" \
        in done.stderr


def test_grading_local_applies_the_adapter_limits_as_the_grader_does(tmp_path):
    from checks import get
    from grading.local import executor_for
    args = roomy(tmp_path)
    adapter, engine = args[1], args[3]
    with executor_for(engine, adapter=adapter) as impl:
        assert (impl.limits.example_seconds, impl.limits.memory_mb) == (5, 2048)
        assert impl.executor.limits.memory_mb == 2048   # what the executor is started under
        assert impl.run(get('core.forward')).status == 'passed'   # its 2.5 s call within 5 s
