"""benchmarks/run.py --quick runs to the end and prints every table (no timing is asserted)."""
import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / 'benchmarks' / 'run.py'


def headers():
    spec = importlib.util.spec_from_file_location('benchmarks_run', SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.HEADERS


def test_quick_benchmarks_print_every_table():
    done = subprocess.run([sys.executable, str(SCRIPT), '--quick'], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    for header in headers().values():
        assert header in done.stdout, f'{header!r} missing from:\n{done.stdout}'
