"""--export-student DIR: the repository as students receive it, written into an empty folder.

What goes in is a fixed list (below); everything else stays out: reference/ (the model answer),
tests/ (the project's tests, with their bug corpus), .ci/, platforms/, benchmarks/ (they time the
reference) and docs for instructors, caches. The packaging file is rewritten so that it no longer names the reference package, and
README.md loses its table rows about withheld folders (rows starting "| `reference/`" and so on)
and any block between `<!-- instructors -->` and `<!-- /instructors -->`; in every document
written (README.md, docs/, grading.toml), a withheld path is followed by "(not in this copy)".
"""
import re
import shutil
import sys
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from checks.profiles import DEFAULT_SEED

from .loader import UsageError

ROOT = Path(__file__).resolve().parents[1]
# (path, required): folders are copied whole, minus caches and hidden files.
STUDENT_FILES = (
    ('exercises', True), ('checks', True), ('grading', True), ('executor', True),
    ('grader.py', True),
    ('pyproject.toml', True), ('README.md', True), ('docs/contract.md', True),
    ('docs/checks.md', False), ('docs/adapters.md', False), ('docs/report-format.md', False),
    ('grading.toml', False), ('LICENSE', False), ('.gitignore', False),
)
WITHHELD = ('reference/', 'tests/', '.ci/', 'platforms/', 'docs/instructors.md', 'benchmarks/',
            'docs/performance.md', 'docs/quality.md', 'adapters/')
# The shipped documents: a path they name that is withheld is marked as such (mark_withheld).
DOCUMENT_SUFFIXES = ('.md', '.toml')
NOT_HERE = '(not in this copy)'
IGNORED = shutil.ignore_patterns('__pycache__', '*.py[co]', '.*', '*.egg-info')
PRIVATE_PACKAGES = ('reference',)


def export_student(directory, root=ROOT, out=None):
    out = out or sys.stdout
    target = Path(directory).expanduser().resolve()
    root = Path(root).resolve()
    if target == root or root in target.parents:
        raise UsageError(f'--export-student {directory}: that is inside the repository itself; '
                         'give a folder outside it, e.g. ../student-repo')
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(f'--export-student {directory}: the folder is not empty; give a new or '
                         'empty folder (nothing is overwritten)')
    missing = [path for path, required in STUDENT_FILES if required and not (root / path).exists()]
    if missing:
        raise RuntimeError(f'the repository has no {", ".join(missing)}: cannot export')

    target.mkdir(parents=True, exist_ok=True)
    written = []
    for path, _ in STUDENT_FILES:
        source = root / path
        if not source.exists():
            continue
        destination = target / path
        destination.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, destination, ignore=IGNORED)
            count = sum(1 for p in destination.rglob('*') if p.is_file())
            written.append(f'{path}/ ({count} files)')
        elif path == 'pyproject.toml':
            destination.write_text(student_pyproject(source.read_text(encoding='utf-8')),
                                   encoding='utf-8')
            written.append(f'{path} (packages: {", ".join(PRIVATE_PACKAGES)} removed)')
        elif path == 'README.md':
            destination.write_text(mark_withheld(student_readme(source.read_text(
                encoding='utf-8'))), encoding='utf-8')
            written.append(path)
        elif source.suffix in DOCUMENT_SUFFIXES:
            destination.write_text(mark_withheld(source.read_text(encoding='utf-8')),
                                   encoding='utf-8')
            written.append(path)
        else:
            shutil.copy2(source, destination)
            written.append(path)

    print(f'grader: exported the student repository to {target}:', file=out)
    for line in written:
        print(f'  {line}', file=out)
    print(f'  not exported: {", ".join(WITHHELD)}', file=out)
    warning = _seed_warning(target / 'grading.toml')
    if warning:
        print(f'grader: warning: {warning}', file=out)
    return 0


def student_pyproject(text):
    """pyproject.toml without the private packages in its package and coverage lists."""
    def drop(match):
        items = re.findall(r'"([^"]*)"', match.group(2))
        kept = [item for item in items if item.split('.')[0] not in PRIVATE_PACKAGES]
        return match.group(1) + '[' + ', '.join(f'"{item}"' for item in kept) + ']'

    rewritten = re.sub(r'(?m)^(\s*(?:packages|source)\s*=\s*)\[([^\]]*)\]', drop, text)
    data = tomllib.loads(rewritten)
    packages = data.get('tool', {}).get('setuptools', {}).get('packages', [])
    if not isinstance(packages, list) or any(str(p).split('.')[0] in PRIVATE_PACKAGES
                                             for p in packages):
        raise RuntimeError('pyproject.toml: could not remove the reference package from '
                           '[tool.setuptools] packages; update grading/export.py')
    return rewritten


def student_readme(text):
    """README.md without instructor-only blocks and the table rows about withheld folders."""
    text = re.sub(r'(?s)<!--\s*instructors\s*-->.*?<!--\s*/instructors\s*-->\n?', '', text)
    withheld = tuple(f'| `{path}' for path in WITHHELD)
    return ''.join(line for line in text.splitlines(keepends=True)
                   if not line.lstrip().startswith(withheld))


def mark_withheld(text):
    """A document as students receive it: each path it names that this copy withholds
    (`tests/fixtures/x.py`, `docs/instructors.md`, a link to one) is followed by NOT_HERE, after
    the code span it sits in, so that no reader looks for a file the copy does not have."""
    prefixes = '|'.join(re.escape(path) for path in WITHHELD)
    path = rf'(?<![\w/.-])(?:{prefixes})[\w./-]*(?<![.,;:])'
    text = re.sub(rf'\[([^\]]*)\]\(({path})\)', rf'\1 {NOT_HERE}', text)   # a link: its text
    return ''.join(_mark_line(line, path) for line in text.splitlines(keepends=True))


def _mark_line(line, path):
    ends = []   # where each mark goes: after the path, or after its code span's closing backtick
    for found in re.finditer(path, line):
        at = found.end()
        if line.count('`', 0, found.start()) % 2:   # inside a code span
            closing = line.find('`', at)
            at = closing + 1 if closing >= 0 else at
        if not line.startswith(f' {NOT_HERE}', at) and at not in ends:
            ends.append(at)
    for at in reversed(ends):
        line = line[:at] + f' {NOT_HERE}' + line[at:]
    return line


def _seed_warning(path):
    if not path.is_file():
        return ''
    try:
        seed = tomllib.loads(path.read_text(encoding='utf-8')).get('grader', {}).get('seed')
    except (OSError, tomllib.TOMLDecodeError):
        return ''
    if seed is not None and seed != DEFAULT_SEED:
        return (f'grading.toml sets [grader] seed = {seed}, and students can read it in the '
                'exported copy. Keep the grading seed out of the student repository: pass it '
                'with --seed in CI instead (docs/instructors.md)')
    return ''
