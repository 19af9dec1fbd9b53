"""The list of checks: each belongs to one exercise and carries its points, description and hint.

A hint gives a direction (the property, where to look) and never the answer: no number an exercise
asks the student to work out, no line of code to paste. What would give the answer away goes in
`explanation`, shown only when the instructor sets hints = "full" (grading.toml, [report]).
"""
from dataclasses import dataclass

EXERCISES = ('core', 'ex1', 'ex2', 'ex3', 'ex4', 'ex5', 'ex6', 'ex7')
EXERCISE_TITLES = {
    'core': "The article's framework", 'ex1': 'Exercise 1: SGD steps by hand',
    'ex2': 'Exercise 2: compile()', 'ex3': 'Exercise 3: forward caching',
    'ex4': 'Exercise 4: macros', 'ex5': 'Exercise 5: outputs and SoftMax',
    'ex6': 'Exercise 6: funcify()', 'ex7': 'Exercise 7: several parents',
}


@dataclass(frozen=True)
class Check:
    id: str                 # '<exercise>.<name>', stable: reports and configs refer to it
    exercise: str
    points: float
    description: str        # one line: the property
    hint: str               # what to look at when it fails: a direction, never the answer
    verify: object          # verify(ctx, case): returns normally or raises failures.Mismatch
    cases: object = None    # cases(ctx) -> Hypothesis strategy; None: verify(ctx, None) once
    level: str = 'article'  # 'functional': through any adapter; 'article': needs the article's API;
    #                         'engine': through any adapter but the article's (docs/adapters.md)
    operations: frozenset = frozenset()  # operation kinds the check cannot do without
    examples: float = 1.0   # share of the profile's example budget
    probes: tuple = ()      # for single-operation probes: the kinds they judge
    fixed: tuple = ()       # cases run before the generated ones: edge cases chance may not draw
    #                         (or a function of the check's context giving them)
    engine: tuple = ()      # (description, hint) in an engine's terms, for functional checks
    timed: bool = False     # its verdict is a measurement of time: never re-run to be confirmed
    session: bool = False   # needs an adapter's session() (docs/adapters.md, "State")
    time_scale: float = 1.0  # an example may take this many times example_seconds (one that
    #                          is a whole training run, not one generated case)
    explanation: str = ''   # the full explanation (hint level "full"); '' when the hint is all


CHECKS = []


def check(id, points, description, hint, cases=None, level='article', operations=(),
          examples=1.0, probes=(), fixed=(), engine=(), timed=False, session=False,
          time_scale=1.0, explanation=''):
    """Register the decorated verify(ctx, case) function as a check."""
    exercise = id.split('.')[0]
    assert exercise in EXERCISES, id

    def register(verify):
        assert all(c.id != id for c in CHECKS), f'duplicate check id {id}'
        CHECKS.append(Check(id, exercise, points, description, hint, verify, cases, level,
                            frozenset(operations), examples, tuple(probes),
                            fixed if callable(fixed) else tuple(fixed), tuple(engine), timed,
                            session, time_scale, explanation))
        return verify

    return register


def all_checks():
    """Every check, grouped by exercise in course order (probes first within an exercise)."""
    from . import groups  # noqa: F401  (importing the groups registers their checks)
    return sorted(CHECKS, key=lambda c: (EXERCISES.index(c.exercise), not c.probes))


def article_checks():
    """The checks of the article's API: every check but those of scalar engines."""
    return [c for c in all_checks() if c.level != 'engine']


def get(check_id):
    for c in all_checks():
        if c.id == check_id:
            return c
    raise KeyError(check_id)
