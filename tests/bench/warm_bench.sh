#!/usr/bin/env bash
# prerender warm against Varnish on loopback with small objects, beside curl's own rate for the same list
# in the same run:  tests/bench/warm_bench.sh PRERENDER [--quick]
#   full: 100,000 URLs; --quick: 2,000 (a smoke test that the benchmark still works).
# Varnish caches each URL (nginx behind it serves one 512-byte file for every path). After a filling pass
# (all misses), both clients request the whole list from the hot cache at 32 at once:
#   prerender warm --list L --concurrency 32       and       xargs -P32 -n100 curl -s < L > /dev/null
# (curl gets 100 URLs an invocation, so it too keeps its connection alive rather than paying a process
# and a connection per URL). Peak RSS is warm's own (getrusage), from its warm_end event.
set -euo pipefail
PRERENDER=$(realpath "$1")
count=100000
[[ "${2:-}" == "--quick" ]] && count=2000
PRERENDER_SOURCE_DIR=$(cd "$(dirname "$0")/../.." && pwd)
export PRERENDER PRERENDER_SOURCE_DIR
source "$PRERENDER_SOURCE_DIR/tests/e2e/lib.sh"
source "$PRERENDER_SOURCE_DIR/tests/e2e/servers.sh"
# A benchmark without its servers says so and is done (on CI, where they must start, servers.sh fails).
skip() { echo "warm benchmark skipped: $*" >&2; exit 0; }
require_servers

mkdir -p "$WORK/conf" "$WORK/site/images" "$WORK/objects"
head -c 512 /dev/urandom >"$WORK/objects/object.bin"
: >"$WORK/conf/nginx-http.conf"
cat >"$WORK/conf/nginx-server.conf" <<CONF
location / { root $WORK/objects; try_files /object.bin =404; add_header xkey bench; }
CONF
cp "$FIXTURES/images/landscape-1.jpg" "$WORK/site/images/"
cat >"$WORK/site/site.yaml" <<'YAML'
version: 1
sources: { root: images/ }
output: { root: public/ }
presets: { small: { resize: { width: 64 }, format: webp } }
assets: [ { source: landscape-1.jpg, presets: [small] } ]
YAML
start_nginx "$WORK/conf"
VARNISH_MEMORY=512m start_varnish  # room for every object: the hot pass must not meet an eviction
cdn="http://127.0.0.1:$VARNISH_PORT"
"$PYTHON" -c "
import sys
for i in range($count): print('/bench/%06d/small.webp' % i)" >"$WORK/list.txt"

warm_once() {  # warm_once LABEL: runs warm over the list, prints its rate and peak RSS
  "$PRERENDER" warm "$WORK/site/site.yaml" --cdn "$cdn" --list "$WORK/list.txt" --concurrency 32 \
    --log-format json -q --log-file "$WORK/warm-$1.log" --progress never
  "$PYTHON" - "$WORK/warm-$1.log" "$1" <<'PY'
import json, sys
end = [json.loads(l) for l in open(sys.argv[1]) if '"warm_end"' in l][-1]
r = end["results"]
print("prerender warm (%s): %d URLs in %.2f s = %.0f requests/s; %d hits, %d misses, %d failed; p50 %.2f ms, p95 %.2f ms; peak RSS %.1f MiB"
      % (sys.argv[2], end["urls"], end["wall_seconds"], end["requests_per_second"], r["hit"], r["miss"], r["failed"],
         end["latency_seconds"]["p50"] * 1000, end["latency_seconds"]["p95"] * 1000, end["peak_rss_bytes"] / 2**20))
PY
}

warm_once fill
warm_once hot
sed "s|^|$cdn|" "$WORK/list.txt" >"$WORK/absolute.txt"
start=$(date +%s.%N)
xargs -P32 -n100 curl -s <"$WORK/absolute.txt" >/dev/null
end=$(date +%s.%N)
"$PYTHON" -c "print('xargs -P32 -n100 curl (hot): %d URLs in %.2f s = %.0f requests/s' % ($count, $end - $start, $count / ($end - $start)))"
hits=$(varnishstat -n "$SERVERS/varnish" -1 -f MAIN.cache_hit | awk '{print $2}')
echo "varnish cache_hit counter: $hits (2 x $count hot requests expected)"
