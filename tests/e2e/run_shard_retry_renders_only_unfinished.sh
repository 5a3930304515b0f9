#!/usr/bin/env bash
# A shard run (--shard auto in a Kubernetes pod's environment) killed with SIGKILL mid-way, then retried as
# the same index: the retry renders exactly the renditions the killed attempt had not recorded, and
# counts the recorded ones as up to date; a third run renders nothing.
source "$(dirname "$0")/lib.sh"
make_slow_site "$WORK/site" 12
journal="$WORK/site/public/renditions-1-of-2.jsonl"
export JOB_COMPLETION_INDEX=1
"$PRERENDER" run "$WORK/site/site.yaml" --shard auto --shards 2 --jobs 1 >/dev/null 2>&1 &
pid=$!
for _ in $(seq 3000); do
  if [[ -f $journal ]] && (( $(wc -l <"$journal") >= 2 )); then break; fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.02
done
kill -KILL "$pid" 2>/dev/null || fail "the shard finished before it could be killed"
wait "$pid" 2>/dev/null || true
recorded=$(wc -l <"$journal")

run_prerender run "$WORK/site/site.yaml" --shard auto --shards 2 --jobs 1
expect_status 0
total=$(wc -l <"$journal")
(( recorded > 0 && recorded < total )) || fail "killed after $recorded of $total renditions: not mid-way"
expect_err "$((total - recorded)) rendered, $recorded up to date, 0 failed"
echo "killed after $recorded of $total renditions; retry: $(grep -o '[0-9]* rendered, [0-9]* up to date' "$WORK/err")" >&2
check_outputs "$WORK/site/public"
run_prerender run "$WORK/site/site.yaml" --shard auto --shards 2 --jobs 1
expect_err "0 rendered, $total up to date"
# plan --shard auto lists what --shard 1/2 does.
"$PRERENDER" plan "$WORK/site/site.yaml" --shard auto --shards 2 >"$WORK/plan-auto"
"$PRERENDER" plan "$WORK/site/site.yaml" --shard 1/2 >"$WORK/plan-explicit"
[[ -s "$WORK/plan-auto" ]] && cmp -s "$WORK/plan-auto" "$WORK/plan-explicit" || fail "plan --shard auto differs from --shard 1/2"
