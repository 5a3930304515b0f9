#!/usr/bin/env bash
# --deadline stops admitting new assets; what was left undone is reported and the run exits 1; the next
# run picks up the rest.
source "$(dirname "$0")/lib.sh"
make_slow_site "$WORK/site" 24
run_prerender run "$WORK/site/site.yaml" --jobs 1 --deadline 500ms
expect_status 1
expect_err "deadline reached:"
"$PYTHON" - "$WORK/site/public/run.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
assert s["deadline_reached"] is True, s
assert s["assets"]["not_started"] > 0 and s["renditions"]["not_started"] == 3 * s["assets"]["not_started"], s
assert s["renditions"]["rendered"] + s["renditions"]["not_started"] == 72, s
PY
run_prerender run "$WORK/site/site.yaml" --jobs 2
expect_status 0
expect_err " 0 failed"
run_prerender run "$WORK/site/site.yaml" --deadline soon
expect_status 2
expect_err "--deadline"
