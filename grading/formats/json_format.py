"""--format json: the grader's own schema (docs/report-format.md)."""
import json


def render(report):
    return json.dumps(report.to_dict(), indent=2, allow_nan=False, default=repr) + '\n'
