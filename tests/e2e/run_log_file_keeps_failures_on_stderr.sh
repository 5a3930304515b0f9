#!/usr/bin/env bash
# With --log-file, cron still hears of failures: each failed rendition's line and the summary go to stderr
# (in text, whatever --log-format), while the log file keeps every event; past 20 failures stderr says
# "... and N more". A run that succeeds prints nothing (cron mails nothing).
source "$(dirname "$0")/lib.sh"
mkdir -p "$WORK/site/images"
cp "$FIXTURES/images/landscape-1.jpg" "$WORK/site/images/good.jpg"
cp "$FIXTURES/images/bad/truncated-10000b.jpg" "$WORK/site/images/broken.jpg"
cat >"$WORK/site/site.yaml" <<'YAML'
version: 1
sources: { root: images/ }
output: { root: public/ }
presets:
  small: { resize: { width: 120 }, format: [webp, jpeg] }
assets:
  - { source: "*.jpg", presets: [small] }
YAML

for format in json text; do
  rm -f "$WORK/log"
  run_prerender run "$WORK/site/site.yaml" --force --log-format "$format" --log-file "$WORK/log" --progress never
  expect_status 1
  expect_err "prerender: failed: broken small webp 1x: cannot decode the source: VipsJpeg: Premature end of input file"
  expect_err "prerender: failed: broken small jpeg 1x: cannot decode the source"
  expect_err "prerender: 2 rendered, 0 up to date, 2 failed"
  expect_no_err "good small"
  (( $(wc -l <"$WORK/err") == 3 )) || fail "stderr should hold two failure lines and one summary line"
  grep -q "failed: broken small webp 1x" "$WORK/log" || [[ $format == json ]] || fail "the text log lacks the failure"
done
# The JSON log file still has every event.
run_prerender run "$WORK/site/site.yaml" --force --log-format json --log-file "$WORK/log.jsonl" --progress never
expect_status 1
"$PYTHON" - "$WORK/log.jsonl" <<'PY'
import json, sys
events = [json.loads(line) for line in open(sys.argv[1])]
assert [e["event"] for e in events][0] == "run_start" and events[-1]["event"] == "run_end", events
failed = [e for e in events if e["event"] == "rendition" and e["status"] == "failed"]
assert sorted((e["asset"], e["format"]) for e in failed) == [("broken", "jpeg"), ("broken", "webp")], failed
assert "Premature end of input file" in failed[0]["error"], failed[0]
assert events[-1]["renditions"]["failed"] == 2, events[-1]
PY

# -q keeps the failures, not the summary.
run_prerender run "$WORK/site/site.yaml" --force -q --log-file "$WORK/log" --progress never
expect_status 1
expect_err "prerender: failed: broken small webp 1x"
expect_no_err "rendered,"

# Many failures: the first 20 lines, then how many more (all of them are in the log file).
for i in $(seq 1 15); do cp "$FIXTURES/images/bad/empty.jpg" "$WORK/site/images/empty-$i.jpg"; done
run_prerender run "$WORK/site/site.yaml" --force --log-format json --log-file "$WORK/many.jsonl" --progress never
expect_status 1
(( $(grep -c "^prerender: failed: " "$WORK/err") == 20 )) || fail "stderr should show 20 failure lines"
expect_err "prerender: ... and 12 more failures (all in $WORK/many.jsonl)"
expect_err "prerender: 2 rendered, 0 up to date, 32 failed"
(( $(grep -c '"status":"failed"' "$WORK/many.jsonl") == 32 )) || fail "the log file should hold all 32 failures"

# A run that succeeds says nothing on stderr.
rm "$WORK/site/images/broken.jpg" "$WORK/site/images"/empty-*.jpg
run_prerender run "$WORK/site/site.yaml" --force --log-format json --log-file "$WORK/log.jsonl" --progress never
expect_status 0
[[ ! -s "$WORK/err" ]] || fail "a successful run with --log-file should leave stderr empty"
