#!/usr/bin/env bash
# SIGTERM mid-run: admission stops, renditions in flight finish and are recorded, exit 143, no partial
# file; the next run completes the rest without redoing what was finished.
source "$(dirname "$0")/lib.sh"
make_slow_site "$WORK/site" 24
"$PRERENDER" run "$WORK/site/site.yaml" --jobs 1 >"$WORK/out" 2>"$WORK/err" &
pid=$!
# Wait until some renditions are recorded, then ask it to stop.
for _ in $(seq 1 1200); do  # up to a minute: sanitizer builds on a loaded machine are slow
  [[ -s "$WORK/site/public/renditions.jsonl" ]] && break
  sleep 0.05
done
kill -TERM "$pid"
set +e
wait "$pid"
STATUS=$?
set -e
expect_status 143
expect_err "stopping: finishing renditions in flight"
expect_err "interrupted by signal 15"
check_outputs "$WORK/site/public"
done_before=$(grep -c '"status":"rendered"' "$WORK/site/public/renditions.jsonl")
(( done_before > 0 && done_before < 72 )) || fail "expected a partial run, got $done_before renditions"
# Every recorded rendition's file is there with its recorded size.
"$PYTHON" - "$WORK/site/public" <<'PY'
import json, os, sys
root = sys.argv[1]
for line in open(f"{root}/renditions.jsonl"):
    r = json.loads(line)
    assert os.path.getsize(os.path.join(root, r["path"])) == r["bytes"], r["path"]
PY
run_prerender run "$WORK/site/site.yaml" --jobs 2
expect_status 0
expect_err "$((72 - done_before)) rendered, $done_before up to date, 0 failed"
