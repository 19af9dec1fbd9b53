"""Contract section 1 (where the names live), checked on the reference implementation."""
import subprocess
import sys
from pathlib import Path

import pytest

import reference

ROOT = Path(__file__).resolve().parents[2]
CORE = ['NeuralNetNode', 'Input', 'Parameter', 'Operation', 'Add', 'Multiply', 'ReLU', 'Sigmoid',
        'train_model', 'mse_loss', 'mse_loss_grad', 'bce_loss', 'bce_loss_grad']
EXERCISES = ['build_linear_regression', 'sgd_by_hand', 'Macro', 'Linear', 'Output', 'SoftMax',
             'cce_loss', 'cce_loss_grad']


@pytest.mark.parametrize('name', CORE + EXERCISES)
def test_name_is_importable_from_the_top_level(name):
    assert hasattr(reference, name)
    assert callable(getattr(reference, name))


def test_reference_is_a_package():
    assert Path(reference.__file__).name == '__init__.py'


def test_importing_prints_nothing_reads_nothing_and_is_fast():
    code = ('import time; start = time.perf_counter(); import reference; '
            'import sys; sys.stderr.write(repr(time.perf_counter() - start))')
    done = subprocess.run([sys.executable, '-c', code], cwd=ROOT, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ''
    assert float(done.stderr) < 1.0
