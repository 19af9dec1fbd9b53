"""--format junit: JUnit XML as GitLab CI and Jenkins read it (one testcase per check).

A lost check is a <failure> (wrong answer, not attempted) or an <error> (crash, timeout); a
check the adapter cannot serve is <skipped>. Points are in each testcase's system-out.
"""
import xml.etree.ElementTree as ET

from .text import _failure


def render(report):
    suites = ET.Element('testsuites', name='backprop-grader')
    totals = {'tests': 0, 'failures': 0, 'errors': 0, 'skipped': 0}
    for exercise in report.exercises:
        suite = ET.SubElement(suites, 'testsuite', name=exercise.id)
        counts = {'tests': 0, 'failures': 0, 'errors': 0, 'skipped': 0}
        for check in exercise.checks:
            counts['tests'] += 1
            case = ET.SubElement(suite, 'testcase', classname=f'grader.{exercise.id}',
                                 name=check.id, time=f'{check.seconds:.3f}')
            if check.status in ('failed', 'not_attempted'):
                counts['failures'] += 1
                ET.SubElement(case, 'failure', type=check.status,
                              message=_clean(check.message or check.status)).text = \
                    _clean(_failure(check))
            elif check.status in ('error', 'timeout'):
                counts['errors'] += 1
                ET.SubElement(case, 'error', type=check.status,
                              message=_clean(check.message)).text = _clean(_failure(check))
            elif check.status == 'skipped':
                counts['skipped'] += 1
                ET.SubElement(case, 'skipped', message=_clean(check.message))
            ET.SubElement(case, 'system-out').text = \
                f'{check.score:g}/{check.max_score:g} points: {check.description}'
        suite.attrib.update({k: str(v) for k, v in counts.items()})
        suite.set('time', f'{sum(c.seconds for c in exercise.checks):.3f}')
        for key in totals:
            totals[key] += counts[key]
    suites.attrib.update({k: str(v) for k, v in totals.items()})
    suites.set('time', f'{report.seconds:.3f}')
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, 'unicode') + '\n'


def _clean(text):
    """XML 1.0 cannot carry most control characters: drop them (student messages may have any)."""
    return ''.join(ch for ch in str(text) if ch in '\t\n\r' or ord(ch) >= 0x20)
