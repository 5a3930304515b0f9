# Shared helpers for end-to-end cases: source it first. Each case runs the built binary like a user.
set -Eeuo pipefail
trap 'echo "FAILED at ${BASH_SOURCE[0]}:${LINENO}: ${BASH_COMMAND}" >&2' ERR

: "${PRERENDER:?PRERENDER must point at the built binary}"
: "${PRERENDER_SOURCE_DIR:?PRERENDER_SOURCE_DIR must point at the source tree}"
# Debian's python3 (with python3-jsonschema and python3-yaml), not another one earlier on PATH.
PYTHON=/usr/bin/python3
[[ -x "$PYTHON" ]] || PYTHON=python3
FIXTURES="$PRERENDER_SOURCE_DIR/tests/fixtures"
# A binary built with AddressSanitizer: memory figures include its shadow memory, and malloc is replaced
# (some codec heap corruption then no longer aborts).
# (Not `ldd | grep -q`: grep leaves at the first match, ldd may die of SIGPIPE, and pipefail reads that as no.)
SANITIZED=0
if [[ $(ldd "$PRERENDER" 2>/dev/null) == *libasan* ]]; then SANITIZED=1; fi
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

# stop_by_pidfiles PIDFILE...: stops each daemon whose pidfile exists, SIGTERM then SIGKILL after 5 s.
stop_by_pidfiles() {
  local pidfile pid
  for pidfile in "$@"; do
    [[ -s "$pidfile" ]] || continue
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
}

# make_site DIR: a small site of real photos (fixtures) and a manifest with two presets, six renditions
# per asset, all quick to encode. Prints nothing; the manifest is DIR/site.yaml.
make_site() {
  local dir=$1
  mkdir -p "$dir/images"
  cp "$FIXTURES/images/landscape-1.jpg" "$FIXTURES/images/cmyk-swop.jpg" "$FIXTURES/images/gray-concert.jpg" \
     "$FIXTURES/images/icc-adobergb.jpg" "$dir/images/"
  for n in 1 3 6 8; do cp "$FIXTURES/images/orient/portrait-$n.jpg" "$dir/images/portrait-$n.jpg"; done
  cat >"$dir/site.yaml" <<'YAML'
version: 1
sources: { root: images/ }
output: { root: public/, base_url: "https://cdn.test/" }
presets:
  small: { resize: { width: 160 }, format: [webp, jpeg] }
  square: { resize: { width: 96, height: 96, fit: cover, gravity: attention }, format: [avif, png], dpr: [1, 2] }
assets:
  - { source: "*.jpg", presets: [small, square] }
YAML
}

# check_outputs ROOT: every rendition file decodes, the journal parses, no temporary file is left.
check_outputs() {
  local root=$1
  "$PYTHON" - "$root" <<'PY'
import json, sys, os
root = sys.argv[1]
for name in os.listdir(root):
    if name.startswith("renditions") and name.endswith(".jsonl"):
        for n, line in enumerate(open(os.path.join(root, name)), 1):
            json.loads(line)  # raises on a torn or corrupt line
PY
  if [[ -n $(find "$root" -name '.prerender-tmp-*') ]]; then fail "temporary files left in $root"; fi
  local f
  while IFS= read -r f; do
    vipsheader "$f" >/dev/null 2>&1 || fail "output does not decode: $f"
  done < <(find "$root" -type f \( -name '*.jpg' -o -name '*.webp' -o -name '*.png' -o -name '*.avif' \))
}

# make_slow_site DIR COUNT: COUNT copies of one photo with AVIF renditions, so that a run lasts seconds.
make_slow_site() {
  local dir=$1 count=$2 i
  mkdir -p "$dir/images"
  for ((i = 0; i < count; i++)); do cp "$FIXTURES/images/landscape-1.jpg" "$dir/images/photo-$i.jpg"; done
  cat >"$dir/site.yaml" <<'YAML'
version: 1
sources: { root: images/ }
output: { root: public/ }
presets:
  big: { resize: { width: 600 }, format: [avif, webp, jpeg] }
assets:
  - { source: "*.jpg", presets: [big] }
YAML
}
