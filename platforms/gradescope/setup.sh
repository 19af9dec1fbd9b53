#!/usr/bin/env bash
# Gradescope runs this once, when it builds the autograder image from the zip (unpacked in
# /autograder/source): Python 3.10 or later, the grader's dependencies in a virtual
# environment at /autograder/venv, which run_autograder uses, and bubblewrap (best effort), the
# sandbox the grader runs students' code in.
#
# The zip is the exported student repository (python grader.py --export-student DIR) plus this
# file and run_autograder at its top level: see docs/instructors.md. Never zip the whole
# repository: student code runs in this container and could read reference/.
set -euo pipefail

ROOT="${AUTOGRADER_ROOT:-/autograder}"
SOURCE="${GRADER_SOURCE:-$ROOT/source}"

if ! python3 -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 10))' 2> /dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends python3 python3-venv python3-pip
fi
python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
  || { echo "setup.sh: the grader needs Python 3.10 or later; choose a newer base image" >&2; exit 1; }

python3 -m venv "$ROOT/venv"
"$ROOT/venv/bin/python" -m pip install --no-cache-dir --upgrade pip
# The grader's dependencies (exact Hypothesis pin: the examples, so every grade, depend on it),
# installed from the grader's own pyproject.toml.
"$ROOT/venv/bin/python" -m pip install --no-cache-dir -e "$SOURCE"
chmod +x "$SOURCE/run_autograder" 2> /dev/null || true
"$ROOT/venv/bin/python" "$SOURCE/grader.py" --list > /dev/null
echo "setup.sh: grader installed in $ROOT/venv"
# bubblewrap, best effort (apt-get, as python grader.py --setup-sandbox does), and which isolation
# the grader will use. Gradescope's Docker may still refuse namespaces in the grading containers:
# the grader then gives students' code a user of its own (mode user) by itself.
(cd "$SOURCE" && "$ROOT/venv/bin/python" -c \
  'import sys; from grading.setup_sandbox import setup_sandbox; sys.exit(setup_sandbox())') \
  || echo "setup.sh: bubblewrap could not be installed (see above); the grader still works" >&2
