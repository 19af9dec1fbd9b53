"""Diagnoses of two engine mistakes a bare number would hide: float32 arithmetic, and Parameters
of equal value merged into one node."""
from checks import get
from corpus.bugs_engine import ENGINE
from grading.local import executor_for

FLOAT32 = '''
import numpy as _np
_original_init = Value.__init__


def _float32_init(self, data, _children=(), _op=''):
    _original_init(self, float(_np.float32(data)), _children, _op)


Value.__init__ = _float32_init
'''

MERGED = '''
_leaves = {}
_original_new = Value.__new__


def _one_per_value(cls, data=0.0, _children=(), _op=''):
    if _children:
        return _original_new(cls)
    if data not in _leaves:
        _leaves[data] = _original_new(cls)
    return _leaves[data]


Value.__new__ = _one_per_value
_original_init = Value.__init__


def _init_once(self, data, _children=(), _op=''):
    if not _children and hasattr(self, 'data'):
        self.grad = 0.0  # the leaf made earlier for this value, as new
        return
    _original_init(self, data, _children, _op)


Value.__init__ = _init_once
'''


def _failure(tmp_path, name, extra, check):
    path = tmp_path / f'{name}.py'
    path.write_text(ENGINE.read_text() + extra)
    with executor_for(path) as impl:
        return impl.run(get(check))


def test_float32_arithmetic_is_named(tmp_path):
    result = _failure(tmp_path, 'single', FLOAT32, 'core.forward')
    assert result.status == 'failed'
    assert 'float32 rounding' in result.notes, result.notes


def test_equal_valued_leaves_merged_are_named(tmp_path):
    result = _failure(tmp_path, 'merging', MERGED, 'core.engine_add')
    assert result.status == 'failed', result.message
    assert 'merged into one node' in result.notes, result.notes
