# Shared helpers for end-to-end cases: source it first. Each case runs the built binary like a user.
set -Eeuo pipefail
trap 'echo "FAILED at ${BASH_SOURCE[0]}:${LINENO}: ${BASH_COMMAND}" >&2' ERR

: "${PRERENDER:?PRERENDER must point at the built binary}"
: "${PRERENDER_SOURCE_DIR:?PRERENDER_SOURCE_DIR must point at the source tree}"
# Debian's python3 (with python3-jsonschema and python3-yaml), not another one earlier on PATH.
PYTHON=/usr/bin/python3
[[ -x "$PYTHON" ]] || PYTHON=python3
FIXTURES="$PRERENDER_SOURCE_DIR/tests/fixtures"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/prerender-e2e-XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# run_prerender ARGS...: runs the binary, keeping stdout in $WORK/out, stderr in $WORK/err, status in $STATUS.
run_prerender() {
  set +e
  "$PRERENDER" "$@" >"$WORK/out" 2>"$WORK/err"
  STATUS=$?
  set -e
}

fail() {
  echo "FAIL: $*" >&2
  echo "--- stdout" >&2; head -c 4000 "$WORK/out" >&2 || true
  echo "--- stderr" >&2; head -c 4000 "$WORK/err" >&2 || true
  exit 1
}

expect_status() { [[ "$STATUS" == "$1" ]] || fail "exit status $STATUS, expected $1"; }
expect_out() { grep -qF -- "$1" "$WORK/out" || fail "stdout lacks: $1"; }
expect_err() { grep -qF -- "$1" "$WORK/err" || fail "stderr lacks: $1"; }
expect_no_err() { ! grep -qF -- "$1" "$WORK/err" || fail "stderr has: $1"; }
skip() { echo "SKIPPED: $*" >&2; exit 77; }
