"""The report: one data model that every output format renders. Its JSON form is documented in
docs/report-format.md and is stable: fields may be added, never renamed or removed."""
import math
from dataclasses import asdict, dataclass, field

SCHEMA_VERSION = 1


@dataclass
class CheckReport:
    id: str
    exercise: str
    description: str
    hint: str
    status: str            # passed, failed, error, timeout, not_attempted, skipped
    score: float
    max_score: float
    message: str = ''
    what: str = ''
    expected: object = None
    actual: object = None
    notes: str = ''
    case: object = None    # the minimal failing example as data (replay with --replay)
    case_text: str = ''
    python: str = ''       # code that rebuilds the failing graph with the article's API
    traceback: str = ''
    likely_culprit: str = ''
    reproduce: str = ''
    examples: int = 0
    seconds: float = 0.0
    blocked_by: str = ''   # another exercise whose stub this check ran into
    withheld: str = ''     # why `expected` is not shown (it is the exercise's answer)
    visibility: str = 'visible'   # Gradescope: visible, hidden, after_due_date, after_published
    marks: dict = field(default_factory=dict)   # where in the case it failed: nodes, steps


@dataclass
class ExerciseReport:
    id: str
    title: str
    checks: list = field(default_factory=list)
    visibility: str = 'visible'

    @property
    def score(self):
        return sum(c.score for c in self.checks)

    @property
    def max_score(self):
        return sum(c.max_score for c in self.checks)

    @property
    def score_shown(self):
        """May a summary students always see give this exercise's score? Only when every check
        is visible: the score of one hidden, or shown only later, tells what it keeps back."""
        return all(c.visibility == 'visible' for c in self.checks)

    @property
    def status(self):
        # Not attempted: every check is still a stub, or stopped by another exercise's stub.
        statuses = {'not_attempted' if c.blocked_by else c.status for c in self.checks}
        if statuses <= {'not_attempted', 'skipped'} and 'not_attempted' in statuses:
            return 'not_attempted'
        if statuses <= {'passed', 'skipped'}:
            return 'passed'
        return 'failed'


@dataclass
class Report:
    implementation: str
    seed: int
    profile: str
    versions: dict
    exercises: list = field(default_factory=list)
    student_output: str = ''
    student_output_lines: int = 0
    seconds: float = 0.0
    limits: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)   # grader-level messages (e.g. import failed)
    isolation: dict = field(default_factory=dict)  # mode (bwrap, user, none), description, why
    seed_secret: bool = False   # the seed came from GRADER_SEED: reports do not show it
    grader_failed: list = field(default_factory=list)  # checks the grader itself failed on
    graded_as: dict = field(default_factory=dict)  # api, name, operations (see report-format.md)
    hints: str = 'direction'   # the hint level: none, direction, full (grading.toml [report])

    @property
    def score(self):
        return sum(e.score for e in self.exercises)

    @property
    def max_score(self):
        return sum(e.max_score for e in self.exercises)

    @property
    def passed(self):
        return all(c.status in ('passed', 'skipped') for e in self.exercises for c in e.checks)

    def to_dict(self):
        return {
            'schema_version': SCHEMA_VERSION,
            'score': self.score,
            'max_score': self.max_score,
            'implementation': self.implementation,
            'seed': self.seed,
            'seed_secret': self.seed_secret,
            'profile': self.profile,
            'versions': self.versions,
            'seconds': round(self.seconds, 3),
            'limits': self.limits,
            'isolation': self.isolation,
            'graded_as': self.graded_as,
            'hints': self.hints,
            'notes': self.notes,
            'student_output': self.student_output,
            'exercises': [{
                'id': e.id, 'title': e.title, 'status': e.status, 'score': e.score,
                'max_score': e.max_score, 'visibility': e.visibility,
                'checks': [_check_dict(c) for c in e.checks],
            } for e in self.exercises],
        }


def _check_dict(check):
    data = asdict(check)
    data['seconds'] = round(data['seconds'], 3)
    for key in ('expected', 'actual', 'marks'):
        data[key] = _jsonable(data[key])
    return data


def _jsonable(value):
    if isinstance(value, float) and not math.isfinite(value):
        return repr(float(value))  # 'nan', 'inf', '-inf': strict JSON has no NaN or Infinity
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return repr(value)
