#!/usr/bin/env bash
# The publishing side against real servers on loopback: nginx serves a run's output root with the include
# publish-config wrote, Varnish 7 with xkey caches in front. warm fills the cache (every URL a miss, then
# a hit), Varnish hands back each rendition's Content-Type, strong ETag and tags, a purge of one renderer
# version evicts exactly its objects, a URL answering 500 is retried and reported, and the run's and the
# warm's metrics parse with prometheus-client.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/servers.sh"
require_servers

make_site "$WORK/site"
public="$WORK/site/public"
run_prerender run "$WORK/site/site.yaml" --jobs 2 --metrics-file "$WORK/run.prom"
expect_status 0
total=$(wc -l <"$public/urls.txt")
[[ $total == 48 ]] || fail "urls.txt lists $total URLs, not 48"

# One asset's renditions as an older renderer (0.2.0) would have journalled them: the version a bad release
# leaves in the CDN, to be purged alone.
"$PYTHON" - "$public/renditions.jsonl" <<'PY'
import json, sys
path = sys.argv[1]
lines = [json.loads(l) for l in open(path)]
for r in lines:
    if r["asset"] == "landscape-1":
        r["renderer_version"] = "0.2.0"
        r["tags"] = ["renderer-0.2.0" if t.startswith("renderer-") else t for t in r["tags"]]
open(path, "w").write("".join(json.dumps(r) + "\n" for r in lines))
PY

run_prerender publish-config "$WORK/site/site.yaml" --out "$WORK/conf"
expect_status 0
expect_out "publish-config: 48 renditions"
start_nginx "$WORK/conf" 'location = /broken/500.jpg { return 500; }'
start_varnish
cdn="http://127.0.0.1:$VARNISH_PORT"

# cache_counts LOG: "hits misses unknown failed" from a warm's JSON log.
cache_counts() {
  "$PYTHON" - "$1" <<'PY'
import json, sys
counts = {"hit": 0, "miss": 0, "unknown": 0, "failed": 0}
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["event"] == "url":
        counts["failed" if "error" in e else e["cache"]] += 1
print(counts["hit"], counts["miss"], counts["unknown"], counts["failed"])
PY
}

run_prerender warm "$WORK/site/site.yaml" --cdn "$cdn" --log-format json --concurrency 8
expect_status 0
[[ $(cache_counts "$WORK/err") == "0 48 0 0" ]] || fail "first warm: hits misses unknown failed = $(cache_counts "$WORK/err"), not 0 48 0 0"
run_prerender warm "$WORK/site/site.yaml" --cdn "$cdn" --log-format json --metrics-file "$WORK/warm.prom"
expect_status 0
[[ $(cache_counts "$WORK/err") == "48 0 0 0" ]] || fail "second warm: hits misses unknown failed = $(cache_counts "$WORK/err"), not 48 0 0 0"

# --edge: the requests go to that address with the CDN's Host (Varnish caches per Host: new objects);
# --top takes the first URLs of the list; --rate spaces the requests (10 at 20/s: at least 0.45 s).
start=$(date +%s%N)
run_prerender warm "$WORK/site/site.yaml" --cdn http://img.test --edge "127.0.0.1:$VARNISH_PORT" --top 10 --rate 20 --log-format json
expect_status 0
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
[[ $(cache_counts "$WORK/err") == "0 10 0 0" ]] || fail "warm via --edge: hits misses unknown failed = $(cache_counts "$WORK/err"), not 0 10 0 0"
(( elapsed_ms >= 450 )) || fail "10 requests at --rate 20 took $elapsed_ms ms"
head -10 "$public/urls.txt" | sed 's|^https://cdn.test|http://img.test|' >"$WORK/top10"
grep -o '"url":"[^"]*"' "$WORK/err" | sed 's/"url":"//; s/"$//' | sort | cmp -s - <(sort "$WORK/top10") || fail "--top 10 did not warm the first 10 URLs"

# What Varnish returns carries the journal's headers.
"$PYTHON" - "$public/renditions.jsonl" "$cdn" <<'PY' || fail "Varnish's headers differ from the journal's"
import json, sys, urllib.request
journal, cdn = sys.argv[1], sys.argv[2]
checked = 0
for line in open(journal):
    r = json.loads(line)
    if r["format"] not in ("avif", "png"):
        continue
    with urllib.request.urlopen(cdn + "/" + r["path"]) as response:
        h = response.headers
        body = response.read()
    assert h["Content-Type"] == r["content_type"], (r["path"], h["Content-Type"])
    assert h["ETag"] == '"%s"' % r["etag"], (r["path"], h["ETag"], r["etag"])
    assert h["X-Cache"] == "HIT", (r["path"], h["X-Cache"])
    assert h["Cache-Control"] == "public, max-age=31536000, immutable", h["Cache-Control"]
    assert h["xkey"].split() == r["tags"], (h["xkey"], r["tags"])
    assert h["Cache-Tag"].split(",") == r["tags"], h["Cache-Tag"]
    assert len(body) == r["bytes"], (r["path"], len(body), r["bytes"])
    checked += 1
