#!/usr/bin/env bash
# The JSON log: every line parses and carries the documented fields; stage timings are non-negative and
# add up to no more than the rendition's total. The metrics file parses as Prometheus text and matches
# the run. Without a terminal the output has no carriage return or escape code; under a pseudo-terminal
# the progress line updates in place.
source "$(dirname "$0")/lib.sh"
make_site "$WORK/site"
run_prerender run "$WORK/site/site.yaml" --jobs 2 --log-format json --log-file "$WORK/log.jsonl" --metrics-file "$WORK/prerender.prom"
expect_status 0
"$PYTHON" - "$WORK/log.jsonl" "$WORK/site/public/renditions.jsonl" <<'PY'
import json, sys
events = [json.loads(line) for line in open(sys.argv[1])]
kinds = [e["event"] for e in events]
assert kinds[0] == "run_start" and kinds[-1] == "run_end", kinds
start = events[0]
for field in ["time", "manifest", "renderer_version", "libvips_version", "jobs", "memory_budget_bytes", "renditions"]:
    assert field in start, field
renditions = [e for e in events if e["event"] == "rendition"]
assert len(renditions) == 48, len(renditions)
for e in renditions:
    for field in ["time", "asset", "preset", "format", "dpr", "status", "path", "url", "bytes", "width", "height",
                  "quality", "seconds", "total_seconds"]:
        assert field in e, (field, e)
    s = e["seconds"]
    assert all(s[k] >= 0 for k in ["read", "decode", "transform", "encode", "write", "total"]), s
    assert s["transform"] + s["encode"] + s["write"] <= s["total"] + 1e-3, s
    assert e["total_seconds"] == s["total"]
end = events[-1]
assert end["renditions"]["rendered"] == 48
for stage in ["read", "decode", "transform", "encode", "write", "rendition"]:
    st = end["stages_seconds"][stage]
    assert 0 <= st["p50"] <= st["p95"] <= st["max"], (stage, st)
assert len(end["slowest"]) == 5
assert set(end["presets"]) == {"small", "square"}
PY
[[ ! -s "$WORK/err" ]] || fail "with --log-file, stderr should stay empty"

"$PYTHON" - "$WORK/prerender.prom" <<'PY'
import sys
from prometheus_client.parser import text_string_to_metric_families
values = {}
for family in text_string_to_metric_families(open(sys.argv[1]).read()):
    for sample in family.samples:
        values[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
assert values[("prerender_renditions", (("status", "rendered"),))] == 48, values
assert values[("prerender_renditions", (("status", "failed"),))] == 0
assert values[("prerender_run_success", ())] == 1
assert values[("prerender_written_bytes", (("format", "avif"),))] > 0
assert values[("prerender_stage_seconds", (("stage", "encode"),))] > 0
assert values[("prerender_last_success_timestamp_seconds", ())] > 1.7e9
PY

# A failed run keeps the last success timestamp and says it did not succeed.
before=$(grep '^prerender_last_success_timestamp_seconds' "$WORK/prerender.prom")
cp "$FIXTURES/images/bad/empty.jpg" "$WORK/site/images/empty.jpg"
run_prerender run "$WORK/site/site.yaml" --metrics-file "$WORK/prerender.prom"
expect_status 1
grep -qx 'prerender_run_success 0' "$WORK/prerender.prom" || fail "a failed run must set prerender_run_success 0"
grep -qxF "$before" "$WORK/prerender.prom" || fail "a failed run changed the last success timestamp"
rm "$WORK/site/images/empty.jpg"

# No terminal: plain text, no carriage returns or escape codes.
rm -rf "$WORK/site/public"
run_prerender run "$WORK/site/site.yaml" --progress auto
expect_status 0
! grep -q $'\r' "$WORK/err" || fail "carriage return without a terminal"
! grep -q $'\e' "$WORK/err" || fail "escape code without a terminal"
expect_err "stage        total s"

# A pseudo-terminal: the progress line is redrawn in place.
command -v script >/dev/null || skip "script (bsdutils) is needed for the terminal check"
rm -rf "$WORK/site/public"
script -qfec "'$PRERENDER' run '$WORK/site/site.yaml' --jobs 1" "$WORK/typescript" >/dev/null
grep -q $'\r\e\[K[0-9]*/48 renditions' "$WORK/typescript" || fail "no in-place progress line on a terminal"
grep -q "48 rendered" "$WORK/typescript" || fail "no summary on a terminal"
