"""grading.toml ships with every setting commented out at its default: the numbers it shows must be
the real defaults, or an instructor who uncomments one changes the grade without meaning to."""
import re
from pathlib import Path

from checks import EXERCISES, all_checks

ROOT = Path(__file__).resolve().parents[1]


def test_commented_points_are_the_sums_of_the_checks_points():
    text = (ROOT / 'grading.toml').read_text()
    shown = dict(re.findall(r'^\[exercises\.(\w+)\]\n# points = ([\d.]+)$', text, re.MULTILINE))
    # The article's API (what grading.toml configures): the checks of scalar engines are not its.
    sums = {e: sum(c.points for c in all_checks() if c.exercise == e and c.level != 'engine')
            for e in EXERCISES}
    assert {e: float(p) for e, p in shown.items()} == sums
    total = re.search(r"checks' own points \(([\d.]+) in all\)", text)
    assert total and float(total.group(1)) == sum(sums.values())
