#!/usr/bin/env bash
# Shards are dealt by the seconds the journal records per asset: every rendition line has a cost_seconds,
# `plan --shards N` shows each shard's assets and estimated seconds (their sum is the journal's), every
# `plan --shard K/N` lists a disjoint part of the plan and together they list all of it, and shards run
# after an unsharded run find their assets up to date in the merged journal, whichever shard they went to.
source "$(dirname "$0")/lib.sh"
make_site "$WORK/site"
site="$WORK/site/site.yaml"

# Before any run: estimated from the sources' file sizes.
run_prerender plan "$site" --shards 3
expect_status 0
expect_err "estimates: 0 measured, 0 from pixels, 8 from file size"

run_prerender run "$site" --jobs 2
expect_status 0
run_prerender plan "$site" --shards 3 --json
expect_status 0
expect_err "3 shards by cost:"
expect_err "estimates: 8 measured, 0 from pixels, 0 from file size"
cp "$WORK/out" "$WORK/table.json"
"$PYTHON" - "$WORK/site/public/renditions.jsonl" "$WORK/table.json" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert len(lines) == 48 and all(l["cost_seconds"] > 0 for l in lines), "a rendition without its cost"
table = [json.loads(l) for l in open(sys.argv[2])]
assert [t["shard"] for t in table] == ["0/3", "1/3", "2/3"], table
assert sum(t["assets"] for t in table) == 8 and sum(t["renditions"] for t in table) == 48, table
total = sum(l["cost_seconds"] for l in lines)
assert abs(sum(t["seconds"] for t in table) - total) < 0.01, (table, total)
PY

# Each shard's plan: its rendition lines, and its estimated seconds as in the table.
"$PRERENDER" plan "$site" >"$WORK/plan-whole" 2>/dev/null
: >"$WORK/plan-shards"
for k in 0 1 2; do
  run_prerender plan "$site" --shard "$k/3"
  expect_status 0
  cat "$WORK/out" >>"$WORK/plan-shards"
  seconds=$("$PYTHON" -c 'import json,sys; print("%.1f" % json.loads(open(sys.argv[1]).readlines()[int(sys.argv[2])])["seconds"])' \
    "$WORK/table.json" "$k")
  expect_err "shard $k/3: "
  expect_err "estimated $seconds s on one worker"
  expect_err "0 to render"  # up to date: the shard reads the merged journal too
done
sort "$WORK/plan-whole" >"$WORK/a"; sort "$WORK/plan-shards" >"$WORK/b"
cmp -s "$WORK/a" "$WORK/b" || fail "the shards' plans are not exactly the whole plan"

# The shards' runs: nothing to render, every rendition recorded up to date in its shard's journal.
for k in 0 1 2; do
  run_prerender run "$site" --shard "$k/3" --jobs 1
  expect_status 0
  grep -qE '^0 rendered, [1-9][0-9]* up to date, 0 failed' "$WORK/err" || fail "shard $k/3 rendered again: $(cat "$WORK/err")"
done
run_prerender merge "$site"
expect_status 0
expect_out "merged 3 shard journals: 48 renditions, 0 changed"

# By hash alone: the same total, dealt otherwise.
run_prerender plan "$site" --shards 3 --shard-by hash
expect_status 0
expect_err "3 shards by hash:"
