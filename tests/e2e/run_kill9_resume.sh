#!/usr/bin/env bash
# kill -9 at random moments mid-run, then rerun: it completes; every output decodes; the journal parses;
# no temporary files remain.
source "$(dirname "$0")/lib.sh"
make_slow_site "$WORK/site" 16
for round in 1 2 3; do
  "$PRERENDER" run "$WORK/site/site.yaml" --jobs 2 >/dev/null 2>&1 &
  pid=$!
  sleep "0.$((RANDOM % 9 + 1))$((RANDOM % 10))"
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  # What a killed run finished must be whole; it may leave temporaries, which the next run removes.
  if [[ -f "$WORK/site/public/renditions.jsonl" ]]; then
    "$PYTHON" - "$WORK/site/public" <<'PY'
import json, os, sys
root = sys.argv[1]
lines = open(f"{root}/renditions.jsonl").read().split("\n")
for line in lines[:-1]:          # the last piece may be a line torn by the kill
    r = json.loads(line)
    assert os.path.getsize(os.path.join(root, r["path"])) == r["bytes"], r["path"]
PY
  fi
done
run_prerender run "$WORK/site/site.yaml" --jobs 2
expect_status 0
expect_err " 0 failed"
check_outputs "$WORK/site/public"
[[ $(wc -l <"$WORK/site/public/urls.txt") == 48 ]] || fail "not every rendition is present after resuming"
run_prerender run "$WORK/site/site.yaml" --jobs 2
expect_err "0 rendered, 48 up to date"
