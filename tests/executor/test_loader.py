"""executor/loader.py in this process: importing a package, a file or a module, every way an
import fails turned into a LoadError that says where, and a user's adapter file."""
import pytest

from executor.adapters import ArticleAdapter
from executor.loader import LoadError, load, make_adapter


def target(kind, name, path, adapter_file='', adapter_class=''):
    return {'kind': kind, 'name': name, 'path': str(path), 'adapter_file': str(adapter_file),
            'adapter_class': adapter_class}


def test_a_package_a_file_and_a_module_load(tmp_path):
    (tmp_path / 'pkg').mkdir()
    (tmp_path / 'pkg' / '__init__.py').write_text('from .inner import VALUE\n')
    (tmp_path / 'pkg' / 'inner.py').write_text('VALUE = 3\n')
    (tmp_path / 'one.py').write_text('VALUE = 4\n')
    assert load(target('package', 'loader_pkg', tmp_path / 'pkg')).VALUE == 3
    assert load(target('file', 'loader_one', tmp_path / 'one.py')).VALUE == 4
    assert load(target('module', 'json', '')).dumps([1]) == '[1]'
    assert load(target('adapter', 'user_adapter', '')) is None


@pytest.mark.parametrize('source, says', [
    ('x = 1\ndef broken(:\n    pass\n', 'SyntaxError in'),
    ('import sys\nsys.exit(3)\n', 'called sys.exit(3)'),
    ('raise ValueError("no")\n', 'raised ValueError: no'),
])
def test_every_failed_import_is_a_load_error_that_says_where(tmp_path, source, says):
    path = tmp_path / 'bad.py'
    path.write_text(source)
    with pytest.raises(LoadError) as error:
        load(target('file', 'loader_bad', path))
    assert says in str(error.value)
    if 'raised' in says:
        assert 'bad.py", line 1' in str(error.value)


def test_the_article_adapter_and_a_users_adapter_file(tmp_path):
    (tmp_path / 'one.py').write_text('VALUE = 4\n')
    module = load(target('file', 'loader_two', tmp_path / 'one.py'))
    adapter = make_adapter(target('file', 'loader_two', tmp_path / 'one.py'), module)
    assert isinstance(adapter, ArticleAdapter) and adapter.api is module
    file = tmp_path / 'my_adapter.py'
    file.write_text('from executor.adapters import Adapter\n\n\nclass Mine(Adapter):\n'
                    '    def __init__(self, engine):\n        self.engine = engine\n\n\n'
                    'class Other(Adapter):\n    pass\n')
    chosen = make_adapter(target('file', 'x', tmp_path / 'one.py', file, 'Mine'), module)
    assert type(chosen).__name__ == 'Mine' and chosen.engine is module
    with pytest.raises(LoadError, match='exactly one Adapter subclass'):
        make_adapter(target('file', 'x', tmp_path / 'one.py', file), module)
    broken = tmp_path / 'broken_adapter.py'
    broken.write_text('import nonesuch_module\n')
    with pytest.raises(LoadError, match='failed to import'):
        make_adapter(target('file', 'x', tmp_path / 'one.py', broken), module)
