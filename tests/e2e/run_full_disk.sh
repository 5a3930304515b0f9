#!/usr/bin/env bash
# A full disk under the output root (a small tmpfs): the journal lines that do not fit are failed
# renditions, a compaction that cannot be written leaves the journal as it was, run.json says so (or
# why it could not be written), the metrics (elsewhere) are still written, and the run exits 75 (retry).
source "$(dirname "$0")/lib.sh"
make_site "$WORK/site"
public="$WORK/site/public"
mkdir -p "$public"
mount -t tmpfs -o size=4m prerender-e2e "$public" 2>"$WORK/mount.err" ||
  skip "a small tmpfs cannot be mounted here ($(tr '\n' ' ' <"$WORK/mount.err")): run as root with CAP_SYS_ADMIN"
trap 'umount "$public" 2>/dev/null; rm -rf "$WORK"' EXIT

run_prerender run "$WORK/site/site.yaml" --jobs 2
expect_status 0
cp "$public/renditions.jsonl" "$WORK/journal-before"
# Fill the disk to the last byte.
dd if=/dev/zero of="$public/filler" bs=4k status=none 2>/dev/null || true
head -c 100000 /dev/zero >>"$public/filler" 2>/dev/null || true

run_prerender run "$WORK/site/site.yaml" --jobs 2 --force --metrics-file "$WORK/metrics.prom"
expect_status 75
expect_err "could not be recorded in the journal"
expect_err "No space left on device"
# A compaction is needed only when some line fitted (it supersedes an older one): then it cannot be
# written and the journal is kept as it was; otherwise the journal is the first run's, byte for byte.
if [[ $(wc -l <"$public/renditions.jsonl") -gt 48 ]]; then
  expect_err "prerender: the journal could not be compacted and is kept as it was: cannot write '$public/renditions.jsonl': No space left on device"
else
  cmp -s "$public/renditions.jsonl" "$WORK/journal-before" || fail "the journal changed although no line was appended"
fi
grep -qF 'prerender_run_success 0' "$WORK/metrics.prom" || fail "the metrics file was not written"
# run.json is written when the space freed by the failed compaction lets it, or its reason is printed.
if ! grep -qF "prerender: run.json could not be written: " "$WORK/err"; then
  grep -qF '"problems": [' "$public/run.json" && grep -qF 'could not be recorded in the journal' "$public/run.json" ||
    fail "run.json neither written with its problems nor reported"
fi
"$PYTHON" - "$public" "$WORK/journal-before" <<'PY'
import json, sys
root, before = sys.argv[1], sys.argv[2]
now = [json.loads(l) for l in open(f"{root}/renditions.jsonl")]  # whole lines only
old = [json.loads(l) for l in open(before)]
key = lambda r: (r["asset"], r["preset"], r["format"], r["dpr"])
assert {key(r) for r in old} <= {key(r) for r in now}, "the journal lost records"
assert len(old) == 48
PY

rm "$public/filler"
run_prerender run "$WORK/site/site.yaml" --jobs 2
expect_status 0
expect_err "0 failed"
check_outputs "$public"
[[ $(wc -l <"$public/urls.txt") == 48 ]] || fail "urls.txt lacks renditions after the disk was freed"
