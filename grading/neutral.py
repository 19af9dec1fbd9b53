r"""Making text from student code inert before a report, a terminal or a CI log shows it.

Student code is hostile: an exception message, a traceback, what it printed, even a type name can
carry bytes meant for whoever displays the report rather than for the reader.

`inert(text)` covers what a terminal, a browser or an XML/JSON writer would act on:
  - ANSI/terminal escapes (ESC, CSI, OSC), every other C0 control, DEL and the C1 controls
    0x80-0x9f: they recolour, move the cursor, retitle the window, or hide lines; a carriage
    return or a backspace overwrites what was shown before it;
  - lone surrogates ('\udc80'), which no UTF-8 writer can encode (an exception, not a report);
  - noncharacters (U+FDD0..U+FDEF and U+xFFFE/U+xFFFF in every plane), never meant for
    interchange; XML 1.0 forbids U+FFFE and U+FFFF outright;
  - bidirectional controls (U+061C, U+200E/F, U+202A..U+202E, U+2066..U+2069), which make text
    display in another order than it is read ("Trojan Source");
  - U+2028/U+2029, line separators to some readers (Python's splitlines, JavaScript) but not to
    others, so they could hide a line break from one layer and show it to the next.
Each such character becomes a visible backslash escape of its code point, in Python's notation
(\x0d, \x1b, \udc80, \u202e, \U0010ffff), so the reader sees what was there and nothing acts on
it. Newline and tab stay; a Windows line end \r\n becomes \n (it overwrites nothing, and Python
on Windows writes it for every print). Backslashes already in the text are left alone: a literal
"\x1b" and an escaped ESC read the same, which is harmless, and paths, formulas and code keep
their look.

`no_workflow_commands(text)` covers GitHub Actions workflow commands: the runner takes a line
whose first non-blank characters are `::` as a command (`::error`, `::add-mask::`,
`::stop-commands::`, ...), and it still falls back to the legacy `##[command]` form, found
anywhere in a line. The grader fences student text off with ::stop-commands:: already; this is a
second layer, for text shown inside the fence.
"""
import re
import unicodedata

PLACEHOLDER = '<an object that could not be shown>'

_NONCHARACTERS = ''.join(chr(plane << 16 | low) for plane in range(17) for low in (0xfffe, 0xffff))
_UNSAFE = re.compile('[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef'
                     '\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029'
                     + _NONCHARACTERS + ']')


def _escape(match):
    code = ord(match.group())
    return (f'\\x{code:02x}' if code < 0x100 else f'\\u{code:04x}' if code < 0x10000
            else f'\\U{code:08x}')


def inert(text):
    """`text` as a str nothing will act on (see the module docstring). Not a str: its repr, or
    PLACEHOLDER when even that fails. Ordinary text, non-ASCII letters and emoji come back as
    they were."""
    if isinstance(text, str):
        text = str.__str__(text)   # a plain str, even from a str subclass with its own methods
    else:
        try:
            text = str.__str__(repr(text))
        except KeyboardInterrupt:
            raise
        except BaseException:  # a hostile __repr__ may raise anything, SystemExit included
            return PLACEHOLDER
    return _UNSAFE.sub(_escape, text.replace('\r\n', '\n'))


# Defusing prefix: a visible character, not a space, because the runner strips leading
# whitespace before it looks for `::`; '│ ' is also how the text report marks student lines.
MARK = '│ '


# What the runner may look past when it compares: its comparisons are culture-aware, and those
# ignore soft hyphens, zero-width and other format characters, combining marks and the like.
_INVISIBLE = ('Cc', 'Cf', 'Cn', 'Co', 'Cs', 'Mn', 'Me')


def _defuse(line):
    shown = [i for i, char in enumerate(line) if unicodedata.category(char) not in _INVISIBLE]
    seen = ''.join(line[i] for i in shown)   # the line as the runner may compare it
    # Legacy commands: '##[' anywhere in the line; a backslash before the '[' breaks it.
    for k in reversed([m.start() + 2 for m in re.finditer(r'(?=##\[)', seen)]):
        line = line[:shown[k]] + '\\' + line[shown[k]:]
    # The runner strips leading whitespace (all of Unicode's, as lstrip does) before '::'.
    return MARK + line if seen.lstrip().startswith('::') else line


def no_workflow_commands(text):
    """`text` with every line that GitHub Actions would run as a workflow command defused: a
    line that starts with `::` (after blanks) gets MARK in front, a `##[` gets a backslash
    before its '['. Lines are split as generously as any reader splits them (\\r, \\n, \\v, \\f,
    \\x1c-\\x1e, \\x85, U+2028, U+2029), and the line ends are kept."""
    text = str.__str__(text) if isinstance(text, str) else inert(text)
    return ''.join(_defuse(line) for line in text.splitlines(keepends=True))
