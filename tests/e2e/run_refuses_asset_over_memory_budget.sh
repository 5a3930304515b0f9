#!/usr/bin/env bash
# An asset estimated to need more than the whole memory budget (a 4096x800 AVIF, about 26 MiB, under a
# 16 MiB budget; the JPEGs need about 10 MiB) is refused with its estimate and the budget, not admitted
# alone; the other assets render and the run exits 1. A budget raised enough renders it.
source "$(dirname "$0")/lib.sh"
site="$WORK/site"
mkdir -p "$site/images"
cp "$FIXTURES/images/avif-pitm-4096x800.avif" "$site/images/wide.avif"
cp "$FIXTURES/images/landscape-1.jpg" "$FIXTURES/images/orient/portrait-1.jpg" "$site/images/"
cat >"$site/site.yaml" <<'YAML'
version: 1
sources: { root: images/ }
output: { root: public/ }
presets:
  small: { resize: { width: 160 }, format: [jpeg] }
assets:
  - { source: "*.jpg", presets: [small] }
  - { source: "wide.avif", presets: [small] }
YAML

run_prerender run "$site/site.yaml" --jobs 1 --memory 16MiB
expect_status 1
expect_err "2 rendered, 0 up to date, 1 failed"
grep -qE "needs an estimated [0-9.]+ MiB, over the memory budget of 16.0 MiB \(--memory\); raise it to render this asset" "$WORK/err" ||
  fail "the refusal does not name the estimate and the budget"
[[ -f "$site/public/landscape-1/small.jpg" && -f "$site/public/portrait-1/small.jpg" ]] || fail "the other assets were not rendered"
[[ ! -e "$site/public/wide/small.jpg" ]] || fail "the refused asset was rendered"
"$PYTHON" - "$site/public" <<'PY'
import json, sys
root = sys.argv[1]
records = {r["asset"]: r for r in map(json.loads, open(f"{root}/renditions.jsonl"))}
assert records["wide"]["status"] == "failed" and "over the memory budget" in records["wide"]["error"], records["wide"]
assert records["landscape-1"]["status"] == "rendered", records["landscape-1"]
summary = json.load(open(f"{root}/run.json"))
assert summary["peak_admitted_estimate_bytes"] <= 16 * 1024 * 1024, summary
PY

run_prerender run "$site/site.yaml" --jobs 1 --memory 64MiB
expect_status 0
vipsheader "$site/public/wide/small.jpg" | grep -q "160x" || fail "the asset was not rendered under a budget large enough"
