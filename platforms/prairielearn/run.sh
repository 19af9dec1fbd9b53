#!/usr/bin/env bash
# PrairieLearn external grading with this grader: the question's entrypoint (see
# docs/instructors.md, "PrairieLearn"). PrairieLearn copies the student's files to /grade/student
# and reads /grade/results/results.json when this script ends.
#
# The submission is one Python file (a single-file implementation of the whole API, as a
# <pl-file-editor> or <pl-file-upload> question collects it), one notebook (.ipynb), or the
# exercises/ package. It is copied to a scratch folder (links and special files refused) and
# graded there with --format prairielearn; this script always leaves a results.json: when the
# grader cannot write one (usage error, grader failure, time limit), a "not gradable" result
# that says why, so the student loses no attempt for a failure that is not theirs.
#
# Environment (all optional):
#   GRADE_ROOT       default /grade (tests point it at a temporary folder)
#   GRADER_SOURCE    the grader's folder; default /grader (where the Dockerfile puts it)
#   PYTHON           default python3
#   GRADER_PROFILE   default quick (a grade: about 9 s on 2 cores; thorough: about 31 s)
#   GRADER_SEED      a secret seed, a whole number (set it in info.json's "environment")
#   GRADER_TIMEOUT   seconds before grading is stopped (default 100): keep it below the
#                    question's externalGradingOptions.timeout, so that the result is written
#   GRADER_ARGS      extra options for grader.py, e.g. "--exercise core" (never --seed: reports
#                    and command lines show it)
set -uo pipefail
ROOT="${GRADE_ROOT:-/grade}"
SOURCE="${GRADER_SOURCE:-/grader}"
PYTHON="${PYTHON:-python3}"
PROFILE="${GRADER_PROFILE:-quick}"
TIME_LIMIT="${GRADER_TIMEOUT:-100}"
read -r -a EXTRA <<< "${GRADER_ARGS:-}"
RESULTS_DIR="$ROOT/results"
mkdir -p "$RESULTS_DIR"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/grade.XXXXXX")" || exit 0
trap 'cd / && rm -rf "$WORK"' EXIT

# not_gradable MESSAGE: the fallback result (PrairieLearn: no points awarded or lost).
not_gradable() {
  echo "run.sh: $1" >&2
  "$PYTHON" -I -S -c 'import json, sys
print(json.dumps({"gradable": False, "format_errors": [sys.argv[1]],
                  "message": "This submission could not be graded: " + sys.argv[1]}))' "$1" \
    > "$RESULTS_DIR/results.json"
  exit 0
}

# The submission: the one .py file, or the exercises/ folder (at the top, or its files).
STUDENT="$ROOT/student"
ODD="$(find "$STUDENT" -mindepth 1 ! -type f ! -type d -print -quit 2> /dev/null)"
[ -z "$ODD" ] || not_gradable "${ODD#"$STUDENT"/} is a link or a special file: submit files."
mapfile -t FILES < <(find "$STUDENT" -maxdepth 1 -type f -name '*.py' 2> /dev/null | sort)
mapfile -t NOTEBOOKS < <(find "$STUDENT" -maxdepth 1 -type f -name '*.ipynb' 2> /dev/null)
if [ -d "$STUDENT/exercises" ]; then
  cp -R "$STUDENT/exercises" "$WORK/exercises" && IMPL=exercises
elif [ "${#FILES[@]}" = 1 ]; then
  cp "${FILES[0]}" "$WORK/solution.py" && IMPL=solution.py
elif [ "${#FILES[@]}" = 0 ] && [ "${#NOTEBOOKS[@]}" = 1 ]; then   # its code cells, as one module
  cp "${NOTEBOOKS[0]}" "$WORK/solution.ipynb" && IMPL=solution.ipynb
elif [ -f "$STUDENT/__init__.py" ]; then
  cp -R "$STUDENT" "$WORK/exercises" && IMPL=exercises
else
  not_gradable "expected one .py file or an exercises/ package; found ${#FILES[@]} .py files."
fi
[ -n "${IMPL:-}" ] || not_gradable "the submission could not be copied"

cd "$WORK" || not_gradable "cannot enter the work folder"
timeout --kill-after=10 "$TIME_LIMIT" "$PYTHON" "$SOURCE/grader.py" --impl "$IMPL" \
  --profile "$PROFILE" --format prairielearn --output "$WORK/results.json" \
  ${EXTRA[@]+"${EXTRA[@]}"} 2> "$WORK/log"
status=$?
tail -c 4000 "$WORK/log" >&2
case "$status" in
  0|1) ;;
  124|137) not_gradable "grading took longer than $TIME_LIMIT s and was stopped" ;;
  2) not_gradable "the grader was started wrongly (a usage error): please tell your instructor" ;;
  *) not_gradable "the grader itself failed (status $status), not your code: please tell your instructor" ;;
esac
"$PYTHON" -I -S -c 'import json, sys
data = json.load(open(sys.argv[1], encoding="utf-8"))
assert isinstance(data, dict) and (data.get("gradable") is False or
                                   0 <= data["score"] <= 1 and isinstance(data["tests"], list))' \
  "$WORK/results.json" 2> /dev/null || not_gradable "the grader finished without a valid results.json"
cp "$WORK/results.json" "$RESULTS_DIR/results.json"