assert checked == 32, checked
PY
# Only what the journal lists is published: not the journal itself.
[[ $(curl -s -o /dev/null -w '%{http_code}' "$cdn/renditions.jsonl") == 404 ]] || fail "the origin serves renditions.jsonl"

# Purging renderer 0.2.0 evicts its 6 objects and nothing else.
run_prerender purge "$WORK/site/site.yaml" --cdn varnish --renderer-version 0.2.0 --endpoint "$cdn/"
expect_status 0
expect_out "purge: 1 item in 1 request: 1 accepted, 0 refused"
run_prerender warm "$WORK/site/site.yaml" --cdn "$cdn" --log-format json
expect_status 0
[[ $(cache_counts "$WORK/err") == "42 6 0 0" ]] || fail "after the purge: hits misses unknown failed = $(cache_counts "$WORK/err"), not 42 6 0 0"
"$PYTHON" - "$WORK/err" <<'PY' || fail "the purge evicted other objects than landscape-1's"
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["event"] == "url":
        assert (e["cache"] == "miss") == ("/landscape-1/" in e["url"]), e
PY

# A URL answering 500 is retried (2 retries: 3 requests reach nginx) and reported; the others still succeed.
printf '%s\n' "https://cdn.test/broken/500.jpg" "https://cdn.test/portrait-1/small.webp" >"$WORK/list.txt"
before=$(grep -c ' /broken/500.jpg ' "$SERVERS/access.log" || true)
run_prerender warm "$WORK/site/site.yaml" --cdn "$cdn" --list "$WORK/list.txt" --retries 2
expect_status 1
expect_err "prerender: failed: $cdn/broken/500.jpg: HTTP 500 after 3 attempts"
expect_err "warm: 2 URLs: 1 hits, 0 misses, 0 unknown, 1 failed; 2 retries"
after=$(grep -c ' /broken/500.jpg ' "$SERVERS/access.log" || true)
[[ $((after - before)) == 3 ]] || fail "nginx saw $((after - before)) requests for the failing URL, not 3"

# --deadline: past it no request starts; what was left is reported and the exit status says so.
run_prerender warm "$WORK/site/site.yaml" --cdn "$cdn" --deadline 0s
expect_status 1
expect_err "warm: 48 URLs: 0 hits, 0 misses, 0 unknown, 0 failed, 48 not started"

# Both metrics files parse as Prometheus text and say what happened.
"$PYTHON" - "$WORK/run.prom" "$WORK/warm.prom" <<'PY' || fail "the metrics do not parse or say something else"
import sys
from prometheus_client.parser import text_string_to_metric_families
def samples(path):
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(open(path).read()) for s in family.samples}
run, warm = samples(sys.argv[1]), samples(sys.argv[2])
assert run[("prerender_renditions", (("status", "rendered"),))] == 48, run
assert warm[("prerender_warm_urls", (("result", "hit"),))] == 48, warm
assert warm[("prerender_warm_urls", (("result", "failed"),))] == 0, warm
assert warm[("prerender_warm_success", ())] == 1, warm
assert warm[("prerender_warm_latency_seconds", (("quantile", "0.95"),))] > 0, warm
PY
# Tags are not part of the recipe: a tag added to a preset is journalled by the next run without
# re-rendering (only the 6 renditions journalled as renderer 0.2.0's are made again).
sed -i 's/small: { resize: { width: 160 }, format: \[webp, jpeg\] }/small: { resize: { width: 160 }, format: [webp, jpeg], tags: [thumbs] }/' "$WORK/site/site.yaml"
grep -q 'tags: \[thumbs\]' "$WORK/site/site.yaml" || fail "the manifest was not edited"
run_prerender run "$WORK/site/site.yaml" --jobs 2
expect_status 0
expect_err "6 rendered, 42 up to date"
"$PYTHON" - "$public/renditions.jsonl" "$public/changed.txt" <<'PY' || fail "the new tag is not journalled as expected"
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    assert ("thumbs" in r["tags"]) == (r["preset"] == "small"), r
    assert "renderer-0.2.0" not in r["tags"], r
assert open(sys.argv[2]).read() == "", "changed.txt lists URLs whose bytes did not change"
PY
echo "ok: warm, headers, purge by renderer version, retries and metrics against nginx and Varnish"
