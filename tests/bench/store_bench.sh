#!/usr/bin/env bash
# Upload throughput to an S3-compatible store on loopback (moto's server, signatures checked):
#   tests/bench/store_bench.sh BUILD_DIR [--quick]
# 1. prerender_store_bench: 2,000 objects of 64 KiB (--quick: 200) PUT over 16 connections at once, then
#    the same keys' hash metadata by HEAD: PUTs/s and MiB/s of net::S3Store itself.
# 2. prerender run of a small site into the store, then the unchanged rerun from an empty disk: its
#    run.json store counts (0 PUTs, 0 bytes) and wall time.
# The store is moto (Python): the figures are bounded by it, not by the client.
set -euo pipefail
BUILD=$(realpath "$1")
count=2000
[[ "${2:-}" == "--quick" ]] && count=200
PRERENDER="$BUILD/prerender"
PRERENDER_SOURCE_DIR=$(cd "$(dirname "$0")/../.." && pwd)
export PRERENDER PRERENDER_SOURCE_DIR
source "$PRERENDER_SOURCE_DIR/tests/e2e/lib.sh"
source "$PRERENDER_SOURCE_DIR/tests/e2e/servers.sh"
skip() { echo "store benchmark skipped: $*" >&2; exit 0; }
start_s3 bench
export AWS_ENDPOINT_URL="$MOTO"  # straight to the store: the fault proxy is for the tests

echo "store benchmark: $count PUTs of 64 KiB over 16 connections to loopback moto"
"$BUILD/tests/prerender_store_bench" bench throughput/ "$count" 65536 16

make_site "$WORK/site"
sed -i 's|^output: { root: public/|output: { root: "s3://bench/site", path: "{asset}/{preset}-{width}.{ext}"|' "$WORK/site/site.yaml"
for pass in first unchanged; do
  start=$(date +%s.%N)
  "$PRERENDER" run "$WORK/site/site.yaml" --jobs 2 -q
  end=$(date +%s.%N)
  rm -rf "$WORK/state"
  s3 download "$MOTO" bench site/.prerender/ "$WORK/state"
  "$PYTHON" - "$WORK/state/run.json" "$pass" "$start" "$end" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
s = d["store"]
print(f"store benchmark: {sys.argv[2]} run: {d['renditions']['rendered']} rendered, {d['renditions']['up_to_date']} up to date, "
      f"{s['puts']} PUTs, {s['put_bytes']} bytes uploaded, {float(sys.argv[4]) - float(sys.argv[3]):.2f} s wall")
PY
done
