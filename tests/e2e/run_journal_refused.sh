#!/usr/bin/env bash
# A journal line the storage refuses is a failed rendition: under a file-size limit that stops the journal
# (not the small renditions) part way, the run exits 75 with the reason, counts what it could not record as
# failed in run.json and the metrics, keeps the journal whole lines, and the next run redoes exactly those.
source "$(dirname "$0")/lib.sh"
make_site "$WORK/site"
cat >"$WORK/site/site.yaml" <<'YAML'
version: 1
sources: { root: images/ }
output: { root: public/, base_url: "https://cdn.test/" }
presets:
  tiny: { resize: { width: 24 }, format: jpeg, dpr: [1, 2, 3] }
  mini: { resize: { width: 16 }, format: jpeg, dpr: [1, 2, 3] }
assets:
  - { source: "*.jpg", presets: [tiny, mini] }
YAML
public="$WORK/site/public"
mkdir -p "$public"
# 16 KiB: every rendition (under 3 KiB) and run.json (4 KiB) fit, the journal (48 lines of about 0.9 KiB)
# does not.
set +e
( ulimit -f 16; exec "$PRERENDER" run "$WORK/site/site.yaml" --jobs 1 --metrics-file "$WORK/metrics.prom" ) \
  >"$WORK/out" 2>"$WORK/err"
STATUS=$?
set -e
expect_status 75
expect_err "could not be recorded in the journal '$public/renditions.jsonl' and count as failed (a later run redoes them): cannot append to '$public/renditions.jsonl': File too large"
check_outputs "$public"
read -r lines unrecorded < <("$PYTHON" - "$public" "$WORK/metrics.prom" <<'PY'
import json, sys, re
root, metrics = sys.argv[1], sys.argv[2]
lines = [json.loads(l) for l in open(f"{root}/renditions.jsonl")]
assert 0 < len(lines) < 48, f"{len(lines)} journal lines: the limit did not stop the journal part way"
assert all(r["status"] == "rendered" for r in lines)
s = json.load(open(f"{root}/run.json"))
unrecorded = 48 - len(lines)
assert s["renditions"]["failed"] == unrecorded, (s["renditions"], len(lines))
assert s["renditions"]["rendered"] == len(lines), s["renditions"]
assert any("could not be recorded in the journal" in p for p in s["problems"]), s["problems"]
text = open(metrics).read()
assert f'prerender_renditions{{status="failed"}} {unrecorded}\n' in text, text
assert "prerender_run_success 0\n" in text, text
urls = open(f"{root}/urls.txt").read().split()
assert len(urls) == len(lines), (len(urls), len(lines))
print(len(lines), unrecorded)
PY
)
echo "journaled $lines, unrecorded $unrecorded"
expect_err "failed: "
expect_err "could not be recorded in the journal: cannot append to"

run_prerender run "$WORK/site/site.yaml" --jobs 1
expect_status 0
expect_err "$unrecorded rendered, $lines up to date, 0 failed"
check_outputs "$public"
[[ $(wc -l <"$public/urls.txt") == 48 ]] || fail "urls.txt lacks renditions after the retry"
