"""Every Hypothesis setting, explicit: the same seed and versions give the same examples anywhere.

Hypothesis loads a 'ci' profile of its own when CI is set; nothing here is left to a default, so a
report on a laptop and in CI match.
"""
import zlib

from hypothesis import HealthCheck, Phase, Verbosity, settings

DEFAULT_SEED = 20240214   # the article's month; an instructor can set another with --seed
PROFILES = {
    'quick': 30,          # examples per check for students: a whole grade in seconds
    'thorough': 150,      # for CI and final grading: five times as many
}


def hypothesis_settings(profile='quick', weight=1.0):
    if profile not in PROFILES:
        raise ValueError(f'unknown profile {profile!r}: choose one of {", ".join(PROFILES)}')
    return settings(
        max_examples=max(1, round(PROFILES[profile] * weight)),
        derandomize=False,           # the seed comes from derived_seed() instead
        database=None,               # no state carried between runs
        deadline=None,               # time limits are real timers, not deadlines
        phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink),
        report_multiple_bugs=False,  # one minimal failure, raised as itself
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
        print_blob=False,
        stateful_step_count=50,
        backend='hypothesis',
    )


def derived_seed(seed, check_id):
    """One seed per check, so that checks do not share examples and adding one moves no other."""
    return zlib.crc32(f'{seed}:{check_id}'.encode())
