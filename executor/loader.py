"""Importing what is graded, in the executor: a package, a file, a module, or a user's adapter.

Every way an import can fail becomes a LoadError whose message says which file and line to fix.
"""
import importlib
import importlib.util
import os
import sys

from .adapters import Adapter, ArticleAdapter, ValueAdapter


class LoadError(Exception):
    """The implementation could not be imported; the message says where and why."""


def load(target):
    """Import the implementation: its module (None for an adapter without --impl)."""
    kind, name, path = target['kind'], target['name'], target['path']
    label = path or name
    try:
        if kind == 'adapter':
            return None  # the adapter imports what it drives
        if kind == 'module':
            return importlib.import_module(name)
        location = os.path.join(path, '__init__.py') if kind == 'package' else path
        search = [path] if kind == 'package' else None
        spec = importlib.util.spec_from_file_location(name, location,
                                                      submodule_search_locations=search)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        return module
    except SyntaxError as error:
        raise LoadError(f'SyntaxError in {error.filename}, line {error.lineno}: {error.msg}'
                        + (f'\n    {error.text.rstrip()}' if error.text else '')) from None
    except SystemExit as error:
        raise LoadError(f'importing {label} called sys.exit({error.code!r})') from None
    except BaseException as error:  # noqa: B902 - any failure of student code is reported
        raise LoadError(f'importing {label} raised {type(error).__name__}: {error}\n'
                        + _own_frames(error, path)) from None


def _own_frames(error, path):
    import traceback
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if path and f.filename.startswith(path)]
    return ''.join(traceback.format_list(frames[-5:])).rstrip()


def make_adapter(target, module):
    """The adapter requests go through: the article API, or the class of the user's file."""
    if target.get('convention') == 'value':
        try:
            return ValueAdapter(module, target.get('adapter_class') or 'Value')
        except BaseException as error:  # noqa: B902 - importing the engine's module ran its code
            raise LoadError(f'{target["path"]}: the class Value could not be reached: '
                            f'{type(error).__name__}: {error}') from None
    if not target.get('adapter_file'):
        return ArticleAdapter(module, name=target['path'] or target['name'],
                              source_paths=[target['path']] if target['path'] else ())
    adapter_file, wanted = target['adapter_file'], target.get('adapter_class', '')
    spec = importlib.util.spec_from_file_location('user_adapter', adapter_file)
    adapter_module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(adapter_module)
    except BaseException as error:  # noqa: B902 - reported, never raised at the user
        raise LoadError(f'the adapter {adapter_file} failed to import: '
                        f'{type(error).__name__}: {error}') from None
    classes = [c for c in vars(adapter_module).values()
               if isinstance(c, type) and issubclass(c, Adapter)
               and c not in (Adapter, ArticleAdapter) and c.__module__ == 'user_adapter']
    if wanted:
        classes = [c for c in classes if c.__name__ == wanted]
    if len(classes) != 1:
        raise LoadError(f'the adapter file {adapter_file} must define exactly one Adapter '
                        f'subclass{" named " + wanted if wanted else ""} (found {len(classes)}): '
                        'name it with --adapter FILE:CLASS')
    import inspect
    try:
        takes_module = len(inspect.signature(classes[0]).parameters) >= 1
        return classes[0](module) if takes_module else classes[0]()
    except BaseException as error:  # noqa: B902
        raise LoadError(f'the adapter {classes[0].__name__} could not be created: '
                        f'{type(error).__name__}: {error}') from None
