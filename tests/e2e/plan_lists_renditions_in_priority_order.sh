#!/usr/bin/env bash
# plan prints one line per rendition, most requested asset first; --json, --top, --only and --shard select.
source "$(dirname "$0")/lib.sh"
# A copy: the output root of the example in the source tree may hold a run's outputs.
mkdir -p "$WORK/src"
cp -r "$PRERENDER_SOURCE_DIR/presets" "$WORK/src/"
mkdir -p "$WORK/src/examples" && cp -r "$PRERENDER_SOURCE_DIR/examples/site.yaml" "$PRERENDER_SOURCE_DIR/examples/images" "$WORK/src/examples/"
manifest="$WORK/src/examples/site.yaml"
run_prerender plan "$manifest"
expect_status 0
[[ $(wc -l <"$WORK/out") == 40 ]] || fail "expected 40 plan lines"
head -1 "$WORK/out" | grep -q "^render  shows/mountain-lake/hero  hero  avif  1x  1920x1080  shows/mountain-lake/hero/hero.avif$" ||
  fail "first line is not the most requested asset's first rendition"
expect_err "plan: 40 renditions of 4 assets: 40 to render, 0 up to date"

run_prerender plan "$manifest" --json --top 1
expect_status 0
"$PYTHON" - "$WORK/out" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert len(lines) == 10, len(lines)
assert all(l["asset"] == "shows/mountain-lake/hero" for l in lines)
first = lines[0]
assert first["url"] == "https://img.example.com/shows/mountain-lake/hero/hero.avif", first
assert first["width"] == 1920 and first["height"] == 1080 and first["action"] == "render", first
PY

run_prerender plan "$manifest" --only 'posters/*'
expect_status 0
! grep -v "^render  posters/" "$WORK/out" >/dev/null || fail "--only let other assets through"

# Three shards together give exactly the unsharded plan.
for k in 0 1 2; do "$PRERENDER" plan "$manifest" --shard "$k/3" 2>/dev/null; done | sort >"$WORK/sharded"
"$PRERENDER" plan "$manifest" 2>/dev/null | sort >"$WORK/whole"
cmp -s "$WORK/sharded" "$WORK/whole" || fail "shards do not partition the plan"

run_prerender plan "$manifest" --shard 3/3
expect_status 2
expect_err "--shard"
