"""grading.toml: points, visibility, seed, profile and limits, editable by an instructor."""
import dataclasses
from fractions import Fraction
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from checks.registry import EXERCISES, all_checks

from .isolation import Limits
from .loader import UsageError

VISIBILITIES = ('visible', 'hidden', 'after_due_date', 'after_published')
# What a failing check's report says beyond the failure itself: nothing, a direction (the
# default: never an answer), or the full explanation (exercise 1's numbers, lines of code).
HINT_LEVELS = ('none', 'direction', 'full')
# Scaled points are whole multiples of 1/64: binary floating point adds such numbers exactly, in
# any order, so an exercise's checks add up to exactly its points in every report and platform
# (GitHub Classroom's reporter sums them in JavaScript).
POINTS_GRID = 64


class Config:
    def __init__(self, data=None, path=''):
        data = data or {}
        self.path = str(path)
        grader = data.get('grader', {})
        self.seed = grader.get('seed')
        self.profile = grader.get('profile')
        self.limits = Limits(**{k: v for k, v in data.get('limits', {}).items()
                                if k in Limits.__dataclass_fields__})
        # the limits grading.toml sets itself: an adapter's request never changes those
        self.explicit_limits = frozenset(k for k in data.get('limits', {})
                                         if k in Limits.__dataclass_fields__)
        self.exercises = data.get('exercises', {})
        self.checks = data.get('checks', {})
        self.hints = data.get('report', {}).get('hints', 'direction')
        self._validate()

    def _validate(self):
        if self.hints not in HINT_LEVELS:
            raise UsageError(f'{self.path}: [report] hints must be one of '
                             f'{", ".join(repr(h) for h in HINT_LEVELS)}, not {self.hints!r}')
        for exercise, table in self.exercises.items():
            if exercise not in EXERCISES:
                raise UsageError(f'{self.path}: [exercises.{exercise}] is not an exercise '
                                 f'(choose from {", ".join(EXERCISES)})')
            self._visibility(table, f'[exercises.{exercise}]')
        known = {c.id for c in all_checks()}
        for check_id, table in self.checks.items():
            if check_id not in known:
                raise UsageError(f'{self.path}: [checks."{check_id}"] is not a check '
                                 '(python grader.py --list shows them)')
            self._visibility(table, f'[checks."{check_id}"]')

    def _visibility(self, table, where):
        if table.get('visibility', 'visible') not in VISIBILITIES:
            raise UsageError(f'{self.path}: {where} visibility must be one of '
                             f'{", ".join(VISIBILITIES)}')

    def points(self, checks):
        """{check id: points}: per-check overrides, then each exercise scaled to its total."""
        points = {c.id: float(self.checks.get(c.id, {}).get('points', c.points)) for c in checks}
        for exercise, table in self.exercises.items():
            if 'points' in table:
                ids = [c.id for c in checks if c.exercise == exercise]
                points.update(zip(ids, scaled([points[i] for i in ids], table['points'])))
        return points

    def limits_for(self, requested=None):
        """(Limits, {limit: who set it}) for a grade whose adapter asks for `requested`
        ({limit: value}, checked by checks.adapters.limits): a request raises the default, never
        lowers it, and a limit grading.toml sets itself wins over it. Who set a limit is
        'grading.toml', 'adapter' or 'default'."""
        values, set_by = dataclasses.asdict(self.limits), {}
        for key in values:
            if key in self.explicit_limits:
                set_by[key] = 'grading.toml'
            elif key in (requested or {}) and requested[key] > values[key]:
                values[key], set_by[key] = requested[key], 'adapter'
            else:
                set_by[key] = 'default'
        return Limits(**values), set_by

    def visibility(self, check):
        return self.checks.get(check.id, {}).get(
            'visibility', self.exercises.get(check.exercise, {}).get('visibility', 'visible'))


def scaled(weights, total):
    """The weights scaled to add up to `total`: multiples of 1/POINTS_GRID, each less than one
    1/POINTS_GRID from its exact share, the units left over going to the largest remainders (the
    first of equal ones), so that they add up to exactly `total`. A total that is not such a
    multiple cannot be met exactly: the exact shares then."""
    weight = sum(Fraction(w) for w in weights)
    if not weight:
        return [0.0] * len(weights)
    shares = [Fraction(w) * Fraction(total) / weight for w in weights]
    units = Fraction(total) * POINTS_GRID
    if units.denominator != 1:
        return [float(share) for share in shares]
    floors = [int(share * POINTS_GRID) for share in shares]   # shares are never negative
    by_remainder = sorted(range(len(shares)),
                          key=lambda i: floors[i] - shares[i] * POINTS_GRID)   # stable: ties
    for i in by_remainder[:int(units) - sum(floors)]:
        floors[i] += 1
    return [f / POINTS_GRID for f in floors]


def load(path=None, root=None):
    """The config at `path`, or grading.toml beside grader.py when it exists, or the defaults."""
    if path is None:
        default = Path(root or Path(__file__).resolve().parents[1]) / 'grading.toml'
        if not default.is_file():
            return Config()
        path = default
    path = Path(path)
    if not path.is_file():
        raise UsageError(f'--config {path}: there is no such file')
    try:
        return Config(tomllib.loads(path.read_text(encoding='utf-8')), path)
    except tomllib.TOMLDecodeError as error:
        raise UsageError(f'{path} is not valid TOML: {error}') from None
    except TypeError as error:
        raise UsageError(f'{path}: {error}') from None
