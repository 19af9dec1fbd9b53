"""--format junit: JUnit XML as GitLab CI and Jenkins read it (one testcase per check).

A lost check is a <failure> (wrong answer, not attempted) or an <error> (crash, timeout); a
check the adapter cannot serve is <skipped>, its reason both in the message attribute and as the
element's text (GitLab shows only the text). Points are in each testcase's system-out.

The counts are attributes of each <testsuite> and, but for `skipped`, of <testsuites>: Jenkins'
junit-10.xsd allows no `skipped` there. Every string goes through _clean, so no report, however
hostile its text, can make this raise or write XML 1.0 does not allow.
"""
import xml.etree.ElementTree as ET

from ..neutral import inert
from .text import _failure


def render(report):
    suites = ET.Element('testsuites', name='backprop-grader')
    totals = {'tests': 0, 'failures': 0, 'errors': 0, 'skipped': 0}
    for exercise in report.exercises:
        suite = ET.SubElement(suites, 'testsuite', name=_clean(exercise.id))
        counts = {'tests': 0, 'failures': 0, 'errors': 0, 'skipped': 0}
        for check in exercise.checks:
            counts['tests'] += 1
            case = ET.SubElement(suite, 'testcase', classname=_clean(f'grader.{exercise.id}'),
                                 name=_clean(check.id), time=f'{check.seconds:.3f}')
            if check.status in ('failed', 'not_attempted'):
                counts['failures'] += 1
                ET.SubElement(case, 'failure', type=_clean(check.status),
                              message=_clean(check.message or check.status)).text = \
                    _clean(_failure(check))
            elif check.status in ('error', 'timeout'):
                counts['errors'] += 1
                ET.SubElement(case, 'error', type=_clean(check.status),
                              message=_clean(check.message)).text = _clean(_failure(check))
            elif check.status == 'skipped':
                counts['skipped'] += 1
                ET.SubElement(case, 'skipped', message=_clean(check.message)).text = \
                    _clean(check.message)
            ET.SubElement(case, 'system-out').text = \
                _clean(f'{check.score:g}/{check.max_score:g} points: {check.description}')
        suite.attrib.update({k: str(v) for k, v in counts.items()})
        suite.set('time', f'{sum(c.seconds for c in exercise.checks):.3f}')
        for key in totals:
            totals[key] += counts[key]
    suites.attrib.update({k: str(v) for k, v in totals.items() if k != 'skipped'})
    suites.set('time', f'{report.seconds:.3f}')
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, 'unicode') + '\n'


def _clean(text):
    """XML 1.0 cannot carry most control characters, lone surrogates, U+FFFE or U+FFFF: inert
    writes each as a visible escape (the report is inert already; this keeps the XML well-formed
    whatever Report it is given)."""
    return inert(text)
